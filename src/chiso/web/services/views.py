"""Public service-quality pages under /chat-luong/: published snapshots only, no login.

Every page is one document (`documents.py`) rendered three ways — HTML, `.json`, `.csv`. A
period's pages show its latest *published* snapshot; a snapshot not yet published is visible
only on the staff pages (`staff_views.py`), which render the very same documents. The list of
overdue dossiers is never public: see `staff_views.overdue`.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from chiso.web.services import documents, pages, selectors
from chiso.web.services.models import ServiceSnapshot
from chiso.web.twins import csv_response, json_response


@require_safe
def index(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    document = documents.index_document(selectors.snapshots_published())
    if fmt == "json":
        return json_response(document)
    if fmt == "csv":
        rows = [{**s, **s["links"]} for s in document["snapshots"]]
        return csv_response(rows, documents.INDEX_COLUMNS, "chiso-chat-luong.csv")
    return render(request, "services/index.html", {"doc": document})


def _published(spec: str) -> ServiceSnapshot:
    snapshot = selectors.snapshot_published(spec)
    if snapshot is None:
        raise Http404(_("Chưa có kết quả chất lượng phục vụ nào được công bố cho kỳ này."))
    return snapshot


@require_safe
def ranking(request: HttpRequest, spec: str, fmt: str = "html") -> HttpResponse:
    snapshot = _published(spec)
    return ranking_page(request, snapshot, documents.public_base(snapshot), fmt)


@require_safe
def unit(request: HttpRequest, spec: str, unit: str, fmt: str = "html") -> HttpResponse:
    snapshot = _published(spec)
    return unit_page(request, snapshot, documents.public_base(snapshot), unit, fmt)


@require_safe
def procedures(request: HttpRequest, spec: str, unit: str, fmt: str = "html") -> HttpResponse:
    snapshot = _published(spec)
    return procedures_page(request, snapshot, documents.public_base(snapshot), unit, fmt)


# --- one page, three ways (also used by the staff pages) ----------------------------------------


def ranking_page(
    request: HttpRequest, snapshot: ServiceSnapshot, base: str, fmt: str, **extra: Any
) -> HttpResponse:
    document = documents.ranking_document(snapshot, base)
    if fmt == "json":
        return json_response(document)
    if fmt == "csv":
        rows = documents.ranking_csv_rows(document)
        name = f"chiso-chat-luong-{snapshot.spec}.csv"
        return csv_response(rows, documents.RANKING_COLUMNS, name, public=not extra)
    context = {**pages.ranking_context(snapshot, document, base), "snapshot": snapshot, **extra}
    return render(request, "services/ranking.html", context)


def _part(snapshot: ServiceSnapshot, unit: str) -> Any:
    part = selectors.unit_part(snapshot, unit)
    if part is None:
        raise Http404(_("Không có đơn vị này trong kết quả."))
    return part


def unit_page(
    request: HttpRequest, snapshot: ServiceSnapshot, base: str, unit: str, fmt: str, **extra: Any
) -> HttpResponse:
    part = _part(snapshot, unit)
    document = documents.unit_document(snapshot, part, base)
    if fmt == "json":
        return json_response(document)
    if fmt == "csv":
        rows = documents.unit_csv_rows(snapshot, part)
        name = f"chiso-chat-luong-{snapshot.spec}-{unit}.csv"
        return csv_response(rows, documents.UNIT_COLUMNS, name, public=not extra)
    context = {**pages.unit_context(snapshot, document, base), "snapshot": snapshot, **extra}
    return render(request, "services/unit.html", context)


def procedures_page(
    request: HttpRequest, snapshot: ServiceSnapshot, base: str, unit: str, fmt: str, **extra: Any
) -> HttpResponse:
    part = _part(snapshot, unit)
    document = documents.procedures_document(snapshot, part, base)
    if fmt == "json":
        return json_response(document)
    if fmt == "csv":
        rows = documents.procedure_csv_rows(document)
        name = f"chiso-chat-luong-{snapshot.spec}-{unit}-thu-tuc.csv"
        return csv_response(rows, documents.PROCEDURE_COLUMNS, name, public=not extra)
    context = {**pages.procedures_context(document, base), "snapshot": snapshot, **extra}
    return render(request, "services/procedures.html", context)
