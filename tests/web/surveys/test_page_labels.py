"""What the staff pages show people rather than codes: channel names, shares as percentages,
dates in the Vietnamese format, titles, and the print sheet on first load."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from chiso.web.surveys.models import Draw
from tests.web.surveys.helpers import collecting_survey, full_answers

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
