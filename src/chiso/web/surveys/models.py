"""SIPAS surveys: the questionnaire, the sample frame, the recorded draw, fieldwork, tokens and
the collected responses (online, kiosk, paper, phone).

Workflow lives in `services.py` and `collection.py`; these models hold state and its invariants
(unique token, one response per token, per sample member and per dossier).

Personal data: a `FrameEntry`'s contact fields (phone, email) are the only personal data here.
They are read only by the reform office (`survey.contacts`) and never reach a public page. A
`Response` holds no contact, address or browser data: only the unit, the channel, the time and
the answers; its link to a token or sample member is what fieldwork needs (answered or not),
and a dossier is kept only as a keyed digest, enough to refuse a second response for it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SurveyState(models.TextChoices):
    DRAFT = "draft", _("Chuẩn bị")
    SAMPLING = "sampling", _("Chọn mẫu")
    COLLECTING = "collecting", _("Đang thu thập")
    CLOSED = "closed", _("Đã kết thúc")


class Survey(models.Model):
    """One SIPAS survey of a year: its questionnaire file (frozen once collection opens), its
    reference period (who received a result then is in the frame) and its settings."""

    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên cuộc khảo sát"), max_length=255)
    period = models.ForeignKey(
        "evaluations.Period", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    questionnaire_yaml = models.TextField(_("phiếu khảo sát (YAML)"))
    questionnaire_id = models.CharField(max_length=128)
    questionnaire_hash = models.CharField(max_length=80)
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=SurveyState.choices, default=SurveyState.DRAFT
    )
    reference_start = models.DateField(_("kỳ tham chiếu từ"), null=True, blank=True)
    reference_end = models.DateField(_("kỳ tham chiếu đến"), null=True, blank=True)
    min_sample = models.PositiveIntegerField(_("cỡ mẫu tối thiểu để xếp hạng"))
    kiosk_idle_seconds = models.PositiveIntegerField(_("thời gian chờ của máy tại quầy (giây)"))
    paper_double_entry = models.BooleanField(_("nhập phiếu giấy hai lần"), default=False)
    # Salt of the dossier digests (see `Response.dossier_digest`), random per survey.
    dossier_salt = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("cuộc khảo sát")
        verbose_name_plural = _("cuộc khảo sát")
        constraints = [
            models.UniqueConstraint(fields=["year", "title"], name="survey_unique_title"),
            models.CheckConstraint(
                condition=Q(reference_start__isnull=True)
                | Q(reference_end__isnull=True)
                | Q(reference_end__gte=models.F("reference_start")),
                name="survey_reference_ordered",
            ),
            models.CheckConstraint(
                condition=Q(kiosk_idle_seconds__gte=10), name="survey_idle_at_least_10s"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Điện thoại")
    EMAIL = "email", _("Thư điện tử")
    POST = "post", _("Bưu chính")
    RECEIPT = "receipt", _("Phiếu hẹn / phiếu trả kết quả")


class FrameEntry(models.Model):
    """One person who received a result from a unit in the reference period (one dossier)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="frame")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=64)
    procedure = models.CharField(_("thủ tục"), max_length=64, blank=True)
    channel = models.CharField(_("kênh nộp hồ sơ"), max_length=32, blank=True)
    result_date = models.DateField(_("ngày trả kết quả"), null=True, blank=True)
    contact_channel = models.CharField(
        _("kênh liên hệ"), max_length=16, choices=ContactChannel.choices
    )
    phone = models.CharField(_("điện thoại"), max_length=32, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)

    class Meta:
        ordering = ["unit__code", "dossier_code"]
        verbose_name = _("người trong khung mẫu")
        verbose_name_plural = _("khung mẫu")
        constraints = [
            models.UniqueConstraint(fields=["survey", "dossier_code"], name="frame_unique_dossier")
        ]

    def __str__(self) -> str:
        return self.dossier_code


class SizeRule(models.TextChoices):
    SLOVIN = "slovin", _("Công thức Slovin")
    FIXED = "fixed", _("Cỡ mẫu cố định mỗi tầng")


