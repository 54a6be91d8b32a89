"""The evaluation cycle in the Django admin: for looking, not for changing.

Every change to a period, a method, a score or its evidence goes through `services.py`, which
checks the workflow, the permissions and the version, and audits it; an admin form would bypass
all four. The one exception is creating a period, which calls `period_create`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from chiso.web.evaluations.models import (
    Assessment,
    Evidence,
    ExplanationRequest,
    Period,
    PeriodMethod,
    Score,
)
from chiso.web.evaluations.services import period_create


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ["year", "title", "state", "self_assessment_opens", "self_assessment_closes"]
    list_filter = ["state"]
    fields = ["year", "title"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super(ReadOnlyAdmin, self).has_add_permission(request)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.fields
        return [f.name for f in Period._meta.fields]

    def save_model(self, request: HttpRequest, obj: Period, form: Any, change: bool) -> None:
        created = period_create(year=obj.year, title=obj.title, by=request.user)
        obj.pk = created.pk


@admin.register(PeriodMethod)
class PeriodMethodAdmin(ReadOnlyAdmin):
    list_display = ["period", "block", "method_id", "title", "method_hash"]
    list_filter = ["period", "block"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["period", "unit", "status", "submitted_at"]
    list_filter = ["period", "status", "unit__block"]
    search_fields = ["unit__code", "unit__name"]
    list_select_related = ["period", "unit"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = [
        "assessment",
        "criterion",
        "self_value",
        "self_points",
        "appraised_value",
        "appraised_points",
        "appraisal_round",
        "version",
    ]
    list_filter = ["assessment__period", "appraisal_round", "assessment__unit__block"]
    search_fields = ["assessment__unit__code", "assessment__unit__name", "criterion"]
    list_select_related = ["assessment__period", "assessment__unit"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    # No link to the file: evidence is served only by the view that checks `evidence.view`.
    list_display = ["original_name", "score", "content_type", "size", "uploaded_by", "uploaded_at"]
    exclude = ["file"]
    search_fields = ["original_name", "sha256", "score__assessment__unit__code"]
    list_select_related = ["score__assessment__period", "score__assessment__unit", "uploaded_by"]


@admin.register(ExplanationRequest)
class ExplanationRequestAdmin(ReadOnlyAdmin):
    list_display = ["score", "requested_by", "requested_at", "answered_by", "answered_at"]
    list_select_related = [
        "score__assessment__period",
        "score__assessment__unit",
        "requested_by",
        "answered_by",
    ]
