"""`{{ score.self_points|points }}`: points written the Vietnamese way (0,5 · 1 · 0,25)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def points(value: float | None) -> str:
    if value is None or value == "":
        return ""
    return f"{round(float(value), 4):g}".replace(".", ",")
