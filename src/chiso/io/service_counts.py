"""Reading the counts a province already has (CSV or XLSX) for `chiso service score`.

One row per unit and indicator (and period, when the file holds several):

| column | Vietnamese aliases | what |
|---|---|---|
| `unit` | `ma_don_vi`, `ma` | unit code |
| `indicator` | `chi_tieu`, `ma_chi_tieu` | indicator code of the method, e.g. `2.1` |
| `numerator` | `tu_so` | what the indicator counts (e.g. dossiers on time) |
| `denominator` | `mau_so` | what it counts over (e.g. dossiers received or handled) |
| `period` | `ky`, `ky_danh_gia` | optional: the period label, e.g. `2026-Q3` |
| `name` | `ten_don_vi`, `ten`, `don_vi` | optional: unit name |
| `level` | `cap`, `cap_don_vi` | `province` (tỉnh), `department` (sở), `commune` (xã) |
| `parent` | `ma_don_vi_cha`, `don_vi_cha` | optional: the unit its counts roll up to |
| `block` | `khoi` | optional: ranking block |

The unit columns may instead come from a separate unit list (`--units`). Every problem is
reported at once with its row and column.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from chiso.engine.problems import InputError, Problem
from chiso.engine.reading import InputValueError, read_number
from chiso.engine.service_measures import MEASURES
from chiso.engine.service_method import ServiceMethod
from chiso.engine.service_scoring import ServiceUnit, check_units
from chiso.io.tables import Table, read_table

ALIASES = {
    "unit": ("unit", "ma_don_vi", "ma"),
    "indicator": ("indicator", "chi_tieu", "ma_chi_tieu"),
    "numerator": ("numerator", "tu_so"),
    "denominator": ("denominator", "mau_so"),
    "period": ("period", "ky", "ky_danh_gia"),
    "name": ("name", "ten_don_vi", "ten", "don_vi"),
    "level": ("level", "cap", "cap_don_vi"),
    "parent": ("parent", "ma_don_vi_cha", "don_vi_cha"),
    "block": ("block", "khoi"),
}
LEVEL_WORDS = {
    "province": "province",
    "tinh": "province",
    "tỉnh": "province",
    "department": "department",
    "so": "department",
    "sở": "department",
    "commune": "commune",
    "xa": "commune",
    "xã": "commune",
    "phuong": "commune",
    "phường": "commune",
}
UNIT_ROLES = ("unit", "name", "level", "parent", "block")


@dataclass(frozen=True)
class Counts:
    frame: pl.DataFrame  # period, unit, indicator, numerator, denominator
    units: list[ServiceUnit]


def read_counts(
    path: Path, method: ServiceMethod, units_path: Path | None = None, sheet: str | None = None
) -> Counts:
    """The counts of `path` checked against `method`, and the units (from the same file, or
    from `units_path`); raises `InputError` with every problem."""
    table = read_table(path, sheet)
    cols = {role: _column(table, role) for role in ALIASES}
    required = ["unit", "indicator", "numerator", "denominator"]
    required += [] if units_path else ["level"]
    missing = [Problem("INP001", path.name, {"column": r}) for r in required if cols[r] is None]
    if missing:
        raise InputError(missing)
    problems: list[Problem] = []
    rows = list(_rows(table, cols, method, problems))
    units = _units_from(read_table(units_path), problems) if units_path else None
    if units is None:
        units = _units_from(table, problems)
    known = {u.code for u in units}
    for n, unit, *_ in rows:
        if unit not in known:
            problems.append(Problem("INP002", f"{path.name} row {n}", {"unit": unit}))
    problems += _duplicates(path, rows)
    if problems:
        raise InputError(problems)
    frame = pl.DataFrame(
        [row[1:] for row in rows],
        schema={
            "unit": pl.String,
            "indicator": pl.String,
            "numerator": pl.Float64,
            "denominator": pl.Float64,
            "period": pl.String,
        },
        orient="row",
    ).select("period", "unit", "indicator", "numerator", "denominator")
    return Counts(frame, units)


def _column(table: Table, role: str) -> int | None:
    names = [h.strip().lower() for h in table.header]
    for alias in ALIASES[role]:
        if alias in names:
            return names.index(alias)
    return None


def _cell(cells: list[Any], col: int | None) -> str:
    if col is None or col >= len(cells) or cells[col] is None:
        return ""
    value = cells[col]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(
    table: Table, cols: dict[str, int | None], method: ServiceMethod, problems: list[Problem]
) -> Iterator[tuple[int, str, str, float, float, str]]:
    codes = {i.code: i for i in method.indicators}
    for n, cells in table.rows:
        unit, code = _cell(cells, cols["unit"]), _cell(cells, cols["indicator"])
        indicator = codes.get(code)
        if indicator is None:
            where = table.where(n, cols["indicator"] or 0)
            problems.append(Problem("SVC040", where, {"indicator": code}))
            continue
        whole = MEASURES[indicator.measure].value == "rate"
        numerator = _count(table, n, cols["numerator"], cells, whole, problems)
        denominator = _count(table, n, cols["denominator"], cells, True, problems)
        if numerator is None or denominator is None:
            continue
        if MEASURES[indicator.measure].bounded and numerator > denominator:
            params = {"numerator": f"{numerator:g}", "denominator": f"{denominator:g}"}
            problems.append(Problem("SVC042", f"{table.path.name} row {n}", params))
            continue
        yield n, unit, code, numerator, denominator, _cell(cells, cols["period"])


def _count(
    table: Table, n: int, col: int | None, cells: list[Any], whole: bool, problems: list[Problem]
) -> float | None:
    assert col is not None
    raw = cells[col] if col < len(cells) else None
    try:
        value = read_number(raw)
    except InputValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or (whole and value != int(value)):
        problems.append(Problem("SVC041", table.where(n, col), {"value": raw}))
        return None
    return value


def _units_from(table: Table, problems: list[Problem]) -> list[ServiceUnit]:
    cols = {role: _column(table, role) for role in UNIT_ROLES}
    if cols["unit"] is None or cols["level"] is None:
        missing = [r for r in ("unit", "level") if cols[r] is None]
        problems += [Problem("INP001", table.path.name, {"column": r}) for r in missing]
        return []
    seen: dict[str, ServiceUnit] = {}
    for n, cells in table.rows:
        unit = _unit(cells, cols)
        if unit.code in seen and seen[unit.code] != unit:
            problems.append(Problem("SVC047", f"{table.path.name} row {n}", {"unit": unit.code}))
        seen.setdefault(unit.code, unit)
    units = list(seen.values())
    problems += [
        Problem(p.code, f"{table.path.name}: {p.where}", p.params) for p in check_units(units)
    ]
    return units


def _unit(cells: list[Any], cols: dict[str, int | None]) -> ServiceUnit:
    code = _cell(cells, cols["unit"])
    level = _cell(cells, cols["level"])
    return ServiceUnit(
        code=code,
        name=_cell(cells, cols["name"]) or code,
        level=LEVEL_WORDS.get(level.lower(), level),
        parent=_cell(cells, cols["parent"]) or None,
        block=_cell(cells, cols["block"]),
    )


def _duplicates(path: Path, rows: list[tuple[int, str, str, float, float, str]]) -> list[Problem]:
    first: dict[tuple[str, str, str], int] = {}
    problems = []
    for n, unit, code, _num, _den, period in rows:
        key = (period, unit, code)
        if key in first:
            params = {"unit": unit, "indicator": code}
            problems.append(Problem("SVC043", f"{path.name} row {n}", params))
        first.setdefault(key, n)
    return problems
