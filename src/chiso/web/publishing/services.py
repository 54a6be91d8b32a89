"""Publishing: the council chair approves a period and its results become public snapshots.

`period_publish` is the only way a result reaches the public site: it computes each block once,
freezes the method file, the inputs and the results as a `Snapshot`, and moves the period to
`published` — all in one transaction, audited — then starts the job that draws the public
pages' charts ahead of their first visitor. `snapshot_recompute` proves a snapshot: the
stored method and inputs must give back exactly the stored results.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from chiso.engine import InputError, Lineage, Unit
from chiso.web.accounts.policy import Action, require
from chiso.web.audit.services import audit_record
from chiso.web.evaluations.models import Period, PeriodState
from chiso.web.evaluations.selectors import period_inputs, period_standard_errors
from chiso.web.evaluations.workflow import WorkflowError, check_transition, require_state
from chiso.web.publishing.build import (
    inputs_from_json,
    lineage_from_json,
    snapshot_build,
)
from chiso.web.publishing.models import Snapshot
from chiso.web.publishing.publication_jobs import charts_start
from chiso.web.units.selectors import engine_lineage

__all__ = [
    "period_publish",
    "snapshot_build",
    "snapshot_create",
    "snapshot_published",
    "snapshot_recompute",
]


def period_publish(*, period: Period, by: Any) -> list[Snapshot]:
    """Approve `period` (in council review) and publish one snapshot per block."""
    require(by, Action.PERIOD_APPROVE)
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        require_state(
            period.state,
            PeriodState.COUNCIL_REVIEW,
            action_vi="công bố kết quả",
            action_en="publish the results",
        )
        check_transition(period.state, PeriodState.PUBLISHED)
        snapshots = [_publish_block(period, block, by) for block in _blocks(period)]
        period_mark_published(period=period, by=by, reason="")
    # Outside the publication's transaction: a job that cannot start never undoes it.
    charts_start(year=period.year, by=by)
    return snapshots


def period_mark_published(*, period: Period, by: Any, reason: str) -> None:
    """Move `period` to `published` and audit it (the caller holds the transaction)."""
    old = period.state
    period.state = PeriodState.PUBLISHED
    period.version += 1
    period.save(update_fields=["state", "version"])
    audit_record(
        actor=by,
        action="period.publish",
        period=period,
        target=f"period:{period.year}",
        old=old,
        new=PeriodState.PUBLISHED,
        reason=reason,
    )


def snapshot_create(
    *, period: Period, block: str, method_yaml: str, built: dict[str, Any], by: Any
) -> Snapshot:
    """Store a `snapshot_build` result as the block's snapshot of `period`; audited."""
    snapshot = Snapshot.objects.create(
        period=period,
        block=block,
        block_title=built["extras"]["method"]["blocks"].get(block, block),
        method_yaml=method_yaml,
        method_hash=built["method_hash"],
        inputs_hash=built["inputs_hash"],
        inputs=built["inputs"],
        results=built["results"],
        ranking=built["results"]["units"],
        extras=built["extras"],
        approved_by=by,
        published_at=timezone.now(),
    )
    audit_record(
        actor=by,
        action="snapshot.create",
        period=period,
        target=f"snapshot:{period.year}/{block}",
        new={"method_hash": snapshot.method_hash, "inputs_hash": snapshot.inputs_hash},
    )
    return snapshot


def snapshot_published(*, year: int, block: str) -> Snapshot | None:
    """The published snapshot of `block` in `year` (year-over-year compares against last
    year's)."""
    return (
        Snapshot.objects.select_related("period")
        .filter(period__year=year, period__state=PeriodState.PUBLISHED, block=block)
        .first()
    )


def snapshot_recompute(snapshot: Snapshot) -> bool:
    """True when the stored method file and inputs give back exactly the stored snapshot:
    the same hashes, the same result frames and the same extras."""
    units, rows, errors = inputs_from_json(snapshot.inputs)
    history = snapshot.extras.get("history") or None
    intervals = snapshot.extras.get("rank_intervals") or {}
    previous = None
    if history:
        previous = snapshot_published(year=history["previous_year"], block=snapshot.block)
    built = snapshot_build(
        method_yaml=snapshot.method_yaml,
        units=units,
        rows=rows,
        previous=previous,
        lineage=lineage_from_json(history["lineage"]) if history else None,
        standard_errors=errors or None,
        intervals_note=intervals.get("note", ""),
        **{k: intervals[k] for k in ("draws", "seed") if k in intervals},
    )
    return (
        built["method_hash"] == snapshot.method_hash
        and built["inputs_hash"] == snapshot.inputs_hash
        and built["results"] == snapshot.results
        and built["results"]["units"] == snapshot.ranking
        and built["extras"] == snapshot.extras
    )


def lineage_of(units: list[Unit]) -> Lineage | None:
    """The recorded lineage links of these units (None when there is none)."""
    codes = {u.code for u in units}
    links = [link for link in engine_lineage().links if link.current in codes]
    return Lineage.of(links) if links else None


def _blocks(period: Period) -> list[str]:
    return list(period.methods.order_by("id").values_list("block", flat=True))


def _publish_block(period: Period, block: str, by: Any) -> Snapshot:
    _, units, rows = period_inputs(period, block)
    yaml = period.methods.get(block=block).method_yaml
    try:
        built = snapshot_build(
            method_yaml=yaml,
            units=units,
            rows=rows,
            previous=snapshot_published(year=period.year - 1, block=block),
            lineage=lineage_of(units),
            standard_errors=period_standard_errors(period, block),
        )
    except InputError as exc:
        # A value the method cannot read: nothing is published, the council sees why.
        problems = "; ".join(p.render("vi") for p in exc.problems[:5])
        raise WorkflowError(
            f"Khối '{block}': chưa tính được kết quả — {problems}",
            f"Block '{block}' cannot be computed: {exc}",
        ) from exc
    return snapshot_create(period=period, block=block, method_yaml=yaml, built=built, by=by)
