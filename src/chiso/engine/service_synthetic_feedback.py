"""Synthetic citizens' feedback (PAKN) with its deadlines, and the whole synthetic data set.

Feedback arrives at any hour of the year, about four for every thousand dossiers, spread over
units like their dossiers. The deadlines of the domain notes are drawn against, in working days:
reject within 2, first request for more information within 5, handle within 15 from sending or
from the latest transfer; each unit misses them at its own rate (`feedback_late` in its
profile in the year). Like dossiers, the data are a snapshot at the end of the last year; each
year's feedback has its own stream (`SyntheticSpec.year_stream(year, 2)`).
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
from chiso.engine.service_synthetic import (
    SYNTHETIC_NOTE,
    Province,
    SyntheticSpec,
    make_province,
    profiles_in,
)
from chiso.engine.service_synthetic_dossiers import (
    BLOCK,
    DossierBlock,
    OfficeClock,
    check_calendar,
    dossier_blocks,
)

FEEDBACK_PER_DOSSIER: Final = 0.004
F = npt.NDArray[Any]
B = npt.NDArray[Any]


@dataclass(frozen=True)
class SyntheticData:
    """Everything `chiso service generate` writes: the reference tables, the dossier blocks
    (a generator: each block is made when asked for), the feedback and a description."""

    province: Province
    blocks: Iterator[DossierBlock]
    feedback: pl.DataFrame
    meta: dict[str, Any]


def generate(spec: SyntheticSpec, calendar: WorkingCalendar) -> SyntheticData:
    check_calendar(spec, calendar)
    province = make_province(spec)
    return SyntheticData(
        province,
        dossier_blocks(province, calendar),
        make_feedback(province, calendar),
        describe(spec, calendar),
    )


def describe(spec: SyntheticSpec, calendar: WorkingCalendar) -> dict[str, Any]:
    return {
        "synthetic": True,
        "note": SYNTHETIC_NOTE,
        "generator": "chiso.engine.service_synthetic",
        "seed": spec.seed,
        "first_year": spec.years[0],
        "year": spec.year,
        "units": spec.units,
        "departments": spec.departments,
        "communes": spec.communes,
        "dossiers": spec.dossiers,  # in each year
        "block": BLOCK,
        "period": [f"{spec.years[0]}-01-01", f"{spec.year + 1}-01-01"],
        "snapshot": f"{spec.year + 1}-01-01T00:00:00",
        "calendar": [calendar.start.isoformat(), calendar.end.isoformat()],
    }


def make_feedback(province: Province, calendar: WorkingCalendar) -> pl.DataFrame:
    clock = OfficeClock(calendar)
    years = [_year_feedback(province, clock, year) for year in province.spec.years]
    return pl.concat(years).sort("sent_at", "feedback_id")


def _year_feedback(province: Province, clock: OfficeClock, year: int) -> pl.DataFrame:
    spec = province.spec
    rng = spec.year_stream(year, 2)
    n = round(spec.dossiers * FEEDBACK_PER_DOSSIER)
    profiles = profiles_in(province, year)
    weight = profiles["weight"].to_numpy()
    pick = rng.choice(profiles.height, size=n, p=weight / weight.sum())
    late = rng.random(n) < profiles["feedback_late"].to_numpy()[pick]
    start = np.datetime64(dt.date(year, 1, 1), "s")
    sent = start + rng.integers(0, 365 * 86_400, n).astype("timedelta64[s]")
    stages = _stages(rng, clock, sent, late)
    end = float(clock.ordinal(dt.date(spec.year + 1, 1, 1)))
    stamps = {k: _before(clock, v, end) for k, v in stages.items()}
    published = ~np.isnat(stamps["published_at"])
    return pl.DataFrame(
        {
            "feedback_id": [f"PA-{year}-{i + 1:07d}" for i in range(n)],
            "unit_code": profiles["unit_code"].to_numpy()[pick],
            "category": np.where(rng.random(n) < 0.6, "rules", "conduct"),
            "sent_at": sent.astype("datetime64[us]"),
            **{k: v.astype("datetime64[us]") for k, v in stamps.items()},
            "status": _status(stamps),
            "likes": np.where(published, rng.poisson(3.0, n), 0).astype(np.int32),
            "dislikes": np.where(published, rng.poisson(0.4 + 2.0 * late, n), 0).astype(np.int32),
            "re_raised": rng.random(n) < 0.03 + 0.15 * late,
        }
    )


def _stages(rng: np.random.Generator, clock: OfficeClock, sent: F, late: B) -> dict[str, F]:
    """Office time of each stage (NaN where it does not happen)."""
    n = len(sent)
    nan = np.full(n, np.nan)
    transferred = rng.random(n) < 0.3
    q_sent = clock.office(sent)
    q_transfer = np.where(transferred, q_sent + rng.uniform(0.2, 3.0, n), nan)
    q_start = np.where(transferred, q_transfer, q_sent)
    q_received = q_start + rng.uniform(0.01, 0.25, n)
    rejected = rng.random(n) < 0.08
    supplement = ~rejected & (rng.random(n) < 0.1)
    reject_after = np.where(late, 2.0 + rng.exponential(2.0, n), rng.uniform(0.05, 2.0, n))
    ask_after = np.where(late, 5.0 + rng.exponential(3.0, n), rng.uniform(0.3, 5.0, n))
    handle_after = np.where(late, 15.0 + rng.exponential(6.0, n), rng.uniform(1.0, 15.0, n))
    q_handled = np.where(rejected, nan, q_start + np.maximum(handle_after, ask_after + 0.5))
    publish = rng.random(n) < 0.9
    return {
        "transferred_at": q_transfer,
        "received_at": q_received,
        "rejected_at": np.where(rejected, q_start + np.maximum(reject_after, 0.6), nan),
        "supplement_requested_at": np.where(supplement, q_start + ask_after, nan),
        "handled_at": q_handled,
        "published_at": np.where(publish, q_handled + rng.uniform(0.02, 2.0, n), nan),
    }


def _before(clock: OfficeClock, q: F, end: float) -> F:
    happened = ~np.isnan(q) & (q < end)
    stamped = clock.stamp(np.where(happened, q, 0.0))
    return np.where(happened, stamped, np.datetime64("NaT"))


_LATEST_FIRST: Final = (
    ("published_at", "published"),
    ("handled_at", "handled"),
    ("rejected_at", "rejected"),
    ("supplement_requested_at", "supplement_requested"),
    ("received_at", "received"),
    ("transferred_at", "transferred"),
)


def _status(stamps: dict[str, F]) -> F:
    status = np.full(len(stamps["received_at"]), "sent", dtype=object)
    for column, name in reversed(_LATEST_FIRST):
        status = np.where(~np.isnat(stamps[column]), name, status)
    return status.astype(str)
