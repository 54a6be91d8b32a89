"""One computation of the Decision 766 indicators over the store, for a snapshot.

For a period spec (a year, a quarter or a month) the engine computes every unit's indicators,
groups and score for each month, each quarter and the whole period — one engine run per grain,
because a run takes contiguous periods — then the drill-down by unit × procedure for the whole
period, and the list of overdue dossiers behind indicator 2.1 for every one of those periods.
No Django models here: `services.py` freezes the outcome as a snapshot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import duckdb
import polars as pl

from chiso.engine.calendar import WorkingCalendar
from chiso.engine.problems import InputError, MethodError, Problem
from chiso.engine.service import (
    ServiceResult,
    check_store,
    compute_service,
    overdue_dossiers,
    required_days,
)
from chiso.engine.service_method import ServiceMethod
from chiso.engine.service_periods import Period, grain_of, periods_of
from chiso.io.calendar_files import load_calendar
from chiso.io.dossier_store import StoreVersion, connect, open_store
from chiso.io.service_method_files import load_service_method, resolve_service_method

DEFAULT_METHOD: Final = "qd766-2022"
# The grains a period is cut into, finest first; the last is the period itself.
GRAINS: Final = {
    "year": ("month", "quarter", "year"),
    "quarter": ("month", "quarter"),
    "month": ("month",),
}
Report = Callable[[int, int, str], None]


class ComputeError(Exception):
    """A computation that cannot run; `problems` say why (Vietnamese via `render`)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(p.render("en") for p in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Computation:
    """Scores of every unit in every period (`units`, `groups`, `indicators`: the engine's
    frames, the periods of all grains one after the other), the whole period's drill-down by
    procedure (with the procedures' names) and the overdue dossiers of every period.
    `inputs_hash` covers every engine run (each run's hash covers the tables, the calendar and
    its periods)."""

    spec: str
    periods: list[str]
    as_of: dt.date
    complete: bool
    method: ServiceMethod
    method_yaml: str
    inputs_hash: str
    units: pl.DataFrame
    groups: pl.DataFrame
    indicators: pl.DataFrame
    procedures: pl.DataFrame
    overdue: pl.DataFrame
    store: StoreVersion
    seconds: float


def snapshot_periods(spec: str, as_of: dt.date | None) -> list[list[Period]]:
    """The months, the quarters (of a year) and the whole period of `spec` judged as of
    `as_of`, one contiguous run per grain; a period that starts after `as_of` is left out."""
    runs = [periods_of(spec, by, as_of) for by in GRAINS[grain_of(spec)]]
    return [run for run in runs if run]


def period_title(spec: str) -> str:
    """'2025' → 'Năm 2025'; '2025-Q3' → 'Quý 3/2025'; '2025-07' → 'Tháng 07/2025'."""
    year, _, part = spec.partition("-")
    if not part:
        return f"Năm {year}"
    if part.startswith("Q"):
        return f"Quý {part[1:]}/{year}"
    return f"Tháng {part}/{year}"


def compute(
    root: Path, spec: str, as_of: dt.date | None, report: Report, method_name: str = DEFAULT_METHOD
) -> Computation:
    """Everything a snapshot holds, from the store's current version at `root`.
    `report(done, total, stage)` names the stage starting: a grain (`month`, `quarter`,
    `year`), then `procedures`, `overdue`, and `done` at the end."""
    started = time.perf_counter()
    method, method_yaml = _method(method_name)
    runs = snapshot_periods(spec, as_of)
    if not runs:
        raise ValueError(f"{spec} starts after {as_of}")  # the job's check refuses it first
    whole = runs[-1][-1]
    store = open_store(root)
    if store is None:
        raise ComputeError([Problem("SVC050", "store", {"table": "dossiers"})])
    stages = [*GRAINS[grain_of(spec)], "procedures", "overdue", "done"]
    con = connect(root)
    con.execute("SET enable_progress_bar = false")  # a worker's log is no terminal
    try:
        problems = check_store(con)
        if problems:
            raise ComputeError(problems)
        # every run lies within the months' span: the days it needs are within these
        days = required_days(con, runs[0])
        calendar = _calendar(method, days)
        results: list[ServiceResult] = []
        for run in runs:
            report(len(results), len(stages) - 1, stages[len(results)])
            results.append(compute_service(con, method, calendar, run, days=days))
        report(len(runs), len(stages) - 1, "procedures")
        detail = compute_service(con, method, calendar, [whole], by_procedure=True, days=days)
        report(len(runs) + 1, len(stages) - 1, "overdue")
        overdue = pl.concat(
            [overdue_dossiers(con, method, calendar, run, days=days) for run in runs]
        )
        procedures = _with_names(con, detail.procedures)
    except InputError as exc:
        raise ComputeError(exc.problems) from None
    finally:
        con.close()
    report(len(stages) - 1, len(stages) - 1, "done")
    return Computation(
        spec=spec,
        periods=[p.label for run in runs for p in run],
        as_of=whole.judged_on,
        complete=whole.judged_on >= whole.last,
        method=method,
        method_yaml=method_yaml,
        inputs_hash=_combined([*(r.inputs_hash for r in results), detail.inputs_hash]),
        units=pl.concat([r.units for r in results]),
        groups=pl.concat([r.groups for r in results]),
        indicators=pl.concat([r.indicators for r in results]),
        procedures=procedures,
        overdue=overdue,
        store=store,
        seconds=time.perf_counter() - started,
    )


def _combined(hashes: list[str]) -> str:
    return "sha256:" + hashlib.sha256("\n".join(hashes).encode()).hexdigest()


def _method(name: str) -> tuple[ServiceMethod, str]:
    path = resolve_service_method(name)
    try:
        return load_service_method(path), path.read_text(encoding="utf-8")
    except MethodError as exc:
        raise ComputeError(exc.problems) from None
    except OSError as exc:
        raise ComputeError([Problem("SVC000", str(path), {"detail": str(exc)})]) from None


def _calendar(method: ServiceMethod, days: tuple[dt.date, dt.date]) -> WorkingCalendar:
    try:
        return load_calendar(days[0].year, days[1].year, country=method.calendar)
    except MethodError as exc:
        raise ComputeError(exc.problems) from None


def _with_names(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame | None) -> pl.DataFrame:
    if frame is None:
        return pl.DataFrame()
    names = con.sql("SELECT procedure_code AS procedure, name AS procedure_name FROM procedures")
    table = names.pl()
    assert isinstance(table, pl.DataFrame)
    return frame.join(table.unique("procedure"), on="procedure", how="left")


# --- the overdue list as Parquet -----------------------------------------------------------------


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd")
    return buffer.getvalue()


def parquet_frame(data: bytes | memoryview) -> pl.DataFrame:
    return pl.read_parquet(io.BytesIO(bytes(data)))
