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
