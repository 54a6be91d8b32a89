"""Writes of the evaluation cycle: periods, self-assessment, appraisal, explanation, survey.

Each service is keyword-only, checks permission through `accounts.policy` before anything
else, re-reads the state it depends on inside its transaction (a caller's object may be stale),
and writes one audit event per change. Evidence files have their own module (`evidence.py`).

Concurrent edits of a score are detected, not merged: every save carries the `version` it read
and is a conditional ``UPDATE … WHERE version = %s``. Of two saves made from the same version the
database lets exactly one match; the other raises `ConcurrentEditError` and saves nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from chiso.engine import InputError, ScoreRow, check_method, content_hash
from chiso.engine.problems import Problem, errors_only, place
from chiso.engine.reading import InputValueError
from chiso.io.method_files import parse_yaml
from chiso.io.standard_errors import survey_standard_errors
from chiso.io.tables import read_scores
from chiso.web.accounts import policy
from chiso.web.audit.services import audit_record
from chiso.web.evaluations.models import (
    Assessment,
    AssessmentStatus,
    ExplanationRequest,
    Period,
    PeriodMethod,
    PeriodState,
    Score,
)
from chiso.web.evaluations.readiness import PeriodNotReady, period_readiness
from chiso.web.evaluations.selectors import (
    SURVEY_SOURCES,
    Item,
    ScoreDetails,
    exemptions_for,
    method_items,
    period_methods,
    score_details,
    score_value,
    value_differs,
)
from chiso.web.evaluations.workflow import (
    WorkflowError,
    check_transition,
    require_assessment_draft,
    require_self_assessment_open,
    require_state,
)
from chiso.web.i18n import active_language
from chiso.web.units.selectors import engine_units, units_of_block

S = PeriodState
CALENDAR = (
    "self_assessment_opens",
    "self_assessment_closes",
    "appraisal_closes",
    "explanation_closes",
    "second_appraisal_closes",
)


class ConcurrentEditError(Exception):
    """Someone saved the score after this editor read it; nothing was saved."""

    def __init__(self, score: Score):
        self.vi = (
            f"Tiêu chí {score.criterion} vừa được người khác cập nhật. "
            "Hãy tải lại trang để xem giá trị mới rồi nhập lại."
        )
        super().__init__(f"score {score.pk} ({score.criterion}) was changed by someone else")


def _locked(period: Period) -> Period:
    # A row lock on PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers.
    return Period.objects.select_for_update().get(pk=period.pk)


def _required_text(text: str, message: str) -> str:
    if not text or not text.strip():
        raise ValidationError(message, code="required")
    return text.strip()


# --- periods ------------------------------------------------------------------------------------


def period_create(*, year: int, title: str, by: Any) -> Period:
    policy.require(by, policy.Action.PERIOD_MANAGE)
    with transaction.atomic():
        title = _required_text(title, "Cần nhập tên kỳ đánh giá.")
        if Period.objects.filter(year=year).exists():
            raise ValidationError(f"Đã có kỳ đánh giá năm {year}.", code="duplicate")
        period = Period.objects.create(year=year, title=title)
        audit_record(
            actor=by,
            action="period.create",
            period=period,
            target=f"period {year}",
            new={"year": year, "title": title},
        )
    return period


def _method_data(method_yaml: str) -> Any:
    """The parsed, checked method file, or `ValidationError` with every problem's code."""
    try:
        data = parse_yaml(method_yaml)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        errors = [Problem("PAR000", where, {"detail": exc.problem or str(exc)})]
    except YAMLError as exc:
        errors = [Problem("PAR000", "file", {"detail": str(exc)})]
    else:
        errors = errors_only(check_method(data))
    if errors:
        lang = active_language()
        raise ValidationError([ValidationError(p.render(lang), code=p.code) for p in errors])
    return data


