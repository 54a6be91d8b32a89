"""Which units a period would leave behind by moving on to its next stage.

Before the reform office closes a stage it is shown the units that have not done their part,
and must confirm moving on without them (`services.period_transition` refuses otherwise):

- leaving the self-assessment: the units that have not submitted it, those that have claimed
  nothing yet apart from those still working on it;
- leaving round 1 of the appraisal: the units no appraiser has appraised a single criterion of
  (a claim left unappraised stands, so a unit appraised in part is not held up; one nobody
  has looked at is);
- leaving the explanation: the units with a request they have not answered.

The other moves leave nobody behind: opening the self-assessment creates the assessments, and
the second round and the council work on what the earlier stages produced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from chiso.web.evaluations.models import Assessment, AssessmentStatus, Period, PeriodState, Score
from chiso.web.evaluations.selectors import (
    block_titles,
    claims_to_make,
    exemptions_for,
    period_methods,
)
from chiso.web.evaluations.workflow import WorkflowError
from chiso.web.units.models import Unit
from chiso.web.units.selectors import engine_units

S = PeriodState
# A check's groups: the group's label (Vietnamese source text) and its (assessment, detail) rows.
Groups = list[tuple[str, list[tuple[Assessment, str]]]]


@dataclass(frozen=True)
class NotReadyUnit:
    unit: Unit
    block: str  # the block's name
    detail: str  # where the unit stands, in the user's language ("đã tự chấm 12/80 tiêu chí")


@dataclass(frozen=True)
class NotReadyGroup:
    label: str  # Vietnamese source text; translated where it is shown
    units: tuple[NotReadyUnit, ...]


@dataclass(frozen=True)
class Readiness:
    """The units not ready for the period to leave `state`, in groups by what they lack."""

    state: str
    groups: tuple[NotReadyGroup, ...]  # only groups with units

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(u.unit.code for g in self.groups for u in g.units)

    @property
    def count(self) -> int:
        return len(self.codes)

    @property
    def checked(self) -> bool:
        """Whether leaving this state waits for the units at all."""
        return self.state in CHECKS

    def audit_text(self) -> str:
        """How many units were left behind, and which (Vietnamese, like every audit reason)."""
        if not self.groups:
            return "0 đơn vị chưa sẵn sàng"
        parts = "; ".join(
            f"{g.label}: {', '.join(u.unit.code for u in g.units)}" for g in self.groups
        )
        return f"{self.count} đơn vị chưa sẵn sàng, đã xác nhận vẫn chuyển — {parts}"


class PeriodNotReady(WorkflowError):
    """A move that would leave units behind without the office confirming each of them."""

    def __init__(self, readiness: Readiness):
        n = readiness.count
        super().__init__(
            f"{n} đơn vị chưa sẵn sàng cho giai đoạn tiếp theo; cần xác nhận trước khi chuyển.",
            f"{n} units are not ready for the next stage; moving on needs a confirmation.",
        )
        self.readiness = readiness


def period_readiness(period: Period) -> Readiness:
    """The units `period` would leave behind by moving on from its current state."""
    check = CHECKS.get(period.state)
    if check is None:
        return Readiness(period.state, ())
    titles = block_titles(period)
    groups = tuple(
        NotReadyGroup(
            label,
            tuple(NotReadyUnit(a.unit, titles.get(a.unit.block, a.unit.block), d) for a, d in rows),
        )
        for label, rows in check(period)
        if rows
    )
    return Readiness(period.state, groups)


def _assessments(period: Period) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(period=period)
        .select_related("unit")
        .order_by("unit__block", "unit__code")
    )


def _not_submitted(period: Period) -> Groups:
    methods = period_methods(period)
    claimed: dict[int, set[str]] = {}
    rows = Score.objects.filter(
        assessment__period=period, assessment__status=AssessmentStatus.DRAFT
    ).values_list("assessment_id", "criterion", "self_value")
    for pk, criterion, value in rows:
        if value.strip():
            claimed.setdefault(pk, set()).add(criterion)
    not_started, working = [], []
    for a in _assessments(period).filter(status=AssessmentStatus.DRAFT):
        method = methods[a.unit.block]
        to_claim = claims_to_make(method, exemptions_for(method, engine_units([a.unit])[0]))
        done = len(to_claim & claimed.get(a.pk, set()))
        detail = _("đã tự chấm %(done)d/%(total)d tiêu chí") % {
            "done": done,
            "total": len(to_claim),
        }
        (working if a.pk in claimed else not_started).append((a, detail))
    return [
        (gettext_noop("Chưa tự chấm tiêu chí nào"), not_started),
        (gettext_noop("Đang tự đánh giá, chưa nộp hồ sơ"), working),
    ]


def _not_appraised(period: Period) -> Groups:
    appraised = Score.objects.filter(assessment__period=period, appraisal_round=1)
    rows = _assessments(period).exclude(pk__in=appraised.values("assessment_id"))
    return [
        (
            gettext_noop("Chưa được thẩm định tiêu chí nào"),
            [
                (a, _("hồ sơ tự đánh giá: %(status)s") % {"status": a.get_status_display()})
                for a in rows
            ],
        )
    ]


def _not_explained(period: Period) -> Groups:
    rows = (
        _assessments(period)
        .annotate(
            asked=Count("scores__explanations"),
            open=Count("scores__explanations", filter=Q(scores__explanations__answer="")),
        )
        .filter(open__gt=0)
    )
    return [
        (
            gettext_noop("Chưa trả lời yêu cầu giải trình"),
            [
                (
                    a,
                    ngettext(
                        "%(open)d/%(asked)d yêu cầu chưa trả lời",
                        "%(open)d/%(asked)d yêu cầu chưa trả lời",
                        a.open,
                    )
                    % {"open": a.open, "asked": a.asked},
                )
                for a in rows
            ],
        )
    ]


CHECKS: dict[str, Callable[[Period], Groups]] = {
    S.SELF_ASSESSMENT: _not_submitted,
    S.APPRAISAL: _not_appraised,
    S.EXPLANATION: _not_explained,
}
