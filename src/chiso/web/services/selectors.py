"""Reads of the service-quality app: snapshots for the staff and public pages, a unit's part,
the overdue dossiers behind a rate, the PAR leaves' measured values."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from chiso.web.services.build import descendants
from chiso.web.services.compute import parquet_frame
from chiso.web.services.models import MeasuredLeaf, ServiceSnapshot, ServiceSnapshotUnit

# Never loaded by a page: the method file and the overdue list (read only where needed).
HEAVY = ("overdue", "method_yaml")


def snapshots_recent(limit: int = 30) -> QuerySet[ServiceSnapshot]:
    return ServiceSnapshot.objects.defer(*HEAVY, "ranking", "store").select_related(
        "created_by", "published_by"
    )[:limit]


def snapshot_for(pk: int) -> ServiceSnapshot:
    snapshot = ServiceSnapshot.objects.defer(*HEAVY).filter(pk=pk).first()
    if snapshot is None:
        raise Http404(_("Không có kết quả này."))
    return snapshot


def snapshots_published() -> list[ServiceSnapshot]:
    """The latest published snapshot of each period, newest period first."""
    rows = ServiceSnapshot.objects.filter(published_at__isnull=False).defer(*HEAVY, "store")
    latest: dict[str, ServiceSnapshot] = {}
    for snapshot in rows.order_by("-published_at", "-id"):
        latest.setdefault(snapshot.spec, snapshot)
    return sorted(latest.values(), key=lambda s: (s.spec[:4], s.spec), reverse=True)


def snapshot_published(spec: str) -> ServiceSnapshot | None:
    """The latest published snapshot of period `spec`: what the public pages show."""
    return (
        ServiceSnapshot.objects.filter(spec=spec, published_at__isnull=False)
        .defer(*HEAVY)
        .order_by("-published_at", "-id")
        .first()
    )


def unit_part(snapshot: ServiceSnapshot, unit: str) -> ServiceSnapshotUnit | None:
    return ServiceSnapshotUnit.objects.filter(snapshot=snapshot, unit=unit).first()


def overdue_list(
    snapshot: ServiceSnapshot,
    unit: str,
    *,
    period: str | None = None,
    procedure: str | None = None,
) -> pl.DataFrame:
    """The overdue dossiers of `unit` and every unit below it, in one period of the snapshot
    (the whole period by default), optionally of one procedure; oldest first."""
    data = ServiceSnapshot.objects.filter(pk=snapshot.pk).values_list("overdue", flat=True)[0]
    frame = parquet_frame(data)
    codes = descendants(snapshot.ranking).get(unit, {unit})
    frame = frame.filter(
        pl.col("unit_code").is_in(list(codes)) & (pl.col("period") == (period or snapshot.spec))
    )
    if procedure:
        frame = frame.filter(pl.col("procedure_code") == procedure)
    return frame.sort("received_at", "dossier_id")


def measured_for(assessment: Any) -> dict[str, MeasuredLeaf]:
    """criterion → what the records measured for this unit in the assessment's period."""
    rows = (
        MeasuredLeaf.objects.filter(period_id=assessment.period_id, unit_id=assessment.unit_id)
        .select_related("snapshot")
        .only(*MEASURED_FIELDS)
    )
    return {m.criterion: m for m in rows}


MEASURED_FIELDS = (
    "criterion",
    "indicator",
    "status",
    "rate",
    "numerator",
    "denominator",
    "value",
    "points",
    "filled",
    "snapshot",
    "snapshot__spec",
    "snapshot__title",
    "snapshot__as_of",
    "snapshot__synthetic",
)
