"""Reads on jobs: the recent list, one job for its page, the jobs of a kind for an object."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext

from chiso.web.accounts.policy import Action, can
from chiso.web.jobs.models import Job

__all__ = ["job_for", "job_visible", "jobs_of", "jobs_recent"]

RECENT = 50


def job_visible(user: Any, job: Job) -> bool:
    """Its starter sees a job; the reform office sees everyone's."""
    if user is None or not user.is_authenticated:
        return False
    return job.started_by_id == user.pk or can(user, Action.JOBS_MANAGE)


def job_for(*, user: Any, pk: int) -> Job:
    """The job `pk` for its page: 404 when there is none, refused when `user` may not see it."""
    job = Job.objects.select_related("started_by").filter(pk=pk).first()
    if job is None:
        raise Http404(gettext("Không có tác vụ này."))
    if not job_visible(user, job):
        raise PermissionDenied(gettext("Bạn không có quyền xem tác vụ của người khác."))
    return job


def jobs_recent(*, user: Any, limit: int = RECENT) -> QuerySet[Job]:
    """The latest jobs `user` may see: all of them for the reform office, else their own."""
    jobs = Job.objects.select_related("started_by")
    if not can(user, Action.JOBS_MANAGE):
        jobs = jobs.filter(started_by=user)
    return jobs[:limit]


def jobs_of(*, kind: str, target: str, limit: int = 5) -> list[Job]:
    """The latest jobs of `kind` for the object `target` (uses the kind/target index)."""
    return list(Job.objects.select_related("started_by").filter(kind=kind, target=target)[:limit])
