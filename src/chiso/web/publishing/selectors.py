"""Published snapshots, as the public site reads them.

Only snapshots of a period in state `published` are ever returned, so nothing the council has
not approved can reach a public page. Pages that show a ranking read the `units` frame and the
extras only; the large `inputs` (and, where not needed, the `leaves` frame) stay in the database.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max, QuerySet

from chiso.web.evaluations.models import PeriodState
from chiso.web.publishing.models import SipasSnapshot, Snapshot


def snapshots_published() -> QuerySet[Snapshot]:
    """Every published snapshot, newest year first, without its heavy parts (inputs, the full
    results); `ranking` holds its units frame."""
    return (
        Snapshot.objects.filter(period__state=PeriodState.PUBLISHED)
        .select_related("period")
        .defer("inputs", "results", "method_yaml")
        # Within a year, blocks in the order they were published (the period's method order).
        .order_by("-period__year", "id")
    )


def snapshots_latest() -> list[Snapshot]:
    """The snapshots of the latest published year, one per block."""
    year = snapshots_published().aggregate(year=Max("period__year"))["year"]
    if year is None:
        return []
    return list(snapshots_published().filter(period__year=year))


def snapshot_of(year: int, block: str, *, full: bool = False) -> Snapshot | None:
    """One block's published snapshot of one year; with `full`, its result frames loaded too
    (a unit page needs the `fields` and `leaves` frames)."""
    snapshots = snapshots_published().filter(period__year=year, block=block)
    if full:
        snapshots = snapshots.defer("inputs", "method_yaml")
    return snapshots.first()


def unit_history(unit_code: str) -> list[dict[str, Any]]:
    """The unit's row in every published snapshot that ranks it, oldest year first."""
    history = []
    for snapshot in snapshots_published().defer("extras").order_by("period__year", "id"):
        for row in snapshot.ranking or ():
            if row["unit"] == unit_code:
                history.append(_history_row(snapshot, row))
    return history


def _history_row(snapshot: Snapshot, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "year": snapshot.period.year,
        "block": snapshot.block,
        "block_title": snapshot.block_title,
        "total": row["total"],
        "max": row["max"],
        "index": row["index"],
        "rank": row["rank"],
        "band": row["band"],
        "band_label": row["band_label"],
    }


def sipas_snapshot_of(year: int) -> SipasSnapshot | None:
    """The year's published SIPAS estimates, without the stored answers."""
    return SipasSnapshot.objects.defer("answers", "questionnaire_yaml").filter(year=year).first()


def sipas_years() -> list[int]:
    """Years with published SIPAS estimates, newest first."""
    return list(SipasSnapshot.objects.order_by("-year").values_list("year", flat=True))
