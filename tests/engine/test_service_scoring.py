"""Scoring from counts: rates, the scoring kinds, the no-data and not-applicable rules, roll-up,
ranks with ties, incomplete counts, rounding — and invariants under Hypothesis."""

from __future__ import annotations

import copy
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso.engine.problems import InputError
from chiso.engine.service import score_service
from chiso.engine.service_method import build_service_method
from chiso.engine.service_scoring import ServiceUnit, round_half

from .test_service_method import BASE

METHOD = build_service_method(BASE)
CODES = [i.code for i in METHOD.indicators]
UNITS = [
    ServiceUnit("P", "Tỉnh", "province"),
    ServiceUnit("D1", "Sở Một", "department", "P"),
    ServiceUnit("D2", "Sở Hai", "department", "P"),
    ServiceUnit("X1", "Xã Một", "commune", "P"),
]


def _counts(rows: list[tuple[str, str, float, float]], period: str = "Q3") -> pl.DataFrame:
    return pl.DataFrame(
        [(period, *row) for row in rows],
        schema={
            "period": pl.String,
            "unit": pl.String,
            "indicator": pl.String,
            "numerator": pl.Float64,
            "denominator": pl.Float64,
        },
        orient="row",
    )


def _full(unit: str, n: float = 1, d: float = 1) -> list[tuple[str, str, float, float]]:
    return [(unit, code, n, d) for code in CODES]


def _points(result: Any, unit: str, code: str) -> Any:
    row = result.indicators.filter((pl.col("unit") == unit) & (pl.col("indicator") == code))
    return row.row(0, named=True)


def _unit(result: Any, unit: str) -> dict[str, Any]:
    return result.units.filter(pl.col("unit") == unit).row(0, named=True)  # type: ignore[no-any-return]


def _with(unit: str, **changes: tuple[float, float]) -> list[tuple[str, str, float, float]]:
    """Every indicator at 1 / 1, except those given (code with '_' for '.': c1_1=(1, 4))."""
    given = {code.removeprefix("c").replace("_", "."): nd for code, nd in changes.items()}
    return [(unit, code, *given.get(code, (1.0, 1.0))) for code in CODES]


def test_kinds_of_scoring() -> None:
    rows = _with("D1", c1_1=(1, 4), c3_1=(3, 5))
    result = score_service(METHOD, _counts(rows), UNITS[1:2], rolled_up=False)
    assert _points(result, "D1", "1.1")["points"] == 1.5  # linear: 6 × 25 %
    assert _points(result, "D1", "3.1")["points"] == 1.5  # target 80: 2 × 60 / 80
    assert _points(result, "D1", "2.2")["points"] is None  # shown: 1 day on average
    assert _points(result, "D1", "2.2")["rate"] == 1.0


def test_target_caps_at_the_points_and_complement_floors_at_zero() -> None:
    rows = _with("D1", c3_3=(9, 10), c5_3=(15, 10))
    result = score_service(METHOD, _counts(rows), UNITS[1:2], rolled_up=False)
    assert _points(result, "D1", "3.3")["points"] == 6  # 90 % × 100 % sync ≥ target 50
    assert _points(result, "D1", "5.3")["rate"] == 0 and _points(result, "D1", "5.3")["points"] == 0


def test_rate_times_another_rate() -> None:
    rows = _with("D1", c1_4=(1, 2), c3_3=(2, 5))
    result = score_service(METHOD, _counts(rows), UNITS[1:2], rolled_up=False)
    assert _points(result, "D1", "3.3")["rate"] == pytest.approx(20.0)  # 40 % × 50 %
    assert _points(result, "D1", "3.3")["points"] == 2.4  # 6 × 20 / 50


def test_no_data_rules() -> None:
    rows = _with("D1", c2_1=(0, 0), c5_1=(0, 0), c5_3=(0, 0), c3_3=(0, 0))
    result = score_service(METHOD, _counts(rows), UNITS[1:2], rolled_up=False)
    assert _points(result, "D1", "2.1")["points"] == 0  # no dossiers: zero
    assert _points(result, "D1", "5.3")["points"] == 0  # no dossiers: zero
    assert _points(result, "D1", "5.1")["points"] == 6  # no feedback: full
    assert {_points(result, "D1", c)["status"] for c in ("2.1", "5.1")} == {"no_data"}
    assert _points(result, "D1", "3.3")["points"] == 0


def test_a_commune_gets_full_points_where_an_indicator_does_not_apply() -> None:
    rows = [(u, c, 0, 1) for u in ("D1", "X1") for c in CODES]
    result = score_service(METHOD, _counts(rows), [UNITS[1], UNITS[3]], rolled_up=False)
    for code, points in (("1.1", 6), ("1.2", 4)):
        row = _points(result, "X1", code)
        assert (row["points"], row["max"], row["status"]) == (points, points, "not_applicable")
        assert _points(result, "D1", code)["points"] == 0
    assert _points(result, "D1", "6.3")["points"] == 2  # departments certify no copies
    # Everything else at a 0 % rate: only the complement indicator 5.3 scores (100 % → 6).
    assert _unit(result, "X1")["total"] == 6 + 4 + 6
    assert _unit(result, "D1")["total"] == 2 + 6


def test_excluded_from_max_rescales_the_index() -> None:
    data = copy.deepcopy(BASE)
    data["not_applicable"] = "excluded_from_max"
    method = build_service_method(data)
    result = score_service(method, _counts(_full("X1")), [UNITS[3]], rolled_up=False)
    row = _unit(result, "X1")
    assert (
        row["max"] == 90 and row["total"] == 90 - 6 and row["index"] == pytest.approx(100 * 84 / 90)
    )
    assert _points(result, "X1", "1.1")["points"] is None


