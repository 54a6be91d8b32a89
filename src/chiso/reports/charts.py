"""Charts: one Vega-Lite specification each, rendered to SVG (web pages, PDF) and PNG (DOCX).

Every `*_spec` function is pure — plain data in, a Vega-Lite spec (a JSON-able dict) out — and
the spec carries its data, its Vietnamese labels, its colours and its configuration, so the same
spec gives the same chart wherever it is drawn. Numbers shown on a chart are written in Python
with the method's decimals and rounding (decimal comma), exactly as the tables beside it.

`render_svg` and `render_png` draw a spec with vl-convert (Vega-Lite pinned, no network); the
SVG gets `role="img"` with a `<title>` and `<desc>` in Vietnamese and ids unique to the chart,
so several charts can sit inline on one page. The same spec gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

import vl_convert

from chiso.reports import charts_narrow
from chiso.reports.chart_data import (
    band_colours,
    dodge,
    index_rows,
    period_label,
    plotted,
    ranked_labels,
    text_of,
)
from chiso.reports.chart_style import (
    DOWN,
    FIT_WIDTH,
    FONT,
    GREY,
    INK,
    LABEL_LIMIT,
    NARROW_FONT,
    NARROW_LINE,
    NARROW_WIDTH,
    NUMBER_LOCALE,
    PADDING,
    PLOT_WIDTH,
    POINT,
    SCHEMA,
    UP,
    WIDE_FONT,
    band_bars,
    config,
    estimate_point,
    index_x,
    interval_layers,
    nominal,
    shortened,
    spec_frame,
    wrap,
)
from chiso.reports.figures import fallers, risers

__all__ = [
    "FONT",
    "INK",
    "NUMBER_LOCALE",
    "PNG_PPI",
    "SCHEMA",
    "chart_id",
    "config",
    "field_heatmap_spec",
    "history_spec",
    "ranking_spec",
    "render_png",
    "render_svg",
    "sipas_spec",
    "slope_spec",
    "trend_spec",
]

VEGA_LITE_VERSION = "5.21"
PNG_PPI = 200
_spec = spec_frame
NOTE_PLOT = 100
"""The narrow slope chart's plot: two years side by side."""
NOTE_WIDTH = NARROW_WIDTH - 2 * PADDING - 30 - NOTE_PLOT - 10
"""What is left beside it for the labels (the y axis takes about 30 pixels)."""


# --- ranking bars -------------------------------------------------------------------------------


def ranking_spec(
    document: Mapping[str, Any],
    *,
    words: Mapping[str, str] | None = None,
    narrow: bool = False,
) -> dict[str, Any]:
    """Bars of each unit's index in rank order, coloured by band (a `chiso.public.ranking`
    document). `words` replaces any of the texts — title, subtitle, description, axis, legend —
    for a page in another language (band names come from the document). `narrow`: the phone
    layout (`charts_narrow`)."""
    rows = index_rows(document)
    colours = band_colours(document["bands"], rows)
    text = {
        "title": f"Chỉ số CCHC năm {document['year']}: {document['block_title']}",
        "subtitle": _status(document),
        "description": _ranking_description(rows),
        "axis": "Chỉ số (%)",
        "legend": "Xếp loại",
        **(words or {}),
    }
    if narrow:
        return charts_narrow.bars(rows, colours, text)
    return _spec(
        text["title"],
        text["subtitle"],
        text["description"],
        width=PLOT_WIDTH,
        height={"step": 18},
        data={"values": rows},
        encoding={"y": _row_names()},
        layer=[
            band_bars(colours, text, mark={"height": {"band": 0.78}}),
            {
                "mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 3},
                "encoding": {"x": index_x(), "text": {"field": "index_text"}},
            },
        ],
    )


def _row_names() -> dict[str, Any]:
    """The wide row charts' y channel: each row's name in a column at the left, in rank order."""
    return {
        **nominal("label", order="order"),
        "title": None,
        "axis": {"labelLimit": LABEL_LIMIT, "ticks": False, "domain": False},
    }


def _ranking_description(rows: list[dict[str, Any]]) -> str:
    text = f"Biểu đồ thanh: chỉ số (%) của {len(rows)} đơn vị theo thứ hạng, màu theo xếp loại."
    if rows:
        first, last = rows[0], rows[-1]
        text += (
            f" Cao nhất: {first['label']} {first['index_text']}; "
            f"thấp nhất: {last['label']} {last['index_text']}."
        )
    return text


