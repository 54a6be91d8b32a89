"""The yearly cycle: a period, its methods, each unit's assessment, scores and evidence.

Workflow lives in `services.py`; these models hold state and its invariants only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodState(models.TextChoices):
    DRAFT = "draft", _("Chuẩn bị")
    SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá")
    APPRAISAL = "appraisal", _("Thẩm định vòng 1")
    EXPLANATION = "explanation", _("Giải trình")
    SECOND_APPRAISAL = "second_appraisal", _("Thẩm định vòng 2")
    COUNCIL_REVIEW = "council_review", _("Hội đồng xem xét")
    PUBLISHED = "published", _("Đã công bố")


class Period(models.Model):
    """One year's evaluation (kỳ đánh giá), with its calendar and its state."""

    year = models.PositiveSmallIntegerField(_("năm đánh giá"), unique=True)
    title = models.CharField(_("tên kỳ đánh giá"), max_length=255)
    state = models.CharField(
        _("trạng thái"), max_length=24, choices=PeriodState.choices, default=PeriodState.DRAFT
    )
    self_assessment_opens = models.DateField(_("mở tự đánh giá"), null=True, blank=True)
    self_assessment_closes = models.DateField(_("hạn nộp tự đánh giá"), null=True, blank=True)
    appraisal_closes = models.DateField(_("hạn thẩm định"), null=True, blank=True)
    explanation_closes = models.DateField(_("hạn giải trình"), null=True, blank=True)
    second_appraisal_closes = models.DateField(_("hạn thẩm định vòng 2"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")

    def __str__(self) -> str:
        return self.title


class PeriodMethod(models.Model):
    """The method file a block is scored by in a period, frozen once scoring starts."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="methods")
    block = models.CharField(_("khối"), max_length=32)
    method_yaml = models.TextField(_("tệp phương pháp (YAML)"))
    method_id = models.CharField(max_length=128)
    method_hash = models.CharField(max_length=80)
    title = models.CharField(max_length=255)

    class Meta:
        verbose_name = _("bộ tiêu chí của kỳ")
        verbose_name_plural = _("bộ tiêu chí của kỳ")
        constraints = [
            models.UniqueConstraint(fields=["period", "block"], name="one_method_per_block")
        ]

    def __str__(self) -> str:
        return f"{self.period.year} {self.block}: {self.title}"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Đang tự đánh giá")
    SUBMITTED = "submitted", _("Đã nộp")


class Assessment(models.Model):
    """One unit's scores in one period."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="assessments")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(
        max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ đánh giá")
        verbose_name_plural = _("hồ sơ đánh giá")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="one_assessment_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.period.year} {self.unit}"


class Score(models.Model):
    """One criterion of one assessment: the unit's claim, the appraisal, and their reasons.

    Values are the raw inputs the criterion's rule reads (a level code, a rate, points …); the
    points shown are computed by the engine. `version` detects concurrent edits: a save that
    does not carry the version it read is refused instead of overwriting someone's work.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(_("tiêu chí"), max_length=32)
    self_value = models.CharField(_("tự đánh giá"), max_length=255, blank=True)
    self_points = models.FloatField(null=True, blank=True)
    self_note = models.TextField(_("giải thích của đơn vị"), blank=True)
    appraised_value = models.CharField(_("thẩm định"), max_length=255, blank=True)
    appraised_points = models.FloatField(null=True, blank=True)
    appraisal_reason = models.TextField(_("lý do thẩm định"), blank=True)
    appraisal_round = models.PositiveSmallIntegerField(null=True, blank=True)
    appraised_se = models.FloatField(
        _("sai số chuẩn"),
        null=True,
        blank=True,
        help_text=_("sai số chuẩn của kết quả điều tra, tính theo điểm của tiêu chí"),
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "id"]
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="one_score_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.criterion}"

    @property
    def final_value(self) -> str:
        """What the engine scores: the appraised value, or the claim where none was given."""
        return self.appraised_value or self.self_value


def evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name is the content hash: no user-chosen path ever reaches the disk.
    return f"evidence/{instance.score.assessment.period.year}/{instance.sha256}"


class Evidence(models.Model):
    """A document proving a claim (tài liệu kiểm chứng), stored outside the web root."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")

    def __str__(self) -> str:
        return self.original_name


class ExplanationRequest(models.Model):
    """An appraiser's question on a criterion and the unit's answer (giải trình)."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="explanations")
    message = models.TextField(_("yêu cầu giải trình"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("nội dung giải trình"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]
        verbose_name = _("yêu cầu giải trình")
        verbose_name_plural = _("yêu cầu giải trình")
