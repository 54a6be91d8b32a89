"""The append-only audit log: every change to a score, a status, a method or a result."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who, when, what, old, new, why. Rows are written once and never changed or deleted."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("hành động"), max_length=64, db_index=True)
    period = models.ForeignKey(
        "evaluations.Period", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target = models.CharField(_("đối tượng"), max_length=128, blank=True)
    old = models.TextField(_("giá trị cũ"), blank=True)
    new = models.TextField(_("giá trị mới"), blank=True)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Append-only is an invariant of the table, not a workflow rule, so it lives here.
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("audit events are append-only")
