"""`{{ status|status_text }}`: a method's status (modelled, reproduction) as a page prints it, in
the interface language (`chiso.web.public.display.status_text`)."""

from __future__ import annotations

from django import template

from chiso.web.public.display import status_text as _status_text

register = template.Library()


@register.filter
def status_text(status: str) -> str:
    return _status_text(status)
