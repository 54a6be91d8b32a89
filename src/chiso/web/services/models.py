"""Service-quality snapshots (immutable computations) and the measured values of PAR leaves."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceSnapshot(models.Model):
    """One computation of the Decision 766 indicators for a period, frozen: the method file and
    its hash, what the records were (store version, the engine's inputs hash, the imports), the
    result frames, the as-of date, who and when. Never changed after it is saved; publishing
    only sets `published_at`/`published_by` (by the service, with an audit event).

    The results themselves are split by unit (`ServiceSnapshotUnit`: a unit's score, groups and
    indicators in every period, its procedures); `ranking` repeats the whole period's scores
    for the ranking page. `overdue` is the list of overdue dossiers as Parquet bytes — staff
    pages only, never public."""

    spec = models.CharField(_("kỳ"), max_length=16, help_text="2025, 2025-Q3 or 2025-07")
    title = models.CharField(_("tên kỳ"), max_length=64)
    periods = models.JSONField(help_text="period labels computed: months, quarters, the whole")
    as_of = models.DateField(_("số liệu tính đến ngày"))
    complete = models.BooleanField(
        default=True, help_text="false when the period was judged before it ended (as_of)"
    )
    method_id = models.CharField(max_length=128)
    method_title = models.CharField(max_length=512)
    method_status = models.CharField(max_length=32)
    method_yaml = models.TextField()
    method_hash = models.CharField(max_length=80)
    inputs_hash = models.CharField(max_length=80)
    store_version = models.CharField(max_length=32)
    synthetic = models.BooleanField(_("dữ liệu tổng hợp"), default=False)
    store = models.JSONField(help_text="tables and rows, imports, generator of the store version")
    info = models.JSONField(help_text="the method's groups, indicators, bands and display")
    # The whole period's units frame again, on its own: the ranking page reads it without
    # parsing every indicator of every period.
    ranking = models.JSONField(help_text="units of the whole period, in rank order per level")
    overdue = models.BinaryField(help_text="Parquet: the dossiers judged overdue (staff only)")
    overdue_count = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0.0, help_text="computation time")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("tính lúc"))
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("kết quả chỉ số chất lượng phục vụ")
        verbose_name_plural = _("kết quả chỉ số chất lượng phục vụ")
        indexes = [models.Index(fields=["spec", "-published_at"], name="service_published")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.spec}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A computed result never changes; a correction is a new computation.
        if self.pk is not None:
            raise ValueError("service-quality snapshots are immutable")
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ServiceSnapshotUnit(models.Model):
    """One unit's part of a snapshot — its groups and indicators in every period and its
    procedures — so that a unit's page reads one small row, not the whole result."""

    snapshot = models.ForeignKey(ServiceSnapshot, on_delete=models.CASCADE, related_name="units")
    unit = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    level = models.CharField(max_length=16)
    block = models.CharField(max_length=32)
    parent = models.CharField(max_length=64, blank=True)
    document = models.JSONField()

    class Meta:
        ordering = ["snapshot", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "unit"], name="one_part_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id} {self.unit}"


class MeasuredStatus(models.TextChoices):
    MEASURED = "measured", _("đo được")
    NO_DATA = "no_data", _("không có dữ liệu trong kỳ")
    NOT_APPLICABLE = "not_applicable", _("chỉ tiêu không áp dụng cho đơn vị")
    NOT_IN_STORE = "not_in_store", _("đơn vị không có trong dữ liệu hồ sơ")


class MeasuredLeaf(models.Model):
    """What the records say about one PAR data leaf of one unit in a period: the measured rate
    of the Decision 766 indicator the leaf names, from a snapshot, and whether it was written
    into the appraisal (it is not when an appraiser had already decided the leaf)."""

    period = models.ForeignKey(
        "evaluations.Period", on_delete=models.CASCADE, related_name="measured_leaves"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    criterion = models.CharField(max_length=32)
    indicator = models.CharField(max_length=32)
    snapshot = models.ForeignKey(ServiceSnapshot, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=MeasuredStatus.choices)
    rate = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    value = models.CharField(max_length=32, blank=True, help_text="the rate as the leaf reads it")
    points = models.FloatField(null=True, blank=True, help_text="what the value scores")
    filled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("số liệu đo của tiêu chí")
        verbose_name_plural = _("số liệu đo của tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit", "criterion"], name="one_measure_per_leaf"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_id} {self.unit_id} {self.criterion} = {self.value}"
