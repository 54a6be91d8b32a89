"""Submitting and withdrawing a self-assessment: the completeness rule and the window."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.web.audit.models import AuditEvent
from chiso.web.evaluations.evidence import evidence_add
from chiso.web.evaluations.models import Assessment, AssessmentStatus, Period, Score
from chiso.web.evaluations.selectors import assessment_progress
from chiso.web.evaluations.services import (
    assessment_submit,
    assessment_withdraw,
    score_self_assess,
)
from chiso.web.evaluations.workflow import WorkflowError
from tests.web.evaluations.helpers import claim_all, officer_of, score_of

pytestmark = pytest.mark.db


@pytest.fixture
def snv(units: Any) -> Any:
    return officer_of(units["TN.SNV"])


def assessment(period: Period, unit: str = "TN.SNV") -> Assessment:
    return Assessment.objects.get(period=period, unit__code=unit)


def test_an_empty_assessment_lists_every_missing_claim(period: Period, snv: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        assessment_submit(assessment=assessment(period), by=snv)
    done, total, _ = assessment_progress(assessment(period))
    assert done == 0 and len(caught.value.messages) == total == 82
    assert "Tiêu chí 1.1.1: chưa tự chấm điểm." in caught.value.messages
    assert not any("1.7.1" in m for m in caught.value.messages)  # a survey leaf


def test_a_complete_assessment_is_submitted_and_audited(period: Period, snv: Any) -> None:
    claim_all(period, "TN.SNV")
    done, total, points = assessment_progress(assessment(period))
    assert done == total and points > 0
    submitted = assessment_submit(assessment=assessment(period), by=snv)
    assert submitted.status == AssessmentStatus.SUBMITTED and submitted.submitted_at
    event = AuditEvent.objects.get(action="assessment.submit")
    assert (event.old, event.new) == ("draft", "submitted")


def test_points_claimed_need_evidence_or_a_note(period: Period, snv: Any) -> None:
    claim_all(period, "TN.SNV")
    score = score_of(period, "TN.SNV", "1.2.2")
    score_self_assess(score=score, value="có", note="", version=score.version, by=snv)
    zero = score_of(period, "TN.SNV", "1.4.1")
    score_self_assess(score=zero, value="không", note="", version=zero.version, by=snv)
    with pytest.raises(ValidationError) as caught:
        assessment_submit(assessment=assessment(period), by=snv)
    assert len(caught.value.messages) == 1  # the zero claim needs nothing
    assert "1.2.2" in caught.value.messages[0] and "tài liệu kiểm chứng" in caught.value.messages[0]
    pdf = SimpleUploadedFile("qd.pdf", b"%PDF-1.4\n%%EOF\n")
    evidence_add(score=score, upload=pdf, by=snv)
    assert assessment_submit(assessment=assessment(period), by=snv).status == "submitted"


def test_a_submitted_assessment_is_withdrawn_to_edit(period: Period, snv: Any) -> None:
    claim_all(period, "TN.SNV")
    assessment_submit(assessment=assessment(period), by=snv)
    score = score_of(period, "TN.SNV", "1.2.2")
    with pytest.raises(WorkflowError, match="withdraw"):
        score_self_assess(score=score, value="không", note="", version=score.version, by=snv)
    assert assessment_withdraw(assessment=assessment(period), by=snv).status == "draft"
    score_self_assess(score=score, value="không", note="", version=score.version, by=snv)
    with pytest.raises(WorkflowError, match="not submitted"):
        assessment_withdraw(assessment=assessment(period), by=snv)


def test_withdrawal_closes_with_the_window(period: Period, snv: Any, move: Any) -> None:
    claim_all(period, "TN.SNV")
    assessment_submit(assessment=assessment(period), by=snv)
    move(period, "appraisal")
    with pytest.raises(WorkflowError):
        assessment_withdraw(assessment=assessment(period), by=snv)
    assert assessment(period).status == AssessmentStatus.SUBMITTED
    assert Score.objects.filter(assessment__unit__code="TN.SNV").exclude(self_value="").exists()
