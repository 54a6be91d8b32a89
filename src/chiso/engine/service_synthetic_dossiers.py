"""Synthetic dossiers and their status history, generated in blocks with numpy.

Each block of `BLOCK` dossiers of a year comes from its own random stream
(`SyntheticSpec.year_stream(year, 1, b)`), so memory stays bounded and the output does not
depend on how it is written; the years come one after the other, oldest first, each from its
units' profiles in that year (`profiles_in`). A dossier's life is
drawn in *office time*: working-day ordinals of the calendar plus the fraction of the office day
(07:30–17:00) elapsed, so every event falls in office hours on a working day, in order:

    received → processing → [supplement requested → supplied] ×0–2 → done | refused | stopped |
    withdrawn → returned

The appointment (``due_at``) is what a one-stop-shop system would print: the legal limit added to
the received time with the calendar's working time (`WorkingCalendar.at_positions`); a limit in
calendar days ends on that day, moved to the next working day. Whether the unit meets it depends
on the unit's profile. The data are a snapshot at the end of the last year: nothing after
1 January of the next year has happened, so its late-December dossiers are still open (those of
an earlier year ran on into the next one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import polars as pl

from chiso.engine.calendar import WorkingCalendar
from chiso.engine.service_synthetic import Province, SyntheticSpec, profiles_in

BLOCK: Final = 100_000
OPEN_SECONDS: Final = 7 * 3600 + 1800  # 07:30
OFFICE_SECONDS: Final = 9 * 3600 + 1800  # until 17:00
TERMINALS: Final = ("done", "refused", "stopped", "withdrawn")
TERMINAL_SHARES: Final = (0.975, 0.015, 0.005, 0.005)
# numpy's element types are not worth spelling out here: arrays of floats, booleans, stamps
F = npt.NDArray[Any]
B = npt.NDArray[Any]


@dataclass(frozen=True)
class DossierBlock:
    dossiers: pl.DataFrame  # the DOSSIERS table's columns
    events: pl.DataFrame  # the DOSSIER_EVENTS table's columns


class OfficeClock:
    """Office time: the working-day ordinal of the calendar plus the share of the office day
    (07:30–17:00) elapsed. Monotonic both ways, so events drawn in order stay in order."""

    def __init__(self, calendar: WorkingCalendar):
        self.calendar = calendar
        self.days = calendar.working_days(calendar.start, calendar.end)

    def ordinal(self, day: dt.date) -> int:
        """The ordinal of the first working day on or after `day`."""
        return int(np.searchsorted(self.days, np.datetime64(day, "D")))

    def stamp(self, q: F) -> F:
        """Office time → timestamps (datetime64[s])."""
        whole = np.floor(q).astype(np.int64)
        seconds = OPEN_SECONDS + np.rint((q - whole) * OFFICE_SECONDS).astype(np.int64)
        day = self.days[np.minimum(whole, len(self.days) - 1)]
        stamps: F = day.astype("datetime64[s]") + seconds.astype("timedelta64[s]")
        return stamps

    def office(self, at: F) -> F:
        """Timestamps → office time; a moment outside office hours or on a day off counts from
        the next opening (or as the end of its office day, after 17:00)."""
        day = at.astype("datetime64[D]")
        index = np.searchsorted(self.days, day)
        working = self.days[np.minimum(index, len(self.days) - 1)] == day
        seconds = (at.astype("datetime64[s]") - day).astype(np.int64) - OPEN_SECONDS
        share = np.clip(seconds / OFFICE_SECONDS, 0.0, 0.999)
        return index + np.where(working, share, 0.0)


class _Setting:
    """What every block of a year shares: the pair distribution, the procedures, the working
    days of the year, the office clock and the end of the records (after the last year)."""

    def __init__(self, province: Province, calendar: WorkingCalendar, year: int):
        self.calendar, self.clock = calendar, OfficeClock(calendar)
        profiles = profiles_in(province, year)
        pairs = province.unit_procedures.join(profiles, on="unit_code").join(
            province.procedures.with_row_index("proc"), on="procedure_code"
        )
        # within a unit, procedure popularity falls as 1 / rank^1.1 (a few procedures dominate)
        rank = pairs.select(pl.col("proc").rank("ordinal").over("unit_code")).to_series()
        weight = pairs["weight"].to_numpy() / (rank.to_numpy() ** 1.1)
        self.pair_cdf = np.cumsum(weight) / weight.sum()
        self.pairs = pairs
        self.procedures = province.procedures
        self.day_first = self.clock.ordinal(dt.date(year, 1, 1))
        self.end_ordinal = self.clock.ordinal(dt.date(province.spec.year + 1, 1, 1))
        days = self.clock.days[self.day_first : self.clock.ordinal(dt.date(year + 1, 1, 1))]
        month = days.astype("datetime64[M]").astype(int) % 12
        season = np.array([0.8, 0.85, 1.1, 1.0, 1.0, 1.05, 1.05, 1.0, 1.05, 1.1, 1.1, 1.2])
        self.day_cdf = np.cumsum(season[month]) / season[month].sum()

    def stamp(self, q: F) -> F:
        return self.clock.stamp(q)

    def office(self, at: F) -> F:
        return self.clock.office(at)


def check_calendar(spec: SyntheticSpec, calendar: WorkingCalendar) -> None:
    """ValueError unless `calendar` covers the years generated and the first quarter after
    them (the appointments of late-December dossiers)."""
    first, last = spec.years[0], spec.year
    if not (calendar.covers(dt.date(first, 1, 1)) and calendar.covers(dt.date(last + 1, 3, 31))):
        years = str(last) if first == last else f"{first}–{last}"
        raise ValueError(f"the calendar must cover {years} and the first quarter of {last + 1}")


def dossier_blocks(province: Province, calendar: WorkingCalendar) -> Iterator[DossierBlock]:
    """Every block of the province's dossiers, year by year, in order."""
    spec = province.spec
    check_calendar(spec, calendar)
    for year in spec.years:
        setting = _Setting(province, calendar, year)
        for b, start in enumerate(range(0, spec.dossiers, BLOCK)):
            rng = spec.year_stream(year, 1, b)
            yield _block(setting, province, rng, start, min(BLOCK, spec.dossiers - start))


