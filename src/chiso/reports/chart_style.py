"""The look of every chart, in one place: the font, the colours, the sizes, the Vega-Lite
configuration, the frame of a spec (title, subtitle, description) and the marks both layouts
draw alike (rows in rank order, the ranking's bars, an estimate's interval and point) — for the
wide layout (reports, PDF, Word, and web pages on a wide screen) and the narrow one (web pages
on a phone).

The narrow layout is drawn for `NARROW_WIDTH` CSS pixels, the width a 375-pixel phone leaves
for the page's content, and the page scales it to its container (`width: 100%`), so its
letters stay at `NARROW_FONT` pixels or close to it on any phone; a wide chart scaled down to a
phone would shrink its 11-pixel letters to 6. Titles and subtitles are wrapped to that width
here, because Vega does not wrap text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from chiso.reports import font_widths

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.21.0.json"
# DejaVu Sans first: it is on every Linux server WeasyPrint runs on, so vl-convert measures the
# labels with the very font WeasyPrint and the PNG renderer draw them in; browsers without it
# fall back to Arial / Liberation Sans, which are narrower, so nothing overflows.
FONT = '"DejaVu Sans", Arial, "Liberation Sans", sans-serif'
INK = "#1b1f24"
MUTED = "#555555"
UP, DOWN, GREY = "#1a9850", "#d73027", "#c4c4c4"
POINT = "#2b6cb0"
PLOT_WIDTH = 380
LABEL_LIMIT = 260
WIDE_FONT = 11
"""The wide layout's labels (axis, legend), in pixels."""
NUMBER_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]}

NARROW_WIDTH = 340
"""The narrow chart's whole width (padding included), in CSS pixels."""
NARROW_FONT = 12
NARROW_TITLE_FONT = 15
NARROW_LINE = 15
"""Pixels between two lines of a narrow chart's wrapped label."""
PADDING = 8
FIT_WIDTH = {"type": "fit-x", "contains": "padding"}
"""Vega's sizing that makes the whole chart (guides and padding included) the given width."""


def config(*, narrow: bool = False) -> dict[str, Any]:
    """The look shared by every chart: one font, Vietnamese number format, quiet guides.
    `aria: false` drops Vega's generated (English) labels; the root carries Vietnamese ones.
    Narrow: the same look with letters sized for a phone."""
    size = NARROW_FONT if narrow else WIDE_FONT
    guides = {"labelFontSize": size, "titleFontSize": size, "labelColor": INK, "titleColor": INK}
    title: dict[str, Any] = {"fontSize": 14, "anchor": "start", "color": INK}
    title["subtitleColor"] = MUTED
    if narrow:
        title.update(
            fontSize=NARROW_TITLE_FONT,
            lineHeight=NARROW_TITLE_FONT + 4,
            subtitleFontSize=NARROW_FONT,
            subtitleLineHeight=NARROW_LINE,
            subtitlePadding=5,
            # A line the estimate let through too long is cut with "…", never clipped.
            limit=NARROW_WIDTH - 2 * PADDING,
        )
    return {
        "font": FONT,
        "aria": False,
        "background": "white",
        "padding": PADDING,
        "locale": {"number": NUMBER_LOCALE},
        "view": {"stroke": None},
        "axis": {
            **guides,
            "gridColor": "#e3e3e3",
            "domainColor": "#8a8a8a",
            "tickColor": "#8a8a8a",
        },
        "legend": {**guides, "orient": "bottom", "direction": "horizontal", "symbolType": "square"},
        "title": title,
        "text": {"fontSize": NARROW_FONT if narrow else 10, "color": INK},
    }


def spec_frame(
    title: str,
    subtitle: str | list[str],
    description: str,
    *,
    narrow: bool = False,
    **body: Any,
) -> dict[str, Any]:
    """A whole spec: its title and subtitle (wrapped to the width when narrow; a list of
    subtitle lines stays as given, each wrapped), its description and configuration."""
    heading: dict[str, Any] = {"text": title}
    lines = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    lines = [line for line in lines if line]
    if narrow:
        usable = NARROW_WIDTH - 2 * PADDING
        heading["text"] = wrap(title, usable, NARROW_TITLE_FONT, bold=True)
        lines = [part for line in lines for part in wrap(line, usable, NARROW_FONT)]
    if lines:
        heading["subtitle"] = lines[0] if len(lines) == 1 and not narrow else lines
    return {
        "$schema": SCHEMA,
        "title": heading,
        "description": description,
        **body,
        "config": config(narrow=narrow),
    }


