"""The public SIPAS page: a year's published satisfaction estimates, with intervals drawn, and
its `.json`/`.csv` twins — read from the frozen `SipasSnapshot` document only."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from chiso.io.sipas_document import sipas_csv_rows
from chiso.web.public.display import number
from chiso.web.public.sipas_display import interval_chart
from chiso.web.public.views import _csv, _json
from chiso.web.publishing.selectors import sipas_snapshot_of

CSV_COLUMNS = ("year", "unit", "name", "node", "estimate", "low", "high", "se", "n")
CSV_COLUMNS += ("ranked", "rank")
DECIMALS = 2
CHANNEL_LABELS = {
    "online": _("Trực tuyến (đường dẫn, mã QR)"),
    "kiosk": _("Máy đánh giá tại quầy"),
    "paper": _("Phiếu giấy"),
    "phone": _("Điện thoại"),
    "truc_tiep": _("Trực tiếp"),
    "truc_tuyen": _("Trực tuyến"),
    "buu_chinh": _("Bưu chính"),
}


@require_safe
def sipas(request: HttpRequest, year: str, fmt: str = "html") -> HttpResponse:
    snapshot = sipas_snapshot_of(int(year))
    if snapshot is None:
        raise Http404("Chưa công bố kết quả SIPAS của năm này.")
    document = {**snapshot.document, "year": snapshot.year, "title": snapshot.title}
    if fmt == "json":
        return _json(document)
    if fmt == "csv":
        rows = [{"year": snapshot.year, **row} for row in sipas_csv_rows(document)]
        return _csv(rows, CSV_COLUMNS, f"chiso-{year}-sipas.csv")
    return render(request, "public/sipas.html", _context(document, snapshot))


def _context(document: dict[str, Any], snapshot: Any) -> dict[str, Any]:
    units = document["units"]
    names = {u["unit"]: u["name"] for u in units}
    factors = [n for n in document["nodes"] if n["level"] == "factor"]
    same = {(p["above"], p["below"]) for p in document["pairs"] if not p["significant"]}
    rows = []
    for i, unit in enumerate(units):
        below = units[i + 1]["unit"] if i + 1 < len(units) else None
        rows.append(
            {
                **unit,
                "overall_text": number(unit["overall"], DECIMALS),
                "interval_text": _interval(unit),
                "factors": [_cell(unit["nodes"].get(f["code"])) for f in factors],
                "same_as_next": (unit["unit"], below) in same,
            }
        )
    return {
        "doc": document,
        "year": snapshot.year,
        "published_at": snapshot.published_at,
        "rows": rows,
        "factors": factors,
        "chart": interval_chart(units),
        "channels": _channels(document["channels"], names),
        "level_percent": round(100 * document["about"]["level"]),
        "links": {"json": f"/{snapshot.year}/sipas.json", "csv": f"/{snapshot.year}/sipas.csv"},
    }


def _cell(node: dict[str, Any] | None) -> str:
    if node is None or node["estimate"] is None:
        return "—"
    return number(node["estimate"], DECIMALS)


def _interval(row: dict[str, Any]) -> str:
    if row["low"] is None or row["high"] is None:
        return ""
    return f"{number(row['low'], DECIMALS)} – {number(row['high'], DECIMALS)}"


def _channels(rows: list[dict[str, Any]], names: dict[str, str]) -> dict[str, Any]:
    """Units × channels, side by side: the overall index with its interval per channel."""
    channels = sorted({r["channel"] for r in rows})
    by_unit: dict[str, dict[str, str]] = {}
    for r in rows:
        text = number(r["overall"], DECIMALS) if r["overall"] is not None else "—"
        by_unit.setdefault(r["unit"], {})[r["channel"]] = f"{text} ({_interval(r)}; n={r['n']})"
    table = [
        {"name": names.get(u, u), "cells": [cells.get(c, "—") for c in channels]}
        for u, cells in sorted(by_unit.items(), key=lambda kv: names.get(kv[0], kv[0]))
    ]
    return {"names": [CHANNEL_LABELS.get(c, c) for c in channels], "rows": table}
