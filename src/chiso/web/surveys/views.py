"""Staff pages under /quan-ly/khao-sat/: surveys, frame, draw, fieldwork, kiosks, paper entry.

Views parse, authorise, call one service or selector and render or redirect. Refusals from a
service (`ValidationError`, `PermissionDenied`) come back as messages on the survey's page.
Exports (link lists, printable sheets, QR codes) are in `export_views.py`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chiso.engine.sampling import SampleDesign
from chiso.io.questionnaire_files import resolve_questionnaire
from chiso.web.accounts import policy
from chiso.web.accounts.policy import Action
from chiso.web.surveys import forms, selectors, services
from chiso.web.surveys.models import Draw, Kiosk, SampleMember, Survey, SurveyState
from chiso.web.surveys.services import NEXT_STATE

GET_POST = require_http_methods(["GET", "POST"])


def _survey(pk: int) -> Survey:
    return get_object_or_404(Survey, pk=pk)


def _detail(survey: Survey, anchor: str = "") -> HttpResponse:
    url = reverse("surveys:detail", args=[survey.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _attempt(request: HttpRequest, action: Callable[[], Any], done: str) -> Any:
    """Run a service; its refusal becomes an error message, success `done`."""
    try:
        result = action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None
    if done:
        messages.success(request, done)
    return result


# --- surveys ----------------------------------------------------------------------------------


@login_required
@GET_POST
def survey_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, Action.SURVEY_VIEW)
    form = forms.SurveyCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        policy.require(request.user, Action.SURVEY_MANAGE)
        if form.is_valid():
            survey = _attempt(request, lambda: _create(form, request.user), "")
            if survey is not None:
                messages.success(request, _("Đã tạo cuộc khảo sát."))
                return _detail(survey)
    context = {
        "surveys": Survey.objects.all(),
        "form": form,
        "may_manage": policy.can(request.user, Action.SURVEY_MANAGE),
    }
    return render(request, "surveys/list.html", context)


def _create(form: forms.SurveyCreateForm, user: Any) -> Survey:
    data = form.cleaned_data
    if data.get("upload"):
        try:
            text = data["upload"].read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(_("Tệp phiếu phải là văn bản UTF-8.")) from None
    else:
        text = resolve_questionnaire(data["shipped"]).read_text(encoding="utf-8")
    return services.survey_create(
        year=data["year"],
        title=data["title"],
        questionnaire_yaml=text,
        reference_start=data.get("reference_start"),
        reference_end=data.get("reference_end"),
        by=user,
    )


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, Action.SURVEY_VIEW)
    survey = _survey(pk)
    draw = Draw.objects.filter(survey=survey).first()
    questionnaire = selectors.survey_questionnaire(survey)
    context = {
        "survey": survey,
        "questionnaire": questionnaire,
        "next_state": NEXT_STATE.get(SurveyState(survey.state)),
        "next_label": (
            SurveyState(NEXT_STATE[SurveyState(survey.state)]).label
            if survey.state in NEXT_STATE
            else ""
        ),
        "frame": selectors.frame_counts(survey),
        "draw": draw,
        "reserve_percent": share_percent(draw.reserve_share) if draw else "",
        "fieldwork": selectors.fieldwork(draw) if draw else [],
        "responses": selectors.response_counts(survey),
        "paper": selectors.paper_counts(survey),
        "kiosks": Kiosk.objects.filter(survey=survey).select_related("unit"),
        "settings_form": forms.SettingsForm(initial=_settings_of(survey)),
        "design_form": forms.DesignForm(initial={"seed": services.new_seed()}),
        "kiosk_form": forms.KioskForm(),
        "may_manage": policy.can(request.user, Action.SURVEY_MANAGE),
        "may_enter": policy.can(request.user, Action.SURVEY_ENTER),
        "may_estimates": policy.can(request.user, Action.SURVEY_ESTIMATES),
        "may_contacts": policy.can(request.user, Action.SURVEY_CONTACTS),
    }
    return render(request, "surveys/detail.html", context)


def share_percent(share: Decimal) -> str:
    """A share as a percentage, Vietnamese style: 0.25 → '25 %', 0.125 → '12,5 %'."""
    text = format((share * 100).normalize(), "f")
    return f"{text.replace('.', ',')} %"


def _settings_of(survey: Survey) -> dict[str, Any]:
    return {name: getattr(survey, name) for name in services.SETTINGS}


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(pk)
    to = request.POST.get("to", "")
    _attempt(
        request,
        lambda: services.survey_transition(survey=survey, to=to, by=request.user),
        _("Đã chuyển trạng thái cuộc khảo sát."),
    )
    return _detail(survey)


@login_required
@require_POST
def update_settings(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(pk)
    form = forms.SettingsForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(
                request,
                f"{form.fields[field].label if field in form.fields else ''}: {' '.join(errors)}",
            )
        return _detail(survey, "settings")
    _attempt(
        request,
        lambda: services.survey_update_settings(
            survey=survey, by=request.user, **form.cleaned_data
        ),
        _("Đã lưu thiết lập."),
    )
    return _detail(survey, "settings")


# --- frame and draw ---------------------------------------------------------------------------


@login_required
@require_POST
def frame_upload(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, Action.SURVEY_MANAGE)
    survey = _survey(pk)
    form = forms.FrameUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn tệp danh sách (CSV hoặc XLSX)."))
        return _detail(survey, "frame")
    upload = form.cleaned_data["file"]
    suffix = Path(upload.name).suffix.lower() if upload.name else ".csv"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"frame{suffix if suffix in ('.csv', '.xlsx') else '.csv'}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        report = _attempt(
            request, lambda: services.frame_import(survey=survey, path=path, by=request.user), ""
        )
    if report is not None and report.ok:
        messages.success(request, _("Đã nạp khung mẫu: %s người.") % report.created)
    elif report is not None:
        messages.error(request, _("Không nạp được danh sách; không có gì được ghi:"))
        for error in report.errors[:50]:
            messages.error(request, str(error))
        if len(report.errors) > 50:
            messages.error(request, _("… và %s lỗi khác.") % (len(report.errors) - 50))
    return _detail(survey, "frame")


def _design(form: forms.DesignForm) -> SampleDesign:
    return services.design_of(**form.design_arguments())


@login_required
@require_POST
def draw(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview the sizes per stratum (nothing stored), or draw and record the sample."""
    policy.require(request.user, Action.SURVEY_MANAGE)
    survey = _survey(pk)
    form = forms.DesignForm(request.POST)
    if not form.is_valid():
        return render(
            request, "surveys/draw_preview.html", {"survey": survey, "form": form}, status=400
        )
    try:
        design = _design(form)
        preview = selectors.draw_preview(survey, design)
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(
            request, "surveys/draw_preview.html", {"survey": survey, "form": form}, status=400
        )
    if request.POST.get("confirm") != "1":
        context = {"survey": survey, "form": form, "preview": preview}
        return render(request, "surveys/draw_preview.html", context)
    seed = form.cleaned_data["seed"]
    done = _attempt(
        request,
        lambda: services.sample_draw(survey=survey, design=design, seed=seed, by=request.user),
        _("Đã chọn mẫu (hạt giống %s).") % seed,
    )
    return _detail(survey, "draw" if done else "")


