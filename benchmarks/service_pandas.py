"""The Decision 766 indicators written the straightforward way in pandas: the benchmark's baseline.

`pandas_counts` reads a dossier store's Parquet files with `pandas.read_parquet` and computes
every indicator's numerator and denominator by unit × period — the same rules as the engine's
SQL (`chiso.engine.service_sql`), written independently as merges, boolean masks and groupbys:

- on time (2.1): a dossier counts in every period it was in a unit's hands (received before the
  period ends, not finished before it starts); its end is its first terminal status, or the
  period's end while open; supplement time is not counted (from each supplement request to the
  next supplement change, clipped to the end); a second request makes it overdue; otherwise
  end ≤ the appointment, or, without one, elapsed time ≤ the legal limit in working days (the
  calendar's positions: ordinal + share of a working day), calendar days or hours;
- dossier shares (1.4, 3.3, 4.3, 6.x) over the dossiers received in the period;
- procedure counts (1.1–1.3, 3.1, 3.2, 4.1, 4.2, 6.6) over the unit's procedures;
- feedback (5.1, 5.2) sent in the period against its working-day deadlines;
- communes that returned an electronic certified copy (6.3);

then each unit's counts plus all its descendants' (roll-up), on the full grid of units × periods
× indicators (zero where nothing happened). It shares nothing with the engine but the inputs: the
store, the method's settings, the calendar's days and the periods. Outside the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chiso.engine.calendar import WorkingCalendar
from chiso.engine.service_method import ServiceMethod
from chiso.engine.service_periods import Period
from chiso.io.dossier_store import open_store

# measure → (numerator column, denominator column) of the frames below
COLUMNS: dict[str, tuple[str, str]] = {
    "procedures_published_on_time": ("published_on_time", "published_judged"),
    "procedures_made_public_on_time": ("made_public_on_time", "published"),
    "procedures_with_complete_parts": ("complete_parts", "procedures"),
    "dossiers_synced": ("synced", "received"),
    "dossiers_on_time": ("on_time", "judged"),
    "processing_days": ("processing_days", "finished"),
    "dossiers_overdue_or_complained": ("overdue_or_complained", "judged"),
    "procedures_offered_online": ("offered_online", "procedures"),
    "online_procedures_used": ("online_used", "offered_online"),
    "dossiers_online": ("online", "received"),
    "procedures_fee_integrated": ("fee_integrated", "fee_procedures"),
    "fee_procedures_paid_online": ("fee_paid_online", "fee_used"),
    "dossiers_paid_online": ("paid_online", "fee_due"),
    "feedback_on_time": ("feedback_on_time", "feedback"),
    "feedback_satisfied": ("feedback_satisfied", "feedback"),
    "dossiers_e_result": ("e_result", "received"),
    "dossiers_digitised": ("digitised", "received"),
    "communes_certified_copies": ("copies_provided", "communes"),
    "dossiers_reused_data": ("reused_data", "received"),
    "dossiers_personal_store": ("personal_store", "received"),
    "procedures_vneid": ("vneid_used", "used"),
    "dossiers_vneid": ("vneid", "received"),
}
FLOAT_MEASURES = frozenset({"processing_days"})
"""Measures whose numerator is a sum of durations: float sums depend on their order."""

KEYS = ["idx", "unit_code"]


class Calendar:
    """Working-day ordinal and working flag of any timestamp, by position in the day table."""

    def __init__(self, calendar: WorkingCalendar):
        days = calendar.days_frame()
        self.start = np.datetime64(calendar.start, "D")
        self.ordinal = days["ordinal"].to_numpy().astype(np.float64)
        self.working = days["working"].to_numpy()

    def index(self, at: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Row of each timestamp's day in the table, and whether it is there (not NaT, covered)."""
        day = at.to_numpy(dtype="datetime64[us]").astype("datetime64[D]")
        index = day.astype(np.int64) - self.start.astype(np.int64)  # NaT: far below 0
        ok = ~np.isnat(day) & (index >= 0) & (index < len(self.ordinal))
        return np.where(ok, index, 0), ok

    def position(self, at: pd.Series, *, strict: bool = True) -> np.ndarray:
        """ordinal + share of the day elapsed on a working day; NaN where not covered."""
        index, ok = self.index(at)
        if strict and not ok.all():
            raise ValueError("a timestamp outside the calendar")
        micros = at.to_numpy(dtype="datetime64[us]").astype(np.int64)
        midnight = at.dt.floor("D").to_numpy(dtype="datetime64[us]").astype(np.int64)
        share = ((micros - midnight) / 1e6) / 86400.0
        value = self.ordinal[index] + np.where(self.working[index], share, 0.0)
        return np.where(ok, value, np.nan)

    def day(self, dates: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """ordinal (NaN where no day) and working (0/1, NaN where no day) of a date column."""
        index, ok = self.index(pd.to_datetime(dates))
        ordinal = np.where(ok, self.ordinal[index], np.nan)
        working = np.where(ok, self.working[index].astype(np.float64), np.nan)
        return ordinal, working


def _epoch(at: pd.Series) -> np.ndarray:
    """Seconds since 1970 as a float (NaN for NaT)."""
    values = at.to_numpy(dtype="datetime64[us]")
    return np.where(np.isnat(values), np.nan, values.astype(np.int64) / 1e6)


def _read(root: Path, table: str, columns: list[str] | None = None) -> pd.DataFrame:
    version = open_store(root)
    if version is None:
        raise ValueError(f"{root}: no dossier store")
    return pd.read_parquet(version.path / table, columns=columns)


def _period_of(days: pd.Series, periods: pd.DataFrame) -> np.ndarray:
    """Index of the period each timestamp's day falls in (-1 where none; NaT gives -1)."""
    day = days.to_numpy(dtype="datetime64[us]").astype("datetime64[D]")
    first = periods["first_day"].to_numpy(dtype="datetime64[D]")
    last = periods["last_day"].to_numpy(dtype="datetime64[D]")
    idx = np.searchsorted(first, day, side="right") - 1
    safe = np.clip(idx, 0, len(first) - 1)
    inside = ~np.isnat(day) & (idx >= 0) & (day <= last[safe])
    return np.where(inside, idx, -1)


def _periods(periods: Sequence[Period]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "idx": range(len(periods)),
            "period": [p.label for p in periods],
            "start_ts": pd.to_datetime([p.start for p in periods]).astype("datetime64[us]"),
            "end_ts": pd.to_datetime([p.end for p in periods]).astype("datetime64[us]"),
            "first_day": pd.to_datetime([p.first for p in periods]).astype("datetime64[us]"),
            "last_day": pd.to_datetime([p.judged_on for p in periods]).astype("datetime64[us]"),
        }
    )


