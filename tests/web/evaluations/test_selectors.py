"""The engine adapter reproduces the command line's results; reads stay within query bounds."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from chiso.engine import compute_par, prepare_inputs
from chiso.io.tables import read_scores, read_units
from chiso.web.evaluations.models import Assessment, Period, Score
from chiso.web.evaluations.selectors import (
    appraisal_queue,
    assessment_progress,
    assessment_tree,
    period_current,
    period_inputs,
    period_method,
    period_results,
)
from tests.web.evaluations.helpers import EXAMPLES, claim_all, example_units

pytestmark = pytest.mark.db


@pytest.fixture
def all_departments(draft_period: Period, move: Any) -> Period:
    codes = [u.code for u in example_units()]
    period = move(draft_period, "self_assessment")
    for code in codes:
        claim_all(period, code)
    return period


def test_the_adapter_gives_the_same_result_as_the_files(all_departments: Period) -> None:
    method = period_method(all_departments, "so")
    units = [u for u in read_units(EXAMPLES / "units-2024.csv") if u.block == "so"]
    rows = read_scores(EXAMPLES / "scores-2024-so.csv").rows
    expected = compute_par(method, prepare_inputs(method, units, rows))

    result = period_results(all_departments, "so")

    assert result.inputs_hash == expected.inputs_hash
    assert result.method_hash == expected.method_hash
    for frame in ("units", "components", "fields", "leaves"):
        # Row order follows the units' order, which the adapter takes by code.
        assert_frame_equal(getattr(result, frame), getattr(expected, frame), check_row_order=False)


def test_the_appraised_value_wins_over_the_claim(period: Period) -> None:
    claim_all(period, "TN.SNV")
    Score.objects.filter(assessment__unit__code="TN.SNV", criterion="1.1.1").update(
        appraised_value="khong"
    )
    _, units, rows = period_inputs(period, "so")
    assert {u.code for u in units} == {"TN.SNV", "TN.STP", "TN.BDT"}
    values = {(r.unit, r.criterion): r.value for r in rows}
    assert values[("TN.SNV", "1.1.1")] == "khong"
    assert values[("TN.SNV", "1.1.2")] == "100"
    leaves = period_results(period, "so").leaves
    row = leaves.filter((pl.col("unit") == "TN.SNV") & (pl.col("criterion") == "1.1.1"))
    assert row["points"].item() == 0


def test_period_current_prefers_the_period_in_progress(period: Period) -> None:
    assert period_current() == period


def test_the_tree_groups_leaves_by_field_with_exemptions(
    period: Period, django_assert_max_num_queries: Any
) -> None:
    assessment = Assessment.objects.get(period=period, unit__code="TN.BDT")
    with django_assert_max_num_queries(4):
        groups = assessment_tree(assessment)
    assert [g.code for g in groups] == ["1", "2", "3", "4", "5", "6", "7", "8", "bonus", "penalty"]
    rows = {r.node.code: r for g in groups for r in g.rows}
    assert rows["3.1"].score is None and not rows["3.1"].applies  # a heading
    assert not rows["3.1.1"].applies and "thủ tục hành chính" in rows["3.1.1"].exemption
    assert rows["1.1.1"].applies and rows["1.1.1"].score.criterion == "1.1.1"
    assert not rows["1.7.1"].self_assessed
    assert sum(1 for r in rows.values() if r.score is not None) == 106


def test_progress_counts_what_applies(period: Period) -> None:
    bdt = Assessment.objects.get(period=period, unit__code="TN.BDT")
    snv = Assessment.objects.get(period=period, unit__code="TN.SNV")
    done, total, points = assessment_progress(bdt)
    assert (done, points) == (0, 0) and total < assessment_progress(snv)[1] == 82
    claim_all(period, "TN.SNV")
    done, total, points = assessment_progress(snv)
    assert done == total == 82 and points > 50


def test_reads_are_bounded_whatever_the_number_of_units(
    all_departments: Period, appraiser: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        period_inputs(all_departments, "so")
    with django_assert_max_num_queries(4):
        queue = appraisal_queue(all_departments, user=appraiser)
    assert len(queue) > 19 * 80
