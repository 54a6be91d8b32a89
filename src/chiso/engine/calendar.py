"""Working days and working time: the Vietnamese public-holiday calendar as data.

A `WorkingCalendar` covers a range of whole days (usually whole years, one calendar file per
year, see `chiso.engine.calendar_file`). A day is a working day when it is not a weekend day
(Saturday, Sunday) and not listed as a day off, or when it is a weekend day listed as a make-up
working day (*làm bù*). Every question about a day outside the range raises
`CalendarRangeError`: a silent "weekends only" guess would move deadlines past an unknown Tết.

Two scales of time:

- **Days.** `is_working_day`, `add_working_days(start, n)` (the n-th working day after `start`,
  `start` itself not counted) and `working_days_between(a, b)` (working days in ``(a, b]``), so
  that ``working_days_between(a, add_working_days(a, n)) == n``.
- **Working time.** Timestamps are naive local time (Asia/Ho_Chi_Minh). The *position* of a
  timestamp is the working time elapsed since the start of the range, in working days: the
  number of working days before its date, plus, on a working day, the fraction of the day
  already passed (a 24-hour clock: 06:00 is 0.25, 17:00 is 0.7083). On a day off the clock
  stands still: every moment of a weekend or holiday has the position of the end of the last
  working day before it. Elapsed working time is then a subtraction, ``position(b) −
  position(a)``: received Monday 10:00 and finished Thursday 10:00 is 3.0 working days; received
  Friday 17:00 and finished Monday 09:00 is 0.6667 (7 hours of Friday, 9 of Monday); anything
  received on a Sunday starts counting at Monday 00:00. `at_position` is the inverse and returns
  the *earliest* moment with a position, so a deadline that falls on a whole number of working
  days is the midnight that ends the last working day (``Wednesday 24:00`` = Thursday 00:00),
  never a later moment on the following holiday.

For SQL, `days_sql()` gives the dense table of days (``day, working, ordinal, name``) where
``ordinal`` counts the working days before ``day``; joining a timestamp's date to it, the
position is ``ordinal + CASE WHEN working THEN seconds since midnight / 86400 ELSE 0 END``
(`POSITION_SQL`). The same numbers come from `positions` (numpy) and `days_frame` (polars).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl

WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_WEEKEND: Final = frozenset({5, 6})  # Saturday, Sunday (date.weekday numbers)
SECONDS_PER_DAY: Final = 86_400

POSITION_SQL: Final = (
    "({cal}.ordinal + CASE WHEN {cal}.working "
    "THEN (epoch({ts}) - epoch(CAST({ts} AS DATE))) / 86400.0 ELSE 0 END)"
)
"""The position of timestamp `{ts}` in a row of the days table aliased `{cal}`, joined on
``{cal}.day = CAST({ts} AS DATE)``. Fill it with `position_sql`."""


class CalendarRangeError(ValueError):
    """A day or a position outside the range the calendar covers."""


@dataclass(frozen=True)
class CalendarDay:
    """One exception to the weekly rhythm: a day off on a weekday, or a make-up working day on
    a weekend day. `provisional` marks an entry not yet confirmed by a published decision."""

    day: dt.date
    working: bool
    name: str
    source: str = ""
    provisional: bool = False


@dataclass(frozen=True, eq=False)
class WorkingCalendar:
    """Working days from `start` to `end` (both included); see the module for the semantics."""

    start: dt.date
    end: dt.date
    days: tuple[CalendarDay, ...]
    weekend: frozenset[int] = DEFAULT_WEEKEND
    _working: npt.NDArray[np.bool_] = field(init=False, repr=False)
    _before: npt.NDArray[np.int64] = field(init=False, repr=False)  # working days before day i
    _working_index: npt.NDArray[np.int64] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the calendar ends ({self.end}) before it starts ({self.start})")
        count = (self.end - self.start).days + 1
        weekday = (np.arange(count) + self.start.weekday()) % 7
        working = ~np.isin(weekday, sorted(self.weekend))
        seen: set[dt.date] = set()
        for entry in self.days:
            if entry.day in seen:
                raise ValueError(f"{entry.day} is listed twice")
            seen.add(entry.day)
            working[self._index(entry.day)] = entry.working
        before = np.zeros(count + 1, dtype=np.int64)
        np.cumsum(working, out=before[1:])
        object.__setattr__(self, "days", tuple(sorted(self.days, key=lambda d: d.day)))
        object.__setattr__(self, "_working", working)
        object.__setattr__(self, "_before", before)
        object.__setattr__(self, "_working_index", np.flatnonzero(working).astype(np.int64))

    @classmethod
    def from_entries(
        cls,
        entries: Iterable[CalendarDay | tuple[dt.date, bool, str]],
        *,
        start: dt.date,
        end: dt.date,
        weekend: Iterable[int] = DEFAULT_WEEKEND,
    ) -> WorkingCalendar:
        """A calendar from the rows of a HOLIDAYS table: ``(day, working, name)``."""
        days = tuple(e if isinstance(e, CalendarDay) else CalendarDay(*e) for e in entries)
        return cls(start, end, days, frozenset(weekend))

    # --- days ---------------------------------------------------------------------------------

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def is_working_day(self, day: dt.date) -> bool:
        return bool(self._working[self._index(day)])

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (before it when n < 0); `start` when n == 0,
        whether or not it is a working day."""
        i = self._index(start)
        if n == 0:
            return start
        ordinal = self._before[i + 1] + n - 1 if n > 0 else self._before[i] + n
        if not 0 <= ordinal < len(self._working_index):
            raise CalendarRangeError(
                f"{n} working days from {start} fall outside {self.start}–{self.end}"
            )
        return self._day(int(self._working_index[ordinal]))

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in ``(a, b]``; negative (minus those in ``(b, a]``) when b < a."""
        return int(self._before[self._index(b) + 1] - self._before[self._index(a) + 1])

    def working_days_in(self, first: dt.date, last: dt.date) -> int:
        """Working days in ``[first, last]`` (0 when last < first)."""
        return max(0, int(self._before[self._index(last) + 1] - self._before[self._index(first)]))

    def working_days(self, first: dt.date, last: dt.date) -> npt.NDArray[np.datetime64]:
        """The working days in ``[first, last]``, as datetime64[D]."""
        lo, hi = self._index(first), self._index(last)
        index = self._working_index[(self._working_index >= lo) & (self._working_index <= hi)]
        days: npt.NDArray[np.datetime64] = np.datetime64(self.start, "D") + index
        return days

    # --- working time -------------------------------------------------------------------------

    def position(self, at: dt.datetime) -> float:
        """Working days elapsed from the start of the range to `at` (see the module)."""
        return float(self.positions(np.array([at], dtype="datetime64[s]"))[0])

    def at_position(self, position: float) -> dt.datetime:
        """The earliest moment whose position is `position`."""
        value = self.at_positions(np.array([position], dtype=np.float64))[0]
        return value.astype("datetime64[s]").item()  # type: ignore[no-any-return]

    def positions(self, at: npt.NDArray[np.datetime64]) -> npt.NDArray[np.float64]:
        """`position` of every timestamp of an array (any datetime64 unit)."""
        seconds = at.astype("datetime64[s]")
        days = seconds.astype("datetime64[D]")
        index = (days - np.datetime64(self.start, "D")).astype(np.int64)
        self._check_indices(index)
        fraction = (seconds - days).astype(np.int64) / SECONDS_PER_DAY
        elapsed = np.where(self._working[index], fraction, 0.0).astype(np.float64)
        return elapsed + self._before[index]

    def at_positions(self, position: npt.NDArray[np.float64]) -> npt.NDArray[np.datetime64]:
        """`at_position` of every position of an array, as datetime64[s]."""
        whole = np.floor(position).astype(np.int64)
        seconds = np.rint((position - whole) * SECONDS_PER_DAY).astype(np.int64)
        carry = seconds >= SECONDS_PER_DAY  # 23:59:59.6 rounds up to the next working day
        whole, seconds = whole + carry, np.where(carry, 0, seconds)
        exact = seconds == 0
        ordinal = np.where(exact, whole - 1, whole)
        count = len(self._working_index)
        if np.any((ordinal < -1) | (ordinal >= count) | ((ordinal == -1) & ~exact)):
            raise CalendarRangeError(f"a position falls outside {self.start}–{self.end}")
        day = np.where(ordinal >= 0, self._working_index[np.maximum(ordinal, 0)], -1)
        day = np.where(exact, day + 1, day)  # whole positions: the midnight ending that day
        base = np.datetime64(self.start, "s") + day * SECONDS_PER_DAY
        result: npt.NDArray[np.datetime64] = base + np.where(exact, 0, seconds).astype(
            "timedelta64[s]"
        )
        return result

    # --- tables -------------------------------------------------------------------------------

    def days_frame(self) -> pl.DataFrame:
        """Every day of the range: ``day, working, ordinal`` (working days before the day) and
        ``name`` (of a listed exception, else null)."""
        names = {d.day: d.name for d in self.days}
        every = pl.date_range(self.start, self.end, "1d", eager=True).alias("day")
        return pl.DataFrame(
            {
                "day": every,
                "working": self._working,
                "ordinal": self._before[:-1].astype(np.int32),
                "name": [names.get(day) for day in every],
            }
        )

    def days_sql(self) -> str:
        """A DuckDB query giving the same table as `days_frame`, for ``CREATE TABLE … AS``."""
        weekend = ", ".join(str((w + 1) % 7) for w in sorted(self.weekend))  # DuckDB: Sunday=0
        listed = ", ".join(
            f"(DATE '{d.day.isoformat()}', {str(d.working).lower()}, {_sql_text(d.name)})"
            for d in self.days
        )
        exceptions = (
            f"SELECT * FROM (VALUES {listed}) AS t(day, working, name)"
            if listed
            else "SELECT NULL::DATE AS day, NULL::BOOLEAN AS working, NULL::VARCHAR AS name "
            "WHERE false"
        )
        return (
            "WITH every AS (SELECT CAST(range AS DATE) AS day FROM range("
            f"DATE '{self.start.isoformat()}', DATE '{self.end.isoformat()}' + INTERVAL 1 DAY, "
            f"INTERVAL 1 DAY)), listed AS ({exceptions}), marked AS (SELECT every.day, "
            f"coalesce(listed.working, dayofweek(every.day) NOT IN ({weekend})) AS working, "
            "listed.name FROM every LEFT JOIN listed USING (day)) "
            "SELECT day, working, CAST(coalesce(sum(CAST(working AS INTEGER)) OVER (ORDER BY day "
            "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS INTEGER) AS ordinal, name "
            "FROM marked ORDER BY day"
        )

    def extended_to(self, end: dt.date) -> WorkingCalendar:
        """This calendar with days after its end up to `end` judged by the weekend alone —
        only for synthetic data, never for measuring real dossiers."""
        return WorkingCalendar(self.start, max(end, self.end), self.days, self.weekend)

    # --- helpers ------------------------------------------------------------------------------

    def _index(self, day: dt.date) -> int:
        if not self.covers(day):
            raise CalendarRangeError(f"{day} is outside the calendar ({self.start}–{self.end})")
        return (day - self.start).days

    def _day(self, index: int) -> dt.date:
        return self.start + dt.timedelta(days=index)

    def _check_indices(self, index: npt.NDArray[np.int64]) -> None:
        if index.size and (index.min() < 0 or index.max() >= len(self._working)):
            bad = index[(index < 0) | (index >= len(self._working))][0]
            raise CalendarRangeError(
                f"{self._day(int(bad))} is outside the calendar ({self.start}–{self.end})"
            )


def position_sql(ts: str, cal: str = "cal") -> str:
    """`POSITION_SQL` for the timestamp expression `ts` and the days-table alias `cal`."""
    return POSITION_SQL.format(ts=ts, cal=cal)


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
