"""The SIPAS page's interval chart as plain SVG geometry: one row per unit, a dot at the
estimate and a whisker from the interval's low to its high end, on an axis that starts below
the lowest bound (satisfaction indices sit high; an axis from 0 would hide every difference)."""

from __future__ import annotations

import math
from typing import Any

LABEL_WIDTH = 280
PLOT_WIDTH = 360
ROW = 22
TOP = 24


def interval_chart(units: list[dict[str, Any]]) -> dict[str, Any]:
    """Geometry for the units that have an estimate, in the order given."""
    shown = [u for u in units if u["overall"] is not None]
    start = _axis_start([u["low"] if u["low"] is not None else u["overall"] for u in shown])

    def x(value: float) -> float:
        return round(LABEL_WIDTH + PLOT_WIDTH * (value - start) / (100 - start), 2)

    rows = []
    for i, unit in enumerate(shown):
        low = unit["low"] if unit["low"] is not None else unit["overall"]
        high = unit["high"] if unit["high"] is not None else unit["overall"]
        y = TOP + i * ROW + ROW / 2
        rows.append(
            {
                "y": y,
                "text_y": y + 4,
                "x_low": x(low),
                "x_high": x(high),
                "x_point": x(unit["overall"]),
                "name": unit["name"],
                "ranked": unit["ranked"],
            }
        )
    step = 5 if 100 - start <= 30 else 10
    ticks = [{"x": x(t), "label": str(t)} for t in range(int(start), 101, step)]
    return {
        "width": LABEL_WIDTH + PLOT_WIDTH + 30,
        "height": TOP + len(rows) * ROW + 8,
        "label_x": LABEL_WIDTH - 8,
        "axis_bottom": TOP + len(rows) * ROW,
        "ticks": ticks,
        "rows": rows,
    }


def _axis_start(lows: list[float]) -> float:
    """The lowest bound rounded down to a multiple of 10 (0 at worst, 90 at best)."""
    if not lows:
        return 0.0
    return float(max(0, min(90, math.floor(min(lows) / 10) * 10)))
