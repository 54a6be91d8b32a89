"""Reads of the evaluation cycle, and the one adapter from ORM rows to the engine.

`period_inputs` is the only place where database rows become engine values (a `Method`, engine
`Unit`s and `ScoreRow`s); everything that computes results goes through it, so the web app and
the command line score the same inputs the same way. Selectors do not authorise: the view that
calls them does (e.g. `results.view_draft` before `period_results`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, QuerySet

from chiso.engine import Criterion, Method, ParResult, ScoreRow, compute_par, prepare_inputs
from chiso.engine import Unit as EngineUnit
from chiso.engine.load import build_method
from chiso.engine.reading import InputValueError
from chiso.engine.rules import RULES, read_input
from chiso.io.method_files import parse_yaml
from chiso.web.accounts import policy
from chiso.web.evaluations.models import (
    Assessment,
    Period,
    PeriodMethod,
    PeriodState,
    Score,
)
from chiso.web.evaluations.workflow import WorkflowError
from chiso.web.units.models import Unit
from chiso.web.units.selectors import engine_units

# Leaves the unit claims and the appraiser checks; survey and SIPAS leaves come from an import.
SELF_ASSESSED_SOURCES = ("appraisal", "data")
SURVEY_SOURCES = ("survey", "sipas")
BONUS, PENALTY = "bonus", "penalty"


# --- methods ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=32)
def _built(method_hash: str, method_yaml: str) -> Method:
    # Keyed by the text as well as the hash, so a stale or wrong hash can never serve the wrong
    # method; the hash only makes the key readable in a debugger.
    return build_method(parse_yaml(method_yaml))


def period_methods(period: Period) -> dict[str, Method]:
    """Block code → the method the block is scored by in `period` (one query)."""
    rows = PeriodMethod.objects.filter(period=period).values_list(
        "block", "method_hash", "method_yaml"
    )
    return {block: _built(h, text) for block, h, text in rows}


def period_method(period: Period, block: str) -> Method:
    method = period_methods(period).get(block)
    if method is None:
        raise WorkflowError(
            f"Khối '{block}' chưa có bộ tiêu chí trong kỳ đánh giá {period.year}.",
            f"Block '{block}' has no method in period {period.year}.",
        )
    return method


def block_titles(period: Period, blocks: Iterable[str] = ()) -> dict[str, str]:
    """Block code → the name users see ("Khối sở, ban, ngành"), for the blocks of `period`'s
    methods and any other `blocks`: the title in the method the block is scored by in `period`,
    else in the newest other period's method for it. A block no method names is left out (its
    code is all there is to show)."""
    named = {block: method.block(block) for block, method in period_methods(period).items()}
    titles = {code: b.title for code, b in named.items() if b is not None}
    missing = set(blocks) - set(titles)
    if missing:
        others = (
            PeriodMethod.objects.filter(block__in=missing)
            .exclude(period=period)
            .order_by("-period__year")
            .values_list("block", "method_hash", "method_yaml")
        )
        for block, h, text in others:
            found = _built(h, text).block(block)
            if found is not None:
                titles.setdefault(block, found.title)
    return titles


@dataclass(frozen=True)
class Item:
    """A scored node of a method: a leaf of a field, or a bonus or penalty item."""

    node: Criterion
    group: str  # the field's code, or "bonus" / "penalty"

    @property
    def field_code(self) -> str | None:
        # Bonus and penalty belong to no field: only an appraiser of all fields covers them.
        return None if self.group in (BONUS, PENALTY) else self.group

    @property
    def self_assessed(self) -> bool:
        return self.node.source not in SURVEY_SOURCES


def method_items(method: Method) -> dict[str, Item]:
    """Criterion code → item, for every scored node (leaves, bonus and penalty items)."""
    items = {leaf.code: Item(leaf, method.field_of[leaf.code]) for leaf in method.leaves}
    for group, adjustment in ((BONUS, method.bonus), (PENALTY, method.penalty)):
        for node in adjustment.items if adjustment else ():
            items[node.code] = Item(node, group)
    return items


def exemptions_for(method: Method, unit: EngineUnit) -> dict[str, str]:
    """Leaf code → why it does not apply to `unit` (the same matching as the engine's)."""
    exempt: dict[str, str] = {}
    for exemption in method.exemptions:
        if unit.code in exemption.units or unit.is_of(exemption.unit_kinds):
            for code in exemption.criteria:
                for leaf in method.nodes[code].leaves():
                    exempt.setdefault(leaf.code, exemption.reason)
    return exempt


def read_value(node: Criterion, value: Any) -> float:
    """The number the node's rule reads from `value`; `InputValueError` if it cannot."""
    assert node.rule is not None
    return read_input(RULES[node.rule.kind], node.rule.params, node.max, value)


def score_value(node: Criterion, value: Any) -> float:
    """The points one value earns on one node, scored by the engine's own rule."""
    assert node.rule is not None
    x = np.array([read_value(node, value)])
    return float(RULES[node.rule.kind].score(node.rule.params, node.max, x)[0])


def value_differs(node: Criterion, claim: str, appraised: str) -> bool:
    """Whether an appraisal changes the claim in meaning ("có" and "1" are the same claim)."""
    if not appraised.strip():
        return False
    if not claim.strip():
        return True
    try:
        return not math.isclose(read_value(node, claim), read_value(node, appraised), abs_tol=1e-9)
    except InputValueError:
        return claim.strip() != appraised.strip()


@dataclass(frozen=True)
class ScoreDetails:
    """A score read afresh with its period and unit, and what the method says about it."""

    score: Score
    item: Item
    exemption: str  # why the item does not apply to the unit; empty where it applies

    @property
    def period(self) -> Period:
        return self.score.assessment.period

    @property
    def unit(self) -> Any:
        return self.score.assessment.unit


def score_details(score: Score) -> ScoreDetails:
    fresh = Score.objects.select_related("assessment__period", "assessment__unit").get(pk=score.pk)
    unit = fresh.assessment.unit
    method = period_method(fresh.assessment.period, unit.block)
    item = method_items(method)[fresh.criterion]
    exempt = exemptions_for(method, engine_units([unit])[0])
    return ScoreDetails(fresh, item, exempt.get(fresh.criterion, ""))


# --- periods ------------------------------------------------------------------------------------


def period_current() -> Period | None:
    """The newest period still in progress, or else the newest period."""
    open_periods = Period.objects.exclude(state=PeriodState.PUBLISHED)
    return open_periods.order_by("-year").first() or Period.objects.order_by("-year").first()


def period_units(period: Period) -> QuerySet[Unit]:
    """The units evaluated in `period` (those its opening gave an assessment), by block, code."""
    return Unit.objects.filter(assessments__period=period).order_by("block", "code")


def _block_assessments(period: Period, block: str) -> QuerySet[Assessment]:
    return Assessment.objects.filter(period=period, unit__block=block).select_related("unit")


def period_inputs(period: Period, block: str) -> tuple[Method, list[EngineUnit], list[ScoreRow]]:
    """The engine's view of one block: its method, its units and each score's final value
    (the appraised value, or the claim where there is none). Three queries."""
    method = period_method(period, block)
    units = engine_units([a.unit for a in _block_assessments(period, block).order_by("unit__code")])
    scores = (
        Score.objects.filter(assessment__period=period, assessment__unit__block=block)
        .order_by("assessment__unit__code", "id")
        .values_list("assessment__unit__code", "criterion", "appraised_value", "self_value")
    )
    rows = [
        ScoreRow(unit, criterion, appraised or claimed, f"{unit} {criterion}")
        for unit, criterion, appraised, claimed in scores
        if (appraised or claimed).strip()
    ]
    return method, list(units), rows


def period_standard_errors(period: Period, block: str) -> dict[tuple[str, str], float]:
    """(unit, component) → standard error of the component's points, from the survey leaves'
    errors as imported; leaves are taken as independent, so their variances add."""
    method = period_method(period, block)
    component = {leaf.code: method.component_of(leaf).code for leaf in method.leaves}
    variances: dict[tuple[str, str], float] = {}
    errors = Score.objects.filter(
        assessment__period=period, assessment__unit__block=block, appraised_se__isnull=False
    ).values_list("assessment__unit__code", "criterion", "appraised_se")
    for unit, criterion, se in errors:
        if criterion in component:
            key = (unit, component[criterion])
            variances[key] = variances.get(key, 0.0) + se * se
    return {key: variance**0.5 for key, variance in variances.items()}


def period_results(period: Period, block: str) -> ParResult:
    """Draft results for the council, computed on request. Staff only: the caller must
    `policy.require(user, "results.view_draft")` — public pages read snapshots, never this."""
    method, units, rows = period_inputs(period, block)
    return compute_par(method, prepare_inputs(method, units, rows))


# --- one assessment -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TreeRow:
    """A node of the criteria tree as one unit sees it. A heading has no score."""

    node: Criterion
    depth: int
    score: Score | None
    evidence_count: int = 0
    applies: bool = True
    exemption: str = ""  # why the leaf does not apply to this unit
    self_assessed: bool = True  # False for survey and SIPAS leaves (filled by an import)


@dataclass(frozen=True)
class TreeGroup:
    """A field (or the bonus or penalty items) with its rows in the method's order."""

    code: str
    title: str
    max: float
    rows: tuple[TreeRow, ...]


def _assessment_context(
    assessment: Assessment,
) -> tuple[Assessment, Method, dict[str, str]]:
    fresh = Assessment.objects.select_related("period", "unit").get(pk=assessment.pk)
    method = period_method(fresh.period, fresh.unit.block)
    unit = engine_units([fresh.unit])[0]
    return fresh, method, exemptions_for(method, unit)


def assessment_tree(assessment: Assessment) -> list[TreeGroup]:
    """The method's criteria grouped by field, each leaf with its score row, its number of
    evidence files and whether it applies to the unit. Three queries, whatever the size."""
    fresh, method, exempt = _assessment_context(assessment)
    scores = {
        s.criterion: s
        for s in Score.objects.filter(assessment=fresh).annotate(n_evidence=Count("evidence"))
    }
    groups = [
        TreeGroup(f.code, f.title, f.max, tuple(_rows(f, 0, scores, exempt)))
        for f in method.criteria
    ]
    for code, title, adjustment in (
        (BONUS, "Điểm thưởng", method.bonus),
        (PENALTY, "Điểm trừ", method.penalty),
    ):
        if adjustment:
            rows = (_leaf_row(n, 0, scores, exempt) for n in adjustment.items)
            groups.append(TreeGroup(code, title, adjustment.cap, tuple(rows)))
    return groups


def _rows(
    node: Criterion, depth: int, scores: Mapping[str, Score], exempt: Mapping[str, str]
) -> Iterable[TreeRow]:
    if node.is_leaf:
        yield _leaf_row(node, depth, scores, exempt)
        return
    if depth > 0:  # the field itself is the group's heading
        yield TreeRow(node, depth, None, applies=any(x.code not in exempt for x in node.leaves()))
    for child in node.children:
        yield from _rows(child, depth + 1, scores, exempt)


def _leaf_row(
    node: Criterion, depth: int, scores: Mapping[str, Score], exempt: Mapping[str, str]
) -> TreeRow:
    score = scores.get(node.code)
    return TreeRow(
        node,
        depth,
        score,
        evidence_count=getattr(score, "n_evidence", 0),
        applies=node.code not in exempt,
        exemption=exempt.get(node.code, ""),
        self_assessed=node.source not in SURVEY_SOURCES,
    )


def claims_to_make(method: Method, exempt: Mapping[str, str]) -> set[str]:
    """The leaves a unit must claim: those it assesses itself, less its exempted ones."""
    return {
        leaf.code
        for leaf in method.leaves
        if leaf.code not in exempt and leaf.source in SELF_ASSESSED_SOURCES
    }


def assessment_progress(assessment: Assessment) -> tuple[int, int, float]:
    """(claims made, claims to make, points claimed) over the leaves that apply to the unit
    and that the unit assesses itself; bonus and penalty items are optional and not counted."""
    fresh, method, exempt = _assessment_context(assessment)
    to_claim = claims_to_make(method, exempt)
    rows = list(
        Score.objects.filter(assessment=fresh, criterion__in=to_claim).values_list(
            "self_value", "self_points"
        )
    )
    done = sum(1 for value, _ in rows if value.strip())
    points = sum(p for value, p in rows if value.strip() and p is not None)
    return done, len(to_claim), points


# --- appraisal ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreLine:
    """A score with what the method says about it, for the appraisal queue and the council."""

    score: Score
    item: Item
    differs: bool  # the appraised value differs in meaning from the claim
    explanations: int


def _lines(period: Period, scores: QuerySet[Score]) -> Iterable[ScoreLine]:
    """Appraisable scores (self-assessed items that apply to the unit), with their item."""
    methods = period_methods(period)
    items = {block: method_items(m) for block, m in methods.items()}
    exempt: dict[int, dict[str, str]] = {}
    rows = scores.select_related("assessment__unit").annotate(n_explanations=Count("explanations"))
    for score in rows.order_by("assessment__unit__block", "assessment__unit__code", "id"):
        unit = score.assessment.unit
        item = items.get(unit.block, {}).get(score.criterion)
        if item is None or not item.self_assessed:
            continue
        if unit.pk not in exempt:
            exempt[unit.pk] = exemptions_for(methods[unit.block], engine_units([unit])[0])
        if score.criterion in exempt[unit.pk]:
            continue
        differs = value_differs(item.node, score.self_value, score.appraised_value)
        yield ScoreLine(score, item, differs, score.n_explanations)


def _is_open(line: ScoreLine, state: str) -> bool:
    # Round 2 revisits what was questioned; round 1 (and any other state) what is unappraised.
    if state == PeriodState.SECOND_APPRAISAL:
        return line.explanations > 0 and line.score.appraisal_round != 2
    return line.score.appraisal_round is None


def _appraisal_scope(user: Any) -> Callable[[Any, str | None], bool]:
    """Whether `user` may appraise (unit, field), asked of the policy once per pair, or once
    in all for an appraiser of every unit and field (the common case)."""
    if policy.can(user, policy.Action.SCORE_APPRAISE):
        return lambda unit, field_code: True
    return functools.cache(
        lambda unit, field_code: policy.can(
            user, policy.Action.SCORE_APPRAISE, unit=unit, field_code=field_code
        )
    )


def appraisal_queue(
    period: Period,
    *,
    user: Any,
    unit: Any = None,
    field: str | None = None,
    open_only: bool = False,
    differs_only: bool = False,
) -> list[ScoreLine]:
    """The scores `user` may appraise in `period`, optionally narrowed to a unit or a field,
    to what is still open in the current round, or to appraisals that change the claim."""
    scores = Score.objects.filter(assessment__period=period)
    if unit is not None:
        scores = scores.filter(assessment__unit=unit)
    allowed = _appraisal_scope(user)
    return [
        line
        for line in _lines(period, scores)
        if (field is None or line.item.group == field)
        and (not open_only or _is_open(line, period.state))
        and (not differs_only or line.differs)
        and allowed(line.score.assessment.unit, line.item.field_code)
    ]


def appraisal_changes(period: Period) -> list[ScoreLine]:
    """Every appraisal that changed a unit's claim, with its reason and round (for the
    council). Survey and SIPAS values are not appraisals and are left out."""
    scores = Score.objects.filter(assessment__period=period).exclude(appraised_value="")
    return [line for line in _lines(period, scores) if line.differs]
