"""Reading a criteria annex table (XLSX or CSV): its cells as text, its header row, its columns.

The header is looked for in the first rows by Vietnamese column names, compared without case or
diacritics: STT (numbering), Nội dung tiêu chí / Lĩnh vực, tiêu chí … (title), Điểm tối đa
(max), Cách chấm / Hướng dẫn chấm điểm / Phương pháp chấm (rule text), Tài liệu kiểm chứng
(evidence) and Ghi chú (note). Columns of scores (Điểm tự chấm, Điểm thẩm định) are ignored. A
header written over two rows (Điểm › Tối đa | Tự chấm) is joined. A row numbering the columns
((1), (2), …) right under the header is skipped.

Merged cells: the value sits in the top-left cell and the other cells are empty (as a person
reads a merged STT cell over two rows: the second row continues the first). For finding the
header only, merged values are spread over their whole range.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from chiso.io.criteria_rules_text import fold

HEADER_SEARCH_ROWS = 15
Grid = list[list[str]]


class CriteriaImportError(ValueError):
    """The annex cannot be read at all; the message is in English and Vietnamese."""

    def __init__(self, en: str, vi: str):
        super().__init__(en)
        self.en, self.vi = en, vi


@dataclass(frozen=True)
class Sheet:
    source: str  # file name, and the sheet for a workbook
    header_row: int  # 1-based, as the user sees it
    columns: dict[str, int]  # role → column index
    rows: list[tuple[int, list[str]]]  # data rows: (row number, cells as text)
    preamble: list[str]  # text above the header (the annex's own title)


_ROLE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("evidence", re.compile(r"kiem chung")),
    ("note", re.compile(r"ghi chu")),
    ("rule", re.compile(r"huong dan|phuong phap|cach (?:cham|tinh|thuc|danh gia)|thang cham")),
    ("ignore", re.compile(r"tu cham|tu danh gia|tham dinh|ket qua|dat duoc|diem dat|danh gia")),
    ("max", re.compile(r"toi da|thang diem|diem chuan|^(?:so )?diem$")),
    ("code", re.compile(r"^(?:stt|tt|so tt|so thu tu|ma|ma so|ma tieu chi|ky hieu)$")),
    ("title", re.compile(r"noi dung|tieu chi|linh vuc|chi tieu|^ten\b")),
]


def column_role(text: str) -> str | None:
    """The role of a header cell, or None."""
    folded = re.sub(r"[^\w%]+", " ", fold(text)).strip()
    if not folded:
        return None
    return next((role for role, pattern in _ROLE_PATTERNS if pattern.search(folded)), None)


def cell_text(value: Any) -> str:
    """A cell as text: 2.0 → '2', 1.1 → '1.1', dates ISO, line ends normalised, stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


# --- reading the grid ---------------------------------------------------------------------------


def read_sheet(path: Path, sheet: str | None = None) -> Sheet:
    """The annex table of a CSV or XLSX file (the named sheet, else the first with a header)."""
    if not path.exists():
        raise CriteriaImportError(f"{path} does not exist", f"không tìm thấy tệp {path}")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _from_workbook(path, sheet)
    grid = _csv_grid(path)
    return _sheet(path.name, grid, grid)


def _csv_grid(path: Path) -> Grid:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CriteriaImportError(
            f"cannot read {path}: {exc}", f"không đọc được tệp {path}: {exc}"
        ) from None
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[cell_text(c) for c in row] for row in csv.reader(text.splitlines(), dialect)]


def _from_workbook(path: Path, sheet: str | None) -> Sheet:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, data_only=True)  # not read_only: merged ranges are needed
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise CriteriaImportError(
            f"cannot read {path}: {exc}", f"không đọc được tệp {path}: {exc}"
        ) from None
    if sheet is not None and sheet not in book.sheetnames:
        names = ", ".join(book.sheetnames)
        raise CriteriaImportError(
            f"no sheet '{sheet}' in {path.name} (sheets: {names})",
            f"tệp {path.name} không có trang '{sheet}' (có: {names})",
        )
    worksheets = [book[sheet]] if sheet is not None else book.worksheets
    for ws in worksheets:
        grid, filled = _worksheet_grids(ws)
        if sheet is not None or _find_header(grid, filled) is not None:
            return _sheet(f"{path.name} › {ws.title}", grid, filled)
    return _sheet(path.name, [], [])


def _worksheet_grids(ws: Any) -> tuple[Grid, Grid]:
    grid = [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    filled = [list(row) for row in grid]
    for merged in ws.merged_cells.ranges:
        top_left = cell_text(ws.cell(merged.min_row, merged.min_col).value)
        for r in range(merged.min_row, min(merged.max_row, len(filled)) + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if c - 1 < len(filled[r - 1]):
                    filled[r - 1][c - 1] = top_left
    return grid, filled


# --- the header ---------------------------------------------------------------------------------


def _roles(cells: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for col, text in enumerate(cells):
        role = column_role(text)
        if role and role != "ignore" and role not in found:
            found[role] = col
    return found


def _joined(upper: list[str], lower: list[str]) -> list[str]:
    width = max(len(upper), len(lower))
    pad = [*upper, *[""] * (width - len(upper))], [*lower, *[""] * (width - len(lower))]
    return [a if a == b else f"{a} {b}".strip() for a, b in zip(*pad, strict=True)]


def _find_header(grid: Grid, filled: Grid) -> tuple[int, int, dict[str, int]] | None:
    """(header row index, rows it spans, columns) of the best header in the first rows."""
    best: tuple[int, int, dict[str, int]] | None = None
    for i, cells in enumerate(filled[:HEADER_SEARCH_ROWS]):
        span, roles = 1, _roles(cells)
        if roles and i + 1 < len(grid) and _is_subheader(grid[i + 1]):
            span, roles = 2, _roles(_joined(cells, filled[i + 1]))
        usable = "title" in roles and "max" in roles
        if usable and (best is None or len(roles) > len(best[2])):
            best = (i, span, roles)
    return best


def _is_subheader(cells: list[str]) -> bool:
    """A second header row (Tối đa | Tự chấm under a merged Điểm): every cell is a header."""
    values = [c for c in cells if c]
    return bool(values) and all(column_role(c) is not None for c in values)


def _is_column_numbering(cells: list[str]) -> bool:
    """'(1) (2) (3)', '1 2 3' or 'A B C' under a header: the columns' own numbering."""
    values = [c.strip("()") for c in cells if c]
    if len(values) < 2:
        return False
    if all(v.isdigit() for v in values):
        numbers = [int(v) for v in values]
    elif all(re.fullmatch(r"[A-Z]", v) for v in values):
        numbers = [ord(v) for v in values]
    else:
        return False
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _sheet(source: str, grid: Grid, filled: Grid) -> Sheet:
    found = _find_header(grid, filled)
    if found is None:
        raise CriteriaImportError(
            f"{source}: no header row with a criteria column (Nội dung tiêu chí) and a max-points "
            f"column (Điểm tối đa) in the first {HEADER_SEARCH_ROWS} rows",
            f"{source}: không thấy dòng tiêu đề có cột nội dung tiêu chí và cột điểm tối đa "
            f"trong {HEADER_SEARCH_ROWS} dòng đầu",
        )
    index, span, columns = found
    start = index + span
    if start < len(grid) and _is_column_numbering(grid[start]):
        start += 1
    rows = [(n + 1, cells) for n, cells in enumerate(grid) if n >= start and any(cells)]
    preamble = [c for cells in grid[:index] for c in cells if c]
    return Sheet(source, index + 1, columns, rows, preamble)
