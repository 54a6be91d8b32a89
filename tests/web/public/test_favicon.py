"""The site's icon: every page links it, and /favicon.ico (which browsers and crawlers ask for
whatever a page links) leads to it instead of a 404."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.db


def test_pages_link_the_icon_and_favicon_ico_leads_to_it(client: Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert b'<link rel="icon" href="/static/chiso/favicon.svg" type="image/svg+xml">' in (
        page.content
    )
    legacy = client.get("/favicon.ico")
    assert legacy.status_code == 301 and legacy["Location"] == "/static/chiso/favicon.svg"
    found = finders.find("chiso/favicon.svg")
    assert found is not None
    root = ET.parse(Path(str(found))).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("viewBox") == "0 0 32 32"
