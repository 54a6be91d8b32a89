"""Writes of the survey's set-up and fieldwork: the survey, its frame, the draw, outcomes and
replacements, tokens and kiosks. Collection (responses, paper entry) is in `collection.py`.

Every service is keyword-only, checks `accounts.policy` first (`by=None` is the operator at the
shell), re-reads what it depends on inside its transaction, and writes one audit event. Bad
input raises `ValidationError` with a Vietnamese message saying what and where.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ruamel.yaml.error import YAMLError

from chiso.engine.problems import MethodError
from chiso.engine.sampling import SampleDesign, draw_sample
from chiso.engine.sipas_method import build_questionnaire
from chiso.io.method_files import parse_yaml
from chiso.web.accounts.policy import Action, require
from chiso.web.audit.services import audit_record
from chiso.web.i18n import active_language
from chiso.web.surveys import frame as frame_reader
from chiso.web.surveys.models import (
    Draw,
    FrameEntry,
    Kiosk,
    MemberRole,
    Outcome,
    SampleMember,
    Survey,
    SurveyState,
    Token,
)
from chiso.web.surveys.selectors import (
    check_strata_values,
    engine_frame,
    strata_json,
    stratum_label,
)
from chiso.web.units._rows import ImportReport
from chiso.web.units.models import Unit

S = SurveyState
NEXT_STATE = {S.DRAFT: S.SAMPLING, S.SAMPLING: S.COLLECTING, S.COLLECTING: S.CLOSED}
TOKEN_BYTES = 24  # 192 bits: far beyond guessing, 32 URL-safe characters
DEFAULT_IDLE_SECONDS = 60


def _require(by: Any, action: Action) -> None:
    if by is not None:
        require(by, action)


def _target(survey: Survey) -> str:
    return f"survey {survey.pk} ({survey.year})"


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().get(pk=survey.pk)


def _require_state(survey: Survey, *states: str, doing: str) -> None:
    if survey.state not in states:
        allowed = ", ".join(str(S(s).label) for s in states)
        raise ValidationError(
            _(
                "Không thể %(doing)s khi cuộc khảo sát đang ở trạng thái “%(state)s” "
                "(chỉ khi: %(ok)s)."
            )
            % {"doing": doing, "state": S(survey.state).label, "ok": allowed},
            code="state",
        )


# --- the survey -------------------------------------------------------------------------------


def _questionnaire_fields(text: str) -> dict[str, Any]:
    """The stored fields of a questionnaire file, or `ValidationError` with every problem."""
    try:
        data = parse_yaml(text)
    except YAMLError as exc:
        raise ValidationError(_("Tệp phiếu khảo sát không đọc được: %s") % exc) from None
    try:
        questionnaire = build_questionnaire(data)
    except MethodError as exc:
        raise ValidationError([p.render(active_language()) for p in exc.problems]) from None
    if getattr(questionnaire, "choices", ()):
        raise ValidationError(
            _(
                "Phiếu có câu hỏi lựa chọn; biểu mẫu trực tuyến hiện chỉ thu "
                "câu hỏi theo thang hài lòng."
            )
        )
    return {
        "questionnaire_yaml": text,
        "questionnaire_id": questionnaire.id,
        "questionnaire_hash": questionnaire.hash,
        "min_sample": questionnaire.min_sample,
    }


def survey_create(
    *,
    year: int,
    title: str,
    questionnaire_yaml: str,
    by: Any,
    reference_start: date | None = None,
    reference_end: date | None = None,
    period: Any = None,
) -> Survey:
    """A new survey in draft with its questionnaire (checked; min sample from the file),
    optionally linked to the evaluation `period` whose survey leaves it will feed."""
    _require(by, Action.SURVEY_MANAGE)
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Cần nhập tên cuộc khảo sát."), code="required")
    fields = _questionnaire_fields(questionnaire_yaml)
    with transaction.atomic():
        if Survey.objects.filter(year=year, title=title).exists():
            raise ValidationError(_("Đã có cuộc khảo sát cùng tên trong năm %s.") % year)
        survey = Survey(
            year=year,
            title=title,
            reference_start=reference_start,
            reference_end=reference_end,
            period=period,
            kiosk_idle_seconds=DEFAULT_IDLE_SECONDS,
            dossier_salt=secrets.token_hex(16),
            **fields,
        )
        survey.full_clean()
        survey.save()
        new = {"title": title, "questionnaire": fields["questionnaire_id"]}
        new["hash"] = fields["questionnaire_hash"]
        audit_record(actor=by, action="survey.create", target=_target(survey), new=new)
    return survey


def survey_set_questionnaire(*, survey: Survey, questionnaire_yaml: str, by: Any) -> Survey:
    """Replace the questionnaire: only before collection opens (then it is frozen)."""
    _require(by, Action.SURVEY_MANAGE)
    fields = _questionnaire_fields(questionnaire_yaml)
    with transaction.atomic():
        survey = _locked(survey)
        _require_state(survey, S.DRAFT, S.SAMPLING, doing=_("thay phiếu khảo sát"))
        old = {"questionnaire": survey.questionnaire_id, "hash": survey.questionnaire_hash}
        for name, value in fields.items():
            setattr(survey, name, value)
        survey.save()
        new = {"questionnaire": survey.questionnaire_id, "hash": survey.questionnaire_hash}
        audit_record(
            actor=by, action="survey.questionnaire", target=_target(survey), old=old, new=new
        )
    return survey


SETTINGS = ("reference_start", "reference_end", "min_sample", "kiosk_idle_seconds")
SETTINGS += ("paper_double_entry",)


def survey_update_settings(*, survey: Survey, by: Any, **values: Any) -> Survey:
    """Change the reference period, the minimum sample, the kiosk's idle time or double entry.
    The reference period is fixed once a frame exists (the frame was read against it)."""
    _require(by, Action.SURVEY_MANAGE)
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    with transaction.atomic():
        survey = _locked(survey)
        changed = {k: v for k, v in values.items() if getattr(survey, k) != v}
        if not changed:
            return survey
        _require_state(survey, S.DRAFT, S.SAMPLING, S.COLLECTING, doing=_("đổi thiết lập"))
        if {"reference_start", "reference_end"} & set(changed) and survey.frame.exists():
            raise ValidationError(_("Kỳ tham chiếu không đổi được khi đã có khung mẫu."))
        old = {k: getattr(survey, k) for k in changed}
        for name, value in changed.items():
            setattr(survey, name, value)
        survey.full_clean()
        survey.save()
        audit_record(
            actor=by, action="survey.settings", target=_target(survey), old=old, new=changed
        )
    return survey


def survey_transition(*, survey: Survey, to: str, by: Any) -> Survey:
    """draft → sampling → collecting → closed, one step at a time."""
    _require(by, Action.SURVEY_MANAGE)
    with transaction.atomic():
        survey = _locked(survey)
        if NEXT_STATE.get(S(survey.state)) != to:
            raise ValidationError(
                _("Không chuyển được từ “%(old)s” sang “%(new)s”.")
                % {"old": S(survey.state).label, "new": S(to).label if to in S.values else to}
            )
        old = survey.state
        survey.state = to
        survey.save(update_fields=["state"])
        audit_record(actor=by, action="survey.transition", target=_target(survey), old=old, new=to)
    return survey


# --- the frame --------------------------------------------------------------------------------


def frame_import(*, survey: Survey, path: Path, by: Any) -> ImportReport:
    """Replace the frame with an uploaded CSV/XLSX list — all rows or none."""
    _require(by, Action.SURVEY_MANAGE)
    units = {u.code: u for u in Unit.objects.all()}
    reference = (survey.reference_start, survey.reference_end)
    rows, report = frame_reader.read_frame_file(path, units=units, reference=reference)
    if report.ok:
        _frame_replace(survey, rows, units, by, source=Path(path).name, report=report)
    return report


def frame_from_dossiers(*, survey: Survey, path: Path, by: Any) -> ImportReport:
    """Replace the frame with the dossiers whose result was handed over in the reference
    period, read from the dossier store's `dossiers` Parquet table with DuckDB."""
    _require(by, Action.SURVEY_MANAGE)
    if survey.reference_start is None or survey.reference_end is None:
        raise ValidationError(_("Cần đặt kỳ tham chiếu trước khi lấy khung mẫu từ kho hồ sơ."))
    units = {u.code: u for u in Unit.objects.all()}
    rows, report = frame_reader.read_frame_dossiers(
        path, units=units, start=survey.reference_start, end=survey.reference_end
    )
    if report.ok:
        _frame_replace(survey, rows, units, by, source=f"dossiers:{Path(path).name}", report=report)
    return report


