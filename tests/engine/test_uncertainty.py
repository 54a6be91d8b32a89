"""Rank intervals on cases checkable by hand: clear gaps, coin flips, clipping, seeds, errors."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from chiso.engine import uncertainty
from chiso.engine.framework import Method
from chiso.engine.inputs import ScoreRow, Unit, prepare_inputs
from chiso.engine.load import build_method
from chiso.engine.par import ParResult, compute_par
from chiso.engine.uncertainty import rank_intervals, rank_rows
from chiso.io.method_files import parse_yaml

# Appraisal 50 (one manual leaf) + survey 50 (one survey leaf scored as max × rate / 100).
METHOD = """
format: chiso.method/1
id: test-uncertainty
title: Thử khoảng hạng
jurisdiction: Tỉnh Thử
level: department
year: 2024
language: vi
status: modelled
legal_basis: {{decision: "1/QĐ-UBND", date: "2024-01-01"}}
blocks:
  - {{code: so, title: Khối sở}}
  - {{code: xa, title: Khối xã}}
components:
  - {{code: appraisal, title: Thẩm định, sources: [appraisal], points: 50}}
  - {{code: survey, title: Điều tra, sources: [survey], points: 50}}
criteria:
  - {{code: "A", title: Thẩm định, max: 50, source: appraisal, rule: {{kind: manual, step: any}}}}
  - {{code: "B", title: Điều tra, max: 50, source: survey, rule: {{kind: survey}}}}
