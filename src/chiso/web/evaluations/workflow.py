"""The period's state machine: which state may follow which, and the error for any other move.

    draft → self_assessment → appraisal → explanation → second_appraisal → council_review
          → published

One move goes backwards: the council may send the results back to the second appraisal round
(`council_review → second_appraisal`) to correct a score before it approves; nothing else
returns, because every earlier state's work (claims, round-1 appraisals, answers) is what the
next state builds on. `published` is final: a correction is a new decision, not an edit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from chiso.web.evaluations.models import Assessment, AssessmentStatus, Period, PeriodState

S = PeriodState

TRANSITIONS: Mapping[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SELF_ASSESSMENT}),
    S.SELF_ASSESSMENT: frozenset({S.APPRAISAL}),
    S.APPRAISAL: frozenset({S.EXPLANATION}),
    S.EXPLANATION: frozenset({S.SECOND_APPRAISAL}),
    S.SECOND_APPRAISAL: frozenset({S.COUNCIL_REVIEW}),
    S.COUNCIL_REVIEW: frozenset({S.SECOND_APPRAISAL, S.PUBLISHED}),
    S.PUBLISHED: frozenset(),
}


class WorkflowError(ValueError):
    """An action the period's state (or an assessment's status) does not allow.

    `str()` is the English text (for logs); `vi` is what the user is shown."""

    def __init__(self, vi: str, en: str):
        super().__init__(en)
        self.vi, self.en = vi, en


def label(state: str) -> str:
    return str(PeriodState(state).label)


def allowed_next(state: str) -> frozenset[str]:
    return TRANSITIONS[PeriodState(state)]


def check_transition(current: str, to: str) -> None:
    """Raise `WorkflowError` unless a period in `current` may move to `to`."""
    if to not in PeriodState.values:
        raise WorkflowError(f"Trạng thái '{to}' không tồn tại.", f"There is no state '{to}'.")
    if to in allowed_next(current):
        return
    if current == S.PUBLISHED:
        raise WorkflowError(
            "Kỳ đánh giá đã công bố kết quả, không thể chuyển trạng thái.",
            "The period is published; its state cannot change.",
        )
    raise WorkflowError(
        f"Không thể chuyển kỳ đánh giá từ '{label(current)}' sang '{label(to)}'.",
        f"A period cannot move from '{current}' to '{to}'.",
    )


def require_state(current: str, *allowed: str, action_vi: str, action_en: str) -> None:
    """Raise `WorkflowError` unless the period is in one of `allowed` (for actions, not moves)."""
    if current in allowed:
        return
    states_vi = ", ".join(f"'{label(s)}'" for s in allowed)
    raise WorkflowError(
        f"Chỉ {action_vi} khi kỳ đánh giá ở trạng thái {states_vi}; "
        f"hiện tại là '{label(current)}'.",
        f"You can {action_en} only while the period is {', '.join(allowed)}; it is {current}.",
    )


def require_self_assessment_open(period: Period, today: date) -> None:
    """The unit may claim, submit and withdraw only in `self_assessment` and within its dates
    (when the calendar sets them; the reform office extends a window by changing the date)."""
    require_state(period.state, S.SELF_ASSESSMENT, action_vi="tự đánh giá", action_en="self-assess")
    opens, closes = period.self_assessment_opens, period.self_assessment_closes
    if opens and today < opens:
        raise WorkflowError(
            f"Chưa đến thời gian tự đánh giá (mở từ ngày {opens:%d/%m/%Y}).",
            f"The self-assessment window opens on {opens:%Y-%m-%d}.",
        )
    if closes and today > closes:
        raise WorkflowError(
            f"Đã hết hạn tự đánh giá (hạn nộp ngày {closes:%d/%m/%Y}).",
            f"The self-assessment window closed on {closes:%Y-%m-%d}.",
        )


def require_assessment_draft(assessment: Assessment) -> None:
    if assessment.status != AssessmentStatus.DRAFT:
        raise WorkflowError(
            "Hồ sơ đã nộp; đơn vị cần rút hồ sơ trước khi sửa.",
            "The assessment is submitted; withdraw it before editing.",
        )
