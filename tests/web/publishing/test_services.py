"""period_publish, snapshot_recompute and the selectors, on the database."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from chiso.web.audit.models import AuditEvent
from chiso.web.evaluations.models import PeriodState, Score
from chiso.web.evaluations.services import period_create
from chiso.web.evaluations.workflow import WorkflowError
from chiso.web.publishing.models import Snapshot
from chiso.web.publishing.selectors import (
    snapshot_of,
    snapshots_latest,
    unit_history,
)
from chiso.web.publishing.services import period_publish, snapshot_recompute
from tests.web.publishing.helpers import example_rows, period_in_review, publish_example

pytestmark = pytest.mark.db


def test_the_chair_publishes_one_snapshot_per_block(admin_user: Any, chair: Any) -> None:
    period = period_in_review(2024, admin_user)
    snapshots = period_publish(period=period, by=chair)

    period.refresh_from_db()
    assert period.state == PeriodState.PUBLISHED
    assert sorted(s.block for s in snapshots) == ["huyen", "so"]
    so = Snapshot.objects.get(period=period, block="so")
    assert so.block_title == "Khối sở, ban, ngành"
    assert so.approved_by == chair
    sct = next(u for u in so.results["units"] if u["unit"] == "TN.SCT")
    assert round(sct["index"], 1) == 90.9
    actions = set(AuditEvent.objects.filter(period=period).values_list("action", flat=True))
    assert {"snapshot.create", "period.publish"} <= actions


def test_a_published_snapshot_recomputes_exactly_and_a_tampered_one_does_not(
    admin_user: Any, chair: Any
) -> None:
    period = period_in_review(2024, admin_user)
    period_publish(period=period, by=chair)
    snapshot = Snapshot.objects.get(period=period, block="so")
    assert snapshot_recompute(snapshot) is True

    results = snapshot.results
    results["units"][0]["index"] += 0.001
    # The model refuses to change a published snapshot; tampering happens behind its back.
    Snapshot.objects.filter(pk=snapshot.pk).update(results=results)
    assert snapshot_recompute(Snapshot.objects.get(pk=snapshot.pk)) is False


def test_year_over_year_compares_with_last_years_snapshot(admin_user: Any, chair: Any) -> None:
    period_publish(period=period_in_review(2023, admin_user), by=chair)
    period_publish(period=period_in_review(2024, admin_user), by=chair)
    snapshot = snapshot_of(2024, "so", full=True)
    assert snapshot is not None
    history = snapshot.extras["history"]
    assert history["previous_year"] == 2023
    sct = next(u for u in history["units"] if u["unit"] == "TN.SCT")
    assert round(sct["index_previous"], 1) == 90.3
    assert snapshot_recompute(snapshot) is True


def test_only_the_chair_may_publish(admin_user: Any) -> None:
    period = period_in_review(2024, admin_user)
    with pytest.raises(PermissionDenied):
        period_publish(period=period, by=admin_user)
    period.refresh_from_db()
    assert period.state == PeriodState.COUNCIL_REVIEW
    assert not Snapshot.objects.exists()


def test_only_a_period_in_council_review_is_published(admin_user: Any, chair: Any) -> None:
    period = period_create(year=2024, title="Chỉ số CCHC năm 2024", by=admin_user)
    with pytest.raises(WorkflowError):
        period_publish(period=period, by=chair)
    assert not Snapshot.objects.exists()


def test_a_snapshot_is_immutable(chair: Any) -> None:
    snapshot = publish_example(2024, "so", by=chair)
    snapshot.block_title = "khác"
    with pytest.raises(ValueError, match="immutable"):
        snapshot.save()


def test_selectors_read_published_snapshots_only(chair: Any) -> None:
    publish_example(2023, "so", by=chair)
    publish_example(2024, "so", by=chair)
    rows = example_rows(2024, "so")
    publish_example(2025, "so", by=chair, state=PeriodState.COUNCIL_REVIEW, rows=rows)

    assert [(s.period.year, s.block) for s in snapshots_latest()] == [(2024, "so")]
    assert snapshot_of(2025, "so") is None
    assert snapshot_of(2024, "so") is not None
    history = unit_history("TN.SCT")
    assert [(h["year"], h["rank"]) for h in history] == [(2023, 1), (2024, 1)]
    assert round(history[1]["index"], 1) == 90.9


def test_a_value_the_method_cannot_read_stops_the_publication(admin_user: Any, chair: Any) -> None:
    period = period_in_review(2024, admin_user)
    score = Score.objects.get(
        assessment__period=period, assessment__unit__code="TN.SNV", criterion="1.1.1"
    )
    Score.objects.filter(pk=score.pk).update(appraised_value="không đọc được")
    with pytest.raises(WorkflowError, match=r"TN\.SNV"):
        period_publish(period=period, by=chair)
    period.refresh_from_db()
    assert period.state == PeriodState.COUNCIL_REVIEW
    assert not Snapshot.objects.exists()
