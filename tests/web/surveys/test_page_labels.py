"""What the staff pages show people rather than codes: channel names, shares as percentages,
dates in the Vietnamese format, titles, and the print sheet on first load."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from chiso.web.surveys import services
from chiso.web.surveys.forms import SettingsForm, SurveyCreateForm
from chiso.web.surveys.models import Draw, Token
from chiso.web.surveys.selectors import survey_questionnaire
from tests.web.surveys.helpers import collecting_survey, full_answers, make_survey

pytestmark = pytest.mark.db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _section(html: str, start: str, end: str) -> str:
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


def test_received_forms_show_the_channel_by_name(admin: Any, units: Any, tmp_path: Path) -> None:
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10})
    client = _client(admin)
    entry = {**full_answers(survey, 4), "number": "7", "channel": "paper", "unit": "SA"}
    assert client.post(f"/quan-ly/khao-sat/{survey.pk}/phieu-giay/", entry).status_code == 302
    html = client.get(f"/quan-ly/khao-sat/{survey.pk}/").content.decode()
    table = _section(html, '<h2 id="responses">', "</table>")
    assert "<td>Phiếu giấy</td>" in table
    assert "<td>paper</td>" not in table


@pytest.mark.parametrize(
    ("share", "shown"), [("0.4", "40 %"), ("0.25", "25 %"), ("0.125", "12,5 %")]
)
def test_the_reserve_share_is_a_percentage(
    admin: Any, units: Any, tmp_path: Path, share: str, shown: str
) -> None:
    survey, draw = collecting_survey(admin, tmp_path, {"SA": 10})
    Draw.objects.filter(pk=draw.pk).update(reserve_share=Decimal(share))
    html = _client(admin).get(f"/quan-ly/khao-sat/{survey.pk}/").content.decode()
    line = _section(html, '<h2 id="draw">', "</p>")
    assert f"dự phòng {shown}" in " ".join(line.split())
    assert share.replace(".", ",") not in line and "0," not in line.split("dự phòng")[1][:12]


@pytest.mark.parametrize("start", ["01/01/2025", "2025-01-01"])
def test_reference_dates_read_dd_mm_yyyy_and_iso(admin: Any, units: Any, start: str) -> None:
    survey = make_survey(admin)
    client = _client(admin)
    post = {
        "reference_start": start,
        "reference_end": "31/12/2025",
        "min_sample": "30",
        "kiosk_idle_seconds": "60",
    }
    client.post(f"/quan-ly/khao-sat/{survey.pk}/thiet-lap/", post)
    survey.refresh_from_db()
    assert survey.reference_start == date(2025, 1, 1)
    assert survey.reference_end == date(2025, 12, 31)
    html = client.get(f"/quan-ly/khao-sat/{survey.pk}/").content.decode()
    settings = _section(html, '<h2 id="settings">', "</form>")
    assert 'value="01/01/2025"' in settings and 'value="31/12/2025"' in settings
    # The format is said next to the field, and tied to it for screen readers.
    assert "DD/MM/YYYY" in settings
    assert 'aria-describedby="id_reference_start_helptext"' in settings
    assert 'id="id_reference_start_helptext"' in settings


def test_an_unreadable_reference_date_names_the_format() -> None:
    form = SettingsForm(
        {"reference_start": "2025/31/01", "min_sample": "30", "kiosk_idle_seconds": "60"}
    )
    assert not form.is_valid()
    assert "DD/MM/YYYY" in " ".join(form.errors["reference_start"])


def test_the_create_form_says_the_date_format(admin: Any) -> None:
    html = _client(admin).get("/quan-ly/khao-sat/").content.decode()
    assert 'id="id_reference_start_helptext"' in html and "DD/MM/YYYY" in html
    form = SurveyCreateForm({"title": "K", "year": "2025", "reference_start": "01/01/2025"})
    form.fields["shipped"].choices = [("x", "x")]
    form.data = {**form.data, "shipped": "x"}
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reference_start"] == date(2025, 1, 1)


def _title(html: str) -> str:
    return " ".join(_section(html, "<title>", "</title>").removeprefix("<title>").split())


def test_the_kiosk_start_page_has_a_title(admin: Any, units: Any, tmp_path: Path) -> None:
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10})
    kiosk = services.kiosk_create(survey=survey, unit=units["SA"], label="Quầy 1", by=admin)
    start = f"/ks/quay/{kiosk.key}/"
    expected = f"Đánh giá sự phục vụ của {units['SA'].name}"
    assert _title(Client().get(start).content.decode()) == expected
    # Sent back with a problem, it keeps its title.
    refused = Client().post(start, {"dossier": ""})
    assert refused.status_code >= 400 and _title(refused.content.decode()) == expected
    # The rating page still has the questionnaire's title.
    rate = Client().post(start, {"dossier": "HS-2025-001"}).content.decode()
    assert _title(rate) == survey_questionnaire(survey).title


def _picked(sheet: str) -> list[str]:
    """The strata the sheet's picker shows selected."""
    picker = _section(sheet, '<select id="tang"', "</select>")
    return re.findall(r'<option value="([^"]*)" selected>', picker)


def test_the_print_sheet_shows_the_selected_stratum_on_first_load(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10, "SB": 10})
    client = _client(admin)
    sheet = client.get(f"/quan-ly/khao-sat/{survey.pk}/ma/in/").content.decode()
    assert _picked(sheet) == ["SA"]  # the first stratum, as the picker shows it
    tokens = Token.objects.filter(survey=survey, revoked_at__isnull=True, member__stratum="SA")
    assert tokens.exists() and sheet.count('<div class="slip">') == tokens.count()
    assert all(t.value in sheet for t in tokens)
    other = Token.objects.filter(survey=survey, member__stratum="SB").first()
    assert other is not None and other.value not in sheet
    # Asking for another stratum still shows that one.
    chosen = client.get(f"/quan-ly/khao-sat/{survey.pk}/ma/in/", {"tang": "SB"}).content.decode()
    assert _picked(chosen) == ["SB"]
    assert other.value in chosen
