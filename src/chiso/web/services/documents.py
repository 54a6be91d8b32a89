"""The service-quality data documents: what each page shows, as plain JSON-able dicts.

One document per page, rendered as HTML, `.json` and `.csv` (docs/public-data.md documents the
fields and columns); the staff pages render the same documents of a snapshot not yet published,
with staff links. Everything is read from the snapshot: nothing is computed but sorting, the
points each indicator lost (max − points) and counts.
"""

from __future__ import annotations

from typing import Any, Final

from chiso.engine.service_periods import grain_of
from chiso.io.results import STATUS_LABELS
from chiso.web.services.models import ServiceSnapshot, ServiceSnapshotUnit

INDEX_SCHEMA: Final = "chiso.public.service-index/1"
RANKING_SCHEMA: Final = "chiso.public.service-ranking/1"
UNIT_SCHEMA: Final = "chiso.public.service-unit/1"
PROCEDURES_SCHEMA: Final = "chiso.public.service-procedures/1"
WEAKEST: Final = 5
SYNTHETIC_NOTE: Final = (
    "Dữ liệu tổng hợp (giả lập) — không phải hồ sơ thật; chỉ dùng để trình diễn và kiểm thử."
)
LEVEL_TITLES: Final = {
    "province": "Toàn tỉnh",
    "department": "Sở, ban, ngành",
    "commune": "UBND cấp xã",
}
PUBLIC_BASE: Final = "/chat-luong"

RANKING_COLUMNS: Final = (
    "spec", "level", "block", "rank", "unit", "name", "parent",
    "total", "max", "index", "band", "band_label",
)  # fmt: skip
# `rate_unit` came after the others: added at the end, so that no column moves.
UNIT_COLUMNS: Final = (
    "spec", "unit", "period", "grain", "group", "indicator", "title",
    "numerator", "denominator", "rate", "points", "max", "status", "rate_unit",
)  # fmt: skip
PROCEDURE_COLUMNS: Final = (
    "spec", "unit", "procedure", "procedure_name", "indicator",
    "numerator", "denominator", "rate", "rate_unit",
)  # fmt: skip
INDEX_COLUMNS: Final = (
    "spec", "title", "as_of", "complete", "synthetic", "method_id", "method_hash",
    "inputs_hash", "units", "published_at", "html", "json", "csv",
)  # fmt: skip


def links(base: str, *parts: str) -> dict[str, str]:
    path = "/".join([base.rstrip("/"), *parts])
    return {"html": path + "/", "json": path + ".json", "csv": path + ".csv"}


def public_base(snapshot: ServiceSnapshot) -> str:
    return f"{PUBLIC_BASE}/{snapshot.spec}"


def about(snapshot: ServiceSnapshot) -> dict[str, Any]:
    """Where a document comes from: period, as-of date, method, records, publication."""
    info = snapshot.info
    return {
        "spec": snapshot.spec,
        "title": snapshot.title,
        "as_of": snapshot.as_of.isoformat(),
        "complete": snapshot.complete,
        "published_at": snapshot.published_at.isoformat() if snapshot.published_at else None,
        "synthetic": snapshot.synthetic,
        "synthetic_note": SYNTHETIC_NOTE if snapshot.synthetic else None,
        "method": {
            "id": info["id"],
            "title": info["title"],
            "status": info["status"],
            "status_label": STATUS_LABELS.get(info["status"], ("", ""))[0],
            "legal_basis": info["legal_basis"],
            "hash": snapshot.method_hash,
        },
        "inputs_hash": snapshot.inputs_hash,
        "store_version": snapshot.store_version,
        "display": info["display"],
        "bands": info["bands"],
        "groups": [{k: g[k] for k in ("code", "title", "points")} for g in info["groups"]],
    }


# --- index --------------------------------------------------------------------------------------


def index_document(snapshots: list[ServiceSnapshot]) -> dict[str, Any]:
    return {
        "schema": INDEX_SCHEMA,
        "snapshots": [
            {
                "spec": s.spec,
                "title": s.title,
                "as_of": s.as_of.isoformat(),
                "complete": s.complete,
                "synthetic": s.synthetic,
                "method_id": s.method_id,
                "method_hash": s.method_hash,
                "inputs_hash": s.inputs_hash,
                "units": len(s.ranking),
                "published_at": s.published_at.isoformat() if s.published_at else None,
                "links": links(public_base(s)),
            }
            for s in snapshots
        ],
    }


# --- ranking ------------------------------------------------------------------------------------


def ranking_document(snapshot: ServiceSnapshot, base: str) -> dict[str, Any]:
    """Every unit of the whole period, ranked within its level, with its band."""
    province = None
    blocks: dict[str, dict[str, Any]] = {}
    for row in snapshot.ranking:
        if row["level"] == "province":
            province = province or row
            continue
        block = blocks.setdefault(
            row["block"],
            {
                "block": row["block"],
                "level": row["level"],
                "title": LEVEL_TITLES.get(row["level"], row["block"]),
                "units": [],
            },
        )
        block["units"].append(row)
    return {
        "schema": RANKING_SCHEMA,
        **about(snapshot),
        "province": province,
        "blocks": list(blocks.values()),
        "links": links(base),
    }


