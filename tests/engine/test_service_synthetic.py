"""The synthetic province: deterministic by seed, valid against the contract, realistic rates."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from chiso.engine.calendar import WorkingCalendar
from chiso.engine.service_synthetic import IMPROVING, SyntheticSpec, make_province, profiles_in
from chiso.engine.service_synthetic_feedback import SyntheticData, generate
from chiso.engine.service_tables import (
    DOSSIER_EVENTS,
    DOSSIERS,
    FEEDBACK,
    PROCEDURES,
    TERMINAL_STATUSES,
    UNIT_PROCEDURES,
    UNITS,
    Table,
)
from chiso.io.calendar_files import load_calendar

CALENDAR = load_calendar(2024, 2026)
SPEC = SyntheticSpec(units=40, dossiers=60_000, year=2025, seed=11)
END = dt.datetime(2026, 1, 1)
TYPES = {
    "VARCHAR": pl.String,
    "BOOLEAN": pl.Boolean,
    "INTEGER": pl.Int32,
    "DOUBLE": pl.Float64,
    "DATE": pl.Date,
    "TIMESTAMP": pl.Datetime("us"),
}


def collect(data: SyntheticData) -> dict[str, pl.DataFrame]:
    blocks = list(data.blocks)
    return {
        "units": data.province.units,
        "procedures": data.province.procedures,
        "unit_procedures": data.province.unit_procedures,
        "dossiers": pl.concat([b.dossiers for b in blocks]),
        "dossier_events": pl.concat([b.events for b in blocks]),
        "feedback": data.feedback,
    }


@pytest.fixture(scope="module")
def tables() -> dict[str, pl.DataFrame]:
    return collect(generate(SPEC, CALENDAR))


# Deterministic ---------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_data(tables: dict[str, pl.DataFrame]) -> None:
    again = collect(generate(SPEC, CALENDAR))
    for name, frame in tables.items():
        assert_frame_equal(frame, again[name])


def test_another_seed_gives_other_data() -> None:
    one = collect(generate(SyntheticSpec(units=5, dossiers=2_000, seed=1), CALENDAR))
    two = collect(generate(SyntheticSpec(units=5, dossiers=2_000, seed=2), CALENDAR))
    assert not one["dossiers"].equals(two["dossiers"])
    assert not one["procedures"].equals(two["procedures"])


def test_sizes() -> None:
    province = make_province(SyntheticSpec(units=50, dossiers=0))
    assert province.units.height == 51  # and the province itself
    assert (province.units["level"] == "department").sum() == 10
    assert (province.units["level"] == "commune").sum() == 40
    assert SyntheticSpec(units=500).departments == 15  # every department name, then communes
    with pytest.raises(ValueError):
        SyntheticSpec(units=1)


def test_the_calendar_must_cover_the_next_quarter() -> None:
    short = load_calendar(2026)
    with pytest.raises(ValueError, match="first quarter of 2027"):
        list(generate(SyntheticSpec(units=3, dossiers=10, year=2026), short).blocks)
    longer = short.extended_to(dt.date(2027, 12, 31))
    assert len(list(generate(SyntheticSpec(units=3, dossiers=10, year=2026), longer).blocks)) == 1


# Several years ----------------------------------------------------------------------------------

TWO_YEARS = SyntheticSpec(units=12, dossiers=4_000, year=2025, seed=9, first_year=2024)


@pytest.fixture(scope="module")
def two_years() -> dict[str, pl.DataFrame]:
    return collect(generate(TWO_YEARS, CALENDAR))


def test_earlier_years_leave_the_last_years_records_as_they_were(
    two_years: dict[str, pl.DataFrame],
) -> None:
    alone = collect(generate(dataclasses.replace(TWO_YEARS, first_year=None), CALENDAR))
    received = two_years["dossiers"]["received_at"].dt.year()
    assert received.value_counts().sort("received_at").rows() == [(2024, 4_000), (2025, 4_000)]
    last = two_years["dossiers"].filter(received == 2025)
    assert_frame_equal(last, alone["dossiers"])
    assert_frame_equal(two_years["units"], alone["units"])
    sent = two_years["feedback"]["sent_at"].dt.year()
    assert_frame_equal(two_years["feedback"].filter(sent == 2025), alone["feedback"])
    assert sent.value_counts().sort("sent_at").rows() == [(2024, 16), (2025, 16)]


def test_several_years_are_one_store_snapshot(two_years: dict[str, pl.DataFrame]) -> None:
    for table in (DOSSIERS, DOSSIER_EVENTS, FEEDBACK):
        assert two_years[table.name].select(table.key).is_duplicated().sum() == 0, table.name
    d = two_years["dossiers"]
    assert d["finished_at"].drop_nulls().max() < END  # a snapshot at the end of the last year
    earlier = d.filter(pl.col("received_at").dt.year() == 2024)
    # 2024's dossiers ran on into 2025 rather than stopping at its end
    assert earlier["finished_at"].drop_nulls().max() > dt.datetime(2025, 1, 1)
    assert earlier["finished_at"].null_count() < d["finished_at"].null_count()
    effective = two_years["procedures"]["legal_basis_effective_date"].dt.year()
    assert {2024, 2025} <= set(effective) and effective.max() == 2025


def test_an_earlier_year_is_the_units_profiles_moved_back() -> None:
    province = make_province(TWO_YEARS)
    last, before = province.profiles, profiles_in(province, 2024)
    assert profiles_in(province, 2025) is last
    kept = (before["online"] / last["online"]).to_numpy()
    assert ((kept >= 0.88 - 1e-9) & (kept <= 1.04 + 1e-9)).all()  # 1 − g, g in [−4 %, 12 %]
    for column in IMPROVING:  # each unit moves all its rates by its one progress (at most 1)
        expected = np.minimum(last[column].to_numpy() * kept, 1.0)
        np.testing.assert_allclose(before[column].to_numpy(), expected)
    assert (before["late"] > last["late"]).sum() > before.height // 2  # most units improved
    assert before["late"].max() <= 0.5
    three_years = make_province(dataclasses.replace(TWO_YEARS, first_year=2023))
    assert_frame_equal(three_years.profiles, last)
    two_back = profiles_in(three_years, 2023)
    np.testing.assert_allclose((two_back["online"] / last["online"]).to_numpy(), kept**2)


def test_the_years_must_be_in_order_and_in_the_calendar() -> None:
    with pytest.raises(ValueError, match="first year 2026"):
        SyntheticSpec(year=2025, first_year=2026)
    with pytest.raises(ValueError, match="must cover 2024–2025"):
        list(generate(TWO_YEARS, load_calendar(2025, 2026)).blocks)
    meta = generate(TWO_YEARS, CALENDAR).meta
    assert (meta["first_year"], meta["year"], meta["period"]) == (
        2024,
        2025,
        ["2024-01-01", "2026-01-01"],
    )


# Contract-valid --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "table", [UNITS, PROCEDURES, UNIT_PROCEDURES, DOSSIERS, DOSSIER_EVENTS, FEEDBACK]
)
def test_every_table_follows_the_contract(tables: dict[str, pl.DataFrame], table: Table) -> None:
    frame = tables[table.name]
    assert frame.columns == list(table.names)
    for column in table.columns:
        series = frame[column.name]
        assert series.dtype == TYPES[column.type], column.name
        if column.required and column.name != "parent_code":
            assert series.null_count() == 0, column.name
        if column.values:
            assert set(series.drop_nulls().unique()) <= set(column.values), column.name
    assert frame.select(table.key).is_duplicated().sum() == 0


def test_references_hold(tables: dict[str, pl.DataFrame]) -> None:
    units = set(tables["units"]["unit_code"])
    procedures = set(tables["procedures"]["procedure_code"])
    dossiers = tables["dossiers"]
    assert set(dossiers["unit_code"]) <= units and set(dossiers["procedure_code"]) <= procedures
    pairs = tables["unit_procedures"]
    assert dossiers.join(pairs, on=["unit_code", "procedure_code"], how="anti").height == 0
    assert set(tables["dossier_events"]["dossier_id"]) == set(dossiers["dossier_id"])
    assert set(tables["feedback"]["unit_code"]) <= units


def test_dates_are_possible(tables: dict[str, pl.DataFrame]) -> None:
    d = tables["dossiers"]
    assert (d["submitted_at"] <= d["received_at"]).all()
    assert (d["received_at"] < d["due_at"]).drop_nulls().all()
    assert (d["received_at"] <= d["finished_at"]).drop_nulls().all()
    assert (d["finished_at"] <= d["returned_at"]).drop_nulls().all()
    assert d["finished_at"].drop_nulls().max() < END  # a snapshot at the end of the year
    assert d["received_at"].dt.year().unique().to_list() == [2025]


def test_events_tell_the_dossier(tables: dict[str, pl.DataFrame]) -> None:
    events = tables["dossier_events"].sort("dossier_id", "seq")
    per = events.group_by("dossier_id", maintain_order=True).agg(
        pl.col("seq"), pl.col("at"), pl.col("status").first().alias("first")
    )
    assert all(seq == list(range(1, len(seq) + 1)) for seq in per["seq"].to_list())
    assert all(ats == sorted(ats) for ats in per["at"].to_list())
    assert set(per["first"]) == {"received"}
    first_terminal = (
        events.filter(pl.col("status").is_in(TERMINAL_STATUSES) & (pl.col("status") != "returned"))
        .group_by("dossier_id")
        .agg(pl.col("at").min().alias("terminal"))
    )
    joined = tables["dossiers"].join(first_terminal, on="dossier_id", how="left")
    assert joined.filter(pl.col("finished_at") != pl.col("terminal")).height == 0
    assert (joined["finished_at"].is_null() == joined["terminal"].is_null()).all()


def test_holidays_and_office_hours_are_respected(tables: dict[str, pl.DataFrame]) -> None:
    received = tables["dossiers"]["received_at"]
    days = received.dt.date().unique()
    assert all(CALENDAR.is_working_day(day) for day in days)
    assert not (days == dt.date(2025, 1, 29)).any()  # Tết
    assert (days == dt.date(2025, 4, 26)).any()  # the make-up Saturday is a working day
    hours = received.dt.hour() + received.dt.minute() / 60
    assert hours.min() >= 7.5 and hours.max() <= 17.0


# Realistic rates --------------------------------------------------------------------------------


def on_time(tables: dict[str, pl.DataFrame], calendar: WorkingCalendar) -> pl.DataFrame:
    """Per unit, the share of dossiers on time under the Decision 766 rules (supplement time
    not counted, a second request overdue, open dossiers judged at the end of the period)."""
    events = tables["dossier_events"].sort("dossier_id", "seq")
    events = events.with_columns(pl.col("at").shift(-1).over("dossier_id").alias("next"))
    asked = events.filter(pl.col("status") == "supplement_requested").with_columns(
        pl.col("next").fill_null(END)
    )
    pause = (
        asked.with_columns(
            pl.Series("pause", _pos(calendar, asked["next"]) - _pos(calendar, asked["at"]))
        )
        .group_by("dossier_id")
        .agg(pl.col("pause").sum(), pl.len().alias("requests"))
    )
    d = (
        tables["dossiers"]
        .join(pause, on="dossier_id", how="left")
        .with_columns(pl.col("pause").fill_null(0.0), pl.col("requests").fill_null(0))
    )
    end = _pos(calendar, d["finished_at"].fill_null(END))
    due = _pos(calendar, d["due_at"].fill_null(END))
    ok = (d["requests"] < 2) & (d["due_at"].is_null() | pl.Series(end - d["pause"] <= due + 1e-9))
    return (
        d.with_columns(ok.alias("on_time"))
        .group_by("unit_code")
        .agg(pl.col("on_time").mean(), pl.len())
    )


def _pos(calendar: WorkingCalendar, stamps: pl.Series) -> np.ndarray:
    return calendar.positions(stamps.to_numpy().astype("datetime64[s]"))


def test_on_time_rates_are_realistic_and_differ(tables: dict[str, pl.DataFrame]) -> None:
    units = on_time(tables, CALENDAR)
    overall = (units["on_time"] * units["len"]).sum() / units["len"].sum()
    assert 0.85 <= overall <= 0.97
    assert units["on_time"].max() - units["on_time"].min() > 0.05  # something to rank


def test_online_and_other_rates(tables: dict[str, pl.DataFrame]) -> None:
    d = tables["dossiers"]
    per = d.group_by("unit_code").agg((pl.col("channel") == "truc_tuyen").mean().alias("online"))
    assert 0.3 <= (d["channel"] == "truc_tuyen").mean() <= 0.7
    assert per["online"].max() - per["online"].min() > 0.2
    assert 0.85 <= d["synced"].mean() <= 1.0
    assert 0.0 < d["paid_online"].sum() <= d["fee_due"].sum()
    assert not (d["paid_online"] & ~d["fee_due"]).any()
    assert d["rating"].null_count() < d.height and (d["rating"] == "dissatisfied").sum() > 0
    assert 0 < d["complaint"].sum() < 0.02 * d.height
    open_at_end = d["finished_at"].null_count()
    assert 0 < open_at_end < 0.1 * d.height


def test_supplement_requests_some_twice(tables: dict[str, pl.DataFrame]) -> None:
    asked = tables["dossier_events"].filter(pl.col("status") == "supplement_requested")
    counts = asked.group_by("dossier_id").len()["len"]
    assert 0.03 < counts.len() / tables["dossiers"].height < 0.2
    assert (counts == 2).sum() > 0 and counts.max() == 2


def test_feedback_deadlines_mostly_met(tables: dict[str, pl.DataFrame]) -> None:
    f = tables["feedback"]
    assert f.height == round(SPEC.dossiers * 0.004)
    handled = f.filter(pl.col("handled_at").is_not_null())
    start = handled["transferred_at"].fill_null(handled["sent_at"])
    days = _pos(CALENDAR, handled["handled_at"]) - _pos(CALENDAR, start)
    assert 0.7 < (days <= 15).mean() < 1.0
    assert set(f["status"]) >= {"published", "handled", "rejected"}
    assert (f.filter(pl.col("status") == "published")["published_at"].is_not_null()).all()
