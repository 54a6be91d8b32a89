"""Reporting periods of the service indicators: a year, a quarter or a month, cut into months,
quarters or years, and judged "as of" a cut-off date (the portal serves a quarter's figures
before it ends). No clock: the cut-off is always given.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

GRAINS: Final = ("month", "quarter", "year")
_SPEC = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<quarter>Q[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


@dataclass(frozen=True)
class Period:
    """`label` such as 2026, 2026-Q3 or 2026-07; days `first`..`last`; `end` is the exclusive
    moment the period is judged at: midnight after `last`, or after the cut-off date."""

    label: str
    first: dt.date
    last: dt.date
    end: dt.datetime

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time())

    @property
    def judged_on(self) -> dt.date:
        """The last day counted (the period's last day, or the cut-off date)."""
        return (self.end - dt.timedelta(days=1)).date()


def grain_of(spec: str) -> str:
    match = _parse(spec)
    return "quarter" if match["quarter"] else "month" if match["month"] else "year"


def periods_of(spec: str, by: str | None = None, as_of: dt.date | None = None) -> list[Period]:
    """The periods of `spec` (2026, 2026-Q3, 2026-07) cut by `by` (default: the spec's own
    grain), judged as of `as_of`; periods that start after `as_of` are left out.

    >>> [p.label for p in periods_of("2026-Q3", "month")]
    ['2026-07', '2026-08', '2026-09']
    """
    grain = by or grain_of(spec)
    if grain not in GRAINS:
        raise ValueError(f"unknown period grain '{grain}'; use one of: {', '.join(GRAINS)}")
    first, last = _bounds(spec)
    if GRAINS.index(grain) > GRAINS.index(grain_of(spec)):
        raise ValueError(f"cannot cut {spec} into {grain}s")
    months = _month_starts(first, last)
    step = {"month": 1, "quarter": 3, "year": 12}[grain]
    periods = []
    for begin in months[::step]:
        end_day = _add_months(begin, step) - dt.timedelta(days=1)
        periods.append(_period(_label(begin, grain), begin, end_day, as_of))
    return [p for p in periods if as_of is None or p.first <= as_of]


def _parse(spec: str) -> re.Match[str]:
    match = _SPEC.match(spec.strip())
    if not match:
        raise ValueError(f"'{spec}' is not a period such as 2026, 2026-Q3 or 2026-07")
    return match


def _bounds(spec: str) -> tuple[dt.date, dt.date]:
    match = _parse(spec)
    year = int(match["year"])
    if match["quarter"]:
        first = dt.date(year, 3 * int(match["quarter"][1]) - 2, 1)
        months = 3
    elif match["month"]:
        first, months = dt.date(year, int(match["month"]), 1), 1
    else:
        first, months = dt.date(year, 1, 1), 12
    return first, _add_months(first, months) - dt.timedelta(days=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    out, day = [], first
    while day <= last:
        out.append(day)
        day = _add_months(day, 1)
    return out


def _label(begin: dt.date, grain: str) -> str:
    if grain == "year":
        return f"{begin.year}"
    if grain == "quarter":
        return f"{begin.year}-Q{(begin.month - 1) // 3 + 1}"
    return f"{begin.year}-{begin.month:02d}"


def _period(label: str, first: dt.date, last: dt.date, as_of: dt.date | None) -> Period:
    judged = last if as_of is None else min(last, as_of)
    end = dt.datetime.combine(judged + dt.timedelta(days=1), dt.time())
    return Period(label, first, last, end)
