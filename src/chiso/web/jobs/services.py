"""Writes on jobs: start (with dedupe), cancel, and the worker's state changes.

`job_start` checks the kind's permission and parameters, stores the job and hands it to the
queue only once the transaction has committed (a worker must never look for a row it cannot
see yet). The worker moves the job queued → running → done / failed / cancelled through
`job_begin` and `job_settle`, each in a transaction with its audit event.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from chiso.web.accounts.policy import Action, can, require
from chiso.web.audit.services import audit_record
from chiso.web.jobs.models import ACTIVE_STATES, Job, JobState
from chiso.web.jobs.registry import kind_get
from chiso.web.jobs.texts import JobText, Said, text_dump

__all__ = ["job_begin", "job_cancel", "job_settle", "job_start"]

SETTLE_ACTIONS = {
    JobState.DONE: "job.finish",
    JobState.FAILED: "job.fail",
    JobState.CANCELLED: "job.cancelled",
}


def job_start(
    *,
    kind: str,
    params: dict[str, Any],
    by: Any,
    dedupe_key: str | None = None,
    target: str = "",
) -> Job:
    """Queue a job of `kind` for `by`. With `dedupe_key`, a queued or running job with the same
    key is returned instead of starting a second one. Raises `PermissionDenied`, or
    `ValidationError` when the kind's check refuses `params`."""
    spec = kind_get(kind)
    require(by, spec.action)
    params = _as_json(spec.clean(dict(params)))
    with transaction.atomic():
        if dedupe_key and (running := _active_with(dedupe_key)) is not None:
            return running
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    kind=kind,
                    started_by=by,
                    params=params,
                    target=target,
                    dedupe_key=dedupe_key or "",
                )
        except IntegrityError:
            # Another request started the same work between our look and our insert.
            running = _active_with(dedupe_key or "")
            if running is None:
                raise
            return running
        audit_record(
            actor=by, action="job.start", target=_target(job), new={"kind": kind, **params}
        )
        from chiso.web.jobs.runner import enqueue

        transaction.on_commit(partial(enqueue, job.pk))
    return job


def job_cancel(*, job: Job, by: Any) -> Job:
    """Cancel a queued job at once, or ask a running one to stop at its next progress report.
    Its starter or the reform office may cancel it."""
    if not (can(by, Action.JOBS_MANAGE) or _is_starter(job, by)):
        require(by, Action.JOBS_MANAGE)
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if not job.is_active:
            raise ValidationError(gettext("Tác vụ đã kết thúc, không hủy được nữa."))
        old = job.state
        if job.state == JobState.QUEUED:
            _finish(job, JobState.CANCELLED)
        else:
            job.cancel_requested = True
            job.save(update_fields=["cancel_requested", "updated_at"])
        audit_record(actor=by, action="job.cancel", target=_target(job), old=old, new=job.state)
    return job


def job_begin(job_id: int) -> Job | None:
    """The worker takes the job: queued → running. None when there is nothing to run: the
    job is gone, cancelled, or already running — a second delivery of the same task, which
    the queue makes only when the first worker died, so that run is marked failed."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state not in ACTIVE_STATES:
            return None
        if job.state == JobState.RUNNING:
            _settle(job, JobState.FAILED, error=interrupted_message())
            return None
        job.state, job.started_at = JobState.RUNNING, timezone.now()
        job.save(update_fields=["state", "started_at", "updated_at"])
    return job


def job_settle(
    job_id: int,
    state: JobState,
    *,
    result: Any = None,
    error: Said = "",
    progress: Any = None,
) -> Job | None:
    """End a job that is still queued or running as `state`; audited. A job that has already
    ended is left as it is (None). `error` is a `JobText` or a plain string."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or not job.is_active:
            return None
        if progress is not None:
            job.progress_done, job.progress_total = progress.done, progress.total
            job.message, job.message_source = progress.said
        _settle(job, state, result=result, error=error)
    return job


def interrupted_message() -> JobText:
    return JobText(
        gettext_noop(
            "Tác vụ bị gián đoạn vì tiến trình xử lý dừng đột ngột (máy chủ khởi động lại hoặc "
            "hết bộ nhớ). Hãy chạy lại tác vụ."
        )
    )


def _settle(job: Job, state: JobState, *, result: Any = None, error: Said = "") -> None:
    old = job.state
    if result is not None:
        job.result = _as_json(result if isinstance(result, dict) else {"value": result})
    job.error, job.error_source = text_dump(error)
    _finish(job, state)
    audit_record(
        actor=job.started_by,
        action=SETTLE_ACTIONS[state],
        target=_target(job),
        old=old,
        new=state,
        reason=job.error,
    )


def _finish(job: Job, state: JobState) -> None:
    job.state, job.finished_at = state, timezone.now()
    job.save()


def _active_with(dedupe_key: str) -> Job | None:
    return Job.objects.filter(dedupe_key=dedupe_key, state__in=ACTIVE_STATES).first()


def _is_starter(job: Job, user: Any) -> bool:
    return user is not None and user.is_authenticated and job.started_by_id == user.pk


def _target(job: Job) -> str:
    return f"job:{job.pk} {job.kind} {job.target}".strip()


def _as_json(value: dict[str, Any]) -> dict[str, Any]:
    """A plain JSON copy: dates and decimals become strings now, not when the row is saved."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))  # type: ignore[no-any-return]
