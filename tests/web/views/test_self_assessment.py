"""The self-assessment page: saving a whole form, one row with htmx, concurrent edits,
invalid values, exemptions, submitting and withdrawing, and a bounded number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from chiso.web.evaluations.models import AssessmentStatus, Period
from chiso.web.evaluations.services import score_self_assess
from tests.web.evaluations.helpers import claim_all, officer_of, score_of
from tests.web.views.helpers import HTMX, self_row, text

pytestmark = pytest.mark.db

URL = reverse("evaluations:self_assessment", args=["TN.SNV"])


@pytest.fixture
def signed_in(client: Any, officer: Any) -> Any:
    client.force_login(officer)
    return client


def test_the_page_fits_each_input_to_its_rule(signed_in: Any, period: Period) -> None:
    page = text(signed_in.get(URL))
    # levels: radio buttons with their labels and points
    assert 'type="radio" name="1.1.1-value"' in page
    assert "Ban hành chậm so với thời hạn — 0,5 điểm" in page
    # a rate: a number from 0 to 100; a deduction: a whole number of incidents
    assert 'name="1.1.2-value" id="id_1.1.2-value" inputmode="decimal"' in page
    assert 'min="0" max="100" step="any"' in page
    assert 'name="1.2.1-value"' in page and 'step="1"' in page
    # survey leaves are not claimed by the unit
    assert 'name="8.1.1-value"' not in page
    assert "<details><summary>Hướng dẫn chấm</summary>" in page
    assert 'name="1.1.1-version" value="1"' in page


def test_a_whole_form_post_saves_the_changed_rows(signed_in: Any, period: Period) -> None:
    untouched = score_of(period, "TN.SNV", "1.2.1")
    data = {
        "action": "save",
        **self_row(score_of(period, "TN.SNV", "1.1.1"), "cham", "Ban hành ngày 20/01"),
        **self_row(score_of(period, "TN.SNV", "1.1.2"), "90,5"),
        **self_row(untouched, ""),
    }
    response = signed_in.post(URL, data)
    assert response.status_code == 302 and response["Location"] == URL
    first, rate = score_of(period, "TN.SNV", "1.1.1"), score_of(period, "TN.SNV", "1.1.2")
    assert (first.self_value, first.self_points, first.self_note) == (
        "cham",
        0.5,
        "Ban hành ngày 20/01",
    )
    assert (rate.self_value, rate.self_points) == ("90.5", 0.5)  # [80, 100) → 0.5
    assert score_of(period, "TN.SNV", "1.2.1").version == untouched.version  # not rewritten
    assert "Đã chấm 2/" in text(signed_in.get(URL))


def test_an_htmx_post_saves_one_row_and_returns_that_row(signed_in: Any, period: Period) -> None:
    score = score_of(period, "TN.SNV", "1.1.2")
    other = score_of(period, "TN.SNV", "1.1.1")
    data = {"leaf": "1.1.2", **self_row(score, "100"), **self_row(other, "khong")}
    response = signed_in.post(URL, data, **HTMX)
    assert response.status_code == 200
    fragment = text(response)
    assert fragment.lstrip().startswith('<div class="leaf" id="row-1.1.2"')
    assert "<html" not in fragment
    assert "= 1 điểm" in fragment  # the points, computed on the server
    assert 'name="1.1.2-version" value="2"' in fragment
    assert "Đã lưu" in fragment and 'hx-swap-oob="innerHTML"' in fragment
    assert '<p id="progress-box" hx-swap-oob="true">' in fragment and "Đã chấm 1/" in fragment
    assert score_of(period, "TN.SNV", "1.1.2").self_points == 1.0
    assert score_of(period, "TN.SNV", "1.1.1").self_value == ""  # only the named row


def test_a_concurrent_edit_shows_the_other_value_and_keeps_the_input(
    signed_in: Any, period: Period, units: Any
) -> None:
    read = score_of(period, "TN.SNV", "1.1.1")  # what the page showed
    colleague = officer_of(units["TN.SNV"])
    score_self_assess(score=read, value="dung_han", note="", version=read.version, by=colleague)

    response = signed_in.post(URL, {"action": "save", **self_row(read, "cham", "Của tôi")})
    assert response.status_code == 400
    page = text(response)
    assert "Người khác đã lưu tiêu chí này" in page
    assert "Ban hành đúng thời hạn quy định" in page  # the other person's value, by its label
    assert 'value="cham" checked' in page and "Của tôi</textarea>" in page  # input kept
    assert score_of(period, "TN.SNV", "1.1.1").self_value == "dung_han"  # nothing overwritten

    # Saving again is a deliberate choice, made on the newer version: it now goes through.
    fresh = score_of(period, "TN.SNV", "1.1.1")
    assert f'name="1.1.1-version" value="{fresh.version}"' in page
    again = {**self_row(fresh, "cham", "Của tôi"), "action": "save"}
    assert signed_in.post(URL, again).status_code == 302
    assert score_of(period, "TN.SNV", "1.1.1").self_value == "cham"


def test_a_concurrent_edit_through_htmx_returns_the_row_with_the_message(
    signed_in: Any, period: Period, units: Any
) -> None:
    read = score_of(period, "TN.SNV", "1.1.2")
    score_self_assess(
        score=read, value="70", note="", version=read.version, by=officer_of(units["TN.SNV"])
    )
    response = signed_in.post(URL, {"leaf": "1.1.2", **self_row(read, "95")}, **HTMX)
    fragment = text(response)
    assert "Người khác đã lưu tiêu chí này" in fragment and "70 %" in fragment
    assert 'value="95"' in fragment
    assert score_of(period, "TN.SNV", "1.1.2").self_value == "70"


def test_an_invalid_value_is_shown_next_to_its_input(signed_in: Any, period: Period) -> None:
    data = {"action": "save", **self_row(score_of(period, "TN.SNV", "1.1.2"), "150")}
    response = signed_in.post(URL, data)
    assert response.status_code == 400
    page = text(response)
    assert 'class="field-error" id="id_1.1.2-value-error"' in page
    assert 'value="150"' in page
    assert score_of(period, "TN.SNV", "1.1.2").self_value == ""


def test_a_refused_submission_says_the_draft_was_saved(signed_in: Any, period: Period) -> None:
    # The rows save, the submission is refused (criteria left): the heading said "Chưa lưu được"
    # (nothing saved) although the posted value was kept.
    data = {"action": "submit", **self_row(score_of(period, "TN.SNV", "1.1.2"), "95")}
    response = signed_in.post(URL, data)
    assert response.status_code == 400
    page = text(response)
    assert "Đã lưu nháp nhưng chưa nộp được, vì:" in page and "Chưa lưu được" not in page
    assert "chưa tự chấm điểm" in page
    assert score_of(period, "TN.SNV", "1.1.2").self_value == "95"
    # A row that could not be saved still says so.
    data = {"action": "submit", **self_row(score_of(period, "TN.SNV", "1.1.2"), "150")}
    page = text(signed_in.post(URL, data))
    assert "Chưa lưu được, vì:" in page and "chưa nộp được" not in page


def test_exempt_leaves_show_the_reason_and_no_input(
    client: Any, period: Period, units: Any
) -> None:
    client.force_login(officer_of(units["TN.BDT"]))
    page = text(client.get(reverse("evaluations:self_assessment", args=["TN.BDT"])))
    assert 'class="leaf exempt" id="row-3.1.1"' in page
    assert "Cơ quan không có thủ tục hành chính" in page
    assert 'name="3.1.1-value"' not in page


def test_submit_lists_what_is_missing_then_submits(signed_in: Any, period: Period) -> None:
    response = signed_in.post(URL, {"action": "submit"})
    assert response.status_code == 400
    assert "chưa tự chấm điểm" in text(response)

    claim_all(period, "TN.SNV")
    assert signed_in.post(URL, {"action": "submit"}).status_code == 302
    assessment = score_of(period, "TN.SNV", "1.1.1").assessment
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    page = text(signed_in.get(URL))
    assert 'name="1.1.1-value"' not in page  # read-only once submitted
    assert "Rút lại để sửa" in page

    withdraw = reverse("evaluations:self_assessment_withdraw", args=["TN.SNV"])
    assert signed_in.post(withdraw).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def test_the_100_leaf_page_takes_a_bounded_number_of_queries(
    signed_in: Any, period: Period, django_assert_max_num_queries: Any
) -> None:
    claim_all(period, "TN.SNV")
    with django_assert_max_num_queries(20):
        response = signed_in.get(URL)
    assert response.status_code == 200
