"""Evaluated units and how they change from year to year."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT = "district", _("UBND cấp huyện")
    COMMUNE = "commune", _("UBND xã")
    WARD = "ward", _("UBND phường")
    CENTRAL_AGENCY = "central_agency", _("Cơ quan Trung ương đóng trên địa bàn")
    PROVINCE = "province", _("Tỉnh")


class Unit(models.Model):
    """An agency or local government evaluated in some year (sở, xã, phường …)."""

    code = models.CharField(_("mã đơn vị"), max_length=64, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    kind = models.CharField(_("loại"), max_length=32, choices=UnitKind.choices)
    block = models.CharField(_("khối"), max_length=32, help_text=_("khối xếp hạng"))
    tags = models.CharField(
        _("nhãn"),
        max_length=255,
        blank=True,
        help_text=_("nhãn cách nhau bởi dấu chấm phẩy, dùng cho miễn áp dụng tiêu chí"),
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        ordering = ["block", "code"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tag_list(self) -> tuple[str, ...]:
        return tuple(t.strip() for t in self.tags.split(";") if t.strip())


class LineageRelation(models.TextChoices):
    RENAMED = "renamed", _("đổi tên")
    MERGED = "merged", _("hợp nhất")
    SPLIT = "split", _("chia tách")


class UnitLineage(models.Model):
    """Where a unit came from: renamed from, merged from several, split from one."""

    current = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="predecessors")
    previous = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="successors")
    relation = models.CharField(_("quan hệ"), max_length=16, choices=LineageRelation.choices)
    since = models.DateField(_("từ ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["current", "previous"], name="lineage_unique_pair"),
            models.CheckConstraint(
                condition=~models.Q(current=models.F("previous")), name="lineage_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.previous} → {self.current} ({self.get_relation_display()})"
