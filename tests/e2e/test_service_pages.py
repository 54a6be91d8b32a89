"""The service-quality pages in a real browser: the table of rates by procedure keeps its first
column readable however many indicator columns follow."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.services.conftest import admin, chair, computation, data_dir, published, snapshot

pytestmark = [pytest.mark.db, pytest.mark.django_db(transaction=True)]
__all__ = ["admin", "chair", "computation", "data_dir", "published", "snapshot"]

DESKTOP = {"width": 1280, "height": 900}


def test_procedure_names_are_not_squeezed(browser: Any, live_server: Any, published: Any) -> None:
    # With twenty indicator columns the name column was squeezed to a word a line (about 60 px
    # wide at 1280 px: "Xác / nhận / văn / bản / …").
    unit = next(r["unit"] for r in published.ranking if r["level"] == "department")
    for viewport in (DESKTOP, {"width": 390, "height": 844}):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(f"{live_server.url}/chat-luong/{published.spec}/{unit}/thu-tuc/")
        name = page.locator("table.procedures tbody th[scope=row]").first
        assert name.bounding_box()["width"] >= 200, viewport
        # On a phone the table scrolls inside its box; the page itself does not get wider.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        context.close()
