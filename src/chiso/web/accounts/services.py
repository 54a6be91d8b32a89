"""Granting and revoking roles: security-relevant changes, so audited like any other."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from chiso.web.accounts.models import Role, RoleAssignment
from chiso.web.accounts.policy import Action, require
from chiso.web.audit.services import audit_record

__all__ = ["role_assign", "role_revoke"]


def role_assign(
    *, user: Any, role: Role | str, unit: Any = None, field_code: str = "", by: Any
) -> RoleAssignment:
    """Give `user` a role (idempotent). `by` None: the operator at the shell, e.g. to grant the
    first administrator."""
    if by is not None:
        require(by, Action.ACCOUNTS_MANAGE)
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, role=Role(role), unit=unit, field_code=field_code
        )
        if created:
            audit_record(
                actor=by,
                action="role.assign",
                unit=unit,
                target=user.get_username(),
                new=_describe(assignment),
            )
    return assignment


def role_revoke(*, assignment: RoleAssignment, by: Any) -> None:
    if by is not None:
        require(by, Action.ACCOUNTS_MANAGE)
    with transaction.atomic():
        audit_record(
            actor=by,
            action="role.revoke",
            unit=assignment.unit,
            target=assignment.user.get_username(),
            old=_describe(assignment),
        )
        assignment.delete()


def _describe(assignment: RoleAssignment) -> dict[str, Any]:
    return {
        "role": assignment.role,
        "unit": assignment.unit.code if assignment.unit_id else None,
        "field_code": assignment.field_code,
    }