banding: {{kind: none}}
ranking: {{ties: {ties}}}
display: {{points_decimals: 2, index_decimals: 2, rounding: half_up}}
missing_input: {missing}
"""


def method(ties: str = "shared", missing: str = "zero") -> Method:
    return build_method(parse_yaml(METHOD.format(ties=ties, missing=missing)))


def result_of(
    m: Method, scores: Mapping[str, tuple[float | None, float | None]], block: str = "so"
) -> ParResult:
    """scores: unit → (appraisal points, survey rate in %); None leaves the cell empty."""
    units = [Unit(code, code, block) for code in scores]
    rows = [
        ScoreRow(code, leaf, value)
        for code, values in scores.items()
        for leaf, value in zip(("A", "B"), values, strict=True)
        if value is not None
    ]
    return compute_par(m, prepare_inputs(m, units, rows))


def test_clear_gap_is_distinguishable_and_intervals_are_point_ranks() -> None:
    m = method()
    result = result_of(m, {"u1": (40, 60), "u2": (30, 60)})  # 70 vs 60 points
    se = {("u1", "survey"): 0.1, ("u2", "survey"): 0.1}
    out = rank_intervals(m, result, se, draws=2000, seed=1)
    units = out.units.sort("unit")
    assert units["rank"].to_list() == [1, 2]
    assert units["rank_low"].to_list() == [1, 2]
    assert units["rank_median"].to_list() == [1, 2]
    assert units["rank_high"].to_list() == [1, 2]
    assert units["p_top"].to_list() == [1.0, 0.0]
    pair = out.pairs.row(0, named=True)
    assert (pair["unit_above"], pair["unit_below"]) == ("u1", "u2")
    assert pair["p_order"] == 1.0
    assert pair["distinguishable"]


def test_near_tie_with_large_error_is_a_coin_flip() -> None:
    m = method()
    # survey points 25.1 vs 25.0 (rates 50.2 % and 50 % of 50): 0.1 apart, SE 5 each.
    result = result_of(m, {"u1": (30, 50.2), "u2": (30, 50)})
    se = {("u1", "survey"): 5.0, ("u2", "survey"): 5.0}
    out = rank_intervals(m, result, se, draws=4000, seed=7)
    pair = out.pairs.row(0, named=True)
    # P(u1 ahead) = Φ(0.1 / (5√2)) ≈ 0.506; the draw error of the share is about 0.008.
    assert pair["p_order"] == pytest.approx(0.506, abs=0.04)
    assert not pair["distinguishable"]
    units = out.units.sort("unit")
    assert units["rank_low"].to_list() == [1, 1]
    assert units["rank_high"].to_list() == [2, 2]
    assert units["p_top"].sum() == pytest.approx(1.0)


def test_no_standard_errors_repeats_the_point_ranking() -> None:
    m = method()
    result = result_of(m, {"a": (40, 80), "b": (40, 80), "c": (35, 80), "d": (10, 20)})
    out = rank_intervals(m, result, {}, draws=5, seed=0)
    units = out.units.sort("unit")
    assert units["rank"].to_list() == [1, 1, 3, 4]
    for column in ("rank_low", "rank_median", "rank_high"):
        assert units[column].to_list() == units["rank"].to_list()
    pairs = {(p["unit_above"], p["unit_below"]): p for p in out.pairs.iter_rows(named=True)}
    assert not pairs["a", "b"]["distinguishable"]  # exactly tied
    assert pairs["a", "b"]["p_order"] == 0.0
    assert pairs["b", "c"]["distinguishable"]
    assert pairs["c", "d"]["distinguishable"]


def test_same_seed_same_frames_other_seed_other_draws() -> None:
    m = method()
    scores = {f"u{i}": (30.0 + i * 0.2, 50.0) for i in range(6)}
    result = result_of(m, scores)
    se = {(u, "survey"): 2.0 for u in scores}
    first = rank_intervals(m, result, se, draws=500, seed=42)
    again = rank_intervals(m, result, dict(reversed(list(se.items()))), draws=500, seed=42)
    other = rank_intervals(m, result, se, draws=500, seed=43)
    assert_frame_equal(first.units, again.units)
    assert_frame_equal(first.pairs, again.pairs)
    assert first.pairs["p_order"].to_list() != other.pairs["p_order"].to_list()
    assert (first.draws, first.seed, first.level) == (500, 42, 0.90)
    assert first.method_hash == m.hash and first.inputs_hash == result.inputs_hash


def test_chunk_size_does_not_change_the_result(monkeypatch: pytest.MonkeyPatch) -> None:
    m = method()
    scores = {f"u{i}": (30.0 + i * 0.3, 50.0) for i in range(5)}
    result = result_of(m, scores)
    se = {(u, "survey"): 1.0 for u in scores}
    whole = rank_intervals(m, result, se, draws=1000, seed=4)
    monkeypatch.setattr(uncertainty, "CHUNK", 7)
    chunked = rank_intervals(m, result, se, draws=1000, seed=4)
    assert_frame_equal(whole.units, chunked.units)
    assert_frame_equal(whole.pairs, chunked.pairs)


def test_clipping_keeps_the_component_within_zero_and_max(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    m = method()
    # u1 has a full survey (50 of 50), u2 an empty one; a huge SE pushes draws far outside.
    result = result_of(m, {"u1": (10, 100), "u2": (50, 0), "u3": (30, 50)})
    seen: list[np.ndarray] = []
    original = uncertainty._draw_keys

    def spy(base, noise, draws, rng):  # type: ignore[no-untyped-def]
        keys = original(base, noise, draws, rng)
        seen.append(keys)
        return keys

    monkeypatch.setattr(uncertainty, "_draw_keys", spy)
    se = {("u1", "survey"): 100.0, ("u2", "survey"): 100.0}
    rank_intervals(m, result, se, draws=3000, seed=3)
    keys = np.vstack(seen)  # the draws come in chunks
    assert keys.shape == (3000, 3)
    # index = appraisal + survey points here (max 100): u1 in [10, 60], u2 in [50, 100].
    assert keys[:, 0].min() == 10.0 and keys[:, 0].max() == 60.0
    assert keys[:, 1].min() == 50.0 and keys[:, 1].max() == 100.0
    assert np.all(keys[:, 2] == 55.0)
    # About half of the draws clip at each bound.
    assert (keys[:, 0] == 60.0).mean() == pytest.approx(0.5, abs=0.05)


def test_units_not_ranked_stay_out() -> None:
    m = method(missing="unrank")
    result = result_of(m, {"u1": (40, 60), "u2": (30, None), "u3": (20, 60)})
    assert result.units.filter(~pl.col("ranked"))["unit"].to_list() == ["u2"]
    # A standard error on the unranked unit is accepted and changes nothing.
    se = {("u1", "survey"): 1.0, ("u2", "survey"): 3.0}
    out = rank_intervals(m, result, se, draws=200, seed=5)
    assert sorted(out.units["unit"].to_list()) == ["u1", "u3"]
    assert out.pairs.select("unit_above", "unit_below").rows() == [("u1", "u3")]
    without = rank_intervals(m, result, {("u1", "survey"): 1.0}, draws=200, seed=5)
    assert_frame_equal(out.units, without.units)


def test_blocks_are_ranked_apart() -> None:
    m = method()
    so = result_of(m, {"s1": (40, 60), "s2": (20, 60)}, block="so")
    units = [Unit("s1", "s1", "so"), Unit("s2", "s2", "so"), Unit("x1", "x1", "xa")]
    rows = [
        ScoreRow(u, leaf, v)
        for u, vals in {"s1": (40, 60), "s2": (20, 60), "x1": (5, 10)}.items()
        for leaf, v in zip(("A", "B"), vals, strict=True)
    ]
    result = compute_par(m, prepare_inputs(m, units, rows))
    assert so.units["rank"].to_list() == [1, 2]
    out = rank_intervals(m, result, {("x1", "survey"): 3.0}, draws=100, seed=0)
    by_unit = {r["unit"]: r for r in out.units.iter_rows(named=True)}
    assert by_unit["x1"]["block"] == "xa" and by_unit["x1"]["rank_high"] == 1
    assert by_unit["x1"]["p_top"] == 1.0
    assert out.pairs["block"].to_list() == ["so"]


def test_rank_rows_tie_rules() -> None:
    keys = np.array([[5.0, 7.0, 7.0, 1.0], [1.0, 1.0, 1.0, 2.0]])
    assert rank_rows(keys, "shared").tolist() == [[3, 1, 1, 4], [2, 2, 2, 1]]
    assert rank_rows(keys, "dense").tolist() == [[2, 1, 1, 3], [2, 2, 2, 1]]


def test_dense_method_keeps_dense_ranks_in_draws() -> None:
    m = method(ties="dense")
    result = result_of(m, {"a": (40, 80), "b": (40, 80), "c": (35, 80)})
    out = rank_intervals(m, result, {}, draws=3, seed=0).units.sort("unit")
    assert out["rank"].to_list() == [1, 1, 2]
    assert out["rank_high"].to_list() == [1, 1, 2]


def test_secondary_method_ties_are_shared_inside_draws() -> None:
    data = parse_yaml(METHOD.format(ties="secondary", missing="zero"))
    data["ranking"] = {"ties": "secondary", "secondary": ["component:survey"]}
    m = build_method(data)
    # Same index 80; b wins the point ranking on the survey component.
    result = result_of(m, {"a": (40, 80), "b": (30, 100)})
    assert result.units.sort("unit")["rank"].to_list() == [2, 1]
    out = rank_intervals(m, result, {}, draws=3, seed=0)
    assert out.units.sort("unit")["rank_high"].to_list() == [1, 1]
    assert out.pairs.row(0, named=True)["distinguishable"] is False


def test_level_sets_the_interval_and_the_rule() -> None:
    m = method()
    scores = {f"u{i}": (30.0 + i, 50.0) for i in range(5)}
    result = result_of(m, scores)
    se = {(u, "survey"): 1.5 for u in scores}
    wide = rank_intervals(m, result, se, draws=2000, seed=9, level=0.99)
    narrow = rank_intervals(m, result, se, draws=2000, seed=9, level=0.5)
    width = pl.col("rank_high") - pl.col("rank_low")
    assert (wide.units.select(width).to_series() >= narrow.units.select(width).to_series()).all()
    p = narrow.pairs["p_order"].to_list()
    assert narrow.pairs["distinguishable"].to_list() == [x >= 0.75 for x in p]


@pytest.mark.parametrize(
    ("se", "kwargs", "message"),
    [
        ({("nobody", "survey"): 1.0}, {}, "unknown unit 'nobody'"),
        ({("u1", "sipas"): 1.0}, {}, "unknown component 'sipas'"),
        ({("u1", "survey"): -1.0}, {}, "finite number ≥ 0"),
        ({("u1", "survey"): float("nan")}, {}, "finite number ≥ 0"),
        ({}, {"draws": 0}, "draws must be"),
        ({}, {"level": 1.0}, "level must be in"),
        ({}, {"level": 0.0}, "level must be in"),
    ],
)
def test_argument_errors(
    se: dict[tuple[str, str], float], kwargs: dict[str, float], message: str
) -> None:
    m = method()
    result = result_of(m, {"u1": (40, 60), "u2": (30, 60)})
    arguments: dict[str, float] = {"draws": 10, "seed": 0, **kwargs}
    with pytest.raises(ValueError, match=message):
        rank_intervals(m, result, se, **arguments)  # type: ignore[arg-type]


def test_result_of_another_method_is_refused() -> None:
    m = method()
    result = result_of(m, {"u1": (40, 60)})
    with pytest.raises(ValueError, match="computed with method"):
        rank_intervals(method(ties="dense"), result, {}, draws=10, seed=0)


def test_ten_thousand_draws_for_150_units_is_fast() -> None:
    """Not a timing assertion (benchmarks/ measures that): the call completes and is sane."""
    m = method()
    scores = {f"u{i:03d}": (20.0 + (i % 30), 40.0 + (i % 50)) for i in range(150)}
    result = result_of(m, scores)
    se = {(u, "survey"): 0.8 for u in scores}
    out = rank_intervals(m, result, se, draws=10_000, seed=1)
    assert out.units.height == 150
    assert (out.units["rank_low"] <= out.units["rank_median"]).all()
    assert (out.units["rank_median"] <= out.units["rank_high"]).all()
    assert out.pairs.height == 149


def test_nothing_ranked_gives_empty_frames() -> None:
    m = method(missing="unrank")
    result = result_of(m, {"a": (1, None)})
    out = rank_intervals(m, result, {("a", "survey"): 1.0}, draws=10, seed=0)
    assert out.units.height == 0 and out.pairs.height == 0
    assert out.units.columns == [
        "unit",
        "block",
        "rank",
        "rank_median",
        "rank_low",
        "rank_high",
        "p_top",
    ]
