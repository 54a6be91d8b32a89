"""The public SIPAS page: a year's published satisfaction estimates, with intervals drawn, and
its `.json`/`.csv` twins — read from the frozen `SipasSnapshot` document only."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from chiso.io.sipas_document import sipas_csv_rows
from chiso.web.public.charts import sipas_chart
from chiso.web.public.display import number
from chiso.web.public.sipas_display import channel_table, ranking_rows
from chiso.web.publishing.selectors import sipas_snapshot_of
from chiso.web.twins import csv_response, json_response

CSV_COLUMNS = ("year", "unit", "name", "node", "estimate", "low", "high", "se", "n")
CSV_COLUMNS += ("ranked", "rank")
DECIMALS = 2


@require_safe
def sipas(request: HttpRequest, year: str, fmt: str = "html") -> HttpResponse:
    snapshot = sipas_snapshot_of(int(year))
    if snapshot is None:
        raise Http404("Chưa công bố kết quả SIPAS của năm này.")
    document = {**snapshot.document, "year": snapshot.year, "title": snapshot.title}
    if fmt == "json":
        return json_response(document)
    if fmt == "csv":
        rows = [{"year": snapshot.year, **row} for row in sipas_csv_rows(document)]
        return csv_response(rows, CSV_COLUMNS, f"chiso-{year}-sipas.csv")
    return render(request, "public/sipas.html", _context(document, snapshot))


def _context(document: dict[str, Any], snapshot: Any) -> dict[str, Any]:
    units = document["units"]
    names = {u["unit"]: u["name"] for u in units}
    factors = [n for n in document["nodes"] if n["level"] == "factor"]
    rows = [
        {**row, "factors": [_cell(row["nodes"].get(f["code"])) for f in factors]}
        for row in ranking_rows(document, DECIMALS)
    ]
    # A published snapshot never changes: its chart is drawn once per language.
    source = f"{snapshot.pk}:{snapshot.answers_hash}:{snapshot.published_at.isoformat()}"
    return {
        "doc": document,
        "year": snapshot.year,
        "published_at": snapshot.published_at,
        "rows": rows,
        "factors": factors,
        # Called only when the cached fragment is missing: the template calls it.
        "chart_svg": partial(
            sipas_chart,
            document,
            title=_("SIPAS năm %(year)s: chỉ số và khoảng tin cậy") % {"year": snapshot.year},
            source=source,
        ),
        "cache_key": source,
        "channels": channel_table(document["channels"], names, DECIMALS),
        "level_percent": round(100 * document["about"]["level"]),
        "links": {"json": f"/{snapshot.year}/sipas.json", "csv": f"/{snapshot.year}/sipas.csv"},
    }


def _cell(node: dict[str, Any] | None) -> str:
    if node is None or node["estimate"] is None:
        return "—"
    return number(node["estimate"], DECIMALS)
