"""The job pages over HTTP: who sees which job, the polling fragment, the no-JS refresh,
cancelling, and a failure page without the traceback."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chiso.web.jobs.models import Job, JobState
from chiso.web.jobs.services import job_start

pytestmark = pytest.mark.db

HTMX = {"HTTP_HX_REQUEST": "true"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def queued(kinds: None, admin_user: Any) -> Job:
    """A job of the admin's that stays queued (its transaction's commit never comes)."""
    return job_start(kind="test.count", params={"n": 2}, by=admin_user, target="period:2024")


def test_an_active_job_polls_its_progress_and_refreshes_without_js(
    queued: Job, admin_user: Any
) -> None:
    page = signed_in(admin_user).get(reverse("jobs:detail", args=[queued.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'hx-get="{reverse("jobs:progress", args=[queued.pk])}"' in html
    assert 'hx-trigger="every 2s"' in html
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html
    assert "Đang chờ" in html


def test_the_fragment_shows_progress_and_stops_polling_when_the_job_ends(
    queued: Job, admin_user: Any
) -> None:
    client = signed_in(admin_user)
    url = reverse("jobs:progress", args=[queued.pk])
    Job.objects.filter(pk=queued.pk).update(
        state=JobState.RUNNING, progress_done=3, progress_total=4, message="Đang tính khối sở"
    )
    running = client.get(url, **HTMX)
    html = running.content.decode()
    assert "hx-trigger" in html and "HX-Refresh" not in running.headers
    assert 'max="4" value="3"' in html and "75%" in html and "Đang tính khối sở" in html
    assert "<html" not in html  # a fragment, not a page

    Job.objects.filter(pk=queued.pk).update(state=JobState.DONE, progress_done=4)
    done = client.get(url, **HTMX)
    assert "hx-trigger" not in done.content.decode()
    assert done.headers["HX-Refresh"] == "true"  # one reload shows the result


def test_a_finished_job_does_not_refresh(queued: Job, admin_user: Any) -> None:
    Job.objects.filter(pk=queued.pk).update(state=JobState.DONE, result={"counted": 2})
    html = signed_in(admin_user).get(reverse("jobs:detail", args=[queued.pk])).content.decode()
    assert "refresh" not in html and "hx-trigger" not in html
    assert "Hoàn thành" in html and "counted" in html


def test_a_failed_job_shows_the_message_and_no_traceback(
    kinds: None, admin_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="test.crash", params={}, by=admin_user)
    html = signed_in(admin_user).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Tác vụ gặp lỗi ngoài dự kiến" in html and 'role="alert"' in html
    assert "Traceback" not in html and "bí mật" not in html and "RuntimeError" not in html


def test_only_the_starter_and_the_reform_office_see_a_job(
    kinds: None, admin_user: Any, chair: Any, officer: Any
) -> None:
    mine = job_start(kind="test.chair", params={"n": 1}, by=chair)
    for user, status in ((chair, 200), (admin_user, 200), (officer, 403)):
        for name in ("jobs:detail", "jobs:progress"):
            response = signed_in(user).get(reverse(name, args=[mine.pk]))
            assert response.status_code == status, (user, name)
    assert Client().get(reverse("jobs:detail", args=[mine.pk])).status_code == 302  # log in
    assert signed_in(admin_user).get(reverse("jobs:detail", args=[999999])).status_code == 404


def test_the_list_shows_everyones_jobs_to_the_reform_office_only(
    kinds: None, admin_user: Any, chair: Any
) -> None:
    admins = job_start(kind="test.count", params={"n": 1}, by=admin_user)
    chairs = job_start(kind="test.chair", params={"n": 1}, by=chair)
    link = 'href="{}"'.format
    office = signed_in(admin_user).get(reverse("jobs:list")).content.decode()
    assert link(reverse("jobs:detail", args=[admins.pk])) in office
    assert link(reverse("jobs:detail", args=[chairs.pk])) in office
    own = signed_in(chair).get(reverse("jobs:list")).content.decode()
    assert link(reverse("jobs:detail", args=[chairs.pk])) in own
    assert link(reverse("jobs:detail", args=[admins.pk])) not in own


def test_cancel_from_the_page(queued: Job, admin_user: Any, officer: Any) -> None:
    url = reverse("jobs:cancel", args=[queued.pk])
    assert signed_in(officer).post(url).status_code == 403
    response = signed_in(admin_user).post(url, follow=True)
    assert "Đã yêu cầu hủy tác vụ." in response.content.decode()
    queued.refresh_from_db()
    assert queued.state == JobState.CANCELLED
    again = signed_in(admin_user).post(url, follow=True).content.decode()
    assert "không hủy được nữa" in again


def test_a_job_without_a_file_has_no_download(queued: Job, admin_user: Any) -> None:
    response = signed_in(admin_user).get(reverse("jobs:download", args=[queued.pk]))
    assert response.status_code == 404


def test_a_result_file_outside_the_jobs_folder_is_never_served(
    queued: Job, admin_user: Any, data_dir: Any
) -> None:
    (data_dir / "chiso.sqlite3").write_bytes(b"secret")
    Job.objects.filter(pk=queued.pk).update(
        state=JobState.DONE, result={"file": f"jobs/{queued.pk}/../../chiso.sqlite3"}
    )
    response = signed_in(admin_user).get(reverse("jobs:download", args=[queued.pk]))
    assert response.status_code == 404
