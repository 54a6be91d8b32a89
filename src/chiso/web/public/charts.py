"""Charts on the public pages: the Vega-Lite specs of `chiso.reports.charts`, drawn to SVG on
the server — the very specs the PDF and Word reports embed, with no JavaScript in the browser.
A page renders them only when its cached fragment is missing (once per snapshot and language):
the ranking's bars, the field heatmap and the year-over-year slope on a block's page, the
index across the years on a unit's page, the units' satisfaction with its intervals on the SIPAS
page (and the survey's draft page). On English pages the titles, descriptions and axis
titles are translated; names and band labels come from the published data.

Each chart is drawn twice, from the same data and texts: the wide layout the reports print,
and the narrow one for a phone (`chiso.reports.charts_narrow`); the style sheet shows one of
them by the screen's width (`.chart-wide`, `.chart-narrow`), the narrow one filling the page's
width. A wide chart scaled down to a phone would shrink its letters to 6 pixels.

Given a `source` — what the page's data comes from, unique to it (a published snapshot's id,
inputs hash and publication time) — a chart is drawn once for every thread and process and
kept as a file (`chart_files`); without one (a survey's draft) it is drawn on each call."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from chiso.reports.charts import (
    field_heatmap_spec,
    history_spec,
    ranking_spec,
    render_svg,
    sipas_spec,
    slope_spec,
)
from chiso.web.i18n import active_language
from chiso.web.public.chart_files import chart_svg
from chiso.web.public.sipas_display import interval_rows


def ranking_chart(
    document: Mapping[str, Any], band_names: Mapping[str, str], *, source: str | None = None
) -> SafeString:
    """The ranking's bar chart, with band names (and, on English pages, texts) in the
    interface language."""
    localised = {
        **document,
        "bands": [{**b, "label": band_names.get(b["code"], b["label"])} for b in document["bands"]],
        "units": [
            {**u, "band_label": band_names.get(u["band"] or "", u["band_label"])}
            for u in document["units"]
        ],
    }
    words = None
    if active_language() == "en":
        words = {
            "title": gettext("Chỉ số CCHC năm %(year)s, %(block)s")
            % {"year": document["year"], "block": document["block_title"]},
            # The same messages as the tables' ("%%": they are python-format in the catalogue).
            "description": gettext(
                "Biểu đồ thanh: chỉ số (%%) của từng đơn vị theo thứ hạng, màu theo xếp loại."
            )
            % {},
            "axis": gettext("Chỉ số (%%)") % {},
            "legend": gettext("Xếp loại"),
        }
    return _both("ranking", partial(ranking_spec, localised, words=words), source)


def heatmap_chart(
    document: Mapping[str, Any],
    fields: Sequence[Mapping[str, Any]],
    *,
    source: str | None = None,
) -> SafeString:
    """Units × fields (`fields`: the snapshot's field rows with their titles)."""
    words = None
    if active_language() == "en":
        words = {
            "title": gettext("Chỉ số theo lĩnh vực năm %(year)s, %(block)s")
            % {"year": document["year"], "block": document["block_title"]},
            "description": gettext(
                "Bản đồ nhiệt: chỉ số (%%) của từng đơn vị ở từng lĩnh vực; xanh là cao, "
                "đỏ là thấp."
            )
            % {},
            "legend": gettext("Chỉ số lĩnh vực (%%)") % {},
            # The fields' titles are the method's, in Vietnamese: columns by number instead.
            "field": gettext("Lĩnh vực"),
        }
    return _both("heatmap", partial(field_heatmap_spec, document, fields, words=words), source)


def slope_chart(document: Mapping[str, Any], *, source: str | None = None) -> SafeString:
    """Last year's index → this year's, the biggest movers coloured."""
    words = None
    if active_language() == "en":
        words = {
            "title": gettext("Chỉ số CCHC năm %(previous)s và năm %(year)s, %(block)s")
            % {
                "previous": document["previous_year"],
                "year": document["year"],
                "block": document["block_title"],
            },
            "description": gettext(
                "Biểu đồ độ dốc: chỉ số (%%) của từng đơn vị năm trước và năm nay; các đơn vị "
                "tăng nhiều nhất tô xanh, giảm nhiều nhất tô đỏ."
            )
            % {},
            "axis": gettext("Chỉ số (%%)") % {},
        }
    return _both("slope", partial(slope_spec, document, words=words), source)


def history_chart(document: Mapping[str, Any], *, source: str | None = None) -> SafeString:
    """A unit's index across the years it was published."""
    words = None
    if active_language() == "en":
        words = {
            "title": gettext("Chỉ số CCHC qua các năm: %(unit)s")
            % {"unit": document["unit"]["name"]},
            "description": gettext("Biểu đồ đường: chỉ số (%%) của đơn vị qua các năm.") % {},
            "axis": gettext("Chỉ số (%%)") % {},
        }
    return _both("history", partial(history_spec, document, words=words), source)


def sipas_chart(
    document: Mapping[str, Any], *, title: str, source: str | None = None
) -> SafeString:
    """A SIPAS document's units: each one's index (point; hollow when not ranked) and its
    interval, in the document's order — the province report's SIPAS chart. `title` comes
    from the page, in the interface language."""
    level = float(document["about"]["level"])
    words = None
    if active_language() == "en":
        percent = round(100 * level)
        words = {
            "subtitle": gettext("Điểm: ước lượng; vạch ngang: khoảng tin cậy %(level)s %%")
            % {"level": percent},
            "description": gettext(
                "Biểu đồ điểm và khoảng: chỉ số hài lòng (%%) của từng đơn vị với khoảng tin "
                "cậy %(level)s %%; n là số phiếu."
            )
            % {"level": percent},
            "axis": gettext("Chỉ số hài lòng (%%)") % {},
        }
        if any(not u["ranked"] for u in document["units"] if u["overall"] is not None):
            words["subtitle"] += gettext("; điểm rỗng: chưa đủ mẫu để xếp hạng")
    rows = interval_rows(document["units"])
    return _both("sipas", partial(sipas_spec, rows, title=title, level=level, words=words), source)


def _both(chart: str, spec: Callable[..., Mapping[str, Any]], source: str | None) -> SafeString:
    """The chart in its wide and its narrow layout (`spec(narrow=…)`), for the style sheet to
    pick one by the screen's width; kept in files when it has a `source`."""
    wide, narrow = (_drawn(chart, spec, source, layout) for layout in ("wide", "narrow"))
    # The SVG is vl-convert's output over our own escaped texts: safe to inline.
    return mark_safe(
        f'<div class="chart-wide">{wide}</div><div class="chart-narrow">{narrow}</div>'
    )


def _drawn(
    chart: str, spec: Callable[..., Mapping[str, Any]], source: str | None, layout: str
) -> str:
    def render() -> str:
        return render_svg(spec(narrow=layout == "narrow"))

    if source is None:
        return render()
    language = active_language()
    return chart_svg(chart=chart, source=source, language=language, layout=layout, render=render)
