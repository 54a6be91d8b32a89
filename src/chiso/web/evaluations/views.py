"""Staff pages under /quan-ly/: home, self-assessment, evidence, appraisal, explanation,
council review and period administration.

Views parse, authorise (`policy.require`), call a service or selector, and render. A page with
criterion rows posts as one form (works without JavaScript); with htmx each row posts on its own
(`leaf` names it) and gets back only its re-rendered row.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chiso.web.accounts import policy
from chiso.web.accounts.models import Role, RoleAssignment
from chiso.web.evaluations import pages, selectors, services, setup_views
from chiso.web.evaluations.evidence import evidence_add, evidence_open
from chiso.web.evaluations.forms import (
    AnswerForm,
    AppraisalForm,
    PeriodCreateForm,
    SelfAssessmentForm,
    SurveyImportForm,
    TransitionForm,
    as_raw,
    digest,
)
from chiso.web.evaluations.models import (
    Assessment,
    AssessmentStatus,
    Evidence,
    ExplanationRequest,
    Period,
    PeriodState,
    Score,
)
from chiso.web.evaluations.readiness import PeriodNotReady, Readiness
from chiso.web.evaluations.workflow import WorkflowError, allowed_next, label
from chiso.web.publishing.services import period_publish
from chiso.web.services.selectors import measured_for
from chiso.web.units.models import Unit

GET_POST = require_http_methods(["GET", "POST"])


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _period() -> Period:
    period = selectors.period_current()
    if period is None:
        raise Http404(_("Chưa có kỳ đánh giá nào."))
    return period


def _messages_of(exc: ValidationError | WorkflowError) -> list[str]:
    if isinstance(exc, WorkflowError):
        return [exc.vi]
    return [str(m) for m in exc.messages]


# --- home ---------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What the signed-in user has to do in the current period, by role."""
    period = selectors.period_current()
    roles = list(RoleAssignment.objects.filter(user=request.user).select_related("unit"))
    context: dict[str, Any] = {"period": period, "roles": roles}
    context["may_manage"] = policy.can(request.user, "period.manage")
    if period is not None:
        units = [r.unit for r in roles if r.role == Role.OFFICER and r.unit is not None]
        context["assessments"] = [pages.progress(a) for a in _assessments(period, units)]
        context["is_appraiser"] = any(r.role == Role.APPRAISER for r in roles)
        if context["is_appraiser"]:
            queue = selectors.appraisal_queue(period, user=request.user, open_only=True)
            context["open_count"] = len(queue)
            context["open_units"] = sorted({line.score.assessment.unit for line in queue}, key=str)
        context["may_review"] = policy.can(request.user, "results.view_draft")
    return render(request, "evaluations/home.html", context)


def _assessments(period: Period, units: list[Unit]) -> Iterable[Assessment]:
    return Assessment.objects.filter(period=period, unit__in=units).select_related("unit")


# --- self-assessment ----------------------------------------------------------------------------


def _self_form(tree: selectors.TreeRow, data: Any, files: Any = None) -> SelfAssessmentForm:
    score = tree.score
    assert score is not None
    initial = {
        "value": score.self_value,
        "note": score.self_note,
        "version": score.version,
        "seen": digest(score.self_value, score.self_note),
    }
    return SelfAssessmentForm(tree.node, data=data, files=files, initial=initial)


def _assessment_of(unit_code: str, period: Period) -> Assessment:
    unit = get_object_or_404(Unit, code=unit_code)
    return get_object_or_404(Assessment.objects.select_related("unit"), period=period, unit=unit)


def _self_editable(request: HttpRequest, assessment: Assessment, period: Period) -> bool:
    return (
        period.state == PeriodState.SELF_ASSESSMENT
        and assessment.status == AssessmentStatus.DRAFT
        and policy.can(request.user, "assessment.edit", unit=assessment.unit)
    )


