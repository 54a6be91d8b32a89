"""Collecting answers: the public form (a token), the counter kiosk, paper and phone entry.

Durability: a submission is accepted only inside one transaction that stores the response
with all its answers and consumes what allows it (the token, the dossier's one rating); the
thank-you page is rendered after the commit. A token is consumed with a conditional
``UPDATE … SET used_at = now WHERE used_at IS NULL AND revoked_at IS NULL``: of two concurrent
posts with one token the database lets exactly one update a row, the other gets `TokenUsed`
and stores nothing; the one-to-one `Response.token` is a second guard.

Public submissions are audited without personal data: the survey, unit and channel only.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.engine.sipas_method import Questionnaire
from chiso.web.accounts.policy import Action, officer_of, require
from chiso.web.audit.services import audit_record
from chiso.web.surveys.models import (
    Answer,
    Channel,
    Kiosk,
    Outcome,
    PaperEntry,
    PaperForm,
    PaperState,
    Response,
    SampleMember,
    Survey,
    SurveyState,
    Token,
)
from chiso.web.surveys.selectors import survey_questionnaire
from chiso.web.units.models import Unit

FIELD_PREFIX = "q-"
FORM_ERROR = "form"  # the key of a message about the whole form, not one item


class CollectionError(Exception):
    """A submission that cannot be accepted; `status` is the HTTP status its page gets."""

    status = 400

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class TokenUnknown(CollectionError):
    status = 404


class TokenUsed(CollectionError):
    status = 410


class SurveyNotOpen(CollectionError):
    status = 410


class AlreadyRated(CollectionError):
    status = 409


# --- answers ----------------------------------------------------------------------------------


def parse_answers(
    questionnaire: Questionnaire, data: Mapping[str, Any], *, blank_is_no_answer: bool = False
) -> tuple[dict[str, int], dict[str, str]]:
    """The answers of a posted form (``q-<item>`` fields) and a message per bad item.

    Every rating item needs a value on the scale or the no-answer value (the form offers it
    explicitly); with `blank_is_no_answer` (paper forms) a blank item is no answer. A form
    without a single answer on the scale is refused as a whole."""
    scale = questionnaire.scale
    allowed = {*scale.codes, scale.not_applicable.value}
    answers: dict[str, int] = {}
    errors: dict[str, str] = {}
    for item in questionnaire.items:
        raw = str(data.get(FIELD_PREFIX + item.code, "") or "").strip()
        if not raw and blank_is_no_answer:
            answers[item.code] = scale.not_applicable.value
            continue
        if not raw:
            errors[item.code] = _("Chưa chọn câu trả lời.")
            continue
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value not in allowed:
            errors[item.code] = _("Giá trị “%s” không có trong thang trả lời.") % raw[:20]
            continue
        answers[item.code] = value  # type: ignore[assignment]
    if not errors and not any(v in scale.codes for v in answers.values()):
        errors[FORM_ERROR] = _("Phiếu cần ít nhất một câu trả lời theo thang hài lòng.")
    return answers, errors


def dossier_digest(survey: Survey, dossier_code: str) -> str:
    """The keyed digest a response keeps instead of the dossier code (case and spaces
    ignored, so "hs-01 " and "HS-01" are one dossier)."""
    code = "".join(dossier_code.split()).upper()
    key = survey.dossier_salt.encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def _store(
    *, survey: Survey, unit_id: int, channel: str, answers: dict[str, int], **links: Any
) -> Response:
    response = Response.objects.create(
        survey=survey, unit_id=unit_id, channel=channel, submitted_at=timezone.now(), **links
    )
    Answer.objects.bulk_create(
        Answer(response=response, item=item, value=value) for item, value in answers.items()
    )
    return response


def _answered(member: SampleMember | None) -> None:
    if member is not None:
        SampleMember.objects.filter(pk=member.pk).update(
            outcome=Outcome.ANSWERED, outcome_at=timezone.now()
        )


def _audit_public(response: Response, unit_code: str) -> None:
    audit_record(
        actor=None,
        action=f"survey.response.{response.channel}",
        target=f"survey {response.survey_id}",
        new={"unit": unit_code, "channel": response.channel},
    )


# --- the public form --------------------------------------------------------------------------


def token_for_form(value: str) -> Token:
    """The token a public form link carries, if it may still be answered."""
    token = (
        Token.objects.select_related("survey", "unit", "member__entry")
        .filter(value=value[:64])
        .first()
    )
    if token is None:
        raise TokenUnknown(_("Đường dẫn khảo sát này không tồn tại. Hãy kiểm tra lại đường dẫn."))
    if token.used_at is not None:
        raise TokenUsed(_("Phiếu khảo sát này đã được trả lời. Cảm ơn ông/bà!"))
    if token.revoked_at is not None:
        raise TokenUsed(_("Đường dẫn khảo sát này không còn hiệu lực."))
    _require_collecting(token.survey)
    return token


def _require_collecting(survey: Survey) -> None:
    if survey.state == SurveyState.CLOSED:
        raise SurveyNotOpen(_("Cuộc khảo sát đã kết thúc. Cảm ơn ông/bà đã quan tâm."))
    if survey.state != SurveyState.COLLECTING:
        raise SurveyNotOpen(_("Cuộc khảo sát chưa bắt đầu nhận phiếu."))


def response_submit_online(*, token_value: str, data: Mapping[str, Any]) -> Response:
    """Accept the public form of a token: check the answers, consume the token, store the
    response and mark the member answered — all in one transaction, or nothing."""
    token = token_for_form(token_value)
    answers, errors = parse_answers(survey_questionnaire(token.survey), data)
    if errors:
        raise InvalidAnswers(errors, answers)
    digest = dossier_digest(token.survey, token.member.entry.dossier_code)
    try:
        with transaction.atomic():
            consumed = Token.objects.filter(
                pk=token.pk, used_at__isnull=True, revoked_at__isnull=True
            ).update(used_at=timezone.now())
            if consumed != 1:
                raise TokenUsed(_("Phiếu khảo sát này đã được trả lời. Cảm ơn ông/bà!"))
            response = _store(
                survey=token.survey,
                unit_id=token.unit_id,
                channel=Channel.ONLINE,
                answers=answers,
                token=token,
                member=token.member,
                dossier_digest=digest,
            )
            _answered(token.member)
            _audit_public(response, token.unit.code)
    except IntegrityError:
        # The dossier was rated on another channel (kiosk, paper) in the meantime.
        raise AlreadyRated(_("Hồ sơ này đã được đánh giá. Cảm ơn ông/bà!")) from None
    return response


class InvalidAnswers(CollectionError):
    """The form is incomplete or malformed: `errors` per item, the valid `answers` kept."""

    def __init__(self, errors: dict[str, str], answers: dict[str, int]):
        self.errors, self.answers = errors, answers
        super().__init__(_("Phiếu chưa hợp lệ: xin xem lại các câu được đánh dấu."))


# --- the kiosk --------------------------------------------------------------------------------


def kiosk_for_key(key: str) -> Kiosk:
    kiosk = Kiosk.objects.select_related("survey", "unit").filter(key=key[:64]).first()
    if kiosk is None or not kiosk.enabled:
        raise TokenUnknown(_("Máy khảo sát này chưa được bật hoặc đã bị tắt."))
    _require_collecting(kiosk.survey)
    return kiosk


def clean_dossier_code(raw: str) -> str:
    code = "".join((raw or "").split())
    if not code or len(code) > 64 or not all(c.isalnum() or c in ".-_/:" for c in code):
        raise CollectionError(_("Mã hồ sơ không hợp lệ: hãy nhập hoặc quét lại mã trên phiếu hẹn."))
    return code


def kiosk_check_dossier(*, kiosk: Kiosk, dossier_code: str) -> str:
    """The cleaned dossier code if it has not been rated in this survey yet."""
    code = clean_dossier_code(dossier_code)
    digest = dossier_digest(kiosk.survey, code)
    if Response.objects.filter(survey=kiosk.survey, dossier_digest=digest).exists():
        raise AlreadyRated(_("Hồ sơ %s đã được đánh giá. Mỗi hồ sơ chỉ đánh giá một lần.") % code)
    return code


def response_submit_kiosk(*, kiosk: Kiosk, dossier_code: str, data: Mapping[str, Any]) -> Response:
    """Accept a counter rating: one per dossier per survey, whoever asks (staff included)."""
    code = kiosk_check_dossier(kiosk=kiosk, dossier_code=dossier_code)
    answers, errors = parse_answers(survey_questionnaire(kiosk.survey), data)
    if errors:
        raise InvalidAnswers(errors, answers)
    try:
        with transaction.atomic():
            response = _store(
                survey=kiosk.survey,
                unit_id=kiosk.unit_id,
                channel=Channel.KIOSK,
                answers=answers,
                kiosk=kiosk,
                dossier_digest=dossier_digest(kiosk.survey, code),
            )
            _audit_public(response, kiosk.unit.code)
    except IntegrityError:
        raise AlreadyRated(
            _("Hồ sơ %s đã được đánh giá. Mỗi hồ sơ chỉ đánh giá một lần.") % code
        ) from None
    return response


# --- paper and phone entry --------------------------------------------------------------------


def paper_enter(
    *,
    survey: Survey,
    number: str,
    answers: dict[str, int],
    by: Any,
    unit: Unit | None = None,
    member: SampleMember | None = None,
    channel: str = Channel.PAPER,
) -> PaperForm:
    """Key in a paper form (or a phone interview) for a sample member or an unsampled
    respondent of `unit`. Without double entry (and always by phone) it is accepted at once.
    With double entry the first keying waits for a second by another person; if they agree
    the form is accepted, else its disagreements wait for `paper_resolve`."""
    require(by, Action.SURVEY_ENTER)
    number = (number or "").strip()[:32]
    if not number:
        raise ValidationError(_("Cần nhập số phiếu."))
    if channel not in (Channel.PAPER, Channel.PHONE):
        raise ValidationError(_("Kênh nhập phiếu phải là phiếu giấy hoặc điện thoại."))
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.state != SurveyState.COLLECTING:
            raise ValidationError(_("Cuộc khảo sát không ở giai đoạn thu thập phiếu."))
        form = PaperForm.objects.select_for_update().filter(survey=survey, number=number).first()
        if form is None:
            return _paper_first(survey, number, answers, by, unit, member, channel)
        return _paper_second(form, answers, by, unit, member)


def _paper_first(
    survey: Survey,
    number: str,
    answers: dict[str, int],
    by: Any,
    unit: Unit | None,
    member: SampleMember | None,
    channel: str,
) -> PaperForm:
    if member is not None:
        member = _checked_member(survey, member)
        unit = member.entry.unit
    if unit is None:
        raise ValidationError(_("Cần chọn đơn vị được đánh giá."))
    _not_own_unit(by, unit)
    double = survey.paper_double_entry and channel == Channel.PAPER
    form = PaperForm.objects.create(
        survey=survey,
        number=number,
        unit=unit,
        member=member,
        double_entry=double,
        state=PaperState.WAITING,
    )
    PaperEntry.objects.create(form=form, entered_by=by, answers=answers)
    audit_record(
        actor=by,
        action="survey.paper.enter",
        unit=unit,
        target=f"paper {survey.pk}/{number}",
        new={"entry": 1, "double_entry": double},
    )
    if not double:
        _accept(form, answers, by, channel)
    return form


def _not_own_unit(by: Any, unit: Unit) -> None:
    """A unit's officer never keys or settles answers about their own unit."""
    if officer_of(by, unit):
        raise ValidationError(
            _(
                "Bạn là cán bộ đầu mối của %(unit)s, đơn vị được đánh giá trong phiếu này: "
                "phiếu về đơn vị mình phải do người khác nhập."
            )
            % {"unit": unit.name}
        )


