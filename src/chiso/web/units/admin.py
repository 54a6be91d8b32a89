"""Units in the Django admin. Saves go through `unit_save`, so they are checked and audited;
units are never deleted (assessments and history refer to them): end them with `valid_to`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from chiso.web.units.models import Unit, UnitLineage
from chiso.web.units.services import unit_save


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "block", "tags", "valid_from", "valid_to"]
    list_filter = ["block", "kind"]
    search_fields = ["code", "name", "tags"]
    autocomplete_fields = ["parent"]

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        unit_save(unit=obj, by=request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(UnitLineage)
class UnitLineageAdmin(admin.ModelAdmin):
    """Read-only here: links are imported with `lineage_import`, which audits them."""

    list_display = ["previous", "relation", "current", "since"]
    list_filter = ["relation"]
    search_fields = ["current__code", "current__name", "previous__code", "previous__name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
