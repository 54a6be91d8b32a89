"""The decision annex as a Word document (python-docx).

A4, landscape when the table is wide, the decree's margins (top and bottom 20 mm, left 30 mm,
right 15 mm), Times New Roman 13 pt (tables 12 pt). The header block is a borderless two-column
table; each block's table has the "Table Grid" style and header rows that Word repeats on every
page. Core properties and zip timestamps come from the publication date, so the same snapshots
give the same bytes.
"""

from __future__ import annotations

import io
from datetime import UTC
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Pt
from docx.table import Table, _Cell

from chiso.reports.annex import Annex, AnnexTable, Cell
from chiso.reports.reproducible import normalise_zip

FONT = "Times New Roman"
A4 = (Cm(21.0), Cm(29.7))
CENTER, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
TABLE_STYLE = "Annex Table Text"
TABLE_STYLE_ID = "AnnexTableText"


def write(annex: Annex) -> bytes:
    """The annex as DOCX bytes."""
    document = Document()
    _page(document, annex)
    _styles(document, annex)
    _header_block(document, annex)
    _titles(document, annex)
    for table in annex.tables:
        _block(document, annex, table)
    for note in annex.footnotes:
        _paragraph(document, note, size=annex.table_font_pt, italic=True, align=LEFT)
    _properties(document, annex)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue(), annex.published_at)


def _page(document: DocumentType, annex: Annex) -> None:
    section = document.sections[0]
    short, long = A4
    if annex.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = long, short
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = short, long
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    footer = section.footer.paragraphs[0]
    footer.alignment = CENTER
    _page_field(footer)


def _page_field(paragraph: object) -> None:
    """A PAGE field, so Word numbers the pages."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)  # type: ignore[attr-defined]


def _styles(document: DocumentType, annex: Annex) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(annex.font_pt)
    # East-Asian and complex-script slots too, or Word may pick another font for some letters.
    fonts = normal.element.rPr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    # The body cells' paragraph style: the table's font size, set once instead of per run.
    table_text = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.size = Pt(annex.table_font_pt)
    table_text.element.set(qn("w:styleId"), TABLE_STYLE_ID)


def _properties(document: DocumentType, annex: Annex) -> None:
    when = annex.published_at.astimezone(UTC).replace(tzinfo=None)
    props = document.core_properties
    props.author = props.last_modified_by = annex.author
    props.title = " ".join(annex.title)
    props.subject = annex.subject
    props.language = "vi-VN"
    props.created = props.modified = when
    props.revision = 1


# --- header and titles --------------------------------------------------------------------------


def _header_block(document: DocumentType, annex: Annex) -> None:
    width = _text_width(document)
    left_width = Cm(7.0)
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = left_width, width - left_width
    header = annex.header
    size = annex.font_pt
    for i, line in enumerate(header.authority):
        _cell_text(left, line, size=size, bold=True, new=i > 0)
    _short_rule(left.add_paragraph(), int(left_width))
    _cell_text(right, header.motto[0], size=size, bold=True)
    _cell_text(right, header.motto[1], size=size, bold=True, underline=True, new=True)


def _short_rule(paragraph: Any, width: int) -> None:
    """A centred rule a third of `width` long under the authority's name: an empty paragraph's
    top border, which runs between the paragraph's indents."""
    indent = Emu(width // 3)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = indent
    paragraph.paragraph_format.space_before = Pt(1)
    borders = parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:top w:val="single" w:sz="6" w:space="1" w:color="000000"/>'
        "</w:pBdr>"
    )
    paragraph._p.get_or_add_pPr().append(borders)
    paragraph.add_run().font.size = Pt(4)


def _titles(document: DocumentType, annex: Annex) -> None:
    _paragraph(document, "", size=annex.font_pt)
    for line in annex.title:
        _paragraph(document, line, size=annex.font_pt, bold=True)
    _paragraph(document, annex.attached_to, size=annex.font_pt, italic=True)
    for note in annex.notes:
        _paragraph(document, note, size=annex.font_pt, italic=True)


# --- one block ----------------------------------------------------------------------------------


def _block(document: DocumentType, annex: Annex, table: AnnexTable) -> None:
    heading = _paragraph(document, table.heading, size=annex.font_pt, bold=True, align=LEFT)
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.space_after = Pt(6)
    grid = document.add_table(rows=table.header_rows, cols=len(table.columns))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    _widths(grid, table)
    _table_header(grid, table, annex.table_font_pt)
    # Body rows as XML, one parse per row: python-docx's cell API recomputes the table's grid
    # on every access and writes properties one element at a time (seconds for 150 rows).
    widths = [int(Cm(c.width_cm).twips) for c in table.columns]
    for cells in table.rows:
        grid._tbl.append(_row_xml(table, cells, widths))
    size = annex.table_font_pt
    for line in (*table.summary, *table.legend):
        _paragraph(document, line, size=size, align=LEFT).paragraph_format.space_before = Pt(3)


def _row_xml(table: AnnexTable, cells: tuple[Cell, ...], widths: list[int]) -> Any:
    tcs = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{TABLE_STYLE_ID}"/>'
        f'<w:jc w:val="{"left" if column.kind == "text" else "center"}"/></w:pPr>'
        f'<w:r><w:t xml:space="preserve">{escape(cell.text)}</w:t></w:r></w:p></w:tc>'
        for column, cell, width in zip(table.columns, cells, widths, strict=True)
    )
    return parse_xml(
        f'<w:tr {nsdecls("w")}><w:trPr><w:cantSplit w:val="true"/></w:trPr>{tcs}</w:tr>'
    )


def _widths(grid: Table, table: AnnexTable) -> None:
    for column, width in zip(grid.columns, table.columns, strict=True):
        column.width = Cm(width.width_cm)
        for cell in column.cells:
            cell.width = Cm(width.width_cm)


def _table_header(grid: Table, table: AnnexTable, size: int) -> None:
    for cell in table.header_cells():
        target = grid.cell(cell.row, cell.column)
        last = (cell.row + cell.rows - 1, cell.column + cell.columns - 1)
        if last != (cell.row, cell.column):
            target = target.merge(grid.cell(*last))
        _cell_text(target, cell.text, size=size, bold=True)
    for r in range(table.header_rows):
        _repeat_header(grid.rows[r])


def _repeat_header(row: object) -> None:
    """Mark a row as a header row: Word repeats it at the top of every page."""
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)
    _no_split(row)


def _no_split(row: object) -> None:
    """Keep a row on one page."""
    flag = OxmlElement("w:cantSplit")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)  # type: ignore[attr-defined]


# --- text ---------------------------------------------------------------------------------------


def _paragraph(
    document: DocumentType,
    text: str,
    *,
    size: int,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = CENTER,
) -> object:
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.font.size, run.font.bold, run.font.italic = Pt(size), bold, italic
    return paragraph


def _cell_text(
    cell: _Cell,
    text: str,
    *,
    size: int,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    new: bool = False,
    before: int = 0,
    align: WD_ALIGN_PARAGRAPH = CENTER,
) -> None:
    """Write `text` into the cell's paragraph (a new paragraph when `new`)."""
    paragraph = cell.add_paragraph() if new else cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(before)
    run = paragraph.add_run(text)
    run.font.size, run.font.bold, run.font.italic = Pt(size), bold, italic
    run.font.underline = underline
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _text_width(document: DocumentType) -> int:
    section = document.sections[-1]
    return int(section.page_width - section.left_margin - section.right_margin)
