"""`{% downloads_section year %}`: the "Tải về" box of a published year on the public pages."""

from __future__ import annotations

from typing import Any

from django import template

from chiso.web.publishing.downloads import FILES, press_released

register = template.Library()


@register.inclusion_tag("publishing/_downloads.html")
def downloads_section(year: int | None) -> dict[str, Any]:
    if year is None:
        return {"year": None}
    files = [
        {"name": k.name, "title": k.title, "url": f"/{year}/tai-ve/{k.name}"}
        for k in FILES.values()
    ]
    return {"year": year, "files": files, "press": press_released(year) is not None}