def _frame_replace(
    survey: Survey,
    rows: Sequence[frame_reader.FrameRow],
    units: dict[str, Unit],
    by: Any,
    *,
    source: str,
    report: ImportReport,
) -> None:
    with transaction.atomic():
        survey = _locked(survey)
        _require_state(survey, S.DRAFT, S.SAMPLING, doing=_("thay khung mẫu"))
        if Draw.objects.filter(survey=survey).exists():
            raise ValidationError(_("Đã chọn mẫu: khung mẫu không thay được nữa."))
        old = FrameEntry.objects.filter(survey=survey).count()
        FrameEntry.objects.filter(survey=survey).delete()
        FrameEntry.objects.bulk_create(
            (
                FrameEntry(
                    survey=survey,
                    unit=units[r.unit],
                    dossier_code=r.dossier,
                    procedure=r.procedure,
                    channel=r.channel,
                    result_date=r.result_date,
                    contact_channel=r.contact_channel,
                    phone=r.phone,
                    email=r.email,
                )
                for r in rows
            ),
            batch_size=2000,
        )
        report.created = len(rows)
        audit_record(
            actor=by,
            action="survey.frame",
            target=_target(survey),
            old={"rows": old},
            new={"rows": len(rows), "source": source},
        )


# --- the draw ---------------------------------------------------------------------------------