def _checked_member(survey: Survey, member: SampleMember) -> SampleMember:
    member = SampleMember.objects.select_related("entry__unit", "draw").get(pk=member.pk)
    if member.draw.survey_id != survey.pk:
        raise ValidationError(_("Người này không thuộc mẫu của cuộc khảo sát."))
    if member.outcome in (Outcome.ANSWERED, Outcome.REPLACED) or not member.is_active:
        raise ValidationError(_("Người này không còn chờ trả lời (đã trả lời hoặc đã thay thế)."))
    return member


def _paper_second(
    form: PaperForm,
    answers: dict[str, int],
    by: Any,
    unit: Unit | None,
    member: SampleMember | None,
) -> PaperForm:
    if not form.double_entry or form.state != PaperState.WAITING:
        raise ValidationError(_("Phiếu số %s đã được nhập.") % form.number)
    _not_own_unit(by, form.unit)
    if form.entries.filter(entered_by=by).exists():
        raise ValidationError(_("Lần nhập thứ hai phải do một người khác thực hiện."))
    if (unit is not None and unit.pk != form.unit_id) or (
        member is not None and member.pk != form.member_id
    ):
        raise ValidationError(_("Đơn vị hoặc người trả lời khác với lần nhập thứ nhất."))
    first = form.entries.get()
    PaperEntry.objects.create(form=form, entered_by=by, answers=answers)
    agree = first.answers == answers
    audit_record(
        actor=by,
        action="survey.paper.enter",
        unit=form.unit,
        target=f"paper {form.survey_id}/{form.number}",
        new={"entry": 2, "agree": agree},
    )
    if agree:
        _accept(form, answers, by, Channel.PAPER)
    else:
        form.state = PaperState.DISAGREE
        form.save(update_fields=["state"])
    return form


