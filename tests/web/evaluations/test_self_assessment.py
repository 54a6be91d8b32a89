"""Self-assessment: claims read and scored by the criterion's rule, refused edits, concurrency."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chiso.web.audit.models import AuditEvent
from chiso.web.evaluations.models import Period
from chiso.web.evaluations.services import (
    ConcurrentEditError,
    period_set_calendar,
    score_self_assess,
)
from chiso.web.evaluations.workflow import WorkflowError
from tests.web.evaluations.helpers import officer_of, score_of

pytestmark = pytest.mark.db


@pytest.fixture
def snv(units: Any) -> Any:
    return officer_of(units["TN.SNV"])


def claim(period: Period, criterion: str, value: Any, by: Any, unit: str = "TN.SNV") -> Any:
    score = score_of(period, unit, criterion)
    return score_self_assess(score=score, value=value, note="", version=score.version, by=by)


def test_a_claim_is_scored_by_the_rule_and_audited(period: Period, snv: Any) -> None:
    saved = claim(period, "1.1.1", "cham", snv)
    assert (saved.self_value, saved.self_points, saved.version) == ("cham", 0.5, 2)
    saved = claim(period, "1.2.2", "có", snv)
    assert saved.self_points == 0.5
    saved = claim(period, "1.1.2", "85,5", snv)  # a rate with a decimal comma
    assert saved.self_points == 0.5
    event = AuditEvent.objects.filter(action="score.self_assess", target="1.1.1").get()
    assert json.loads(event.new)["value"] == "cham"
    assert json.loads(event.old)["value"] == ""
    assert event.unit.code == "TN.SNV" and event.actor == snv


def test_a_blank_value_clears_the_claim(period: Period, snv: Any) -> None:
    claim(period, "1.1.1", "dung_han", snv)
    cleared = claim(period, "1.1.1", "", snv)
    assert (cleared.self_value, cleared.self_points) == ("", None)


@pytest.mark.parametrize(
    ("criterion", "value", "says"),
    [
        ("1.1.2", "120", "1.1.2"),  # a rate over 100
        ("1.1.1", "som", "som"),  # not one of the levels
        ("1.2.2", "có lẽ", "có/không"),
        ("1.4.2", "0.3", "bội số"),  # manual points off the 0.25 step
    ],
)
def test_a_value_the_rule_cannot_read_is_refused(
    period: Period, snv: Any, criterion: str, value: str, says: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        claim(period, criterion, value, snv)
    assert says in caught.value.messages[0]
    assert "không hợp lệ" in caught.value.messages[0]
    assert score_of(period, "TN.SNV", criterion).version == 1


def test_exempt_and_survey_criteria_are_not_claimed(period: Period, units: Any) -> None:
    bdt = officer_of(units["TN.BDT"])
    with pytest.raises(ValidationError, match="không áp dụng"):
        claim(period, "3.1.1", "có", bdt, unit="TN.BDT")
    with pytest.raises(ValidationError, match="điều tra xã hội học"):
        claim(period, "1.7.1", "A", bdt, unit="TN.BDT")


def test_only_the_units_own_officer_claims(period: Period, units: Any, appraiser: Any) -> None:
    with pytest.raises(PermissionDenied):
        claim(period, "1.2.2", "có", officer_of(units["TN.STP"]))
    with pytest.raises(PermissionDenied):
        claim(period, "1.2.2", "có", appraiser)


def test_a_concurrent_edit_is_detected_and_the_first_save_kept(period: Period, snv: Any) -> None:
    colleague = officer_of(score_of(period, "TN.SNV", "1.1.1").assessment.unit)
    mine = score_of(period, "TN.SNV", "1.1.1")
    theirs = score_of(period, "TN.SNV", "1.1.1")  # both read version 1
    score_self_assess(score=theirs, value="dung_han", note="", version=theirs.version, by=colleague)
    with pytest.raises(ConcurrentEditError) as caught:
        score_self_assess(score=mine, value="khong", note="", version=mine.version, by=snv)
    assert "người khác" in caught.value.vi
    kept = score_of(period, "TN.SNV", "1.1.1")
    assert (kept.self_value, kept.version) == ("dung_han", 2)
    assert AuditEvent.objects.filter(action="score.self_assess").count() == 1


def test_claims_are_only_made_in_the_self_assessment_window(
    period: Period, snv: Any, admin_user: Any, move: Any
) -> None:
    period_set_calendar(
        period=period,
        by=admin_user,
        self_assessment_opens=dt.date(2000, 11, 1),
        self_assessment_closes=dt.date(2000, 12, 10),
    )
    with pytest.raises(WorkflowError, match="closed"):
        claim(period, "1.2.2", "có", snv)
    period_set_calendar(period=period, by=admin_user, self_assessment_closes=None)
    claim(period, "1.2.2", "có", snv)
    move(period, "appraisal")
    with pytest.raises(WorkflowError) as caught:
        claim(period, "1.2.2", "không", snv)
    assert "Tự đánh giá" in caught.value.vi
