"""Calendar files (``chiso.calendar/1``): one year of days off and make-up working days.

A file lists only the exceptions to the weekly rhythm of its year — public holidays and
substituted days off that fall on a weekday (``working: false``), and weekend days that are
working days (``working: true``, *làm bù*) — each with its name, its source and, while a
decision is not yet published, ``provisional: true``. `check_calendar` reports every problem
of one parsed file at once (codes ``CAL…``); `build_calendar` joins the files of consecutive
years into one `WorkingCalendar` and refuses any error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from chiso.engine.calendar import WEEKDAYS, CalendarDay, WorkingCalendar
from chiso.engine.problems import MethodError, Problem, errors_only

FORMAT: Final = "chiso.calendar/1"
TOP_KEYS: Final = {
    "format": True,
    "year": True,
    "country": True,
    "weekend": True,
    "days": True,
    "title": False,
    "generated_by": False,
    "reviewed": False,
    "sources": False,
}
DAY_KEYS: Final = {
    "day": True,
    "working": True,
    "name": True,
    "source": False,
    "provisional": False,
}


def check_calendar(data: Any) -> list[Problem]:
    """Every problem of one parsed calendar file."""
    if not isinstance(data, Mapping):
        return [Problem("CAL000", "file", {"detail": "the file does not hold a mapping of keys"})]
    if data.get("format") != FORMAT:
        return [Problem("CAL004", "format", {"found": data.get("format"), "expected": FORMAT})]
    problems = list(_keys(data, TOP_KEYS, "file"))
    year = data.get("year")
    if "year" in data and (not isinstance(year, int) or isinstance(year, bool)):
        problems.append(Problem("CAL003", "year", {"detail": f"'year' is {year!r}, not a year"}))
        year = None
    problems += _weekend_problems(data.get("weekend"))
    weekend = _weekend(data.get("weekend"))
    days = data.get("days")
    if "days" in data and not isinstance(days, list):
        problems.append(Problem("CAL003", "days", {"detail": "'days' must be a list"}))
    elif isinstance(days, list):
        problems += _days_problems(days, year, weekend)
    return problems


def build_calendar(files: Sequence[Any]) -> WorkingCalendar:
    """One calendar over the years of `files` (parsed calendar files of consecutive years, the
    same weekend); raises `MethodError` with every problem."""
    problems = [p for data in files for p in check_calendar(data)]
    if not errors_only(problems):
        problems += _joint_problems(files)
    if errors_only(problems):
        raise MethodError(errors_only(problems))
    if not files:
        raise MethodError([Problem("CAL014", "calendar", {"years": "—"})])
    years = sorted(data["year"] for data in files)
    days = [_entry(item) for data in files for item in data["days"]]
    return WorkingCalendar(
        dt.date(years[0], 1, 1),
        dt.date(years[-1], 12, 31),
        tuple(days),
        _weekend(files[0]["weekend"]),
    )


def _keys(data: Mapping[str, Any], known: Mapping[str, bool], where: str) -> Iterator[Problem]:
    for key, required in known.items():
        if required and key not in data:
            yield Problem("CAL001", where, {"key": key})
    for key in data:
        if key not in known:
            yield Problem("CAL002", where, {"key": key})


def _weekend_problems(weekend: Any) -> list[Problem]:
    if weekend is None:
        return []
    if not isinstance(weekend, list) or not all(w in WEEKDAYS for w in weekend):
        detail = f"'weekend' is {weekend!r}; list days among: {', '.join(WEEKDAYS)}"
        return [Problem("CAL003", "weekend", {"detail": detail})]
    return []


def _weekend(weekend: Any) -> frozenset[int]:
    if not isinstance(weekend, list):
        return frozenset()
    return frozenset(WEEKDAYS.index(w) for w in weekend if w in WEEKDAYS)


def _days_problems(days: list[Any], year: int | None, weekend: frozenset[int]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[dt.date, int] = {}
    for n, item in enumerate(days, start=1):
        where = f"days[{n}]"
        if not isinstance(item, Mapping):
            problems.append(Problem("CAL003", where, {"detail": "each day must be a mapping"}))
            continue
        problems += _keys(item, DAY_KEYS, where)
        problems += _day_values(item, where)
        day = _date(item.get("day"))
        if day is None:
            continue
        where = f"days[{n}] {day.isoformat()}"
        if day in seen:
            problems.append(Problem("CAL010", where, {"first": seen[day]}))
        seen.setdefault(day, n)
        problems += _day_meaning(item, day, year, weekend, where)
    return problems


def _day_values(item: Mapping[str, Any], where: str) -> Iterator[Problem]:
    if "day" in item and _date(item["day"]) is None:
        yield Problem("CAL003", where, {"detail": f"'day' is {item['day']!r}, not a date"})
    for key in ("working", "provisional"):
        if key in item and not isinstance(item[key], bool):
            yield Problem("CAL003", where, {"detail": f"'{key}' must be true or false"})
    for key in ("name", "source"):
        if key in item and not (isinstance(item[key], str) and item[key].strip()):
            yield Problem("CAL003", where, {"detail": f"'{key}' must be a non-empty text"})


def _day_meaning(
    item: Mapping[str, Any], day: dt.date, year: int | None, weekend: frozenset[int], where: str
) -> Iterator[Problem]:
    if year is not None and day.year != year:
        yield Problem("CAL011", where, {"year": year})
    working = item.get("working")
    if working is False and day.weekday() in weekend:
        yield Problem("CAL012", where, {"weekday": WEEKDAYS[day.weekday()]})
    if working is True and day.weekday() not in weekend:
        yield Problem("CAL013", where, {"weekday": WEEKDAYS[day.weekday()]})
    if item.get("provisional") is True:
        yield Problem("CAL015", where, {"name": item.get("name", "")})


def _joint_problems(files: Sequence[Any]) -> list[Problem]:
    years = [data["year"] for data in files]
    problems = [
        Problem("CAL016", f"year {year}", {"year": year})
        for year in sorted(set(years))
        if years.count(year) > 1
    ]
    if years and not problems:
        missing = sorted(set(range(min(years), max(years) + 1)) - set(years))
        if missing:
            text = ", ".join(str(y) for y in missing)
            problems.append(Problem("CAL014", "calendar", {"years": text}))
    weekends = {_weekend(data["weekend"]) for data in files}
    if len(weekends) > 1:
        problems.append(Problem("CAL017", "weekend", {}))
    return problems


def _entry(item: Mapping[str, Any]) -> CalendarDay:
    day = _date(item["day"])
    assert day is not None  # checked
    return CalendarDay(
        day,
        item["working"],
        item["name"].strip(),
        item.get("source", ""),
        item.get("provisional", False),
    )


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
