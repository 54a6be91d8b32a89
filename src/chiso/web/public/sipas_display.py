"""SIPAS estimates on a page (the public SIPAS page and the survey's draft page).

The interval chart is plain SVG geometry: one row per unit, a dot at the estimate and a whisker
from the interval's low to its high end, on an axis that starts below the lowest bound
(satisfaction indices sit high; an axis from 0 would hide every difference). The channel table
puts each unit's index per collection channel side by side."""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext_lazy as _

from chiso.web.public.display import number

LABEL_WIDTH = 280
PLOT_WIDTH = 360
ROW = 22
TOP = 24
CHANNEL_LABELS = {
    "online": _("Trực tuyến (đường dẫn, mã QR)"),
    "kiosk": _("Máy đánh giá tại quầy"),
    "paper": _("Phiếu giấy"),
    "phone": _("Điện thoại"),
    "truc_tiep": _("Trực tiếp"),
    "truc_tuyen": _("Trực tuyến"),
    "buu_chinh": _("Bưu chính"),
}


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


def interval_text(row: dict[str, Any], decimals: int) -> str:
    """'80,12 – 91,40' for a row with `low` and `high`; empty without an interval."""
    if row["low"] is None or row["high"] is None:
        return ""
    return f"{number(row['low'], decimals)} – {number(row['high'], decimals)}"


def channel_table(
    rows: list[dict[str, Any]], names: dict[str, str], decimals: int
) -> dict[str, Any]:
    """Units × channels, side by side: the overall index with its interval and n per channel
    (the document's `channels` rows)."""
    channels = sorted({r["channel"] for r in rows})
    by_unit: dict[str, dict[str, str]] = {}
    for r in rows:
        text = number(r["overall"], decimals) if r["overall"] is not None else "—"
        cell = f"{text} ({interval_text(r, decimals)}; n={r['n']})"
        by_unit.setdefault(r["unit"], {})[r["channel"]] = cell
    table = [
        {"name": names.get(u, u), "cells": [cells.get(c, "—") for c in channels]}
        for u, cells in sorted(by_unit.items(), key=lambda kv: names.get(kv[0], kv[0]))
    ]
    return {"names": [CHANNEL_LABELS.get(c, c) for c in channels], "rows": table}


def ranking_rows(document: dict[str, Any], decimals: int) -> list[dict[str, Any]]:
    """The document's units in rank order with their overall index and interval as text, and
    `same_as_next` when the difference to the unit right below is not significant."""
    units = document["units"]
    same = {(p["above"], p["below"]) for p in document["pairs"] if not p["significant"]}
    rows = []
    for i, unit in enumerate(units):
        below = units[i + 1]["unit"] if i + 1 < len(units) else None
        overall = unit["overall"]
        rows.append(
            {
                **unit,
                "overall_text": number(overall, decimals) if overall is not None else "—",
                "interval_text": interval_text(unit, decimals),
                "same_as_next": (unit["unit"], below) in same,
            }
        )
    return rows