class Draw(models.Model):
    """The recorded draw of a survey: the design, the seed and the frame it was drawn from.
    `strata` is the engine's strata table (population, target, drawn, reserve per stratum)."""

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="draw")
    size_rule = models.CharField(max_length=8, choices=SizeRule.choices)
    margin = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    per_stratum = models.PositiveIntegerField(null=True, blank=True)
    reserve_share = models.DecimalField(max_digits=5, decimal_places=4)
    strata_columns = models.CharField(max_length=64)  # "unit", "unit,procedure", …
    seed = models.BigIntegerField()
    frame_hash = models.CharField(max_length=64)
    frame_size = models.PositiveIntegerField()
    strata = models.JSONField()
    drawn_at = models.DateTimeField(auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("lần chọn mẫu")
        verbose_name_plural = _("lần chọn mẫu")
        constraints = [
            models.CheckConstraint(
                condition=Q(size_rule="slovin", margin__isnull=False, per_stratum__isnull=True)
                | Q(size_rule="fixed", margin__isnull=True, per_stratum__isnull=False),
                name="draw_rule_parameters",
            ),
            models.CheckConstraint(condition=Q(seed__gte=0), name="draw_seed_not_negative"),
        ]

    @property
    def strata_keys(self) -> tuple[str, ...]:
        return tuple(self.strata_columns.split(","))


class MemberRole(models.TextChoices):
    MAIN = "main", _("Mẫu chính")
    RESERVE = "reserve", _("Dự phòng")


class Outcome(models.TextChoices):
    """A member's latest fieldwork status (the engine's `OUTCOMES`); empty: not yet invited."""

    INVITED = "invited", _("Đã mời")
    ANSWERED = "answered", _("Đã trả lời")
    REFUSED = "refused", _("Từ chối")
    UNREACHABLE = "unreachable", _("Không liên lạc được")
    REPLACED = "replaced", _("Đã thay thế")


class SampleMember(models.Model):
    """A person drawn (main sample or reserve list), with their fieldwork status. A reserve
    member who `replaces` someone is invited in their place."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="members")
    entry = models.ForeignKey(FrameEntry, on_delete=models.PROTECT, related_name="+")
    stratum = models.CharField(max_length=255)  # the stratum's key values joined by " · "
    role = models.CharField(max_length=8, choices=MemberRole.choices)
    order = models.PositiveIntegerField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    # Why a replaced member was replaced (refused or unreachable): the status alone says
    # "replaced", as the engine counts it, and this keeps the reason.
    replaced_because = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    outcome_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["stratum", "role", "order"]
        verbose_name = _("người được chọn")
        verbose_name_plural = _("mẫu")
        constraints = [
            models.UniqueConstraint(fields=["draw", "entry"], name="member_unique_entry"),
            models.UniqueConstraint(
                fields=["draw", "stratum", "role", "order"], name="member_unique_order"
            ),
            models.CheckConstraint(
                condition=Q(replaces__isnull=True) | Q(role="reserve"),
                name="member_only_reserve_replaces",
            ),
        ]

    @property
    def is_active(self) -> bool:
        """In the sample to invite: the main sample, or a reserve that replaced someone."""
        return self.role == MemberRole.MAIN or self.replaces_id is not None


class Token(models.Model):
    """A single-use link to the public form for one sample member."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tokens")
    value = models.CharField(max_length=64, unique=True)
    member = models.OneToOneField(SampleMember, on_delete=models.PROTECT, related_name="token")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã khảo sát")
        verbose_name_plural = _("mã khảo sát")


class Kiosk(models.Model):
    """A counter tablet of a unit: its URL carries `key`, not a staff session."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="kiosks")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("tên quầy"), max_length=128)
    key = models.CharField(max_length=64, unique=True)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__code", "label"]
        verbose_name = _("máy khảo sát tại quầy")
        verbose_name_plural = _("máy khảo sát tại quầy")

    def __str__(self) -> str:
        return self.label


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    KIOSK = "kiosk", _("Tại quầy")
    PAPER = "paper", _("Phiếu giấy")
    PHONE = "phone", _("Điện thoại")


class Response(models.Model):
    """One accepted response: the unit it rates, its channel, when, and its answers. Only
    accepted responses are stored here (a paper form entered twice becomes a response once its
    entries agree or are resolved), so every row counts."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    submitted_at = models.DateTimeField()
    token = models.OneToOneField(
        Token, null=True, blank=True, on_delete=models.PROTECT, related_name="response"
    )
    member = models.OneToOneField(
        SampleMember, null=True, blank=True, on_delete=models.PROTECT, related_name="response"
    )
    kiosk = models.ForeignKey(
        Kiosk, null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    # HMAC-SHA256 of the dossier code with the survey's salt: one response per dossier, across
    # channels, without keeping the dossier code with the answers. Empty: no dossier known.
    dossier_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("phiếu trả lời")
        verbose_name_plural = _("phiếu trả lời")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "dossier_digest"],
                condition=~Q(dossier_digest=""),
                name="response_one_per_dossier",
            ),
            models.CheckConstraint(
                condition=~Q(channel="kiosk") | (Q(kiosk__isnull=False) & ~Q(dossier_digest="")),
                name="response_kiosk_has_dossier",
            ),
            models.CheckConstraint(
                condition=Q(token__isnull=True) | Q(channel="online"),
                name="response_token_is_online",
            ),
        ]


class Answer(models.Model):
    """One item's answer: a scale level or the questionnaire's no-answer value."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.CharField(max_length=32)
    value = models.SmallIntegerField()

    class Meta:
        verbose_name = _("câu trả lời")
        verbose_name_plural = _("câu trả lời")
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="answer_unique_item")
        ]


class PaperState(models.TextChoices):
    WAITING = "waiting", _("Chờ nhập lần hai")
    DISAGREE = "disagree", _("Hai lần nhập khác nhau")
    ACCEPTED = "accepted", _("Đã chấp nhận")


class PaperForm(models.Model):
    """A paper questionnaire identified by the number written on it. With double entry two
    different staff key it in; it becomes a `Response` only when both agree or once the
    disagreements are resolved."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="paper_forms")
    number = models.CharField(_("số phiếu"), max_length=32)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    member = models.OneToOneField(
        SampleMember, null=True, blank=True, on_delete=models.PROTECT, related_name="paper_form"
    )
    double_entry = models.BooleanField()
    state = models.CharField(max_length=10, choices=PaperState.choices)
    response = models.OneToOneField(
        Response, null=True, blank=True, on_delete=models.PROTECT, related_name="paper_form"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("phiếu giấy")
        verbose_name_plural = _("phiếu giấy")
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="paper_unique_number")
        ]


class PaperEntry(models.Model):
    """One keying of a paper form by one member of staff: {item: value}."""

    form = models.ForeignKey(PaperForm, on_delete=models.CASCADE, related_name="entries")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    answers = models.JSONField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "entered_by"], name="paper_entry_per_person")
        ]
