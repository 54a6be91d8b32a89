"""Background job "publication.generate": make every publication file of a published year
ahead of the first download, so no public request waits while a large province's PDF is laid
out. Started from the reform office's publication page, and again after the decision's number
or date changes (which changes the annexes).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from chiso.web.jobs.models import ACTIVE_STATES, Job
from chiso.web.jobs.progress import JobError
from chiso.web.publishing.downloads import FILES, publication_file, year_published

__all__ = ["GENERATE", "dedupe_key", "generate_params", "generating", "publication_generate"]

GENERATE = "publication.generate"


def dedupe_key(year: int) -> str:
    return f"{GENERATE}:{year}"


def generating(year: int) -> bool:
    """Whether a generation job for `year` is queued or running."""
    return Job.objects.filter(dedupe_key=dedupe_key(year), state__in=ACTIVE_STATES).exists()


def generate_params(params: dict[str, Any]) -> dict[str, Any]:
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


def publication_generate(*, job: Any, params: dict[str, Any], report: Any) -> dict[str, Any]:
    """Generate (or find in the cache) each file of the year, reporting after each."""
    year = params["year"]
    names = list(FILES)
    sizes = {}
    for done, name in enumerate(names):
        report(done, len(names), gettext("Đang tạo %(name)s") % {"name": name})
        found = publication_file(year, name)
        if found is None:
            raise JobError(gettext("Năm %(year)d không còn kết quả công bố.") % {"year": year})
        sizes[name] = found.path.stat().st_size
    report(len(names), len(names), gettext("Đã tạo xong các tệp công bố."))
    return {"year": year, "files": sizes}
