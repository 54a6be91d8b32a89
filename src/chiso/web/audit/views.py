"""The audit log for the reform office and the council chair: filter, page, export as CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chiso.web.accounts.policy import Action, require
from chiso.web.audit.models import AuditEvent
from chiso.web.audit.selectors import audit_actions, audit_events
from chiso.web.evaluations.models import Period
from chiso.web.units.models import Unit

PAGE_SIZE = 50
CSV_HEADER = ("at", "actor", "action", "period", "unit", "target", "old", "new", "reason")


class AuditFilterForm(forms.Form):
    period = forms.IntegerField(label=_("Năm đánh giá"), required=False, min_value=1900)
    unit = forms.CharField(label=_("Mã đơn vị"), required=False, max_length=64)
    actor = forms.CharField(label=_("Người thực hiện"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Hành động"), required=False)
    since = forms.DateField(
        label=_("Từ ngày"), required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput({"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Tất cả"))] + [(a, a) for a in audit_actions()]


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.AUDIT_VIEW)
    form = AuditFilterForm(request.GET or None)
    events = _filtered(form)
    if request.GET.get("format") == "csv":
        return _csv_response(events)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "audit/list.html", context)


def _filtered(form: AuditFilterForm) -> QuerySet[AuditEvent]:
    if not form.is_bound:
        return audit_events()
    if not form.is_valid():
        return AuditEvent.objects.none()
    data = form.cleaned_data
    filters: dict[str, Any] = {
        "action": data["action"] or None,
        "since": _start_of(data["since"]),
        "until": _start_of(data["until"] + timedelta(days=1)) if data["until"] else None,
    }
    lookups = (
        ("period", Period.objects, {"year": data["period"]}),
        ("unit", Unit.objects, {"code": data["unit"]}),
        ("actor", get_user_model().objects, {"username": data["actor"]}),
    )
    for name, manager, lookup in lookups:
        if next(iter(lookup.values())) in (None, ""):
            continue
        found = manager.filter(**lookup).first()
        if found is None:  # an unknown year, code or user matches no event
            return AuditEvent.objects.none()
        filters[name] = found
    return audit_events(**filters)


def _start_of(day: date | None) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_response(events: QuerySet[AuditEvent]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield "\ufeff"  # a BOM, so Excel reads the Vietnamese text as UTF-8
        yield writer.writerow(CSV_HEADER)
        for event in events.iterator(chunk_size=2000):
            yield writer.writerow([_safe(v) for v in _csv_row(event)])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="nhat-ky.csv"'
    return response


def _csv_row(event: AuditEvent) -> list[str]:
    return [
        timezone.localtime(event.at).isoformat(),
        event.actor.get_username() if event.actor else "",
        event.action,
        str(event.period.year) if event.period else "",
        event.unit.code if event.unit else "",
        event.target,
        event.old,
        event.new,
        event.reason,
    ]


def _safe(value: str) -> str:
    """Defuse spreadsheet formulas: a cell starting with = + - @ would run in Excel."""
    if value[:1] in ("=", "+", "@", "\t", "\r") or (value[:1] == "-" and not _is_number(value)):
        return "'" + value
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