def _block(
    s: _Setting, province: Province, rng: np.random.Generator, start: int, n: int
) -> DossierBlock:
    pair = np.searchsorted(s.pair_cdf, rng.random(n), side="right").clip(0, len(s.pair_cdf) - 1)
    rows = s.pairs[pair]
    proc = rows["proc"].to_numpy()
    unit = rows.select("unit_code", *_PROFILE).to_dict(as_series=False)
    p = {k: np.asarray(v) for k, v in unit.items() if k != "unit_code"}
    procs = s.procedures[proc]
    online_level = procs["online_level"].to_numpy()
    channel = _channels(rng, n, online_level, p["online"])
    day = s.day_first + np.searchsorted(s.day_cdf, rng.random(n), side="right")
    q_received = day + rng.random(n)
    received = s.stamp(q_received)
    submitted = _submitted(rng, received, channel)
    due, allowance = _due(s, rng, procs, received, q_received)
    life = _life(rng, n, allowance, p)
    times = _timeline(rng, q_received, life)
    flags = _flags(rng, procs, channel, p, life["late"])
    ids = _ids(rows["unit_code"], received, start)
    return _assemble(s, ids, rows, procs, channel, submitted, received, due, times, life, flags)


_PROFILE: Final = (
    "late",
    "online",
    "synced",
    "e_result",
    "digitised",
    "reused",
    "personal_store",
    "vneid",
    "pay_online",
    "supplement",
)


def _channels(rng: np.random.Generator, n: int, online_level: F, propensity: F) -> F:
    share = np.where(online_level == "full", np.minimum(propensity * 1.25, 0.95), propensity * 0.7)
    online = (online_level != "none") & (rng.random(n) < share)
    post = ~online & (rng.random(n) < 0.03)
    return np.where(online, "truc_tuyen", np.where(post, "buu_chinh", "truc_tiep"))


def _submitted(rng: np.random.Generator, received: F, channel: F) -> F:
    n = len(received)
    lag = np.where(
        channel == "truc_tuyen",
        rng.exponential(0.6 * 86_400, n),  # sent any time, accepted in office hours
        np.where(channel == "buu_chinh", rng.uniform(1, 5, n) * 86_400, rng.uniform(0, 1200, n)),
    )
    submitted: F = received - lag.astype(np.int64).astype("timedelta64[s]")
    return submitted


