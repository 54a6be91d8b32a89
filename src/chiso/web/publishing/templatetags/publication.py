"""`{% downloads_section year %}`: the "Tải về" box of a published year on the public pages: the
annexes, the open data, the province report and, once released, the press summary."""

from __future__ import annotations

from typing import Any

from django import template

from chiso.web.publishing.downloads import FILES, press_released

register = template.Library()


@register.inclusion_tag("publishing/_downloads.html")
def downloads_section(year: int | None) -> dict[str, Any]:
    if year is None:
        return {"year": None}
    # The province report as well (`chiso.web.public.report_files`, which reads the downloads
    # module: imported here, not at the top), as the downloads page lists it.
    from chiso.web.public.report_files import REPORT_TITLES

    files = [
        {"name": k.name, "title": k.title, "url": f"/{year}/tai-ve/{k.name}"}
        for k in FILES.values()
    ]
    files += [
        {"name": f"bao-cao.{fmt}", "title": title, "url": f"/{year}/bao-cao.{fmt}"}
        for fmt, title in REPORT_TITLES.items()
    ]
    return {"year": year, "files": files, "press": press_released(year) is not None}
