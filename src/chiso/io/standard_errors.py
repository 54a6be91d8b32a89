"""Reading the standard errors of components (e.g. the survey's, from its sample design)."""

from __future__ import annotations

import math
from pathlib import Path

from chiso.engine.problems import InputError, Problem
from chiso.io.tables import read_table


def read_standard_errors(path: Path) -> dict[tuple[str, str], float]:
    """CSV/XLSX with columns unit, component, se (the standard error, in points)."""
    table = read_table(path)
    names = [h.strip().lower() for h in table.header]
    missing = [c for c in ("unit", "component", "se") if c not in names]
    if missing:
        raise InputError([Problem("INP001", path.name, {"column": c}) for c in missing])
    unit, component, se = (names.index(c) for c in ("unit", "component", "se"))
    out: dict[tuple[str, str], float] = {}
    problems = []
    for number, cells in table.rows:
        raw = cells[se] if se < len(cells) else None
        try:
            value = float(str(raw).strip().replace(",", "."))
            if not math.isfinite(value) or value < 0:
                raise ValueError("a standard error must be a finite number ≥ 0")
        except ValueError as exc:
            detail = str(exc) if "standard error" in str(exc) else "not a number"
            problems.append(
                Problem(
                    "INP004",
                    table.where(number, se),
                    {"value": raw, "criterion": "se", "detail": detail},
                )
            )
            continue
        out[(str(cells[unit]).strip(), str(cells[component]).strip())] = value
    if problems:
        raise InputError(problems)
    return out


def survey_standard_errors(path: Path) -> dict[tuple[str, str], float]:
    """The optional `se` column of a survey results file (unit, criterion, value[, se]): the
    standard error of each value, in the value's unit (percentage points for a rate). A file
    without the column gives no errors; a bad cell is reported with its row and column."""
    table = read_table(path)
    names = [h.strip().lower() for h in table.header]
    if "se" not in names:
        return {}
    unit = table.column("unit")
    criterion = table.column("criterion")
    if unit is None or criterion is None:
        return {}
    se = names.index("se")
    out: dict[tuple[str, str], float] = {}
    problems = []
    for number, cells in table.rows:
        raw = cells[se] if se < len(cells) else None
        if raw is None or not str(raw).strip():
            continue
        try:
            value = _non_negative(raw)
        except ValueError as exc:
            problems.append(
                Problem(
                    "INP004",
                    table.where(number, se),
                    {"value": raw, "criterion": "se", "detail": str(exc)},
                )
            )
            continue
        out[(str(cells[unit]).strip(), str(cells[criterion]).strip())] = value
    if problems:
        raise InputError(problems)
    return out


def _non_negative(raw: object) -> float:
    try:
        value = float(str(raw).strip().replace(",", "."))
    except ValueError:
        raise ValueError("not a number") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError("a standard error must be a finite number ≥ 0")
    return value
