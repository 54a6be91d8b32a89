"""The staff pages over HTTP: the whole set-up by the reform office, and who may see what."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from chiso.web.accounts.models import Role
from chiso.web.surveys.models import Draw, Outcome, SampleMember, Survey, Token
from tests.web.factories import RoleAssignmentFactory
from tests.web.surveys.helpers import collecting_survey, frame_csv, full_answers, questionnaire_yaml

pytestmark = pytest.mark.db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_reform_office_sets_up_a_survey_through_the_pages(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    client = _client(admin)
    created = client.post(
        "/quan-ly/khao-sat/",
        {"title": "SIPAS 2025", "year": 2025, "shipped": "service-user-2024"},
    )
    survey = Survey.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/quan-ly/khao-sat/{survey.pk}/"
    base = f"/quan-ly/khao-sat/{survey.pk}"
    client.post(f"{base}/chuyen/", {"to": "sampling"})
    with frame_csv(tmp_path, {"SA": 40, "SB": 8}).open("rb") as upload:
        client.post(f"{base}/khung-mau/", {"file": upload})
    page = client.get(f"{base}/").content.decode()
    assert "SA — Sở SA" in page and "<td>40</td>" in page

    design = {
        "strata": "unit",
        "size_rule": "slovin",
        "margin": "0.05",
        "reserve_share": "0.2",
        "seed": "2025",
    }
    preview = client.post(f"{base}/chon-mau/", design)
    html = preview.content.decode()
    assert preview.status_code == 200 and not Draw.objects.exists()
    # Slovin at e = 0.05: N = 40 → 37 (rounded up), N = 8 → 8; reserves ceil(20 %) capped.
    assert re.search(r"<td>SA</td><td>40</td><td>37</td><td>37</td><td>3</td>", html)
    assert re.search(r"<td>SB</td><td>8</td><td>8</td><td>8</td><td>0</td>", html)

    client.post(f"{base}/chon-mau/", {**design, "confirm": "1"})
    draw = Draw.objects.get()
    assert draw.seed == 2025 and draw.frame_size == 48
    client.post(f"{base}/ma/")
    assert Token.objects.count() == 45
    page = client.get(f"{base}/").content.decode()
    assert "2025" in page and "<td>45</td>" not in page  # per stratum, not a total
    assert re.search(r"SA</a></td><td>40</td><td>37</td><td>37</td><td>0</td>", page)

    rows = list(
        csv.DictReader(io.StringIO(client.get(f"{base}/ma.csv").content.decode("utf-8-sig")))
    )
    assert len(rows) == 45 and rows[0]["phone"].startswith("09")
    assert rows[0]["link"].startswith("http://testserver/ks/")

    member = SampleMember.objects.filter(draw=draw, stratum="SA", role="main").first()
    client.post(f"{base}/mau/{member.pk}/", {"outcome": "refused"})
    client.post(f"{base}/mau/{member.pk}/", {"replace": "1"})
    member.refresh_from_db()
    assert member.outcome == Outcome.REPLACED and member.replaced_by.order == 1

    token = Token.objects.filter(member__stratum="SA", revoked_at__isnull=True).first()
    svg = client.get(f"{base}/ma/{token.pk}.svg")
    png = client.get(f"{base}/ma/{token.pk}.png")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    slip = client.get(f"{base}/ma/{token.pk}/phieu/").content.decode()
    assert "<svg" in slip and token.value in slip
    sheet = client.get(f"{base}/ma/in/?tang=SA").content.decode()
    assert sheet.count("<svg") == 37


def test_paper_pages_enter_and_resolve(
    admin: Any, second_admin: Any, units: Any, tmp_path: Path
) -> None:
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10})
    Survey.objects.filter(pk=survey.pk).update(paper_double_entry=True)
    base = f"/quan-ly/khao-sat/{survey.pk}/phieu-giay"
    first = {**full_answers(survey, 4), "number": "12", "channel": "paper", "unit": "SB"}
    second = {**first, "q-CC.1": "2", "unit": "SB"}
    assert _client(admin).post(f"{base}/", first).status_code == 302
    assert _client(second_admin).post(f"{base}/", second).status_code == 302
    report = _client(admin).get(f"{base}/bat-dong/").content.decode()
    assert "Phiếu số 12 (SB)" in report and "CC.1" in report

    form_pk = survey.paper_forms.get().pk
    _client(admin).post(f"{base}/{form_pk}/", {"q-CC.1": "2"})
    assert survey.responses.get().answers.get(item="CC.1").value == 2

    bad = _client(admin).post(f"{base}/", {**first, "number": "13", "q-KQ.1": "7"})
    assert bad.status_code == 400 and "không có trong thang" in bad.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.CHAIR, 200), (Role.LEADERSHIP, 200), (Role.APPRAISER, 403), (None, 403)],
)
def test_who_may_open_the_staff_pages(
    admin: Any, units: Any, tmp_path: Path, role: Any, status: int
) -> None:
    survey, _ = collecting_survey(admin, tmp_path, {"SA": 10})
    user = (
        RoleAssignmentFactory(role=role).user
        if role
        else RoleAssignmentFactory(officer=True, unit=units["SA"]).user
    )
    client = _client(user)
    base = f"/quan-ly/khao-sat/{survey.pk}"
    assert client.get("/quan-ly/khao-sat/").status_code == status
    assert client.get(f"{base}/").status_code == status
    # Contacts, links and entry are the reform office's alone.
    assert client.get(f"{base}/ma.csv").status_code == 403
    assert client.get(f"{base}/phieu-giay/").status_code == 403
    assert client.post(f"{base}/ma/").status_code in (302, 403)
    assert Token.objects.count() == 5
    if status == 200:
        page = client.get(f"{base}/mau/?tang=SA").content.decode()
        phone = Token.objects.first().member.entry.phone
        assert phone not in page


def test_no_public_page_shows_contact_data(admin: Any, units: Any, tmp_path: Path) -> None:
    from chiso.web.surveys import services

    survey, draw = collecting_survey(admin, tmp_path, {"SA": 10})
    kiosk = services.kiosk_create(survey=survey, unit=units["SA"], label="Quầy", by=admin)
    token = Token.objects.filter(survey=survey).first()
    personal = [
        value
        for entry in SampleMember.objects.filter(draw=draw).select_related("entry")
        for value in (entry.entry.phone, entry.entry.email)
        if value
    ]
    public = Client()
    pages = [
        public.get(f"/ks/{token.value}/"),
        public.post(f"/ks/{token.value}/", {"q-TCDV.1": "9"}),
        public.post(f"/ks/{token.value}/", full_answers(survey)),
        public.get(f"/ks/{token.value}/"),
        public.get("/ks/khong-co/"),
        public.get(f"/ks/quay/{kiosk.key}/"),
        public.post(f"/ks/quay/{kiosk.key}/", {"dossier": "HS-1"}),
        public.post(f"/ks/quay/{kiosk.key}/danh-gia/", {**full_answers(survey), "dossier": "HS-1"}),
    ]
    assert [p.status_code for p in pages] == [200, 400, 200, 410, 404, 200, 200, 200]
    for page in pages:
        html = page.content.decode()
        assert not any(value in html for value in personal)


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        (
            "en",
            ["unknown key &#x27;extra_key&#x27;", "satisfied value 9 is not on the scale"],
            ["khóa không được hỗ trợ", "không có trong thang đo"],
        ),
        (
            "vi",
            ["khóa không được hỗ trợ &#x27;extra_key&#x27;", "9 không có trong thang đo"],
            ["unknown key", "is not on the scale"],
        ),
    ],
)
def test_a_broken_questionnaire_s_problems_are_said_in_the_reader_s_language(
    admin: Any, language: str, said: list[str], not_said: list[str]
) -> None:
    broken = (
        questionnaire_yaml()
        .replace("format: chiso.questionnaire/1", "format: chiso.questionnaire/1\nextra_key: 1")
        .replace("satisfied: [4, 5]", "satisfied: [4, 9]")
    )
    client = _client(admin)
    client.cookies["django_language"] = language
    upload = io.BytesIO(broken.encode())
    upload.name = "phieu.yaml"
    response = client.post(
        "/quan-ly/khao-sat/", {"title": "SIPAS 2025", "year": 2025, "upload": upload}
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Survey.objects.exists()
    assert "SIP002" in page and "SIP021" in page
    assert [s for s in said if s not in page] == []
    assert [s for s in not_said if s in page] == []
