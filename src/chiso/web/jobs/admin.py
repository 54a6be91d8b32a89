"""Jobs in the Django admin: read-only (state changes go through the services and the worker)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from chiso.web.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "kind", "target", "state", "progress_done", "progress_total")
    list_filter = ("state", "kind")
    search_fields = ("target", "kind")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
