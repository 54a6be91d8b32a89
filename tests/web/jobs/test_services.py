"""job_start → progress → done / failed / cancelled, dedupe and permissions, through the
services; the jobs run synchronously when their transaction commits."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from chiso.web.audit.models import AuditEvent
from chiso.web.jobs.models import Job, JobState
from chiso.web.jobs.runner import job_run, job_settled
from chiso.web.jobs.services import job_begin, job_cancel, job_start
from tests.web.factories import RoleAssignmentFactory

pytestmark = pytest.mark.db


@pytest.fixture
def start(kinds: None, django_capture_on_commit_callbacks: Any) -> Any:
    """job_start, then run what the commit would hand to the queue."""

    def start(**kwargs: Any) -> Job:
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(**kwargs)
        job.refresh_from_db()
        return job

    return start


def actions(job: Job) -> list[str]:
    events = AuditEvent.objects.filter(target__startswith=f"job:{job.pk} ").order_by("id")
    return list(events.values_list("action", flat=True))


def test_a_job_runs_to_done_with_its_progress_visible_while_it_runs(
    start: Any, admin_user: Any
) -> None:
    job = start(kind="test.count", params={"n": 3}, by=admin_user, target="period:2024")

    assert job.state == JobState.DONE
    assert job.result["counted"] == 3
    # Midway the row said "running" and how far: the first report writes at once.
    assert job.result["seen"][0] == ["running", 0, 3]
    assert (job.progress_done, job.progress_total, job.message) == (3, 3, "xong")
    assert job.percent == 100
    assert job.started_by == admin_user and job.target == "period:2024"
    assert job.created_at <= job.started_at <= job.finished_at
    assert job.task_id
    assert actions(job) == ["job.start", "job.finish"]


def test_a_crash_shows_a_clean_message_and_logs_the_traceback(
    start: Any, admin_user: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="chiso.jobs"):
        job = start(kind="test.crash", params={}, by=admin_user)

    assert job.state == JobState.FAILED
    assert f"tác vụ số {job.pk}" in job.error
    assert "bí mật" not in job.error and "Traceback" not in job.error
    assert (job.progress_done, job.progress_total) == (1, 4)  # how far it got
    logged = "\n".join(r.getMessage() + str(r.exc_text or r.exc_info) for r in caplog.records)
    assert "bí mật nội bộ" in logged
    assert actions(job) == ["job.start", "job.fail"]
    assert AuditEvent.objects.get(action="job.fail").reason == job.error


def test_a_job_error_is_shown_as_the_function_wrote_it(start: Any, admin_user: Any) -> None:
    job = start(kind="test.refuse", params={}, by=admin_user)
    assert job.state == JobState.FAILED
    assert job.error == "Dòng 12, cột “value”: giá trị “abc” không phải là số."


def test_the_kinds_check_refuses_bad_parameters_before_anything_is_stored(
    start: Any, admin_user: Any
) -> None:
    with pytest.raises(ValidationError, match="số nguyên dương"):
        start(kind="test.count", params={"n": 0}, by=admin_user)
    assert not Job.objects.exists()


def test_an_unknown_kind_is_refused(start: Any, admin_user: Any) -> None:
    with pytest.raises(KeyError, match=r"test\.count"):
        start(kind="no.such.kind", params={}, by=admin_user)


def test_same_dedupe_key_returns_the_job_under_way(kinds: None, admin_user: Any) -> None:
    # Not committed, so never run: the first job stays queued.
    first = job_start(kind="test.count", params={"n": 2}, by=admin_user, dedupe_key="k:2024")
    again = job_start(kind="test.count", params={"n": 2}, by=admin_user, dedupe_key="k:2024")
    other = job_start(kind="test.count", params={"n": 2}, by=admin_user, dedupe_key="k:2023")

    assert again.pk == first.pk and other.pk != first.pk
    assert Job.objects.count() == 2
    assert AuditEvent.objects.filter(action="job.start").count() == 2


def test_a_finished_job_does_not_block_a_new_one(start: Any, admin_user: Any) -> None:
    first = start(kind="test.count", params={"n": 1}, by=admin_user, dedupe_key="k")
    second = start(kind="test.count", params={"n": 1}, by=admin_user, dedupe_key="k")
    assert first.state == second.state == JobState.DONE
    assert first.pk != second.pk


def test_the_database_allows_one_active_job_per_key(admin_user: Any) -> None:
    Job.objects.create(kind="k", dedupe_key="x", state=JobState.DONE)
    Job.objects.create(kind="k", dedupe_key="x", state=JobState.RUNNING)
    Job.objects.create(kind="k", dedupe_key="", state=JobState.RUNNING)
    Job.objects.create(kind="k", dedupe_key="", state=JobState.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind="k", dedupe_key="x", state=JobState.QUEUED)


def test_only_those_the_kind_names_may_start_it(
    kinds: None, admin_user: Any, chair: Any, officer: Any
) -> None:
    for user in (chair, officer):
        with pytest.raises(PermissionDenied):
            job_start(kind="test.count", params={"n": 1}, by=user)
    with pytest.raises(PermissionDenied):
        job_start(kind="test.chair", params={"n": 1}, by=admin_user)
    assert job_start(kind="test.chair", params={"n": 1}, by=chair).started_by == chair
    assert Job.objects.count() == 1


def test_cancelling_a_queued_job_ends_it_at_once(kinds: None, admin_user: Any) -> None:
    job = job_start(kind="test.count", params={"n": 2}, by=admin_user)
    job_cancel(job=job, by=admin_user)
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED and job.finished_at
    assert job_run(job.pk) == "skipped"  # the queue's delivery finds nothing to do
    with pytest.raises(ValidationError):
        job_cancel(job=job, by=admin_user)


def test_others_may_not_cancel_a_job(kinds: None, admin_user: Any, chair: Any) -> None:
    job = job_start(kind="test.chair", params={"n": 2}, by=chair)
    with pytest.raises(PermissionDenied):
        job_cancel(job=job, by=RoleAssignmentFactory(chair=True).user)
    job_cancel(job=job, by=admin_user)  # the reform office may


def test_a_running_job_stops_at_its_next_report_when_cancelled(start: Any, admin_user: Any) -> None:
    job = start(kind="test.cancel", params={}, by=admin_user)
    assert job.state == JobState.CANCELLED
    assert job.result == {}
    assert actions(job) == ["job.start", "job.cancelled"]


def test_a_second_delivery_of_a_running_job_marks_it_interrupted(
    kinds: None, admin_user: Any
) -> None:
    job = job_start(kind="test.count", params={"n": 1}, by=admin_user)
    assert job_begin(job.pk) is not None
    assert job_run(job.pk) == "skipped"
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "gián đoạn" in job.error


def test_the_queue_hook_fails_a_job_the_runner_could_not_settle(
    kinds: None, admin_user: Any
) -> None:
    job = job_start(kind="test.count", params={"n": 1}, by=admin_user)
    job_settled(SimpleNamespace(success=True, args=(job.pk,), result=None))
    assert Job.objects.get(pk=job.pk).state == JobState.QUEUED
    job_settled(SimpleNamespace(success=False, args=(job.pk,), result="Traceback …"))
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "Traceback" not in job.error


def test_a_queue_that_cannot_take_the_job_fails_it_with_a_message(
    start: Any, admin_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Error 111 connecting to redis:6379")

    monkeypatch.setattr("django_q.tasks.async_task", unreachable)
    job = start(kind="test.count", params={"n": 1}, by=admin_user)
    assert job.state == JobState.FAILED and "hàng đợi" in job.error
    assert "redis" not in job.error


def test_a_server_restarting_its_own_worker_marks_orphaned_jobs_interrupted(
    kinds: None, admin_user: Any
) -> None:
    from chiso.web.jobs.worker import jobs_interrupt_running

    running = job_start(kind="test.count", params={"n": 1}, by=admin_user)
    queued = job_start(kind="test.count", params={"n": 1}, by=admin_user)
    job_begin(running.pk)

    assert jobs_interrupt_running() == 1
    running.refresh_from_db()
    queued.refresh_from_db()
    assert running.state == JobState.FAILED and "gián đoạn" in running.error
    assert queued.state == JobState.QUEUED  # still waits for the new worker
