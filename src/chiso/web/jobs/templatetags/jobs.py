"""`{% load jobs %}{% period_jobs %}`: the snapshot check on the period page — a form to start
it for a published year, and the latest runs with their state."""

from __future__ import annotations

from typing import Any

from django import template

from chiso.web.accounts.policy import Action, can
from chiso.web.jobs.selectors import jobs_of
from chiso.web.publishing.models import Snapshot

register = template.Library()

RECOMPUTE = "snapshot.recompute"


def published_years() -> list[int]:
    """Years that have snapshots, newest first."""
    years = Snapshot.objects.values_list("period__year", flat=True).distinct()
    return sorted(set(years), reverse=True)


@register.inclusion_tag("jobs/_period_jobs.html", takes_context=True)
def period_jobs(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    allowed = can(user, Action.JOBS_MANAGE)
    years = published_years() if allowed else []
    runs = [(year, jobs_of(kind=RECOMPUTE, target=f"period:{year}", limit=1)) for year in years]
    return {
        "allowed": allowed,
        "years": years,
        "runs": [(year, jobs[0]) for year, jobs in runs if jobs],
        "csrf_token": context.get("csrf_token"),
    }