@login_required
@GET_POST
def self_assessment(request: HttpRequest, unit_code: str) -> HttpResponse:
    period = _period()
    assessment = _assessment_of(unit_code, period)
    policy.require(request.user, "assessment.view", unit=assessment.unit)
    if request.method == "POST":
        policy.require(request.user, "assessment.edit", unit=assessment.unit)
    editable = _self_editable(request, assessment, period)

    def make_form(tree: selectors.TreeRow, data: Any) -> SelfAssessmentForm:
        return _self_form(tree, data, request.FILES if data is not None else None)

    groups = pages.groups(assessment, make_form, lambda code: editable)
    if request.method != "POST":
        return _render_self(request, assessment, period, groups, editable)
    leaf = request.POST.get("leaf")
    if _is_htmx(request) and leaf:
        row = pages.find_row(groups, leaf)
        _save_self_row(request, row, make_form)
        context = {**_row_context(row, True), "progress": pages.progress(assessment)}
        return render(request, "evaluations/_self_row.html", context)
    rows = pages.posted_rows(groups, request.POST)
    problems = [p for row in rows for p in _save_self_row(request, row, make_form)]
    saved = not problems
    if request.POST.get("action") == "submit" and not problems:
        problems = _try(services.assessment_submit, assessment=assessment, by=request.user)
        if not problems:
            messages.success(request, _("Đã nộp hồ sơ tự đánh giá."))
            return redirect(request.path)
    if not problems:
        messages.success(request, _("Đã lưu nháp."))
        return redirect(request.path)
    # Every row saved, the submission refused: the draft is kept, so say so rather than that
    # nothing was saved.
    title = _("Đã lưu nháp nhưng chưa nộp được, vì:") if saved else None
    return _render_self(
        request, assessment, period, groups, editable, problems, status=400, problems_title=title
    )


def _try(service: Callable[..., Any], **kwargs: Any) -> list[str]:
    """Run a service; the problems it reports, for the page (empty when it succeeded)."""
    try:
        service(**kwargs)
    except (ValidationError, WorkflowError) as exc:
        return _messages_of(exc)
    return []


def _save_self_row(request: HttpRequest, row: pages.Row, make_form: pages.FormFactory) -> list[str]:
    """Save one row from the posted form; the problems to show at the top of the page."""
    pages.rebind(row, make_form, request.POST)
    form, score = row.form, row.tree.score
    if not form.is_valid():
        return [_("Tiêu chí %(code)s: kiểm tra lại giá trị đã nhập.") % {"code": row.code}]
    data, upload = form.cleaned_data, form.cleaned_data.get("evidence")
    if form.is_changed():
        try:
            services.score_self_assess(
                score=score,
                value=as_raw(data["value"]),
                note=data["note"],
                version=data["version"],
                by=request.user,
            )
        except services.ConcurrentEditError:
            fresh = Score.objects.get(pk=score.pk)
            seen = digest(fresh.self_value, fresh.self_note)
            pages.keep_input(row, request.POST, make_form, fresh, seen)
            return [_("Tiêu chí %(code)s: người khác vừa sửa.") % {"code": row.code}]
        except (ValidationError, WorkflowError) as exc:
            row.errors = _messages_of(exc)
            return row.errors
    if upload:
        row.errors = _try(evidence_add, score=score, upload=upload, by=request.user)
        if row.errors:
            return row.errors
    pages.refresh_row(row, make_form)
    return []


def _row_context(row: pages.Row, editable: bool) -> dict[str, Any]:
    return {"row": row, "editable": editable, "htmx": True}


def _render_self(
    request: HttpRequest,
    assessment: Assessment,
    period: Period,
    groups: list[pages.Group],
    editable: bool,
    problems: list[str] | None = None,
    status: int = 200,
    problems_title: str | None = None,
) -> HttpResponse:
    context = {
        "problems_title": problems_title,
        "period": period,
        "assessment": assessment,
        "unit": assessment.unit,
        "groups": groups,
        "editable": editable,
        "progress": pages.progress(assessment),
        "problems": problems or [],
        "may_withdraw": assessment.status == AssessmentStatus.SUBMITTED
        and period.state == PeriodState.SELF_ASSESSMENT
        and policy.can(request.user, "assessment.edit", unit=assessment.unit),
    }
    return render(request, "evaluations/self_assessment.html", context, status=status)


@login_required
@require_POST
def self_assessment_withdraw(request: HttpRequest, unit_code: str) -> HttpResponse:
    assessment = _assessment_of(unit_code, _period())
    policy.require(request.user, "assessment.edit", unit=assessment.unit)
    problems = _try(services.assessment_withdraw, assessment=assessment, by=request.user)
    for problem in problems:
        messages.error(request, problem)
    if not problems:
        messages.success(request, _("Đã rút hồ sơ về để sửa. Nhớ nộp lại trước hạn."))
    return redirect("evaluations:self_assessment", unit_code=unit_code)