def _accept(form: PaperForm, answers: dict[str, int], by: Any, channel: str) -> Response:
    member = form.member
    digest = dossier_digest(form.survey, member.entry.dossier_code) if member else ""
    try:
        with transaction.atomic():
            response = _store(
                survey=form.survey,
                unit_id=form.unit_id,
                channel=channel,
                answers=answers,
                member=member,
                dossier_digest=digest,
            )
    except IntegrityError:
        raise ValidationError(_("Người hoặc hồ sơ này đã có phiếu trả lời.")) from None
    _answered(member)
    form.response, form.state = response, PaperState.ACCEPTED
    form.resolved_by = by if form.double_entry else None
    form.save(update_fields=["response", "state", "resolved_by"])
    audit_record(
        actor=by,
        action="survey.paper.accept",
        unit=form.unit,
        target=f"paper {form.survey_id}/{form.number}",
        new={"response": response.pk, "channel": channel},
    )
    return response


def paper_resolve(*, form: PaperForm, choices: dict[str, int], by: Any) -> Response:
    """Settle a double-entered form's disagreements: `choices` gives the value for every item
    on which the entries differ (each must be one of the two keyed values — the paper form
    decides, not a third reading). The form then counts as a response."""
    require(by, Action.SURVEY_ENTER)
    with transaction.atomic():
        form = (
            PaperForm.objects.select_for_update(of=("self",))
            .select_related("survey", "member")
            .get(pk=form.pk)
        )
        if form.state != PaperState.DISAGREE:
            raise ValidationError(_("Phiếu số %s không có bất đồng cần giải quyết.") % form.number)
        _not_own_unit(by, form.unit)
        first, second = list(form.entries.all()[:2])
        resolved = dict(first.answers)
        for item in sorted(set(first.answers) | set(second.answers)):
            a, b = first.answers.get(item), second.answers.get(item)
            if a == b:
                continue
            if item not in choices or choices[item] not in (a, b):
                raise ValidationError(
                    _("Câu %(item)s: hãy chọn một trong hai giá trị đã nhập (%(a)s hoặc %(b)s).")
                    % {"item": item, "a": a, "b": b}
                )
            resolved[item] = choices[item]
        old = {"first": first.answers, "second": second.answers}
        audit_record(
            actor=by,
            action="survey.paper.resolve",
            unit=form.unit,
            target=f"paper {form.survey_id}/{form.number}",
            old=old,
            new=resolved,
        )
        return _accept(form, resolved, by, Channel.PAPER)
