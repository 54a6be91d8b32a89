"""Raking: a 2×2 example against its closed form, properties on random feasible samples, errors."""

from __future__ import annotations

import itertools
import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso.engine.weighting import rake

TOL = 1e-10


def frame(cells: dict[tuple[str, str], int], weight: float = 1.0) -> pl.DataFrame:
    """`cells[(unit, channel)]` respondents per cell, each with the same starting weight."""
    rows = [
        (f"{unit}{channel}{i}", unit, channel, weight)
        for (unit, channel), n in cells.items()
        for i in range(n)
    ]
    return pl.DataFrame(rows, schema=["id", "unit", "channel", "weight"], orient="row")


# Hand-checked 2×2 ------------------------------------------------------------------------------


def test_two_by_two_matches_the_closed_form():
    # Sample counts (weight 1): A/X 2, A/Y 1, B/X 1, B/Y 2 — odds ratio 2·2 / (1·1) = 4.
    # Margins: unit A 60, B 40; channel X 50, Y 50. Raking keeps the odds ratio, so the raked cell
    # totals m are the table with these margins and odds ratio 4:
    #   m_AX = x, m_AY = 60 − x, m_BX = 50 − x, m_BY = x − 10,  x(x − 10) = 4(60 − x)(50 − x)
    #   ⇔ 3x² − 430x + 12000 = 0, the root in (10, 50) is x = (430 − √40900) / 6 ≈ 37.96.
    x = (430 - math.sqrt(430**2 - 4 * 3 * 12000)) / 6
    assert 10 < x < 50
    cell_totals = {("A", "X"): x, ("A", "Y"): 60 - x, ("B", "X"): 50 - x, ("B", "Y"): x - 10}
    counts = {("A", "X"): 2, ("A", "Y"): 1, ("B", "X"): 1, ("B", "Y"): 2}

    result = rake(
        frame(counts),
        {"unit": {"A": 60, "B": 40}, "channel": {"X": 50, "Y": 50}},
        max_iterations=200,
        tolerance=TOL,
    )

    assert result.converged
    assert 1 <= result.iterations <= 200
    assert result.max_relative_error <= TOL
    for row in result.frame.iter_rows(named=True):
        cell = (row["unit"], row["channel"])
        assert row["raked_weight"] == pytest.approx(cell_totals[cell] / counts[cell], rel=1e-8)


def test_one_margin_is_post_stratification_in_one_iteration():
    sample = frame({("A", "X"): 2, ("B", "X"): 4}, weight=3.0)
    result = rake(sample, {"unit": {"A": 10, "B": 20}}, max_iterations=5, tolerance=TOL)
    assert result.converged
    assert result.iterations == 1
    weights = dict(zip(result.frame["unit"], result.frame["raked_weight"], strict=True))
    assert weights == {"A": pytest.approx(5.0), "B": pytest.approx(5.0)}


def test_integer_categories_match_string_keys():
    sample = pl.DataFrame({"unit": [1, 1, 2], "weight": [1.0, 1.0, 1.0]})
    result = rake(sample, {"unit": {"1": 4, "2": 6}}, max_iterations=5, tolerance=TOL)
    assert result.frame["raked_weight"].to_list() == pytest.approx([2.0, 2.0, 6.0])


def test_infeasible_margins_return_not_converged():
    # Every A respondent came by X, but X (10) is smaller than A (50): no weights can match both.
    sample = frame({("A", "X"): 2, ("B", "X"): 1, ("B", "Y"): 1})
    result = rake(
        sample,
        {"unit": {"A": 50, "B": 50}, "channel": {"X": 10, "Y": 90}},
        max_iterations=50,
        tolerance=1e-6,
    )
    assert not result.converged
    assert result.iterations == 50
    assert result.max_relative_error > 1e-6
    assert (result.frame["raked_weight"] > 0).all()


# Properties ------------------------------------------------------------------------------------


@st.composite
def feasible(draw: st.DrawFn) -> tuple[pl.DataFrame, dict[str, dict[str, float]]]:
    """1–3 margins, every cell of their cross-classification holding at least one respondent
    (so raking converges), and totals that are the margins of a positive population table (so
    they agree)."""
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    columns = [f"m{k}" for k in range(len(sizes))]
    cells = list(itertools.product(*(range(s) for s in sizes)))
    rows: list[tuple[object, ...]] = []
    margins: dict[str, dict[str, float]] = {c: {} for c in columns}
    for cell in cells:
        population = draw(st.floats(1.0, 1000.0))
        for column, category in zip(columns, cell, strict=True):
            key = f"c{category}"
            margins[column][key] = margins[column].get(key, 0.0) + population
        for _ in range(draw(st.integers(1, 3))):
            weight = draw(st.floats(0.1, 10.0))
            rows.append((len(rows), *(f"c{category}" for category in cell), weight))
    sample = pl.DataFrame(rows, schema=["id", *columns, "weight"], orient="row")
    return sample, margins


@settings(max_examples=150, deadline=None)
@given(feasible())
def test_raked_weights_sum_to_the_population_totals(case):
    sample, margins = case
    result = rake(sample, margins, max_iterations=2000, tolerance=1e-9)
    assert result.converged
    assert result.max_relative_error <= 1e-9
    weights = result.frame["raked_weight"]
    assert (weights > 0).all()
    for column, totals in margins.items():
        sums = result.frame.group_by(column).agg(pl.col("raked_weight").sum())
        for category, total in sums.iter_rows():
            assert total == pytest.approx(totals[category], rel=1e-9)
    assert result.frame.drop("raked_weight").equals(sample)


