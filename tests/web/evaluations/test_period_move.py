"""Moving the period on, through the period page: units not ready are listed first, and the
office confirms leaving them behind; the audit event says how many there were."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from chiso.web.audit.models import AuditEvent
from chiso.web.evaluations.models import Assessment, AssessmentStatus, Period, PeriodState
from chiso.web.evaluations.readiness import PeriodNotReady
from chiso.web.evaluations.services import (
    explanation_answer,
    explanation_request,
    period_transition,
    score_appraise,
)
from tests.web.evaluations.helpers import claim_all, officer_of, score_of

pytestmark = pytest.mark.db
S = PeriodState
MOVE = reverse("evaluations:period_move")


def submit(period: Period, *codes: str) -> None:
    Assessment.objects.filter(period=period, unit__code__in=codes).update(
        status=AssessmentStatus.SUBMITTED
    )


def confirmation(response: Any) -> str:
    assert response.status_code == 200
    found = re.search(
        r'<section class="confirm-move".*?</section>', response.content.decode(), re.S
    )
    assert found, "the page asks for no confirmation"
    return found.group(0)


def moves(period: Period, to: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="period.transition", period=period, new=to))


@pytest.fixture
def office(client: Any, admin_user: Any) -> Any:
    client.force_login(admin_user)
    return client


@pytest.fixture
def mixed(period: Period) -> Period:
    """Sở Tư pháp has submitted; Sở Nội vụ has claimed but not submitted; Ban Dân tộc has
    claimed nothing."""
    claim_all(period, "TN.SNV")
    claim_all(period, "TN.STP")
    submit(period, "TN.STP")
    return period


def test_the_units_not_ready_are_listed_and_nothing_moves(office: Any, mixed: Period) -> None:
    page = confirmation(office.post(MOVE, {"to": "appraisal"}))
    assert "Xác nhận chuyển sang: Thẩm định vòng 1" in page
    assert "2 đơn vị chưa sẵn sàng cho giai đoạn tiếp theo." in page
    not_started, working = re.split(r"<h3>", page)[1:]
    assert not_started.startswith("Chưa tự chấm tiêu chí nào (1 đơn vị)")
    assert "Ban Dân tộc" in not_started and "đã tự chấm 0/" in not_started
    assert working.startswith("Đang tự đánh giá, chưa nộp hồ sơ (1 đơn vị)")
    assert "Sở Nội vụ" in working and "Khối sở, ban, ngành" in working
    assert "Sở Tư pháp" not in page
    assert 'name="confirm"' in page and "Vẫn chuyển sang: Thẩm định vòng 1" in page
    mixed.refresh_from_db()
    assert mixed.state == S.SELF_ASSESSMENT
    assert moves(mixed, S.APPRAISAL) == []


def test_confirming_moves_on_and_the_audit_counts_the_units(office: Any, mixed: Period) -> None:
    form = {"to": "appraisal", "confirm": "1", "not_ready": ["TN.BDT", "TN.SNV"]}
    response = office.post(MOVE, form)
    assert response.status_code == 302
    mixed.refresh_from_db()
    assert mixed.state == S.APPRAISAL
    [event] = moves(mixed, S.APPRAISAL)
    assert event.reason.startswith("2 đơn vị chưa sẵn sàng, đã xác nhận vẫn chuyển")
    assert "TN.BDT" in event.reason and "TN.SNV" in event.reason
    assert (
        "Kỳ đánh giá đã chuyển sang: Thẩm định vòng 1."
        in office.get(response["Location"]).content.decode()
    )


def test_a_unit_falling_behind_after_the_list_was_read_is_asked_about(
    office: Any, mixed: Period
) -> None:
    Assessment.objects.filter(unit__code="TN.STP").update(status=AssessmentStatus.DRAFT)
    form = {"to": "appraisal", "confirm": "1", "not_ready": ["TN.BDT", "TN.SNV"]}
    page = confirmation(office.post(MOVE, form))
    assert "Danh sách đơn vị chưa sẵn sàng đã thay đổi" in page
    assert "3 đơn vị chưa sẵn sàng" in page and "Sở Tư pháp" in page
    mixed.refresh_from_db()
    assert mixed.state == S.SELF_ASSESSMENT


def test_the_box_must_be_ticked(office: Any, mixed: Period) -> None:
    page = confirmation(office.post(MOVE, {"to": "appraisal", "not_ready": ["TN.BDT", "TN.SNV"]}))
    assert "cần đánh dấu ô xác nhận" in page
    mixed.refresh_from_db()
    assert mixed.state == S.SELF_ASSESSMENT


def test_with_every_unit_ready_the_move_is_direct(office: Any, period: Period) -> None:
    submit(period, "TN.SNV", "TN.STP", "TN.BDT")
    assert office.post(MOVE, {"to": "appraisal"}).status_code == 302
    period.refresh_from_db()
    assert period.state == S.APPRAISAL
    assert [e.reason for e in moves(period, S.APPRAISAL)] == ["0 đơn vị chưa sẵn sàng"]


def test_closing_the_appraisal_waits_for_units_nobody_appraised(
    office: Any, mixed: Period, move: Any, appraiser: Any
) -> None:
    period = move(mixed, S.APPRAISAL)
    score = score_of(period, "TN.SNV", "1.1.1")
    score_appraise(score=score, value="cham", reason="Chậm.", version=score.version, by=appraiser)
    page = confirmation(office.post(MOVE, {"to": "explanation"}))
    assert "Chưa được thẩm định tiêu chí nào (2 đơn vị)" in page
    assert "Ban Dân tộc" in page and "Sở Tư pháp" in page and "Sở Nội vụ" not in page
    assert "hồ sơ tự đánh giá: Đã nộp" in page  # Sở Tư pháp
    period.refresh_from_db()
    assert period.state == S.APPRAISAL


def test_closing_the_explanation_waits_for_answers(
    office: Any, period: Period, move: Any, appraiser: Any, units: Any
) -> None:
    period = move(period, S.APPRAISAL)
    asked = explanation_request(
        score=score_of(period, "TN.SNV", "1.1.1"), message="Văn bản ở đâu?", by=appraiser
    )
    period = move(period, S.EXPLANATION)
    page = confirmation(office.post(MOVE, {"to": "second_appraisal"}))
    assert "Chưa trả lời yêu cầu giải trình (1 đơn vị)" in page
    assert "Sở Nội vụ" in page and "1/1 yêu cầu chưa trả lời" in page
    explanation_answer(request=asked, answer="Trên hệ thống.", by=officer_of(units["TN.SNV"]))
    assert office.post(MOVE, {"to": "second_appraisal"}).status_code == 302
    period.refresh_from_db()
    assert period.state == S.SECOND_APPRAISAL


def test_the_service_refuses_and_writes_nothing(mixed: Period, admin_user: Any) -> None:
    with pytest.raises(PeriodNotReady) as caught:
        period_transition(
            period=mixed, to=S.APPRAISAL, by=admin_user, confirmed_not_ready=["TN.BDT"]
        )
    assert caught.value.readiness.codes == {"TN.BDT", "TN.SNV"}
    assert "2 đơn vị chưa sẵn sàng" in caught.value.vi
    mixed.refresh_from_db()
    assert (mixed.state, mixed.version) == (S.SELF_ASSESSMENT, 2)
    assert moves(mixed, S.APPRAISAL) == []
