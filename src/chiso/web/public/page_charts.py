"""The charts of a block's public page: the ranking, the field heatmap, the slope, each drawn
once from the published snapshot (`source`) and kept as files (`chart_files`) — by the page, or
ahead by the publication job (`page_charts_draw`), so that no visitor waits for a drawing."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.safestring import SafeString

from chiso.web.public.charts import heatmap_chart, ranking_chart, slope_chart
from chiso.web.public.display import band_labels
from chiso.web.public.documents import ranking_document
from chiso.web.publishing.models import Snapshot

__all__ = ["page_charts_draw", "ranking_page_charts", "snapshot_source"]

Chart = Callable[[], SafeString]


def snapshot_source(snapshot: Snapshot) -> str:
    """What a snapshot's page is drawn from. Content-derived, so a reused row id (e.g. after a
    rollback) can never find another snapshot's chart."""
    return f"{snapshot.pk}:{snapshot.inputs_hash}:{snapshot.published_at.isoformat()}"


def ranking_page_charts(snapshot: Snapshot, document: dict[str, Any]) -> dict[str, Chart | None]:
    """The page's charts in the active language, each drawn (or read) only when called; the
    slope is None for a block without last year's results."""
    source = snapshot_source(snapshot)
    return {
        "ranking": partial(ranking_chart, document, band_labels(document), source=source),
        "heatmap": partial(_heatmap, snapshot, document, source),
        "slope": partial(slope_chart, document, source=source) if _compared(document) else None,
    }


def page_charts_draw(snapshot: Snapshot) -> None:
    """Draw the charts of `snapshot`'s page in every language of the site, as its first visitor
    would (the ones already kept are found, not drawn again)."""
    document = ranking_document(snapshot)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for chart in ranking_page_charts(snapshot, document).values():
                if chart is not None:
                    chart()


def _heatmap(snapshot: Snapshot, document: dict[str, Any], source: str) -> SafeString:
    # The field scores are a deferred column: read only when the chart has to be drawn.
    return heatmap_chart(document, snapshot.results["fields"], source=source)


def _compared(document: dict[str, Any]) -> bool:
    """Whether the block has last year's index for at least one unit (the slope chart)."""
    units = document["units"]
    return document["previous_year"] is not None and any(
        u["index_previous"] is not None for u in units
    )
