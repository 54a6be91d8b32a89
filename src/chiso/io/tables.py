"""Reading unit lists and scores from CSV or XLSX, long or wide, remembering every cell's place.

Long form: one row per unit and criterion — columns ``unit, criterion, value``.
Wide form: one row per unit — a ``unit`` column and one column per criterion code.
Either may also carry ``name, block, kind`` for the units. Vietnamese headers are accepted
(``ma_don_vi``/``don_vi``, ``tieu_chi``, ``diem``/``gia_tri``, ``ten_don_vi``, ``khoi``, ``loai``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chiso.engine.inputs import ScoreRow, Unit
from chiso.engine.problems import InputError, Problem

ALIASES = {
    "unit": ("unit", "ma_don_vi", "don_vi", "ma"),
    "criterion": ("criterion", "tieu_chi", "ma_tieu_chi"),
    "value": ("value", "diem", "gia_tri"),
    "name": ("name", "ten_don_vi", "ten"),
    "block": ("block", "khoi", "nhom"),
    "kind": ("kind", "loai", "loai_don_vi"),
    "tags": ("tags", "nhan"),
}
UNIT_COLUMNS = ("unit", "name", "block", "kind", "tags")


@dataclass(frozen=True)
class Table:
    path: Path
    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number as the user sees it, cells)

    def column(self, role: str) -> int | None:
        names = [h.strip().lower() for h in self.header]
        for alias in ALIASES.get(role, (role,)):
            if alias in names:
                return names.index(alias)
        return None

    def where(self, row: int, col: int) -> str:
        return f"{self.path.name} row {row}, column '{self.header[col]}'"


def read_table(path: Path, sheet: str | None = None) -> Table:
    """A table from CSV (UTF-8, with or without BOM; ',' or ';') or XLSX (first sheet)."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return _read_xlsx(path, sheet)
        return _read_csv(path)
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise InputError([Problem("INP008", str(path), {"detail": str(exc)})]) from None


def _read_csv(path: Path) -> Table:
    text = path.read_text(encoding="utf-8-sig")
    try:
        dialect: Any = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    lines = list(csv.reader(text.splitlines(), dialect))
    if not lines:
        raise ValueError("the file is empty")
    rows = [
        (n, cells) for n, cells in enumerate(lines[1:], start=2) if any(c.strip() for c in cells)
    ]
    return Table(path, [h.strip() for h in lines[0]], rows)


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    ws = book[sheet] if sheet else book.worksheets[0]
    all_rows = list(ws.iter_rows(values_only=True))
    book.close()
    if not all_rows:
        raise ValueError("the sheet is empty")
    header = ["" if h is None else str(h).strip() for h in all_rows[0]]
    rows = [
        (n, list(cells))
        for n, cells in enumerate(all_rows[1:], start=2)
        if any(c is not None and str(c).strip() for c in cells)
    ]
    return Table(path, header, rows)


def _cell(cells: list[Any], col: int | None) -> Any:
    if col is None or col >= len(cells):
        return None
    return cells[col]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _require(table: Table, *roles: str) -> None:
    missing = [role for role in roles if table.column(role) is None]
    if missing:
        raise InputError([Problem("INP001", table.path.name, {"column": role}) for role in missing])


def read_units(path: Path) -> list[Unit]:
    """The unit list: ``unit`` (code), ``name``, ``block`` and optionally ``kind``."""
    table = read_table(path)
    _require(table, "unit", "name", "block")
    return list(_units_of(table))


def _units_of(table: Table) -> Iterator[Unit]:
    cols = {role: table.column(role) for role in UNIT_COLUMNS}
    for _, cells in table.rows:
        code = _text(_cell(cells, cols["unit"]))
        if code:
            yield Unit(
                code=code,
                name=_text(_cell(cells, cols["name"])) or code,
                block=_text(_cell(cells, cols["block"])),
                kind=_text(_cell(cells, cols["kind"])),
                tags=tuple(
                    t.strip() for t in _text(_cell(cells, cols["tags"])).split(";") if t.strip()
                ),
            )


@dataclass(frozen=True)
class Scores:
    rows: list[ScoreRow]
    units: list[Unit]  # units described in the scores file itself (may be empty)
    layout: str  # "long" or "wide"


def read_scores(path: Path, sheet: str | None = None) -> Scores:
    table = read_table(path, sheet)
    _require(table, "unit")
    long = table.column("criterion") is not None and table.column("value") is not None
    rows = list(_long_rows(table) if long else _wide_rows(table))
    units = list(_units_of(table)) if table.column("block") is not None else []
    return Scores(rows, _dedupe(units), "long" if long else "wide")


def _long_rows(table: Table) -> Iterator[ScoreRow]:
    unit, criterion, value = (table.column(r) for r in ("unit", "criterion", "value"))
    assert unit is not None and criterion is not None and value is not None
    for n, cells in table.rows:
        yield ScoreRow(
            _text(_cell(cells, unit)),
            _text(_cell(cells, criterion)),
            _cell(cells, value),
            table.where(n, value),
        )


def _wide_rows(table: Table) -> Iterator[ScoreRow]:
    reserved = {table.column(role) for role in UNIT_COLUMNS}
    unit = table.column("unit")
    for n, cells in table.rows:
        for col, header in enumerate(table.header):
            if col not in reserved and header:
                yield ScoreRow(
                    _text(_cell(cells, unit)), header, _cell(cells, col), table.where(n, col)
                )


def _dedupe(units: list[Unit]) -> list[Unit]:
    return list({u.code: u for u in units}.values())