def test_roll_up_sums_counts_before_scoring() -> None:
    rows = [("D1", "2.1", 9, 10), ("D2", "2.1", 1, 10), ("X1", "2.1", 0, 0)]
    result = score_service(METHOD, _counts(rows), UNITS)
    parent = _points(result, "P", "2.1")
    assert (parent["numerator"], parent["denominator"], parent["points"]) == (10, 20, 10.0)


def test_an_indicator_not_given_leaves_the_total_empty_and_the_unit_unranked() -> None:
    rows = [r for r in _full("D1") if r[1] != "6.5"] + _full("D2")
    result = score_service(METHOD, _counts(rows), UNITS[1:3], rolled_up=False)
    assert _points(result, "D1", "6.5")["status"] == "not_measured"
    groups = result.groups.filter(pl.col("unit") == "D1")
    assert groups.filter(pl.col("group") == "6")["points"].to_list() == [None]
    assert groups.filter(pl.col("group") == "2")["points"].to_list() == [20]
    assert _unit(result, "D1")["total"] is None and _unit(result, "D1")["rank"] is None
    assert _unit(result, "D2")["rank"] == 1 and _unit(result, "D2")["band"] == "xuat_sac"


@pytest.mark.parametrize(("ties", "ranks"), [("shared", [1, 1, 3, 4]), ("dense", [1, 1, 2, 3])])
def test_ranks_within_a_level_share_ties(ties: str, ranks: list[int]) -> None:
    data = copy.deepcopy(BASE)
    data["ranking"]["ties"] = ties
    method = build_service_method(data)
    units = [ServiceUnit(f"D{n}", f"Sở {n}", "department") for n in range(4)]
    units.append(ServiceUnit("X", "Xã", "commune"))
    rows = _full("D0", 9, 10) + _full("D1", 9, 10) + _full("D2", 1, 2) + _full("D3", 0, 10)
    rows += _full("X", 0, 10)
    result = score_service(method, _counts(rows), units, rolled_up=False)
    got = [_unit(result, f"D{n}")["rank"] for n in range(4)]
    assert got == ranks
    assert _unit(result, "X")["rank"] == 1  # communes apart


def test_unknown_units_and_indicators_are_refused() -> None:
    rows = [("Z9", "2.1", 1, 1), ("D1", "9.9", 1, 1)]
    with pytest.raises(InputError) as raised:
        score_service(METHOD, _counts(rows), UNITS[1:2])
    assert {p.code for p in raised.value.problems} == {"INP002", "SVC040"}


def test_unit_cycles_and_unknown_parents_are_refused() -> None:
    units = [
        ServiceUnit("A", "A", "department", "B"),
        ServiceUnit("B", "B", "province", "A"),
        ServiceUnit("C", "C", "commune", "Q"),
        ServiceUnit("D", "D", "village"),
    ]
    with pytest.raises(InputError) as raised:
        score_service(METHOD, _counts([("A", "2.1", 1, 1)]), units)
    assert {(p.code, p.where) for p in raised.value.problems} == {
        ("SVC045", "unit A"),
        ("SVC045", "unit B"),
        ("SVC044", "unit C"),
        ("SVC046", "unit D"),
    }


# --- rounding and invariants ---------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 10**6),
    st.integers(1, 10**6),
    st.sampled_from([6, 20, 2]),
    st.sampled_from(["half_up", "half_even"]),
)
def test_rounding_is_decimal_rounding_of_the_exact_value(n: int, d: int, m: int, mode: str) -> None:
    n = min(n, d)
    exact = Fraction(m * n, d)
    value = pl.DataFrame({"x": [m * n / d]}).select(round_half(pl.col("x"), 2, mode))["x"][0]
    rounding = ROUND_HALF_UP if mode == "half_up" else ROUND_HALF_EVEN
    expected = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.01"), rounding=rounding
    )
    assert Decimal(repr(value)) == expected


def test_rounding_takes_float_noise_off() -> None:
    values = pl.DataFrame({"x": [2.675, 0.125, 1.005, 17.35, 4.0600000000000005]})
    assert values.select(round_half(pl.col("x"), 2, "half_up"))["x"].to_list() == [
        2.68,
        0.13,
        1.01,
        17.35,
        4.06,
    ]
    assert values.select(round_half(pl.col("x"), 2, "half_even"))["x"].to_list() == [
        2.68,
        0.12,
        1.0,
        17.35,
        4.06,
    ]


_COUNT = st.tuples(st.integers(0, 50), st.integers(0, 50)).map(lambda nd: (min(nd), max(nd)))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["D1", "D2", "X1"]), st.sampled_from(CODES), _COUNT),
        min_size=1,
        max_size=40,
        unique_by=lambda r: (r[0], r[1]),
    ),
    st.randoms(use_true_random=False),
)
def test_scores_stay_within_points_and_ignore_row_order(rows: list[Any], rnd: Any) -> None:
    flat = [(u, c, float(n), float(d)) for u, c, (n, d) in rows]
    result = score_service(METHOD, _counts(flat), UNITS)
    points = result.indicators.drop_nulls("points")
    assert (points["points"] >= 0).all() and (points["points"] <= points["max"]).all()
    totals = result.units.drop_nulls("total")
    assert (totals["total"] <= totals["max"] + 1e-9).all()
    shuffled = flat[:]
    rnd.shuffle(shuffled)
    again = score_service(METHOD, _counts(shuffled), list(reversed(UNITS)))
    assert again.indicators.equals(result.indicators) and again.units.equals(result.units)
    assert again.inputs_hash == result.inputs_hash
