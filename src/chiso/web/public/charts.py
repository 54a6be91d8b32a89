"""Charts on the public pages: the Vega-Lite specs of `chiso.reports.charts`, drawn to SVG on
the server — the very spec the PDF and Word reports embed, with no JavaScript in the browser.
A page renders it only when its cached fragment is missing (once per snapshot and language)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from chiso.reports.charts import ranking_spec, render_svg


def ranking_chart(document: Mapping[str, Any], band_names: Mapping[str, str]) -> SafeString:
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
    if get_language() != "vi":
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
    # The SVG is vl-convert's output over our own escaped texts: safe to inline.
    return mark_safe(render_svg(ranking_spec(localised, words=words)))
