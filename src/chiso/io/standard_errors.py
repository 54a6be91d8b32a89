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