def period_set_method(*, period: Period, block: str, method_yaml: str, by: Any) -> PeriodMethod:
    """Store the method file `block` is scored by. Only in `draft`: once units have claimed
    points under a method, changing it would change what their claims mean."""
    policy.require(by, policy.Action.PERIOD_MANAGE)
    with transaction.atomic():
        period = _locked(period)
        require_state(
            period.state, S.DRAFT, action_vi="thay đổi bộ tiêu chí", action_en="change a method"
        )
        data = _method_data(method_yaml)
        if block not in {b["code"] for b in data["blocks"]}:
            raise ValidationError(
                f"Bộ tiêu chí '{data['id']}' không có khối '{block}'.", code="block"
            )
        old = PeriodMethod.objects.filter(period=period, block=block).first()
        method, _ = PeriodMethod.objects.update_or_create(
            period=period,
            block=block,
            defaults={
                "method_yaml": method_yaml,
                "method_id": data["id"],
                "method_hash": content_hash(data),
                "title": data["title"],
            },
        )
        audit_record(
            actor=by,
            action="period.set_method",
            period=period,
            target=f"method {block}",
            old={"id": old.method_id, "hash": old.method_hash} if old else "",
            new={"id": method.method_id, "hash": method.method_hash},
        )
    return method


def period_set_calendar(*, period: Period, by: Any, **dates: dt.date | None) -> Period:
    """Set some of the period's dates (`CALENDAR`); they must keep the workflow's order."""
    policy.require(by, policy.Action.PERIOD_MANAGE)
    unknown = set(dates) - set(CALENDAR)
    if unknown:
        raise TypeError(f"unknown calendar dates: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        period = _locked(period)
        require_state(
            period.state,
            *(s for s in S.values if s != S.PUBLISHED),
            action_vi="thay đổi lịch",
            action_en="change the calendar",
        )
        old = {name: getattr(period, name) for name in CALENDAR}
        new = {**old, **dates}
        _check_calendar_order(new)
        for name in CALENDAR:
            if new[name] != old[name]:
                audit_record(
                    actor=by,
                    action="period.set_calendar",
                    period=period,
                    target=name,
                    old=str(old[name] or ""),
                    new=str(new[name] or ""),
                )
        Period.objects.filter(pk=period.pk).update(**new, version=F("version") + 1)
        period.refresh_from_db()
    return period


def _check_calendar_order(dates: dict[str, dt.date | None]) -> None:
    given = [(name, d) for name in CALENDAR if (d := dates[name]) is not None]
    for (a, da), (b, db) in itertools.pairwise(given):
        if db < da:
            label_a, label_b = (Period._meta.get_field(n).verbose_name for n in (a, b))
            raise ValidationError(
                f"Ngày '{label_b}' ({db:%d/%m/%Y}) không được trước ngày "
                f"'{label_a}' ({da:%d/%m/%Y}).",
                code="calendar_order",
            )


def period_transition(
    *, period: Period, to: str, by: Any, confirmed_not_ready: Collection[str] = ()
) -> Period:
    """Move the period to its next state. Opening the self-assessment creates every unit's
    assessment; publishing is not done here but by the publishing service (the council
    chair approves, with `period.approve`), which also freezes the results.

    Closing a stage waits for the units (`readiness`): a move that would leave units behind
    is refused with `PeriodNotReady`, listing them, unless each of them is in
    `confirmed_not_ready` (the unit codes the office was shown and confirmed moving on
    without); a unit that fell behind since is asked about again. The audit event's reason
    says how many units were not ready. The units are read under the period's lock, in the
    transaction that moves it."""
    policy.require(by, policy.Action.PERIOD_MANAGE)
    with transaction.atomic():
        period = _locked(period)
        if to == S.PUBLISHED and period.state == S.COUNCIL_REVIEW:
            raise WorkflowError(
                "Kết quả chỉ được công bố qua chức năng phê duyệt của Chủ tịch Hội đồng.",
                "Results are published by the council chair's approval, not by this move.",
            )
        check_transition(period.state, to)
        readiness = period_readiness(period)
        if readiness.codes - set(confirmed_not_ready):
            raise PeriodNotReady(readiness)
        opened = _open_assessments(period) if to == S.SELF_ASSESSMENT else 0
        old = period.state
        Period.objects.filter(pk=period.pk).update(state=to, version=F("version") + 1)
        reason = readiness.audit_text() if readiness.checked else ""
        audit_record(
            actor=by,
            action="period.transition",
            period=period,
            target=f"period {period.year}",
            old=old,
            new=to,
            reason=f"mở {opened} hồ sơ đánh giá" if opened else reason,
        )
        period.refresh_from_db()
    return period


def _open_assessments(period: Period) -> int:
    """An assessment for every unit of every block with a method, with a score row for every
    leaf and every bonus and penalty item of the block's method."""
    methods = period_methods(period)
    if not methods:
        raise WorkflowError(
            "Chưa có bộ tiêu chí nào cho kỳ đánh giá này.", "The period has no method yet."
        )
    opened = 0
    for block, method in methods.items():
        # The units in force at the end of the evaluated year: a unit merged away mid-year is
        # evaluated through its successor, which its lineage links to last year's results.
        units = list(units_of_block(block, on=dt.date(period.year, 12, 31)))
        if not units:
            named = method.block(block)
            raise WorkflowError(
                f"{named.title if named else 'Khối'} (mã khối '{block}') chưa có đơn vị nào.",
                f"Block '{block}' has no units.",
            )
        Assessment.objects.bulk_create([Assessment(period=period, unit=u) for u in units])
        assessments = Assessment.objects.filter(period=period, unit__block=block)
        codes = list(method_items(method))
        Score.objects.bulk_create(
            (Score(assessment=a, criterion=c) for a in assessments for c in codes),
            batch_size=2000,
        )
        opened += len(units)
    return opened


# --- self-assessment ----------------------------------------------------------------------------


def _save_versioned(score: Score, version: int, **fields: Any) -> Score:
    """Write `fields` only if the score is still at `version`; bump the version."""
    updated = Score.objects.filter(pk=score.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise ConcurrentEditError(score)
    score.refresh_from_db()
    return score


def _points(details: ScoreDetails, value: Any) -> tuple[str, float | None]:
    """The value as stored and the points it earns, or `ValidationError` saying why not."""
    text = "" if value is None else str(value).strip()
    if not text:
        return "", None
    try:
        return text, score_value(details.item.node, text)
    except InputValueError as exc:
        raise ValidationError(
            f"Tiêu chí {details.item.node.code}: giá trị '{text}' không hợp lệ — {exc.vi}.",
            code="invalid_value",
        ) from None


def _require_applies(details: ScoreDetails, *, self_assessed: bool) -> None:
    code = details.item.node.code
    if details.exemption:
        raise ValidationError(
            f"Tiêu chí {code} không áp dụng cho đơn vị này: {details.exemption}", code="exempt"
        )
    if self_assessed and not details.item.self_assessed:
        raise ValidationError(
            f"Điểm tiêu chí {code} lấy từ kết quả điều tra xã hội học hoặc SIPAS, "
            "không tự chấm hay thẩm định.",
            code="survey_item",
        )


def score_self_assess(*, score: Score, value: Any, note: str, version: int, by: Any) -> Score:
    """The unit's claim on one criterion, scored by the criterion's rule."""
    with transaction.atomic():
        details = score_details(score)
        policy.require(by, policy.Action.ASSESSMENT_EDIT, unit=details.unit)
        require_self_assessment_open(details.period, timezone.localdate())
        require_assessment_draft(details.score.assessment)
        _require_applies(details, self_assessed=True)
        text, points = _points(details, value)
        current = details.score
        old = {
            "value": current.self_value,
            "points": current.self_points,
            "note": current.self_note,
        }
        note = (note or "").strip()
        saved = _save_versioned(
            current, version, self_value=text, self_points=points, self_note=note
        )
        audit_record(
            actor=by,
            action="score.self_assess",
            period=details.period,
            unit=details.unit,
            target=current.criterion,
            old=old,
            new={"value": text, "points": points, "note": note},
        )
    return saved


def _submit_problems(assessment: Assessment) -> list[str]:
    """Why the assessment cannot be submitted yet (see `assessment_submit`)."""
    period, unit = assessment.period, assessment.unit
    method = period_methods(period)[unit.block]
    items = method_items(method)
    exempt = exemptions_for(method, engine_units([unit])[0])
    scores = Score.objects.filter(assessment=assessment).annotate(n_evidence=Count("evidence"))
    problems = []
    for score in scores:
        item = items.get(score.criterion)
        if item is None or score.criterion in exempt or not item.self_assessed:
            continue
        problems.extend(_claim_problems(item, score))
    return problems


def _claim_problems(item: Item, score: Any) -> Iterable[str]:
    code, adjustment = score.criterion, item.group in ("bonus", "penalty")
    if not score.self_value and not adjustment:
        yield f"Tiêu chí {code}: chưa tự chấm điểm."
    # A penalty the unit declares against itself needs no proof; points it claims do.
    earns = (score.self_points or 0) > 0 and item.group != "penalty"
    if earns and score.n_evidence == 0 and not score.self_note.strip():
        yield (
            f"Tiêu chí {code}: có điểm tự chấm nhưng chưa có tài liệu kiểm chứng "
            "hoặc giải thích vì sao không có."
        )


def assessment_submit(*, assessment: Assessment, by: Any) -> Assessment:
    """Submit the unit's self-assessment. Refused, with every reason at once, unless:

    - every leaf that applies to the unit and that it assesses itself has a claim (a claim of
      zero counts: the unit must say so rather than leave the criterion blank), and
    - every claim that earns points (leaves and bonus items) has at least one evidence file or
      a note saying why there is none (e.g. the document is in the provincial system).

    Survey and SIPAS leaves, exempted leaves and unclaimed bonus or penalty items need nothing.
    """
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        policy.require(by, policy.Action.ASSESSMENT_EDIT, unit=assessment.unit)
        require_self_assessment_open(assessment.period, timezone.localdate())
        require_assessment_draft(assessment)
        problems = _submit_problems(assessment)
        if problems:
            raise ValidationError(problems, code="incomplete")
        return _set_status(assessment, AssessmentStatus.SUBMITTED, by, timezone.now())


def assessment_withdraw(*, assessment: Assessment, by: Any) -> Assessment:
    """Take a submitted assessment back to edit it, while the self-assessment window is open."""
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        policy.require(by, policy.Action.ASSESSMENT_EDIT, unit=assessment.unit)
        require_self_assessment_open(assessment.period, timezone.localdate())
        if assessment.status != AssessmentStatus.SUBMITTED:
            raise WorkflowError("Hồ sơ chưa nộp.", "The assessment is not submitted.")
        return _set_status(assessment, AssessmentStatus.DRAFT, by, None)


def _set_status(
    assessment: Assessment, status: str, by: Any, submitted_at: dt.datetime | None
) -> Assessment:
    old = assessment.status
    assessment.status, assessment.submitted_at = status, submitted_at
    assessment.save(update_fields=["status", "submitted_at"])
    audit_record(
        actor=by,
        action="assessment.submit"
        if status == AssessmentStatus.SUBMITTED
        else "assessment.withdraw",
        period=assessment.period,
        unit=assessment.unit,
        target=f"assessment {assessment.unit.code}",
        old=old,
        new=status,
    )
    return assessment


# --- appraisal and explanation ------------------------------------------------------------------

ROUNDS = {S.APPRAISAL: 1, S.SECOND_APPRAISAL: 2}


def score_appraise(*, score: Score, value: Any, reason: str, version: int, by: Any) -> Score:
    """The appraiser's value for one criterion, in round 1 (`appraisal`) or round 2
    (`second_appraisal`). A reason is required whenever the value differs from the claim;
    an empty value withdraws the appraisal (the claim counts again)."""
    with transaction.atomic():
        details = score_details(score)
        field_code = details.item.field_code
        policy.require(by, policy.Action.SCORE_APPRAISE, unit=details.unit, field_code=field_code)
        state = details.period.state
        require_state(state, *ROUNDS, action_vi="thẩm định", action_en="appraise")
        _require_applies(details, self_assessed=True)
        text, points = _points(details, value)
        current, reason = details.score, (reason or "").strip()
        if value_differs(details.item.node, current.self_value, text) and not reason:
            raise ValidationError(
                f"Tiêu chí {current.criterion}: cần ghi lý do khi điểm thẩm định khác điểm "
                "đơn vị tự chấm.",
                code="reason_required",
            )
        old = _appraisal(current)
        saved = _save_versioned(
            current,
            version,
            appraised_value=text,
            appraised_points=points,
            appraisal_reason=reason,
            appraisal_round=ROUNDS[state] if text else None,
        )
        audit_record(
            actor=by,
            action="score.appraise",
            period=details.period,
            unit=details.unit,
            target=current.criterion,
            old=old,
            new=_appraisal(saved),
            reason=reason,
        )
    return saved


def _appraisal(score: Score) -> dict[str, Any]:
    return {
        "value": score.appraised_value,
        "points": score.appraised_points,
        "round": score.appraisal_round,
    }


def explanation_request(*, score: Score, message: str, by: Any) -> ExplanationRequest:
    """An appraiser asks the unit to explain a criterion (during round 1)."""
    with transaction.atomic():
        details = score_details(score)
        field_code = details.item.field_code
        policy.require(
            by, policy.Action.EXPLANATION_REQUEST, unit=details.unit, field_code=field_code
        )
        require_state(
            details.period.state,
            S.APPRAISAL,
            action_vi="yêu cầu giải trình",
            action_en="request an explanation",
        )
        _require_applies(details, self_assessed=True)
        message = _required_text(message, "Cần nhập nội dung yêu cầu giải trình.")
        request = ExplanationRequest.objects.create(
            score=details.score, message=message, requested_by=by
        )
        audit_record(
            actor=by,
            action="explanation.request",
            period=details.period,
            unit=details.unit,
            target=details.score.criterion,
            new=message,
        )
    return request


def explanation_answer(*, request: ExplanationRequest, answer: str, by: Any) -> ExplanationRequest:
    """The unit answers (or corrects its answer) while the explanation window is open."""
    with transaction.atomic():
        request = ExplanationRequest.objects.select_related(
            "score__assessment__period", "score__assessment__unit"
        ).get(pk=request.pk)
        assessment = request.score.assessment
        policy.require(by, policy.Action.EXPLANATION_ANSWER, unit=assessment.unit)
        require_state(
            assessment.period.state, S.EXPLANATION, action_vi="giải trình", action_en="explain"
        )
        answer = _required_text(answer, "Cần nhập nội dung giải trình.")
        old = request.answer
        request.answer, request.answered_by, request.answered_at = answer, by, timezone.now()
        request.save(update_fields=["answer", "answered_by", "answered_at"])
        audit_record(
            actor=by,
            action="explanation.answer",
            period=assessment.period,
            unit=assessment.unit,
            target=request.score.criterion,
            old=old,
            new=answer,
        )
    return request


# --- survey results -----------------------------------------------------------------------------

SURVEY_STATES = (S.SELF_ASSESSMENT, S.APPRAISAL, S.EXPLANATION, S.SECOND_APPRAISAL)


def survey_import(*, period: Period, path: Path | str, by: Any) -> int:
    """Set the survey and SIPAS leaves from a file (``unit, criterion, value``, CSV or XLSX).

    All or nothing: every bad row is reported with its row and column and nothing is saved.
    Blank cells are skipped. Allowed until the council's review starts (results then freeze).
    Returns how many scores changed."""
    policy.require(by, policy.Action.SURVEY_IMPORT)
    path = Path(path)
    with transaction.atomic():
        period = _locked(period)
        require_state(
            period.state,
            *SURVEY_STATES,
            action_vi="nhập kết quả điều tra",
            action_en="import survey results",
        )
        try:
            rows = read_scores(path).rows
            errors = survey_standard_errors(path)
        except InputError as exc:
            raise ValidationError([p.render(active_language()) for p in exc.problems]) from None
        updates = _survey_updates(period, rows, errors)
        reason = f"Kết quả điều tra xã hội học/SIPAS (tệp {path.name})"
        changed = [u for u in updates if (u[1], u[3]) != (u[0].appraised_value, u[0].appraised_se)]
        for score, text, points, se in changed:
            score_fill_from_data(period, score, text, points, se, reason, by)
    return len(changed)


def score_fill_from_data(
    period: Period,
    score: Score,
    text: str,
    points: float | None,
    se: float | None,
    reason: str,
    by: Any,
    action: str = "score.survey_import",
) -> None:
    """Write a value that comes from data (a survey, the measured records), not from a person,
    as the leaf's appraised value, with its reason and an audit event named `action`."""
    old = score.appraised_value
    Score.objects.filter(pk=score.pk).update(
        appraised_value=text,
        appraised_points=points,
        appraised_se=se,
        appraisal_reason=reason,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    audit_record(
        actor=by,
        action=action,
        period=period,
        unit=score.assessment.unit,
        target=score.criterion,
        old=old,
        new=text,
        reason=reason,
    )


@dataclass
class _SurveyTargets:
    """What a survey row may set: each unit's scores, items and exemptions in this period."""

    scores: dict[tuple[str, str], Score]
    items: dict[str, dict[str, Item]]  # block → criterion → item
    exempt: dict[str, dict[str, str]]  # unit code → exempted leaf → reason
    seen: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def of(cls, period: Period) -> _SurveyTargets:
        rows = Score.objects.filter(assessment__period=period).select_related("assessment__unit")
        scores = {(s.assessment.unit.code, s.criterion): s for s in rows}
        methods = period_methods(period)
        units = {s.assessment.unit.code: s.assessment.unit for s in scores.values()}
        exempt = {
            code: exemptions_for(methods[unit.block], engine_units([unit])[0])
            for code, unit in units.items()
        }
        return cls(scores, {b: method_items(m) for b, m in methods.items()}, exempt)

    def score(self, row: ScoreRow) -> tuple[Score, Item]:
        key = (row.unit, row.criterion)
        if row.unit not in self.exempt:
            raise ValidationError(f"đơn vị '{row.unit}' không có hồ sơ trong kỳ đánh giá này")
        score = self.scores.get(key)
        if score is None:
            raise ValidationError(f"tiêu chí '{row.criterion}' không có trong bộ tiêu chí của khối")
        item = self.items[score.assessment.unit.block][row.criterion]
        if item.node.source not in SURVEY_SOURCES:
            raise ValidationError(
                f"tiêu chí '{row.criterion}' không lấy điểm từ điều tra xã hội học hay SIPAS"
            )
        if row.criterion in self.exempt[row.unit]:
            raise ValidationError(
                f"tiêu chí '{row.criterion}' không áp dụng cho đơn vị '{row.unit}'"
            )
        if key in self.seen:
            raise ValidationError(
                f"giá trị của đơn vị '{row.unit}', tiêu chí '{row.criterion}' bị trùng"
            )
        self.seen.add(key)
        return score, item


def _survey_updates(
    period: Period, rows: Sequence[ScoreRow], standard_errors: Mapping[tuple[str, str], float]
) -> list[tuple[Score, str, float, float | None]]:
    targets = _SurveyTargets.of(period)
    updates, errors = [], []
    for row in rows:
        if row.value is None or not str(row.value).strip():
            continue
        try:
            score, item = targets.score(row)
            se = _se_points(item, standard_errors.get((row.unit, row.criterion)))
            updates.append((score, *_survey_points(item, row), se))
        except ValidationError as exc:
            errors.append(f"{place(row.where, 'vi')}: {exc.message}")
    if errors:
        raise ValidationError(errors, code="survey_rows")
    return updates


def _se_points(item: Item, se: float | None) -> float | None:
    """A standard error of a rate (percentage points) as points of the leaf: the `survey`
    rule scores max × rate / 100, so its error scales the same way."""
    if se is None:
        return None
    rule = item.node.rule
    if rule is None or rule.kind != "survey":
        raise ValidationError("sai số chuẩn chỉ dùng cho tiêu chí chấm theo tỷ lệ khảo sát")
    return item.node.max * se / 100.0


def _survey_points(item: Item, row: ScoreRow) -> tuple[str, float]:
    text = str(row.value).strip()
    try:
        return text, score_value(item.node, row.value)
    except InputValueError as exc:
        raise ValidationError(f"giá trị '{text}' không hợp lệ — {exc.vi}") from None
