"""Helpers for the publishing and public-site tests: the Thái Nguyên example as snapshots.

`publish_example` stores a snapshot the way `period_publish` does (`snapshot_build` →
`snapshot_create`) but without walking a period through the workflow, so page tests stay fast;
the workflow itself is tested in tests/web/publishing/test_services.py.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import Any

from chiso import engine
from chiso.io.method_files import resolve_method
from chiso.io.tables import read_scores
from chiso.web.evaluations.models import Period, PeriodState, Score
from chiso.web.evaluations.services import period_create, period_set_method, period_transition
from chiso.web.publishing.models import Snapshot
from chiso.web.publishing.services import snapshot_build, snapshot_create, snapshot_published
from chiso.web.units.services import units_import

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "thai-nguyen"
METHODS = {"so": "model-2024-so", "huyen": "model-2024-huyen"}


@cache
def method_yaml(block: str) -> str:
    return resolve_method(METHODS[block]).read_text(encoding="utf-8")


@cache
def example_units(block: str) -> tuple[engine.Unit, ...]:
    with (EXAMPLES / "units-2024.csv").open(encoding="utf-8") as f:
        return tuple(
            engine.Unit(r["unit"], r["name"], r["block"], r["kind"])
            for r in csv.DictReader(f)
            if r["block"] == block
        )


@cache
def example_rows(year: int, block: str) -> tuple[engine.ScoreRow, ...]:
    return tuple(read_scores(EXAMPLES / f"scores-{year}-{block}.csv").rows)


def many_units(n: int) -> tuple[list[engine.Unit], list[engine.ScoreRow]]:
    """`n` departments, each scored like one of the 19 example departments."""
    base = example_units("so")
    rows_of: dict[str, list[engine.ScoreRow]] = {}
    for row in example_rows(2024, "so"):
        rows_of.setdefault(row.unit, []).append(row)
    units, rows = [], []
    for i in range(n):
        model = base[i % len(base)]
        code = f"TN.S{i:03d}"
        units.append(engine.Unit(code, f"{model.name} ({i})", "so", model.kind))
        rows += [engine.ScoreRow(code, r.criterion, r.value) for r in rows_of[model.code]]
    return units, rows


def period_of(year: int, state: str = PeriodState.PUBLISHED) -> Period:
    period, _ = Period.objects.get_or_create(
        year=year, defaults={"title": f"Chỉ số CCHC năm {year}", "state": state}
    )
    return period


def publish_example(
    year: int,
    block: str,
    *,
    by: Any,
    state: str = PeriodState.PUBLISHED,
    units: Any = None,
    rows: Any = None,
    standard_errors: dict[tuple[str, str], float] | None = None,
) -> Snapshot:
    """The example's `block` of `year` as a snapshot of a period in `state` (compared with
    last year's published snapshot of the block, if there is one)."""
    period = period_of(year, state)
    built = snapshot_build(
        method_yaml=method_yaml(block),
        units=units if units is not None else example_units(block),
        rows=rows if rows is not None else example_rows(year, block),
        previous=snapshot_published(year=year - 1, block=block),
        standard_errors=standard_errors,
        intervals_note="Sai số giả định (thử nghiệm).",
        draws=500,
    )
    return snapshot_create(
        period=period, block=block, method_yaml=method_yaml(block), built=built, by=by
    )


def period_in_review(year: int, admin: Any) -> Period:
    """The example year scored and waiting for the council (both blocks). The claims are
    written with the ORM and the state is set directly: the workflow before the council is
    tested with the evaluations app; here only publishing is."""
    units_import(path=EXAMPLES / "units-2024.csv", by=None)
    period = period_create(year=year, title=f"Chỉ số CCHC năm {year}", by=admin)
    for block in ("so", "huyen"):
        period_set_method(period=period, block=block, method_yaml=method_yaml(block), by=admin)
    period_transition(period=period, to=PeriodState.SELF_ASSESSMENT, by=admin)
    values = {
        (r.unit, r.criterion): str(r.value)
        for block in ("so", "huyen")
        for r in example_rows(year, block)
        if r.value not in (None, "")
    }
    scores = list(
        Score.objects.filter(assessment__period=period).select_related("assessment__unit")
    )
    for score in scores:
        score.self_value = values.get((score.assessment.unit.code, score.criterion), "")
    Score.objects.bulk_update(scores, ["self_value"], batch_size=1000)
    Period.objects.filter(pk=period.pk).update(state=PeriodState.COUNCIL_REVIEW)
    period.refresh_from_db()
    return period


SIPAS_EXAMPLE = EXAMPLES.parent / "sipas" / "answers-example.csv"


def publish_example_sipas(by: Any, names: Any = None) -> Any:
    """2024's SIPAS published from the example answers (42, 40 and 38 respondents; the last unit
    below the minimum sample of 39); `names(codes)` names the units (default 'UBND …')."""
    from chiso.io.answers import read_answers
    from chiso.io.questionnaire_files import load_questionnaire, resolve_questionnaire
    from chiso.web.publishing.sipas import sipas_publish

    path = resolve_questionnaire("service-user-2024")
    answers = read_answers(SIPAS_EXAMPLE, load_questionnaire(path), None)
    codes = sorted(answers["unit"].unique())
    return sipas_publish(
        year=2024,
        title="Khảo sát SIPAS năm 2024",
        questionnaire_yaml=path.read_text(encoding="utf-8"),
        answers=answers,
        names=names(codes) if names else {u: f"UBND {u.title()}" for u in codes},
        seed=9,
        bootstrap=200,
        min_sample=39,
        by=by,
    )
