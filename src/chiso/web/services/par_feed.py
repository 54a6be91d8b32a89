"""Measured rates into the PAR Index: fill the `data` leaves from a service-quality snapshot.

A leaf whose source is `data` and whose rule names a Decision 766 indicator
(``rule: {kind: proportional, indicator: "2.1"}``, or ``indicator: index`` for the unit's 766
score out of 100) takes the unit's measured rate over the snapshot's whole period. Every such
leaf of every assessed unit gets a `MeasuredLeaf` — what the records say, shown to the appraiser
beside the unit's own claim, flagged where the two differ — and, unless an appraiser has already
decided the leaf, the measured value becomes its appraised value, with the reason and an audit
event (the appraiser may still change it, with a reason, as for any leaf).

Decisions (docs/howto/measure-service-quality.md):
- only a published snapshot feeds the PAR Index, so that every measured value an appraiser sees
  can be checked on the public pages;
- the value written is the rate rounded to 2 decimals, as the pages show it;
- a leaf an appraiser has appraised (a round recorded) is never overwritten: the measured value
  is shown beside it instead; a leaf this feed filled is refreshed by the next feed;
- a unit with nothing to measure (no dossiers or feedback in the period), an indicator that does
  not apply to its level, or a unit absent from the records is *not* filled: the leaf keeps its
  value and the appraiser decides by the criterion's guidance (e.g. "no feedback → 100 %");
- a leaf the method exempts for the unit is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chiso.engine.reading import InputValueError
from chiso.web.accounts.policy import Action, require
from chiso.web.evaluations.models import Assessment, Period
from chiso.web.evaluations.selectors import (
    exemptions_for,
    method_items,
    period_methods,
    score_value,
)
from chiso.web.evaluations.services import SURVEY_STATES, _locked, score_fill_from_data
from chiso.web.evaluations.workflow import require_state
from chiso.web.services.models import (
    MeasuredLeaf,
    MeasuredStatus,
    ServiceSnapshot,
    ServiceSnapshotUnit,
)
from chiso.web.units.selectors import engine_units

DECIMALS = 2
INDEX = "index"
REASON = (
    "Số liệu đo từ hồ sơ một cửa — chỉ tiêu {indicator}, {title} (kết quả #{pk}, tính đến {as_of})"
)
# The unit's whole score is no indicator of the set: named by its title alone.
REASON_INDEX = "Số liệu đo từ hồ sơ một cửa — {title} (kết quả #{pk}, tính đến {as_of})"


@dataclass
class ServiceFeed:
    """What a feed did: leaves filled, leaves an appraiser had decided (kept), leaves left
    without a measurement, by status."""

    changed: int = 0
    filled: list[tuple[str, str]] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)
    unmeasured: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def service_leaves(period: Period) -> dict[str, list[tuple[str, str]]]:
    """Block → [(criterion, indicator)] of the leaves a snapshot can fill."""
    out: dict[str, list[tuple[str, str]]] = {}
    for block, method in period_methods(period).items():
        for code, item in method_items(method).items():
            rule = item.node.rule
            if item.node.source == "data" and rule is not None and rule.params.get("indicator"):
                out.setdefault(block, []).append((code, str(rule.params["indicator"])))
    return out


def par_fill_measured(*, period: Period, snapshot: ServiceSnapshot, by: Any) -> ServiceFeed:
    """Record the measured value of every data leaf of `period` and fill those not decided."""
    require(by, Action.SERVICE_MANAGE)
    if snapshot.published_at is None:
        raise ValidationError(
            _(
                "Chỉ điền từ kết quả đã công bố, để mọi số liệu đo đều đối chiếu được "
                "trên trang công khai."
            )
        )
    with transaction.atomic():
        period = _locked(period)
        require_state(
            period.state,
            *SURVEY_STATES,
            action_vi="điền số liệu đo vào chỉ số CCHC",
            action_en="fill measured rates into the PAR Index",
        )
        leaves = service_leaves(period)
        if not leaves:
            raise ValidationError(
                _("Bộ tiêu chí của kỳ đánh giá không có tiêu chí nào lấy số liệu từ chỉ tiêu 766.")
            )
        known = {i["code"] for g in snapshot.info["groups"] for i in g["indicators"]}
        for criterion, indicator in (p for pairs in leaves.values() for p in pairs):
            if indicator != INDEX and indicator not in known:
                raise ValidationError(
                    _(
                        "Tiêu chí %(c)s lấy số liệu từ chỉ tiêu %(i)s, "
                        "bộ chỉ số không có chỉ tiêu này."
                    )
                    % {"c": criterion, "i": indicator}
                )
        feed = ServiceFeed()
        methods = period_methods(period)
        assessments = period.assessments.select_related("unit")
        for assessment in assessments:
            pairs = leaves.get(assessment.unit.block, [])
            if pairs:
                _feed_unit(
                    period, assessment, methods[assessment.unit.block], pairs, snapshot, by, feed
                )
    return feed


def _feed_unit(
    period: Period,
    assessment: Assessment,
    method: Any,
    pairs: list[tuple[str, str]],
    snapshot: ServiceSnapshot,
    by: Any,
    feed: ServiceFeed,
) -> None:
    unit = assessment.unit
    exempt = exemptions_for(method, engine_units([unit])[0])
    items = method_items(method)
    measured = _measured(snapshot, unit.code)
    scores = {s.criterion: s for s in assessment.scores.filter(criterion__in=[c for c, _ in pairs])}
    previous = {m.criterion: m for m in MeasuredLeaf.objects.filter(period=period, unit=unit)}
    for criterion, indicator in pairs:
        if criterion in exempt or criterion not in scores:
            continue
        status, row = measured.get(indicator, (MeasuredStatus.NOT_IN_STORE, {}))
        rate = row.get("rate") if status == MeasuredStatus.MEASURED else None
        value = f"{rate:.{DECIMALS}f}" if rate is not None else ""
        points = _points(items[criterion].node, value)
        old = previous.get(criterion)
        MeasuredLeaf.objects.update_or_create(
            period=period,
            unit=unit,
            criterion=criterion,
            defaults={
                "indicator": indicator,
                "snapshot": snapshot,
                "status": status,
                "rate": rate,
                "numerator": row.get("numerator"),
                "denominator": row.get("denominator"),
                "value": value,
                "points": points,
                "filled": False,
            },
        )
        if not value:
            feed.unmeasured.setdefault(status, []).append((unit.code, criterion))
            continue
        score = scores[criterion]
        if score.appraisal_round is not None or score.appraised_value not in (
            "",
            old and old.value,
        ):
            feed.kept.append((unit.code, criterion))
            continue
        reason = _reason(snapshot, indicator)
        if (score.appraised_value, score.appraisal_reason) != (value, reason):
            score_fill_from_data(
                period, score, value, points, None, reason, by, action="score.measured_fill"
            )
            feed.changed += 1
        MeasuredLeaf.objects.filter(period=period, unit=unit, criterion=criterion).update(
            filled=True
        )
        feed.filled.append((unit.code, criterion))


def _measured(snapshot: ServiceSnapshot, unit: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """indicator (and `index`) → (status, its row) for the unit over the whole period."""
    part = ServiceSnapshotUnit.objects.filter(snapshot=snapshot, unit=unit).first()
    if part is None:
        return {}
    doc = part.document
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for row in doc["indicators"]:
        if row["period"] == snapshot.spec:
            status = row["status"] if row["status"] in MeasuredStatus.values else "no_data"
            if status == "not_measured":
                status = MeasuredStatus.NO_DATA
            out[row["indicator"]] = (status, row)
    index = doc["unit"].get("index")
    out[INDEX] = (
        (
            MeasuredStatus.MEASURED,
            {"rate": index, "numerator": doc["unit"]["total"], "denominator": doc["unit"]["max"]},
        )
        if index is not None
        else (MeasuredStatus.NO_DATA, {})
    )
    return out


def _points(node: Any, value: str) -> float | None:
    if not value:
        return None
    try:
        return score_value(node, value)
    except InputValueError:
        return None


def _reason(snapshot: ServiceSnapshot, indicator: str) -> str:
    titles = {i["code"]: i["title"] for g in snapshot.info["groups"] for i in g["indicators"]}
    title = titles.get(indicator, _("điểm Bộ chỉ số 766 (quy đổi %)"))
    return (REASON_INDEX if indicator == INDEX else REASON).format(
        indicator=indicator,
        title=title,
        pk=snapshot.pk,
        as_of=snapshot.as_of.strftime("%d/%m/%Y"),
    )