@settings(max_examples=100, deadline=None)
@given(feasible(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(case, random):
    sample, margins = case
    order = list(range(sample.height))
    random.shuffle(order)
    shuffled = sample[order]
    first = rake(sample, margins, max_iterations=2000, tolerance=1e-9)
    second = rake(shuffled, margins, max_iterations=2000, tolerance=1e-9)
    assert first.iterations == second.iterations
    assert first.converged == second.converged
    a = first.frame.sort("id")["raked_weight"].to_list()
    b = second.frame.sort("id")["raked_weight"].to_list()
    assert b == pytest.approx(a, rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(feasible())
def test_a_sample_already_matching_the_margins_is_unchanged(case):
    sample, margins = case
    raked = rake(sample, margins, max_iterations=2000, tolerance=1e-9).frame
    matching = raked.drop("weight").rename({"raked_weight": "weight"})
    again = rake(matching, margins, max_iterations=2000, tolerance=1e-9)
    assert again.iterations == 0
    assert again.converged
    assert again.frame["raked_weight"].to_list() == matching["weight"].to_list()


# Errors ----------------------------------------------------------------------------------------

SAMPLE = frame({("A", "X"): 1, ("A", "Y"): 1, ("B", "X"): 1, ("B", "Y"): 1})
MARGINS = {"unit": {"A": 50.0, "B": 50.0}, "channel": {"X": 40.0, "Y": 60.0}}


def rake_with(sample: pl.DataFrame = SAMPLE, margins=MARGINS, **kwargs):
    settings_ = {"max_iterations": 100, "tolerance": 1e-9} | kwargs
    return rake(sample, margins, **settings_)


def test_the_error_cases_setup_is_valid():
    assert rake_with().converged


@pytest.mark.parametrize(
    ("margins", "message"),
    [
        ({}, "no margins"),
        ({"unit": MARGINS["unit"], "procedure": {"p": 100.0}}, "'procedure' is not a column"),
        ({"unit": {}}, "has no categories"),
        ({"unit": {"A": 100.0}}, r"categories \['B'\] occur in the sample but have no"),
        (
            {"unit": {"A": 40.0, "B": 40.0, "C": 20.0}},
            r"categories \['C'\] have a population total but no respondents",
        ),
        ({"unit": {"A": 100.0, "B": 0.0}}, r"positive finite numbers, not for \['B'\]"),
        ({"unit": {"A": 100.0, "B": -1.0}}, r"not for \['B'\]"),
        ({"unit": {"A": 100.0, "B": math.nan}}, r"not for \['B'\]"),
        (
            {"unit": {"A": 50.0, "B": 50.0}, "channel": {"X": 40.0, "Y": 70.0}},
            "disagree.*'unit' sums to 100 but 'channel' to 110",
        ),
        ({"weight": {"1.0": 100.0}}, "cannot also be a margin"),
    ],
)
def test_margin_errors(margins, message):
    with pytest.raises(ValueError, match=message):
        rake_with(margins=margins)


def test_totals_disagreeing_within_tolerance_are_accepted():
    margins = {"unit": {"A": 50.0, "B": 50.0}, "channel": {"X": 40.0, "Y": 60.0 + 1e-12}}
    assert rake_with(margins=margins).converged


@pytest.mark.parametrize("bad", [0.0, -1.0, math.inf, math.nan, None])
def test_non_positive_or_missing_weights(bad):
    sample = SAMPLE.with_columns(
        pl.when(pl.col("id") == "AX0").then(pl.lit(bad)).otherwise(pl.col("weight")).alias("weight")
    )
    with pytest.raises(ValueError, match=r"'weight' has 1 that are not \(rows \[0\]\)"):
        rake_with(sample)


def test_sample_errors():
    with pytest.raises(ValueError, match="no weight column 'w'"):
        rake_with(weight="w")
    with pytest.raises(ValueError, match="no respondents"):
        rake_with(SAMPLE.clear())
    with pytest.raises(ValueError, match="already has a 'raked_weight'"):
        rake_with(SAMPLE.with_columns(raked_weight=pl.lit(1.0)))
    with pytest.raises(ValueError, match="'unit': 1 respondents have no category"):
        rake_with(
            SAMPLE.with_columns(
                pl.when(pl.col("id") == "AX0").then(None).otherwise("unit").alias("unit")
            )
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_iterations": 0}, "at least 1"),
        ({"max_iterations": 2.5}, "must be an integer"),
        ({"max_iterations": True}, "must be an integer"),
        ({"tolerance": 0.0}, "positive finite"),
        ({"tolerance": -1e-6}, "positive finite"),
        ({"tolerance": math.nan}, "positive finite"),
    ],
)
def test_setting_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        rake_with(**kwargs)


def test_works_on_design_weights():
    # Design weights (N / n per unit) already match the unit totals; raking to channel as well.
    sample = frame({("A", "X"): 2, ("A", "Y"): 2, ("B", "X"): 1, ("B", "Y"): 3}).with_columns(
        weight=pl.when(pl.col("unit") == "A").then(25.0).otherwise(12.5)
    )
    margins = {"unit": {"A": 100.0, "B": 50.0}, "channel": {"X": 60.0, "Y": 90.0}}
    result = rake_with(sample, margins)
    assert result.converged
    totals = result.frame.group_by("channel").agg(pl.col("raked_weight").sum()).sort("channel")
    assert totals["raked_weight"].to_list() == pytest.approx([60.0, 90.0])