def _due(
    s: _Setting,
    rng: np.random.Generator,
    procs: pl.DataFrame,
    received: F,
    q_received: F,
) -> tuple[F, F]:
    """The appointment, and the office time it allows."""
    limit = procs["legal_limit"].to_numpy()
    unit = procs["legal_limit_unit"].to_numpy()
    working = np.where(unit == "hours", limit / 8.0, limit)
    due = s.calendar.at_positions(s.calendar.positions(received) + working)
    in_days = unit == "days"
    if in_days.any():
        due[in_days] = _calendar_days_due(s.calendar, received[in_days], limit[in_days])
    allowance = np.where(
        unit == "working_days", limit, np.maximum(s.office(due) - q_received, 0.05)
    )
    no_appointment = rng.random(len(received)) < 0.03
    due = np.where(no_appointment, np.datetime64("NaT"), due)
    return due, allowance


def _calendar_days_due(calendar: WorkingCalendar, received: F, days: F) -> F:
    """Received + n calendar days; on a day off, the same time on the next working day."""
    due = received + (days * 86_400).astype(np.int64).astype("timedelta64[s]")
    position = calendar.positions(due)
    next_start = calendar.at_positions(np.floor(position) + 1e-9)  # start of that working day
    on_day_off = next_start.astype("datetime64[D]") != due.astype("datetime64[D]")
    time_of_day = due - due.astype("datetime64[D]")
    moved = next_start.astype("datetime64[D]").astype("datetime64[s]") + time_of_day
    result: F = np.where(on_day_off, moved, due)
    return result


def _life(rng: np.random.Generator, n: int, allowance: F, p: dict[str, F]) -> dict[str, F]:
    """Working time needed, supplement requests and pauses, outcome — in office days."""
    late = rng.random(n) < p["late"]
    on_time_share = rng.beta(2.2, 1.6, n) * 0.97 + 0.02
    work = allowance * np.where(late, 1.02 + rng.exponential(0.35, n), on_time_share)
    first = rng.random(n) < p["supplement"]
    second = first & (rng.random(n) < 0.15)
    outcome = rng.choice(len(TERMINALS), size=n, p=TERMINAL_SHARES)
    return {
        "late": late | second,
        "work": np.maximum(work, 0.05),
        "first": first,
        "second": second,
        "f1": rng.uniform(0.1, 0.4, n),
        "f2": rng.uniform(0.45, 0.8, n),
        "pause1": rng.exponential(2.5, n) + 0.2,
        "pause2": rng.exponential(2.5, n) + 0.2,
        "outcome": outcome.astype(np.float64),
        "withdraw_at": rng.uniform(0.1, 0.9, n),
        "returned": rng.random(n) < 0.92,
        "return_lag": rng.exponential(0.7, n) + 0.02,
    }


def _timeline(rng: np.random.Generator, q0: F, life: dict[str, F]) -> dict[str, F]:
    """Office time of every stage (NaN where the stage does not happen)."""
    work, first, second = life["work"], life["first"], life["second"]
    pause1 = np.where(first, life["pause1"], 0.0)
    pause2 = np.where(second, life["pause2"], 0.0)
    nan = np.full(len(q0), np.nan)
    request1 = q0 + work * life["f1"]
    request2 = request1 + pause1 + work * (life["f2"] - life["f1"])
    finished = q0 + work + pause1 + pause2
    # a citizen who withdraws does so while the unit works on the dossier, never mid-supplement
    withdrawn = life["outcome"] == TERMINALS.index("withdrawn")
    terminal = np.where(withdrawn, q0 + work * life["withdraw_at"], finished)
    done = life["outcome"] == TERMINALS.index("done")
    return {
        "received": q0,
        "processing": q0 + np.minimum(0.05, work * 0.04),
        "request1": np.where(first & ~withdrawn, request1, nan),
        "supplied1": np.where(first & ~withdrawn, request1 + pause1, nan),
        "request2": np.where(second & ~withdrawn, request2, nan),
        "supplied2": np.where(second & ~withdrawn, request2 + pause2, nan),
        "terminal": terminal,
        "returned": np.where(done & life["returned"], terminal + life["return_lag"], nan),
    }


