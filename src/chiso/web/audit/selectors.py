"""Reading the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from chiso.web.audit.models import AuditEvent

__all__ = ["audit_actions", "audit_events"]


def audit_events(
    *,
    period: Any = None,
    unit: Any = None,
    actor: Any = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Events newest first, narrowed by whichever filters are given. `since` is inclusive,
    `until` exclusive, so consecutive windows never count an event twice."""
    events = AuditEvent.objects.select_related("actor", "period", "unit")
    filters: dict[str, Any] = {
        "period": period,
        "unit": unit,
        "actor": actor,
        "action": action or None,
        "at__gte": since,
        "at__lt": until,
    }
    return events.filter(**{key: value for key, value in filters.items() if value is not None})


def audit_actions() -> list[str]:
    """The distinct action names in the log, for a filter's choices."""
    names = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    return sorted(names)
