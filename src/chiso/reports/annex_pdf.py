"""The decision annex as PDF: an HTML page laid out by WeasyPrint, fonts embedded.

Font: Times New Roman when the machine has it (fontconfig knows it), otherwise Liberation Serif
2.1.5, shipped in `chiso/reports/fonts/` under the SIL Open Font License — metric-compatible with
Times New Roman (same advance widths, so lines and pages break where they would in Times), and
covering every Vietnamese letter. The page's metadata (title, author, created and modified) comes
from the publication, so the same snapshots give the same bytes on the same machine.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from html import escape
from pathlib import Path

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from chiso.reports.annex import Annex, AnnexTable
from chiso.reports.reproducible import source_date_epoch

FONTS = Path(__file__).resolve().parent / "fonts"
BUNDLED = "Liberation Serif"
BUNDLED_FILES = {
    ("normal", "normal"): "LiberationSerif-Regular.ttf",
    ("bold", "normal"): "LiberationSerif-Bold.ttf",
    ("normal", "italic"): "LiberationSerif-Italic.ttf",
    ("bold", "italic"): "LiberationSerif-BoldItalic.ttf",
}


def write(annex: Annex) -> bytes:
    """The annex as PDF bytes."""
    fonts = FontConfiguration()
    with source_date_epoch(annex.published_at):
        pdf = HTML(string=annex_html(annex)).write_pdf(font_config=fonts)
    assert pdf is not None
    return bytes(pdf)


@cache
def font_family() -> str:
    """'Times New Roman' when fontconfig has that very family, else the bundled serif."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return BUNDLED
    found = subprocess.run(
        [fc_list, ":family=Times New Roman", "family"],
        capture_output=True,
        text=True,
        check=False,
        timeout=10,
    ).stdout
    return "Times New Roman" if found.strip() else BUNDLED


def font_faces() -> str:
    if font_family() != BUNDLED:
        return ""
    return "\n".join(
        f"@font-face {{ font-family: '{BUNDLED}'; font-weight: {weight}; font-style: {style};"
        f" src: url('{(FONTS / name).as_uri()}'); }}"
        for (weight, style), name in BUNDLED_FILES.items()
    )


# --- the page -----------------------------------------------------------------------------------


def annex_html(annex: Annex) -> str:
    """The annex as one HTML document (also useful to inspect the layout in a browser)."""
    when = annex.published_at.isoformat()
    body = "\n".join(
        [
            _header_block(annex),
            *(f'<p class="title">{escape(line)}</p>' for line in annex.title),
            f'<p class="attached">{escape(annex.attached_to)}</p>',
            *(f'<p class="status">{escape(note)}</p>' for note in annex.notes),
            *(_block(table) for table in annex.tables),
            *(f'<p class="footnote">{escape(note)}</p>' for note in annex.footnotes),
        ]
    )
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>{escape(" ".join(annex.title))}</title>
<meta name="author" content="{escape(annex.author)}">
<meta name="description" content="{escape(annex.subject)}">
<meta name="dcterms.created" content="{when}">
<meta name="dcterms.modified" content="{when}">
<style>{font_faces()}
{_css(annex)}</style></head>
<body>
{body}
</body></html>"""


def _css(annex: Annex) -> str:
    orientation = "landscape" if annex.landscape else "portrait"
    family = font_family()
    return f"""
@page {{ size: A4 {orientation}; margin: 20mm 15mm 20mm 30mm;
  @bottom-center {{ content: counter(page) "/" counter(pages); font-family: '{family}';
    font-size: 11pt; }} }}
body {{ font-family: '{family}'; font-size: {annex.font_pt}pt; line-height: 1.2; margin: 0; }}
p {{ margin: 0; }}
table.header {{ width: 100%; border-collapse: collapse; margin-bottom: 14pt; }}
table.header td {{ text-align: center; vertical-align: top; padding: 0; }}
table.header td.authority {{ width: 40%; }}
.strong {{ font-weight: bold; }}
.motto {{ font-weight: bold; display: inline-block; border-bottom: 0.8pt solid black;
  padding-bottom: 1pt; }}
.rule {{ width: 36%; margin: 2pt auto 0 auto; border-top: 0.8pt solid black; }}
.title {{ text-align: center; font-weight: bold; }}
.attached {{ text-align: center; font-style: italic; margin-bottom: 6pt; }}
.status {{ text-align: center; font-style: italic; }}
h2 {{ font-size: {annex.font_pt}pt; margin: 12pt 0 6pt 0; break-after: avoid; }}
table.annex {{ width: 100%; border-collapse: collapse; table-layout: fixed;
  font-size: {annex.table_font_pt}pt; }}
table.annex th, table.annex td {{ border: 0.6pt solid black; padding: 1.2pt 3pt;
  text-align: center; vertical-align: middle; }}
table.annex td.text {{ text-align: left; }}
table.annex tr {{ break-inside: avoid; }}
.summary {{ font-size: {annex.table_font_pt}pt; margin-top: 2pt; break-before: avoid; }}
.footnote {{ font-size: {annex.table_font_pt}pt; font-style: italic; margin-top: 6pt; }}
"""


def _header_block(annex: Annex) -> str:
    header = annex.header
    authority = "".join(f'<p class="strong">{escape(line)}</p>' for line in header.authority)
    return f"""<table class="header"><tr>
<td class="authority">{authority}<div class="rule"></div></td>
<td><p class="strong">{escape(header.motto[0])}</p>
<p><span class="motto">{escape(header.motto[1])}</span></p></td>
</tr></table>"""


def _block(table: AnnexTable) -> str:
    total = table.width_cm
    cols = "".join(f'<col style="width: {100 * c.width_cm / total:.3f}%">' for c in table.columns)
    rows = "\n".join(
        "<tr>"
        + "".join(
            f'<td class="{c.kind}">{escape(cell.text)}</td>'
            for c, cell in zip(table.columns, cells, strict=True)
        )
        + "</tr>"
        for cells in table.rows
    )
    lines = "".join(f'<p class="summary">{escape(line)}</p>' for line in table.summary)
    lines += "".join(f'<p class="summary">{escape(line)}</p>' for line in table.legend)
    return f"""<section class="block"><h2>{escape(table.heading)}</h2>
<table class="annex"><colgroup>{cols}</colgroup>
<thead>{_thead(table)}</thead>
<tbody>
{rows}
</tbody></table>
{lines}</section>"""


def _thead(table: AnnexTable) -> str:
    rows: list[list[str]] = [[] for _ in range(table.header_rows)]
    for cell in table.header_cells():
        span = (f' rowspan="{cell.rows}"' if cell.rows > 1 else "") + (
            f' colspan="{cell.columns}"' if cell.columns > 1 else ""
        )
        rows[cell.row].append(f"<th{span}>{escape(cell.text)}</th>")
    return "".join(f"<tr>{''.join(row)}</tr>" for row in rows)