def ranking_csv_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [document["province"]] if document["province"] else []
    rows += [u for b in document["blocks"] for u in b["units"]]
    return [{"spec": document["spec"], **r} for r in rows]


# --- a unit -------------------------------------------------------------------------------------


def _titles(snapshot: ServiceSnapshot) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    groups = {g["code"]: g["title"] for g in snapshot.info["groups"]}
    indicators = {i["code"]: i for g in snapshot.info["groups"] for i in g["indicators"]}
    return groups, indicators


def rate_unit(info: dict[str, Any]) -> str:
    """What an indicator's `rate` is in: `percent` (a share) or `days` (the mean processing
    time). A snapshot stored before its method summary named the unit has only the rate kind:
    the one mean measure there was is the processing time in days."""
    return str(info.get("unit") or ("days" if info.get("rate") == "mean" else "percent"))


def unit_document(
    snapshot: ServiceSnapshot, part: ServiceSnapshotUnit, base: str
) -> dict[str, Any]:
    """A unit's score and six groups, its indicators with the points each lost, the weakest,
    its score and rates month by month."""
    doc, whole = part.document, snapshot.spec
    group_titles, indicator_info = _titles(snapshot)
    in_block = sum(1 for r in snapshot.ranking if r["block"] == doc["unit"]["block"])
    indicators = [_indicator(i, indicator_info) for i in doc["indicators"] if i["period"] == whole]
    weakest = sorted(
        (i for i in indicators if (i["lost"] or 0) > 1e-9),
        key=lambda i: (-i["lost"], _natural(i["indicator"])),
    )[:WEAKEST]
    unit_links = links(base, part.unit)
    return {
        "schema": UNIT_SCHEMA,
        **about(snapshot),
        "unit": {**doc["unit"], "units_in_block": in_block},
        "groups": [
            {**{k: g[k] for k in ("group", "points", "max")}, "title": group_titles[g["group"]]}
            for g in doc["groups"]
            if g["period"] == whole
        ],
        "indicators": indicators,
        "weakest": weakest,
        "periods": [
            {
                "period": p["period"],
                "grain": grain_of(p["period"]),
                **{k: p[k] for k in ("total", "max", "index", "band", "band_label", "rank")},
                "overdue": doc["overdue"].get(p["period"], 0),
            }
            for p in doc["periods"]
        ],
        "trend": [
            {
                "period": i["period"],
                "indicator": i["indicator"],
                "rate": i["rate"],
                "rate_unit": rate_unit(indicator_info[i["indicator"]]),
            }
            for i in doc["indicators"]
            if grain_of(i["period"]) == "month"
        ],
        "links": {**unit_links, "procedures": links(base, part.unit, "thu-tuc")},
    }


def _indicator(row: dict[str, Any], info: dict[str, dict[str, Any]]) -> dict[str, Any]:
    points, maximum = row["points"], row["max"]
    lost = None if points is None else max(0.0, maximum - points)
    return {
        "group": row["group"],
        "indicator": row["indicator"],
        "title": info[row["indicator"]]["title"],
        **{k: row[k] for k in ("numerator", "denominator", "rate", "points", "max", "status")},
        "rate_unit": rate_unit(info[row["indicator"]]),
        "lost": lost,
    }


def unit_csv_rows(snapshot: ServiceSnapshot, part: ServiceSnapshotUnit) -> list[dict[str, Any]]:
    _, info = _titles(snapshot)
    return [
        {
            "spec": snapshot.spec,
            "unit": part.unit,
            "grain": grain_of(i["period"]),
            "title": info[i["indicator"]]["title"],
            **i,
            "rate_unit": rate_unit(info[i["indicator"]]),
        }
        for i in part.document["indicators"]
    ]


# --- a unit's procedures ------------------------------------------------------------------------


def procedures_document(
    snapshot: ServiceSnapshot, part: ServiceSnapshotUnit, base: str
) -> dict[str, Any]:
    """Every rate of the unit by procedure (whole period): the drill-down behind each rate."""
    _, info = _titles(snapshot)
    rows = [
        {**r, "rate_unit": rate_unit(info[r["indicator"]])} for r in part.document["procedures"]
    ]
    present = sorted({r["indicator"] for r in rows}, key=_natural)
    return {
        "schema": PROCEDURES_SCHEMA,
        **about(snapshot),
        "unit": {k: part.document["unit"][k] for k in ("unit", "name", "level", "block")},
        "indicators": [
            {"indicator": c, "title": info[c]["title"], "rate_unit": rate_unit(info[c])}
            for c in present
        ],
        "procedures": rows,
        "links": {**links(base, part.unit, "thu-tuc"), "unit": links(base, part.unit)["html"]},
    }


def procedure_csv_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    unit = document["unit"]["unit"]
    return [{"spec": document["spec"], "unit": unit, **r} for r in document["procedures"]]


def _natural(code: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in code.split("."))
