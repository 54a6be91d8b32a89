"""The public form of a token link, over HTTP: one response per token, clear refusals."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from chiso.web.audit.models import AuditEvent
from chiso.web.surveys.models import Answer, FrameEntry, Outcome, Response, Token
from chiso.web.surveys.selectors import survey_answers
from tests.web.surveys.helpers import collecting_survey, full_answers

pytestmark = pytest.mark.db

MAX_FORM_BYTES = 20_000  # the 22-item form, uncompressed; no scripts, no images, no cookie


def _token(survey: Any) -> Token:
    return Token.objects.filter(survey=survey).select_related("member__entry").first()


def _url(token: Token) -> str:
    return f"/ks/{token.value}/"


def test_the_form_is_light_vietnamese_and_leaks_no_contact(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 20})
    token = _token(survey)
    response = Client().get(_url(token))
    html = response.content.decode()

    assert response.status_code == 200
    assert len(response.content) < MAX_FORM_BYTES, len(response.content)
    assert 'lang="vi"' in html and "Rất hài lòng" in html and "Không trả lời" in html
    assert "<script" not in html and "<img" not in html and "Set-Cookie" not in str(response)
    assert html.count('type="radio"') == 22 * 6
    entry = token.member.entry
    assert entry.phone not in html and entry.dossier_code not in html


def test_an_accepted_submission_is_stored_and_the_token_is_spent(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 20})
    token = _token(survey)
    client = Client()
    answers = {**full_answers(survey, 5), "q-TCDV.1": "0"}

    response = client.post(_url(token), answers)

    assert response.status_code == 200
    assert "Cảm ơn" in response.content.decode()
    stored = Response.objects.get()
    assert (stored.channel, stored.unit.code, stored.token_id) == ("online", "SA", token.pk)
    assert Answer.objects.filter(response=stored).count() == 22
    token.refresh_from_db()
    token.member.refresh_from_db()
    assert token.used_at is not None and token.member.outcome == Outcome.ANSWERED
    event = AuditEvent.objects.get(action="survey.response.online")
    personal = FrameEntry.objects.values_list("phone", "dossier_code").get(pk=token.member.entry_id)
    assert all(value not in event.new + event.target for value in personal)
    assert token.value not in event.new + event.target

    again = client.post(_url(token), answers)
    assert again.status_code == 410
    assert "đã được trả lời" in again.content.decode()
    assert client.get(_url(token)).status_code == 410
    assert Response.objects.count() == 1

    frame = survey_answers(survey)
    assert frame.columns == ["respondent", "unit", "item", "value", "channel", "weight"]
    assert frame.height == 22 and set(frame["weight"]) == {20 / 5}


def test_an_unknown_token_gets_a_clear_404(admin: Any, units: Any, tmp_path: Path) -> None:
    collecting_survey(admin, tmp_path, {"SA": 10})
    response = Client().get("/ks/khong-co-ma-nay/")
    assert response.status_code == 404
    assert "không tồn tại" in response.content.decode()
    assert Client().post("/ks/khong-co-ma-nay/", {"q-TCDV.1": "4"}).status_code == 404


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"q-TCDV.1": "9"}, "không có trong thang"),
        ({"q-TCDV.1": "abc"}, "không có trong thang"),
        ({"q-TCDV.1": ""}, "Chưa chọn"),
    ],
)
def test_a_malformed_submission_gets_the_form_back_with_400(
    admin: Any, units: Any, tmp_path: Path, change: dict[str, str], message: str
) -> None:
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10})
    token = _token(survey)
    response = Client().post(_url(token), {**full_answers(survey, 4), **change})

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and 'id="i-TCDV.1" class="bad"' in html
    assert html.count(" checked") == 21  # the other answers are kept
    assert not Response.objects.exists()
    token.refresh_from_db()
    assert token.used_at is None


def test_a_form_with_only_no_answers_is_refused(admin: Any, units: Any, tmp_path: Path) -> None:
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10})
    response = Client().post(_url(_token(survey)), full_answers(survey, 0))
    assert response.status_code == 400
    assert "ít nhất một câu" in response.content.decode()


def test_a_closed_survey_refuses_with_410(admin: Any, units: Any, tmp_path: Path) -> None:
    from chiso.web.surveys import services

    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10})
    services.survey_transition(survey=survey, to="closed", by=admin)
    response = Client().post(_url(_token(survey)), full_answers(survey))
    assert response.status_code == 410 and "đã kết thúc" in response.content.decode()


def test_too_many_requests_get_a_429_page(
    admin: Any, units: Any, tmp_path: Path, settings: Any
) -> None:
    settings.CHISO_SURVEY_RATES = {"form_ip": "3/m"}
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10})
    client = Client()
    statuses = [client.get(_url(_token(survey))).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    last = client.get(_url(_token(survey)))
    assert last.status_code == 429 and last["Retry-After"] == "60"
    assert "thử lại" in last.content.decode()


def test_one_token_cannot_be_posted_many_times(
    admin: Any, units: Any, tmp_path: Path, settings: Any
) -> None:
    settings.CHISO_SURVEY_RATES = {"form_token": "2/h"}
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10})
    url = _url(_token(survey))
    bad = {"q-TCDV.1": "9"}
    statuses = [Client(REMOTE_ADDR=f"10.0.0.{n}").post(url, bad).status_code for n in range(3)]
    assert statuses == [400, 400, 429]


@pytest.mark.django_db(transaction=True)
def test_two_racing_posts_with_one_token_store_one_response(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10})
    url, answers = _url(_token(survey)), full_answers(survey, 4)
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def post() -> None:
        try:
            barrier.wait()
            statuses.append(Client().post(url, answers).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 410]
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 22
