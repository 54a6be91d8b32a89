"""`{% service_link %}`: the link to the latest published service-quality results (Decision
766), on the public home page; nothing before anything is published."""

from __future__ import annotations

from typing import Any

from django import template

from chiso.web.services.selectors import snapshots_published

register = template.Library()


@register.inclusion_tag("services/_home_link.html")
def service_link() -> dict[str, Any]:
    published = snapshots_published()
    return {"latest": published[0] if published else None, "count": len(published)}