def _flags(
    rng: np.random.Generator,
    procs: pl.DataFrame,
    channel: F,
    p: dict[str, F],
    late: B,
) -> dict[str, F]:
    n = len(channel)
    online = channel == "truc_tuyen"

    def chance(rate: F | float) -> B:
        return rng.random(n) < rate

    fee_due = procs["has_fee"].to_numpy()
    integrated = procs["fee_online_integrated"].to_numpy()
    pay_share = np.clip(p["pay_online"] * np.where(online, 1.3, 0.35), 0, 0.98)
    rated = chance(0.35)
    unhappy = chance(0.03 + 0.25 * late)
    return {
        "synced": chance(p["synced"]),
        "e_result": chance(np.clip(p["e_result"] * np.where(online, 1.2, 0.9), 0, 0.99)),
        "digitised": chance(p["digitised"]),
        "reused_data": chance(p["reused"]),
        "personal_store": online & chance(p["personal_store"]),
        "vneid": chance(np.clip(p["vneid"] * np.where(online, 1.25, 0.8), 0, 0.99)),
        "fee_due": fee_due,
        "paid_online": fee_due & integrated & chance(pay_share),
        "rating": np.where(rated, np.where(unhappy, "dissatisfied", "satisfied"), ""),
        "complaint": chance(0.002 + 0.03 * late),
    }


def _ids(unit: pl.Series, received: F, start: int) -> pl.Series:
    day = pl.Series(received.astype("datetime64[D]")).dt.strftime("%Y%m%d")
    number = pl.Series(np.arange(start + 1, start + len(received) + 1)).cast(pl.String).str.zfill(8)
    return pl.select(pl.concat_str([unit, day, number], separator="-")).to_series()


def _assemble(
    s: _Setting,
    ids: pl.Series,
    rows: pl.DataFrame,
    procs: pl.DataFrame,
    channel: F,
    submitted: F,
    received: F,
    due: F,
    times: dict[str, F],
    life: dict[str, F],
    flags: dict[str, F],
) -> DossierBlock:
    end = float(s.end_ordinal)
    stamps = {k: _stamp_before(s, v, end) for k, v in times.items()}
    finished = stamps["terminal"]
    done = life["outcome"] == TERMINALS.index("done")
    resulted = ~np.isnat(finished) & done
    rating = np.where(resulted, flags["rating"], "")
    dossiers = pl.DataFrame(
        {
            "dossier_id": ids,
            "procedure_code": procs["procedure_code"],
            "unit_code": rows["unit_code"],
            "channel": channel,
            "submitted_at": _us(submitted),
            "received_at": _us(received),
            "due_at": _us(due),
            "finished_at": _us(finished),
            "returned_at": _us(stamps["returned"]),
            **{k: v for k, v in flags.items() if k != "rating"},
            "rating": rating,
        }
    ).with_columns(
        pl.col("rating").replace("", None),
        pl.Series("e_result", flags["e_result"] & resulted),
    )
    events = _events(ids, stamps, life["outcome"])
    return DossierBlock(dossiers.select(_DOSSIER_ORDER), events)


def _us(at: F) -> F:
    return at.astype("datetime64[us]")  # polars takes µs, not s


def _stamp_before(s: _Setting, q: F, end: float) -> F:
    happened = ~np.isnan(q) & (q < end)
    stamped = s.stamp(np.where(happened, q, 0.0))
    return np.where(happened, stamped, np.datetime64("NaT"))


_STAGES: Final = (
    ("received", "received"),
    ("processing", "processing"),
    ("request1", "supplement_requested"),
    ("supplied1", "supplement_supplied"),
    ("request2", "supplement_requested"),
    ("supplied2", "supplement_supplied"),
    ("terminal", None),
    ("returned", "returned"),
)


def _events(ids: pl.Series, stamps: dict[str, F], outcome: F) -> pl.DataFrame:
    terminal = np.array(TERMINALS)[outcome.astype(np.int64)]
    parts = []
    for order, (stage, status) in enumerate(_STAGES):
        parts.append(
            pl.DataFrame(
                {
                    "dossier_id": ids,
                    "order": np.full(len(ids), order, dtype=np.int8),
                    "status": terminal if status is None else np.full(len(ids), status),
                    "at": _us(stamps[stage]),
                }
            ).filter(pl.col("at").is_not_null())
        )
    events = pl.concat(parts).with_columns(
        pl.col("dossier_id").str.slice(-8).cast(pl.Int64).alias("n")
    )
    return (
        events.sort("n", "order")
        .with_columns(pl.int_range(1, pl.len() + 1).over("n").cast(pl.Int32).alias("seq"))
        .select("dossier_id", "seq", "status", "at")
    )


_DOSSIER_ORDER: Final = (
    "dossier_id",
    "procedure_code",
    "unit_code",
    "channel",
    "submitted_at",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "synced",
    "e_result",
    "digitised",
    "reused_data",
    "personal_store",
    "vneid",
    "fee_due",
    "paid_online",
    "rating",
    "complaint",
)
