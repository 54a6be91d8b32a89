"""Publication pages: the year's files to download and its press summary (public), and the
reform office's page to enter the decision and edit and release the summary (staff).

Public views read published snapshots only: before the council's approval every URL here is a
404, and the press page stays a 404 until the summary is released.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from chiso.reports.press import markdown_html
from chiso.web.accounts import policy
from chiso.web.evaluations.models import Period
from chiso.web.evaluations.workflow import WorkflowError
from chiso.web.jobs.selectors import jobs_of
from chiso.web.jobs.services import job_start
from chiso.web.publishing import downloads
from chiso.web.publishing.publication import (
    StaleVersionError,
    press_draft_save,
    press_release,
    publication_decision_set,
)
from chiso.web.publishing.publication_jobs import GENERATE, dedupe_key, generating

RETRY_SECONDS = 15

# --- public -------------------------------------------------------------------------------------


@require_safe
def year_file(request: HttpRequest, year: str, name: str) -> HttpResponse:
    """One publication file of a published year, generated on first request and cached."""
    # While the background job makes the year's files, wait for it rather than do it twice.
    busy = generating(int(year))
    found = downloads.publication_file(int(year), name, generate=not busy)
    if found is None:
        raise Http404(_("Chưa có tệp công bố này cho năm này."))
    if not found.path.exists():
        response = render(request, "publishing/preparing.html", {"year": year}, status=503)
        response["Retry-After"] = str(RETRY_SECONDS)
        return response
    etag = f'"{found.key}"'
    if etag in request.headers.get("If-None-Match", ""):
        return HttpResponseNotModified(headers={"ETag": etag})
    response = FileResponse(
        found.path.open("rb"),
        content_type=found.kind.content_type,
        as_attachment=True,
        filename=found.filename,
    )
    response["ETag"] = etag
    # The same URL may get a new file when the decision's number is entered: revalidate.
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def year_downloads(request: HttpRequest, year: str) -> HttpResponse:
    files = downloads.file_listing(int(year))
    if not files:
        raise Http404(_("Chưa có kết quả công bố cho năm này."))
    context = {
        "year": int(year),
        "files": files,
        "press": downloads.press_released(int(year)),
        "status_labels": downloads.status_labels(int(year)),
    }
    return render(request, "publishing/downloads.html", context)


@require_safe
def press_page(request: HttpRequest, year: str, fmt: str = "html") -> HttpResponse:
    """The released press summary; a 404 until it is released."""
    record = downloads.press_released(int(year))
    if record is None:
        raise Http404(_("Chưa phát hành thông cáo cho năm này."))
    if fmt == "md":
        response = HttpResponse(record.press_text, content_type="text/markdown; charset=utf-8")
        response["Access-Control-Allow-Origin"] = "*"
        return response
    context = {
        "year": int(year),
        "record": record,
        "html": markdown_html(record.press_text),
        "status_labels": downloads.status_labels(int(year)),
    }
    return render(request, "publishing/press.html", context)


# --- staff --------------------------------------------------------------------------------------


@login_required
@require_safe
def press_years(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "period.manage")
    years = [
        {"year": year, "record": downloads.publication_of(year)}
        for year in downloads.published_years()
    ]
    return render(request, "publishing/press_years.html", {"years": years})


@login_required
@require_http_methods(["GET", "POST"])
def press_edit(request: HttpRequest, year: str) -> HttpResponse:
    policy.require(request.user, "period.manage")
    period = Period.objects.filter(year=int(year)).first()
    generated = downloads.press_generated(int(year))
    if period is None or generated is None:
        raise Http404(_("Năm này chưa có kết quả công bố."))
    if request.method == "POST":
        problem = _apply(request, period)
        if problem is None:
            return redirect("publishing:press_edit", year=year)
        messages.error(request, problem)
    record = downloads.publication_of(int(year))
    text = request.POST.get("text") if request.method == "POST" else None
    context = {
        "year": int(year),
        "record": record,
        "generated": generated,
        "text": text if text is not None else (record.press_draft if record else "") or generated,
        "version": record.version if record else 1,
        "released_html": markdown_html(record.press_text) if record and record.press_text else "",
        "files": downloads.file_listing(int(year)),
        "jobs": jobs_of(kind=GENERATE, target=f"period:{year}", limit=1),
    }
    return render(request, "publishing/press_edit.html", context)


def _apply(request: HttpRequest, period: Period) -> str | None:
    """Run the posted action; the message to show when it was refused."""
    action, post = request.POST.get("action", ""), request.POST
    try:
        if action == "decision":
            day = _date(post.get("decision_date", ""))
            publication_decision_set(
                period=period,
                number=post.get("decision_number", ""),
                decision_date=day,
                by=request.user,
            )
            _start_generation(period.year, request.user)
            messages.success(
                request,
                _("Đã lưu số và ngày quyết định; các tệp phụ lục đang được tạo lại trong nền."),
            )
        elif action == "generate":
            _start_generation(period.year, request.user, units=post.get("units") == "on")
            messages.success(request, _("Đã bắt đầu tạo các tệp công bố trong nền."))
        elif action in ("save", "reset", "release"):
            version = int(post.get("version", "0")) if post.get("version", "").isdigit() else 0
            text = "" if action == "reset" else post.get("text", "")
            if action == "release":
                press_release(period=period, text=text, version=version, by=request.user)
                messages.success(request, _("Đã phát hành thông cáo."))
            else:
                press_draft_save(period=period, text=text, version=version, by=request.user)
                messages.success(request, _("Đã lưu bản thảo thông cáo."))
        else:
            return _("Thao tác không hợp lệ.")
    except WorkflowError as exc:
        return exc.vi
    except StaleVersionError:
        return _(
            "Thông cáo vừa được người khác lưu. Nội dung bạn nhập vẫn còn trong ô dưới đây; "
            "hãy xem bản đã lưu rồi lưu lại."
        )
    except ValueError as exc:
        return str(exc)
    return None


def _start_generation(year: int, user: Any, *, units: bool = False) -> None:
    job_start(
        kind=GENERATE,
        params={"year": year, "units": units},
        by=user,
        dedupe_key=dedupe_key(year),
        target=f"period:{year}",
    )


def _date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            _("Ngày quyết định “%(value)s” không hợp lệ: hãy chọn ngày theo dạng năm-tháng-ngày.")
            % {"value": text}
        ) from None
