"""The phone layout of the row charts: the same data, texts and look as `charts`, laid out for
`chart_style.NARROW_WIDTH` pixels.

A wide row chart puts each unit's name in a column to the left of its bar; on a phone that
column alone would take the screen. Here each row is a line of text — the name on the left, the
number on the right — above its bar (or interval, or row of heatmap cells), across the whole
width, so a name up to a line long is read whole and nothing overlaps. Called by the `*_spec`
functions of `charts` with ``narrow=True``; the lines chart (`charts._lines`) sizes itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chiso.reports.chart_style import (
    NARROW_FONT,
    NARROW_WIDTH,
    PADDING,
    band_bars,
    interval_layers,
    narrow_sizes,
    nominal,
    shortened,
    spec_frame,
)

ROW = 36
"""A row: a line of text over a 12-pixel bar."""
HEAT_ROW = 42
"""A heatmap row: a line of text over 22-pixel cells."""
NUMBER_ROOM = 56
"""Pixels kept at the right of a row's name for its number."""
NAME_LIMIT = NARROW_WIDTH - 2 * PADDING - NUMBER_ROOM


def row_label(name: str, suffix: str) -> str:
    """A row's name with `suffix` (its n), the name cut short if the line would be too long."""
    return shortened(name, suffix, NAME_LIMIT, NARROW_FONT)


def _row_chart(
    rows: list[dict[str, Any]],
    text: Mapping[str, Any],
    layer: list[dict[str, Any]],
    *,
    step: int = ROW,
    columns: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A narrow chart of `rows` in rank order, each row `step` pixels high with its name on a
    line of `layer` (no axis of names); `columns`, an x channel, heads columns at the top."""
    rows_y = {**nominal("label", order="order"), "axis": None}
    return spec_frame(
        text["title"],
        text["subtitle"],
        text["description"],
        narrow=True,
        **narrow_sizes(step=step),
        data={"values": rows},
        encoding={"x": columns, "y": rows_y} if columns else {"y": rows_y},
        layer=layer,
    )


def _name_and_number(number_field: str) -> list[dict[str, Any]]:
    """The row's line: its name at the left, its number at the right, above the mark."""
    line = {"type": "text", "baseline": "alphabetic", "yOffset": -2}
    return [
        {
            "mark": {**line, "align": "left", "limit": NAME_LIMIT},
            "encoding": {"x": {"value": 0}, "text": {"field": "label"}},
        },
        {
            "mark": {**line, "align": "right", "fontWeight": "bold"},
            "encoding": {"x": {"value": "width"}, "text": {"field": number_field}},
        },
    ]


def bars(
    rows: list[dict[str, Any]], colours: Mapping[str, Any], text: Mapping[str, Any]
) -> dict[str, Any]:
    """The ranking's bars (`charts.ranking_spec`'s rows, band colours and texts)."""
    bar = band_bars(colours, text, mark={"height": 12, "yOffset": 8}, legend={"columns": 3})
    return _row_chart(rows, text, [bar, *_name_and_number("index_text")])


def intervals(
    rows: list[dict[str, Any]],
    floor: float,
    point: Mapping[str, Any],
    text: Mapping[str, Any],
) -> dict[str, Any]:
    """Estimates with their intervals (`charts.sipas_spec`'s rows, axis floor, point mark and
    fill, and texts)."""
    x = {"type": "quantitative", "scale": {"domain": [floor, 100]}}
    step = 10 if 100 - floor > 30 else 5
    axis = {"title": text["axis"], "axis": {"values": list(range(int(floor), 101, step))}}
    layer = [*interval_layers(x, point, axis, yOffset=8), *_name_and_number("text")]
    return _row_chart(rows, text, layer)


def heatmap(
    rows: list[dict[str, Any]],
    key: Sequence[str],
    colour: Mapping[str, Any],
    text: Mapping[str, Any],
) -> dict[str, Any]:
    """Units × fields (`charts.field_heatmap_spec`'s rows): columns headed by the field's code,
    the codes' titles as the subtitle (`key`), each unit's name over its row of cells."""
    first = min((r["field_order"] for r in rows), default=0)
    columns = {
        **nominal("code", order="field_order"),
        "title": None,
        "axis": {"orient": "top", "labelAngle": 0, "ticks": False, "domain": False},
    }
    return _row_chart(
        rows,
        {**text, "subtitle": [text["subtitle"], *key]},
        step=HEAT_ROW,
        columns=columns,
        layer=[
            {
                "mark": {"type": "rect", "stroke": "white", "height": 22, "yOffset": 8},
                "encoding": {"color": {**colour, "legend": {**colour["legend"], "columns": 1}}},
            },
            {
                "mark": {"type": "text", "baseline": "middle", "yOffset": 8},
                "encoding": {"text": {"field": "index_text"}},
            },
            {
                "transform": [{"filter": f"datum.field_order == {first}"}],
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "alphabetic",
                    "yOffset": -7,
                    "limit": NARROW_WIDTH - 2 * PADDING,
                },
                "encoding": {"x": {"value": 0}, "text": {"field": "label"}},
            },
        ],
    )
