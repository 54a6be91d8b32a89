"""Numbers and charts for the HTML pages: rounded as the method says, written the Vietnamese
way (decimal comma), and bar charts as plain SVG geometry for the templates."""

from __future__ import annotations

from typing import Any

from chiso.engine.numbers import display

CHART_LABEL_WIDTH = 300
CHART_BAR_WIDTH = 300
CHART_ROW = 22
CHART_TOP = 24
NO_BAND_COLOUR = "#bbbbbb"


def number(value: float | None, decimals: int, rounding: str = "half_up") -> str:
    """90.9 → '90,90' at 2 decimals; empty for no value."""
    return display(value, decimals, rounding).replace(".", ",")


def signed(value: float | None, decimals: int, rounding: str = "half_up") -> str:
    if value is None:
        return ""
    text = number(abs(value), decimals, rounding)
    if text.strip("0,") == "":
        return "±" + text
    return ("+" if value > 0 else "−") + text


def rank_move(change: int | None) -> str:
    """+2 → '▲ 2' (moved up two places), −1 → '▼ 1', 0 → '='."""
    if change is None:
        return ""
    if change == 0:
        return "="
    return f"▲ {change}" if change > 0 else f"▼ {-change}"


def band_colours(bands: list[dict[str, Any]]) -> dict[str | None, str]:
    colours: dict[str | None, str] = {b["code"]: b["color"] or NO_BAND_COLOUR for b in bands}
    colours[None] = NO_BAND_COLOUR
    return colours


def ranking_chart(rows: list[dict[str, Any]], bands: list[dict[str, Any]], fmt: Any) -> dict:
    """Horizontal bars of the index (0–100) per unit, in rank order, coloured by band."""
    colours = band_colours(bands)
    bars = []
    for i, row in enumerate(rows):
        index = row["index"] or 0.0
        bars.append(
            {
                "y": CHART_TOP + i * CHART_ROW,
                "text_y": CHART_TOP + i * CHART_ROW + CHART_ROW * 0.65,
                "width": round(CHART_BAR_WIDTH * max(0.0, min(index, 100.0)) / 100.0, 2),
                "value_x": round(
                    CHART_LABEL_WIDTH + CHART_BAR_WIDTH * max(0.0, min(index, 100.0)) / 100 + 6,
                    2,
                ),
                "name": row["name"],
                "value": fmt(row["index"]),
                "band_label": row["band_label"] or "",
                "band": row["band"] or "none",
                "colour": colours.get(row["band"], NO_BAND_COLOUR),
            }
        )
    ticks = [
        {"x": CHART_LABEL_WIDTH + CHART_BAR_WIDTH * t / 100, "label": str(t)}
        for t in (0, 25, 50, 75, 100)
    ]
    return {
        "width": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 60,
        "height": CHART_TOP + len(rows) * CHART_ROW + 8,
        "label_x": CHART_LABEL_WIDTH - 8,
        "bar_x": CHART_LABEL_WIDTH,
        "bar_height": CHART_ROW - 6,
        "axis_bottom": CHART_TOP + len(rows) * CHART_ROW,
        "ticks": ticks,
        "bars": bars,
    }


def small_bar(value: float | None, colour: str, width: int = 120) -> dict[str, Any]:
    """One bar of a value 0–100 inside a `width`-pixel box (a field's index, a year's index)."""
    share = max(0.0, min(value or 0.0, 100.0)) / 100.0
    return {"width": width, "fill": round(width * share, 2), "colour": colour}
