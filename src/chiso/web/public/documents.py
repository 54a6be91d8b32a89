"""The public data documents: what each page shows, as plain JSON-able dicts.

Each page's HTML, `.json` and `.csv` come from the same document, so the three never disagree.
Documents are assembled from stored snapshots only — frames, extras, history — with nothing
computed but counts, sorting and the points a unit lost on each criterion (max − points, read
from the stored `leaves` frame). The schema is documented in docs/public-data.md; fields are
added, never renamed or removed, within one schema version.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from chiso.io.results import STATUS_LABELS
from chiso.web.publishing.models import Snapshot

RANKING_SCHEMA = "chiso.public.ranking/1"
UNIT_SCHEMA = "chiso.public.unit/1"
INDEX_SCHEMA = "chiso.public.index/1"
LOST_POINTS_SHOWN = 10
EPS = 1e-9

UNIT_FIELDS = ("unit", "name", "kind", "total", "max", "index", "band", "band_label")
UNIT_FIELDS += ("rank", "ranked", "bonus", "penalty", "flags")
CHANGE_FIELDS = ("index_previous", "index_change", "rank_previous", "rank_change")
INTERVAL_FIELDS = ("rank_median", "rank_low", "rank_high", "p_top")


def links(year: int, block: str, unit: str | None = None) -> dict[str, str]:
    base = f"/{year}/{block}" + (f"/{unit}" if unit else "")
    return {"html": base + "/", "json": base + ".json", "csv": base + ".csv"}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, ("", ""))[0]


def about(snapshot: Snapshot) -> dict[str, Any]:
    """Where a document comes from: year, block, method and its status, hashes."""
    method = snapshot.extras["method"]
    return {
        "year": snapshot.period.year,
        "block": snapshot.block,
        "block_title": snapshot.block_title,
        "published_at": snapshot.published_at.isoformat(),
        "method": {
            "id": method["id"],
            "title": method["title"],
            "status": method["status"],
            "status_label": status_label(method["status"]),
            "hash": snapshot.method_hash,
        },
        "inputs_hash": snapshot.inputs_hash,
        "display": method["display"],
        "bands": method["bands"],
    }


# --- ranking ------------------------------------------------------------------------------------


def ranking_document(snapshot: Snapshot) -> dict[str, Any]:
    """One block's published ranking with change from last year and rank intervals."""
    history = snapshot.extras.get("history") or {}
    intervals = snapshot.extras.get("rank_intervals") or {}
    return {
        "schema": RANKING_SCHEMA,
        **about(snapshot),
        "previous_year": history.get("previous_year"),
        "rank_intervals": {k: intervals[k] for k in ("draws", "seed", "level", "note")}
        if intervals
        else None,
        "links": links(snapshot.period.year, snapshot.block),
        "units": ranking_rows(snapshot),
    }


def ranking_rows(snapshot: Snapshot) -> list[dict[str, Any]]:
    """The units frame joined with year-over-year and rank intervals, in rank order."""
    changes = _by_unit((snapshot.extras.get("history") or {}).get("units", []))
    intervals = _by_unit((snapshot.extras.get("rank_intervals") or {}).get("units", []))
    rows = [
        {
            **{k: row[k] for k in UNIT_FIELDS},
            **{k: changes.get(row["unit"], {}).get(k) for k in CHANGE_FIELDS},
            **{k: intervals.get(row["unit"], {}).get(k) for k in INTERVAL_FIELDS},
        }
        for row in _units(snapshot)
    ]
    return sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0, r["unit"]))


# --- one unit -----------------------------------------------------------------------------------


