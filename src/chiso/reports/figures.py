"""The figures a publication states about a block, read from its published ranking rows:
units per band, the block's average index, leaders, and who rose and fell most.

Nothing is recomputed from scores: every number is a published row's value or a count, a
mean, a maximum or a minimum of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MOVERS_SHOWN = 3


@dataclass(frozen=True)
class BandCount:
    code: str
    label: str
    count: int


@dataclass(frozen=True)
class BlockFigures:
    units: int
    ranked: int
    bands: tuple[BandCount, ...]
    unbanded: int
    mean_index: float | None
    best: float | None
    worst: float | None
    previous_year: int | None
    previous_mean_index: float | None


def block_figures(block: dict[str, Any]) -> BlockFigures:
    """Counts and averages of one block's ranking document (with its `previous` rows)."""
    rows = block["units"]
    indices = [r["index"] for r in rows if r["index"] is not None]
    previous = block.get("previous") or {}
    before = [r["index"] for r in previous.get("units", ()) if r["index"] is not None]
    return BlockFigures(
        units=len(rows),
        ranked=sum(1 for r in rows if r["ranked"]),
        bands=band_counts(block),
        unbanded=sum(1 for r in rows if r["band"] is None),
        mean_index=_mean(indices),
        best=max(indices, default=None),
        worst=min(indices, default=None),
        previous_year=block.get("previous_year"),
        previous_mean_index=_mean(before),
    )


def band_counts(block: dict[str, Any]) -> tuple[BandCount, ...]:
    """Units in each of the method's bands, in the method's order (zero counts included)."""
    counts: dict[str, int] = {}
    for row in block["units"]:
        if row["band"] is not None:
            counts[row["band"]] = counts.get(row["band"], 0) + 1
    return tuple(BandCount(b["code"], b["label"], counts.get(b["code"], 0)) for b in block["bands"])


def leaders(block: dict[str, Any], n: int = MOVERS_SHOWN) -> list[dict[str, Any]]:
    """The units ranked in the first `n` places (more when places are shared)."""
    return [r for r in block["units"] if r["rank"] is not None and r["rank"] <= n]


def risers(block: dict[str, Any], n: int = MOVERS_SHOWN) -> list[dict[str, Any]]:
    """The `n` units whose index rose most since last year (only rises), largest first."""
    moved = [r for r in block["units"] if (r["index_change"] or 0.0) > 0]
    return sorted(moved, key=lambda r: (-r["index_change"], r["unit"]))[:n]


def fallers(block: dict[str, Any], n: int = MOVERS_SHOWN) -> list[dict[str, Any]]:
    """The `n` units whose index fell most since last year (only falls), largest fall first."""
    moved = [r for r in block["units"] if (r["index_change"] or 0.0) < 0]
    return sorted(moved, key=lambda r: (r["index_change"], r["unit"]))[:n]


def method_statuses(document: dict[str, Any]) -> list[str]:
    """The labels a republisher must print next to the numbers (modelled, reproduction), once
    each, in block order."""
    labels: list[str] = []
    for block in document["blocks"]:
        method = block["method"]
        if method["status"] != "official" and method["status_label"] not in labels:
            labels.append(method["status_label"])
    return labels


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None
