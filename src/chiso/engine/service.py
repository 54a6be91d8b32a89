"""Decision 766 service-quality indicators: from dossier records, or from counts.

Two entry points, one scoring:

- `compute_service` runs the named SQL of `chiso.engine.service_sql` on a DuckDB connection in
  which the tables of the data contract are visible (views over the Parquet store, or in-memory
  relations in tests), giving every indicator's numerator and denominator by unit × period (and
  by unit × procedure × period), then rolls them up to parent units and scores them.
- `score_service` starts from counts a province already has (the national portal's published
  counts, say) and scores them the same way.

Both return a `ServiceResult` of polars frames with the method's hash and the inputs' hash. The
engine reads no clock: the periods and their cut-off date are given.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import polars as pl

from chiso.engine.calendar import WorkingCalendar
from chiso.engine.framework import Display
from chiso.engine.problems import InputError, Problem
from chiso.engine.service_measures import MEASURES
from chiso.engine.service_method import ServiceMethod
from chiso.engine.service_periods import Period
from chiso.engine.service_scoring import (
    ServiceScores,
    ServiceUnit,
    counts_hash,
    procedure_rates,
    roll_up,
    score_counts,
)
from chiso.engine.service_sql import BOUNDS, FAMILIES, OVERDUE, RECEIVED
from chiso.engine.service_tables import KNOWN_ROW_HASHES, TABLES

_RUN_TABLES = (
    "chiso_periods",
    "chiso_period_days",
    "chiso_period_spans",
    "chiso_days",
    "chiso_settings",
    "chiso_copy_procedures",
)


@dataclass(frozen=True)
class ServiceResult:
    """Scores by unit and period (see `ServiceScores` for the frames' columns), and with
    `by_procedure`, `procedures`: period, unit, procedure, indicator, numerator, denominator,
    rate — the drill-down behind each rate (procedure indicators only; no points)."""

    method_id: str
    method_hash: str
    method_status: str
    inputs_hash: str
    display: Display
    periods: tuple[str, ...]
    as_of: dt.date | None
    units: pl.DataFrame
    groups: pl.DataFrame
    indicators: pl.DataFrame
    procedures: pl.DataFrame | None = None


# --- from counts --------------------------------------------------------------------------------


def score_service(
    method: ServiceMethod,
    counts: pl.DataFrame,
    units: Sequence[ServiceUnit],
    *,
    rolled_up: bool = True,
) -> ServiceResult:
    """Score `counts` (period, unit, indicator, numerator, denominator) of `units`. With
    `rolled_up`, a parent's counts are its own plus all its descendants'; without, each unit's
    counts are taken as given. An indicator a unit has no row for is not measured."""
    _check_counts(method, counts, units)
    periods = tuple(sorted(counts["period"].unique().to_list()))
    keys = ["period", "indicator"]
    table = roll_up(counts, units, keys) if rolled_up else counts
    scores = score_counts(method, table, units, periods, missing="not_measured")
    return _result(method, counts_hash(counts, units), periods, None, scores, None)


def _check_counts(
    method: ServiceMethod, counts: pl.DataFrame, units: Sequence[ServiceUnit]
) -> None:
    codes = {u.code for u in units}
    indicators = {i.code for i in method.indicators}
    problems = [
        Problem("INP002", "counts", {"unit": u})
        for u in sorted(set(counts["unit"].to_list()) - codes)
    ]
    problems += [
        Problem("SVC040", "counts", {"indicator": i})
        for i in sorted(set(counts["indicator"].to_list()) - indicators)
    ]
    if problems:
        raise InputError(problems)


# --- from records -------------------------------------------------------------------------------


def check_store(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    """Every table and column of the data contract that the connection does not show."""
    problems = []
    for table in TABLES:
        try:
            columns = {row[0] for row in con.execute(f"DESCRIBE {table.name}").fetchall()}
        except duckdb.CatalogException:
            problems.append(Problem("SVC050", table.name, {"table": table.name}))
            continue
        for name in table.names:
            if name not in columns:
                params = {"table": table.name, "column": name}
                problems.append(Problem("SVC051", f"{table.name}.{name}", params))
    return problems


def required_days(
    con: duckdb.DuckDBPyConnection, periods: Sequence[Period]
) -> tuple[dt.date, dt.date]:
    """The first and last day the computation will look up in the working-day calendar."""
    with _registered(con, None, None, periods):
        first, last = con.execute(BOUNDS).fetchone() or (None, None)
    return first or periods[0].first, last or periods[-1].end.date()


def compute_service(
    con: duckdb.DuckDBPyConnection,
    method: ServiceMethod,
    calendar: WorkingCalendar,
    periods: Sequence[Period],
    *,
    by_procedure: bool = False,
    days: tuple[dt.date, dt.date] | None = None,
) -> ServiceResult:
    """Every indicator of `method` for every unit of the `units` table and every period.
    `days`: the first and last day the calendar must cover, as `required_days` gave them for
    these periods (or for a span holding them), when the caller has them already; looked up
    otherwise, which reads the dossiers once more."""
    problems = check_store(con) or _check_calendar(con, calendar, periods, days)
    if problems:
        raise InputError(problems)
    units = _units(con)
    labels = tuple(p.label for p in periods)
    with _registered(con, method, calendar, periods):
        con.execute(RECEIVED)
        try:
            counts = measure_counts(con, method, procedure=False)
            detail = measure_counts(con, method, procedure=True) if by_procedure else None
        finally:
            con.execute("DROP TABLE IF EXISTS chiso_received")
    rolled = roll_up(counts, units, ["period", "indicator"])
    scores = score_counts(method, rolled, units, labels, missing="zero")
    procedures = None
    if detail is not None:
        rolled_detail = roll_up(detail, units, ["period", "procedure", "indicator"])
        procedures = procedure_rates(method, rolled_detail)
    inputs = _fingerprint(con, calendar, periods, by_procedure)
    as_of = periods[-1].judged_on if periods and periods[-1].judged_on < periods[-1].last else None
    return _result(method, inputs, labels, as_of, scores, procedures)


def overdue_dossiers(
    con: duckdb.DuckDBPyConnection,
    method: ServiceMethod,
    calendar: WorkingCalendar,
    periods: Sequence[Period],
    *,
    days: tuple[dt.date, dt.date] | None = None,
) -> pl.DataFrame:
    """The dossiers judged not on time (indicator 2.1) in each period, by the same rules as
    `compute_service`: period, unit_code, procedure_code, dossier_id, received_at, due_at,
    end_at, finished, requests (supplement requests), basis (`supplements`, `appointment` or
    `legal_limit`: the rule that judged it) and net_days (elapsed days less supplement time).
    Each dossier under its own unit (no roll-up). `days` as for `compute_service`."""
    problems = check_store(con) or _check_calendar(con, calendar, periods, days)
    if problems:
        raise InputError(problems)
    with _registered(con, method, calendar, periods):
        return _frame(con, OVERDUE)


def measure_counts(
    con: duckdb.DuckDBPyConnection, method: ServiceMethod, *, procedure: bool
) -> pl.DataFrame:
    """Long counts (period, unit[, procedure], indicator, numerator, denominator) of every
    indicator of `method`, from the family queries; the run's relations must be registered."""
    keys = "period, unit_code, procedure_code" if procedure else "period, unit_code"
    names = ["period", "unit", "procedure"] if procedure else ["period", "unit"]
    parts = []
    for family, query in FAMILIES.items():
        wanted = [
            i
            for i in method.indicators
            if MEASURES[i.measure].family == family
            and (MEASURES[i.measure].by_procedure or not procedure)
        ]
        if not wanted:
            continue
        frame = _frame(con, query.format(keys=keys))
        frame = frame.rename(dict(zip(keys.split(", "), names, strict=True)))
        for indicator in wanted:
            measure = MEASURES[indicator.measure]
            parts.append(
                frame.select(
                    *names,
                    pl.lit(indicator.code).alias("indicator"),
                    pl.col(measure.numerator).cast(pl.Float64).fill_null(0.0).alias("numerator"),
                    pl.col(measure.denominator)
                    .cast(pl.Float64)
                    .fill_null(0.0)
                    .alias("denominator"),
                )
            )
    schema = {n: pl.String for n in [*names, "indicator"]} | {
        "numerator": pl.Float64,
        "denominator": pl.Float64,
    }
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def _frame(con: duckdb.DuckDBPyConnection, query: str) -> pl.DataFrame:
    frame = con.sql(query).pl()
    assert isinstance(frame, pl.DataFrame), "a SELECT gives a table"
    return frame


def _units(con: duckdb.DuckDBPyConnection) -> list[ServiceUnit]:
    rows = con.execute(
        "SELECT unit_code, name, level, parent_code, block FROM units ORDER BY unit_code"
    ).fetchall()
    return [
        ServiceUnit(code, name, level, parent or None, block or "")
        for code, name, level, parent, block in rows
    ]


def _check_calendar(
    con: duckdb.DuckDBPyConnection,
    calendar: WorkingCalendar,
    periods: Sequence[Period],
    days: tuple[dt.date, dt.date] | None,
) -> list[Problem]:
    first, last = days or required_days(con, periods)
    if calendar.covers(first) and calendar.covers(last):
        return []
    params = {"first": first, "last": last, "start": calendar.start, "end": calendar.end}
    return [Problem("SVC052", "calendar", params)]


@contextmanager
def _registered(
    con: duckdb.DuckDBPyConnection,
    method: ServiceMethod | None,
    calendar: WorkingCalendar | None,
    periods: Sequence[Period],
) -> Iterator[None]:
    """The run's small relations, visible for the duration of the block."""
    _check_contiguous(periods)
    con.register("chiso_periods", _periods_frame(periods))
    con.register("chiso_period_days", _period_days(periods))
    con.register("chiso_period_spans", _period_spans(periods))
    if calendar is not None:
        con.register("chiso_days", calendar.days_frame())
    if method is not None:
        con.register("chiso_settings", _settings_frame(method))
        codes = pl.DataFrame({"procedure_code": list(method.certified_copy_procedures)})
        con.register("chiso_copy_procedures", codes)
    try:
        yield
    finally:
        for name in _RUN_TABLES:
            con.execute(f"DROP VIEW IF EXISTS {name}")


def _check_contiguous(periods: Sequence[Period]) -> None:
    """The period joins assume periods in order, each starting the day after the last ended."""
    if not periods:
        raise ValueError("no period to compute")
    for before, after in itertools.pairwise(periods):
        if after.first != before.last + dt.timedelta(days=1) or before.judged_on != before.last:
            raise ValueError(f"periods {before.label} and {after.label} are not contiguous")


def _period_days(periods: Sequence[Period]) -> pl.DataFrame:
    days = [
        (p.first + dt.timedelta(days=n), i)
        for i, p in enumerate(periods)
        for n in range((p.judged_on - p.first).days + 1)
    ]
    return pl.DataFrame(days, schema={"day": pl.Date, "idx": pl.Int32}, orient="row")


def _period_spans(periods: Sequence[Period]) -> pl.DataFrame:
    count = len(periods)
    spans = [(a, b, i) for a in range(count) for b in range(a, count) for i in range(a, b + 1)]
    schema = {"first_idx": pl.Int32, "last_idx": pl.Int32, "idx": pl.Int32}
    return pl.DataFrame(spans, schema=schema, orient="row")


def _periods_frame(periods: Sequence[Period]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "idx": list(range(len(periods))),
            "period": [p.label for p in periods],
            "start_ts": [p.start for p in periods],
            "end_ts": [p.end for p in periods],
            "first_day": [p.first for p in periods],
            "last_day": [p.judged_on for p in periods],
        },
        schema={
            "idx": pl.Int32,
            "period": pl.String,
            "start_ts": pl.Datetime("us"),
            "end_ts": pl.Datetime("us"),
            "first_day": pl.Date,
            "last_day": pl.Date,
        },
    )