def text_width(text: str, font_size: float, *, bold: bool = False) -> float:
    """`text`'s width in pixels at `font_size` in the charts' font (DejaVu Sans), as Vega will
    measure it: by the font's advance widths (`font_widths`), a Vietnamese letter by its base
    letter's, anything else as an average letter."""
    widths = font_widths.BOLD if bold else font_widths.REGULAR
    units = 0
    for char in text:
        width = widths.get(char)
        if width is None:
            width = widths.get(unicodedata.normalize("NFD", char)[:1], widths["n"])
        units += width
    return units * font_size / font_widths.UNITS_PER_EM


def wrap(text: str, width: float, font_size: float, *, bold: bool = False) -> list[str]:
    """`text` in lines that fit `width` pixels at `font_size`, broken between words; a word
    longer than a line stays whole on its own line (Vega then cuts it with "…")."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if not line or text_width(candidate, font_size, bold=bold) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines or [""]


def shortened(text: str, suffix: str, width: float, font_size: float) -> str:
    """`text` + `suffix`, `text` cut short with "…" so that the whole fits `width` pixels at
    `font_size`: the suffix (a count, a number) is never lost. A pixel or two is kept spare, so
    that Vega, measuring on its own, does not cut the line again."""
    width -= 2
    if text_width(text + suffix, font_size) <= width:
        return text + suffix
    kept = text
    while kept and text_width(kept.rstrip() + "…" + suffix, font_size) > width:
        kept = kept[:-1]
    return kept.rstrip() + "…" + suffix


def narrow_sizes(*, step: int) -> dict[str, Any]:
    """Width, row step and autosize of a narrow row chart whose plot fills the width."""
    return {"width": NARROW_WIDTH, "height": {"step": step}, "autosize": FIT_WIDTH}


def nominal(field: str, *, order: str) -> dict[str, Any]:
    """A channel of `field`'s names, in the order of the rows' `order` field (rank order)."""
    return {"field": field, "type": "nominal", "sort": {"field": order, "op": "min"}}


def index_x() -> dict[str, Any]:
    """The x channel of a unit's index (%), 0 to 100."""
    return {"field": "index", "type": "quantitative", "scale": {"domain": [0, 100]}}


def band_bars(
    colours: Mapping[str, Any],
    text: Mapping[str, Any],
    *,
    mark: Mapping[str, Any],
    legend: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ranking's layer of bars: each unit's index, coloured by its band (`colours`, the
    band scale), the axis and the legend titled by `text`; `mark` sizes the bars, `legend`
    adds to the legend."""
    return {
        "mark": {"type": "bar", **mark},
        "encoding": {
            "x": {**index_x(), "title": text["axis"], "axis": {"values": [0, 25, 50, 75, 100]}},
            "color": {
                "field": "band",
                "type": "nominal",
                "scale": colours,
                "legend": {"title": text["legend"], **(legend or {})},
            },
        },
    }


def interval_layers(
    x: Mapping[str, Any],
    point: Mapping[str, Any],
    axis: Mapping[str, Any],
    **mark: Any,
) -> list[dict[str, Any]]:
    """An estimate's interval (a rule from `low` to `high`) and its point (`estimate_point`)
    on the x scale `x`; `axis` titles (and ticks) the x axis, `mark` moves both marks."""
    return [
        {
            "mark": {"type": "rule", "color": MUTED, "strokeWidth": 2, **mark},
            "encoding": {"x": {**x, "field": "low", **axis}, "x2": {"field": "high"}},
        },
        {
            "mark": {**point["mark"], **mark},
            "encoding": {"x": {**x, "field": "estimate"}, **point["encoding"]},
        },
    ]


def estimate_point(*, hollow: bool) -> dict[str, Any]:
    """An estimate's point: its mark, and with `hollow` a white fill for the rows marked
    ``ranked: False`` (a unit below the minimum sample)."""
    mark: dict[str, Any] = {"type": "point", "filled": True, "size": 60, "color": POINT}
    encoding: dict[str, Any] = {}
    if hollow:
        mark.update(stroke=POINT, strokeWidth=1.5, opacity=1)
        encoding["fill"] = {
            "condition": {"test": "datum.ranked", "value": POINT},
            "value": "white",
        }
    return {"mark": mark, "encoding": encoding}