# --- the families ---------------------------------------------------------------------------


def received(
    dossiers: pd.DataFrame, procedures: pd.DataFrame, periods: pd.DataFrame, method: ServiceMethod
) -> pd.DataFrame:
    """Dossiers received in each period, by unit and procedure, with the flags the rates count."""
    d = dossiers.assign(idx=_period_of(dossiers["received_at"], periods))
    d = d[d["idx"] >= 0].merge(
        procedures[["procedure_code", "requires_written_result"]], on="procedure_code"
    )
    online_channel = d["channel"] == "truc_tuyen"
    needs = method.written_result_needs_e_result & d["requires_written_result"]
    flags = pd.DataFrame(
        {
            "idx": d["idx"],
            "unit_code": d["unit_code"],
            "procedure_code": d["procedure_code"],
            "received": 1,
            "synced": d["synced"].astype(int),
            "submitted_online": online_channel.astype(int),
            "online": (online_channel & (d["e_result"] | ~needs)).astype(int),
            "fee_due": d["fee_due"].astype(int),
            "paid_online": (d["fee_due"] & d["paid_online"]).astype(int),
            "e_result": d["e_result"].astype(int),
            "digitised": d["digitised"].astype(int),
            "reused_data": d["reused_data"].astype(int),
            "personal_store": d["personal_store"].astype(int),
            "vneid": d["vneid"].astype(int),
        }
    )
    return flags.groupby(["idx", "unit_code", "procedure_code"], as_index=False).sum()


