"""The progress reporter writes at most every `min_interval` seconds, always the first and the
last step, keeps the latest values for `flush`, and notices a cancel request when it writes."""

from __future__ import annotations

import pytest

from chiso.web.jobs.models import Job, JobState
from chiso.web.jobs.progress import JobCancelled, Progress

pytestmark = pytest.mark.db


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def running() -> Job:
    return Job.objects.create(kind="test", state=JobState.RUNNING)


def row(job: Job) -> tuple[int, int | None, str]:
    job.refresh_from_db()
    return job.progress_done, job.progress_total, job.message


def test_writes_are_throttled_but_first_and_last_steps_always_land(running: Job) -> None:
    clock = Clock()
    report = Progress(running.pk, min_interval=0.5, clock=clock)

    report(0, 1000, "bắt đầu")
    assert row(running) == (0, 1000, "bắt đầu") and report.writes == 1
    for done in range(1, 500):  # all within the same instant: none written
        report(done, 1000, f"dòng {done}")
    assert row(running) == (0, 1000, "bắt đầu") and report.writes == 1

    clock.now += 0.5
    report(500, 1000, "dòng 500")
    assert row(running) == (500, 1000, "dòng 500") and report.writes == 2

    report(1000, 1000, "xong")  # the last step, though only just after the previous write
    assert row(running) == (1000, 1000, "xong") and report.writes == 3


def test_flush_writes_what_was_held_back(running: Job) -> None:
    report = Progress(running.pk, min_interval=60, clock=Clock())
    report(1, None, "đang đọc tệp")
    report(7, None, "đã đọc 7 dòng")
    assert row(running)[0] == 1
    report.flush()
    assert row(running) == (7, None, "đã đọc 7 dòng")
    writes = report.writes
    report.flush()  # nothing new: no write
    assert report.writes == writes


def test_long_messages_are_cut_and_negative_counts_clamped(running: Job) -> None:
    Progress(running.pk)(-5, -1, "x" * 1000)
    assert row(running) == (0, 0, "x" * 255)


def test_a_cancel_request_stops_the_job_at_its_next_write(running: Job) -> None:
    clock = Clock()
    report = Progress(running.pk, min_interval=1, clock=clock)
    report(1, 10)
    Job.objects.filter(pk=running.pk).update(cancel_requested=True)
    report(2, 10)  # held back: not noticed yet
    clock.now += 1
    with pytest.raises(JobCancelled):
        report(3, 10)
    assert row(running)[0] == 1  # the cancelled job's row is left as it was
