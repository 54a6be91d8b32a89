"""A `Report` as a Word document (python-docx).

A4, the decree's margins (top and bottom 20 mm, left 30 mm, right 15 mm), Times New Roman 13 pt
(tables 11 pt), headings as Word's own Heading 1/2 styles (so Word's navigation pane and table of
contents see them), tables in "Table Grid" with the header row repeated on every page. Word
draws each chart from the same spec as the PDF: as SVG (vector, Word 2016 and later, LibreOffice)
with a 150-ppi PNG beside it for older Word; its Vietnamese description is the picture's
alternative text. Core properties and zip timestamps come from the publication date: the same
report, the same bytes.
"""

from __future__ import annotations

import io
from datetime import UTC
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from PIL import Image

from chiso.reports.charts import render_png, render_svg
from chiso.reports.model import Cell, Figure, Paragraph, Report, Table
from chiso.reports.reproducible import normalise_zip

FONT = "Times New Roman"
BODY_PT, TABLE_PT, NOTE_PT = 13, 11, 10.5
A4 = (Cm(21.0), Cm(29.7))
INK = RGBColor(0x1B, 0x1F, 0x24)
CENTER, LEFT, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT
FALLBACK_PPI = 150
SVG_BLIP_URI = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def write(report: Report) -> bytes:
    """The report as DOCX bytes."""
    document = Document()
    _page(document, report)
    _styles(document)
    _masthead(document, report)
    for section in report.sections:
        heading = document.add_heading(section.heading, level=section.level)
        heading.paragraph_format.page_break_before = section.new_page
        for block in section.blocks:
            _block(document, block)
    if report.source:
        _text(
            document, report.source, size=NOTE_PT, italic=True
        ).paragraph_format.space_before = Pt(12)
    _properties(document, report)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue(), report.published_at)


def _block(document: DocumentType, block: Paragraph | Table | Figure) -> None:
    if isinstance(block, Paragraph):
        size = NOTE_PT if block.note else BODY_PT
        paragraph = _text(document, block.text, size=size, italic=block.note)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    elif isinstance(block, Figure):
        _figure(document, block)
    else:
        _table(document, block)


# --- page, styles, masthead ---------------------------------------------------------------------


def _page(document: DocumentType, report: Report) -> None:
    section = document.sections[0]
    short, long = A4
    if report.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = long, short
    else:
        section.page_width, section.page_height = short, long
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    footer = section.footer.paragraphs[0]
    footer.alignment = CENTER
    footer.add_run("Trang ").font.size = Pt(10)
    _page_field(footer)


