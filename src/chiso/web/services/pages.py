"""The HTML side of the service-quality documents: numbers written as the method says (decimal
comma), rows with their links, bars and charts. Shared by the public and the staff pages; the
data twins never see any of this."""

from __future__ import annotations

from functools import partial
from typing import Any, Final

from django.utils.translation import gettext, pgettext

from chiso.reports.chart_data import period_label
from chiso.web.i18n import active_language
from chiso.web.public import display
from chiso.web.services import charts
from chiso.web.services.models import ServiceSnapshot

RECEIVED: Final = "1.4"  # its denominator is the dossiers received: the procedures' size


def _numbers(document: dict[str, Any]) -> tuple[Any, Any]:
    d = document["display"]
    points = partial(display.number, decimals=d["points_decimals"], rounding=d["rounding"])
    index = partial(display.number, decimals=d["index_decimals"], rounding=d["rounding"])
    return points, index


def band_labels(document: dict[str, Any]) -> dict[str, str]:
    english = active_language() == "en"
    return {
        b["code"]: (b.get("label_en") or b["label"]) if english else b["label"]
        for b in document["bands"]
    }


def _row(row: dict[str, Any], document: dict[str, Any], base: str) -> dict[str, Any]:
    points, index = _numbers(document)
    labels = band_labels(document)
    colours = {b["code"]: b["color"] or display.NO_BAND_COLOUR for b in document["bands"]}
    return {
        **row,
        "band_label": labels.get(row.get("band") or "", row.get("band_label") or ""),
        "total_text": points(row["total"]),
        "index_text": index(row["index"]),
        "bar": display.small_bar(row["index"], colours.get(row.get("band") or "", "#bbb")),
        "url": f"{base.rstrip('/')}/{row['unit']}/",
    }


def ranking_context(
    snapshot: ServiceSnapshot, document: dict[str, Any], base: str
) -> dict[str, Any]:
    blocks = [
        {
            **block,
            "rows": [_row(r, document, base) for r in block["units"]],
            "chart": charts.cached_svg(
                snapshot,
                f"ranking:{block['block']}",
                partial(charts.ranking_chart, document, block),
            ),
        }
        for block in document["blocks"]
    ]
    province = _row(document["province"], document, base) if document["province"] else None
    return {
        "doc": document,
        "province": province,
        "blocks": blocks,
        "ranking_url": base.rstrip("/") + "/",
    }


def unit_context(snapshot: ServiceSnapshot, document: dict[str, Any], base: str) -> dict[str, Any]:
    points, _ = _numbers(document)
    unit = _row(document["unit"], document, base)
    groups = [
        {
            **g,
            "points_text": points(g["points"]),
            "max_text": points(g["max"]),
            "bar": display.small_bar(_share(g["points"], g["max"]), "#2b6cb0"),
        }
        for g in document["groups"]
    ]
    indicators = [_indicator(i, points) for i in document["indicators"]]
    periods = [
        {
            **_row({**p, "unit": document["unit"]["unit"]}, document, base),
            "label": period_label(p["period"]),
        }
        for p in document["periods"]
    ]
    return {
        "doc": document,
        "ranking_url": base.rstrip("/") + "/",
        "unit": unit,
        "groups": groups,
        "indicators": indicators,
        "weakest": [_indicator(i, points) for i in document["weakest"]],
        "periods": periods,
        "chart": charts.cached_svg(
            snapshot,
            f"trend:{document['unit']['unit']}",
            partial(charts.trend_chart, document),
        ),
    }


def _share(points: float | None, maximum: float) -> float | None:
    return None if points is None or not maximum else 100.0 * points / maximum


def unit_word(unit: str) -> str:
    """How a rate's unit is written after the number: ``%``, or ``ngày`` for a mean in days."""
    return pgettext("unit of an average", "ngày") if unit == "days" else "%"


def _with_unit(text: str, unit: str) -> str:
    return f"{text}\u00a0{unit_word(unit)}" if text else ""


def _indicator(row: dict[str, Any], points: Any) -> dict[str, Any]:
    rate_text = display.number(row["rate"], 2)
    return {
        **row,
        "rate_text": rate_text,
        "value_text": _with_unit(rate_text, row["rate_unit"]),
        "points_text": points(row["points"]),
        "max_text": points(row["max"]),
        "lost_text": points(row["lost"]),
        "counts_text": _counts(row["numerator"], row["denominator"], row["rate_unit"]),
    }


def _counts(numerator: float | None, denominator: float | None, unit: str = "percent") -> str:
    """What a rate is made of: ``954/1 000``; for a mean in days, what is counted is said:
    ``3 300 ngày / 1 500 hồ sơ`` (the days of every dossier finished, and those dossiers)."""
    if denominator is None or numerator is None:
        return ""
    if unit == "days":
        return gettext("%(days)s ngày / %(dossiers)s hồ sơ") % {
            "days": _whole(numerator),
            "dossiers": _whole(denominator),
        }
    return f"{_whole(numerator)}/{_whole(denominator)}"


def _whole(value: float) -> str:
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return text.replace(",", "\u202f").replace(".", ",")


def procedures_context(document: dict[str, Any], base: str) -> dict[str, Any]:
    """Procedures × indicators: each cell the rate with its counts; biggest procedures first."""
    codes = [i["indicator"] for i in document["indicators"]]
    columns = [{**i, "unit_text": unit_word(i["rate_unit"])} for i in document["indicators"]]
    table: dict[str, dict[str, Any]] = {}
    for r in document["procedures"]:
        entry = table.setdefault(
            r["procedure"],
            {"procedure": r["procedure"], "name": r["procedure_name"] or "", "cells": {}},
        )
        entry["cells"][r["indicator"]] = {
            "rate_text": display.number(r["rate"], 2),
            "counts_text": _counts(r["numerator"], r["denominator"], r["rate_unit"]),
        }
        if r["indicator"] == RECEIVED:
            entry["received"] = r["denominator"] or 0
    rows = sorted(table.values(), key=lambda e: (-(e.get("received") or 0), e["procedure"]))
    for entry in rows:
        entry["row"] = [entry["cells"].get(c) for c in codes]
        entry["received_text"] = _whole(entry.get("received") or 0)
    return {
        "doc": document,
        "codes": codes,
        "columns": columns,
        "rows": rows,
        "ranking_url": base.rstrip("/") + "/",
    }