def design_of(
    *,
    strata: Sequence[str],
    size_rule: str,
    reserve_share: Decimal,
    margin: Decimal | None = None,
    per_stratum: int | None = None,
) -> SampleDesign:
    """The engine's design, or `ValidationError` with the engine's reason."""
    try:
        if size_rule == "slovin":
            return SampleDesign.by_slovin(
                strata, margin=float(margin or 0), reserve_share=float(reserve_share)
            )
        return SampleDesign.by_fixed(
            strata, per_stratum=per_stratum or 0, reserve_share=float(reserve_share)
        )
    except ValueError as exc:
        raise ValidationError(_("Thiết kế mẫu không hợp lệ: %s") % exc) from None


def sample_draw(*, survey: Survey, design: SampleDesign, seed: int, by: Any) -> Draw:
    """Draw the sample with `chiso.engine.sampling.draw_sample` and record it: the design, the
    seed, the frame's hash and every member (main and reserve, in order). One draw a survey."""
    _require(by, Action.SURVEY_MANAGE)
    with transaction.atomic():
        survey = _locked(survey)
        _require_state(survey, S.SAMPLING, doing=_("chọn mẫu"))
        if Draw.objects.filter(survey=survey).exists():
            raise ValidationError(_("Cuộc khảo sát này đã chọn mẫu."))
        if not 0 <= seed < 2**63:
            raise ValidationError(_("Hạt giống ngẫu nhiên phải là số nguyên từ 0 đến 2⁶³ − 1."))
        frame = engine_frame(survey, design.strata)
        if frame.is_empty():
            raise ValidationError(_("Khung mẫu đang trống: hãy nạp danh sách trước."))
        check_strata_values(frame, design.strata)
        sample = draw_sample(frame, design, seed=seed)
        draw = Draw.objects.create(
            survey=survey,
            size_rule=design.size_rule,
            margin=None if design.margin is None else Decimal(repr(design.margin)),
            per_stratum=design.per_stratum,
            reserve_share=Decimal(repr(design.reserve_share)),
            strata_columns=",".join(design.strata),
            seed=seed,
            frame_hash=sample.frame_hash,
            frame_size=frame.height,
            strata=strata_json(sample.strata),
            drawn_by=by if by is not None and by.is_authenticated else None,
        )
        entries = dict(FrameEntry.objects.filter(survey=survey).values_list("dossier_code", "pk"))
        keys = list(design.strata)
        SampleMember.objects.bulk_create(
            (
                SampleMember(
                    draw=draw,
                    entry_id=entries[row["person"]],
                    stratum=stratum_label([row[k] for k in keys]),
                    role=row["role"],
                    order=row["order"],
                )
                for row in sample.sample.iter_rows(named=True)
            ),
            batch_size=2000,
        )
        main = sample.sample.filter(sample.sample["role"] == MemberRole.MAIN).height
        audit_record(
            actor=by,
            action="survey.draw",
            target=_target(survey),
            new={
                "design": design.size_rule,
                "margin": design.margin,
                "per_stratum": design.per_stratum,
                "reserve_share": design.reserve_share,
                "strata": keys,
                "seed": seed,
                "frame_hash": sample.frame_hash,
                "frame_size": frame.height,
                "main": main,
                "reserve": sample.sample.height - main,
            },
        )
    return draw


