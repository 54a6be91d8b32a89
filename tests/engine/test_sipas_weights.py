"""SIPAS weights: raking answers to population totals, Kish n_eff, weighted estimates by hand."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso.engine.problems import InputError
from chiso.engine.sipas import estimate_sipas
from chiso.engine.sipas_weights import check_totals, rake_answers, respondents, weight_summary
from tests.engine.test_sipas import _answers, _q

TOLERANCE = 1e-9


def _sample(unit_channel: list[tuple[str, str]], **extra: list[Any]) -> pl.DataFrame:
    """One rating row (a1 = 5) per respondent in the given unit and channel."""
    rows = [(f"r{n}", unit, "a1", 5) for n, (unit, _) in enumerate(unit_channel)]
    channels = [channel for _, channel in unit_channel]
    return _answers(rows, channel=channels, **extra)


TWO_BY_TWO = [("u", "kiosk")] * 3 + [("u", "online")] + [("v", "kiosk")] + [("v", "online")] * 3

TOTALS_PROBLEMS: list[tuple[str, Callable[[], Any], str]] = [
    ("SIP050", lambda: {"unit": {"u": -4.0, "v": 4.0}}, "not '-4.0'"),
    ("SIP051", lambda: {"kenh": {"kiosk": 8.0}}, "margin 'kenh' is not a column"),
    ("SIP053", lambda: {"unit": {"u": 8.0}}, "category 'v' has respondents but no"),
    ("SIP054", lambda: {"unit": {"u": 4.0, "v": 4.0, "w": 1.0}}, "'w' has a population total"),
    (
        "SIP055",
        lambda: {"unit": {"u": 4.0, "v": 4.0}, "channel": {"kiosk": 4.0, "online": 5.0}},
        "'channel' sums to 9 but 'unit' to 8",
    ),
    # SIP052 (a category twice) and SIP056 (no convergence) are found by the reader and the CLI:
    # see tests/test_cli_sipas.py.
    ("SIP052", lambda: None, ""),
    ("SIP056", lambda: None, ""),
]


@pytest.mark.parametrize(("code", "totals", "text"), [t for t in TOTALS_PROBLEMS if t[2]])
def test_each_totals_problem_is_reported(code: str, totals: Any, text: str) -> None:
    found = [
        p for p in check_totals(_sample(TWO_BY_TWO), totals(), tolerance=1e-6) if p.code == code
    ]
    assert found and any(text in p.message("en") for p in found), found
    assert all(p.message("vi") for p in found)
    with pytest.raises(InputError, match=code):
        rake_answers(_sample(TWO_BY_TWO), totals(), max_iterations=50, tolerance=1e-6)


def test_raking_a_two_by_two_by_hand() -> None:
    # Cells (u,kiosk)=3, (u,online)=1, (v,kiosk)=1, (v,online)=3 respondents; totals
    # unit u 60, v 40; channel kiosk 50, online 50. The raked cell weights w_uk … satisfy
    # 3 w_uk + w_uo = 60, w_vk + 3 w_vo = 40, 3 w_uk + w_vk = 50, w_uo + 3 w_vo = 50, with
    # raking's odds-ratio condition w_uk w_vo = w_uo w_vk (all start at 1).
    totals = {"unit": {"u": 60.0, "v": 40.0}, "channel": {"kiosk": 50.0, "online": 50.0}}
    raked = rake_answers(_sample(TWO_BY_TWO), totals, max_iterations=1000, tolerance=TOLERANCE)
    assert raked.raking.converged and not raked.design_weights
    cell = {
        (u, c): w
        for u, c, w in raked.answers.unique(["unit", "channel"])
        .select("unit", "channel", "weight")
        .iter_rows()
    }
    assert 3 * cell["u", "kiosk"] + cell["u", "online"] == pytest.approx(60)
    assert cell["v", "kiosk"] + 3 * cell["v", "online"] == pytest.approx(40)
    assert 3 * cell["u", "kiosk"] + cell["v", "kiosk"] == pytest.approx(50)
    assert cell["u", "kiosk"] * cell["v", "online"] == pytest.approx(
        cell["u", "online"] * cell["v", "kiosk"]
    )


def test_raking_starts_from_design_weights() -> None:
    frame = _sample([("u", "k"), ("u", "k"), ("v", "k")], weight=[2.0, 6.0, 5.0])
    raked = rake_answers(frame, {"unit": {"u": 16.0, "v": 5.0}}, max_iterations=5, tolerance=1e-9)
    # One margin is post-stratification: u's weights scale by 16 / 8, keeping their ratio 1:3.
    assert raked.design_weights
    assert raked.answers["weight"].to_list() == pytest.approx([4.0, 12.0, 5.0])


def test_weighted_item_rate_and_n_eff_by_hand() -> None:
    # Unit u: r0 satisfied (w 1), r1 not (w 3): rate = 1 / 4 = 25 %; n_eff = 16 / 10.
    frame = _answers([("r0", "u", "a1", 5), ("r1", "u", "a1", 2)], weight=[1.0, 3.0])
    result = estimate_sipas(_q(), frame, seed=1, bootstrap=50)
    item = result.items.row(0, named=True)
    assert item["rate"] == pytest.approx(25.0) and item["n_eff"] == pytest.approx(1.6)
    unit = result.units.row(0, named=True)
    assert unit["overall"] == pytest.approx(25.0)  # one item → factor A only, mean of one
    assert unit["n"] == 2 and unit["n_eff"] == pytest.approx(1.6)


def test_weight_summary_by_hand() -> None:
    frame = _answers([("r0", "u", "a1", 5), ("r0", "u", "a2", 5), ("r1", "u", "a1", 2)])
    frame = frame.with_columns(weight=pl.Series([2.0, 2.0, 4.0]))
    row = weight_summary(frame, ["unit"]).row(0, named=True)
    assert (row["n"], row["weight_sum"], row["weight_min"], row["weight_max"]) == (2, 6.0, 2, 4)
    assert row["n_eff"] == pytest.approx(36 / 20) and row["deff"] == pytest.approx(2 / 1.8)


def test_respondents_are_one_row_each() -> None:
    frame = _answers([("r1", "u", "a1", 5), ("r1", "u", "a2", 4), ("r0", "v", "a1", 1)])
    people = respondents(frame)
    assert people.columns == ["respondent", "unit", "weight"]
    assert people["respondent"].to_list() == ["r0", "r1"]


# --- properties ---------------------------------------------------------------------------------

cells = st.lists(
    st.tuples(st.sampled_from(["u1", "u2", "u3"]), st.sampled_from(["kiosk", "online", "paper"])),
    min_size=2,
    max_size=40,
)


def _margins(drawn: list[tuple[str, str]], scale: float) -> dict[str, dict[str, float]]:
    """Totals for the units and channels present; unit totals proportional to the sample's
    counts × scale, channel totals spread evenly, both summing to the same population."""
    units = sorted({u for u, _ in drawn})
    channels = sorted({c for _, c in drawn})
    population = scale * len(drawn)
    unit_totals = {u: population * sum(1 for x, _ in drawn if x == u) / len(drawn) for u in units}
    return {
        "unit": unit_totals,
        "channel": {c: population / len(channels) for c in channels},
    }


@settings(max_examples=60, deadline=None)
@given(cells, st.floats(1.0, 500.0))
def test_raked_weights_sum_to_each_margin(drawn: list[tuple[str, str]], scale: float) -> None:
    frame = _sample(drawn)
    totals = _margins(drawn, scale)
    raked = rake_answers(frame, totals, max_iterations=2000, tolerance=1e-10)
    if not raked.raking.converged:
        return  # an infeasible pattern of empty cells: reported, not raised (tested apart)
    people = respondents(raked.answers)
    for margin, categories in totals.items():
        sums = dict(people.group_by(margin).agg(pl.col("weight").sum()).iter_rows())
        for category, total in categories.items():
            assert math.isclose(sums[category], total, rel_tol=1e-8)


@settings(max_examples=40, deadline=None)
@given(cells, st.randoms(use_true_random=False))
def test_weighted_estimates_do_not_depend_on_row_order(drawn: Any, random: Any) -> None:
    frame = _sample(drawn).with_columns(
        value=pl.Series([random.choice([1, 2, 3, 4, 5, 0]) for _ in drawn], dtype=pl.Int64)
    )
    raked = rake_answers(frame, _margins(drawn, 10.0), max_iterations=500, tolerance=1e-12)
    shuffled = raked.answers.sample(fraction=1.0, shuffle=True, seed=random.randint(0, 99))
    a = estimate_sipas(_q(), raked.answers, seed=3, bootstrap=30)
    b = estimate_sipas(_q(), shuffled, seed=3, bootstrap=30)
    for name in ("items", "nodes", "units", "pairs"):
        assert getattr(a, name).equals(getattr(b, name)), name


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([1, 2, 3, 4, 5]), st.lists(st.floats(0.1, 50.0), min_size=1, max_size=12))
def test_identical_weighted_answers_give_zero_width(value: int, weights: list[float]) -> None:
    rows = [(f"r{n}", "u", item, value) for n in range(len(weights)) for item in ("a1", "b1")]
    frame = _answers(rows, weight=[w for w in weights for _ in ("a1", "b1")])
    result = estimate_sipas(_q(), frame, seed=1, bootstrap=40)
    assert (result.nodes["low"] == result.nodes["high"]).all()
    assert (result.nodes["estimate"] == result.nodes["low"]).all()


@settings(max_examples=40, deadline=None)
@given(cells, st.integers(0, 2**31))
def test_weighted_intervals_contain_their_estimates(drawn: Any, seed: int) -> None:
    frame = _sample(drawn).with_columns(
        value=pl.Series([(n * 7 + seed) % 6 for n in range(len(drawn))], dtype=pl.Int64)
    )
    raked = rake_answers(frame, _margins(drawn, 3.0), max_iterations=500, tolerance=1e-12)
    result = estimate_sipas(_q(), raked.answers, seed=seed, bootstrap=40)
    for frame_, est in ((result.items, "rate"), (result.nodes, "estimate")):
        present = frame_.filter(pl.col(est).is_not_null())
        assert (present["low"] <= present[est] + 1e-9).all()
        assert (present[est] <= present["high"] + 1e-9).all()
