"""A job's progress line and error are said in the reader's language, although the worker that
wrote them had none (it runs in Vietnamese); rows from before the untranslated texts were kept,
and texts that no longer render, show the text stored beside them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chiso.web.jobs.models import Job, JobState
from chiso.web.jobs.services import job_start

pytestmark = pytest.mark.db


def read(user: Any, job: Job, *, lang: str = "vi", view: str = "jobs:detail") -> str:
    client = Client()
    client.force_login(user)
    if lang != "vi":
        client.cookies["django_language"] = lang
    response = client.get(reverse(view, args=[job.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def run(kinds: None, admin_user: Any, django_capture_on_commit_callbacks: Any) -> Any:
    def run(kind: str) -> Job:
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(kind=kind, params={}, by=admin_user)
        job.refresh_from_db()
        return job

    return run


def test_a_crashed_job_says_so_in_english_to_an_english_reader(run: Any, admin_user: Any) -> None:
    job = run("test.crash")
    english = read(admin_user, job, lang="en")
    assert "The job hit an unexpected error and stopped" in english
    assert f"(job no. {job.pk})" in english and "Tác vụ gặp lỗi" not in english
    assert "Tác vụ gặp lỗi ngoài dự kiến" in read(admin_user, job)


def test_progress_and_error_follow_the_readers_language(run: Any, admin_user: Any) -> None:
    job = run("test.say")
    assert job.state == JobState.FAILED

    english = read(admin_user, job, lang="en")
    assert "Recomputing block Sở, ban, ngành" in english
    assert "2024 no longer has published results." in english
    assert (
        "f.csv row 2, column &#x27;value&#x27;: value &#x27;x&#x27; is not valid for criterion "
        "2.1: &#x27;x&#x27; is not a number (INP004)"
    ) in english
    fragment = read(admin_user, job, lang="en", view="jobs:progress")
    assert "Recomputing block" in fragment and "no longer has published results" in fragment

    vietnamese = read(admin_user, job)
    assert "Đang tính lại khối Sở, ban, ngành" in vietnamese
    assert "Năm 2024 không còn kết quả công bố." in vietnamese
    assert "f.csv dòng 2, cột &#x27;value&#x27;: giá trị &#x27;x&#x27;" in vietnamese
    assert "&#x27;x&#x27; không phải là số (INP004)" in vietnamese

    # The row keeps the Vietnamese text too: the admin and the audit log show it.
    assert job.message == "Đang tính lại khối Sở, ban, ngành"
    assert job.error.startswith("Năm 2024 không còn kết quả công bố.\nf.csv dòng 2")


def test_rows_without_a_source_show_their_stored_text(kinds: None, admin_user: Any) -> None:
    old = Job.objects.create(
        kind="test.say",
        started_by=admin_user,
        state=JobState.FAILED,
        message="Đang tính khối sở",
        error="Lỗi cũ: tệp hỏng.",
    )
    english = read(admin_user, old, lang="en")
    assert "Đang tính khối sở" in english and "Lỗi cũ: tệp hỏng." in english


def test_a_source_that_no_longer_renders_falls_back_to_the_stored_text(
    kinds: None, admin_user: Any
) -> None:
    job = Job.objects.create(
        kind="test.say",
        started_by=admin_user,
        state=JobState.FAILED,
        message="Đang tính lại khối A",
        message_source={"msgid": "Đang tính lại khối %(block)s", "params": {"khoi": "A"}},
        error="Lỗi đã lưu.",
        error_source={"problem": {"code": "XYZ999", "where": "f", "params": {}}},
    )
    english = read(admin_user, job, lang="en")
    assert "Đang tính lại khối A" in english and "Lỗi đã lưu." in english
