"""Background jobs that make a published year's public output ahead of its first visitor.

"publication.charts" draws the charts of each block's public page in both languages
(`page_charts`: a 150-unit block's take seconds, which no visitor should wait for). It is
started when the council chair publishes the results.

"publication.generate" makes the publication files ahead of the first download, so no public
request waits while a large province's PDF is laid out. Started from the reform office's
publication page, and again after the decision's number or date changes (which changes the
annexes). It draws the pages' charts too (found, if already drawn), then makes the annexes and
the open data (`downloads.FILES`), the province report (PDF and Word) and, when asked
(`units`), every unit's report in both formats — for a province of several hundred communes
that is the long part, hence a progress report after every file. Files already in the cache
are found, not made again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop

from chiso.web.jobs.models import ACTIVE_STATES, Job
from chiso.web.jobs.progress import JobError
from chiso.web.jobs.services import job_start
from chiso.web.jobs.texts import JobText
from chiso.web.public.page_charts import page_charts_draw
from chiso.web.public.report_files import (
    ReportFile,
    province_report_file,
    unit_report_file,
    unit_reports_of,
)
from chiso.web.publishing.downloads import FILES, publication_file, year_published
from chiso.web.publishing.selectors import snapshots_published

__all__ = [
    "CHARTS",
    "GENERATE",
    "charts_params",
    "charts_start",
    "dedupe_key",
    "generate_params",
    "generating",
    "publication_charts",
    "publication_generate",
]

GENERATE = "publication.generate"
CHARTS = "publication.charts"
FORMATS = ("pdf", "docx")


def dedupe_key(year: int, kind: str = GENERATE) -> str:
    return f"{kind}:{year}"


def generating(year: int) -> bool:
    """Whether a generation job for `year` is queued or running."""
    return Job.objects.filter(dedupe_key=dedupe_key(year), state__in=ACTIVE_STATES).exists()


def generate_params(params: dict[str, Any]) -> dict[str, Any]:
    """`{"year": 2024, "units": false}` for a published year; else a ValidationError saying
    why. `units`: also every unit's report."""
    return {**charts_params(params), "units": bool(params.get("units", False))}


def charts_params(params: dict[str, Any]) -> dict[str, Any]:
    """`{"year": 2024}` for a published year; else a ValidationError saying why."""
    raw = params.get("year")
    try:
        year = int(str(raw))
    except ValueError:
        raise ValidationError(
            gettext("Năm “%(value)s” không hợp lệ: hãy nhập một năm, ví dụ 2024.") % {"value": raw}
        ) from None
    if not year_published(year):
        raise ValidationError(
            gettext("Năm %(year)d chưa có kết quả công bố để tạo tệp.") % {"year": year}
        )
    return {"year": year}


def charts_start(*, year: int, by: Any) -> Job:
    """Queue the drawing of `year`'s page charts (one job at a time per year)."""
    return job_start(
        kind=CHARTS,
        params={"year": year},
        by=by,
        dedupe_key=dedupe_key(year, CHARTS),
        target=f"period:{year}",
    )


def publication_charts(*, job: Any, params: dict[str, Any], report: Any) -> dict[str, Any]:
    """Draw the charts of the year's block pages in both languages, reporting after each page."""
    pages = _pages_draw(params["year"], report, steps=0)
    report(pages, pages, JobText(gettext_noop("Đã vẽ xong biểu đồ của các trang kết quả.")))
    return {"year": params["year"], "pages": pages}


def publication_generate(*, job: Any, params: dict[str, Any], report: Any) -> dict[str, Any]:
    """Draw the public pages' charts, then generate (or find in the cache) each file of the
    year, reporting after each page and file."""
    year = params["year"]
    steps = _steps(year, units=bool(params.get("units")))
    pages = _pages_draw(year, report, steps=len(steps))
    total = pages + len(steps)
    sizes: dict[str, int] = {}
    for done, (name, label, make) in enumerate(steps, start=pages):
        report(done, total, JobText(gettext_noop("Đang tạo %(name)s"), name=label))
        found = make()
        if found is None:
            raise JobError(
                JobText(gettext_noop("Năm %(year)d không còn kết quả công bố."), year=year)
            )
        sizes[name] = found.path.stat().st_size
    report(total, total, JobText(gettext_noop("Đã tạo xong các tệp công bố.")))
    year_files = {name: size for name, size in sizes.items() if "/" not in name}
    unit_files = len(sizes) - len(year_files)
    return {"year": year, "pages": pages, "files": year_files, "unit_reports": unit_files}


def _pages_draw(year: int, report: Any, *, steps: int) -> int:
    """Draw the charts of every published block page of `year`, reporting after each page
    (out of the pages and `steps` more to come); the number of pages."""
    snapshots = list(snapshots_published().filter(period__year=year))
    for done, snapshot in enumerate(snapshots):
        drawing = gettext_noop("Đang vẽ biểu đồ của trang %(block)s")
        report(done, len(snapshots) + steps, JobText(drawing, block=snapshot.block_title))
        page_charts_draw(snapshot)
    return len(snapshots)


Step = tuple[str, str, Callable[[], Any]]


def _steps(year: int, *, units: bool) -> list[Step]:
    """(name in the result, what the progress line says, the call that makes it)."""
    steps: list[Step] = [(name, name, _year_file(year, name)) for name in FILES]
    steps += [(f"bao-cao.{f}", f"bao-cao.{f}", _province(year, f)) for f in FORMATS]
    if units:
        steps += [
            (
                f"{block}/{unit}/bao-cao.{fmt}",
                f"{name} ({fmt.upper()})",
                _unit(year, block, unit, fmt),
            )
            for block, unit, name in unit_reports_of(year)
            for fmt in FORMATS
        ]
    return steps


def _year_file(year: int, name: str) -> Callable[[], Any]:
    return lambda: publication_file(year, name)


def _province(year: int, fmt: str) -> Callable[[], ReportFile | None]:
    return lambda: province_report_file(year, fmt)


def _unit(year: int, block: str, unit: str, fmt: str) -> Callable[[], ReportFile | None]:
    return lambda: unit_report_file(year, block, unit, fmt)
