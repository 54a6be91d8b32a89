"""Role assignments in the Django admin, through the audited services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from chiso.web.accounts.models import RoleAssignment
from chiso.web.accounts.services import role_assign, role_revoke


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "field_code"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__last_name", "unit__code", "unit__name"]
    autocomplete_fields = ["unit"]
    actions = None  # bulk delete would bypass role_revoke

    def save_model(
        self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool
    ) -> None:
        if change:  # a changed grant is a revoke and a new grant, both audited
            role_revoke(assignment=RoleAssignment.objects.get(pk=obj.pk), by=request.user)
            obj.pk = None
        saved = role_assign(
            user=obj.user,
            role=obj.role,
            unit=obj.unit,
            field_code=obj.field_code,
            by=request.user,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: RoleAssignment) -> None:
        role_revoke(assignment=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoleAssignment]) -> None:
        for assignment in queryset:
            role_revoke(assignment=assignment, by=request.user)
