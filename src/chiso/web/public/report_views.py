"""Report downloads: a unit's report (`/2024/so/TN.SCT/bao-cao.pdf`, `.docx`) and the
province report of a year (`/2024/bao-cao.pdf`, `.docx`), from published snapshots only —
a 404 before the council's approval."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from chiso.web.public.report_files import ReportFile, province_report_file, unit_report_file
from chiso.web.publishing.publication_jobs import generating
from chiso.web.publishing.views import RETRY_SECONDS


@require_safe
def unit_report(request: HttpRequest, year: str, block: str, unit: str, fmt: str) -> HttpResponse:
    found = unit_report_file(int(year), block, unit, fmt)
    if found is None:
        raise Http404(_("Chưa có kết quả công bố của đơn vị này trong năm này."))
    return _send(request, found)


@require_safe
def province_report(request: HttpRequest, year: str, fmt: str) -> HttpResponse:
    # While the background job makes the year's files, wait for it rather than do it twice.
    busy = generating(int(year))
    found = province_report_file(int(year), fmt, generate=not busy)
    if found is None:
        raise Http404(_("Chưa có kết quả công bố cho năm này."))
    if not found.path.exists():
        response = render(request, "publishing/preparing.html", {"year": year}, status=503)
        response["Retry-After"] = str(RETRY_SECONDS)
        return response
    return _send(request, found)


def _send(request: HttpRequest, found: ReportFile) -> HttpResponse:
    etag = f'"{found.key}"'
    if etag in request.headers.get("If-None-Match", ""):
        return HttpResponseNotModified(headers={"ETag": etag})
    response = FileResponse(
        found.path.open("rb"),
        content_type=found.content_type,
        as_attachment=True,
        filename=found.filename,
    )
    response["ETag"] = etag
    # A new publication (another year, the SIPAS results) changes the file: revalidate.
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response
