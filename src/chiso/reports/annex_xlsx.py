"""The decision annex as an Excel workbook (openpyxl): one sheet per block, each printable alone.

Each sheet has the header block (the issuing authority on the left, the national name and
motto on the right), the title, the block's table with a merged two-row header, and
the band counts under it. Print setup: A4, landscape when the table is wide, fitted to the page
width, margins of the decree (left 30 mm, right 15 mm, top and bottom 20 mm), the table's
header rows repeated on every page.

Numbers stay numbers, rounded as published, with a number format of the method's decimals;
Excel writes them with the reader's decimal separator (a comma on a Vietnamese system) — an
XLSX number format cannot force one. Core properties and zip timestamps come from the
publication date, so the same snapshots give the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from chiso.reports.annex import Annex, AnnexTable
from chiso.reports.reproducible import normalise_zip

FONT = "Times New Roman"
CM_TO_WIDTH = 5.2  # Excel column width units (characters) per centimetre, at 12 pt
MM_TO_INCH = 1 / 25.4
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


def write(annex: Annex) -> bytes:
    """The annex as XLSX bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    names: set[str] = set()
    for table in annex.tables:
        sheet = workbook.create_sheet(_sheet_name(table, names))
        _sheet(sheet, annex, table)
    _properties(workbook, annex)
    buffer = io.BytesIO()
    # ExcelWriter directly: `Workbook.save` would stamp the modified date with the clock.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    return normalise_zip(buffer.getvalue(), annex.published_at)


def _sheet_name(table: AnnexTable, taken: set[str]) -> str:
    base = table.title
    for char in "[]:*?/\\":
        base = base.replace(char, " ")
    name, n = base[:31], 2
    while name in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _properties(workbook: Workbook, annex: Annex) -> None:
    when = annex.published_at.astimezone(UTC).replace(tzinfo=None)
    props = workbook.properties
    props.creator = props.lastModifiedBy = annex.author
    props.title = " ".join(annex.title)
    props.subject = annex.subject
    props.created = props.modified = when
    props.language = "vi-VN"


# --- one sheet ----------------------------------------------------------------------------------


def _sheet(sheet: Worksheet, annex: Annex, table: AnnexTable) -> None:
    width = len(table.columns)
    for i, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = round(
            column.width_cm * CM_TO_WIDTH, 1
        )
    row = _header_block(sheet, annex, width)
    row = _titles(sheet, annex, width, row)
    sheet.cell(row, 1, table.heading).font = _font(annex.font_pt, bold=True)
    first_header = row + 1
    row = _table_header(sheet, table, first_header, annex.table_font_pt)
    sheet.print_title_rows = f"{first_header}:{row - 1}"
    sheet.freeze_panes = sheet.cell(row, 1)
    row = _table_body(sheet, table, row, annex.table_font_pt)
    lines = (*table.summary, *table.legend, *annex.footnotes)
    for line in lines:
        row += 1
        _merged(sheet, row, 1, width, line, _font(annex.table_font_pt), LEFT)
    _page_setup(sheet, annex, table)


def _header_block(sheet: Worksheet, annex: Annex, width: int) -> int:
    split = 2  # the authority over STT and the unit's name; the motto over the rest
    size = annex.font_pt
    header = annex.header
    for row, line in enumerate(header.authority, start=1):
        _merged(sheet, row, 1, split, line, _font(size, bold=True), CENTER)
    _merged(sheet, 1, split + 1, width, header.motto[0], _font(size, bold=True), CENTER)
    motto = _font(size, bold=True, underline="single")
    _merged(sheet, 2, split + 1, width, header.motto[1], motto, CENTER)
    return len(header.authority) + 2


def _titles(sheet: Worksheet, annex: Annex, width: int, row: int) -> int:
    for line in annex.title:
        _merged(sheet, row, 1, width, line, _font(annex.font_pt, bold=True), CENTER)
        row += 1
    _merged(sheet, row, 1, width, annex.attached_to, _font(annex.font_pt, italic=True), CENTER)
    sheet.row_dimensions[row].height = 34
    for note in annex.notes:
        row += 1
        _merged(sheet, row, 1, width, note, _font(annex.font_pt, italic=True), CENTER)
    return row + 2


def _table_header(sheet: Worksheet, table: AnnexTable, row: int, size: int) -> int:
    """One header row, or two when some columns sit under a merged group cell."""
    bold = _font(size, bold=True)
    for cell in table.header_cells():
        top, left = row + cell.row, 1 + cell.column
        bottom, right = top + cell.rows - 1, left + cell.columns - 1
        if (bottom, right) != (top, left):
            sheet.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
        target = sheet.cell(top, left, cell.text)
        target.font, target.alignment = bold, CENTER
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                sheet.cell(r, c).border = BORDER
    sheet.row_dimensions[row].height = 32
    return row + table.header_rows


def _table_body(sheet: Worksheet, table: AnnexTable, row: int, size: int) -> int:
    font = _font(size)
    for cells in table.rows:
        for i, (column, cell) in enumerate(zip(table.columns, cells, strict=True), start=1):
            target = sheet.cell(row, i, cell.value)
            target.font, target.border = font, BORDER
            target.alignment = LEFT if column.kind == "text" else CENTER
            target.number_format = _number_format(column.kind, table.decimals)
        row += 1
    return row


def _number_format(kind: str, decimals: dict[str, int]) -> str:
    if kind in ("points", "index", "change"):
        places = decimals["points" if kind == "points" else "index"]
        plain = "0." + "0" * places if places else "0"
        return f"+{plain};-{plain};{plain}" if kind == "change" else plain
    if kind == "move":
        return '"▲ "0;"▼ "0;"="'
    return "0" if kind == "int" else "@"


def _page_setup(sheet: Worksheet, annex: Annex, table: AnnexTable) -> None:
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if annex.landscape else "portrait"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    margins = sheet.page_margins
    margins.left, margins.right = 30 * MM_TO_INCH, 15 * MM_TO_INCH
    margins.top = margins.bottom = 20 * MM_TO_INCH
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "Trang &P/&N"
    sheet.oddFooter.center.font = f"{FONT},Regular"


# --- cells --------------------------------------------------------------------------------------


def _font(size: int, **style: object) -> Font:
    return Font(name=FONT, size=size, **style)  # type: ignore[arg-type]


def _merged(
    sheet: Worksheet,
    row: int,
    first: int,
    last: int,
    text: str,
    font: Font,
    alignment: Alignment,
    *,
    border: bool = False,
) -> None:
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = sheet.cell(row, first, text)
    cell.font, cell.alignment = font, alignment
    if border:
        for column in range(first, last + 1):
            sheet.cell(row, column).border = BORDER