def progress(
    dossiers: pd.DataFrame,
    events: pd.DataFrame,
    procedures: pd.DataFrame,
    periods: pd.DataFrame,
    calendar: Calendar,
    method: ServiceMethod,
) -> pd.DataFrame:
    """2.1, 2.2, 5.3: every dossier in every period it was in a unit's hands, judged."""
    rules = method.on_time
    start, end = periods["start_ts"].iloc[0], periods["end_ts"].iloc[-1]
    finished_at = dossiers["finished_at"]
    columns = ["dossier_id", "unit_code", "procedure_code", "received_at", "due_at"]
    columns += ["finished_at", "complaint", "rating"]
    d = dossiers.loc[
        (dossiers["received_at"] < end) & (finished_at.isna() | (finished_at >= start)), columns
    ].reset_index(drop=True)
    last = len(periods) - 1
    d["first_idx"] = np.where(d["received_at"] < start, 0, _period_of(d["received_at"], periods))
    open_at_end = d["finished_at"].isna() | (d["finished_at"] >= end)
    d["last_idx"] = np.where(open_at_end, last, _period_of(d["finished_at"], periods))
    # one row per dossier and period between its first and last
    spans = (d["last_idx"] - d["first_idx"] + 1).to_numpy()
    h = d.loc[d.index.repeat(spans)].reset_index(drop=True)
    offsets = np.repeat(np.cumsum(spans) - spans, spans)
    h["idx"] = h["first_idx"].to_numpy() + np.arange(len(h)) - offsets
    period_end = periods["end_ts"].to_numpy()[h["idx"].to_numpy()]
    h["finished"] = (h["finished_at"] < period_end).fillna(False).astype(bool)
    if not rules.judge_open:
        h = h[h["finished"]].reset_index(drop=True)
        period_end = periods["end_ts"].to_numpy()[h["idx"].to_numpy()]
    h["end_at"] = h["finished_at"].where(h["finished"], pd.Series(period_end, index=h.index))

    # supplement requests: paused from the request to the next supplement change
    e = events[events["status"].isin(["supplement_requested", "supplement_supplied"])]
    e = e.sort_values(["dossier_id", "seq"])
    e = e.assign(resumed_at=e.groupby("dossier_id")["at"].shift(-1))
    asked = e.loc[e["status"] == "supplement_requested", ["dossier_id", "at", "resumed_at"]]
    sp = h[["idx", "dossier_id", "end_at"]].merge(asked, on="dossier_id")
    sp = sp[sp["at"] < sp["end_at"]]
    resumed = sp["resumed_at"].where(sp["resumed_at"] < sp["end_at"], sp["end_at"])
    sp = pd.DataFrame(
        {
            "idx": sp["idx"],
            "dossier_id": sp["dossier_id"],
            "requests": 1,
            "stopped_s": _epoch(resumed) - _epoch(sp["at"]),
            "stopped_wd": calendar.position(resumed) - calendar.position(sp["at"]),
        }
    )
    stops = sp.groupby(["idx", "dossier_id"], as_index=False).sum()

    t = h.merge(
        procedures[["procedure_code", "legal_limit", "legal_limit_unit"]], on="procedure_code"
    ).merge(stops, on=["idx", "dossier_id"], how="left")
    factor = 1.0 if rules.supplement_excluded else 0.0
    requests = t["requests"].fillna(0).to_numpy()
    stopped_s = factor * t["stopped_s"].fillna(0.0).to_numpy()
    stopped_wd = factor * t["stopped_wd"].fillna(0.0).to_numpy()
    elapsed_s = _epoch(t["end_at"]) - _epoch(t["received_at"])
    elapsed_wd = calendar.position(t["end_at"]) - calendar.position(t["received_at"])
    net_s = elapsed_s - stopped_s
    limit = t["legal_limit"].to_numpy() + 1e-9
    unit = t["legal_limit_unit"].to_numpy()
    appointment = (
        t["due_at"].notna().to_numpy()
        if rules.deadline == "appointment_else_legal_limit"
        else np.zeros(len(t), dtype=bool)
    )
    by_limit = np.select(
        [unit == "working_days", unit == "days"],
        [elapsed_wd - stopped_wd <= limit, net_s / 86400.0 <= limit],
        net_s / 3600.0 <= limit,
    )
    on_time = np.where(
        appointment, _epoch(t["end_at"]) - stopped_s <= _epoch(t["due_at"]), by_limit
    )
    if rules.overdue_at_request is not None:
        on_time &= requests < rules.overdue_at_request
    finished = t["finished"].to_numpy()
    unhappy = t["complaint"].to_numpy() | (t["rating"] == "dissatisfied").fillna(False).to_numpy()
    judged = pd.DataFrame(
        {
            "idx": t["idx"],
            "unit_code": t["unit_code"],
            "judged": 1,
            "on_time": on_time.astype(int),
            "overdue_or_complained": (~on_time).astype(int) + unhappy.astype(int),
            "finished": finished.astype(int),
            "processing_days": np.where(finished, net_s / 86400.0, 0.0),
        }
    )
    return judged.groupby(KEYS, as_index=False).sum()


