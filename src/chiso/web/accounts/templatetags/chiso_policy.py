"""`{% can "audit.view" as may_audit %}`, `{% can "assessment.edit" unit=unit as may_edit %}`:
the policy in templates, so a page shows only what its reader may do (views still `require`)."""

from __future__ import annotations

from typing import Any

from django import template

from chiso.web.accounts.policy import Action, can

register = template.Library()


@register.simple_tag(takes_context=True, name="can")
def can_tag(
    context: dict[str, Any], action: str, unit: Any = None, field_code: str | None = None
) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return can(user, Action(action), unit=unit, field_code=field_code)
