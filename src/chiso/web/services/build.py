"""From a computation to what a snapshot stores: the method's summary, the ranking, the result
frames, and one part per unit (its rows of every frame), so that a page reads one small row.

Plain data in, plain data out: no queries here (`services.snapshot_create` saves the outcome).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import polars as pl

from chiso.engine.service_measures import MEASURES
from chiso.engine.service_method import ServiceMethod
from chiso.web.services.compute import Computation, parquet_bytes

# The band colours of the public pages (chiso.css `.band-*`), for the methods' band codes.
BAND_COLOURS: Final = {
    "xuat_sac": "#1a9850",
    "tot": "#91cf60",
    "kha": "#fee08b",
    "trung_binh": "#fc8d59",
    "yeu": "#d73027",
}
LEVEL_ORDER: Final = ("province", "department", "commune")
UNIT_KEYS: Final = ("unit", "name", "level", "block", "parent")
SCORE_KEYS: Final = ("total", "max", "index", "band", "band_label", "rank")
INDICATOR_KEYS: Final = ("numerator", "denominator", "rate", "points", "max", "status")


def method_info(method: ServiceMethod) -> dict[str, Any]:
    """What the pages need to know of the method: groups and indicators with their titles,
    points and the unit of their rate (`percent`, or a mean's own: `days`), bands with colours,
    display precision, ranking scope."""
    d = method.display
    return {
        "id": method.id,
        "title": method.title,
        "status": method.status,
        "hash": method.hash,
        "legal_basis": method.legal_basis.decision,
        "total_points": method.total_points,
        "within": method.within,
        "display": {
            "points_decimals": d.points_decimals,
            "index_decimals": d.index_decimals,
            "rounding": d.rounding,
        },
        "bands": [
            {
                "code": b.code,
                "label": b.label,
                "label_en": b.label_en,
                "color": BAND_COLOURS.get(b.code, ""),
            }
            for b in method.banding.bands
        ],
        "groups": [
            {
                "code": g.code,
                "title": g.title,
                "title_en": g.title_en,
                "points": g.points,
                "indicators": [
                    {
                        "code": i.code,
                        "title": i.title,
                        "title_en": i.title_en,
                        "points": i.points,
                        "scoring": i.scoring,
                        "target": i.target,
                        "rate": i.rate,
                        "unit": MEASURES[i.measure].unit,
                    }
                    for i in g.indicators
                ],
            }
            for g in method.groups
        ],
    }


def store_info(computation: Computation) -> dict[str, Any]:
    manifest = computation.store.manifest
    return {
        "version": computation.store.name,
        "synthetic": bool(manifest.get("synthetic")),
        "tables": manifest.get("tables", {}),
        "imports": [
            {k: i.get(k) for k in ("table", "file", "sha256", "rows", "at")}
            for i in manifest.get("imports", [])
        ],
        "generated": manifest.get("generated") or {},
    }


def ranking_rows(computation: Computation) -> list[dict[str, Any]]:
    """The whole period's units, province first, then each level in rank order."""
    whole = computation.periods[-1]
    units = computation.units.filter(pl.col("period") == whole)
    order = {level: n for n, level in enumerate(LEVEL_ORDER)}
    rows = [_unit_row(r) for r in units.iter_rows(named=True)]
    return sorted(
        rows,
        key=lambda r: (
            order.get(r["level"], len(order)),
            r["block"],
            r["rank"] is None,
            r["rank"] or 0,
            r["unit"],
        ),
    )


def _unit_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in (*UNIT_KEYS, *SCORE_KEYS)} | {"parent": row["parent"] or ""}


def overdue_bytes(computation: Computation) -> bytes:
    return parquet_bytes(computation.overdue)


def unit_parts(computation: Computation) -> Iterable[dict[str, Any]]:
    """One document per unit: its score in every period, its groups and indicators in every
    period, its procedures' rates (whole period; those with something to count) and how many
    overdue dossiers each period lists for it and its descendants."""
    by_unit = {
        name: _split(frame, "unit")
        for name, frame in (
            ("periods", computation.units),
            ("groups", computation.groups),
            ("indicators", computation.indicators),
            # A procedure's rate with nothing to count (0/0) says nothing: not kept.
            ("procedures", computation.procedures.filter(pl.col("denominator") > 0)),
        )
    }
    overdue = _overdue_counts(computation)
    for row in ranking_rows(computation):
        code = row["unit"]
        yield {
            "unit": row,
            "periods": [
                {"period": p["period"], **{k: p[k] for k in SCORE_KEYS}}
                for p in by_unit["periods"].get(code, [])
            ],
            "groups": [
                {k: g[k] for k in ("period", "group", "points", "max")}
                for g in by_unit["groups"].get(code, [])
            ],
            "indicators": [
                {k: i[k] for k in ("period", "group", "indicator", *INDICATOR_KEYS)}
                for i in by_unit["indicators"].get(code, [])
            ],
            "procedures": [
                {k: p[k] for k in PROCEDURE_KEYS} for p in by_unit["procedures"].get(code, [])
            ],
            "overdue": overdue.get(code, {}),
        }


PROCEDURE_KEYS: Final = (
    "procedure",
    "procedure_name",
    "indicator",
    "numerator",
    "denominator",
    "rate",
)


def _split(frame: pl.DataFrame, key: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    if frame.is_empty():
        return out
    for row in frame.iter_rows(named=True):
        out.setdefault(row[key], []).append(row)
    return out


def descendants(rows: Iterable[dict[str, Any]]) -> dict[str, set[str]]:
    """unit → itself and every unit below it (from each row's `parent`)."""
    parents = {r["unit"]: r["parent"] or None for r in rows}
    below: dict[str, set[str]] = {code: {code} for code in parents}
    for code in parents:
        seen, up = {code}, parents[code]
        while up and up in below and up not in seen:
            below[up].add(code)
            seen.add(up)
            up = parents.get(up)
    return below


def _overdue_counts(computation: Computation) -> dict[str, dict[str, int]]:
    """unit → period → overdue dossiers of the unit and its descendants."""
    own = computation.overdue.group_by("unit_code", "period").len()
    counts: dict[tuple[str, str], int] = {(u, p): int(n) for u, p, n in own.iter_rows()}
    out: dict[str, dict[str, int]] = {}
    for unit, codes in descendants(ranking_rows(computation)).items():
        for period in computation.periods:
            total = sum(counts.get((c, period), 0) for c in codes)
            if total:
                out.setdefault(unit, {})[period] = total
    return out
