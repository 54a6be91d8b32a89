"""The press summary: a short Vietnamese text, in Markdown, generated from a published year.

It says what a journalist would write first: how many units were evaluated and how many fell
in each band (in the province and in each block), who leads each block, who rose and who fell
most since last year, and each block's figures (average, highest, lowest index, and last
year's average). The reform office edits this draft before releasing it; `markdown_html`
renders the released text for the web, safely (every character escaped, only headings, lists,
paragraphs, bold and italic).
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from chiso.reports import figures
from chiso.reports.layout import (
    PublicationSettings,
    number,
    parse_timestamp,
    short_date,
    signed,
)


def summary(document: dict[str, Any], settings: PublicationSettings) -> str:
    """The generated draft of the press summary."""
    year = document["year"]
    when = settings.decision_date or parse_timestamp(document["published_at"]).date()
    lines = [f"# Kết quả Chỉ số cải cách hành chính năm {year} của tỉnh {settings.province}", ""]
    lines += [f"*{label}*" for label in figures.method_statuses(document)]
    if figures.method_statuses(document):
        lines.append("")
    evaluated = _listing(
        [
            f"{len(b['units'])} đơn vị thuộc {_lower_first(b['block_title'])}"
            for b in document["blocks"]
        ]
    )
    lines += [
        f"Ngày {short_date(when)}, {settings.authority_name} công bố kết quả Chỉ số cải cách "
        f"hành chính năm {year} (Quyết định số {settings.decision}) của {evaluated}.",
    ]
    if len(document["blocks"]) > 1:
        lines += ["", _province(document)]
    for block in document["blocks"]:
        lines += ["", *_block(block)]
    return "\n".join(lines) + "\n"


def _province(document: dict[str, Any]) -> str:
    """The province's figures: units and units per band over every block. No province-wide
    average: the blocks are scored by different criteria sets, so their indices do not add."""
    counts: dict[str, int] = {}
    for block in document["blocks"]:
        for band in figures.band_counts(block):
            counts[band.label] = counts.get(band.label, 0) + band.count
    total = sum(len(b["units"]) for b in document["blocks"])
    bands = ", ".join(f"{n} đơn vị xếp loại {label}" for label, n in counts.items() if n)
    return f"Toàn tỉnh có {total} đơn vị được đánh giá" + (f": {bands}." if bands else ".")


def _listing(items: list[str]) -> str:
    """'a', 'a và b', 'a, b và c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " và " + items[-1]


def _lower_first(text: str) -> str:
    """'Khối UBND các huyện' → 'khối UBND các huyện' (abbreviations keep their capitals)."""
    return text[:1].lower() + text[1:]


def write(document: dict[str, Any], settings: PublicationSettings) -> bytes:
    return summary(document, settings).encode("utf-8")


def _block(block: dict[str, Any]) -> list[str]:
    fig = figures.block_figures(block)
    d = block["display"]
    dec, rnd = d["index_decimals"], d["rounding"]
    lines = [f"## {block['block_title']}", ""]
    bands = ", ".join(f"{b.count} đơn vị xếp loại {b.label}" for b in fig.bands if b.count)
    lines.append(f"- {fig.units} đơn vị được đánh giá" + (f": {bands}." if bands else "."))
    if fig.mean_index is not None:
        line = (
            f"- Chỉ số bình quân của khối đạt {number(fig.mean_index, dec, rnd)}%"
            f" (cao nhất {number(fig.best, dec, rnd)}%, thấp nhất {number(fig.worst, dec, rnd)}%)"
        )
        if fig.previous_mean_index is not None:
            line += f"; năm {fig.previous_year}: {number(fig.previous_mean_index, dec, rnd)}%"
        lines.append(line + ".")
    leaders = figures.leaders(block)
    if leaders:
        named = ", ".join(
            f"{r['name']} ({number(r['index'], dec, rnd)}%, hạng {r['rank']})" for r in leaders
        )
        lines.append(f"- Dẫn đầu khối: {named}.")
    if fig.previous_year is not None:
        lines += _movers(block, fig.previous_year, dec, rnd)
    return lines


def _movers(block: dict[str, Any], previous: int, dec: int, rnd: str) -> list[str]:
    lines = []
    risers = figures.risers(block)
    if risers:
        named = ", ".join(_move(r, dec, rnd) for r in risers)
        lines.append(f"- Tăng nhiều nhất so với năm {previous}: {named}.")
    fallers = figures.fallers(block)
    if fallers:
        named = ", ".join(_move(r, dec, rnd) for r in fallers)
        lines.append(f"- Giảm nhiều nhất so với năm {previous}: {named}.")
    if not risers and not fallers:
        lines.append(f"- Không đơn vị nào thay đổi chỉ số so với năm {previous}.")
    return lines


def _move(row: dict[str, Any], dec: int, rnd: str) -> str:
    text = f"{row['name']} ({signed(row['index_change'], dec, rnd)} điểm"
    change = row.get("rank_change")
    if change:
        text += f", {'tăng' if change > 0 else 'giảm'} {abs(change)} bậc"
    return text + ")"


# --- the released text on the web --------------------------------------------------------------

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"\*(.+?)\*")


def markdown_html(text: str) -> str:
    """The subset of Markdown the summary uses, as HTML: `#`/`##`/`###` headings, `-` lists,
    paragraphs, `**bold**` and `*italic*`. Everything else is shown as written, escaped."""
    html: list[str] = []
    in_list = False
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            html.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.strip()
        item = line.startswith(("- ", "* "))
        if in_list and not item:
            html.append("</ul>")
            in_list = False
        heading = re.match(r"^(#{1,3}) (.+)$", line)
        if not line or heading or item:
            flush()
        if heading:
            level = len(heading[1]) + 1  # the page has its own h1
            html.append(f"<h{level}>{_inline(heading[2])}</h{level}>")
        elif item:
            if not in_list:
                html.append("<ul>")
                in_list = True
            html.append(f"<li>{_inline(line[2:])}</li>")
        elif line:
            paragraph.append(line)
    flush()
    if in_list:
        html.append("</ul>")
    return "\n".join(html)


def _inline(text: str) -> str:
    escaped = escape(text)
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _ITALIC.sub(r"<em>\1</em>", escaped)
