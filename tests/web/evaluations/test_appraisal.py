"""Appraisal rounds, reasons, explanations, the appraisal queue and the council's list."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chiso.web.accounts.models import Role
from chiso.web.audit.models import AuditEvent
from chiso.web.evaluations.models import Period
from chiso.web.evaluations.selectors import appraisal_changes, appraisal_queue
from chiso.web.evaluations.services import (
    ConcurrentEditError,
    explanation_answer,
    explanation_request,
    score_appraise,
)
from chiso.web.evaluations.workflow import WorkflowError
from tests.web.evaluations.helpers import claim_all, officer_of, score_of
from tests.web.factories import RoleAssignmentFactory

pytestmark = pytest.mark.db


@pytest.fixture
def appraising(period: Period, move: Any) -> Period:
    claim_all(period, "TN.SNV")
    claim_all(period, "TN.STP")
    return move(period, "appraisal")


def appraise(period: Period, criterion: str, value: str, reason: str, by: Any) -> Any:
    score = score_of(period, "TN.SNV", criterion)
    return score_appraise(score=score, value=value, reason=reason, version=score.version, by=by)


def test_a_changed_value_needs_a_reason(appraising: Period, appraiser: Any) -> None:
    claimed = score_of(appraising, "TN.SNV", "1.1.1").self_value
    assert claimed == "dung_han"
    with pytest.raises(ValidationError, match="cần ghi lý do"):
        appraise(appraising, "1.1.1", "cham", "  ", appraiser)
    saved = appraise(appraising, "1.1.1", "cham", "Ban hành ngày 20/01, quá hạn.", appraiser)
    assert (saved.appraised_value, saved.appraised_points, saved.appraisal_round) == (
        "cham",
        0.5,
        1,
    )
    event = AuditEvent.objects.get(action="score.appraise")
    assert event.reason == "Ban hành ngày 20/01, quá hạn."


def test_confirming_the_claim_needs_no_reason(appraising: Period, appraiser: Any) -> None:
    assert score_of(appraising, "TN.SNV", "1.2.2").self_value == "0"
    saved = appraise(appraising, "1.2.2", "không", "", appraiser)  # "không" means 0
    assert saved.appraised_points == 0 and saved.appraisal_round == 1


def test_appraisals_are_versioned_too(appraising: Period, appraiser: Any) -> None:
    stale = score_of(appraising, "TN.SNV", "1.1.1")
    appraise(appraising, "1.1.1", "dung_han", "", appraiser)
    with pytest.raises(ConcurrentEditError):
        score_appraise(score=stale, value="khong", reason="x", version=stale.version, by=appraiser)
    assert score_of(appraising, "TN.SNV", "1.1.1").appraised_value == "dung_han"


def test_appraisers_are_limited_to_their_fields(appraising: Period) -> None:
    field_two = RoleAssignmentFactory(role=Role.APPRAISER, field_code="2").user
    with pytest.raises(PermissionDenied):
        appraise(appraising, "1.1.1", "cham", "lý do", field_two)
    appraise(appraising, "2.1.1", "100", "lý do", field_two)
    queue = appraisal_queue(appraising, user=field_two)
    assert queue and {line.item.group for line in queue} == {"2"}


def test_appraisal_only_in_its_rounds(period: Period, appraiser: Any) -> None:
    with pytest.raises(WorkflowError, match="appraise"):
        appraise(period, "1.1.1", "cham", "lý do", appraiser)


def test_explanation_and_second_round(
    appraising: Period, appraiser: Any, units: Any, move: Any
) -> None:
    snv = officer_of(units["TN.SNV"])
    appraise(appraising, "1.1.1", "khong", "Không có kế hoạch trong hồ sơ.", appraiser)
    request = explanation_request(
        score=score_of(appraising, "TN.SNV", "1.1.1"),
        message="Đề nghị cung cấp kế hoạch.",
        by=appraiser,
    )
    with pytest.raises(WorkflowError):
        explanation_answer(request=request, answer="Đã gửi.", by=snv)
    period = move(appraising, "explanation")
    with pytest.raises(PermissionDenied):
        explanation_answer(request=request, answer="x", by=officer_of(units["TN.STP"]))
    answered = explanation_answer(request=request, answer="Kế hoạch số 12/KH.", by=snv)
    assert answered.answered_by == snv and answered.answered_at
    period = move(period, "second_appraisal")
    assert [
        line.score.criterion for line in appraisal_queue(period, user=appraiser, open_only=True)
    ] == ["1.1.1"]
    saved = appraise(period, "1.1.1", "dung_han", "", appraiser)
    assert saved.appraisal_round == 2
    assert appraisal_queue(period, user=appraiser, open_only=True) == []


def test_the_queue_filters_and_the_council_sees_every_change(
    appraising: Period, appraiser: Any, units: Any
) -> None:
    appraise(appraising, "1.1.1", "cham", "Chậm 10 ngày.", appraiser)
    appraise(appraising, "1.2.2", "0", "", appraiser)
    everything = appraisal_queue(appraising, user=appraiser)
    assert {line.score.assessment.unit.code for line in everything} == {
        "TN.SNV",
        "TN.STP",
        "TN.BDT",
    }
    assert all(line.item.self_assessed for line in everything)
    mine = appraisal_queue(appraising, user=appraiser, unit=units["TN.SNV"], field="1")
    assert len(mine) == 10 and all(line.item.group == "1" for line in mine)
    differs = appraisal_queue(appraising, user=appraiser, differs_only=True)
    assert [line.score.criterion for line in differs] == ["1.1.1"]
    open_lines = appraisal_queue(appraising, user=appraiser, unit=units["TN.SNV"], open_only=True)
    assert len(open_lines) == 82 + 6 - 2
    changes = appraisal_changes(appraising)
    assert [(c.score.criterion, c.score.appraisal_reason) for c in changes] == [
        ("1.1.1", "Chậm 10 ngày.")
    ]
    assert appraisal_queue(appraising, user=officer_of(units["TN.SNV"])) == []
