"""Published tables (copied from shared/data/published, with their sources) as golden tests."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

PUBLISHED = Path(__file__).resolve().parents[2] / "examples" / "published"


def read_published(name: str) -> list[dict[str, str]]:
    with (PUBLISHED / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def published():
    return read_published
