"""SIPAS estimates on a page (the public SIPAS page and the survey's draft page).

The units' interval chart is the reports' own Vega-Lite spec (`chiso.reports.charts.sipas_spec`,
drawn by `chiso.web.public.charts.sipas_chart`) over `interval_rows`; the channel table puts
each unit's index per collection channel side by side."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from chiso.web.public.display import number

CHANNEL_LABELS = {
    "online": _("Trực tuyến (đường dẫn, mã QR)"),
    "kiosk": _("Máy đánh giá tại quầy"),
    "paper": _("Phiếu giấy"),
    "phone": _("Điện thoại"),
    "truc_tiep": _("Trực tiếp"),
    "truc_tuyen": _("Trực tuyến"),
    "buu_chinh": _("Bưu chính"),
}


def interval_rows(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows `sipas_spec` plots for a SIPAS document's units (in its order): each unit with
    an estimate, its interval, n, and whether it is ranked."""
    return [
        {
            "factor": u["name"],
            "estimate": u["overall"],
            "low": u["low"],
            "high": u["high"],
            "n": u["n"],
            "ranked": u["ranked"],
        }
        for u in units
        if u["overall"] is not None
    ]


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