def publicity(
    pairs: pd.DataFrame, periods: pd.DataFrame, calendar: Calendar, method: ServiceMethod
) -> pd.DataFrame:
    """1.1, 1.2, 1.3: the procedures under each unit's authority, in each period."""
    m = pairs.merge(periods[["idx", "first_day", "last_day"]], how="cross")
    decided = pd.to_datetime(m["publication_decision_date"])
    in_period = (decided >= m["first_day"]) & (decided <= m["last_day"])
    judged = m["legal_basis_effective_date"].notna()
    cd, wd = calendar.day(m["publication_decision_date"])
    ce, _ = calendar.day(m["legal_basis_effective_date"])
    cm, wm = calendar.day(m["made_public_date"])
    between = ce - cd - wd  # working days strictly between the decision and the effective day
    after = cm + wm - cd - wd  # working days after the decision day up to made public
    made_public = pd.to_datetime(m["made_public_date"]) <= m["last_day"]
    frame = pd.DataFrame(
        {
            "idx": m["idx"],
            "unit_code": m["unit_code"],
            "procedures": 1,
            "complete_parts": m["mandatory_parts_complete"].astype(int),
            "published": in_period.astype(int),
            "published_judged": (in_period & judged).astype(int),
            "published_on_time": (in_period & judged & (between >= method.publication_lead)).astype(
                int
            ),
            "made_public_on_time": (
                in_period & made_public & (after <= method.made_public_within)
            ).astype(int),
        }
    )
    return frame.groupby(KEYS, as_index=False).sum()


def online(pairs: pd.DataFrame, periods: pd.DataFrame, got: pd.DataFrame) -> pd.DataFrame:
    """3.1, 3.2, 4.1, 4.2, 6.6: the unit's procedures and whether dossiers used them."""
    u = pairs.merge(periods[["idx"]], how="cross").merge(
        got, on=["idx", "unit_code", "procedure_code"], how="left"
    )
    used = u[["received", "submitted_online", "fee_due", "paid_online", "vneid"]].fillna(0) > 0
    offered = u["online_level"] != "none"
    fee = u["has_fee"]
    frame = pd.DataFrame(
        {
            "idx": u["idx"],
            "unit_code": u["unit_code"],
            "procedures": 1,
            "offered_online": offered.astype(int),
            "online_used": (offered & used["submitted_online"]).astype(int),
            "fee_procedures": fee.astype(int),
            "fee_integrated": (fee & u["fee_online_integrated"]).astype(int),
            "fee_used": (fee & used["fee_due"]).astype(int),
            "fee_paid_online": (fee & used["paid_online"]).astype(int),
            "used": used["received"].astype(int),
            "vneid_used": used["vneid"].astype(int),
        }
    )
    return frame.groupby(KEYS, as_index=False).sum()


def feedback(
    fb: pd.DataFrame, periods: pd.DataFrame, calendar: Calendar, method: ServiceMethod
) -> pd.DataFrame:
    """5.1, 5.2: feedback sent in the period, judged against its working-day deadlines."""
    rules = method.feedback
    f = fb.assign(idx=_period_of(fb["sent_at"], periods))
    f = f[f["idx"] >= 0].reset_index(drop=True)
    end = pd.Series(periods["end_ts"].to_numpy()[f["idx"].to_numpy()], index=f.index)
    clock = f["transferred_at"].where(f["transferred_at"] < end, f["sent_at"])
    rejected_at = f["rejected_at"].where(f["rejected_at"] < end)
    asked_at = f["supplement_requested_at"].where(f["supplement_requested_at"] < end)
    published_at = f["published_at"].where(f["published_at"] < end)
    rejected, asked, published = rejected_at.notna(), asked_at.notna(), published_at.notna()
    c0 = calendar.position(clock)
    to_reject = calendar.position(rejected_at, strict=False) - c0
    to_ask = calendar.position(asked_at, strict=False) - c0
    to_publish = (
        np.where(published, calendar.position(published_at, strict=False), calendar.position(end))
        - c0
    )
    on_time = np.where(
        rejected,
        to_reject <= rules.reject_within + 1e-9,
        (~asked | (to_ask <= rules.supplement_request_within + 1e-9))
        & (to_publish <= rules.handle_within + 1e-9),
    )
    disliked = f["dislikes"] > (0 if rules.disliked == "any_dislike" else f["likes"])
    keep = (rejected | published).to_numpy() | rules.judge_open
    frame = pd.DataFrame(
        {
            "idx": f["idx"],
            "unit_code": f["unit_code"],
            "feedback": 1,
            "feedback_on_time": on_time.astype(int),
            "feedback_satisfied": (on_time & ~disliked & ~f["re_raised"]).astype(int),
        }
    )[keep]
    return frame.groupby(KEYS, as_index=False).sum()


