"""Sample draws: Slovin by hand, caps, disjoint reserves, reproducibility, weights, fieldwork."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from chiso.engine.sampling import (
    Sample,
    SampleDesign,
    design_weights,
    draw_sample,
    fieldwork_summary,
    frame_hash,
    inclusion_probabilities,
    slovin,
)

SLOVIN = SampleDesign.by_slovin(["unit"], margin=0.05, reserve_share=0.2)


def make_frame(sizes: dict[str, int], *, channels: tuple[str, ...] = ("online",)) -> pl.DataFrame:
    """`sizes[unit]` people per unit, ids "<unit>-<i>", channels cycling."""
    rows = [
        (f"{unit}-{i:05d}", unit, channels[i % len(channels)], "sms" if i % 3 else "email")
        for unit, size in sizes.items()
        for i in range(size)
    ]
    return pl.DataFrame(rows, schema=["person", "unit", "channel", "contact"], orient="row")


def stratum(sample: Sample, unit: str) -> pl.DataFrame:
    return sample.sample.filter(pl.col("unit") == unit)


# Slovin ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "expected"),
    [
        (0, 0),
        (1, 1),  # 1 / 1.0025 = 0.9975 → 1
        (100, 80),  # 100 / 1.25 = 80 exactly: not pushed to 81 by float error
        (400, 200),  # 400 / 2 = 200 exactly
        (1000, 286),  # 1000 / 3.5 = 285.71 → 286
        (100_000, 399),  # 100000 / 251 = 398.41 → 399
        (10**9, 400),  # → 1 / e² = 400 from below, rounded up
    ],
)
def test_slovin_hand_checked(population: int, expected: int) -> None:
    assert slovin(population, 0.05) == expected


def test_slovin_other_margin() -> None:
    assert slovin(1000, 0.1) == 91  # 1000 / 11 = 90.9 → 91


@pytest.mark.parametrize(
    ("population", "margin", "message"),
    [(-1, 0.05, "population"), (10, 0.0, "margin"), (10, 1.0, "margin"), (10, -0.1, "margin")],
)
def test_slovin_rejects(population: int, margin: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        slovin(population, margin)


# Design ---------------------------------------------------------------------------------------


def test_design_validation() -> None:
    with pytest.raises(ValueError, match="margin"):
        SampleDesign(("unit",), "slovin", 0.2)
    with pytest.raises(ValueError, match="per_stratum"):
        SampleDesign(("unit",), "fixed", 0.2)
    with pytest.raises(ValueError, match="per_stratum"):
        SampleDesign.by_fixed(["unit"], per_stratum=0, reserve_share=0.2)
    with pytest.raises(ValueError, match="reserve_share"):
        SampleDesign.by_slovin(["unit"], margin=0.05, reserve_share=-0.1)
    with pytest.raises(ValueError, match="'person'"):
        SampleDesign.by_slovin(["person"], margin=0.05, reserve_share=0.2)
    with pytest.raises(ValueError, match="repeat"):
        SampleDesign.by_slovin(["unit", "unit"], margin=0.05, reserve_share=0.2)
    with pytest.raises(ValueError, match="non-empty"):
        SampleDesign.by_slovin([], margin=0.05, reserve_share=0.2)
    with pytest.raises(ValueError, match="size_rule"):
        SampleDesign(("unit",), "quota", 0.2)  # type: ignore[arg-type]


# Draw -----------------------------------------------------------------------------------------


def test_slovin_sizes_capped_and_reserves() -> None:
    frame = make_frame({"a": 1000, "b": 100, "c": 3})
    sample = draw_sample(frame, SLOVIN, seed=7)
    expected = pl.DataFrame(
        {
            "unit": ["a", "b", "c"],
            "population": [1000, 100, 3],
            "target": [286, 80, 3],
            "drawn": [286, 80, 3],
            # ceil(0.2 × 286) = 58; 0.2 × 80 = 16 exactly; c has nobody left
            "reserve": [58, 16, 0],
        }
    )
    assert_frame_equal(sample.strata, expected)
    counts = sample.sample.group_by("unit", "role").len().sort("unit", "role")
    assert counts["len"].to_list() == [286, 58, 80, 16, 3]


def test_fixed_allocation_capped_at_stratum_size() -> None:
    design = SampleDesign.by_fixed(["unit"], per_stratum=90, reserve_share=0.5)
    sample = draw_sample(make_frame({"a": 500, "b": 120, "c": 40}), design, seed=1)
    assert sample.strata["target"].to_list() == [90, 90, 90]
    assert sample.strata["drawn"].to_list() == [90, 90, 40]
    assert sample.strata["reserve"].to_list() == [45, 30, 0]  # b: only 30 left after 90


def test_no_person_twice_reserve_disjoint_orders_consecutive() -> None:
    sample = draw_sample(make_frame({"a": 700, "b": 50}), SLOVIN, seed=3)
    people = sample.sample["person"]
    assert people.n_unique() == len(people)
    for unit in ("a", "b"):
        rows = stratum(sample, unit)
        main = set(rows.filter(pl.col("role") == "main")["person"])
        reserve = set(rows.filter(pl.col("role") == "reserve")["person"])
        assert not main & reserve
        assert all(person.startswith(f"{unit}-") for person in main | reserve)
        for role in ("main", "reserve"):
            order = rows.filter(pl.col("role") == role)["order"].to_list()
            assert order == list(range(1, len(order) + 1))


def test_sample_keeps_contact_and_strata_columns() -> None:
    design = SampleDesign.by_fixed(["unit", "channel"], per_stratum=2, reserve_share=0.0)
    frame = make_frame({"a": 10}, channels=("online", "counter"))
    sample = draw_sample(frame, design, seed=0)
    assert sample.sample.columns == ["person", "unit", "channel", "contact", "role", "order"]
    assert sample.strata.select("unit", "channel").rows() == [("a", "counter"), ("a", "online")]
    joined = sample.sample.join(frame, on="person", suffix="_frame")
    assert (joined["channel"] == joined["channel_frame"]).all()
    assert (joined["contact"] == joined["contact_frame"]).all()


def test_reproducible_in_any_row_order() -> None:
    frame = make_frame({"a": 300, "b": 80})
    first = draw_sample(frame, SLOVIN, seed=42)
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=5).with_columns(
        pl.lit("extra").alias("note")  # extra columns are ignored
    )
    again = draw_sample(shuffled, SLOVIN, seed=42)
    assert_frame_equal(first.sample, again.sample)
    assert_frame_equal(first.strata, again.strata)
    assert first.frame_hash == again.frame_hash
    assert (first.seed, first.design) == (42, SLOVIN)


def test_different_seed_different_sample() -> None:
    frame = make_frame({"a": 300})
    one = draw_sample(frame, SLOVIN, seed=1).sample
    two = draw_sample(frame, SLOVIN, seed=2).sample
    assert one["person"].to_list() != two["person"].to_list()


def test_frame_hash_changes_with_content() -> None:
    frame = make_frame({"a": 10})
    changed = frame.with_columns(
        pl.when(pl.col("person") == "a-00001")
        .then(pl.lit("zalo"))
        .otherwise("contact")
        .alias("contact")
    )
    assert frame_hash(frame, SLOVIN) != frame_hash(changed, SLOVIN)
    assert len(frame_hash(frame, SLOVIN)) == 64


def test_adding_a_stratum_leaves_the_others_unchanged() -> None:
    before = draw_sample(make_frame({"b": 200, "d": 60}), SLOVIN, seed=11)
    after = draw_sample(make_frame({"a": 90, "b": 200, "c": 5, "d": 60}), SLOVIN, seed=11)
    for unit in ("b", "d"):
        assert_frame_equal(stratum(before, unit), stratum(after, unit))


def test_reserve_share_does_not_change_the_main_sample() -> None:
    frame = make_frame({"a": 400})
    none = SampleDesign.by_slovin(["unit"], margin=0.05, reserve_share=0.0)
    lots = SampleDesign.by_slovin(["unit"], margin=0.05, reserve_share=0.5)
    main_none = draw_sample(frame, none, seed=9).sample.filter(pl.col("role") == "main")
    main_lots = draw_sample(frame, lots, seed=9).sample.filter(pl.col("role") == "main")
    assert_frame_equal(main_none, main_lots)


def test_integer_person_ids() -> None:
    frame = pl.DataFrame({"person": range(50), "unit": ["u"] * 50, "contact": ["sms"] * 50})
    design = SampleDesign.by_fixed(["unit"], per_stratum=10, reserve_share=0.2)
    sample = draw_sample(frame, design, seed=0)
    assert sample.sample["person"].dtype == pl.Int64
    assert sample.sample.height == 12


def test_empty_frame() -> None:
    frame = make_frame({}).cast({"person": pl.String, "unit": pl.String})
    sample = draw_sample(frame, SLOVIN, seed=0)
    assert sample.sample.height == 0
    assert sample.strata.height == 0


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pl.DataFrame({"person": ["x"], "contact": ["sms"]}), r"lacks column\(s\) \['unit'\]"),
        (
            pl.DataFrame({"person": ["x", None], "unit": ["a", "a"], "contact": ["sms", "sms"]}),
            "column 'person' has 1 empty",
        ),
        (
            pl.DataFrame({"person": ["x", "y"], "unit": ["a", None], "contact": ["sms", "sms"]}),
            "column 'unit' has 1 empty",
        ),
        (
            pl.DataFrame({"person": ["x", "x"], "unit": ["a", "b"], "contact": ["sms", "sms"]}),
            r"'person' repeats id\(s\) \['x'\]",
        ),
    ],
)
def test_bad_frames(frame: pl.DataFrame, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        draw_sample(frame, SLOVIN, seed=0)


def test_bad_seed() -> None:
    with pytest.raises(ValueError, match="seed"):
        draw_sample(make_frame({"a": 3}), SLOVIN, seed=-1)


# Weights --------------------------------------------------------------------------------------


def test_inclusion_probabilities_and_weights_by_hand() -> None:
    design = SampleDesign.by_fixed(["unit"], per_stratum=4, reserve_share=0.25)
    sample = draw_sample(make_frame({"a": 10, "b": 3}), design, seed=0)
    probabilities = inclusion_probabilities(sample)
    assert probabilities["probability"].to_list() == [0.4, 1.0]
    weights = design_weights(sample)
    assert weights.height == 7  # main sample only
    assert weights.filter(pl.col("unit") == "a")["weight"].to_list() == [2.5] * 4
    assert weights.filter(pl.col("unit") == "b")["weight"].to_list() == [1.0] * 3


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=600), min_size=1, max_size=6),
    margin=st.sampled_from([0.03, 0.05, 0.1]),
    share=st.sampled_from([0.0, 0.1, 0.2, 1.0]),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_weights_sum_to_population(
    sizes: list[int], margin: float, share: float, seed: int
) -> None:
    frame = make_frame({f"u{i}": size for i, size in enumerate(sizes)})
    design = SampleDesign.by_slovin(["unit"], margin=margin, reserve_share=share)
    sample = draw_sample(frame, design, seed=seed)
    totals = design_weights(sample).group_by("unit").agg(pl.col("weight").sum()).sort("unit")
    populations = sample.strata.sort("unit")
    assert totals["unit"].to_list() == populations["unit"].to_list()
    for total, population in zip(totals["weight"], populations["population"], strict=True):
        assert total == pytest.approx(population)
    # Sizes: capped Slovin, reserve within what is left, nobody twice.
    for row in sample.strata.iter_rows(named=True):
        assert row["drawn"] == min(slovin(row["population"], margin), row["population"])
        assert row["drawn"] + row["reserve"] <= row["population"]
    assert sample.sample["person"].n_unique() == sample.sample.height


# Fieldwork ------------------------------------------------------------------------------------


def fieldwork_sample() -> Sample:
    design = SampleDesign.by_fixed(["unit"], per_stratum=5, reserve_share=0.4)
    return draw_sample(make_frame({"a": 20, "b": 20, "c": 20}), design, seed=4)


def test_fieldwork_summary_by_hand() -> None:
    sample = fieldwork_sample()
    a = stratum(sample, "a")
    a_main = a.filter(pl.col("role") == "main")["person"].to_list()
    a_reserve = a.filter(pl.col("role") == "reserve")["person"].to_list()
    b_main = stratum(sample, "b").filter(pl.col("role") == "main")["person"].to_list()
    outcomes = pl.DataFrame(
        {
            "person": [*a_main, *a_reserve, *b_main[:2]],
            "outcome": [
                "answered",
                "answered",
                "refused",
                "unreachable",
                "replaced",
                "answered",  # first reserve replaces the replaced person
                "invited",  # second reserve not settled yet
                "refused",
                "refused",
            ],
        }
    )
    summary = fieldwork_summary(sample, outcomes)
    assert summary.columns == [
        "unit",
        "invited",
        "answered",
        "refused",
        "unreachable",
        "replaced",
        "pending",
        "reserve_used",
        "response_rate",
    ]
    assert summary.select(pl.exclude("response_rate")).rows() == [
        ("a", 7, 3, 1, 1, 1, 1, 2),
        ("b", 2, 0, 2, 0, 0, 0, 0),
        ("c", 0, 0, 0, 0, 0, 0, 0),
    ]
    assert summary["response_rate"].to_list() == [pytest.approx(3 / 7), 0.0, None]


@pytest.mark.parametrize(
    ("outcomes", "message"),
    [
        (pl.DataFrame({"person": ["a-00000"]}), "lacks column 'outcome'"),
        (pl.DataFrame({"id": ["a-00000"], "outcome": ["answered"]}), "lacks column 'person'"),
        (
            pl.DataFrame({"person": ["PLACEHOLDER"], "outcome": ["maybe"]}),
            r"'outcome' has unknown value\(s\) \['maybe'\]",
        ),
        (
            pl.DataFrame(
                {"person": ["PLACEHOLDER"], "outcome": [None]},
                schema_overrides={"outcome": pl.String},
            ),
            "column 'outcome' has 1 empty",
        ),
        (
            pl.DataFrame({"person": ["PLACEHOLDER"] * 2, "outcome": ["invited", "answered"]}),
            "'person' repeats",
        ),
        (
            pl.DataFrame({"person": ["nobody"], "outcome": ["answered"]}),
            r"not in the sample: \['nobody'\]",
        ),
        (pl.DataFrame({"person": [1], "outcome": ["answered"]}), "does not match"),
    ],
)
def test_fieldwork_rejects(outcomes: pl.DataFrame, message: str) -> None:
    sample = fieldwork_sample()
    someone = sample.sample["person"][0]
    if "person" in outcomes.columns and outcomes["person"].dtype == pl.String:
        outcomes = outcomes.with_columns(pl.col("person").replace("PLACEHOLDER", someone))
    with pytest.raises(ValueError, match=message):
        fieldwork_summary(sample, outcomes)
