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
from chiso.engine.problems import InputError, Problem
from chiso.engine.rules import RULES, InputValueError, read_input


@dataclass(frozen=True)
class Unit:
    """An evaluated unit (a department, a commune …) as the unit list gives it."""

    code: str
    name: str
    block: str
    kind: str = ""


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
    raw: tuple[tuple[str, str, str], ...]  # (unit, criterion, value as text), sorted
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
        node.code: (name, j, node)
        for name, items in columns.items()
        for j, node in enumerate(items)
    }
    matrices = {name: np.full((len(units), len(items)), np.nan) for name, items in columns.items()}
    seen: dict[tuple[str, str], str] = {}
    raw: list[tuple[str, str, str]] = []
    for row in rows:
        problem = _place(row, unit_index, places, seen)
        if problem:
            problems.append(problem)
            continue
        if is_blank(row.value):
            continue
        name, j, node = places[row.criterion]
        kind = RULES[node.rule.kind]  # type: ignore[union-attr]
        try:
            value = read_input(kind, node.rule.params, node.max, row.value)  # type: ignore[union-attr]
        except InputValueError as exc:
            problems.append(_invalid(row, exc))
            continue
        matrices[name][unit_index[row.unit], j] = value
        raw.append((row.unit, row.criterion, _text(row.value)))
    if problems:
        raise InputError(problems)
    raw.sort()
    return Inputs(
        tuple(units),
        matrices["leaves"],
        matrices["bonus"],
        matrices["penalty"],
        tuple(raw),
        _hash(units, raw),
    )


def _columns(method: Method) -> dict[str, tuple[Criterion, ...]]:
    return {
        "leaves": method.leaves,
        "bonus": method.bonus.items if method.bonus else (),
        "penalty": method.penalty.items if method.penalty else (),
    }


def _place(
    row: ScoreRow,
    unit_index: dict[str, int],
    places: dict[str, Any],
    seen: dict[tuple[str, str], str],
) -> Problem | None:
    where = row.where or f"unit {row.unit}, criterion {row.criterion}"
    if row.unit not in unit_index:
        return Problem("INP002", where, {"unit": row.unit})
    if row.criterion not in places:
        return Problem("INP003", where, {"criterion": row.criterion})
    key = (row.unit, row.criterion)
    if key in seen and not is_blank(row.value):
        return Problem("INP006", where, {"unit": row.unit, "criterion": row.criterion})
    if not is_blank(row.value):
        seen[key] = where
    return None


def _invalid(row: ScoreRow, exc: InputValueError) -> Problem:
    where = row.where or f"unit {row.unit}, criterion {row.criterion}"
    return Problem(
        "INP004", where, {"value": row.value, "criterion": row.criterion, "detail": exc.en}
    )


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


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _hash(units: Sequence[Unit], raw: list[tuple[str, str, str]]) -> str:
    payload = {
        "units": sorted([u.code, u.name, u.block, u.kind] for u in units),
        "scores": raw,
    }
    canonical = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
