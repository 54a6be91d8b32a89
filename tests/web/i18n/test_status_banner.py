"""The banner that says what the numbers are (a modelled criteria set …) follows the interface
language; the data twins keep the published Vietnamese label."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.db

VIETNAMESE = "Bộ tiêu chí mô phỏng — dữ liệu minh họa, không phải kết quả chính thức"
ENGLISH = "Modelled criteria set — illustrative data, not an official result"


def banners(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    found = re.findall(
        r'<div class="state-banner[^"]*"[^>]*>(.*?)</div>\s*</div>', response.content.decode(), re.S
    )
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", b)).split()) for b in found]


@pytest.mark.parametrize("url", ["/", "/2024/so/", "/2024/so/TN.SCT/", "/2024/tai-ve/"])
def test_the_status_banner_follows_the_language(client: Client, two_years: Any, url: str) -> None:
    assert banners(client, url) == [VIETNAMESE]
    client.cookies["django_language"] = "en"
    assert banners(client, url) == [ENGLISH]


def test_the_data_keep_the_published_label(client: Client, two_years: Any) -> None:
    client.cookies["django_language"] = "en"
    document = json.loads(client.get("/2024/so.json").content)
    assert document["method"]["status_label"] == VIETNAMESE
