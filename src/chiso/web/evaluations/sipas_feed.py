"""SIPAS into the PAR Index: fill the `sipas` leaves from a frozen SIPAS document.

A leaf whose source is `sipas` and whose survey rule names a questionnaire `node` (e.g.
`rule: {kind: survey, node: TCDV}`) takes that node's estimate for the unit — points =
max × rate / 100, as the rule says — with its standard error, so the council's rank intervals
carry the survey's uncertainty. This replaces the manual import of those leaves; it goes through
the same checks and saves (`survey_import`'s), in one transaction, audited per score.

Decisions (docs/howto/run-a-survey.md):
- a unit below the questionnaire's minimum sample is **not** fed: its estimate is too uncertain
  to score, and its leaves stay as they were (empty → the method's missing-input rule). The result
  lists those units so the reform office sees them;
- a unit with no estimate for the node (no valid answer) is listed the same way;
- a criterion the method exempts the unit from (e.g. Ban Dân tộc and the procedure criteria) is
  not applicable: it is skipped and listed with the method's reason, never written;
- the value written is the estimate rounded to 4 decimals — the text an appraiser sees is the
  number used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from chiso.engine import ScoreRow
from chiso.io.sipas_document import SIPAS_SCHEMA, node_estimates
from chiso.web.accounts import policy
from chiso.web.evaluations.models import Period
from chiso.web.evaluations.selectors import exemptions_for, method_items, period_methods
from chiso.web.evaluations.services import (
    SURVEY_STATES,
    _locked,
    _survey_updates,
    score_fill_from_data,
)
from chiso.web.evaluations.workflow import require_state
from chiso.web.units.models import Unit
from chiso.web.units.selectors import engine_units

DECIMALS = 4


@dataclass
class SipasFeed:
    """What a feed did: scores changed, and units left out with the reason."""

    changed: int = 0
    filled: list[tuple[str, str]] = field(default_factory=list)  # (unit, criterion)
    below_min_sample: set[str] = field(default_factory=set)
    without_estimate: set[str] = field(default_factory=set)
    exempt: dict[tuple[str, str], str] = field(default_factory=dict)  # (unit, criterion) → why


def sipas_leaves(period: Period) -> dict[str, list[tuple[str, str]]]:
    """Block → [(criterion, node)] of the leaves a SIPAS document can fill."""
    out: dict[str, list[tuple[str, str]]] = {}
    for block, method in period_methods(period).items():
        for code, item in method_items(method).items():
            rule = item.node.rule
            if item.node.source == "sipas" and rule is not None and rule.params.get("node"):
                out.setdefault(block, []).append((code, str(rule.params["node"])))
    return out


def survey_feed_sipas(
    *, period: Period, document: Mapping[str, Any], source: str, by: Any
) -> SipasFeed:
    """Fill every `sipas` leaf of `period` that names a node from `document`."""
    policy.require(by, policy.Action.SURVEY_IMPORT)
    if document.get("schema") != SIPAS_SCHEMA:
        raise ValidationError("tài liệu không phải kết quả SIPAS (chiso.public.sipas/1)")
    with transaction.atomic():
        period = _locked(period)
        require_state(
            period.state,
            *SURVEY_STATES,
            action_vi="lấy kết quả SIPAS vào chỉ số CCHC",
            action_en="feed SIPAS results into the PAR Index",
        )
        feed, rows, errors = _rows(period, document)
        updates = _survey_updates(period, rows, errors)
        reason = f"Kết quả SIPAS: {source}"
        for score, text, points, se in updates:
            if (text, se) != (score.appraised_value, score.appraised_se):
                score_fill_from_data(period, score, text, points, se, reason, by)
                feed.changed += 1
    return feed


def _rows(
    period: Period, document: Mapping[str, Any]
) -> tuple[SipasFeed, list[ScoreRow], dict[tuple[str, str], float]]:
    feed = SipasFeed()
    rows: list[ScoreRow] = []
    errors: dict[tuple[str, str], float] = {}
    leaves = sipas_leaves(period)
    methods = period_methods(period)
    if not leaves:
        raise ValidationError(
            "bộ tiêu chí của kỳ đánh giá không có tiêu chí SIPAS nào ghi rõ nút của phiếu (node)"
        )
    known = {n["code"] for n in document["nodes"]}
    for block, pairs in leaves.items():
        units = _units_of(period, block)
        exempt = {
            unit.code: exemptions_for(methods[block], unit)
            for unit in engine_units(Unit.objects.filter(code__in=units))
        }
        for criterion, node in pairs:
            if node not in known:
                raise ValidationError(
                    f"tiêu chí '{criterion}' (khối {block}) lấy điểm từ nút '{node}', "
                    "nhưng phiếu khảo sát không có nút này"
                )
            estimates = node_estimates(document, node)
            for unit in units:
                value = estimates.get(unit)
                if criterion in exempt.get(unit, {}):
                    feed.exempt[(unit, criterion)] = exempt[unit][criterion]
                elif value is None:
                    feed.without_estimate.add(unit)
                elif not value["ranked"]:
                    feed.below_min_sample.add(unit)
                else:
                    rows.append(ScoreRow(unit, criterion, round(value["estimate"], DECIMALS)))
                    if value["se"] is not None:
                        errors[(unit, criterion)] = value["se"]
                    feed.filled.append((unit, criterion))
    return feed, rows, errors


def _units_of(period: Period, block: str) -> list[str]:
    return sorted(period.assessments.filter(unit__block=block).values_list("unit__code", flat=True))
