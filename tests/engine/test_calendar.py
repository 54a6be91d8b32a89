"""Working days: the shipped Vietnamese calendars, day arithmetic, working time and its SQL."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso.engine.calendar import CalendarRangeError, WorkingCalendar, position_sql
from chiso.io.calendar_files import load_calendar

D = dt.date
T = dt.datetime
VN = load_calendar(2024, 2026)


# The shipped calendars -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "label"),
    [
        (D(2024, 2, 8), D(2024, 2, 14), "Tết Giáp Thìn"),
        (D(2025, 1, 27), D(2025, 1, 31), "Tết Ất Tỵ, with 27/1 off for mùng 4 on a Saturday"),
        (D(2026, 2, 16), D(2026, 2, 20), "Tết Bính Ngọ"),
    ],
)
def test_tet_is_off_on_every_weekday(first: dt.date, last: dt.date, label: str) -> None:
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    assert not any(VN.is_working_day(d) for d in days), label
    assert VN.is_working_day(VN.add_working_days(last, 1))
    before = VN.add_working_days(first, -1)
    assert VN.working_days_between(before, last) == 0


def test_tet_2025_as_decided() -> None:
    # off Monday 27/1 – Friday 31/1; back on Monday 3/2; no make-up Saturday on 8/2
    assert VN.is_working_day(D(2025, 1, 24))
    assert VN.add_working_days(D(2025, 1, 24), 1) == D(2025, 2, 3)
    assert not VN.is_working_day(D(2025, 2, 8))


def test_tet_2026_as_decided() -> None:
    assert VN.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert VN.working_days_in(D(2026, 2, 14), D(2026, 2, 22)) == 0


@pytest.mark.parametrize(
    ("day_off", "makeup"),
    [
        (D(2024, 4, 29), D(2024, 5, 4)),  # Monday off, Saturday worked (2450/VPCP-KGVX)
        (D(2025, 5, 2), D(2025, 4, 26)),  # Friday off, the Saturday before worked
        (D(2026, 1, 2), D(2026, 1, 10)),  # New Year 2026 (12729/VPCP-KGVX)
    ],
)
def test_swapped_day_off_and_makeup_saturday(day_off: dt.date, makeup: dt.date) -> None:
    assert day_off.weekday() < 5 and not VN.is_working_day(day_off)
    assert makeup.weekday() == 5 and VN.is_working_day(makeup)
    assert VN.add_working_days(makeup - dt.timedelta(days=1), 1) == makeup  # Friday → Saturday


def test_working_days_across_reunification_day_2025() -> None:
    # Tue 29/4 → next working day Mon 5/5 (30/4, 1/5, swapped 2/5 and the weekend off)
    assert VN.add_working_days(D(2025, 4, 29), 1) == D(2025, 5, 5)
    assert VN.add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 26)  # the make-up Saturday
    assert VN.working_days_between(D(2025, 4, 25), D(2025, 5, 5)) == 4  # 26/4, 28/4, 29/4, 5/5
    assert VN.working_days_between(D(2025, 5, 5), D(2025, 4, 25)) == -4


def test_hung_kings_on_a_sunday_gives_monday_off() -> None:
    assert not VN.is_working_day(D(2026, 4, 27))
    assert VN.is_working_day(D(2026, 4, 28))


def test_working_days_per_year() -> None:
    # 2025: 261 weekdays − 12 weekdays off + 1 make-up Saturday
    assert VN.working_days_in(D(2025, 1, 1), D(2025, 12, 31)) == 250
    assert VN.working_days_in(D(2024, 1, 1), D(2024, 12, 31)) == 262 - 12 + 1


def test_outside_the_calendar_is_an_error_not_a_guess() -> None:
    with pytest.raises(CalendarRangeError, match="2027-01-04"):
        VN.is_working_day(D(2027, 1, 4))
    with pytest.raises(CalendarRangeError):
        VN.add_working_days(D(2026, 12, 30), 5)
    with pytest.raises(CalendarRangeError):
        VN.positions(np.array(["2023-12-31T10:00"], dtype="datetime64[s]"))


# Working time --------------------------------------------------------------------------------


def test_positions_by_hand() -> None:
    start = VN.position(T(2025, 1, 6, 10))  # a Monday
    assert VN.position(T(2025, 1, 9, 10)) - start == pytest.approx(3.0)
    friday = VN.position(T(2025, 1, 10, 17))
    assert VN.position(T(2025, 1, 13, 9)) - friday == pytest.approx(7 / 24 + 9 / 24)
    # the clock stands still on a Sunday: it has the position of Friday 24:00 and Monday 00:00
    assert VN.position(T(2025, 1, 12, 15)) == VN.position(T(2025, 1, 13, 0))
    # across Tết 2025: Friday 24/1 17:00 → Monday 3/2 08:00 is 7 + 8 hours of working time
    tet = VN.position(T(2025, 2, 3, 8)) - VN.position(T(2025, 1, 24, 17))
    assert tet == pytest.approx(15 / 24)


def test_at_position_is_the_earliest_moment() -> None:
    friday = VN.position(T(2025, 1, 24, 0))
    assert VN.at_position(friday + 1) == T(2025, 1, 25, 0)  # Friday 24:00, not Monday 3/2
    assert VN.at_position(friday + 1.5) == T(2025, 2, 3, 12)
    assert VN.at_position(0.0) == T(2024, 1, 1, 0)


def test_days_sql_is_the_days_frame() -> None:
    con = duckdb.connect()
    rows = con.sql(VN.days_sql()).fetchall()
    frame = VN.days_frame()
    assert rows == list(frame.iter_rows())
    assert frame.filter(frame["day"] == D(2025, 4, 26))["working"].item() is True


def test_sql_position_matches_numpy() -> None:
    rng = np.random.default_rng(5)
    seconds = rng.integers(0, 3 * 365 * 86_400, size=500)
    stamps = np.datetime64("2024-01-01T00:00:00") + seconds.astype("timedelta64[s]")
    con = duckdb.connect()
    con.execute(f"CREATE TABLE cal AS {VN.days_sql()}")
    con.execute("CREATE TABLE t (i INTEGER, ts TIMESTAMP)")
    con.executemany("INSERT INTO t VALUES (?, ?)", [(i, s.item()) for i, s in enumerate(stamps)])
    sql = f"SELECT {position_sql('t.ts', 'c')} FROM t JOIN cal c ON c.day = CAST(t.ts AS DATE)"
    got = [r[0] for r in con.sql(sql + " ORDER BY t.i").fetchall()]
    assert np.allclose(got, VN.positions(stamps), atol=1e-9)


# Properties ----------------------------------------------------------------------------------

days = st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 11, 30))
moments = st.datetimes(min_value=T(2024, 1, 1), max_value=T(2026, 11, 30)).map(
    lambda t: t.replace(microsecond=0)
)


@given(days, st.integers(min_value=0, max_value=20))
def test_adding_then_counting_gives_back_n(day: dt.date, n: int) -> None:
    assert VN.working_days_between(day, VN.add_working_days(day, n)) == n


@given(days, st.integers(min_value=1, max_value=20))
def test_adding_backwards_from_a_working_day(day: dt.date, n: int) -> None:
    if VN.covers(day - dt.timedelta(days=40)) and VN.is_working_day(day):
        assert VN.working_days_between(day, VN.add_working_days(day, -n)) == -n


@given(days, days, days)
def test_counting_is_additive(a: dt.date, b: dt.date, c: dt.date) -> None:
    total = VN.working_days_between(a, b) + VN.working_days_between(b, c)
    assert total == VN.working_days_between(a, c)


@given(moments, moments)
def test_position_never_decreases(a: dt.datetime, b: dt.datetime) -> None:
    if a <= b:
        assert VN.position(a) <= VN.position(b)


@given(moments)
@settings(max_examples=200)
def test_at_position_inverts_position(moment: dt.datetime) -> None:
    back = VN.at_position(VN.position(moment))
    assert back <= moment
    assert VN.position(back) == pytest.approx(VN.position(moment), abs=1e-9)
    if VN.is_working_day(moment.date()) and moment.time() != dt.time(0):
        assert back == moment


@given(days)
def test_a_working_day_is_one_unit_of_working_time(day: dt.date) -> None:
    start = T.combine(day, dt.time(0))
    elapsed = VN.position(start + dt.timedelta(days=1)) - VN.position(start)
    assert elapsed == (1.0 if VN.is_working_day(day) else 0.0)


# Construction --------------------------------------------------------------------------------


def test_from_entries_is_the_holidays_table() -> None:
    calendar = WorkingCalendar.from_entries(
        [(D(2030, 1, 1), False, "Tết Dương lịch"), (D(2030, 1, 5), True, "Làm bù")],
        start=D(2030, 1, 1),
        end=D(2030, 1, 31),
    )
    assert not calendar.is_working_day(D(2030, 1, 1))
    assert calendar.is_working_day(D(2030, 1, 5))
    assert calendar.days_frame().height == 31


def test_a_day_listed_twice_or_outside_is_refused() -> None:
    entry = (D(2030, 1, 1), False, "x")
    with pytest.raises(ValueError, match="twice"):
        WorkingCalendar.from_entries([entry, entry], start=D(2030, 1, 1), end=D(2030, 1, 31))
    with pytest.raises(CalendarRangeError):
        WorkingCalendar.from_entries([entry], start=D(2030, 2, 1), end=D(2030, 2, 28))


def test_extended_calendar_uses_weekends_after_its_end() -> None:
    longer = VN.extended_to(D(2027, 1, 31))
    assert longer.is_working_day(D(2027, 1, 4)) and not longer.is_working_day(D(2027, 1, 2))
    assert longer.working_days_in(D(2024, 1, 1), D(2026, 12, 31)) == VN.working_days_in(
        D(2024, 1, 1), D(2026, 12, 31)
    )
