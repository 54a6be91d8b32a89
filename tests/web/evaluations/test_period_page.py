"""The reform office's period page, through HTTP: blocks named as the method files name them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.web.evaluations.models import Period
from chiso.web.evaluations.services import period_create
from tests.web.factories import UnitFactory

pytestmark = pytest.mark.db

ADMIN = reverse("evaluations:period_admin")


def page_of(client: Any, url: str = ADMIN) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def test_blocks_are_listed_by_name_not_code(client: Any, admin_user: Any, period: Period) -> None:
    client.force_login(admin_user)
    page = page_of(client)
    assert "Khối sở, ban, ngành" in page
    assert "Khối so" not in page


def test_a_new_periods_blocks_are_named_by_last_years_method(
    client: Any, admin_user: Any, period: Period
) -> None:
    UnitFactory(code="TN.TPTN", block="huyen", kind="district")  # no method names this block
    period_create(year=2025, title="Chỉ số CCHC năm 2025", by=admin_user)
    client.force_login(admin_user)
    page = page_of(client)
    assert "Chỉ số CCHC năm 2025" in page
    assert "Khối sở, ban, ngành" in page and "Khối so" not in page
    assert "Khối huyen" in page  # nothing names it yet: its code is what there is


def test_setting_a_method_says_which_block_by_name(
    client: Any, admin_user: Any, units: Any, method_yaml: str
) -> None:
    period_create(year=2024, title="Chỉ số CCHC năm 2024", by=admin_user)
    client.force_login(admin_user)
    upload = SimpleUploadedFile("so.yaml", method_yaml.encode(), content_type="application/x-yaml")
    url = reverse("evaluations:period_method", args=["so"])
    response = client.post(url, {"so-file": upload}, follow=True)
    page = response.content.decode()
    assert "Khối sở, ban, ngành dùng bộ tiêu chí:" in page
    assert "Khối so" not in page


def test_a_block_without_units_is_named_when_opening_is_refused(
    client: Any, admin_user: Any, draft_period: Period
) -> None:
    client.force_login(admin_user)
    url = reverse("evaluations:period_move")
    page = client.post(url, {"to": "self_assessment"}, follow=True).content.decode()
    assert "Khối sở, ban, ngành (mã khối &#x27;so&#x27;) chưa có đơn vị nào." in page
    draft_period.refresh_from_db()
    assert draft_period.state == "draft"
