"""A real browser (Debian's chromium, driven by Playwright) against a live server.

Chromium comes from the system (`apt install chromium`); Playwright's own browser download is
not used. Without chromium the browser tests are skipped with a message — except in CI, where a
missing browser is a failure, like a missing PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHISO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Without these, chromium tries to reach Google's hosts at start, which a closed network refuses.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        message = f"chromium not found at {CHROMIUM}: install it (apt install chromium)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()