def _status(document: Mapping[str, Any]) -> str:
    method = document.get("method") or {}
    return "" if method.get("status") == "official" else str(method.get("status_label") or "")


# --- field heatmap ------------------------------------------------------------------------------


def field_heatmap_spec(
    document: Mapping[str, Any],
    fields: Sequence[Mapping[str, Any]],
    *,
    words: Mapping[str, str] | None = None,
    narrow: bool = False,
) -> dict[str, Any]:
    """Units (rank order) × fields, each cell the unit's index in the field. `document` is the
    block's ranking; `fields` the rows of its `fields` frame (unit, field, title, index);
    `words` replaces the title, subtitle, description or legend (another language), and with
    `field` ("Area") names the columns "Area 1", "Area 2" … instead of the fields' titles.
    `narrow`: the phone layout, columns headed by the field's code and the codes' titles
    listed under the title."""
    labels = ranked_labels(document["units"])
    d = document["display"]
    codes = sorted({str(f["field"]) for f in fields}, key=_natural)
    titles = {str(f["field"]): str(f.get("title") or "") for f in fields}
    if words and words.get("field"):
        titles = {code: "" for code in codes}
        prefix = f"{words['field']} "
    else:
        prefix = ""
    rows = [
        {
            "order": labels[f["unit"]][0],
            "label": labels[f["unit"]][1],
            "field": prefix + _field_label(str(f["field"]), titles),
            "field_order": codes.index(str(f["field"])),
            "index": plotted(f["index"]),
            "index_text": text_of(f["index"], 0, d["rounding"]),
        }
        for f in fields
        if f["unit"] in labels and f["index"] is not None
    ]
    low = min((r["index"] for r in rows), default=0.0)
    floor = max(0, min(50, math.floor(low / 10.0) * 10))
    colour = {
        "field": "index",
        "type": "quantitative",
        "scale": {"domain": [floor, (floor + 100) / 2, 100], "range": [DOWN, "#fee08b", UP]},
        "legend": {"title": None, "gradientLength": 200},
    }
    position = {
        "x": {
            **nominal("field", order="field_order"),
            "title": None,
            "axis": {"orient": "top", "labelAngle": -35, "labelLimit": 170, "labelAlign": "left"},
        },
        "y": _row_names(),
    }
    text = {
        "title": f"Chỉ số theo lĩnh vực năm {document['year']}: {document['block_title']}",
        "subtitle": _status(document),
        "description": f"Bản đồ nhiệt: chỉ số (%) của {len(labels)} đơn vị (hàng, theo thứ "
        f"hạng) ở {len(codes)} lĩnh vực (cột); xanh là cao, đỏ là thấp.",
        "legend": "Chỉ số lĩnh vực (%)",
        **(words or {}),
    }
    colour["legend"]["title"] = text["legend"]
    if narrow:
        for row in rows:
            row["code"] = codes[row["field_order"]]
        key = [
            f"{prefix}{code}" + (f". {titles[code]}" if titles.get(code) else "") for code in codes
        ]
        return charts_narrow.heatmap(rows, key if any(titles.values()) else [], colour, text)
    return _spec(
        text["title"],
        text["subtitle"],
        text["description"],
        width={"step": 44},
        height={"step": 18},
        data={"values": rows},
        encoding=position,
        layer=[
            {"mark": {"type": "rect", "stroke": "white"}, "encoding": {"color": colour}},
            {
                "mark": {"type": "text", "baseline": "middle"},
                "encoding": {"text": {"field": "index_text"}},
            },
        ],
    )


def _field_label(code: str, titles: Mapping[str, str]) -> str:
    title = titles.get(code, "")
    return f"{code}. {title}" if title else code


# --- year-over-year lines -----------------------------------------------------------------------


