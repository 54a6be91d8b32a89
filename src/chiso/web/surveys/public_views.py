"""Public survey pages (no login) under /ks/: the form of a token link, and the counter kiosk.

Light by design — no JavaScript needed, one small inline style sheet, no images — for a cheap
phone on a weak connection. CSRF protection is off for these two forms only: a post is
authorised by the unguessable token or kiosk key in its URL, which a forging site cannot know,
and without the CSRF cookie the pages set no cookie at all.

Every refusal is a page with its HTTP status, never a crash: 404 unknown link, 410 used link
or closed survey, 409 dossier already rated, 400 incomplete or malformed form (the form again
with a message per item), 429 too many requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from chiso.web.i18n import active_language
from chiso.web.surveys import collection
from chiso.web.surveys.collection import CollectionError, InvalidAnswers
from chiso.web.surveys.models import Kiosk, Survey
from chiso.web.surveys.ratelimits import limited
from chiso.web.surveys.selectors import form_groups, form_scale, survey_questionnaire

GET_POST = require_http_methods(["GET", "POST"])
THANKS_SECONDS = 8  # how long the kiosk's thank-you page stays before the next citizen


def _message(
    request: HttpRequest, title: str, message: str, status: int, **extra: Any
) -> HttpResponse:
    context = {"title": title, "message": message, **extra}
    return render(request, "surveys/public_message.html", context, status=status)


def _refusal(request: HttpRequest, error: CollectionError, **extra: Any) -> HttpResponse:
    titles = {
        404: _("Không tìm thấy"),
        409: _("Đã đánh giá"),
        410: _("Không còn nhận phiếu"),
        400: _("Không nhận được phiếu"),
    }
    title = titles.get(error.status, titles[400])
    return _message(request, title, error.message, error.status, **extra)


def too_many(request: HttpRequest, **extra: Any) -> HttpResponse:
    message = _("Có quá nhiều lượt gửi trong thời gian ngắn. Xin vui lòng thử lại sau ít phút.")
    response = _message(request, _("Vui lòng thử lại sau"), message, 429, **extra)
    response["Retry-After"] = "60"
    return response


def _form_context(
    survey: Survey, data: Mapping[str, Any] | None, errors: Mapping[str, str] | None
) -> dict[str, Any]:
    """The questionnaire's groups with each item's posted choice and error (if any)."""
    questionnaire = survey_questionnaire(survey)
    language = active_language()
    errors = errors or {}
    groups = [
        {
            "title": group.title,
            "items": [
                {
                    "code": item.code,
                    "text": item.text,
                    "chosen": _chosen(data, item.code),
                    "error": errors.get(item.code, ""),
                }
                for item in group.items
            ],
        }
        for group in form_groups(questionnaire, language)
    ]
    english = language == "en" and questionnaire.title_en
    return {
        "survey": survey,
        "title": questionnaire.title_en if english else questionnaire.title,
        "groups": groups,
        "scale": form_scale(questionnaire, language),
        "errors": errors,
    }


def _chosen(data: Mapping[str, Any] | None, code: str) -> int | None:
    raw = (data or {}).get(collection.FIELD_PREFIX + code, "")
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


# --- the form of a token link -----------------------------------------------------------------


def _blank_form(request: HttpRequest, survey: Survey) -> str:
    """The empty form is the same page for every token of a survey (it posts to its own URL),
    so it is rendered once per questionnaire and language and kept in the process's cache:
    rendering 22 items × 6 answers is most of a request's time."""
    language = active_language()
    key = f"surveys:form:{survey.pk}:{survey.questionnaire_hash}:{language}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("surveys/form.html", _form_context(survey, None, None), request)
        cache.set(key, html, timeout=3600)
    return str(html)


@csrf_exempt
@GET_POST
def form(request: HttpRequest, token: str) -> HttpResponse:
    if limited(request, scope="form", secret=token):
        return too_many(request)
    try:
        found = collection.token_for_form(token)
    except CollectionError as error:
        return _refusal(request, error)
    if request.method == "GET":
        return HttpResponse(_blank_form(request, found.survey))
    try:
        collection.response_submit_online(token_value=token, data=request.POST)
    except InvalidAnswers as error:
        context = _form_context(found.survey, request.POST, error.errors)
        context["problem"] = error.message
        return render(request, "surveys/form.html", context, status=400)
    except CollectionError as error:
        return _refusal(request, error)
    return _message(
        request,
        _("Cảm ơn ông/bà!"),
        _("Phiếu khảo sát đã được ghi nhận. Ý kiến của ông/bà giúp cơ quan phục vụ tốt hơn."),
        200,
    )


# --- the counter kiosk ------------------------------------------------------------------------


def _kiosk_context(kiosk: Kiosk, *, idle: int | None = None) -> dict[str, Any]:
    start = reverse("surveys_public:kiosk", args=[kiosk.key])
    return {
        "kiosk": kiosk,
        "reset_url": start,
        "idle_seconds": idle or kiosk.survey.kiosk_idle_seconds,
    }


@csrf_exempt
@GET_POST
def kiosk(request: HttpRequest, key: str) -> HttpResponse:
    """Step 1: the citizen types or scans the dossier code from their receipt."""
    if limited(request, scope="kiosk"):
        return too_many(request)
    try:
        found = collection.kiosk_for_key(key)
    except CollectionError as error:
        return _refusal(request, error)
    context = _kiosk_context(found)
    if request.method == "GET":
        return render(request, "surveys/kiosk_start.html", context)
    try:
        code = collection.kiosk_check_dossier(
            kiosk=found, dossier_code=request.POST.get("dossier", "")
        )
    except CollectionError as error:
        context["problem"] = error.message
        return render(request, "surveys/kiosk_start.html", context, status=error.status)
    context.update(_form_context(found.survey, None, None), dossier=code)
    return render(request, "surveys/kiosk_rate.html", context)


@csrf_exempt
@require_http_methods(["POST"])
def kiosk_rate(request: HttpRequest, key: str) -> HttpResponse:
    """Step 2: the rating, for the dossier carried from step 1."""
    if limited(request, scope="kiosk", secret=key):
        return too_many(request)
    try:
        found = collection.kiosk_for_key(key)
    except CollectionError as error:
        return _refusal(request, error)
    dossier = request.POST.get("dossier", "")
    context = _kiosk_context(found)
    try:
        collection.response_submit_kiosk(kiosk=found, dossier_code=dossier, data=request.POST)
    except InvalidAnswers as error:
        context.update(_form_context(found.survey, request.POST, error.errors))
        context.update(dossier=dossier, problem=error.message)
        return render(request, "surveys/kiosk_rate.html", context, status=400)
    except CollectionError as error:
        return _refusal(request, error, **_kiosk_context(found, idle=THANKS_SECONDS))
    return _message(
        request,
        _("Cảm ơn ông/bà!"),
        _("Đánh giá đã được ghi nhận."),
        200,
        **_kiosk_context(found, idle=THANKS_SECONDS),
    )
