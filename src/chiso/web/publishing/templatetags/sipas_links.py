"""`{% sipas_link year %}`: the link to the year's published SIPAS page, next to the PAR
results on the public home and ranking pages (nothing before SIPAS is published)."""

from __future__ import annotations

from typing import Any

from django import template

from chiso.web.publishing.selectors import sipas_years

register = template.Library()


@register.inclusion_tag("public/_sipas_link.html")
def sipas_link(year: int | None) -> dict[str, Any]:
    published = year is not None and year in sipas_years()
    return {"year": year, "url": f"/{year}/sipas/" if published else None}
