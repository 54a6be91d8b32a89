"""Staff exports of the survey links: a CSV to send them, a printable sheet per stratum, a
receipt slip per token, and the QR code of a link as SVG or PNG. The links and the contacts
are for the reform office only (`survey.contacts`)."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from chiso.web.accounts import policy
from chiso.web.accounts.policy import Action
from chiso.web.surveys import selectors
from chiso.web.surveys.models import Draw, Survey, Token
from chiso.web.surveys.qr import qr_png, qr_svg

CSV_COLUMNS = (
    "stratum",
    "role",
    "order",
    "unit",
    "dossier_code",
    "contact_channel",
    "phone",
    "email",
    "status",
    "link",
)


def link_of(request: HttpRequest, token: Token) -> str:
    return request.build_absolute_uri(reverse("surveys_public:form", args=[token.value]))


def _tokens(survey: Survey, stratum: str | None = None) -> list[Token]:
    tokens = Token.objects.filter(survey=survey, revoked_at__isnull=True).select_related(
        "member__entry", "unit"
    )
    if stratum:
        tokens = tokens.filter(member__stratum=stratum)
    return list(tokens.order_by("member__stratum", "member__role", "member__order"))


@login_required
@require_GET
def tokens_csv(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, Action.SURVEY_CONTACTS)
    survey = get_object_or_404(Survey, pk=pk)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for token in _tokens(survey):
        member, entry = token.member, token.member.entry
        writer.writerow(
            [
                member.stratum,
                member.role,
                member.order,
                token.unit.code,
                entry.dossier_code,
                entry.contact_channel,
                entry.phone,
                entry.email,
                member.outcome,
                link_of(request, token),
            ]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="khao-sat-{survey.pk}-duong-dan.csv"'
    return response


@login_required
@require_GET
def tokens_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable sheet of one stratum's links, each with its QR code and contact: the
    stratum asked for (``?tang=``), else the first one, the one the picker shows selected."""
    policy.require(request.user, Action.SURVEY_CONTACTS)
    survey = get_object_or_404(Survey, pk=pk)
    draw = get_object_or_404(Draw, survey=survey)
    strata = [selectors.stratum_label([r[k] for k in draw.strata_keys]) for r in draw.strata]
    stratum = request.GET.get("tang", "") or (strata[0] if strata else "")
    rows = [
        {"token": t, "link": link_of(request, t), "qr": _inline(link_of(request, t))}
        for t in (_tokens(survey, stratum) if stratum else [])
    ]
    context = {"survey": survey, "stratum": stratum, "strata": strata, "rows": rows}
    return render(request, "surveys/sheet.html", context)


def _inline(url: str) -> str:
    # segno's own markup; the link inside is built from a URL-safe token and our host name.
    return mark_safe(qr_svg(url, scale=3).decode())


@login_required
@require_GET
def token_slip(request: HttpRequest, pk: int, token_pk: int) -> HttpResponse:
    """A slip to print on (or staple to) the dossier receipt: the QR code and the link."""
    policy.require(request.user, Action.SURVEY_CONTACTS)
    token = get_object_or_404(
        Token.objects.select_related("survey", "unit"), pk=token_pk, survey_id=pk
    )
    link = link_of(request, token)
    context = {"token": token, "survey": token.survey, "link": link, "qr": _inline(link)}
    return render(request, "surveys/slip.html", context)


@login_required
@require_GET
def token_qr(request: HttpRequest, pk: int, token_pk: int, fmt: str) -> HttpResponse:
    policy.require(request.user, Action.SURVEY_CONTACTS)
    token = get_object_or_404(Token, pk=token_pk, survey_id=pk)
    link = link_of(request, token)
    if fmt == "svg":
        return HttpResponse(qr_svg(link), content_type="image/svg+xml")
    response = HttpResponse(qr_png(link), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="khao-sat-{pk}-{token_pk}.png"'
    return response