def _settings_frame(method: ServiceMethod) -> pl.DataFrame:
    on_time, feedback = method.on_time, method.feedback
    row = {
        "use_appointment": on_time.deadline == "appointment_else_legal_limit",
        "pause_factor": 1.0 if on_time.supplement_excluded else 0.0,
        "overdue_requests": on_time.overdue_at_request,
        "judge_open": on_time.judge_open,
        "lead_days": method.publication_lead,
        "public_within": method.made_public_within,
        "written_needs_e_result": method.written_result_needs_e_result,
        "fb_reject": feedback.reject_within,
        "fb_supplement": feedback.supplement_request_within,
        "fb_handle": feedback.handle_within,
        "fb_judge_open": feedback.judge_open,
        "fb_any_dislike": feedback.disliked == "any_dislike",
    }
    return pl.DataFrame([row], schema_overrides={"overdue_requests": pl.Int64})


def _fingerprint(
    con: duckdb.DuckDBPyConnection,
    calendar: WorkingCalendar,
    periods: Sequence[Period],
    by_procedure: bool,
) -> str:
    """sha256 over each table's row count and the sum of its rows' hashes (so row order and
    file layout do not matter), the calendar's working days, the periods and the options."""
    digest = hashlib.sha256()
    known = known_row_hashes(con)
    for table in TABLES:
        count, total = known.get(table.name) or table_row_hash(con, table.name)
        digest.update(f"{table.name}\x1f{count}\x1f{total}\n".encode())
    days = calendar.days_frame()
    digest.update(days.select("day", "working").write_csv().encode())
    for p in periods:
        digest.update(f"{p.label}\x1f{p.first}\x1f{p.last}\x1f{p.end}\n".encode())
    digest.update(f"by_procedure={by_procedure}".encode())
    return "sha256:" + digest.hexdigest()


