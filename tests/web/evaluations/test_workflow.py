"""The period's state machine: every legal move, a sample of illegal ones, and the service."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from chiso.web.audit.models import AuditEvent
from chiso.web.evaluations.models import Assessment, PeriodState
from chiso.web.evaluations.services import period_transition
from chiso.web.evaluations.workflow import TRANSITIONS, WorkflowError, check_transition
from tests.web.evaluations.helpers import officer_of

S = PeriodState
LEGAL = [(a, b) for a, nexts in TRANSITIONS.items() for b in sorted(nexts)]


def test_every_state_has_a_row_and_published_is_final() -> None:
    assert set(TRANSITIONS) == set(S.values)
    assert TRANSITIONS[S.PUBLISHED] == frozenset()


@pytest.mark.parametrize(("current", "to"), LEGAL)
def test_legal_moves_pass(current: str, to: str) -> None:
    check_transition(current, to)


@pytest.mark.parametrize(
    ("current", "to"),
    [
        (S.DRAFT, S.APPRAISAL),
        (S.DRAFT, S.PUBLISHED),
        (S.SELF_ASSESSMENT, S.DRAFT),
        (S.APPRAISAL, S.SELF_ASSESSMENT),
        (S.EXPLANATION, S.COUNCIL_REVIEW),
        (S.SECOND_APPRAISAL, S.PUBLISHED),
        (S.COUNCIL_REVIEW, S.DRAFT),
        (S.PUBLISHED, S.COUNCIL_REVIEW),
        (S.PUBLISHED, S.DRAFT),
        (S.APPRAISAL, S.APPRAISAL),
    ],
)
def test_illegal_moves_say_why_in_both_languages(current: str, to: str) -> None:
    with pytest.raises(WorkflowError) as caught:
        check_transition(current, to)
    assert "Không thể" in caught.value.vi or "đã công bố" in caught.value.vi
    assert current in str(caught.value) or "published" in str(caught.value)


def test_an_unknown_state_is_refused() -> None:
    with pytest.raises(WorkflowError, match="no state"):
        check_transition(S.DRAFT, "archived")


@pytest.mark.db
def test_the_service_walks_to_council_review_and_back(
    draft_period: Any, units: Any, move: Any, admin_user: Any
) -> None:
    period = move(draft_period, S.COUNCIL_REVIEW)
    assert period.state == S.COUNCIL_REVIEW
    period = period_transition(period=period, to=S.SECOND_APPRAISAL, by=admin_user)
    assert period.state == S.SECOND_APPRAISAL
    moves = AuditEvent.objects.filter(action="period.transition", period=period)
    assert [(e.old, e.new) for e in moves.order_by("id")][-1] == (
        S.COUNCIL_REVIEW,
        S.SECOND_APPRAISAL,
    )
    assert moves.count() == 6


@pytest.mark.db
def test_publishing_is_not_a_move_of_this_service(
    draft_period: Any, units: Any, move: Any, admin_user: Any
) -> None:
    period = move(draft_period, S.COUNCIL_REVIEW)
    with pytest.raises(WorkflowError) as caught:
        period_transition(period=period, to=S.PUBLISHED, by=admin_user)
    assert "Chủ tịch Hội đồng" in caught.value.vi
    period.refresh_from_db()
    assert period.state == S.COUNCIL_REVIEW


@pytest.mark.db
def test_an_illegal_move_changes_nothing(draft_period: Any, units: Any, admin_user: Any) -> None:
    with pytest.raises(WorkflowError):
        period_transition(period=draft_period, to=S.APPRAISAL, by=admin_user)
    draft_period.refresh_from_db()
    assert draft_period.state == S.DRAFT
    assert not Assessment.objects.exists()


@pytest.mark.db
def test_only_the_reform_office_moves_a_period(draft_period: Any, units: Any) -> None:
    with pytest.raises(PermissionDenied):
        period_transition(period=draft_period, to=S.SELF_ASSESSMENT, by=officer_of(units["TN.SNV"]))


@pytest.mark.db
def test_the_self_assessment_needs_a_method(admin_user: Any, units: Any) -> None:
    from chiso.web.evaluations.services import period_create

    period = period_create(year=2025, title="Kỳ 2025", by=admin_user)
    with pytest.raises(WorkflowError, match="no method"):
        period_transition(period=period, to=S.SELF_ASSESSMENT, by=admin_user)
