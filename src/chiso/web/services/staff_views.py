"""Staff service-quality pages under /quan-ly/chat-luong/: the store and its uploads, the demo
province, computations and their snapshots, publication, the PAR link, and the overdue dossiers
behind a rate.

Why the overdue list is staff-only: a dossier code is not personal data, but it is the key a
citizen's case is filed under (the receipt, the one-stop-shop system, a complaint); a public
list of late cases by code invites lookups of who applied for what and when, and adds nothing
the public rates do not already say. The unit's own officer and its appraiser see their unit's
list (to act on it); the reform office, the council chair and leadership see every unit's.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chiso.web.accounts.policy import Action, can, require
from chiso.web.evaluations.workflow import WorkflowError
from chiso.web.jobs.models import Job
from chiso.web.services import selectors, services
from chiso.web.services.forms import ComputeForm, FeedForm, GenerateForm, UploadForm
from chiso.web.services.jobs import GENERATE_MAX_YEARS
from chiso.web.services.models import ServiceSnapshot
from chiso.web.services.par_feed import par_fill_measured
from chiso.web.services.store import store_summary
from chiso.web.services.views import procedures_page, ranking_page, unit_page
from chiso.web.twins import csv_response
from chiso.web.units.models import Unit

KINDS = ("service.import", "service.generate", "service.compute")
SHOWN = 1000  # overdue dossiers listed on the page; the CSV has them all
OVERDUE_COLUMNS = (
    "period", "unit_code", "procedure_code", "dossier_id", "received_at", "due_at",
    "end_at", "finished", "requests", "basis", "net_days",
)  # fmt: skip


def _may_view(user: Any) -> None:
    require(user, Action.SERVICE_VIEW)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    _may_view(request.user)
    may_manage = can(request.user, Action.SERVICE_MANAGE)
    jobs = Job.objects.filter(kind__in=KINDS).select_related("started_by")[:10]
    context = {
        "store": store_summary(),
        "snapshots": list(selectors.snapshots_recent()),
        "jobs": jobs if may_manage else [],  # the job pages are the reform office's
        "may_manage": may_manage,
        "may_publish": can(request.user, Action.SERVICE_PUBLISH),
        "upload_form": UploadForm(),
        # ids of its own: its "dossiers" field is the upload form's too
        "generate_form": GenerateForm(auto_id="id_generate_%s"),
        "generate_max_years": GENERATE_MAX_YEARS,
        "compute_form": ComputeForm(),
        "feed_form": FeedForm(),
    }
    return render(request, "services/dashboard.html", context)


def _start(request: HttpRequest, start: Any) -> HttpResponse:
    try:
        job = start()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("services:dashboard")
    return redirect("jobs:detail", pk=job.pk)


def _form_errors(request: HttpRequest, form: Any) -> HttpResponse:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
    return redirect("services:dashboard")


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.SERVICE_MANAGE)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_errors(request, form)
    files = form.files_by_table()
    return _start(request, lambda: services.dossiers_upload(files=files, by=request.user))


@login_required
@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.SERVICE_MANAGE)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    data = form.cleaned_data
    return _start(
        request,
        lambda: services.synthetic_generate_start(
            dossiers=data["dossiers"],
            first_year=data["first_year"],
            year=data["year"],
            seed=data["seed"],
            by=request.user,
        ),
    )


@login_required
@require_POST
def compute(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.SERVICE_MANAGE)
    form = ComputeForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    spec, as_of = form.cleaned_data["spec"].strip(), form.cleaned_data["as_of"]
    return _start(
        request, lambda: services.snapshot_compute_start(spec=spec, as_of=as_of, by=request.user)
    )


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = selectors.snapshot_for(pk)
    try:
        services.snapshot_publish(snapshot=snapshot, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Đã công bố kết quả #%(id)d (%(title)s).")
            % {"id": snapshot.pk, "title": snapshot.title},
        )
    return redirect("services:snapshot", pk=snapshot.pk)


@login_required
@require_POST
def feed(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.SERVICE_MANAGE)
    form = FeedForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    period, snapshot = form.cleaned_data["period"], form.cleaned_data["snapshot"]
    snapshot = selectors.snapshot_for(snapshot.pk)
    try:
        outcome = par_fill_measured(period=period, snapshot=snapshot, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except WorkflowError as exc:
        messages.error(request, exc.vi)
    else:
        unmeasured = sum(len(v) for v in outcome.unmeasured.values())
        messages.success(
            request,
            _(
                "Đã điền %(filled)d tiêu chí từ số liệu đo (%(changed)d thay đổi); giữ nguyên "
                "%(kept)d tiêu chí người thẩm định đã chấm; %(none)d tiêu chí không có số liệu đo."
            )
            % {
                "filled": len(outcome.filled),
                "changed": outcome.changed,
                "kept": len(outcome.kept),
                "none": unmeasured,
            },
        )
    return redirect("services:dashboard")


# --- a snapshot, as the public will see it -------------------------------------------------------


def _snapshot(request: HttpRequest, pk: int) -> ServiceSnapshot:
    _may_view(request.user)
    return selectors.snapshot_for(pk)


def _base(snapshot: ServiceSnapshot) -> str:
    return f"/quan-ly/chat-luong/ket-qua/{snapshot.pk}"


def _staff(request: HttpRequest, snapshot: ServiceSnapshot) -> dict[str, Any]:
    return {
        "staff": True,
        "may_publish": can(request.user, Action.SERVICE_PUBLISH),
        "staff_base": _base(snapshot),
    }


@login_required
@require_GET
def snapshot(request: HttpRequest, pk: int, fmt: str = "html") -> HttpResponse:
    snap = _snapshot(request, pk)
    return ranking_page(request, snap, _base(snap), fmt, **_staff(request, snap))


@login_required
@require_GET
def snapshot_unit(request: HttpRequest, pk: int, unit: str, fmt: str = "html") -> HttpResponse:
    snap = _snapshot(request, pk)
    extra = {**_staff(request, snap), "may_see_dossiers": _may_see_dossiers(request.user, unit)}
    return unit_page(request, snap, _base(snap), unit, fmt, **extra)


@login_required
@require_GET
def snapshot_procedures(
    request: HttpRequest, pk: int, unit: str, fmt: str = "html"
) -> HttpResponse:
    snap = _snapshot(request, pk)
    extra = {**_staff(request, snap), "may_see_dossiers": _may_see_dossiers(request.user, unit)}
    return procedures_page(request, snap, _base(snap), unit, fmt, **extra)


def _may_see_dossiers(user: Any, unit: str) -> bool:
    return can(user, Action.SERVICE_DOSSIERS, unit=Unit.objects.filter(code=unit).first())


@login_required
@require_GET
def overdue(request: HttpRequest, pk: int, unit: str, fmt: str = "html") -> HttpResponse:
    """The overdue dossiers behind a unit's on-time rate (staff only; see the module notes)."""
    snap = selectors.snapshot_for(pk)
    require(request.user, Action.SERVICE_DOSSIERS, unit=Unit.objects.filter(code=unit).first())
    part = selectors.unit_part(snap, unit)
    if part is None:
        raise Http404(_("Không có đơn vị này trong kết quả."))
    period = request.GET.get("ky") or snap.spec
    if period not in snap.periods:
        period = snap.spec
    procedure = request.GET.get("thu_tuc") or None
    frame = selectors.overdue_list(snap, unit, period=period, procedure=procedure)
    if fmt == "csv":
        name = f"chiso-tre-han-{snap.spec}-{unit}-{period}.csv"
        return csv_response(frame.to_dicts(), OVERDUE_COLUMNS, name, public=False)
    names = {p["procedure"]: p["procedure_name"] for p in part.document["procedures"]}
    rows = [
        {**row, "procedure_name": names.get(row["procedure_code"]) or ""}
        for row in frame.head(SHOWN).to_dicts()
    ]
    context = {
        "snapshot": snap,
        "part": part,
        "period": period,
        "procedure": procedure,
        "rows": rows,
        "count": frame.height,
        "shown": SHOWN,
        "base": _base(snap),
        "periods": snap.periods,
    }
    return render(request, "services/overdue.html", context)