def unit_document(
    snapshot: Snapshot, unit: str, history: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """One unit's published result: fields, components, history, and where it lost points.
    None when the snapshot does not hold the unit."""
    row = next((r for r in ranking_rows(snapshot) if r["unit"] == unit), None)
    if row is None:
        return None
    titles = snapshot.extras["method"]["titles"]
    components = {c["code"]: c["title"] for c in snapshot.extras["method"]["components"]}
    results = snapshot.results
    return {
        "schema": UNIT_SCHEMA,
        **about(snapshot),
        "units_in_block": len(results["units"]),
        "links": links(snapshot.period.year, snapshot.block, unit),
        "unit": row,
        "components": [
            {**_without_unit(c), "title": components.get(c["component"], c["component"])}
            for c in results["components"]
            if c["unit"] == unit
        ],
        "fields": [_without_unit(f) for f in results["fields"] if f["unit"] == unit],
        "history": history,
        "lost_points": lost_points(results["leaves"], unit, row["max"], titles),
    }


def lost_points(
    leaves: list[dict[str, Any]], unit: str, unit_max: float, titles: dict[str, str]
) -> list[dict[str, Any]]:
    """The criteria where the unit lost most, as stored: lost = max − points on each counted
    leaf; gain = the index points it would add (100 × lost / the unit's max)."""
    rows = []
    for leaf in leaves:
        if leaf["unit"] != unit or not leaf["counted"]:
            continue
        lost = leaf["max"] - (leaf["points"] or 0.0)
        if lost > EPS:
            rows.append(
                {
                    "criterion": leaf["criterion"],
                    "title": titles.get(leaf["criterion"], ""),
                    "field": leaf["field"],
                    "points": leaf["points"],
                    "max": leaf["max"],
                    "lost": lost,
                    "gain": 100.0 * lost / unit_max if unit_max else 0.0,
                    "missing": leaf["missing"],
                }
            )
    rows.sort(key=lambda r: (-r["gain"], _natural(r["criterion"])))
    return rows[:LOST_POINTS_SHOWN]


# --- home ---------------------------------------------------------------------------------------


def index_document(latest: list[Snapshot], published: list[Snapshot]) -> dict[str, Any]:
    """The home page: the latest year's headline per block, and a catalogue of every
    published dataset."""
    return {
        "schema": INDEX_SCHEMA,
        "year": latest[0].period.year if latest else None,
        "blocks": [headline(s) for s in latest],
        "snapshots": [
            {
                "year": s.period.year,
                "block": s.block,
                "block_title": s.block_title,
                "method_status": s.extras["method"]["status"],
                "units": len(s.ranking or ()),
                "published_at": s.published_at.isoformat(),
                "links": links(s.period.year, s.block),
            }
            for s in published
        ],
    }


def headline(snapshot: Snapshot) -> dict[str, Any]:
    """What the press writes: units per band, who leads, who improved most."""
    rows = ranking_rows(snapshot)
    counts = Counter(r["band"] for r in rows)
    improved = [r for r in rows if r["index_change"] is not None]
    best = max(improved, key=lambda r: (r["index_change"], r["unit"]), default=None)
    return {
        "year": snapshot.period.year,
        "block": snapshot.block,
        "block_title": snapshot.block_title,
        "method_status": snapshot.extras["method"]["status"],
        "method_status_label": status_label(snapshot.extras["method"]["status"]),
        "units": len(rows),
        "bands": [
            {
                "band": b["code"],
                "label": b["label"],
                "label_en": b.get("label_en") or b["label"],
                "color": b["color"],
                "count": counts[b["code"]],
            }
            for b in snapshot.extras["method"]["bands"]
        ],
        "leaders": [_brief(r, "index") for r in rows if r["rank"] == 1],
        "most_improved": _brief(best, "index_change") if best else None,
        "previous_year": (snapshot.extras.get("history") or {}).get("previous_year"),
        "links": links(snapshot.period.year, snapshot.block),
    }


def _brief(row: dict[str, Any], value: str) -> dict[str, Any]:
    return {"unit": row["unit"], "name": row["name"], value: row[value], "band": row["band"]}


def _units(snapshot: Snapshot) -> list[dict[str, Any]]:
    # `ranking` is the units frame annotated by the selectors; a full snapshot has `results`.
    ranking = getattr(snapshot, "ranking", None)
    return ranking if ranking is not None else snapshot.results["units"]


def _by_unit(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["unit"]: r for r in rows}


def _without_unit(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "unit"}


def _natural(code: str) -> tuple[Any, ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))