def table_row_hash(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[int, int | None]:
    """A table's row count and the sum of its rows' 64-bit hashes (None when it is empty)."""
    row = con.execute(f"SELECT COUNT(*), SUM(hash(t)) FROM {relation} AS t").fetchone()
    count, total = row or (0, None)
    return int(count), None if total is None else int(total)


def known_row_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int | None]]:
    """The tables' `table_row_hash` as the store recorded them when it wrote them
    (`KNOWN_ROW_HASHES`), if the connection shows them: hashing every row again costs as much
    as reading the whole store once more. Empty when absent, or recorded by another version of
    DuckDB (its hash function may differ)."""
    try:
        rows = con.execute(
            f"SELECT table_name, row_count, row_hash, hashed_by FROM {KNOWN_ROW_HASHES}"
        ).fetchall()
    except duckdb.CatalogException:
        return {}
    if any(by != duckdb.__version__ for *_, by in rows):
        return {}
    return {
        name: (int(count), None if total is None else int(total)) for name, count, total, _ in rows
    }


def _result(
    method: ServiceMethod,
    inputs_hash: str,
    periods: tuple[str, ...],
    as_of: dt.date | None,
    scores: ServiceScores,
    procedures: pl.DataFrame | None,
) -> ServiceResult:
    return ServiceResult(
        method_id=method.id,
        method_hash=method.hash,
        method_status=method.status,
        inputs_hash=inputs_hash,
        display=method.display,
        periods=periods,
        as_of=as_of,
        units=scores.units,
        groups=scores.groups,
        indicators=scores.indicators,
        procedures=procedures,
    )
