"""The public pages' charts are drawn ahead, in both languages, by the job the chair's
publication starts and by the office's publication-files job: the first visitor draws nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from chiso.web.jobs.models import Job, JobState
from chiso.web.publishing.downloads import FILES
from chiso.web.publishing.services import period_publish
from tests.web.publishing.helpers import period_in_review

pytestmark = pytest.mark.db


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Iterator[Path]:
    settings.DATA_DIR = tmp_path
    cache.clear()  # the page fragments, kept in this process
    yield tmp_path
    cache.clear()


def visit(url: str, language: str) -> str:
    client = Client()
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_chairs_publication_draws_the_pages_charts_ahead(
    admin_user: Any, chair: Any, drawings: list[str], django_capture_on_commit_callbacks: Any
) -> None:
    period = period_in_review(2024, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        period_publish(period=period, by=chair)
    job = Job.objects.get(kind="publication.charts")
    assert job.state == JobState.DONE, job.error
    assert job.result == {"year": 2024, "pages": 2}
    # Two blocks, no 2023 to compare with: the ranking and the heatmap, wide and narrow, in
    # Vietnamese and in English.
    assert len(drawings) == 2 * 2 * 2 * 2
    drawn = len(drawings)
    for url in ("/2024/so/", "/2024/huyen/"):
        for language, title in (("vi", "Chỉ số CCHC năm 2024"), ("en", "PAR Index 2024")):
            html = visit(url, language)
            assert html.count('<figure class="chart">') == 2
            assert title in html, (url, language)
    assert len(drawings) == drawn  # every chart read from its file


def test_the_publication_files_job_draws_them_too(
    client: Client,
    two_years: Any,
    admin_user: Any,
    drawings: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/quan-ly/cong-bo/2024/", {"action": "generate"})
    job = Job.objects.get(kind="publication.generate")
    assert job.state == JobState.DONE, job.error
    assert job.result["pages"] == 1
    # The page first, then the files (the annexes, the open data, the province report).
    assert job.progress_total == 1 + len(FILES) + 2
    assert len(drawings) == 2 * 3 * 2  # both languages, three charts, two layouts
    drawn = len(drawings)
    for language in ("vi", "en"):
        html = visit("/2024/so/", language)
        assert html.count('<figure class="chart">') == 3  # with the slope from 2023
    assert len(drawings) == drawn
