"""Appraisal pages: the queue with its filters, a change with its reason, an explanation asked
for and answered."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from chiso.web.evaluations.models import ExplanationRequest, Period
from tests.web.evaluations.helpers import claim_all, score_of
from tests.web.views.helpers import HTMX, appraisal_row, text

pytestmark = pytest.mark.db

URL = reverse("evaluations:appraisal", args=["TN.SNV"])


@pytest.fixture
def appraising(period: Period, move: Any) -> Period:
    claim_all(period, "TN.SNV")
    claim_all(period, "TN.STP")
    return move(period, "appraisal")


@pytest.fixture
def signed_in(client: Any, appraiser: Any) -> Any:
    client.force_login(appraiser)
    return client


def test_the_page_shows_the_claim_beside_the_appraisal_input(
    signed_in: Any, appraising: Period
) -> None:
    page = text(signed_in.get(URL))
    assert "Đang thẩm định vòng 1." in page
    assert "Đơn vị tự chấm" in page and "Văn bản có trên hệ thống" in page
    assert 'name="1.1.1-value"' in page and 'name="1.1.1-reason"' in page
    assert "Yêu cầu giải trình" in page


def test_a_change_needs_a_reason_next_to_the_input(signed_in: Any, appraising: Period) -> None:
    score = score_of(appraising, "TN.SNV", "1.1.1")
    response = signed_in.post(URL, appraisal_row(score, "cham"))
    assert response.status_code == 400
    assert 'id="id_1.1.1-reason-error"' in text(response)
    assert score_of(appraising, "TN.SNV", "1.1.1").appraised_value == ""


def test_a_change_with_a_reason_is_saved(signed_in: Any, appraising: Period) -> None:
    score = score_of(appraising, "TN.SNV", "1.1.1")
    data = appraisal_row(score, "cham", "Ban hành ngày 20/01, quá hạn.")
    assert signed_in.post(URL, data).status_code == 302
    saved = score_of(appraising, "TN.SNV", "1.1.1")
    assert (saved.appraised_value, saved.appraised_points, saved.appraisal_round) == (
        "cham",
        0.5,
        1,
    )
    assert saved.appraisal_reason == "Ban hành ngày 20/01, quá hạn."

    queue = reverse("evaluations:appraisal_queue")
    differs = text(signed_in.get(queue, {"khac": "1"}))
    assert "1.1.1" in differs and "1.1.2" not in differs
    assert "1 tiêu chí" in differs


def test_the_queue_filters_by_unit_and_field(signed_in: Any, appraising: Period) -> None:
    queue = reverse("evaluations:appraisal_queue")
    page = text(signed_in.get(queue, {"don_vi": "TN.STP", "linh_vuc": "2", "con_mo": "1"}))
    assert "Sở Tư pháp" in page and "Sở Nội vụ</a>" not in page
    assert "2.1.1" in page and "1.1.1" not in page


def test_an_explanation_is_requested_then_answered(
    signed_in: Any, appraising: Period, client: Any, officer: Any, move: Any
) -> None:
    score = score_of(appraising, "TN.SNV", "1.1.2")
    data = {"leaf": "1.1.2", **appraisal_row(score, "", message="Cho xem báo cáo kết quả.")}
    fragment = text(signed_in.post(URL, data, **HTMX))
    assert fragment.lstrip().startswith('<div class="leaf" id="row-1.1.2"')
    assert "Cho xem báo cáo kết quả." in fragment
    request = ExplanationRequest.objects.get(score=score)

    move(appraising, "explanation")
    client.force_login(officer)
    url = reverse("evaluations:explanation", args=["TN.SNV"])
    assert "Cho xem báo cáo kết quả." in text(client.get(url))
    answer = {"request": request.pk, f"{request.pk}-answer": "Báo cáo số 12/BC-SNV."}
    assert client.post(url, answer).status_code == 302
    request.refresh_from_db()
    assert request.answer == "Báo cáo số 12/BC-SNV." and request.answered_by == officer


def test_the_appraisal_page_takes_a_bounded_number_of_queries(
    signed_in: Any, appraising: Period, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(26):  # 25, and the measured values of the data leaves
        assert signed_in.get(URL).status_code == 200