def copies(
    units: pd.DataFrame, periods: pd.DataFrame, got: pd.DataFrame, method: ServiceMethod
) -> pd.DataFrame:
    """6.3: communes that returned an electronic certified copy in the period / communes."""
    codes = list(method.certified_copy_procedures)
    issued = got[got["procedure_code"].isin(codes)].groupby(KEYS, as_index=False)["e_result"].sum()
    c = (
        units.loc[units["level"] == "commune", ["unit_code"]]
        .merge(periods[["idx"]], how="cross")
        .merge(issued, on=KEYS, how="left")
    )
    frame = pd.DataFrame(
        {
            "idx": c["idx"],
            "unit_code": c["unit_code"],
            "copies_provided": (c["e_result"].fillna(0) > 0).astype(int),
            "communes": 1,
        }
    )
    return frame.groupby(KEYS, as_index=False).sum()


# --- everything -----------------------------------------------------------------------------


def pandas_counts(
    store: Path,
    method: ServiceMethod,
    calendar: WorkingCalendar,
    periods: Sequence[Period],
) -> pd.DataFrame:
    """period, unit, indicator, numerator, denominator of every indicator of `method`, every
    unit of the store and every period, rolled up to parent units (zero where nothing)."""
    p = _periods(periods)
    cal = Calendar(calendar)
    units = _read(store, "units")
    procedures = _read(store, "procedures")
    pairs = _read(store, "unit_procedures").merge(procedures, on="procedure_code")
    dossiers = _read(store, "dossiers")
    events = _read(store, "dossier_events")
    got = received(dossiers, procedures, p, method)
    families: dict[str, pd.DataFrame] = {
        "received": got.drop(columns="procedure_code").groupby(KEYS, as_index=False).sum(),
        "progress": progress(dossiers, events, procedures, p, cal, method),
        "publicity": publicity(pairs, p, cal, method),
        "online": online(pairs, p, got),
        "feedback": feedback(_read(store, "feedback"), p, cal, method),
        "copies": copies(units, p, got, method),
    }
    del dossiers, events
    long = []
    for indicator in method.indicators:
        numerator, denominator = COLUMNS[indicator.measure]
        frame = next(f for f in families.values() if numerator in f and denominator in f)
        long.append(
            pd.DataFrame(
                {
                    "idx": frame["idx"],
                    "unit": frame["unit_code"],
                    "indicator": indicator.code,
                    "numerator": frame[numerator].astype(float),
                    "denominator": frame[denominator].astype(float),
                }
            )
        )
    counts = pd.concat(long, ignore_index=True)
    rolled = (
        counts.merge(_closure(units), on="unit")
        .groupby(["idx", "ancestor", "indicator"], as_index=False)[["numerator", "denominator"]]
        .sum()
    )
    grid = (
        p[["idx", "period"]]
        .merge(units[["unit_code"]].rename(columns={"unit_code": "ancestor"}), how="cross")
        .merge(pd.DataFrame({"indicator": [i.code for i in method.indicators]}), how="cross")
    )
    out = grid.merge(rolled, on=["idx", "ancestor", "indicator"], how="left").fillna(
        {"numerator": 0.0, "denominator": 0.0}
    )
    return out.rename(columns={"ancestor": "unit"})[
        ["period", "unit", "indicator", "numerator", "denominator"]
    ]


def _closure(units: pd.DataFrame) -> pd.DataFrame:
    """unit → itself and each of its ancestors."""
    parent: dict[str, Any] = dict(zip(units["unit_code"], units["parent_code"], strict=True))
    rows = []
    for code in parent:
        seen, node = [code], parent.get(code)
        while node and node in parent and node not in seen:
            seen.append(node)
            node = parent.get(node)
        rows += [(code, a) for a in seen]
    return pd.DataFrame(rows, columns=["unit", "ancestor"])