# --- evidence -----------------------------------------------------------------------------------


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(Evidence, pk=pk)
    handle = evidence_open(evidence=evidence, by=request.user)
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=None
    )
    response["Content-Type"] = evidence.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- appraisal ----------------------------------------------------------------------------------


@login_required
@require_GET
def appraisal_queue(request: HttpRequest) -> HttpResponse:
    period = _period()
    choices = _queue_units(period, _appraiser_scopes(request.user))
    unit = _filter_unit(choices, request.GET.get("don_vi"))
    field_code = request.GET.get("linh_vuc") or None
    lines = selectors.appraisal_queue(
        period,
        user=request.user,
        unit=unit,
        field=field_code,
        open_only=request.GET.get("con_mo") == "1",
        differs_only=request.GET.get("khac") == "1",
    )
    context = {
        "period": period,
        "lines": lines,
        "unit_groups": list(choices.items()),
        "fields": _queue_fields(period),
        "selected": request.GET,
    }
    return render(request, "evaluations/appraisal_queue.html", context)


def _appraiser_scopes(user: Any) -> list[RoleAssignment]:
    """The user's appraiser assignments; refused when there is none."""
    scopes = list(
        RoleAssignment.objects.filter(user=user, role=Role.APPRAISER).select_related("unit")
    )
    if not scopes:
        raise PermissionDenied(_("Bạn không phải thành viên tổ thẩm định."))
    return scopes


def _queue_units(period: Period, scopes: list[RoleAssignment]) -> dict[str, list[Unit]]:
    """The unit filter's choices, under each block's name: the period's units, only those
    the user appraises unless one of the assignments covers every unit."""
    units = selectors.period_units(period)
    if not any(s.unit_id is None for s in scopes):
        units = units.filter(pk__in=[s.unit_id for s in scopes])
    titles = selectors.block_titles(period)
    grouped: dict[str, list[Unit]] = {}
    for unit in units:
        grouped.setdefault(titles.get(unit.block, unit.block), []).append(unit)
    return grouped


def _filter_unit(choices: dict[str, list[Unit]], code: str | None) -> Unit | None:
    if not code:
        return None
    for unit in itertools.chain.from_iterable(choices.values()):
        if unit.code == code:
            return unit
    raise Http404(_("Đơn vị này không có trong kỳ đánh giá hoặc bạn không thẩm định đơn vị này."))


def _queue_fields(period: Period) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for method in selectors.period_methods(period).values():
        for f in method.criteria:
            seen.setdefault(f.code, f"{f.code}. {f.title}")
    return sorted(seen.items())


def _appraise_form(tree: selectors.TreeRow, data: Any) -> AppraisalForm:
    score = tree.score
    assert score is not None
    initial = {
        "value": score.appraised_value,
        "reason": score.appraisal_reason,
        "version": score.version,
        "seen": digest(score.appraised_value, score.appraisal_reason),
    }
    return AppraisalForm(tree.node, data=data, initial=initial, claimed=score.self_value)


def _appraisable_groups(user: Any, assessment: Assessment, period: Period) -> Callable[[str], bool]:
    """Which groups (fields, bonus, penalty) `user` may appraise now; refused if none."""
    may = {
        g: policy.can(user, "score.appraise", unit=assessment.unit, field_code=f)
        for g, f in _group_fields(assessment, period)
    }
    if not any(may.values()):
        policy.require(user, "score.appraise", unit=assessment.unit)
    in_round = period.state in (PeriodState.APPRAISAL, PeriodState.SECOND_APPRAISAL)
    return lambda code: in_round and may.get(code, False)


def _group_fields(assessment: Assessment, period: Period) -> list[tuple[str, str | None]]:
    method = selectors.period_method(period, assessment.unit.block)
    pairs: list[tuple[str, str | None]] = [(f.code, f.code) for f in method.criteria]
    return [*pairs, ("bonus", None), ("penalty", None)]


