"""Background jobs: one row per long computation, with its state, progress and result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chiso.web.jobs.texts import text_show


class JobState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")
    CANCELLED = "cancelled", _("Đã hủy")


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class Job(models.Model):
    """A long task run by the queue's worker: who asked for what, how far it got, what came out.

    `message` (the progress line) and `error` (why it failed; no traceback, which goes to the
    log) are kept twice: rendered in Vietnamese, and as their untranslated source in
    `message_source` and `error_source` (`chiso.web.jobs.texts`), from which `message_text`
    and `error_text` say them in the reader's language. A row without a source (written before
    sources were kept, or a plain text) shows the stored text.
    `target` names the object the job works on (``period:2024``), so a page can list "jobs of
    kind K for object X". `dedupe_key` is unique among queued and running jobs: starting the
    same work twice returns the job already under way.
    """

    kind = models.CharField(_("loại tác vụ"), max_length=64)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người chạy"),
    )
    params = models.JSONField(_("tham số"), default=dict)
    target = models.CharField(_("đối tượng"), max_length=128, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=JobState.choices, default=JobState.QUEUED
    )
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(null=True, blank=True)
    message = models.CharField(_("thông báo"), max_length=255, blank=True)
    message_source = models.JSONField(null=True, blank=True, help_text="untranslated message")
    result = models.JSONField(_("kết quả"), default=dict, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    error_source = models.JSONField(null=True, blank=True, help_text="untranslated error")
    cancel_requested = models.BooleanField(default=False)
    task_id = models.CharField(max_length=64, blank=True, help_text="the queue's task id")
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    # Moved by every progress write: a running job whose heartbeat stops has lost its worker.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tác vụ nền")
        verbose_name_plural = _("tác vụ nền")
        indexes = [
            models.Index(fields=["kind", "target", "-created_at"], name="job_kind_target"),
            models.Index(fields=["started_by", "-created_at"], name="job_started_by"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(state__in=["queued", "running"]) & ~Q(dedupe_key=""),
                name="one_active_job_per_dedupe_key",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.target} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def message_text(self) -> str:
        """The progress line in the active language."""
        return text_show(self.message_source, self.message)

    @property
    def error_text(self) -> str:
        """Why the job failed, in the active language."""
        return text_show(self.error_source, self.error)

    @property
    def percent(self) -> int | None:
        """Whole percent done, or None while the total is unknown."""
        if not self.progress_total:
            return None
        return min(100, self.progress_done * 100 // self.progress_total)
