"""Published results: immutable snapshots, the only thing public pages read."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """One block's approved results of one period, frozen with everything needed to recompute
    them: the method file, the inputs, and the results the engine gave."""

    period = models.ForeignKey(
        "evaluations.Period", on_delete=models.PROTECT, related_name="snapshots"
    )
    block = models.CharField(max_length=32)
    block_title = models.CharField(max_length=255)
    method_yaml = models.TextField()
    method_hash = models.CharField(max_length=80)
    inputs_hash = models.CharField(max_length=80)
    inputs = models.JSONField(help_text="units and score rows the engine read")
    results = models.JSONField(help_text="units, fields and leaves frames as lists of rows")
    # The units frame again, on its own: ranking pages read it without parsing the leaves
    # (18,000 rows for 150 units × 120 criteria), which made them ~20× slower under load.
    ranking = models.JSONField(default=list, help_text="the units frame (results['units'])")
    extras = models.JSONField(default=dict, help_text="history and rank intervals")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-period__year", "block"]
        verbose_name = _("kết quả đã công bố")
        verbose_name_plural = _("kết quả đã công bố")
        constraints = [
            models.UniqueConstraint(fields=["period", "block"], name="one_snapshot_per_block")
        ]

    def __str__(self) -> str:
        return f"{self.period.year} {self.block_title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A published result never changes; a correction is a new period's decision.
        if self.pk is not None:
            raise ValueError("published snapshots are immutable")
        super().save(*args, **kwargs)


class SipasSnapshot(models.Model):
    """One year's published SIPAS estimates, frozen with what is needed to re-estimate them:
    the questionnaire file, the answers (respondents numbered, nothing identifying) and the
    estimation settings. Public pages read `document` only."""

    year = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=255)
    questionnaire_yaml = models.TextField()
    questionnaire_hash = models.CharField(max_length=80)
    answers_hash = models.CharField(max_length=80)
    # Parquet bytes of the anonymised answers frame: a province's 1M answer rows fit in a few MB
    # and stay inside the database's transaction, unlike a file beside it.
    answers = models.BinaryField()
    estimation = models.JSONField(help_text="level, bootstrap draws, seed, weighting")
    document = models.JSONField(help_text="chiso.public.sipas/1")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("kết quả SIPAS đã công bố")
        verbose_name_plural = _("kết quả SIPAS đã công bố")

    def __str__(self) -> str:
        return f"SIPAS {self.year}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("published snapshots are immutable")
        super().save(*args, **kwargs)


class Publication(models.Model):
    """What the reform office adds to a published period: the number and date of the decision
    the results are annexed to, and the press summary — edited as a draft, then released.

    The released text is what the public page shows; releasing again replaces it (a correction),
    and every save and release is an audit event with the old and new text."""

    period = models.OneToOneField(
        "evaluations.Period", on_delete=models.PROTECT, related_name="publication"
    )
    decision_number = models.CharField(_("số quyết định"), max_length=64, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    press_draft = models.TextField(_("bản thảo thông cáo"), blank=True)
    press_text = models.TextField(_("thông cáo đã phát hành"), blank=True)
    press_released_at = models.DateTimeField(null=True, blank=True)
    press_released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("thông tin công bố")
        verbose_name_plural = _("thông tin công bố")

    def __str__(self) -> str:
        return f"{self.period.year}"
