"""Charts of the service-quality pages: the Vega-Lite specs of `chiso.reports.charts` (the
ranking bars and the indicator trends), drawn to SVG on the server as the PAR pages do — no
JavaScript in the browser. Each chart is drawn once per snapshot, unit and language and kept in
the process cache (a snapshot never changes)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from chiso.reports.charts import ranking_spec, render_svg, trend_spec
from chiso.web.services.models import ServiceSnapshot

CACHE_SECONDS: Final = 24 * 60 * 60
# The rates drawn beside the score on a unit's trend chart.
TREND_INDICATORS: Final = ("2.1", "3.3", "6.1")


def cached_svg(snapshot: ServiceSnapshot, name: str, draw: Callable[[], str]) -> SafeString:
    stamp = snapshot.published_at.isoformat() if snapshot.published_at else "draft"
    key = f"service-chart:{snapshot.pk}:{snapshot.inputs_hash}:{stamp}:{name}:{get_language()}"
    # The SVG is vl-convert's output over our own escaped texts: safe to inline.
    return mark_safe(cache.get_or_set(key, draw, CACHE_SECONDS))


def ranking_chart(document: Mapping[str, Any], block: Mapping[str, Any]) -> str:
    """One level's units as bars of their score, coloured by band."""
    chart_document = {
        "year": document["title"],
        "block_title": block["title"],
        "display": document["display"],
        "bands": document["bands"],
        "method": document["method"],
        "units": block["units"],
    }
    words = {
        "title": gettext("Chỉ số chất lượng phục vụ — %(period)s: %(block)s")
        % {"period": document["title"], "block": block["title"]},
        "axis": gettext("Điểm (trên 100)"),
        "legend": gettext("Xếp loại"),
    }
    return render_svg(ranking_spec(chart_document, words=words))


def trend_chart(document: Mapping[str, Any]) -> str:
    """The unit's score (out of 100) and three of its rates, month by month."""
    months = [p for p in document["periods"] if p["grain"] == "month"]
    score = gettext("Điểm (trên 100)")
    rows = [{"period": p["period"], "indicator": score, "value": p["index"]} for p in months]
    titles = {i["indicator"]: i["title"] for i in document["indicators"]}
    for row in document["trend"]:
        if row["indicator"] in TREND_INDICATORS:
            label = f"{row['indicator']} {titles.get(row['indicator'], '')}".strip()
            rows.append({"period": row["period"], "indicator": label, "value": row["rate"]})
    title = gettext("%(unit)s: điểm và tỷ lệ theo tháng") % {"unit": document["unit"]["name"]}
    return render_svg(trend_spec(rows, title=title, y_title=gettext("Điểm / tỷ lệ (%)")))