def new_seed() -> int:
    """A fresh seed for a draw (recorded with it, so the draw can be repeated)."""
    return secrets.randbelow(2**31)


# --- fieldwork --------------------------------------------------------------------------------

SETTABLE = (Outcome.INVITED, Outcome.REFUSED, Outcome.UNREACHABLE)


def member_set_outcome(*, member: SampleMember, outcome: str, by: Any) -> SampleMember:
    """Record a member's latest status: invited, refused or unreachable. Answered comes with
    the response, replaced with `member_replace`; neither can be set or undone by hand."""
    _require(by, Action.SURVEY_MANAGE)
    with transaction.atomic():
        member = SampleMember.objects.select_for_update().select_related("draw").get(pk=member.pk)
        if outcome not in SETTABLE:
            raise ValidationError(_("Trạng thái “%s” không đặt bằng tay được.") % outcome)
        if member.outcome in (Outcome.ANSWERED, Outcome.REPLACED):
            raise ValidationError(
                _("Người này đã %s: không đổi trạng thái được.") % Outcome(member.outcome).label
            )
        if not member.is_active:
            raise ValidationError(_("Người dự phòng chỉ được mời khi thay thế một người khác."))
        old = member.outcome
        member.outcome, member.outcome_at = outcome, timezone.now()
        member.save(update_fields=["outcome", "outcome_at"])
        audit_record(
            actor=by,
            action="survey.outcome",
            target=f"member {member.pk} ({member.stratum})",
            old=old,
            new=outcome,
        )
    return member


def member_replace(*, member: SampleMember, by: Any) -> SampleMember:
    """Replace a refused or unreachable member with the next unused reserve of the same
    stratum (lowest order first). The member becomes `replaced` (the reason is kept), their
    link stops working, and the reserve is invited with a token of their own."""
    _require(by, Action.SURVEY_MANAGE)
    with transaction.atomic():
        member = SampleMember.objects.select_for_update().select_related("draw").get(pk=member.pk)
        survey = _locked(member.draw.survey)
        _require_state(survey, S.SAMPLING, S.COLLECTING, doing=_("thay thế người được chọn"))
        if member.outcome not in (Outcome.REFUSED, Outcome.UNREACHABLE):
            raise ValidationError(_("Chỉ thay thế người đã từ chối hoặc không liên lạc được."))
        reserve = (
            SampleMember.objects.select_for_update()
            .filter(draw=member.draw, stratum=member.stratum, role=MemberRole.RESERVE)
            .filter(replaces__isnull=True, outcome="")
            .order_by("order")
            .first()
        )
        if reserve is None:
            raise ValidationError(
                _("Tầng %s đã hết người dự phòng.") % member.stratum, code="no_reserve"
            )
        now = timezone.now()
        reason = member.outcome
        member.outcome, member.replaced_because, member.outcome_at = Outcome.REPLACED, reason, now
        member.save(update_fields=["outcome", "replaced_because", "outcome_at"])
        Token.objects.filter(member=member, used_at__isnull=True).update(revoked_at=now)
        reserve.replaces, reserve.outcome, reserve.outcome_at = member, Outcome.INVITED, now
        reserve.save(update_fields=["replaces", "outcome", "outcome_at"])
        _issue_token(survey, reserve)
        audit_record(
            actor=by,
            action="survey.replace",
            target=f"member {member.pk} ({member.stratum})",
            old={"member": member.pk, "outcome": reason},
            new={"reserve": reserve.pk, "order": reserve.order},
        )
    return reserve


