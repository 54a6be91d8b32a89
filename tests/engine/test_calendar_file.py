"""Calendar files: every CAL problem, reported with its place; the shipped files are clean."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from chiso.engine.calendar_file import build_calendar, check_calendar
from chiso.engine.problems import CATALOGUE, MethodError
from chiso.io.calendar_files import (
    calendar_path,
    check_calendar_file,
    load_calendar,
    shipped_calendar_years,
)


def year_file(year: int = 2030, days: list[Any] | None = None, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "chiso.calendar/1",
        "year": year,
        "country": "VN",
        "weekend": ["saturday", "sunday"],
        "days": days
        if days is not None
        else [{"day": dt.date(year, 1, 1), "working": False, "name": "Tết Dương lịch"}],
    }
    data.update(extra)
    return data


def codes(problems: list[Any]) -> list[str]:
    return [p.code for p in problems]


def test_a_valid_file_has_no_problem() -> None:
    assert check_calendar(year_file()) == []


def one(day: Any, **item: Any) -> dict[str, Any]:
    """A year file with one entry (a day off named "x" unless told)."""
    entry = {"day": day, "working": False, "name": "x", **item}
    return year_file(days=[{k: v for k, v in entry.items() if v is not None}])


CASES = [
    (["not", "a", "mapping"], "CAL000", "file"),
    (year_file(format=None), "CAL004", "format"),
    ({k: v for k, v in year_file().items() if k != "weekend"}, "CAL001", "file"),
    (year_file(holidays=[]), "CAL002", "file"),
    (year_file(days=[], year="2030"), "CAL003", "year"),
    (year_file(weekend=["sat"]), "CAL003", "weekend"),
    (one("31/12/2030"), "CAL003", "days[1]"),
    (one(dt.date(2030, 1, 2), working="no"), "CAL003", "days[1]"),
    (one(dt.date(2030, 1, 2), name=None), "CAL001", "days[1]"),
    (one(dt.date(2030, 1, 2), y=1), "CAL002", "days[1]"),
    (one(dt.date(2031, 1, 1)), "CAL011", "days[1] 2031-01-01"),
    (one(dt.date(2030, 1, 5)), "CAL012", "days[1] 2030-01-05"),
    (one(dt.date(2030, 1, 7), working=True), "CAL013", "days[1] 2030-01-07"),
    (one(dt.date(2030, 1, 7), provisional=True), "CAL015", "days[1] 2030-01-07"),
]
# exercised by the tests after the table
OTHERS = {"CAL000", "CAL010", "CAL014", "CAL016", "CAL017"}


@pytest.mark.parametrize(("data", "code", "where"), CASES)
def test_each_problem_with_its_place(data: Any, code: str, where: str) -> None:
    problems = check_calendar(data)
    assert code in codes(problems)
    assert any(p.code == code and p.where.startswith(where) for p in problems)


def test_a_day_listed_twice_names_the_first_entry() -> None:
    day = {"day": dt.date(2030, 1, 7), "working": False, "name": "x"}
    problems = check_calendar(year_file(days=[day, dict(day)]))
    assert codes(problems) == ["CAL010"]
    assert problems[0].where == "days[2] 2030-01-07" and problems[0].params == {"first": 1}


def test_every_problem_is_reported_at_once() -> None:
    days = [
        {"day": dt.date(2031, 1, 1), "working": False, "name": "x"},
        {"day": dt.date(2030, 1, 7), "working": True, "name": "y"},
    ]
    assert codes(check_calendar(year_file(days=days, extra=1))) == ["CAL002", "CAL011", "CAL013"]


def test_joining_years() -> None:
    calendar = build_calendar([year_file(2031), year_file(2030)])
    assert (calendar.start, calendar.end) == (dt.date(2030, 1, 1), dt.date(2031, 12, 31))
    with pytest.raises(MethodError) as gap:
        build_calendar([year_file(2030), year_file(2032)])
    assert codes(list(gap.value.problems)) == ["CAL014"]
    with pytest.raises(MethodError) as twice:
        build_calendar([year_file(2030), year_file(2030)])
    assert codes(list(twice.value.problems)) == ["CAL016"]
    with pytest.raises(MethodError) as weekends:
        build_calendar([year_file(2030), year_file(2031, weekend=["sunday"])])
    assert codes(list(weekends.value.problems)) == ["CAL017"]


def test_an_invalid_file_is_refused() -> None:
    with pytest.raises(MethodError):
        build_calendar(
            [year_file(days=[{"day": dt.date(2030, 1, 7), "working": True, "name": "x"}])]
        )


def test_shipped_calendars_are_clean() -> None:
    assert {2024, 2025, 2026} <= set(shipped_calendar_years())
    for year in shipped_calendar_years():
        problems = check_calendar_file(calendar_path(year))
        assert {p.code for p in problems} <= {"CAL015"}, problems  # provisional entries only


def test_a_missing_or_broken_file_is_cal000(tmp_path: Any) -> None:
    with pytest.raises(MethodError) as missing:
        load_calendar(1990)
    assert codes(list(missing.value.problems)) == ["CAL000"]
    assert "vn-1990.yaml" in missing.value.problems[0].where
    broken = tmp_path / "vn-2030.yaml"
    broken.write_text("format: chiso.calendar/1\nyear: [2030\n", encoding="utf-8")
    problems = check_calendar_file(broken)
    assert codes(problems) == ["CAL000"] and problems[0].where.startswith("vn-2030.yaml: ")


def test_every_cal_code_is_exercised() -> None:
    exercised = {case[1] for case in CASES} | OTHERS
    assert {c for c in CATALOGUE if c.startswith("CAL")} == exercised
