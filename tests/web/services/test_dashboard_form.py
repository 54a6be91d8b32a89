"""The service dashboard's forms as a browser sees them: each label names its own input, and a
file that cannot be parsed comes back as a problem on the job page, not as an unexpected error."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from chiso.web.jobs.models import Job, JobState

pytestmark = pytest.mark.db


@pytest.fixture
def office(admin: Any, data_dir: Path) -> Client:
    client = Client()
    client.force_login(admin)
    return client


def test_every_id_on_the_dashboard_is_unique(office: Client) -> None:
    # The upload's file input and the synthetic generator's number of dossiers were both
    # id="id_dossiers": the label "Số hồ sơ trong năm" pointed at the file input.
    html = office.get("/quan-ly/chat-luong/").content.decode()
    ids = Counter(re.findall(r'\bid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    for target in re.findall(r'<label for="([^"]+)"', html):
        assert ids[target] == 1, target
    assert 'id="id_dossiers"' in html and 'id="id_generate_dossiers"' in html


def test_an_unparsable_file_is_reported_on_the_job_page(
    office: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    broken = tmp_path / "ho-so.csv"
    broken.write_text('ma_ho_so;foo\n"unterminated;1\n', encoding="utf-8")
    with broken.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = office.post("/quan-ly/chat-luong/tai-len/", {"dossiers": handle})
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.state == JobState.FAILED
    page = office.get(response["Location"]).content.decode()
    assert "không đọc được tệp" in page and "not properly escaped" in page
    assert "ngoài dự kiến" not in page  # not the unexpected-error page
