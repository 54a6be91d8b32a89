"""Units and their scores, checked against a method and read into numbers.

The file edge (`chiso.io`) turns CSV/XLSX cells into `ScoreRow`s that remember where each came
from; here every row is checked against the method — unknown unit, unknown criterion, a value its
rule cannot read, a cell given twice — and all problems are reported together, each with its
place. A valid set becomes a matrix: one row per unit, one column per leaf, NaN where no value.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from chiso.engine.framework import Criterion, Method
from chiso.engine.problems import InputError, Problem, Wording
from chiso.engine.reading import InputValueError
from chiso.engine.rules import RULES, read_input


@dataclass(frozen=True)
class Unit:
    """An evaluated unit (a department, a commune …) as the unit list gives it."""

    code: str
    name: str
    block: str
    kind: str = ""
    tags: tuple[str, ...] = ()  # e.g. "no_procedures": matched by exemptions like a kind

    def is_of(self, kinds: tuple[str, ...]) -> bool:
        """True when the unit's kind or one of its tags is among `kinds`."""
        return self.kind in kinds or any(tag in kinds for tag in self.tags)


@dataclass(frozen=True)
class ScoreRow:
    """One value for one unit and one criterion; `where` says where it came from."""

    unit: str
    criterion: str
    value: Any
    where: str = ""


@dataclass(frozen=True)
class Inputs:
    """A checked set of inputs for one method: units × leaves, and bonus/penalty items."""

    units: tuple[Unit, ...]
    leaves: npt.NDArray[np.float64]  # units × method.leaves, in each rule's input domain
    bonus: npt.NDArray[np.float64]  # units × bonus items
    penalty: npt.NDArray[np.float64]  # units × penalty items
    hash: str


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def prepare_inputs(method: Method, units: Sequence[Unit], rows: Iterable[ScoreRow]) -> Inputs:
    """Check `units` and `rows` against `method`; raise `InputError` with every problem."""
    problems = _check_units(method, units)
    unit_index = {u.code: i for i, u in enumerate(units)}
    columns = _columns(method)
    places = {
        node.code: (name, j, node, RULES[node.rule.kind])  # type: ignore[union-attr]
        for name, items in columns.items()
        for j, node in enumerate(items)
    }
    matrices = {name: np.full((len(units), len(items)), np.nan) for name, items in columns.items()}
    seen: set[tuple[str, str]] = set()
    for row in rows:
        blank = is_blank(row.value)
        problem = _place(row, blank, unit_index, places, seen)
        if problem:
            problems.append(problem)
        elif not blank:
            name, j, node, kind = places[row.criterion]
            params = node.rule.params if node.rule else {}
            try:
                value = read_input(kind, params, node.max, row.value)
            except InputValueError as exc:
                problems.append(_invalid(row, exc))
                continue
            matrices[name][unit_index[row.unit], j] = value
    if problems:
        raise InputError(problems)
    return Inputs(
        tuple(units),
        matrices["leaves"],
        matrices["bonus"],
        matrices["penalty"],
        _hash(method, units, matrices),
    )


def _columns(method: Method) -> dict[str, tuple[Criterion, ...]]:
    return {
        "leaves": method.leaves,
        "bonus": method.bonus.items if method.bonus else (),
        "penalty": method.penalty.items if method.penalty else (),
    }


def _place(
    row: ScoreRow,
    blank: bool,
    unit_index: dict[str, int],
    places: dict[str, Any],
    seen: set[tuple[str, str]],
) -> Problem | None:
    if row.unit not in unit_index:
        return Problem("INP002", _where(row), {"unit": row.unit})
    if row.criterion not in places:
        return Problem("INP003", _where(row), {"criterion": row.criterion})
    if blank:
        return None
    key = (row.unit, row.criterion)
    if key in seen:
        return Problem("INP006", _where(row), {"unit": row.unit, "criterion": row.criterion})
    seen.add(key)
    return None


def _where(row: ScoreRow) -> str:
    return row.where or f"unit {row.unit}, criterion {row.criterion}"


def _invalid(row: ScoreRow, exc: InputValueError) -> Problem:
    params = {"value": row.value, "criterion": row.criterion, "detail": Wording(exc.vi, exc.en)}
    return Problem("INP004", _where(row), params)


def _check_units(method: Method, units: Sequence[Unit]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for unit in units:
        if unit.code in seen:
            problems.append(Problem("INP007", f"unit {unit.code}", {"unit": unit.code}))
        seen.add(unit.code)
        if method.block(unit.block) is None:
            problems.append(
                Problem("INP005", f"unit {unit.code}", {"unit": unit.code, "block": unit.block})
            )
    return problems


def _hash(
    method: Method, units: Sequence[Unit], matrices: dict[str, npt.NDArray[np.float64]]
) -> str:
    """sha256 over what the computation reads: the units (sorted), and each cell as the number
    its rule reads — so row order, and spellings that mean the same ("có", "1"), do not matter."""
    order = sorted(range(len(units)), key=lambda i: units[i].code)
    digest = hashlib.sha256()
    header = {
        "units": [
            [units[i].code, units[i].name, units[i].block, units[i].kind, sorted(units[i].tags)]
            for i in order
        ],
        "columns": {name: [n.code for n in items] for name, items in _columns(method).items()},
    }
    digest.update(json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode())
    for name in ("leaves", "bonus", "penalty"):
        digest.update(np.ascontiguousarray(matrices[name][order]).tobytes())
    return "sha256:" + digest.hexdigest()
