"""Who may do what: roles assigned to Django users, scoped to a unit or to fields."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị (Sở Nội vụ)")
    OFFICER = "officer", _("Cán bộ đầu mối của đơn vị")
    APPRAISER = "appraiser", _("Thành viên tổ thẩm định")
    CHAIR = "chair", _("Chủ tịch Hội đồng thẩm định")
    LEADERSHIP = "leadership", _("Lãnh đạo (chỉ xem)")
    SURVEYOR = "surveyor", _("Cán bộ khảo sát (nhập phiếu)")


class RoleAssignment(models.Model):
    """One role of one user. An officer's `unit` is the only unit they may act for; an
    appraiser's `unit` and `field_code` narrow what they appraise (empty = all)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="staff"
    )
    field_code = models.CharField(_("lĩnh vực"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="officer") | models.Q(unit__isnull=False),
                name="officer_has_unit",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "unit", "field_code"], name="role_assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        scope = " / ".join(str(s) for s in (self.unit, self.field_code) if s)
        return f"{self.user} — {self.get_role_display()}" + (f" ({scope})" if scope else "")
