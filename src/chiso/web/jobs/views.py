"""Job pages: the recent list, one job's page with a progress fragment that htmx polls, its
result file, cancelling, and starting the snapshot check of a year.

Without JavaScript the job page refreshes itself (a meta refresh inside <noscript>) while the
job is queued or running; with htmx only the progress fragment is fetched every two seconds,
and the whole page reloads once, when the job ends, to show the result.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chiso.web.accounts.policy import Action, can
from chiso.web.jobs import selectors, services
from chiso.web.jobs.outputs import output_path
from chiso.web.jobs.registry import JOB_KINDS
from chiso.web.jobs.templatetags.jobs import published_years

POLL_SECONDS = 2
RECOMPUTE = "snapshot.recompute"


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = selectors.jobs_recent(user=request.user)
    context = {
        "rows": [(job, JOB_KINDS.get(job.kind)) for job in jobs],
        "all_jobs": can(request.user, Action.JOBS_MANAGE),
        "years": published_years(),
    }
    return render(request, "jobs/list.html", context)


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(user=request.user, pk=pk)
    context = {
        "job": job,
        "kind": JOB_KINDS.get(job.kind),
        "file": output_path(job),
        "may_cancel": job.is_active,
        "poll_seconds": POLL_SECONDS,
    }
    return render(request, "jobs/detail.html", context)


@login_required
@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(user=request.user, pk=pk)
    context = {"job": job, "poll_seconds": POLL_SECONDS}
    response = render(request, "jobs/_progress.html", context)
    if not job.is_active and request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"  # show the result: reload the whole page once
    return response


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = selectors.job_for(user=request.user, pk=pk)
    path = output_path(job)
    if path is None:
        raise Http404(_("Tác vụ này không có tệp kết quả."))
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@login_required
@require_POST
def job_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(user=request.user, pk=pk)
    try:
        services.job_cancel(job=job, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã yêu cầu hủy tác vụ."))
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def recompute_start(request: HttpRequest) -> HttpResponse:
    """Start (or join, if one is under way) the check of every published snapshot of a year."""
    year = request.POST.get("year", "").strip()
    year = str(int(year)) if year.isdigit() else year  # one dedupe key for "2024" and "02024"
    try:
        job = services.job_start(
            kind=RECOMPUTE,
            params={"year": year},
            by=request.user,
            dedupe_key=f"{RECOMPUTE}:{year}",
            target=f"period:{year}",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("jobs:list")
    return redirect("jobs:detail", pk=job.pk)
