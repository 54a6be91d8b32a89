"""The counter kiosk (one rating per dossier, idle reset) and paper entry (double entry)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from chiso.web.surveys import collection, services
from chiso.web.surveys.models import (
    MemberRole,
    Outcome,
    PaperState,
    Response,
    SampleMember,
    Token,
)
from chiso.web.surveys.selectors import paper_disagreements, survey_answers
from tests.web.surveys.helpers import collecting_survey, full_answers

pytestmark = pytest.mark.db


def _kiosk(admin: Any, survey: Any, units: Any) -> Any:
    return services.kiosk_create(survey=survey, unit=units["SA"], label="Quầy 1", by=admin)


def test_the_kiosk_resets_itself_after_the_idle_time(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10})
    services.survey_update_settings(survey=survey, kiosk_idle_seconds=45, by=admin)
    kiosk = _kiosk(admin, survey, units)
    start = f"/ks/quay/{kiosk.key}/"

    page = Client().get(start).content.decode()
    assert f'<meta http-equiv="refresh" content="45;url={start}">' in page  # without script
    assert "setTimeout" in page and "45*1e3" in page and "location.replace(u)" in page
    rate = Client().post(start, {"dossier": "HS-2025-001"}).content.decode()
    assert (
        "45*1e3" in rate and f"url={start}" in rate and 'name="dossier" value="HS-2025-001"' in rate
    )


def test_one_kiosk_rating_per_dossier_whoever_asks(admin: Any, units: Any, tmp_path: Path) -> None:
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10})
    kiosk = _kiosk(admin, survey, units)
    client = Client()
    post = {**full_answers(survey, 4), "dossier": "hs-2025-001"}

    done = client.post(f"/ks/quay/{kiosk.key}/danh-gia/", post)
    assert done.status_code == 200 and "Cảm ơn" in done.content.decode()
    assert 'http-equiv="refresh" content="8;' in done.content.decode()

    # The same dossier again (other case and spaces, another tablet, a staff session): refused.
    other = services.kiosk_create(survey=survey, unit=units["SA"], label="Quầy 2", by=admin)
    staff = Client()
    staff.force_login(admin)
    first_step = staff.post(f"/ks/quay/{other.key}/", {"dossier": " HS-2025-001 "})
    assert first_step.status_code == 409 and "đã được đánh giá" in first_step.content.decode()
    second = staff.post(f"/ks/quay/{other.key}/danh-gia/", {**post, "dossier": "HS-2025-001"})
    assert second.status_code == 409
    stored = Response.objects.get()
    assert stored.channel == "kiosk" and "2025" not in stored.dossier_digest


def test_a_sampled_dossier_rated_at_the_kiosk_cannot_answer_online_too(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10})
    kiosk = _kiosk(admin, survey, units)
    token = Token.objects.filter(survey=survey).select_related("member__entry").first()
    code = token.member.entry.dossier_code
    Client().post(f"/ks/quay/{kiosk.key}/danh-gia/", {**full_answers(survey), "dossier": code})

    response = Client().post(f"/ks/{token.value}/", full_answers(survey))
    assert response.status_code == 409
    assert Response.objects.count() == 1
    token.refresh_from_db()
    assert token.used_at is None  # nothing of the refused submission was kept


def test_a_disabled_or_unknown_kiosk_gets_a_404(admin: Any, units: Any, tmp_path: Path) -> None:
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10})
    kiosk = _kiosk(admin, survey, units)
    services.kiosk_set_enabled(kiosk=kiosk, enabled=False, by=admin)
    assert Client().get(f"/ks/quay/{kiosk.key}/").status_code == 404
    assert Client().get("/ks/quay/khong-co/").status_code == 404
    bad = Client().post(f"/ks/quay/{kiosk.key}/danh-gia/", {"dossier": "x"})
    assert bad.status_code == 404


def test_a_bad_dossier_code_is_refused_with_400(admin: Any, units: Any, tmp_path: Path) -> None:
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10})
    kiosk = _kiosk(admin, survey, units)
    response = Client().post(f"/ks/quay/{kiosk.key}/", {"dossier": "<script>"})
    assert response.status_code == 400 and "Mã hồ sơ không hợp lệ" in response.content.decode()


def test_double_entry_lists_disagreements_and_counts_only_resolved_forms(
    admin: Any, second_admin: Any, units: Any, tmp_path: Path
) -> None:
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10})
    services.survey_update_settings(survey=survey, paper_double_entry=True, by=admin)
    survey.refresh_from_db()
    q = collection.survey_questionnaire(survey)
    first = {item.code: 4 for item in q.items}
    second = {**first, "TCDV.2": 5, "KQ.1": 0}

    form = collection.paper_enter(
        survey=survey, number="P-001", answers=first, unit=units["SB"], by=admin
    )
    assert form.state == PaperState.WAITING and not Response.objects.exists()
    with pytest.raises(ValidationError, match="người khác"):
        collection.paper_enter(survey=survey, number="P-001", answers=first, by=admin)
    form = collection.paper_enter(survey=survey, number="P-001", answers=second, by=second_admin)
    assert form.state == PaperState.DISAGREE and not Response.objects.exists()

    report = paper_disagreements(survey)
    assert [(d.item, d.first, d.second) for d in report] == [("KQ.1", 4, 0), ("TCDV.2", 4, 5)]
    assert report[0].first_by == str(admin) and report[0].second_by == str(second_admin)

    with pytest.raises(ValidationError, match=r"TCDV\.2"):
        collection.paper_resolve(form=form, choices={"KQ.1": 4, "TCDV.2": 3}, by=admin)
    response = collection.paper_resolve(form=form, choices={"KQ.1": 0, "TCDV.2": 5}, by=admin)
    values = dict(response.answers.values_list("item", "value"))
    assert (values["KQ.1"], values["TCDV.2"], values["TCDV.1"]) == (0, 5, 4)
    assert response.channel == "paper" and response.unit.code == "SB"
    assert paper_disagreements(survey) == []


def test_agreeing_entries_count_at_once_and_a_member_is_marked_answered(
    admin: Any, second_admin: Any, units: Any, tmp_path: Path
) -> None:
    survey, draw = collecting_survey(admin, tmp_path, {"SA": 10})
    services.survey_update_settings(survey=survey, paper_double_entry=True, by=admin)
    survey.refresh_from_db()
    member = SampleMember.objects.filter(draw=draw, role=MemberRole.MAIN).first()
    answers = {item.code: 3 for item in collection.survey_questionnaire(survey).items}
    collection.paper_enter(survey=survey, number="7", answers=answers, member=member, by=admin)
    form = collection.paper_enter(
        survey=survey, number="7", answers=answers, member=member, by=second_admin
    )
    assert form.state == PaperState.ACCEPTED
    member.refresh_from_db()
    assert member.outcome == Outcome.ANSWERED
    frame = survey_answers(survey, sampled_only=True)
    assert set(frame["channel"]) == {"paper"} and frame.height == 22


def test_phone_entry_is_single_and_kiosk_weights_are_one(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10})
    services.survey_update_settings(survey=survey, paper_double_entry=True, by=admin)
    survey.refresh_from_db()
    answers = {item.code: 5 for item in collection.survey_questionnaire(survey).items}
    form = collection.paper_enter(
        survey=survey, number="T-1", answers=answers, unit=units["SB"], channel="phone", by=admin
    )
    assert form.state == PaperState.ACCEPTED and not form.double_entry
    frame = survey_answers(survey)
    assert set(frame["channel"]) == {"phone"} and set(frame["weight"]) == {1.0}
