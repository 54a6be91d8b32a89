"""Year over year: index and rank change per unit, following units through reorganisations.

Units are renamed, merged (two departments into one) and split (2024 districts → 2025 communes).
A `Lineage` says where each current unit came from; a unit with no link that kept its code is
the same unit. How a previous value is carried over:

- `same`, `renamed`: one predecessor — the index change and the rank change are both shown;
- `merged`: several predecessors — the previous index is their unweighted mean (each
  predecessor was one ranked unit; weighting by size would need data a province does not
  publish); no rank change, since the ranking it came from had other units;
- `split`: the current unit came out of a predecessor — the previous index is the
  predecessor's, marked as such; no rank change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

RELATIONS = ("same", "renamed", "merged", "split")


@dataclass(frozen=True)
class LineageLink:
    current: str
    previous: str
    relation: str


@dataclass(frozen=True)
class Lineage:
    links: tuple[LineageLink, ...] = ()

    @classmethod
    def of(cls, links: Iterable[LineageLink]) -> Lineage:
        links = tuple(links)
        for link in links:
            if link.relation not in RELATIONS:
                raise ValueError(f"unknown lineage relation {link.relation!r}; use {RELATIONS}")
        return cls(links)

    def predecessors(self, unit: str) -> list[LineageLink]:
        return [link for link in self.links if link.current == unit]


def compare_years(
    current: pl.DataFrame, previous: pl.DataFrame, lineage: Lineage | None = None
) -> pl.DataFrame:
    """One row per current unit: its predecessors, previous index and rank, and the changes.

    Both frames need `unit`, `index` and `rank` (a `ParResult.units` frame, or a previous
    year's published table). `rank_change` is positive when the unit moved up.
    """
    lineage = lineage or Lineage()
    before = {row["unit"]: row for row in previous.iter_rows(named=True)}
    rows = [_compare(row, before, lineage) for row in current.iter_rows(named=True)]
    return pl.DataFrame(
        rows,
        schema={
            "unit": pl.String,
            "previous": pl.String,
            "relation": pl.String,
            "index_previous": pl.Float64,
            "index_change": pl.Float64,
            "rank_previous": pl.Int64,
            "rank_change": pl.Int64,
        },
    )


def _compare(
    row: Mapping[str, Any], before: Mapping[str, Mapping[str, Any]], lineage: Lineage
) -> dict[str, Any]:
    links = lineage.predecessors(row["unit"])
    if not links and row["unit"] in before:
        links = [LineageLink(row["unit"], row["unit"], "same")]
    found = [before[link.previous] for link in links if link.previous in before]
    out: dict[str, Any] = {
        "unit": row["unit"],
        "previous": ";".join(link.previous for link in links) or None,
        "relation": _relation(links),
        "index_previous": None,
        "index_change": None,
        "rank_previous": None,
        "rank_change": None,
    }
    indices = [p["index"] for p in found if p["index"] is not None]
    if not indices or len(found) != len(links):
        return out
    out["index_previous"] = sum(indices) / len(indices)
    if row["index"] is not None:
        out["index_change"] = row["index"] - out["index_previous"]
    if out["relation"] in ("same", "renamed") and found[0]["rank"] is not None:
        out["rank_previous"] = found[0]["rank"]
        if row["rank"] is not None:
            out["rank_change"] = found[0]["rank"] - row["rank"]
    return out


def _relation(links: list[LineageLink]) -> str | None:
    if not links:
        return None
    relations = {link.relation for link in links}
    if len(links) > 1 or "merged" in relations:
        return "merged"
    return links[0].relation
