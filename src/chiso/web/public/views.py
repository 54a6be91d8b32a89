"""Public pages: the published results, with no login, read from snapshots only.

Every page is one document (`documents.py`) rendered three ways: HTML, `.json` and `.csv`.
Nothing is computed on request and only snapshots of published periods are read, so a result
the council has not approved cannot appear here.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from chiso.web.public import display
from chiso.web.public.charts import history_chart
from chiso.web.public.display import band_labels
from chiso.web.public.documents import (
    CHANGE_FIELDS,
    INTERVAL_FIELDS,
    UNIT_FIELDS,
    index_document,
    ranking_document,
    unit_document,
)
from chiso.web.public.page_charts import ranking_page_charts, snapshot_source
from chiso.web.publishing.selectors import (
    snapshot_of,
    snapshots_latest,
    snapshots_published,
    unit_history,
)
from chiso.web.twins import csv_response, json_response

RANKING_COLUMNS = ("year", "block", "rank", *(c for c in UNIT_FIELDS if c != "rank"))
RANKING_COLUMNS += (*CHANGE_FIELDS, *INTERVAL_FIELDS)
UNIT_COLUMNS = ("year", "block", "unit", "name", "field", "title", "points", "max", "index")
INDEX_COLUMNS = ("year", "block", "block_title", "method_status", "units", "published_at")
INDEX_COLUMNS += ("html", "json", "csv")


# --- views --------------------------------------------------------------------------------------


@require_safe
def home(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    document = index_document(snapshots_latest(), list(snapshots_published()))
    if fmt == "json":
        return json_response(document)
    if fmt == "csv":
        rows = [{**s, **s["links"]} for s in document["snapshots"]]
        return csv_response(rows, INDEX_COLUMNS, "chiso-index.csv")
    blocks = [_decorate_headline(b) for b in document["blocks"]]
    context = {"doc": document, "blocks": blocks, "status_labels": _status_labels(blocks)}
    return render(request, "public/home.html", context)


@require_safe
def ranking(request: HttpRequest, year: str, block: str, fmt: str = "html") -> HttpResponse:
    snapshot = snapshot_of(int(year), block)
    if snapshot is None:
        raise Http404("Chưa có kết quả công bố cho khối này trong năm này.")
    document = ranking_document(snapshot)
    if fmt == "json":
        return json_response(document)
    if fmt == "csv":
        rows = [{"year": year, "block": block, **row} for row in document["units"]]
        return csv_response(rows, RANKING_COLUMNS, f"chiso-{year}-{block}.csv")
    rows = [_decorate_row(row, document) for row in document["units"]]
    intervals = document["rank_intervals"]
    charts = ranking_page_charts(snapshot, document)
    context = {
        **_page(document),
        "published_at": snapshot.published_at,
        "cache_key": snapshot_source(snapshot),
        "rows": rows,
        # Called only when the cached fragment is missing, and drawn only when no file has them
        # (the publication job draws them ahead): the template calls them.
        "chart_svg": charts["ranking"],
        "heatmap_svg": charts["heatmap"],
        "slope_svg": charts["slope"],
        "has_intervals": intervals is not None,
        "level_percent": round(100 * intervals["level"]) if intervals else None,
    }
    return render(request, "public/ranking.html", context)


@require_safe
def unit(request: HttpRequest, year: str, block: str, unit: str, fmt: str = "html") -> HttpResponse:
    snapshot = snapshot_of(int(year), block, full=True)
    if snapshot is None:
        raise Http404("Chưa có kết quả công bố cho khối này trong năm này.")
    document = unit_document(snapshot, unit, unit_history(unit))
    if document is None:
        raise Http404("Không có đơn vị này trong kết quả đã công bố.")
    if fmt == "json":
        return json_response(document)
    if fmt == "csv":
        common = {"year": year, "block": block, "unit": unit, "name": document["unit"]["name"]}
        rows = [{**common, **f} for f in document["fields"]]
        return csv_response(rows, UNIT_COLUMNS, f"chiso-{year}-{block}-{unit}.csv")
    context = _unit_context(document)
    # The chart reads every year of the unit's history: the cache key names them all.
    years = ",".join(f"{h['year']}:{h['index']!r}" for h in document["history"])
    context["chart_key"] = key = f"{snapshot_source(snapshot)}:{unit}:{years}"
    shown = [h for h in document["history"] if h["index"] is not None]
    history = partial(history_chart, document, source=key)
    context["history_svg"] = history if len(shown) > 1 else None
    return render(request, "public/unit.html", context)


# --- HTML context -------------------------------------------------------------------------------


def _page(document: dict[str, Any]) -> dict[str, Any]:
    method = document["method"]
    labels = [display.status_text(method["status"])] if method["status"] != "official" else []
    names = band_labels(document)
    bands = [{**b, "label": names[b["code"]]} for b in document.get("bands", [])]
    return {"doc": {**document, "bands": bands}, "status_labels": labels}


def _decorate_row(row: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    d = document["display"]
    labels = band_labels(document)
    return {
        **row,
        "band_label": labels.get(row.get("band") or "", row.get("band_label")),
        "index_text": display.number(row["index"], d["index_decimals"], d["rounding"]),
        "total_text": display.number(row["total"], d["points_decimals"], d["rounding"]),
        "max_text": display.number(row["max"], d["points_decimals"], d["rounding"]),
        "change_text": display.signed(row["index_change"], d["index_decimals"], d["rounding"]),
        "rank_move": display.rank_move(row["rank_change"]),
        "interval_text": _interval(row),
        "url": f"{document['links']['html']}{row['unit']}/",
    }


def _interval(row: dict[str, Any]) -> str:
    low, high = row.get("rank_low"), row.get("rank_high")
    if low is None or high is None:
        return ""
    return str(low) if low == high else f"{low}–{high}"


def _decorate_headline(block: dict[str, Any]) -> dict[str, Any]:
    # The home page shows index values at 2 decimals; its JSON has full precision.
    def fmt(value: float | None) -> str:
        return display.number(value, 2)

    improved = block["most_improved"]
    labels = band_labels(block)
    bands = [{**b, "label": labels[b["band"]]} for b in block["bands"]]
    return {
        **block,
        "bands": bands,
        "leaders_text": [{**r, "index_text": fmt(r["index"])} for r in block["leaders"]],
        "improved_text": display.signed(improved["index_change"], 2) if improved else "",
        # The largest change may be a fall (every unit lost ground): not "most improved" then.
        "improved_up": bool(improved and (improved["index_change"] or 0) > 0),
        "bands_shown": [b for b in bands if b["count"]],
    }


def _status_labels(items: Iterable[dict[str, Any]]) -> list[str]:
    return sorted(
        {display.status_text(i["method_status"]) for i in items if i["method_status"] != "official"}
    )


def _unit_context(document: dict[str, Any]) -> dict[str, Any]:
    d = document["display"]
    points = partial(display.number, decimals=d["points_decimals"], rounding=d["rounding"])
    index = partial(display.number, decimals=d["index_decimals"], rounding=d["rounding"])
    colours = display.band_colours(document["bands"])
    row = _decorate_row(document["unit"], document)
    colour = colours.get(row["band"], display.NO_BAND_COLOUR)
    fields = [
        {
            **f,
            "points_text": points(f["points"]),
            "max_text": points(f["max"]),
            "index_text": index(f["index"]),
            "bar": display.small_bar(f["index"], colour),
        }
        for f in document["fields"]
    ]
    history = [
        {
            **h,
            "index_text": index(h["index"]),
            "bar": display.small_bar(h["index"], colours.get(h["band"], display.NO_BAND_COLOUR)),
            "url": f"/{h['year']}/{h['block']}/{row['unit']}/",
        }
        for h in document["history"]
    ]
    lost = [
        {**x, "lost_text": points(x["lost"]), "gain_text": index(x["gain"])}
        for x in document["lost_points"]
    ]
    components = [
        {**c, "points_text": points(c["points"]), "max_text": points(c["max"])}
        for c in document["components"]
    ]
    # Bonus and penalty points sit outside the fields and the components: shown beside them, so
    # that what is listed adds up to the total.
    row["bonus_text"] = points(row["bonus"]) if row.get("bonus") else ""
    row["penalty_text"] = points(row["penalty"]) if row.get("penalty") else ""
    return {
        **_page(document),
        "ranking_url": f"/{document['year']}/{document['block']}/",
        "row": row,
        "fields": fields,
        "history": history,
        "lost": lost,
        "components": components,
    }
