"""The indicator SQL on the hand-made fixture (see `service_fixture` for every case worked out):
the on-time rules one dossier at a time, every indicator's counts, roll-up, periods, drill-down,
and that nothing depends on row order."""

from __future__ import annotations

import copy
import datetime as dt
import random
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso.engine.problems import InputError
from chiso.engine.service import compute_service, overdue_dossiers, required_days
from chiso.engine.service_method import build_service_method
from chiso.engine.service_periods import periods_of

from . import service_fixture as fx
from .test_service_method import BASE


def _method(**on_time: Any) -> Any:
    data = copy.deepcopy(BASE)
    data["on_time"].update(on_time)
    return build_service_method(data)


def _run(
    frames: dict[str, pl.DataFrame] | None = None,
    *,
    method: Any = None,
    spec: str = "2026-Q3",
    by: str | None = None,
    as_of: dt.date | None = None,
    days_off: bool = True,
    by_procedure: bool = False,
) -> Any:
    con = fx.connect(frames)
    periods = periods_of(spec, by, as_of)
    return compute_service(
        con, method or _method(), fx.calendar(days_off), periods, by_procedure=by_procedure
    )


def _counts(result: Any, unit: str, indicator: str, period: str = "2026-Q3") -> tuple[float, float]:
    row = result.indicators.filter(
        (pl.col("unit") == unit) & (pl.col("indicator") == indicator) & (pl.col("period") == period)
    ).row(0, named=True)
    return row["numerator"], row["denominator"]


def _only(*ids: str) -> dict[str, pl.DataFrame]:
    return fx.tables(dossiers=[d for d in fx.DOSSIER_ROWS if d["dossier_id"] in ids])


# --- the on-time rules, one dossier at a time ----------------------------------------------------


@pytest.mark.parametrize(
    ("dossier", "rules", "expected"),
    [
        ("d1", {}, (1, 1)),  # 3.0 working days against a limit of 3
        ("d2", {}, (1, 1)),  # 4.0 less one working day waiting for the citizen's papers
        ("d2", {"supplement_time": "counted"}, (0, 1)),
        ("d3", {}, (0, 1)),  # quick, but a second supplement request
        ("d3", {"overdue_at_supplement_request": None}, (1, 1)),
        ("d3", {"overdue_at_supplement_request": 3}, (1, 1)),
        ("d4", {}, (1, 1)),  # still open at the end, within its 10 days
        ("d5", {}, (0, 1)),  # still open at the end, past its 10 days
        ("d4", {"open_dossiers": "excluded"}, (0, 0)),
        ("d7", {}, (0, 1)),  # finished after its appointment
        ("d7", {"deadline": "legal_limit"}, (1, 1)),  # … but within the legal limit
        ("d6", {}, (1, 1)),  # before its appointment
        ("d9", {}, (1, 1)),  # received in June, finished in July: handled in Q3
        ("d10", {}, (0, 0)),  # finished in June: not in Q3
    ],
)
def test_on_time_verdicts(dossier: str, rules: dict[str, Any], expected: tuple[int, int]) -> None:
    result = _run(_only(dossier), method=_method(**rules))
    assert _counts(result, "D1", "2.1") == expected


def test_legal_limit_in_working_days_skips_the_holiday() -> None:
    # d6: Fri 28 Aug 14:00 → Thu 3 Sep 16:00; 1–2 Sep are days off: 2.08 working days ≤ 3.
    method = _method(deadline="legal_limit")
    assert _counts(_run(_only("d6"), method=method), "D1", "2.1") == (1, 1)
    assert _counts(_run(_only("d6"), method=method, days_off=False), "D1", "2.1") == (0, 1)


def test_as_of_judges_open_dossiers_at_the_cut_off() -> None:
    # On 7 July d1 (due Thu 9 Jul) is open and not yet overdue; d2 and d3 are open, d3 with
    # one request so far; d9 finished on 2 July. Nothing received later is seen.
    result = _run(_only("d1", "d2", "d3", "d5", "d9"), as_of=dt.date(2026, 7, 7))
    assert _counts(result, "D1", "2.1") == (4, 4)
    assert _counts(result, "D1", "1.4") == (3, 3)
    assert result.as_of == dt.date(2026, 7, 7)


# --- every indicator's counts --------------------------------------------------------------------

EXPECTED_D1 = {
    "1.1": (1, 2),
    "1.2": (1, 2),
    "1.3": (2, 3),
    "1.4": (4, 7),
    "2.1": (5, 8),
    "3.1": (2, 3),
    "3.2": (1, 2),
    "3.3": (3, 7),
    "4.1": (1, 2),
    "4.2": (1, 1),
    "4.3": (2, 5),
    "5.1": (3, 5),
    "5.2": (1, 5),
    "5.3": (3, 8),
    "6.1": (1, 7),
    "6.2": (2, 7),
    "6.4": (1, 7),
    "6.5": (0, 7),
    "6.6": (2, 2),
    "6.7": (2, 7),
}


def test_every_indicator_of_a_department() -> None:
    result = _run()
    for indicator, expected in EXPECTED_D1.items():
        assert _counts(result, "D1", indicator) == expected, indicator
    # 2.2: days from receipt to the end less supplement time, over the 6 dossiers finished:
    # d1 3, d2 4 − 1, d3 2 1/12 − 7/24, d6 6 1/12, d7 2 1/24, d9 3.
    days, finished = _counts(result, "D1", "2.2")
    assert finished == 6 and days == pytest.approx(
        3 + 3 + (2 + 1 / 12 - 7 / 24) + 6 + 1 / 12 + 2 + 1 / 24 + 3
    )