@login_required
@GET_POST
def appraisal(request: HttpRequest, unit_code: str) -> HttpResponse:
    period = _period()
    assessment = _assessment_of(unit_code, period)
    editable = _appraisable_groups(request.user, assessment, period)
    groups = pages.groups(assessment, _appraise_form, editable)
    pages.attach_measured(groups, measured_for(assessment))
    may_ask = period.state == PeriodState.APPRAISAL
    if request.method == "POST":
        leaf = request.POST.get("leaf")
        if _is_htmx(request) and leaf:
            row = pages.find_row(groups, leaf)
            _save_appraisal_row(request, row, may_ask)
            context = {**_row_context(row, True), "may_ask": may_ask}
            return render(request, "evaluations/_appraisal_row.html", context)
        rows = pages.posted_rows(groups, request.POST)
        problems = [p for row in rows for p in _save_appraisal_row(request, row, may_ask)]
        if not problems:
            messages.success(request, _("Đã lưu kết quả thẩm định."))
            return redirect(request.path)
    else:
        problems = []
    context = {
        "period": period,
        "assessment": assessment,
        "unit": assessment.unit,
        "groups": groups,
        "problems": problems,
        "may_ask": may_ask,
        "round": {PeriodState.APPRAISAL: 1, PeriodState.SECOND_APPRAISAL: 2}.get(period.state),
    }
    return render(request, "evaluations/appraisal.html", context, status=400 if problems else 200)


def _save_appraisal_row(request: HttpRequest, row: pages.Row, may_ask: bool) -> list[str]:
    pages.rebind(row, _appraise_form, request.POST)
    form, score = row.form, row.tree.score
    if not form.is_valid():
        return [_("Tiêu chí %(code)s: kiểm tra lại điểm thẩm định.") % {"code": row.code}]
    data = form.cleaned_data
    if form.is_changed():
        try:
            services.score_appraise(
                score=score,
                value=as_raw(data["value"]),
                reason=data["reason"],
                version=data["version"],
                by=request.user,
            )
        except services.ConcurrentEditError:
            fresh = Score.objects.get(pk=score.pk)
            seen = digest(fresh.appraised_value, fresh.appraisal_reason)
            pages.keep_input(row, request.POST, _appraise_form, fresh, seen)
            return [_("Tiêu chí %(code)s: người khác vừa sửa.") % {"code": row.code}]
        except (ValidationError, WorkflowError) as exc:
            row.errors = _messages_of(exc)
            return row.errors
    message = data.get("message", "").strip()
    if message and may_ask:
        row.errors = _try(
            services.explanation_request, score=score, message=message, by=request.user
        )
        if row.errors:
            return row.errors
    pages.refresh_row(row, _appraise_form)
    row.explanations = list(score.explanations.order_by("requested_at"))
    return []


# --- explanation --------------------------------------------------------------------------------


@login_required
@GET_POST
def explanation(request: HttpRequest, unit_code: str) -> HttpResponse:
    period = _period()
    assessment = _assessment_of(unit_code, period)
    policy.require(request.user, "explanation.answer", unit=assessment.unit)
    requests = list(
        ExplanationRequest.objects.filter(score__assessment=assessment)
        .select_related("score", "requested_by", "answered_by")
        .order_by("score_id", "requested_at")
    )
    forms = {r.pk: AnswerForm(prefix=str(r.pk), initial={"answer": r.answer}) for r in requests}
    problems: list[str] = []
    if request.method == "POST":
        target = _find_request(requests, request.POST.get("request"))
        form = forms[target.pk] = AnswerForm(request.POST, prefix=str(target.pk))
        if form.is_valid():
            answer = form.cleaned_data["answer"]
            problems = _try(
                services.explanation_answer, request=target, answer=answer, by=request.user
            )
            for problem in problems:
                form.add_error("answer", problem)
        else:
            problems = [_("Cần nhập nội dung giải trình.")]
        if not problems and not _is_htmx(request):
            messages.success(request, _("Đã gửi giải trình."))
            return redirect(request.path)
        if _is_htmx(request):
            target.refresh_from_db()
            item = {"req": target, "form": forms[target.pk], "saved": not problems}
            return render(request, "evaluations/_explanation_item.html", {**item, "open": True})
    context = {
        "period": period,
        "unit": assessment.unit,
        "items": [{"req": r, "form": forms[r.pk]} for r in requests],
        "open": period.state == PeriodState.EXPLANATION,
        "problems": problems,
    }
    return render(request, "evaluations/explanation.html", context, status=400 if problems else 200)


def _find_request(requests: list[ExplanationRequest], pk: str | None) -> ExplanationRequest:
    for r in requests:
        if str(r.pk) == pk:
            return r
    raise Http404(_("Không có yêu cầu giải trình này."))


# --- council review -----------------------------------------------------------------------------


