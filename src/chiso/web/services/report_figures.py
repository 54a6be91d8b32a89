"""The reports' service-quality figures: the hook ``CHISO_SERVICE_INDICATORS`` of
`chiso.web.public.report_files`, read from *published* Decision 766 snapshots only.

For a year the figures are the monthly values of a few headline indicators (`HEADLINE`: the
score out of 100, then on-time, online, online-payment, satisfaction and digitisation rates),
named as the snapshot's method names them.

Decisions:
- which snapshot: the latest published one of the year itself (``2025``); without one, the
  published quarters and months of the year (``2025-Q3``, ``2025-07``), each month from the
  latest published snapshot that has it. Synthetic and real results never share a report: the
  most recently published of those snapshots decides which kind is read.
- the province (``unit`` None) is the province-level unit of the results — the engine's
  roll-up, whose counts are those of every unit below it summed before the rates are taken
  (never a mean of the units' rates). Results without a province-level unit (an upload of
  departments alone) give the province no figures: the report leaves the section out rather
  than pass one unit, or several, off as the province.
- a rate with nothing to count in a month (no dossiers) is left out, not drawn as 0.
- `key` names every snapshot read (id, inputs hash, publication time), so a new publication
  makes the reports new files; `note` says what was read and, for a synthetic store, that the
  data are synthetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from django.db.models import Q

from chiso.engine.service_periods import grain_of
from chiso.web.public.report_files import ServiceFigures
from chiso.web.services.documents import SYNTHETIC_NOTE
from chiso.web.services.models import ServiceSnapshot, ServiceSnapshotUnit

__all__ = ["HEADLINE", "SCORE", "service_figures"]

# The score row: the unit's index (100 × points / the points it could get).
SCORE: Final = "Điểm chất lượng phục vụ (thang 100)"
# Indicator codes of the qd766 method: 2.1 on time, 3.3 online dossiers, 4.3 paid online,
# 5.3 satisfaction with dossier handling, 6.2 digitised dossiers. A method without one of
# these codes simply has no row for it.
HEADLINE: Final = ("2.1", "3.3", "4.3", "5.3", "6.2")
# Never read here: the method file, the overdue list, the store's manifest, the ranking.
UNUSED: Final = ("method_yaml", "overdue", "store", "ranking")


def service_figures(*, year: int, unit: str | None) -> ServiceFigures | None:
    """The published monthly headline figures of `unit` (None: the province) in `year`; None
    when nothing published covers the year or the unit is not in the results."""
    months = _months_of(_published(year), year)
    if not months:
        return None
    snapshots = list({s.pk: s for s in months.values()}.values())
    parts = _parts(snapshots, unit)
    rows = [
        row
        for month, snapshot in sorted(months.items())
        if (part := parts.get(snapshot.pk)) is not None
        for row in _month_rows(snapshot, part.document, month)
    ]
    if not rows:
        return None
    used = [s for s in snapshots if s.pk in parts]
    return ServiceFigures(rows=rows, key=_key(used), note=_note(used, unit))


def _published(year: int) -> list[ServiceSnapshot]:
    """The year's published snapshots (the year, its quarters and months), newest first."""
    return list(
        ServiceSnapshot.objects.filter(
            Q(spec=str(year)) | Q(spec__startswith=f"{year}-"), published_at__isnull=False
        )
        .defer(*UNUSED)
        .order_by("-published_at", "-id")
    )


def _months_of(snapshots: list[ServiceSnapshot], year: int) -> dict[str, ServiceSnapshot]:
    """Month label → the snapshot its values are read from."""
    whole = next((s for s in snapshots if s.spec == str(year)), None)
    if whole is not None:
        return {p: whole for p in whole.periods if grain_of(p) == "month"}
    months: dict[str, ServiceSnapshot] = {}
    for snapshot in snapshots:
        if snapshot.synthetic != snapshots[0].synthetic:
            continue  # real and synthetic results never mix
        for period in snapshot.periods:
            if grain_of(period) == "month" and period.startswith(f"{year}-"):
                months.setdefault(period, snapshot)
    return months


def _parts(snapshots: list[ServiceSnapshot], unit: str | None) -> dict[int, ServiceSnapshotUnit]:
    """Snapshot id → the unit's part (for the province: its top province-level unit)."""
    parts = ServiceSnapshotUnit.objects.filter(snapshot__in=[s.pk for s in snapshots])
    if unit is None:
        parts = parts.filter(level="province").order_by("parent", "unit")
    else:
        parts = parts.filter(unit=unit)
    found: dict[int, ServiceSnapshotUnit] = {}
    for part in parts.only("snapshot_id", "unit", "name", "document"):
        found.setdefault(part.snapshot_id, part)
    return found


def _month_rows(
    snapshot: ServiceSnapshot, document: dict[str, Any], month: str
) -> list[dict[str, Any]]:
    titles = {i["code"]: i["title"] for g in snapshot.info["groups"] for i in g["indicators"]}
    rows = [
        {"period": month, "indicator": SCORE, "value": p["index"]}
        for p in document["periods"]
        if p["period"] == month and p["index"] is not None
    ]
    rates = {
        i["indicator"]: i["rate"]
        for i in document["indicators"]
        if i["period"] == month and i["rate"] is not None
    }
    rows += [
        {"period": month, "indicator": f"{titles[code]} (%)", "value": rates[code]}
        for code in HEADLINE
        if code in rates and code in titles
    ]
    return rows


def _key(snapshots: Iterable[ServiceSnapshot]) -> str:
    return ";".join(
        f"service:{s.pk}:{s.inputs_hash}:{s.published_at and s.published_at.isoformat()}"
        for s in sorted(snapshots, key=lambda s: s.pk)
    )


def _note(snapshots: list[ServiceSnapshot], unit: str | None) -> str:
    read = "; ".join(
        f"{s.title}, số liệu tính đến ngày {s.as_of:%d/%m/%Y}"
        for s in sorted(snapshots, key=lambda s: s.spec)
    )
    parts = [SYNTHETIC_NOTE] if any(s.synthetic for s in snapshots) else []
    parts.append(f"Theo kết quả đã công bố ({read}).")
    if unit is None:
        parts.append("Toàn tỉnh: hồ sơ của mọi đơn vị được cộng dồn rồi mới tính tỷ lệ.")
    return " ".join(parts)