def slope_spec(
    document: Mapping[str, Any],
    *,
    words: Mapping[str, str] | None = None,
    narrow: bool = False,
) -> dict[str, Any]:
    """Last year's index → this year's, one line per unit continuing from last year; the
    biggest risers and fallers (as the reports name them) coloured and labelled (a ranking
    document). `words` replaces the title, subtitle, description or axis title; `narrow`: the
    phone layout (the labels wrapped over several lines)."""
    previous, year = document.get("previous_year"), document["year"]
    units = [
        u for u in document["units"] if u["index"] is not None and u["index_previous"] is not None
    ]
    labels = ranked_labels(document["units"])
    up, down = risers(dict(document)), fallers(dict(document))
    tone = {u["unit"]: UP for u in up} | {u["unit"]: DOWN for u in down}
    rows = [
        {
            "unit": u["unit"],
            "label": labels[u["unit"]][1],
            "year": str(when),
            "index": plotted(value),
        }
        for u in units
        for when, value in ((previous, u["index_previous"]), (year, u["index"]))
    ]
    d = document["display"]
    notes = [
        {
            "unit": u["unit"],
            "year": str(year),
            "index": plotted(u["index"]),
            "text": f"{labels[u['unit']][1]} "
            f"({text_of(u['index_change'], d['index_decimals'], d['rounding'], signed=True)})",
        }
        for u in (*up, *down)
    ]
    description = (
        f"Biểu đồ độ dốc: chỉ số (%) năm {previous} và năm {year} của {len(units)} đơn vị; "
        f"tô màu {len(up)} đơn vị tăng nhiều nhất (xanh) và {len(down)} đơn vị giảm "
        "nhiều nhất (đỏ)."
    )
    text = {
        "title": f"Chỉ số CCHC năm {previous} và năm {year}: {document['block_title']}",
        "subtitle": _status(document),
        "description": description,
        "axis": "Chỉ số (%)",
        **(words or {}),
    }
    return _lines(rows, notes, tone, text=text, narrow=narrow)


def history_spec(
    document: Mapping[str, Any],
    *,
    words: Mapping[str, str] | None = None,
    narrow: bool = False,
) -> dict[str, Any]:
    """One unit's index across the years it was published (a `chiso.public.unit` document).
    `words` replaces the title, subtitle, description or axis title; `narrow`: the phone
    layout."""
    unit, d = document["unit"], document["display"]
    history = [h for h in document["history"] if h["index"] is not None]
    rows = [
        {
            "unit": unit["unit"],
            "label": unit["name"],
            "year": str(h["year"]),
            "index": plotted(h["index"]),
        }
        for h in history
    ]
    notes = [{**r, "text": text_of(r["index"], d["index_decimals"], d["rounding"])} for r in rows]
    years = ", ".join(f"{r['year']}: {n['text']}" for r, n in zip(rows, notes, strict=True))
    text = {
        "title": f"Chỉ số CCHC qua các năm: {unit['name']}",
        "subtitle": _status(document),
        "description": f"Biểu đồ đường: chỉ số (%) của {unit['name']} qua các năm ({years}).",
        "axis": "Chỉ số (%)",
        **(words or {}),
    }
    return _lines(rows, notes, {unit["unit"]: POINT}, above=True, text=text, narrow=narrow)


