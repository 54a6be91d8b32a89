"""What the queue's worker runs: `job_run(job_id)`, and the hook that catches what it cannot.

`job_run` never lets an ordinary exception escape: it logs the traceback and stores a clean
message (a `JobText`, said in each reader's language), so the queue records a success either
way and never retries a job on its own (a retry is the user's decision, with a new job). Two
things can still get past it — the worker's time limit and a task the worker could not even
load — and `job_settled`, the queue's result hook, marks the job failed in those cases.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext_noop
from django_q.exceptions import TimeoutException

from chiso.web.jobs.models import Job, JobState
from chiso.web.jobs.progress import JobCancelled, JobError, Progress
from chiso.web.jobs.registry import kind_get
from chiso.web.jobs.services import job_begin, job_settle
from chiso.web.jobs.texts import JobText

__all__ = ["enqueue", "job_run", "job_settled"]

logger = logging.getLogger("chiso.jobs")

RUN = "chiso.web.jobs.runner.job_run"
HOOK = "chiso.web.jobs.runner.job_settled"


def enqueue(job_id: int) -> None:
    """Hand the job to the queue (called once its row is committed). In sync mode (tests,
    ``CHISO_JOBS_SYNC``) the job runs here and now."""
    from django_q.tasks import async_task

    try:
        task_id = async_task(RUN, job_id, task_name=f"chiso-job-{job_id}", hook=HOOK)
    except Exception:
        logger.exception("job %s could not be queued", job_id)
        job_settle(job_id, JobState.FAILED, error=_unqueued_message())
        return
    Job.objects.filter(pk=job_id).update(task_id=str(task_id)[:64])


def job_run(job_id: int) -> str:
    """Run one job to its end and record how it ended ("done", "failed", "cancelled",
    "skipped" when there was nothing to run)."""
    job = job_begin(job_id)
    if job is None:
        return "skipped"
    report = Progress(job.pk)
    try:
        result = kind_get(job.kind).function()(job=job, params=job.params, report=report)
        report.flush()
    except JobCancelled:
        job_settle(job_id, JobState.CANCELLED, progress=report)
        return "cancelled"
    except JobError as exc:
        logger.warning("job %s (%s) stopped: %s", job_id, job.kind, exc.message)
        job_settle(job_id, JobState.FAILED, error=exc.message, progress=report)
        return "failed"
    except TimeoutException:
        job_settle(job_id, JobState.FAILED, error=_timeout_message(), progress=report)
        raise  # the worker must still stop this process
    except Exception:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        job_settle(job_id, JobState.FAILED, error=_crash_message(job_id), progress=report)
        return "failed"
    job_settle(job_id, JobState.DONE, result=result, progress=report)
    return "done"


def job_settled(task: Any) -> None:
    """The queue's result hook: a task that failed outside `job_run`'s own handling."""
    if task.success or not task.args:
        return
    job_id = task.args[0]
    logger.error("job %s: the worker reported a failure: %s", job_id, task.result)
    job_settle(job_id, JobState.FAILED, error=_crash_message(job_id))


def _crash_message(job_id: int) -> JobText:
    return JobText(
        gettext_noop(
            "Tác vụ gặp lỗi ngoài dự kiến và đã dừng. Chi tiết kỹ thuật đã được ghi vào nhật ký "
            "máy chủ (tác vụ số %(id)s); hãy báo cho quản trị hệ thống."
        ),
        id=job_id,
    )


def _timeout_message() -> JobText:
    return JobText(
        gettext_noop(
            "Tác vụ chạy quá thời gian cho phép và đã bị dừng. Hãy chia nhỏ việc cần làm hoặc "
            "nhờ quản trị hệ thống tăng CHISO_JOB_TIMEOUT."
        )
    )


def _unqueued_message() -> JobText:
    return JobText(
        gettext_noop(
            "Không gửi được tác vụ vào hàng đợi (máy chủ hàng đợi không trả lời). Hãy thử lại sau."
        )
    )