# --- tokens and kiosks ------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _issue_token(survey: Survey, member: SampleMember) -> Token:
    unit_id = FrameEntry.objects.values_list("unit_id", flat=True).get(pk=member.entry_id)
    return Token.objects.create(survey=survey, member=member, unit_id=unit_id, value=new_token())


def tokens_issue(*, survey: Survey, by: Any) -> int:
    """A token for every active member (main sample, and reserves that replaced someone) who
    has none yet; each is marked invited (the links are made to be sent). Returns how many."""
    _require(by, Action.SURVEY_MANAGE)
    with transaction.atomic():
        survey = _locked(survey)
        _require_state(survey, S.SAMPLING, S.COLLECTING, doing=_("phát mã khảo sát"))
        draw = Draw.objects.filter(survey=survey).first()
        if draw is None:
            raise ValidationError(_("Chưa chọn mẫu: chưa phát mã được."))
        members = list(
            SampleMember.objects.filter(draw=draw, token__isnull=True, role=MemberRole.MAIN)
            .exclude(outcome=Outcome.REPLACED)
            .select_related("entry")
        )
        now = timezone.now()
        Token.objects.bulk_create(
            (
                Token(survey=survey, member=m, unit_id=m.entry.unit_id, value=new_token())
                for m in members
            ),
            batch_size=2000,
        )
        SampleMember.objects.filter(pk__in=[m.pk for m in members], outcome="").update(
            outcome=Outcome.INVITED, outcome_at=now
        )
        audit_record(
            actor=by, action="survey.tokens", target=_target(survey), new={"issued": len(members)}
        )
    return len(members)


def kiosk_create(*, survey: Survey, unit: Unit, label: str, by: Any) -> Kiosk:
    """Enable a counter tablet for `unit`: its URL carries a fresh kiosk key."""
    _require(by, Action.SURVEY_MANAGE)
    label = (label or "").strip() or unit.name
    with transaction.atomic():
        survey = _locked(survey)
        _require_state(survey, S.DRAFT, S.SAMPLING, S.COLLECTING, doing=_("bật máy tại quầy"))
        kiosk = Kiosk.objects.create(survey=survey, unit=unit, label=label[:128], key=new_token())
        audit_record(
            actor=by,
            action="survey.kiosk",
            unit=unit,
            target=f"kiosk {kiosk.pk}",
            new={"label": kiosk.label, "enabled": True},
        )
    return kiosk


def kiosk_set_enabled(*, kiosk: Kiosk, enabled: bool, by: Any) -> Kiosk:
    """Disable a kiosk (its URL stops working at once) or enable it again."""
    _require(by, Action.SURVEY_MANAGE)
    with transaction.atomic():
        kiosk = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
        if kiosk.enabled != enabled:
            kiosk.enabled = enabled
            kiosk.save(update_fields=["enabled"])
            audit_record(
                actor=by,
                action="survey.kiosk",
                unit=kiosk.unit,
                target=f"kiosk {kiosk.pk}",
                old={"enabled": not enabled},
                new={"enabled": enabled},
            )
    return kiosk