def _lines(
    rows: list[dict[str, Any]],
    notes: list[dict[str, Any]],
    tone: Mapping[str, str],
    *,
    text: Mapping[str, str],
    above: bool = False,
    narrow: bool = False,
) -> dict[str, Any]:
    """Lines by year, one per unit (`tone` colours and thickens some); `notes` are text
    labels: beside the last year's points (dodged apart), or `above` each point. Narrow: the
    plot fills a phone's width, or — with labels beside the points — leaves them
    `NOTE_WIDTH` pixels, each label wrapped over as many lines as it needs."""
    values = [r["index"] for r in rows]
    margin = 2.0 if above else 0.0
    low = max(0.0, math.floor((min(values, default=0.0) - margin) / 5.0) * 5.0)
    high = min(100.0, math.ceil((max(values, default=100.0) + margin) / 5.0) * 5.0)
    high = high if high > low else low + 5.0
    height = 220 if above else (340 if narrow else 300)
    for row in rows:
        row["colour"] = tone.get(row["unit"], GREY)
        row["strong"] = row["unit"] in tone
    wrapped = narrow and not above
    if wrapped:
        for note in notes:
            note["text"] = wrap(note["text"], NOTE_WIDTH, NARROW_FONT)
    lines = max((len(n["text"]) for n in notes), default=1) if wrapped else 1
    per_pixel = (high - low) / height
    gap = 0.0 if above else (NARROW_LINE * lines + 4 if wrapped else 13) * per_pixel
    for note, y in zip(notes, dodge([n["index"] for n in notes], gap), strict=True):
        # Vega draws a label's first line at y: raise it so that the lines centre on y.
        raise_by = (len(note["text"]) - 1) / 2 * NARROW_LINE * per_pixel if wrapped else 0.0
        note["label_y"] = y + raise_by
    place = {"align": "center", "dy": -12} if above else {"align": "left", "dx": 7}
    if wrapped:
        place["lineHeight"] = NARROW_LINE
    if not narrow:
        size: dict[str, Any] = {"width": PLOT_WIDTH}
    elif above:
        size = {"width": NARROW_WIDTH, "autosize": FIT_WIDTH}
    else:
        size = {"width": NOTE_PLOT}
    x = {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}}
    y = {"field": "index", "type": "quantitative", "scale": {"domain": [low, high]}}
    colour = {"field": "colour", "type": "nominal", "scale": None, "legend": None}
    return _spec(
        text["title"],
        text["subtitle"],
        text["description"],
        narrow=narrow,
        **size,
        height=height,
        layer=[
            {
                "data": {"values": rows},
                "transform": [{"calculate": "datum.strong ? 1 : 0", "as": "z"}],
                "mark": {"type": "line", "point": {"filled": True, "size": 30}},
                "encoding": {
                    "x": x,
                    "y": {**y, "title": None if narrow and not above else text["axis"]},
                    "detail": {"field": "unit"},
                    "color": colour,
                    "order": {"field": "z"},
                    "strokeWidth": {"field": "z", "type": "quantitative", "scale": None},
                },
            },
            {
                "data": {"values": notes},
                "mark": {"type": "text", "baseline": "middle", **place},
                "encoding": {
                    "x": x,
                    "y": {**y, "field": "label_y"},
                    "text": {"field": "text"},
                },
            },
        ],
    )


# --- SIPAS factors ------------------------------------------------------------------------------


def sipas_spec(
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str,
    level: float = 0.95,
    decimals: int = 2,
    words: Mapping[str, str] | None = None,
    narrow: bool = False,
) -> dict[str, Any]:
    """Each factor's (or unit's) satisfaction estimate (point) and interval (bar): rows of
    {factor, estimate, low, high, n}, in the order given. A row with ``ranked: False`` (a unit
    below the minimum sample) gets a hollow point, and the subtitle says what that means.
    `words` replaces the subtitle, description or axis title (another language); `narrow`:
    the phone layout."""
    data = [
        {
            "order": i,
            "label": shortened(str(r["factor"]), f" (n = {r['n']})", LABEL_LIMIT, WIDE_FONT),
            "estimate": plotted(r["estimate"]),
            "low": plotted(r["low"] if r.get("low") is not None else r["estimate"]),
            "high": plotted(r["high"] if r.get("high") is not None else r["estimate"]),
            "text": text_of(r["estimate"], decimals, "half_up"),
            **({"ranked": bool(r["ranked"])} if "ranked" in r else {}),
        }
        for i, r in enumerate(rows)
        if r.get("estimate") is not None
    ]
    hollow = any(not r.get("ranked", True) for r in data)
    low = min((r["low"] for r in data), default=0.0)
    floor = max(0.0, math.floor(low / 10.0) * 10.0)
    x = {"type": "quantitative", "scale": {"domain": [floor, 100]}}
    percent = round(100 * level)
    subtitle = f"Điểm: ước lượng; vạch ngang: khoảng tin cậy {percent} %"
    if hollow:
        subtitle += "; điểm rỗng: chưa đủ mẫu để xếp hạng"
    text = {
        "subtitle": subtitle,
        "description": f"Biểu đồ điểm và khoảng: chỉ số hài lòng (%) của {len(data)} mục với "
        f"khoảng tin cậy {percent} %; n là số phiếu.",
        "axis": "Chỉ số hài lòng (%)",
        **(words or {}),
    }
    point = estimate_point(hollow=hollow)
    if narrow:
        shown = [r for r in rows if r.get("estimate") is not None]
        for row, r in zip(data, shown, strict=True):
            row["label"] = charts_narrow.row_label(str(r["factor"]), f" (n = {r['n']})")
        return charts_narrow.intervals(data, floor, point, {"title": title, **text})
    return _spec(
        title,
        text["subtitle"],
        text["description"],
        width=PLOT_WIDTH,
        height={"step": 22},
        data={"values": data},
        encoding={"y": _row_names()},
        layer=[
            *interval_layers(x, point, {"title": text["axis"]}),
            {
                "mark": {"type": "text", "align": "left", "dx": 6, "baseline": "middle"},
                "encoding": {"x": {**x, "field": "high"}, "text": {"field": "text"}},
            },
        ],
    )


