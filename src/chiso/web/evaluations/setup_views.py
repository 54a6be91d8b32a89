"""Setting up a period from the web: creating it, giving each block its method file, and
setting its calendar. The reform office did this from the shell before.

Views parse, authorise (`policy.require`), call one service and redirect, or render the period
admin page again with the problems next to the form that caused them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chiso.web.accounts import policy
from chiso.web.evaluations import selectors, services, views
from chiso.web.evaluations.forms import CalendarForm, MethodForm, PeriodCreateForm
from chiso.web.evaluations.models import Period, PeriodMethod, PeriodState
from chiso.web.evaluations.workflow import WorkflowError
from chiso.web.units.models import Unit

# "PAR012 fields[0].criteria: message" — a method problem as the service renders it.
PROBLEM = re.compile(r"^(PAR\d{3}) (.*?): (.*)$", re.DOTALL)


@dataclass(frozen=True)
class MethodProblem:
    code: str
    place: str
    message: str


def method_problems(exc: ValidationError | WorkflowError) -> list[MethodProblem]:
    """The service's refusal split into code, place and message (the whole text otherwise)."""
    found = []
    for text in views._messages_of(exc):
        match = PROBLEM.match(text)
        found.append(MethodProblem(*match.groups()) if match else MethodProblem("", "", text))
    return found


@dataclass
class BlockSetup:
    block: str
    title: str  # the block's name from a method file; empty where no method names it yet
    method: PeriodMethod | None
    form: MethodForm
    problems: list[MethodProblem]

    @property
    def short_hash(self) -> str:
        return self.method.method_hash.removeprefix("sha256:")[:12] if self.method else ""


def setup_context(
    period: Period,
    *,
    method_forms: dict[str, MethodForm] | None = None,
    problems: dict[str, list[MethodProblem]] | None = None,
    calendar_form: CalendarForm | None = None,
) -> dict[str, Any]:
    """What the period admin page shows of the setup: each block's method (editable only in
    draft) and the calendar. Blocks: those of the unit list and those already given a method."""
    methods = {m.block: m for m in PeriodMethod.objects.filter(period=period)}
    blocks = sorted({*Unit.objects.values_list("block", flat=True).distinct(), *methods})
    titles = selectors.block_titles(period, blocks)
    method_forms, problems = method_forms or {}, problems or {}
    initial = {name: getattr(period, name) for name in services.CALENDAR}
    return {
        "setup_open": period.state == PeriodState.DRAFT,
        # Deadlines may be extended while the cycle runs (the service allows it until
        # publication); the methods may not change once units have claimed under them.
        "calendar_open": period.state != PeriodState.PUBLISHED,
        "blocks": [
            BlockSetup(
                b,
                titles.get(b, ""),
                methods.get(b),
                method_forms.get(b) or MethodForm(prefix=b),
                problems.get(b, []),
            )
            for b in blocks
        ],
        "calendar_form": calendar_form or CalendarForm(initial=initial),
    }


def _render(request: HttpRequest, period: Period, **setup: Any) -> HttpResponse:
    return views._render_period(request, period, setup=setup_context(period, **setup), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def period_new(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Action.PERIOD_MANAGE)
    form = PeriodCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            field = "year" if exc.code == "duplicate" else "title"
            form.add_error(field, exc)
        else:
            messages.success(request, _("Đã tạo kỳ đánh giá %(title)s.") % {"title": period})
            return redirect("evaluations:period_admin")
    status = 400 if form.errors else 200
    context = {"form": form, "period": selectors.period_current()}
    return render(request, "evaluations/period_new.html", context, status=status)


@login_required
@require_POST
def period_method(request: HttpRequest, block: str) -> HttpResponse:
    period = views._period()
    policy.require(request.user, policy.Action.PERIOD_MANAGE)
    form = MethodForm(request.POST, request.FILES, prefix=block)
    if not form.is_valid():
        return _render(request, period, method_forms={block: form})
    try:
        method_yaml = form.method_yaml()
    except ValidationError as exc:
        form.add_error("file", exc)
        return _render(request, period, method_forms={block: form})
    try:
        method = services.period_set_method(
            period=period, block=block, method_yaml=method_yaml, by=request.user
        )
    except (ValidationError, WorkflowError) as exc:
        return _render(request, period, problems={block: method_problems(exc)})
    name = selectors.block_titles(period).get(block, block)
    messages.success(
        request,
        _("%(block)s dùng bộ tiêu chí: %(title)s.") % {"block": name, "title": method.title},
    )
    return redirect("evaluations:period_admin")


@login_required
@require_POST
def period_calendar(request: HttpRequest) -> HttpResponse:
    period = views._period()
    policy.require(request.user, policy.Action.PERIOD_MANAGE)
    form = CalendarForm(request.POST)
    if form.is_valid():
        try:
            services.period_set_calendar(period=period, by=request.user, **form.cleaned_data)
        except (ValidationError, WorkflowError) as exc:
            for problem in views._messages_of(exc):
                form.add_error(None, problem)
        else:
            messages.success(request, _("Đã lưu lịch của kỳ đánh giá."))
            return redirect("evaluations:period_admin")
    return _render(request, period, calendar_form=form)
