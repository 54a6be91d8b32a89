"""Who keys paper questionnaires: the survey's data-entry staff (role `surveyor`) and the reform
office; everyone else is refused (403) and nothing is stored. A surveyor follows the fieldwork
but sees neither the respondents' contacts nor the unpublished estimates, and never keys a form
about a unit they are the officer of."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from chiso.web.accounts.models import Role
from chiso.web.surveys.models import PaperForm, PaperState, Survey
from tests.web.factories import RoleAssignmentFactory
from tests.web.surveys.helpers import collecting_survey, full_answers

pytestmark = pytest.mark.db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _surveyor() -> Any:
    return RoleAssignmentFactory(role=Role.SURVEYOR).user


def _double_entry_survey(admin: Any, tmp_path: Path) -> Survey:
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10})
    Survey.objects.filter(pk=survey.pk).update(paper_double_entry=True)
    return Survey.objects.get(pk=survey.pk)


def test_two_data_entry_staff_key_and_resolve_a_paper_form(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    survey = _double_entry_survey(admin, tmp_path)
    first_clerk, second_clerk = _client(_surveyor()), _client(_surveyor())
    base = f"/quan-ly/khao-sat/{survey.pk}"
    # They find the survey and its paper entry from the staff menu.
    assert 'href="/quan-ly/khao-sat/"' in first_clerk.get("/quan-ly/khao-sat/").content.decode()
    detail = first_clerk.get(f"{base}/").content.decode()
    assert f'href="{base}/phieu-giay/"' in detail
    assert first_clerk.get(f"{base}/phieu-giay/").status_code == 200

    first = {**full_answers(survey, 4), "number": "12", "channel": "paper", "unit": "SB"}
    second = {**first, "q-CC.1": "2"}
    assert first_clerk.post(f"{base}/phieu-giay/", first).status_code == 302
    assert second_clerk.post(f"{base}/phieu-giay/", second).status_code == 302
    form = PaperForm.objects.get(survey=survey, number="12")
    assert form.state == PaperState.DISAGREE
    report = first_clerk.get(f"{base}/phieu-giay/bat-dong/")
    assert report.status_code == 200 and "CC.1" in report.content.decode()
    assert first_clerk.post(f"{base}/phieu-giay/{form.pk}/", {"q-CC.1": "2"}).status_code == 302
    form.refresh_from_db()
    assert form.state == PaperState.ACCEPTED
    assert survey.responses.get().answers.get(item="CC.1").value == 2


def test_data_entry_staff_see_neither_contacts_nor_unpublished_estimates(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    survey = _double_entry_survey(admin, tmp_path)
    clerk = _client(_surveyor())
    base = f"/quan-ly/khao-sat/{survey.pk}"
    detail = clerk.get(f"{base}/").content.decode()
    assert f'href="{base}/uoc-luong/"' not in detail
    assert clerk.get(f"{base}/uoc-luong/").status_code == 403
    assert clerk.get(f"{base}/ma.csv").status_code == 403
    assert clerk.get(f"{base}/ma/in/").status_code == 403
    assert clerk.post(f"{base}/chuyen/", {"to": "closed"}).status_code == 403
    assert Survey.objects.get(pk=survey.pk).state == "collecting"


@pytest.mark.parametrize("role", [Role.CHAIR, Role.LEADERSHIP, Role.APPRAISER, Role.OFFICER, None])
def test_everyone_else_is_refused_paper_entry(
    admin: Any, units: Any, tmp_path: Path, role: Role | None
) -> None:
    survey = _double_entry_survey(admin, tmp_path)
    base = f"/quan-ly/khao-sat/{survey.pk}/phieu-giay"
    entry = {**full_answers(survey, 4), "number": "12", "channel": "paper", "unit": "SB"}
    _client(admin).post(f"{base}/", entry)
    _client(RoleAssignmentFactory(role=Role.ADMIN).user).post(f"{base}/", {**entry, "q-CC.1": "2"})
    form = PaperForm.objects.get(survey=survey, number="12")
    if role is None:
        user = RoleAssignmentFactory(role=Role.ADMIN).user
        user.roles.all().delete()
    elif role == Role.OFFICER:
        user = RoleAssignmentFactory(officer=True, unit=units["SB"]).user
    else:
        user = RoleAssignmentFactory(role=role).user
    client = _client(user)
    assert client.get(f"{base}/").status_code == 403
    assert client.post(f"{base}/", {**entry, "number": "13"}).status_code == 403
    assert client.get(f"{base}/bat-dong/").status_code == 403
    assert client.post(f"{base}/{form.pk}/", {"q-CC.1": "2"}).status_code == 403
    assert not PaperForm.objects.filter(number="13").exists()
    form.refresh_from_db()
    assert form.state == PaperState.DISAGREE


def test_a_unit_officer_who_also_keys_forms_never_keys_their_own_unit(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    survey = _double_entry_survey(admin, tmp_path)
    clerk = _surveyor()
    RoleAssignmentFactory(user=clerk, officer=True, unit=units["SA"])
    base = f"/quan-ly/khao-sat/{survey.pk}/phieu-giay"
    entry = {**full_answers(survey, 4), "number": "12", "channel": "paper", "unit": "SA"}
    refused = _client(clerk).post(f"{base}/", entry)
    assert refused.status_code == 400
    assert "cán bộ đầu mối của Sở SA" in refused.content.decode()
    assert not PaperForm.objects.exists()
    # Another unit's form is theirs to key.
    assert _client(clerk).post(f"{base}/", {**entry, "unit": "SB"}).status_code == 302
    # Nor do they settle a disagreement about their own unit.
    _client(admin).post(f"{base}/", {**entry, "number": "14"})
    _client(RoleAssignmentFactory(role=Role.ADMIN).user).post(
        f"{base}/", {**entry, "number": "14", "q-CC.1": "2"}
    )
    form = PaperForm.objects.get(number="14")
    page = _client(clerk).post(f"{base}/{form.pk}/", {"q-CC.1": "2"}, follow=True)
    assert "cán bộ đầu mối của Sở SA" in page.content.decode()
    form.refresh_from_db()
    assert form.state == PaperState.DISAGREE