# --- fieldwork --------------------------------------------------------------------------------


@login_required
@require_GET
def members(request: HttpRequest, pk: int) -> HttpResponse:
    """The members of one stratum with their status; contacts for the reform office only."""
    policy.require(request.user, Action.SURVEY_VIEW)
    survey = _survey(pk)
    draw = get_object_or_404(Draw, survey=survey)
    stratum = request.GET.get("tang", "")
    context = {
        "survey": survey,
        "draw": draw,
        "stratum": stratum,
        "strata": [selectors.stratum_label([r[k] for k in draw.strata_keys]) for r in draw.strata],
        "members": selectors.members_of(draw, stratum=stratum) if stratum else [],
        "outcomes": selectors.outcome_choices(),
        "may_manage": policy.can(request.user, Action.SURVEY_MANAGE),
        "may_contacts": policy.can(request.user, Action.SURVEY_CONTACTS),
    }
    return render(request, "surveys/members.html", context)


@login_required
@require_POST
def member_update(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    survey = _survey(pk)
    member = get_object_or_404(SampleMember, pk=member_pk, draw__survey=survey)
    if request.POST.get("replace") == "1":
        _attempt(
            request,
            lambda: services.member_replace(member=member, by=request.user),
            _("Đã thay bằng người dự phòng kế tiếp của tầng."),
        )
    else:
        outcome = request.POST.get("outcome", "")
        _attempt(
            request,
            lambda: services.member_set_outcome(member=member, outcome=outcome, by=request.user),
            _("Đã cập nhật trạng thái."),
        )
    url = reverse("surveys:members", args=[survey.pk])
    return redirect(f"{url}?tang={member.stratum}#m{member.pk}")


@login_required
@require_POST
def tokens_issue(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(pk)
    issued = _attempt(request, lambda: services.tokens_issue(survey=survey, by=request.user), "")
    if issued is not None:
        messages.success(request, _("Đã phát %s mã khảo sát.") % issued)
    return _detail(survey, "tokens")


@login_required
@require_POST
def kiosk_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(pk)
    form = forms.KioskForm(request.POST)
    if form.is_valid():
        unit, label = form.cleaned_data["unit"], form.cleaned_data["label"]
        _attempt(
            request,
            lambda: services.kiosk_create(survey=survey, unit=unit, label=label, by=request.user),
            _("Đã bật máy khảo sát tại quầy."),
        )
    else:
        messages.error(request, _("Hãy chọn đơn vị của quầy."))
    return _detail(survey, "kiosks")


@login_required
@require_POST
def kiosk_toggle(request: HttpRequest, pk: int, kiosk_pk: int) -> HttpResponse:
    survey = _survey(pk)
    kiosk = get_object_or_404(Kiosk, pk=kiosk_pk, survey=survey)
    enabled = request.POST.get("enabled") == "1"
    services.kiosk_set_enabled(kiosk=kiosk, enabled=enabled, by=request.user)
    messages.success(request, _("Đã bật máy.") if enabled else _("Đã tắt máy."))
    return _detail(survey, "kiosks")
