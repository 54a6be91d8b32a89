"""The overdue dossiers behind indicator 2.1: the hand-made fixture's verdicts one by one, and
on the synthetic province the list has exactly as many rows as 2.1 counts late dossiers."""

from __future__ import annotations

import datetime as dt

import polars as pl

from chiso.engine.service import compute_service, overdue_dossiers
from chiso.engine.service_periods import periods_of
from chiso.engine.service_synthetic import SyntheticSpec
from chiso.engine.service_synthetic_feedback import generate
from chiso.io.calendar_files import load_calendar
from chiso.io.dossier_store import connect
from chiso.io.service_method_files import load_service_method
from chiso.io.synthetic_store import write_synthetic

from . import service_fixture as fx
from .test_service import _method


def test_the_fixture_overdue_dossiers_with_the_rule_that_judged_each() -> None:
    frame = overdue_dossiers(fx.connect(), _method(), fx.calendar(), periods_of("2026-Q3"))
    rows = {r["dossier_id"]: r for r in frame.iter_rows(named=True)}
    assert set(rows) == {"d3", "d5", "d7", "d13"}
    assert rows["d3"]["basis"] == "supplements" and rows["d3"]["requests"] == 2
    assert rows["d7"]["basis"] == "appointment" and rows["d7"]["finished"]
    assert rows["d5"]["basis"] == "legal_limit" and not rows["d5"]["finished"]
    # d5 is still open: it is judged at the end of the period
    assert rows["d5"]["end_at"] == dt.datetime(2026, 10, 1)
    assert rows["d13"]["unit_code"] == "D2"


def test_by_month_a_dossier_open_across_months_is_listed_where_it_was_late() -> None:
    frame = overdue_dossiers(fx.connect(), _method(), fx.calendar(), periods_of("2026-Q3", "month"))
    d5 = frame.filter(pl.col("dossier_id") == "d5")["period"].to_list()
    assert d5 == ["2026-09"]  # received 10 Sep: 20.67 days by 1 Oct; not yet late in August


def test_the_list_matches_the_late_count_of_every_unit_and_month(tmp_path: object) -> None:
    from pathlib import Path

    root = Path(str(tmp_path)) / "store"
    calendar = load_calendar(2025, 2026)
    write_synthetic(
        generate(SyntheticSpec(units=12, dossiers=3000, year=2025, seed=5), calendar), root
    )
    con = connect(root)
    method = load_service_method("qd766-2022")
    periods = periods_of("2025", "month")
    result = compute_service(con, method, calendar, periods)
    listed = overdue_dossiers(con, method, calendar, periods)
    late = listed.group_by("period", "unit_code").len().rename({"unit_code": "unit", "len": "late"})
    leaves = result.units.filter(pl.col("level") != "province").select("unit").unique()
    counts = (
        result.indicators.filter(pl.col("indicator") == "2.1")
        .join(leaves, on="unit")
        .with_columns((pl.col("denominator") - pl.col("numerator")).alias("expected"))
        .join(late, on=["period", "unit"], how="left")
        .with_columns(pl.col("late").fill_null(0))
    )
    assert counts.height > 0 and listed.height > 0
    assert (counts["expected"] == counts["late"]).all()
