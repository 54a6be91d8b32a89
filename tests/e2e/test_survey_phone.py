"""The survey in a real browser: the public form on a phone, the counter kiosk resetting itself
after the idle time, and the reform office's fieldwork page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.db, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}  # a common phone, CSS pixels
SCREENSHOT_DIR = os.environ.get("CHISO_E2E_SCREENSHOTS")  # set to keep the phone screenshot


@pytest.fixture
def survey(tmp_path: Path, settings: Any) -> dict[str, Any]:
    from chiso.web.accounts.models import Role
    from chiso.web.surveys import services
    from chiso.web.surveys.models import Token
    from tests.web.factories import RoleAssignmentFactory, UnitFactory
    from tests.web.surveys.helpers import collecting_survey

    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "ratelimit"),
        },
    }
    admin = RoleAssignmentFactory(role=Role.ADMIN, user__username="quantri").user
    unit = UnitFactory(code="SA", name="Sở Tư pháp")
    found, _ = collecting_survey(admin, tmp_path, {"SA": 30})
    services.survey_update_settings(survey=found, kiosk_idle_seconds=10, by=admin)
    kiosk = services.kiosk_create(survey=found, unit=unit, label="Quầy 1", by=admin)
    token = Token.objects.filter(survey=found).first()
    return {"survey": found, "token": token, "kiosk": kiosk, "admin": admin}


def test_the_public_form_on_a_phone(browser: Any, live_server: Any, survey: dict[str, Any]) -> None:
    from chiso.web.surveys.models import Response

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/ks/{survey['token'].value}/")
    assert page.locator("h1").inner_text().startswith("Phiếu khảo sát sự hài lòng")
    # Mobile-first: nothing wider than the screen, tap targets full width.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("label").first.bounding_box()["width"] > 300
    if SCREENSHOT_DIR:
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / "survey-form-phone.png"), full_page=False)

    # Submitting with one item left: the browser itself asks for it (required radios)…
    for fieldset in page.locator("fieldset[id^=i-]").all()[1:]:
        fieldset.locator("label").nth(1).click()  # "Hài lòng"
    page.locator("button[type=submit]").click()
    assert Response.objects.count() == 0
    # …and once answered the form is accepted.
    page.locator("fieldset[id^=i-]").first.locator("label").last.click()  # no answer
    page.locator("button[type=submit]").click()
    page.wait_for_selector("text=Cảm ơn ông/bà!")
    assert Response.objects.count() == 1
    page.goto(f"{live_server.url}/ks/{survey['token'].value}/")
    assert "đã được trả lời" in page.content()
    context.close()


def test_the_kiosk_resets_itself_when_left_idle(
    browser: Any, live_server: Any, survey: dict[str, Any]
) -> None:
    context = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True)
    page = context.new_page()
    start = f"{live_server.url}/ks/quay/{survey['kiosk'].key}/"
    page.goto(start)
    page.fill("#dossier", "HS-2025-0042")
    page.locator("button[type=submit]").click()
    page.wait_for_selector("text=Hồ sơ HS-2025-0042")
    # The citizen walks away: after the idle time (10 s) the tablet is back at the start.
    page.wait_for_url(start, timeout=25_000)
    assert page.locator("#dossier").input_value() == ""
    context.close()


def test_the_fieldwork_page(browser: Any, live_server: Any, survey: dict[str, Any]) -> None:
    from tests.web.factories import PASSWORD

    page = browser.new_page()
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    page.fill("input[name=username]", "quantri")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/quan-ly/**")
    page.goto(f"{live_server.url}/quan-ly/khao-sat/{survey['survey'].pk}/")
    if SCREENSHOT_DIR:
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / "survey-staff.png"), full_page=True)
    row = page.locator("#fieldwork + div table tbody tr").first
    assert row.locator("td").nth(0).inner_text() == "SA"
    assert row.locator("td").nth(3).inner_text() == "5"  # invited
    page.locator("#fieldwork + div table a").first.click()
    page.wait_for_selector("text=Người được chọn: SA")
    assert page.locator("a:text('phiếu in')").count() == 5
