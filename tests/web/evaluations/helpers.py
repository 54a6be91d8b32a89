"""Helpers for the evaluation tests (plain functions; the fixtures are in conftest.py)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from chiso.web.accounts.models import Role
from chiso.web.evaluations.models import Period, PeriodState, Score
from chiso.web.units.models import Unit
from tests.web.factories import RoleAssignmentFactory, UnitFactory

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "thai-nguyen"
S = PeriodState
ORDER = [
    S.DRAFT,
    S.SELF_ASSESSMENT,
    S.APPRAISAL,
    S.EXPLANATION,
    S.SECOND_APPRAISAL,
    S.COUNCIL_REVIEW,
]


def move_on(period: Period, to: str, by: Any) -> Period:
    """Move the period to `to`, confirming whatever units are not ready (setup for tests that
    are not about the confirmation)."""
    from chiso.web.evaluations.readiness import period_readiness
    from chiso.web.evaluations.services import period_transition

    period.refresh_from_db()
    not_ready = period_readiness(period).codes
    return period_transition(period=period, to=to, by=by, confirmed_not_ready=not_ready)


def example_units(codes: Iterable[str] | None = None) -> list[Unit]:
    """Units from the example unit list (block `so`), optionally only `codes`."""
    with (EXAMPLES / "units-2024.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["block"] == "so"]
    wanted = set(codes) if codes is not None else None
    return [
        UnitFactory(code=r["unit"], name=r["name"], kind=r["kind"], block=r["block"])
        for r in rows
        if wanted is None or r["unit"] in wanted
    ]


def officer_of(unit: Unit) -> Any:
    return RoleAssignmentFactory(role=Role.OFFICER, unit=unit).user


def score_of(period: Period, unit: str, criterion: str) -> Score:
    return Score.objects.get(
        assessment__period=period, assessment__unit__code=unit, criterion=criterion
    )


def example_scores(unit: str | None = None) -> list[tuple[str, str, str]]:
    """(unit, criterion, value) rows of the example 2024 department scores."""
    with (EXAMPLES / "scores-2024-so.csv").open(encoding="utf-8") as f:
        rows = [(r["unit"], r["criterion"], r["value"]) for r in csv.DictReader(f)]
    return [r for r in rows if unit is None or r[0] == unit]


def claim_all(period: Period, unit: str, note: str = "Văn bản có trên hệ thống") -> None:
    """Set the unit's claims from the example scores, with the ORM (setup, not under test);
    survey and SIPAS values go where the import puts them, in the appraised value."""
    from chiso.web.evaluations.selectors import method_items, period_method, score_value

    items = method_items(period_method(period, "so"))
    for _, criterion, value in example_scores(unit):
        item = items[criterion]
        scores = Score.objects.filter(
            assessment__period=period, assessment__unit__code=unit, criterion=criterion
        )
        points = score_value(item.node, value) if value.strip() else None
        if item.self_assessed:
            scores.update(self_value=value, self_points=points, self_note=note)
        else:
            scores.update(appraised_value=value, appraised_points=points)