@login_required
@require_GET
def council(request: HttpRequest) -> HttpResponse:
    period = _period()
    policy.require(request.user, "results.view_draft")
    context = {
        "period": period,
        "blocks": [pages.block_table(period, b) for b in sorted(selectors.period_methods(period))],
        "changes": selectors.appraisal_changes(period),
        "may_publish": period.state == PeriodState.COUNCIL_REVIEW
        and policy.can(request.user, "period.approve"),
    }
    return render(request, "evaluations/council.html", context)


@login_required
@require_POST
def council_publish(request: HttpRequest) -> HttpResponse:
    period = _period()
    policy.require(request.user, "period.approve")
    problems = _try(period_publish, period=period, by=request.user)
    for problem in problems:
        messages.error(request, problem)
    if not problems:
        messages.success(request, _("Đã phê duyệt và công bố kết quả."))
    return redirect("evaluations:council")


# --- period administration ----------------------------------------------------------------------


@login_required
@require_GET
def period_admin(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "period.manage")
    period = selectors.period_current()
    if period is None:  # nothing to manage yet: offer to create the first period
        context = {"form": PeriodCreateForm(), "period": None}
        return render(request, "evaluations/period_new.html", context)
    return _render_period(request, period, SurveyImportForm())


def _render_period(
    request: HttpRequest,
    period: Period,
    survey_form: SurveyImportForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
    setup: dict[str, Any] | None = None,
    confirmation: dict[str, Any] | None = None,
) -> HttpResponse:
    # Publishing is the chair's approval on the council page, not a move made here.
    moves = [(s, label(s)) for s in PeriodState.values if s in allowed_next(period.state)]
    context = {
        "period": period,
        "moves": [(s, text) for s, text in moves if s != PeriodState.PUBLISHED],
        "publish_by_chair": PeriodState.PUBLISHED in allowed_next(period.state),
        "survey_form": survey_form or SurveyImportForm(),
        "survey_open": period.state in services.SURVEY_STATES,
        "problems": problems or [],
        "confirmation": confirmation,
        **(setup if setup is not None else setup_views.setup_context(period)),
    }
    return render(request, "evaluations/period_admin.html", context, status=status)


@login_required
@require_POST
def period_move(request: HttpRequest) -> HttpResponse:
    """Move the period on; where units are not ready, the page lists them and asks for a
    confirmation first (the same form again, with the box ticked)."""
    period = _period()
    policy.require(request.user, "period.manage")
    form = TransitionForm(request.POST)
    to = form.cleaned_data["to"] if form.is_valid() else ""
    try:
        services.period_transition(
            period=period, to=to, by=request.user, confirmed_not_ready=form.confirmed_not_ready()
        )
    except PeriodNotReady as exc:
        confirmation = _confirmation(form, to, exc.readiness)
        return _render_period(request, period, confirmation=confirmation)
    except (ValidationError, WorkflowError) as exc:
        for problem in _messages_of(exc):
            messages.error(request, problem)
    else:
        messages.success(
            request, _("Kỳ đánh giá đã chuyển sang: %(state)s.") % {"state": label(to)}
        )
    return redirect("evaluations:period_admin")


def _confirmation(form: TransitionForm, to: str, readiness: Readiness) -> dict[str, Any]:
    """The confirmation step; `notice` says why it is shown again after a confirmation form
    was posted: its box was not ticked, or units fell behind after the list was read."""
    data = form.cleaned_data if form.is_valid() else {}
    notice = "changed" if data.get("confirm") else "unticked" if data.get("not_ready") else ""
    return {"to": to, "label": label(to), "readiness": readiness, "notice": notice}


@login_required
@require_POST
def survey_upload(request: HttpRequest) -> HttpResponse:
    period = _period()
    policy.require(request.user, "survey.import")
    form = SurveyImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_period(request, period, form, status=400)
    upload = form.cleaned_data["file"]
    # The file keeps its own name (errors cite it) inside a private folder of its own.
    name = PurePosixPath(upload.name.replace("\\", "/")).name.lstrip(".") or "survey.csv"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            changed = services.survey_import(period=period, path=path, by=request.user)
        except (ValidationError, WorkflowError) as exc:
            return _render_period(request, period, form, _messages_of(exc), status=400)
    messages.success(request, _("Đã nhập kết quả điều tra: %(n)d điểm thay đổi.") % {"n": changed})
    return redirect(reverse("evaluations:period_admin"))
