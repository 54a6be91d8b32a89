"""The overdue dossiers behind a unit's on-time rate: staff only — the reform office, the
council and leadership for every unit, an officer or appraiser for their own unit only — with a
CSV twin, by period and by procedure; never linked from a public page."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from chiso.web.accounts.models import Role
from chiso.web.services.models import ServiceSnapshot
from chiso.web.services.staff_views import OVERDUE_COLUMNS
from tests.web.factories import RoleAssignmentFactory, UnitFactory

pytestmark = pytest.mark.db


def _departments(snapshot: ServiceSnapshot) -> list[str]:
    return [r["unit"] for r in snapshot.ranking if r["level"] == "department"]


def _logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(snapshot: ServiceSnapshot, unit: str, suffix: str = "/") -> str:
    return f"/quan-ly/chat-luong/ket-qua/{snapshot.pk}/{unit}/tre-han{suffix}"


def test_the_reform_office_sees_every_units_list(snapshot: ServiceSnapshot, admin: Any) -> None:
    office = _logged_in(admin)
    province = snapshot.ranking[0]["unit"]
    counts = snapshot.units.get(unit=province).document["overdue"]
    page = office.get(_url(snapshot, province)).content.decode()
    assert f"{counts['2025']} hồ sơ trễ hạn trong kỳ 2025" in page
    assert "Dữ liệu tổng hợp (giả lập)" in page

    response = office.get(_url(snapshot, province, ".csv") + "?ky=2025-03")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "Access-Control-Allow-Origin" not in response
    assert list(rows[0]) == list(OVERDUE_COLUMNS)
    assert len(rows) == counts["2025-03"] and {r["period"] for r in rows} == {"2025-03"}
    assert {r["basis"] for r in rows} <= {"supplements", "appointment", "legal_limit"}

    procedure = rows[0]["procedure_code"]
    one = office.get(_url(snapshot, province, ".csv") + f"?ky=2025-03&thu_tuc={procedure}")
    lines = one.content.decode("utf-8-sig").splitlines()[1:]
    assert lines and all(f",{procedure}," in line for line in lines)

    unit_page = office.get(f"/quan-ly/chat-luong/ket-qua/{snapshot.pk}/{province}/")
    assert _url(snapshot, province) in unit_page.content.decode()


def test_an_officer_sees_only_their_own_unit(snapshot: ServiceSnapshot) -> None:
    own, other = _departments(snapshot)[:2]
    officer = RoleAssignmentFactory(role=Role.OFFICER, unit=UnitFactory(code=own)).user
    client = _logged_in(officer)
    assert client.get(_url(snapshot, own)).status_code == 200
    assert client.get(_url(snapshot, other)).status_code == 403
    assert client.get(_url(snapshot, snapshot.ranking[0]["unit"])).status_code == 403
    # The results themselves, not yet published, are not theirs to see.
    assert client.get(f"/quan-ly/chat-luong/ket-qua/{snapshot.pk}/").status_code == 403


def test_leadership_reads_drafts_but_does_not_publish(snapshot: ServiceSnapshot) -> None:
    client = _logged_in(RoleAssignmentFactory(leadership=True).user)
    page = client.get(f"/quan-ly/chat-luong/ket-qua/{snapshot.pk}/").content.decode()
    assert "Bản nháp, chưa công bố" in page and "cong-bo/" not in page
    assert client.post(f"/quan-ly/chat-luong/ket-qua/{snapshot.pk}/cong-bo/").status_code == 403
    snapshot.refresh_from_db()
    assert snapshot.published_at is None


def test_no_one_anonymous(snapshot: ServiceSnapshot, client: Client) -> None:
    response = client.get(_url(snapshot, snapshot.ranking[0]["unit"]))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_published_pages_never_link_the_list(published: ServiceSnapshot, client: Client) -> None:
    for unit in (published.ranking[0]["unit"], _departments(published)[0]):
        for path in (f"/chat-luong/2025/{unit}/", f"/chat-luong/2025/{unit}/thu-tuc/"):
            assert "tre-han" not in client.get(path).content.decode()
