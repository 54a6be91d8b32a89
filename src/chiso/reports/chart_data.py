"""The rows the chart specifications plot, prepared from the public documents.

Kept apart from `charts.py` so each spec function reads as the chart it draws.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from chiso.reports import layout

NO_BAND = "Không xếp loại"
NO_BAND_COLOUR = "#bbbbbb"
PLOT_DECIMALS = 6


def text_of(value: float | None, decimals: int, rounding: str, *, signed: bool = False) -> str:
    """A number as the tables write it: the method's decimals and rounding, decimal comma;
    with `signed`, a change (+0,60 / −1,25)."""
    return (layout.signed if signed else layout.number)(value, decimals, rounding)


def plotted(value: float) -> float:
    """A value as a chart plots it: to 6 decimals, far below a pixel. A result's last binary
    digit (which summing in another order can change) then cannot change the chart's bytes."""
    return round(float(value), PLOT_DECIMALS)


def ranked_labels(units: Sequence[Mapping[str, Any]]) -> dict[str, tuple[int, str]]:
    """unit code → (position in rank order, the name to print). Two units with the same name
    get their codes added, so a chart never merges them."""
    names = Counter(u["name"] for u in units)
    return {
        u["unit"]: (i, u["name"] if names[u["name"]] == 1 else f"{u['name']} ({u['unit']})")
        for i, u in enumerate(units)
    }


def index_rows(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per unit of a ranking document, in its (rank) order."""
    d = document["display"]
    labels = ranked_labels(document["units"])
    return [
        {
            "order": labels[u["unit"]][0],
            "unit": u["unit"],
            "label": labels[u["unit"]][1],
            "index": plotted(u["index"]) if u["index"] is not None else 0.0,
            "index_text": text_of(u["index"], d["index_decimals"], d["rounding"]),
            "band": u.get("band_label") or NO_BAND,
        }
        for u in document["units"]
    ]


def band_colours(bands: Sequence[Mapping[str, Any]], rows: Iterable[Mapping[str, Any]]) -> dict:
    """A colour scale with the method's bands in its order (and 'no band' if a unit has none),
    in the colours the public pages use."""
    domain = [str(b["label"]) for b in bands]
    colours = [str(b.get("color") or NO_BAND_COLOUR) for b in bands]
    if any(r["band"] == NO_BAND for r in rows):
        domain.append(NO_BAND)
        colours.append(NO_BAND_COLOUR)
    return {"domain": domain, "range": colours}


def dodge(values: Sequence[float], gap: float) -> list[float]:
    """Label positions near `values`, at least `gap` apart (same order as `values`): labels
    that would overlap form a stack centred on the mean of their values."""
    order = sorted(range(len(values)), key=lambda i: (values[i], i))
    clusters: list[list[int]] = []
    for i in order:
        clusters.append([i])
        while len(clusters) > 1 and _start(clusters[-1], values, gap) < _start(
            clusters[-2], values, gap
        ) + gap * len(clusters[-2]):
            last = clusters.pop()
            clusters[-1].extend(last)
    placed = {}
    for cluster in clusters:
        start = _start(cluster, values, gap)
        placed.update({i: start + k * gap for k, i in enumerate(cluster)})
    return [placed[i] for i in range(len(values))]


def _start(cluster: list[int], values: Sequence[float], gap: float) -> float:
    """Where a stack of labels starts when centred on the mean of its values."""
    return sum(values[i] for i in cluster) / len(cluster) - gap * (len(cluster) - 1) / 2


def period_label(period: str) -> str:
    """'2024-03' → '03/2024'; '2024-Q1' → 'Q1/2024'; a year stays as it is."""
    year, _, part = period.partition("-")
    return f"{part}/{year}" if part else year
