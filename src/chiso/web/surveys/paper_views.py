"""Staff pages for paper and phone forms: key one in, list and resolve disagreements."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chiso.web.accounts import policy
from chiso.web.accounts.policy import Action
from chiso.web.i18n import active_language
from chiso.web.surveys import collection, forms, selectors
from chiso.web.surveys.models import PaperForm, SampleMember, Survey


def _groups(survey: Survey, data: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    questionnaire = selectors.survey_questionnaire(survey)
    return [
        {
            "title": group.title,
            "items": [
                {
                    "code": item.code,
                    "text": item.text,
                    "value": (data or {}).get(collection.FIELD_PREFIX + item.code, ""),
                    "error": errors.get(item.code, ""),
                }
                for item in group.items
            ],
        }
        for group in selectors.form_groups(questionnaire, active_language())
    ]


def _member(survey: Survey, dossier: str) -> SampleMember | None:
    if not dossier:
        return None
    member = (
        SampleMember.objects.filter(draw__survey=survey, entry__dossier_code=dossier.strip())
        .select_related("entry__unit")
        .first()
    )
    if member is None:
        raise ValidationError(_("Mã hồ sơ %s không có trong mẫu.") % dossier)
    return member


@login_required
@require_http_methods(["GET", "POST"])
def paper_entry(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, Action.SURVEY_ENTER)
    survey = get_object_or_404(Survey, pk=pk)
    form = forms.PaperForm(request.POST or None)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        questionnaire = selectors.survey_questionnaire(survey)
        answers, errors = collection.parse_answers(
            questionnaire, request.POST, blank_is_no_answer=True
        )
        if form.is_valid() and not errors:
            try:
                paper = _enter(survey, form.cleaned_data, answers, request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _outcome_message(paper))
                return redirect(reverse("surveys:paper", args=[survey.pk]))
        status = 400
    scale = selectors.form_scale(selectors.survey_questionnaire(survey), active_language())
    context = {
        "survey": survey,
        "form": form,
        "groups": _groups(survey, request.POST if request.method == "POST" else None, errors),
        "scale": scale,
        "errors": errors,
        "counts": selectors.paper_counts(survey),
    }
    return render(request, "surveys/paper_entry.html", context, status=status)


def _enter(survey: Survey, data: dict[str, Any], answers: dict[str, int], user: Any) -> PaperForm:
    return collection.paper_enter(
        survey=survey,
        number=data["number"],
        answers=answers,
        unit=data.get("unit"),
        member=_member(survey, data.get("dossier", "")),
        channel=data["channel"],
        by=user,
    )


def _outcome_message(paper: PaperForm) -> str:
    if paper.state == "accepted":
        return _("Phiếu số %s đã được ghi nhận.") % paper.number
    if paper.state == "disagree":
        return _("Phiếu số %s: hai lần nhập khác nhau — xem báo cáo bất đồng.") % paper.number
    return _("Phiếu số %s đã nhập lần một; chờ người thứ hai nhập lại.") % paper.number


@login_required
@require_http_methods(["GET"])
def disagreements(request: HttpRequest, pk: int) -> HttpResponse:
    """Every disagreement of double-entered forms: form, item and both keyed values."""
    policy.require(request.user, Action.SURVEY_ENTER)
    survey = get_object_or_404(Survey, pk=pk)
    rows = selectors.paper_disagreements(survey)
    forms_with: dict[int, dict[str, Any]] = {}
    for row in rows:
        forms_with.setdefault(row.form.pk, {"form": row.form, "rows": []})["rows"].append(row)
    context = {"survey": survey, "forms": list(forms_with.values()), "count": len(rows)}
    return render(request, "surveys/disagreements.html", context)


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int, form_pk: int) -> HttpResponse:
    policy.require(request.user, Action.SURVEY_ENTER)
    paper = get_object_or_404(PaperForm, pk=form_pk, survey_id=pk)
    choices = {}
    for key, value in request.POST.items():
        if key.startswith(collection.FIELD_PREFIX):
            try:
                choices[key[len(collection.FIELD_PREFIX) :]] = int(value)
            except ValueError:
                continue
    try:
        collection.paper_resolve(form=paper, choices=choices, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Phiếu số %s đã được giải quyết và ghi nhận.") % paper.number)
    return redirect(reverse("surveys:disagreements", args=[pk]))
