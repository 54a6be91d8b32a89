"""The page shell every page extends: language, navigation, static files, error pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from chiso.web.accounts.models import Role
from tests.web.factories import RoleAssignmentFactory, UserFactory

STATIC = Path(settings.BASE_DIR) / "static" / "chiso"
TEMPLATES = Path(settings.BASE_DIR) / "templates"
BANDS = {
    "xuat_sac": "#1a9850",
    "tot": "#91cf60",
    "kha": "#fee08b",
    "trung_binh": "#fc8d59",
    "yeu": "#d73027",
}


def test_htmx_is_vendored_with_its_version_and_licence() -> None:
    htmx = (STATIC / "htmx.min.js").read_text(encoding="utf-8")
    assert htmx.startswith("/*! htmx 2.0.11") and "Zero-Clause BSD" in htmx.splitlines()[0]
    readme = (STATIC / "README").read_text(encoding="utf-8")
    assert "2.0.11" in readme and "Zero-Clause BSD" in readme


def test_no_template_loads_anything_from_another_site() -> None:
    for template in TEMPLATES.rglob("*.html"):
        assert not re.search(r"(src|href)=\"(https?:)?//", template.read_text()), template


def test_the_stylesheet_has_the_band_colours() -> None:
    css = (STATIC / "chiso.css").read_text(encoding="utf-8")
    for band, colour in BANDS.items():
        assert re.search(rf"\.band-{band} \{{ background: {colour};", css), band


@pytest.mark.db
def test_a_logged_in_admin_sees_the_staff_navigation(client: Client) -> None:
    client.force_login(RoleAssignmentFactory(role=Role.ADMIN).user)

    page = client.get(reverse("audit:list")).content.decode()

    assert "Nhật ký" in page and "Đăng xuất" in page and "Kết quả" in page
    assert 'href="/static/chiso/chiso.css"' in page and "htmx.min.js" in page
    assert 'action="/i18n/setlang/"' in page


@pytest.mark.db
def test_an_officer_does_not_see_the_audit_link(client: Client) -> None:
    client.force_login(RoleAssignmentFactory(officer=True).user)

    page = client.get(reverse("accounts:login"), follow=True).content.decode()

    assert 'href="/quan-ly/nhat-ky/"' not in page


@pytest.mark.db
def test_the_language_switcher_sets_english(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.db
@override_settings(DEBUG=False)
def test_a_missing_page_is_explained_in_vietnamese(client: Client) -> None:
    client.force_login(UserFactory())

    response = client.get("/quan-ly/khong-co-trang-nay/")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
