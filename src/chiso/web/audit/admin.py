"""The audit log in the Django admin: read-only, as the table itself is append-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from chiso.web.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "period", "unit", "target"]
    list_filter = ["action"]
    search_fields = ["target", "actor__username", "unit__code", "reason"]
    date_hierarchy = "at"
    list_select_related = ["actor", "period", "unit"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
