"""The service-quality pages say what the indicator set is (modelled) in the interface language;
the data twins keep the published Vietnamese label."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from chiso.io.results import STATUS_LABELS

pytestmark = pytest.mark.db

VIETNAMESE, ENGLISH = STATUS_LABELS["modelled"]


def test_the_method_banner_follows_the_language(client: Client, published: Any) -> None:
    url = f"/chat-luong/{published.spec}/"
    page = client.get(url).content.decode()
    assert VIETNAMESE in page and ENGLISH not in page
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert ENGLISH in page and VIETNAMESE not in page.split("<main", 1)[0]
    document = json.loads(client.get(f"/chat-luong/{published.spec}.json").content)
    assert document["method"]["status_label"] == VIETNAMESE
