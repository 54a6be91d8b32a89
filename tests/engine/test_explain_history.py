"""The improvement plan of one unit, and year-over-year change through reorganisations."""

from __future__ import annotations

import polars as pl
import pytest

from chiso.engine.explain import explain_unit
from chiso.engine.history import Lineage, LineageLink, compare_years
from chiso.engine.inputs import ScoreRow, Unit, prepare_inputs
from chiso.engine.par import compute_par

from .methods import FULL, method_from


def _result(values, kind=""):
    method = method_from()
    rows = [ScoreRow("A", code, value) for code, value in values.items()]
    return method, compute_par(
        method, prepare_inputs(method, [Unit("A", "Sở A", "so", kind)], rows)
    )


def test_explain_sorts_lost_points_by_gain():
    values = FULL | {"1.3": 1.5, "2.1": 45, "2.3": 60, "1.2": 1}
    method, result = _result(values)
    plan = explain_unit(method, result, "A").leaves
    lost = plan.filter(pl.col("status") == "lost")
    assert lost["criterion"].to_list() == ["2.1", "1.2", "1.3", "2.3"]  # equal gains: by code
    assert lost["lost"].to_list() == pytest.approx([1.0, 0.5, 0.5, 0.5])
    assert lost["gain"].to_list() == pytest.approx([10.0, 5.0, 5.0, 5.0])  # max 10 → ×10
    nxt = {r["criterion"]: (r["next_points"], r["next_step"]) for r in lost.to_dicts()}
    assert nxt["2.3"] == (0.5, "tỷ lệ ≥ 90 %")
    assert nxt["1.2"][0] == 0.5 and "bớt 1 lần" in nxt["1.2"][1]
    assert nxt["1.3"] == (None, None)  # manual: no defined next step
    assert plan.filter(pl.col("status") == "full").height == 3


def test_explain_binary_next_step():
    method, result = _result(FULL | {"2.2": "không"})
    plan = explain_unit(method, result, "A").leaves
    row = plan.filter(pl.col("criterion") == "2.2").row(0, named=True)
    assert (row["next_points"], row["next_step"]) == (1.0, "thực hiện đầy đủ")


def test_explain_lists_exempt_and_missing_leaves():
    values = {k: v for k, v in FULL.items() if k not in ("2.2", "1.1")}
    method, result = _result(values, kind="no_procedures")
    plan = explain_unit(method, result, "A").leaves
    status = dict(zip(plan["criterion"], plan["status"], strict=True))
    assert status["2.2"] == "exempt" and status["1.1"] == "missing"
    assert plan.row(0, named=True)["criterion"] == "1.1"  # missing counts as lost, 1 point


def test_explain_unknown_unit():
    method, result = _result(FULL)
    with pytest.raises(KeyError):
        explain_unit(method, result, "nope")


def _frame(rows):
    return pl.DataFrame(
        rows, schema={"unit": pl.String, "index": pl.Float64, "rank": pl.Int64}, orient="row"
    )


def test_year_over_year_with_renames_merges_and_splits():
    previous = _frame(
        [
            ("SCT", 90.3, 2),
            ("SNV", 85.0, 5),
            ("SLDTBXH", 80.0, 9),
            ("STTTT", 88.0, 3),
            ("HUYEN", 70.0, 4),
        ]
    )
    current = _frame(
        [
            ("SCT", 90.9, 1),
            ("SNV2", 84.0, 6),
            ("STTTT2", 91.0, 1),
            ("XA1", 75.0, 10),
            ("NEW", 60.0, 20),
        ]
    )
    lineage = Lineage.of(
        [
            LineageLink("SNV2", "SNV", "merged"),
            LineageLink("SNV2", "SLDTBXH", "merged"),
            LineageLink("STTTT2", "STTTT", "renamed"),
            LineageLink("XA1", "HUYEN", "split"),
        ]
    )
    got = {r["unit"]: r for r in compare_years(current, previous, lineage).to_dicts()}
    assert got["SCT"]["relation"] == "same"
    assert got["SCT"]["index_change"] == pytest.approx(0.6)
    assert got["SCT"]["rank_change"] == 1
    assert got["SNV2"]["relation"] == "merged" and got["SNV2"]["previous"] == "SNV;SLDTBXH"
    assert got["SNV2"]["index_previous"] == pytest.approx(82.5)
    assert got["SNV2"]["rank_change"] is None
    assert got["STTTT2"]["rank_change"] == 2
    assert got["XA1"]["index_change"] == pytest.approx(5.0) and got["XA1"]["rank_change"] is None
    assert got["NEW"]["relation"] is None and got["NEW"]["index_change"] is None


def test_lineage_rejects_unknown_relations():
    with pytest.raises(ValueError, match="unknown lineage relation"):
        Lineage.of([LineageLink("a", "b", "absorbed")])