def test_communes_online_dossiers_and_certified_copies() -> None:
    result = _run()
    # d8 was submitted online, but its written result has no electronic copy: not online.
    assert _counts(result, "X1", "3.3") == (1, 2)
    assert _counts(result, "X1", "6.3") == (1, 1)
    assert _counts(result, "X2", "6.3") == (0, 1)
    assert _counts(result, "P", "6.3") == (1, 2)
    assert _counts(result, "D1", "6.3") == (0, 0)


def test_a_complaint_counts_in_the_satisfaction_indicator() -> None:
    result = _run()
    assert _counts(result, "D2", "2.1") == (0, 1)
    assert _counts(result, "D2", "5.3") == (2, 1)  # overdue and complained: counted twice


def test_roll_up_is_the_sum_of_the_children() -> None:
    frame = _run().indicators
    children = (
        frame.filter(pl.col("unit") != "P")
        .group_by("indicator")
        .agg(pl.col("numerator").sum(), pl.col("denominator").sum())
    )
    parent = frame.filter(pl.col("unit") == "P").select("indicator", "numerator", "denominator")
    assert parent.sort("indicator").equals(children.sort("indicator"))


def test_months_split_what_was_received() -> None:
    result = _run(by="month")
    assert result.periods == ("2026-07", "2026-08", "2026-09")
    received = [_counts(result, "D1", "1.4", p)[1] for p in result.periods]
    assert received == [4, 1, 2] and sum(received) == _counts(_run(), "D1", "1.4")[1]
    # d6 (28 Aug → 3 Sep) is handled in August and in September.
    assert _counts(result, "D1", "2.1", "2026-08")[1] == 1
    assert _counts(result, "D1", "2.1", "2026-09")[1] == 3


def test_drill_down_by_procedure() -> None:
    detail = _run(by_procedure=True).procedures
    assert detail is not None
    row = {
        (r["unit"], r["procedure"], r["indicator"]): (r["numerator"], r["denominator"])
        for r in detail.iter_rows(named=True)
    }
    assert row[("D1", "A", "2.1")] == (4, 6)
    assert row[("D1", "B", "2.1")] == (1, 2)
    assert row[("P", "A", "2.1")] == (4, 7)
    assert ("D1", "A", "5.1") not in row  # feedback has no procedure


# --- results, inputs, order ---------------------------------------------------------------------


def test_result_records_its_method_and_inputs() -> None:
    result = _run()
    assert result.method_hash == _method().hash
    assert result.inputs_hash.startswith("sha256:")
    assert _run(_only("d1")).inputs_hash != result.inputs_hash


@settings(max_examples=10, deadline=None)
@given(st.randoms(use_true_random=False))
def test_row_order_changes_nothing(rnd: random.Random) -> None:
    frames = fx.tables()
    shuffled = {
        name: frame.sample(fraction=1.0, shuffle=True, seed=rnd.randrange(2**32))
        for name, frame in frames.items()
    }
    a, b = _run(frames), _run(shuffled)
    assert a.inputs_hash == b.inputs_hash
    for name in ("units", "groups", "indicators"):
        assert getattr(a, name).equals(getattr(b, name)), name


def test_missing_tables_and_columns_are_reported() -> None:
    frames = fx.tables()
    frames.pop("feedback")
    frames["dossiers"] = frames["dossiers"].drop("synced")
    with pytest.raises(InputError) as raised:
        _run(frames)
    assert {(p.code, p.where) for p in raised.value.problems} == {
        ("SVC050", "feedback"),
        ("SVC051", "dossiers.synced"),
    }


def test_a_calendar_that_does_not_cover_the_records_is_refused() -> None:
    with pytest.raises(InputError) as raised:
        _run(spec="2026-12")  # the calendar ends on 31 Dec, the period is judged at 1 Jan
    assert [p.code for p in raised.value.problems] == ["SVC052"]
    assert "2027-01-01" in raised.value.problems[0].message("en")


def test_the_days_a_caller_already_has_are_the_ones_checked() -> None:
    """`days` (from `required_days`) replace the engine's own look at the dossiers: the
    calendar is checked against them, and the counts are the same."""
    con, periods = fx.connect(), periods_of("2026-Q3")
    days = required_days(con, periods)
    given = compute_service(con, _method(), fx.calendar(), periods, days=days)
    assert given.indicators.equals(_run().indicators)
    wider = (days[0] - dt.timedelta(days=400), days[1])  # before the calendar starts
    with pytest.raises(InputError) as raised:
        compute_service(con, _method(), fx.calendar(), periods, days=wider)
    assert [p.code for p in raised.value.problems] == ["SVC052"]
    with pytest.raises(InputError):
        overdue_dossiers(con, _method(), fx.calendar(), periods, days=wider)


def test_periods_must_follow_each_other() -> None:
    july, _august, september = periods_of("2026-Q3", "month")
    with pytest.raises(ValueError, match="not contiguous"):
        compute_service(fx.connect(), _method(), fx.calendar(), [july, september])
