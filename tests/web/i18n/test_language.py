"""Vietnamese unless the user chose English — the browser's language does not decide."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.db


def test_vietnamese_by_default_even_for_an_english_browser(client):
    response = client.get("/tai-khoan/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    assert 'lang="vi"' in response.content.decode()


def test_the_switcher_choice_is_kept(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/tai-khoan/dang-nhap/")
    assert response["Content-Language"] == "en"
