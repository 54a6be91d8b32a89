"""Writing the audit log. Every service that changes important state calls `audit_record`."""

from __future__ import annotations

import json
from typing import Any

from chiso.web.audit.models import AuditEvent

__all__ = ["audit_record"]


def audit_record(
    *,
    actor: Any,
    action: str,
    period: Any = None,
    unit: Any = None,
    target: str = "",
    old: Any = "",
    new: Any = "",
    reason: str = "",
) -> AuditEvent:
    """Append one event. `actor` is a user, or None for the operator at the shell (a management
    command). `old` and `new` are stored as text: strings as given, anything else as JSON."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        period=period,
        unit=unit,
        target=target[:128],
        old=_as_text(old),
        new=_as_text(new),
        reason=reason,
    )


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    # Sorted keys: the same change always reads the same, so events can be compared as text.
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
