"""Text responses travel gzipped to a browser that accepts it; files that are compressed already
(PDF, XLSX, …) are sent as they are, with their length."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
# The CSRF token is masked anew in every response (Django's own defence against BREACH).
TOKEN = re.compile(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+')


def unmasked(body: bytes) -> bytes:
    return TOKEN.sub(rb"\1...", body)


def test_the_ranking_page_is_gzipped_for_a_browser_that_accepts_it(
    client: Client, two_years: Any
) -> None:
    plain = client.get("/2024/so/")
    packed = client.get("/2024/so/", **GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    # The same page, in a fraction of the bytes (its inline SVG charts compress well).
    assert unmasked(gzip.decompress(packed.content)) == unmasked(plain.content)
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content) / 4


@pytest.mark.parametrize("url", ["/2024/so.json", "/2024/so.csv"])
def test_the_data_twins_are_gzipped_too(client: Client, two_years: Any, url: str) -> None:
    plain = client.get(url)
    packed = client.get(url, **GZIP)
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content


def test_a_compressed_download_is_sent_as_it_is(
    client: Client, two_years: Any, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    response = client.get("/2024/tai-ve/phu-luc.xlsx", **GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    body = b"".join(response.streaming_content)
    assert body[:4] == b"PK\x03\x04"
    assert int(response["Content-Length"]) == len(body)