# --- indicator trends ---------------------------------------------------------------------------


def trend_spec(
    rows: Sequence[Mapping[str, Any]], *, title: str, y_title: str = "Giá trị"
) -> dict[str, Any]:
    """Each indicator's value by period (line per indicator): rows of {period, indicator,
    value}, periods as ISO text ('2024-03' a month, '2024' a year)."""
    periods = sorted({str(r["period"]) for r in rows})
    data = [
        {
            "order": periods.index(str(r["period"])),
            "period": period_label(str(r["period"])),
            "indicator": str(r["indicator"]),
            "value": plotted(r["value"]),
        }
        for r in rows
        if r.get("value") is not None
    ]
    indicators = list(dict.fromkeys(r["indicator"] for r in data))
    span = f"{period_label(periods[0])}–{period_label(periods[-1])}" if periods else ""
    return _spec(
        title,
        "",
        f"Biểu đồ đường: {len(indicators)} chỉ tiêu theo {len(periods)} kỳ ({span}).",
        width=PLOT_WIDTH,
        height=220,
        data={"values": data},
        mark={"type": "line", "point": {"filled": True, "size": 25}},
        encoding={
            "x": {
                "field": "period",
                "type": "ordinal",
                "sort": {"field": "order", "op": "min"},
                "title": None,
                "axis": {"labelAngle": -40 if len(periods) > 8 else 0},
            },
            "y": {"field": "value", "type": "quantitative", "title": y_title},
            "color": {
                "field": "indicator",
                "type": "nominal",
                "sort": indicators,
                "legend": {"title": None, "columns": 1, "labelLimit": 520},
            },
        },
    )


# --- rendering ----------------------------------------------------------------------------------


def render_svg(spec: Mapping[str, Any]) -> str:
    """The chart as SVG text: same spec, same bytes."""
    svg = vl_convert.vegalite_to_svg(dict(spec), vl_version=VEGA_LITE_VERSION, allowed_base_urls=[])
    return _accessible(svg, spec)


def render_png(spec: Mapping[str, Any], *, ppi: float = PNG_PPI) -> bytes:
    """The chart as PNG at `ppi` pixels per inch (for DOCX, which cannot hold SVG)."""
    return bytes(
        vl_convert.vegalite_to_png(
            dict(spec), vl_version=VEGA_LITE_VERSION, ppi=ppi, allowed_base_urls=[]
        )
    )


def chart_id(spec: Mapping[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode("utf-8")).hexdigest()
    return "chart-" + digest[:10]


_ID = re.compile(r'id="([^"]+)"')
_REFERENCE = re.compile(r'(id="|url\(#|href="#)([^")]+)')


def _accessible(svg: str, spec: Mapping[str, Any]) -> str:
    """Vietnamese title and description on the root, and ids unique to this chart. Vega numbers
    gradients and clips with a counter that runs across charts; renumbering them in order of
    appearance makes the bytes depend on the spec alone."""
    ident = chart_id(spec)
    ids = {old: f"{ident}-{n}" for n, old in enumerate(dict.fromkeys(_ID.findall(svg)))}
    svg = _REFERENCE.sub(lambda m: m[1] + ids.get(m[2], m[2]), svg)
    head, rest = svg.split(">", 1)
    labelled = f'role="img" aria-labelledby="{ident}-title {ident}-desc"'
    head = head.replace("<svg ", f"<svg {labelled} ", 1)
    title = spec["title"]["text"] if isinstance(spec["title"], Mapping) else spec["title"]
    title = " ".join(title) if isinstance(title, list) else title
    return (
        f'{head}><title id="{ident}-title">{escape(str(title))}</title>'
        f'<desc id="{ident}-desc">{escape(str(spec.get("description", "")))}</desc>{rest}'
    )


def _natural(code: str) -> tuple[Any, ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))
