"""A `Report` as PDF: the HTML template `templates/report.html` drawn by WeasyPrint.

Charts go in as SVG (vector, text selectable) from the same spec the web page shows. The text
is Times New Roman as Vietnamese administrative documents are set (Nghị định 30/2020/NĐ-CP),
with the decision annex's fallback where Times is not installed: Liberation Serif, metric-
compatible, shipped in `fonts/` (`annex_pdf.font_faces`). The PDF's dates come from the
publication date, and so does the fonts' subsetting stamp (`source_date_epoch`): the same
report gives the same bytes.
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

import jinja2

from chiso.reports.charts import render_svg
from chiso.reports.model import Block, Figure, Paragraph, Report, Section, Table
from chiso.reports.reproducible import source_date_epoch

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def report_html(report: Report) -> str:
    """The report as one HTML page (charts inline as SVG data), before WeasyPrint."""
    from chiso.reports.annex_pdf import font_faces

    template = _environment().get_template("report.html")
    return template.render(
        report=report,
        published=report.published_at.isoformat(timespec="seconds"),
        font_faces=font_faces(),
        svg=_svg_uri,
        kind=_kind,
        split=_split,
    )


def write(report: Report) -> bytes:
    """The report as PDF bytes."""
    # Heavy (Pango, fonts): loaded when a PDF is first written, not when a web worker starts.
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    html = HTML(string=report_html(report), base_url=str(TEMPLATES))
    with source_date_epoch(report.published_at):
        pdf = html.write_pdf(font_config=FontConfiguration())
    assert pdf is not None
    return bytes(pdf)


def _svg_uri(figure: Figure) -> str:
    svg = render_svg(figure.spec).encode("utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _split(section: Section) -> tuple[tuple[Block, ...], tuple[Block, ...]]:
    """The blocks kept on the heading's page: its paragraphs and, right after them, a chart."""
    lead = 0
    while lead < len(section.blocks) and isinstance(section.blocks[lead], Paragraph):
        lead += 1
    if lead < len(section.blocks) and isinstance(section.blocks[lead], Figure):
        lead += 1
    return section.blocks[:lead], section.blocks[lead:]


def _kind(block: object) -> str:
    if isinstance(block, Table):
        return "table"
    if isinstance(block, Figure):
        return "figure"
    assert isinstance(block, Paragraph)
    return "paragraph"