def _page_field(paragraph: DocxParagraph) -> None:
    """A PAGE field, so Word numbers the pages."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _styles(document: DocumentType) -> None:
    for name, size in (("Normal", BODY_PT), ("Heading 1", 13.5), ("Heading 2", BODY_PT)):
        style = document.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = INK
        # Every script slot, or Word may take another font for some Vietnamese letters.
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), FONT)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
    document.styles["Normal"].paragraph_format.space_after = Pt(4)
    document.styles["Heading 1"].font.bold = True
    document.styles["Heading 2"].font.italic = True
    for name in ("Heading 1", "Heading 2"):
        document.styles[name].paragraph_format.space_before = Pt(10)
        document.styles[name].paragraph_format.space_after = Pt(4)


def _masthead(document: DocumentType, report: Report) -> None:
    if report.authority:
        _text(document, report.authority.upper(), size=12, bold=True, align=CENTER)
    _text(document, report.title.upper(), size=15, bold=True, align=CENTER)
    if report.subtitle:
        _text(document, report.subtitle, size=14, bold=True, align=CENTER)
    for notice in report.notices:
        _text(document, notice, size=11, italic=True, align=CENTER)
    if report.facts:
        grid = document.add_table(rows=len(report.facts), cols=2)
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        for row, (label, value) in zip(grid.rows, report.facts, strict=True):
            _cell(row.cells[0], label, size=12)
            _cell(row.cells[1], value, size=12, bold=True)


def _properties(document: DocumentType, report: Report) -> None:
    when = report.published_at.astimezone(UTC).replace(tzinfo=None)
    props = document.core_properties
    props.author = props.last_modified_by = report.authority or "chiso"
    props.title = report.file_title
    props.language = "vi-VN"
    props.created = props.modified = props.last_printed = when
    props.revision = 1


# --- tables and figures -------------------------------------------------------------------------


def _table(document: DocumentType, table: Table) -> None:
    if table.caption:
        _text(document, table.caption, size=TABLE_PT, italic=True)
    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    width = _text_width(document)
    grid.autofit = not any(c.width for c in table.columns)
    for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
        _cell(cell, column.title, size=TABLE_PT, bold=True, align=CENTER, fill="EEF1F4")
    _row_flag(grid.rows[0], "w:tblHeader")
    for row, cells in zip(grid.rows[1:], table.rows, strict=True):
        for target, column, value in zip(row.cells, table.columns, cells, strict=True):
            _table_cell(target, column.numeric, value)
        _row_flag(row, "w:cantSplit")
    if not grid.autofit:
        for column, spec in zip(grid.columns, table.columns, strict=True):
            # Word reads each cell's width, LibreOffice the table grid's: set both, or the
            # columns come out equal there and a unit's name wraps word by word.
            column.width = Emu(int(width * spec.width))
            for cell in column.cells:
                cell.width = Emu(int(width * spec.width))
    _text(document, "", size=6)


def _table_cell(target: _Cell, numeric: bool, value: Cell) -> None:
    fill = value.fill.lstrip("#").upper() if value.fill else ""
    align = RIGHT if numeric else LEFT
    _cell(target, value.text, size=TABLE_PT, bold=value.strong, align=align, fill=fill)


def _figure(document: DocumentType, figure: Figure) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = CENTER
    paragraph.paragraph_format.keep_with_next = True
    run = paragraph.add_run()
    width = Emu(int(_text_width(document) * figure.width))
    shape = run.add_picture(io.BytesIO(fallback_png(figure.spec)), width=width)
    _add_svg(document, shape, render_svg(figure.spec).encode("utf-8"))
    # Alternative text for screen readers: the chart's own Vietnamese description.
    properties = shape._inline.docPr
    properties.set("descr", str(figure.spec.get("description", "")))
    properties.set("title", str(figure.spec["title"]["text"]))
    if figure.caption:
        _text(document, figure.caption, size=NOTE_PT, italic=True, align=CENTER)


def fallback_png(spec: dict[str, Any]) -> bytes:
    """The chart as a PNG for Word before 2016, which cannot show SVG: 150 pixels per inch
    (sharp enough in print), reduced to 256 colours — charts are flat colours and anti-aliased
    text, so this looks the same at a seventh of the size."""
    image = Image.open(io.BytesIO(render_png(spec, ppi=FALLBACK_PPI))).convert("RGB")
    buffer = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        buffer, "PNG", optimize=True, dpi=(FALLBACK_PPI, FALLBACK_PPI)
    )
    return buffer.getvalue()


def _add_svg(document: DocumentType, shape: Any, svg: bytes) -> None:
    """Embed `svg` as the picture's vector image (Office 2016's `asvg:svgBlip` extension):
    Word 2016 and later, and LibreOffice, draw the SVG; older Word shows the PNG beside it."""
    package = document.part.package
    part = Part(package.next_partname("/word/media/chart%d.svg"), "image/svg+xml", svg, package)
    rid = document.part.relate_to(part, RT.IMAGE)
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip
    blip.append(
        parse_xml(
            f'<a:extLst {nsdecls("a")}><a:ext uri="{SVG_BLIP_URI}">'
            f'<asvg:svgBlip xmlns:asvg="{SVG_NS}" xmlns:r="{R_NS}" r:embed="{rid}"/>'
            "</a:ext></a:extLst>"
        )
    )


def _text_width(document: DocumentType) -> int:
    section = document.sections[0]
    return int(section.page_width - section.left_margin - section.right_margin)


def _row_flag(row: object, tag: str) -> None:
    """`w:tblHeader` (Word repeats the row on every page) or `w:cantSplit`."""
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


# --- text ---------------------------------------------------------------------------------------


def _text(
    document: DocumentType,
    text: str,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = LEFT,
) -> DocxParagraph:
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.font.size, run.font.bold, run.font.italic = Pt(size), bold, italic
    return paragraph


def _cell(
    cell: _Cell,
    text: str,
    *,
    size: float,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH = LEFT,
    fill: str = "",
) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.font.size, run.font.bold = Pt(size), bold
    if fill:
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), fill)
        cell._tc.get_or_add_tcPr().append(shading)
