"""Benchmark the Decision 766 indicators from records and write their section (`service`) of
docs/benchmarks.md.

    python -m benchmarks.service [--write docs/benchmarks.md] [--quick] [--date YYYY-MM-DD]

`make bench` runs it after the other sections (`benchmarks.run` calls `run_section`). The
committed synthetic generator (`chiso service generate`: `chiso.engine.service_synthetic*`, seed
1) makes a province of 150 units with **1,000,000 and 10,000,000 dossiers** received in 2025 and
their status history, written as a Parquet dossier store; stores are cached under
`var/cache/bench-service/` (or `$CHISO_BENCH_CACHE`) keyed by size, units, year, seed and a hash
of the generator's source, and the generation time is reported apart.

Measured for every size, each run in a fresh child process (so that its peak resident memory —
the kernel's high-water mark `VmHWM`, DuckDB's native memory included — is its own; its wall and
CPU time are taken apart), DuckDB and pandas alternating so that a busy spell on the shared
machine falls on both:

- the engine, as `chiso service compute STORE --period 2025 --by month` runs it: open the store
  (DuckDB views over the Parquet files), check it, load the calendar and `compute_service` —
  every indicator's numerator and denominator by unit × month in SQL, roll-up to parents,
  scores, ranks and the inputs' fingerprint; DuckDB with one thread per core;
- the baseline, `benchmarks.service_pandas.pandas_counts`: the same numerators and denominators
  by unit × month, rolled up, written the straightforward way in pandas, under a time and
  memory cap: a run over the cap is stopped and reported as such.

On the 1M set the two are checked cell by cell (period × unit × indicator, numerator and
denominator) before any time is reported; at 10M too when pandas finishes. The engine's costliest
statement is then profiled (every statement timed, and DuckDB's profiler inside the progress
query), and one more DuckDB run at the largest size under a 1 GB memory limit shows that it
spills rather than fails. Outside the engine: reads the clock and the machine.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from benchmarks.run import _wrap, machine
from benchmarks.sections import write_marked

START = "<!-- bench:service:start -->"
END = "<!-- bench:service:end -->"
METHOD = "qd766-2022"
YEAR = 2025
SEED = 1
GIB = 1024**3
ROOT = Path(__file__).resolve().parent.parent
GENERATOR_SOURCES = (
    "src/chiso/engine/service_synthetic.py",
    "src/chiso/engine/service_synthetic_dossiers.py",
    "src/chiso/engine/service_synthetic_feedback.py",
    "src/chiso/engine/service_tables.py",
    "src/chiso/io/synthetic_store.py",
    "src/chiso/io/dossier_store.py",
    f"src/chiso/methods/calendar/vn-{YEAR}.yaml",
    f"src/chiso/methods/calendar/vn-{YEAR + 1}.yaml",
)


@dataclass(frozen=True)
class Settings:
    sizes: tuple[int, ...] = (1_000_000, 10_000_000)
    units: int = 150
    checked_up_to: int = 1_000_000  # pandas must finish and agree on sizes up to this
    engine_repeats: int = 3
    engine_repeats_large: int = 3  # above `checked_up_to`
    pandas_repeats: int = 3
    pandas_repeats_large: int = 1
    pandas_seconds: float = 1800.0  # cap on one pandas run
    pandas_memory: int = 16 * GIB  # cap on the pandas process's resident memory (10M needs 11–13)
    threads: int = len(os.sched_getaffinity(0))
    memory_limit: str | None = None  # DuckDB's memory_limit (None: its default, 80 % of RAM)
    tight_memory: str | None = "1GB"  # one more DuckDB run at the largest size with this limit
    single_thread: bool = True  # one more DuckDB run per size with one thread
    cache: Path | None = None

    @classmethod
    def quick(cls) -> Settings:
        return cls(
            sizes=(100_000, 1_000_000),
            engine_repeats=1,
            engine_repeats_large=1,
            tight_memory=None,
            pandas_repeats=1,
            pandas_seconds=300.0,
            pandas_memory=4 * GIB,
        )

    @classmethod
    def tiny(cls, cache: Path | None = None) -> Settings:
        return cls(
            sizes=(5_000,),
            units=20,
            checked_up_to=5_000,
            engine_repeats=2,
            pandas_repeats=1,
            pandas_seconds=120.0,
            pandas_memory=2 * GIB,
            tight_memory="256MB",
            cache=cache,
        )


# --- the stores -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Store:
    path: Path
    dossiers: int
    events: int
    feedback: int
    generated_s: float  # when it was made (it may come from the cache)
    generated_load: float  # the load average then
    cached: bool


def generator_version() -> str:
    """A hash of the generator's source and the calendars it draws on: a change makes new data."""
    digest = hashlib.sha256()
    for name in GENERATOR_SOURCES:
        digest.update(name.encode() + b"\0" + (ROOT / name).read_bytes())
    return digest.hexdigest()[:12]


def cache_dir(settings: Settings) -> Path:
    if settings.cache is not None:
        return settings.cache
    env = os.environ.get("CHISO_BENCH_CACHE")
    return Path(env) if env else ROOT / "var" / "cache" / "bench-service"


def store_for(n: int, settings: Settings, say: Callable[[str], None]) -> Store:
    """The generated store of `n` dossiers, from the cache or made now (atomically)."""
    from chiso.engine.service_synthetic import SyntheticSpec
    from chiso.engine.service_synthetic_feedback import generate
    from chiso.io.calendar_files import load_calendar
    from chiso.io.dossier_store import open_store
    from chiso.io.synthetic_store import write_synthetic

    key = f"n{n}-u{settings.units}-y{YEAR}-s{SEED}-g{generator_version()}"
    folder = cache_dir(settings) / key
    info = folder / "bench.json"
    cached = info.exists() and open_store(folder) is not None
    if not cached:
        say(f"service: generating {n:,} dossiers into {folder} …")
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".tmp-{key}-", dir=folder.parent))
        try:
            calendar = load_calendar(YEAR, YEAR + 1)
            started = time.perf_counter()
            write_synthetic(
                generate(SyntheticSpec(settings.units, n, YEAR, SEED), calendar), staging
            )
            seconds = time.perf_counter() - started
            meta = {"generated_s": seconds, "load": os.getloadavg()[0]}
            (staging / "bench.json").write_text(json.dumps(meta))
            if folder.exists():
                shutil.rmtree(folder)
            staging.rename(folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    version = open_store(folder)
    assert version is not None, f"{folder}: not a store"
    meta = json.loads(info.read_text())
    return Store(
        path=folder,
        dossiers=version.rows("dossiers"),
        events=version.rows("dossier_events"),
        feedback=version.rows("feedback"),
        generated_s=float(meta["generated_s"]),
        generated_load=float(meta.get("load", 0.0)),
        cached=cached,
    )


# --- the measurements (each in a child process) -----------------------------------------------


def _status(pid: int | str, field: str) -> int:
    """A memory line of /proc/PID/status (`VmRSS`, `VmHWM`) in bytes; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def rss_now() -> int:
    """This process's resident memory now, in bytes."""
    return _status("self", "VmRSS")


def peak_rss() -> int:
    """This process's resident high-water mark, in bytes. Not `ru_maxrss`: on Linux that
    carries over the parent's high-water mark across fork and exec, so a child of a big
    process would report at least the parent's size."""
    return _status("self", "VmHWM")


class _TimedRelation:
    def __init__(self, owner: TimedConnection, relation: Any, label: str, explained: bool):
        self.owner, self.relation, self.label, self.explained = owner, relation, label, explained

    def pl(self) -> Any:
        started = time.perf_counter()
        try:
            return self.relation.pl()
        finally:
            self.owner.spent[self.label] += time.perf_counter() - started
            if self.explained:
                self.owner.con.execute("PRAGMA disable_profiling")
                self.owner.read_operators()


class TimedConnection:
    """A DuckDB connection that adds up the time of each statement, labelled by what it is
    (its leading comment), for the breakdown of one run; the statement labelled `explain` is
    also run under DuckDB's profiler, whose operator timings land in `operators`. Everything
    else is passed through."""

    def __init__(self, con: Any, explain: str | None = None, folder: Path | None = None):
        self.con = con
        self.spent: dict[str, float] = defaultdict(float)
        self.explain = explain
        self.profile_file = (folder or Path(tempfile.gettempdir())) / f"duckdb-{os.getpid()}.json"
        self.operators: dict[str, Any] = {}

    @staticmethod
    def label(query: str) -> str:
        from chiso.engine.service_sql import BOUNDS, FAMILIES, RECEIVED

        first = query.strip().split("\n", 1)[0]
        if first.startswith("SELECT COUNT(*), SUM(hash(t))"):
            return "inputs fingerprint (hash of every row)"
        if first.startswith("SELECT table_name, row_count, row_hash"):
            return "inputs fingerprint (row hashes the store recorded)"
        named = {RECEIVED: "dossiers received (temp table)", BOUNDS: "calendar bounds"}
        named |= {sql: f"{family} query" for family, sql in FAMILIES.items()}
        for sql, name in named.items():
            if sql.strip().split("\n", 1)[0] == first:
                return name
        return "other statements"

    def execute(self, query: str, *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return self.con.execute(query, *args)
        finally:
            self.spent[self.label(query)] += time.perf_counter() - started

    def sql(self, query: str) -> _TimedRelation:
        label = self.label(query)
        explained = label == self.explain
        if explained:
            self.con.execute("PRAGMA enable_profiling = 'json'")
            self.con.execute(f"PRAGMA profiling_output = '{self.profile_file.as_posix()}'")
        return _TimedRelation(self, self.con.sql(query), label, explained)

    def read_operators(self) -> None:
        """The profiled statement's CPU time and its costliest operators (label, seconds of
        CPU summed over threads, rows out)."""
        data = json.loads(self.profile_file.read_text())
        self.profile_file.unlink()
        rows: list[tuple[str, float, int]] = []

        def walk(node: dict[str, Any]) -> None:
            rows.append((_operator(node), float(node.get("timing", 0.0)), _rows_of(node)))
            for child in node.get("children", []):
                walk(child)

        for node in data.get("operator", []):
            walk(node)
        rows.sort(key=lambda row: -row[1])
        self.operators = {
            "cpu": float(data.get("query", {}).get("cpu_time", sum(r[1] for r in rows))),
            "top": rows[:8],
        }

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)


def _rows_of(node: dict[str, Any]) -> int:
    return int(node.get("rows_scanned") or node.get("intermediate_rows") or 0)


def _operator(node: dict[str, Any]) -> str:
    """A DuckDB profiler node in words."""
    name, info = str(node.get("name", "")), node.get("extra_info", {})
    if name == "READ_PARQUET":
        files = str(info.get("Filename(s)", ""))
        return f"reading `{Path(files.split(',')[0]).parent.name}` (Parquet)"
    if name == "WINDOW" and "lead(" in str(info.get("Projections", "")):
        return "window `LEAD` (the next supplement change of each dossier)"
    if name == "CTE":
        consumers = info.get("Materialized Consumers", "")
        return f"materialising the CTE `{info.get('CTE Name', '')}` (read by {consumers})"
    if name == "HASH_JOIN":
        conditions = info.get("Conditions", "")
        if isinstance(conditions, list):
            conditions = ", ".join(conditions)
        return f"hash join ({str(info.get('Join Type', '')).lower()}) on {conditions}"
    if name == "HASH_GROUP_BY":
        return "hash group by"
    return name.lower().replace("_", " ")


def engine_run(
    store: Path,
    threads: int,
    memory_limit: str | None,
    profile: dict[str, float] | None = None,
    operators: dict[str, Any] | None = None,
) -> pl.DataFrame:
    """What `chiso service compute STORE --period 2025 --by month` does before printing:
    the indicators table (period, unit, indicator, numerator, denominator, …)."""
    from chiso.engine.service import check_store, compute_service, required_days
    from chiso.engine.service_periods import periods_of
    from chiso.io.calendar_files import load_calendar
    from chiso.io.dossier_store import connect
    from chiso.io.service_method_files import load_service_method

    method = load_service_method(METHOD)
    periods = periods_of(str(YEAR), "month")
    raw = connect(store)
    raw.execute(f"SET threads = {int(threads)}")
    raw.execute("SET enable_progress_bar = false")
    if memory_limit:
        raw.execute(f"SET memory_limit = '{memory_limit}'")
    con: Any = TimedConnection(raw, explain="progress query") if profile is not None else raw
    try:
        problems = check_store(con)
        if problems:
            raise ValueError(f"{store}: {problems}")
        days = required_days(con, periods)
        calendar = load_calendar(days[0].year, days[1].year, country=method.calendar)
        if isinstance(con, TimedConnection):
            con.spent.clear()
        started = time.perf_counter()
        result = compute_service(con, method, calendar, periods, days=days)
        if profile is not None:
            total = time.perf_counter() - started
            profile.update(con.spent)
            profile["roll-up, scores and ranks (polars)"] = total - sum(con.spent.values())
            if operators is not None:
                operators.update(con.operators)
        return result.indicators
    finally:
        raw.close()


def pandas_run(store: Path) -> pl.DataFrame:
    from benchmarks.service_pandas import pandas_counts
    from chiso.engine.service_periods import periods_of
    from chiso.io.calendar_files import load_calendar
    from chiso.io.service_method_files import load_service_method

    method = load_service_method(METHOD)
    calendar = load_calendar(YEAR, YEAR + 1, country=method.calendar)
    counts = pandas_counts(store, method, calendar, periods_of(str(YEAR), "month"))
    return pl.from_pandas(counts)


def measure(
    kind: str,
    store: Path,
    threads: int,
    memory_limit: str | None,
    out: Path,
    profiled: bool,
) -> dict[str, Any]:
    """Run in the child: one timed run (wall and CPU time), its counts written to `out`, then
    (engine, `profiled`) one more run with every statement timed. The modules a run uses are
    imported first, so that the run pays for no import and the resident memory at the start
    is that of the loaded libraries."""
    import importlib

    modules = ["chiso.engine.service", "chiso.io.dossier_store", "chiso.io.calendar_files"]
    modules += ["chiso.io.service_method_files", "chiso.engine.service_periods"]
    modules += ["duckdb"] if kind == "engine" else ["pandas", "benchmarks.service_pandas"]
    for module in modules:
        importlib.import_module(module)
    start_rss = rss_now()
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    frame = engine_run(store, threads, memory_limit) if kind == "engine" else pandas_run(store)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = peak_rss()
    print(f"service: {kind} run {seconds:.2f} s (CPU {cpu:.2f} s)", file=sys.stderr)
    frame.select("period", "unit", "indicator", "numerator", "denominator").write_parquet(out)
    profile: dict[str, float] = {}
    operators: dict[str, Any] = {}
    if kind == "engine" and profiled:
        engine_run(store, threads, memory_limit, profile, operators)
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak_rss": peak,
        "start_rss": start_rss,
        "profile": profile,
        "operators": operators,
    }


@dataclass
class Child:
    """What child measurements of one kind on one store gave (one run each), or why one was
    stopped."""

    kind: str
    runs: list[float] = field(default_factory=list)  # wall time of each run
    cpu: list[float] = field(default_factory=list)  # CPU time of each run (all its threads)
    loads: list[float] = field(default_factory=list)  # 1-minute load average at each start
    peak_rss: int = 0  # the highest high-water mark of the children
    start_rss: int = 0
    profile: dict[str, float] = field(default_factory=dict)  # seconds by statement
    operators: dict[str, Any] = field(default_factory=dict)  # inside the progress query
    stopped: str | None = None  # "time" or "memory" when over a cap
    elapsed: float = 0.0  # wall time of the child that was stopped
    counts: Path | None = None

    @property
    def median(self) -> float:
        return _median(self.runs)

    @property
    def median_cpu(self) -> float:
        return _median(self.cpu)

    @property
    def load(self) -> float:
        return max(self.loads, default=0.0)

    def add(self, other: Child) -> None:
        self.runs += other.runs
        self.cpu += other.cpu
        self.loads += other.loads
        self.peak_rss = max(self.peak_rss, other.peak_rss)
        self.start_rss = other.start_rss or self.start_rss
        self.profile = other.profile or self.profile
        self.operators = other.operators or self.operators
        self.stopped, self.elapsed = other.stopped or self.stopped, other.elapsed
        self.counts = other.counts or self.counts


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def run_child(
    kind: str,
    store: Path,
    settings: Settings,
    out: Path,
    *,
    seconds: float | None = None,
    memory: int | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
    profiled: bool = False,
) -> Child:
    """One run in a child process, its high-water mark sampled from /proc; the child (this
    one only) is stopped when it goes over `seconds` or `memory`. DuckDB's memory limit is
    `memory_limit`, else the settings'; its threads `threads`, else the settings'."""
    command = [sys.executable, "-m", "benchmarks.service", "--measure", kind, "--store"]
    command += [str(store), "--threads", str(threads or settings.threads), "--out", str(out)]
    limit = memory_limit or settings.memory_limit
    command += ["--memory-limit", limit] if limit else []
    command += ["--profiled"] if profiled else []
    result = Child(kind, loads=[os.getloadavg()[0]])
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    sampled = 0
    while child.poll() is None:
        sampled = max(sampled, _status(child.pid, "VmHWM"))
        elapsed = time.perf_counter() - started
        over = (
            "time"
            if seconds is not None and elapsed > seconds
            else "memory"
            if memory is not None and sampled > memory
            else None
        )
        if over:
            child.send_signal(signal.SIGKILL)
            child.wait()
            result.stopped, result.elapsed, result.peak_rss = over, elapsed, sampled
            return result
        time.sleep(0.1)
    output = child.stdout.read() if child.stdout else ""
    if child.returncode != 0:
        raise RuntimeError(f"the {kind} measurement failed (exit {child.returncode})")
    data = json.loads(output.strip().splitlines()[-1])
    result.runs, result.cpu = [data["seconds"]], [data["cpu"]]
    result.start_rss, result.profile = data["start_rss"], data["profile"]
    result.operators = data["operators"]
    # the child's own high-water mark at the end of the timed run (the profiled run after it
    # is not counted; a sample may have caught it)
    result.peak_rss = data["peak_rss"]
    result.elapsed = time.perf_counter() - started
    result.counts = out
    return result


# --- agreement ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    cells: int  # period × unit × indicator cells compared (numerator and denominator each)
    float_cells: int  # of which sums of durations, compared to 1e-9 relative
    float_max_difference: float  # the largest relative difference among them


def compare_counts(
    engine: pl.DataFrame, baseline: pl.DataFrame, float_indicators: Sequence[str]
) -> Agreement:
    """Every cell of one equals the other's: counts exactly, sums of durations (float sums,
    whose last bits depend on the order of addition) to 1e-9 relative."""
    keys = ["period", "unit", "indicator"]
    if engine.height != baseline.height:
        raise AssertionError(f"{engine.height} engine cells, {baseline.height} pandas cells")
    joined = engine.join(baseline, on=keys, how="full", suffix="_pandas", coalesce=True)
    floats = pl.col("indicator").is_in(list(float_indicators))
    worst = 0.0
    for column in ("numerator", "denominator"):
        ours, theirs = pl.col(column), pl.col(f"{column}_pandas")
        relative = (ours - theirs).abs() / pl.max_horizontal(ours.abs(), theirs.abs(), 1.0)
        differs = (
            ours.is_null()
            | theirs.is_null()
            | pl.when(floats).then(relative > 1e-9).otherwise(ours != theirs)
        )
        bad = joined.filter(differs)
        if bad.height:
            row = bad.row(0, named=True)
            raise AssertionError(
                f"pandas and the engine differ on {bad.height} {column}s, e.g. {row}"
            )
        worst = max(worst, float(joined.filter(floats).select(relative.max()).item() or 0.0))
    return Agreement(joined.height, joined.filter(floats).height, worst)


def float_indicators() -> list[str]:
    from benchmarks.service_pandas import FLOAT_MEASURES
    from chiso.io.service_method_files import load_service_method

    method = load_service_method(METHOD)
    return [i.code for i in method.indicators if i.measure in FLOAT_MEASURES]


def check_total(counts: pl.DataFrame, store: Store) -> int:
    """Sanity at every size: the province's dossiers received over the twelve months (1.4's
    denominator at the top unit) is every dossier generated."""
    from chiso.io.service_method_files import load_service_method

    method = load_service_method(METHOD)
    code = next(i.code for i in method.indicators if i.measure == "dossiers_synced")
    units = pl.read_parquet(store.path / _current(store.path) / "units" / "*.parquet")
    top = units.filter(pl.col("parent_code").is_null() | (pl.col("parent_code") == ""))
    received = counts.filter(
        pl.col("indicator") == code, pl.col("unit").is_in(top["unit_code"].to_list())
    )["denominator"].sum()
    if int(received) != store.dossiers:
        raise AssertionError(f"{received} dossiers counted, {store.dossiers} generated")
    return int(received)


def _current(root: Path) -> str:
    return (root / "CURRENT").read_text().strip()


# --- the benchmark --------------------------------------------------------------------------


@dataclass
class SizeResult:
    store: Store
    engine: Child
    pandas: Child
    agreement: Agreement | None
    tight: Child | None = None  # DuckDB under `Settings.tight_memory`
    single: Child | None = None  # DuckDB with one thread


@dataclass
class ServiceBench:
    sizes: list[SizeResult]
    load: float
    threads: int
    memory_limit: str | None
    units: int


def bench(settings: Settings, say: Callable[[str], None]) -> ServiceBench:
    load = os.getloadavg()[0]
    floats = float_indicators()
    results = []
    with tempfile.TemporaryDirectory(prefix="chiso-bench-service-") as tmp:
        for n in settings.sizes:
            store = store_for(n, settings, say)
            large = n > settings.checked_up_to
            runs = settings.engine_repeats_large if large else settings.engine_repeats
            tries = settings.pandas_repeats_large if large else settings.pandas_repeats
            engine, pandas = Child("engine"), Child("pandas")
            # alternate the two, so that a busy spell on the machine falls on both
            for i in range(max(runs, tries)):
                if i < runs:
                    say(f"service: DuckDB on {n:,} dossiers, run {i + 1} of {runs} …")
                    out = Path(tmp) / f"engine-{n}-{i}.parquet"
                    engine.add(run_child("engine", store.path, settings, out, profiled=i == 0))
                    assert engine.counts is not None
                    counts = pl.read_parquet(engine.counts)
                    check_total(counts, store)
                    if i == 0:
                        first = counts
                    else:  # every run gives the same cells
                        compare_counts(first, counts, floats)
                if i < tries and not pandas.stopped:
                    say(f"service: pandas on {n:,} dossiers, run {i + 1} of {tries} …")
                    pandas.add(
                        run_child(
                            "pandas",
                            store.path,
                            settings,
                            Path(tmp) / f"pandas-{n}-{i}.parquet",
                            seconds=settings.pandas_seconds,
                            memory=settings.pandas_memory,
                        )
                    )
            if pandas.stopped and not large:
                raise RuntimeError(
                    f"pandas was stopped ({pandas.stopped}) on {n:,} dossiers, where it must "
                    "finish to check the engine"
                )
            assert engine.counts is not None
            agreement = None
            if pandas.counts is not None:
                agreement = compare_counts(
                    pl.read_parquet(engine.counts), pl.read_parquet(pandas.counts), floats
                )
            single = None
            if settings.single_thread and settings.threads > 1:
                say(f"service: DuckDB on {n:,} dossiers with one thread …")
                out = Path(tmp) / f"engine-{n}-single.parquet"
                single = run_child("engine", store.path, settings, out, threads=1)
                assert single.counts is not None
                compare_counts(first, pl.read_parquet(single.counts), floats)
            results.append(SizeResult(store, engine, pandas, agreement, single=single))
        if settings.tight_memory:
            last = results[-1]
            say(f"service: DuckDB with memory_limit = {settings.tight_memory} …")
            last.tight = run_child(
                "engine",
                last.store.path,
                settings,
                Path(tmp) / "engine-tight.parquet",
                memory_limit=settings.tight_memory,
            )
            assert last.engine.counts is not None and last.tight.counts is not None
            compare_counts(
                pl.read_parquet(last.engine.counts), pl.read_parquet(last.tight.counts), floats
            )
    return ServiceBench(results, load, settings.threads, settings.memory_limit, settings.units)


# --- the section ----------------------------------------------------------------------------


def _s(seconds: float) -> str:
    return f"{seconds:,.1f} s" if seconds >= 10 else f"{seconds:.2f} s"


def _gib(size: int) -> str:
    return f"{size / GIB:.2f} GiB" if size >= GIB / 2 else f"{size / 1024**2:,.0f} MiB"


def _count(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else f"{n:,}"


def _pandas_cell(child: Child, settings: Settings) -> tuple[str, str]:
    if child.stopped == "time":
        minutes = settings.pandas_seconds / 60
        return f"stopped at the {minutes:.0f}-minute cap", _gib(child.peak_rss)
    if child.stopped == "memory":
        cap = settings.pandas_memory / GIB
        return f"stopped at the {cap:.0f} GiB cap after {_s(child.elapsed)}", f"> {cap:.0f} GiB"
    return f"{_s(child.median)} / {_s(child.median_cpu)} ({len(child.runs)})", _gib(child.peak_rss)


def render(b: ServiceBench, settings: Settings, command: str, date: str, quick: bool) -> str:
    largest = b.sizes[-1]
    sizes = " and ".join(_count(r.store.dossiers) for r in b.sizes)
    limit = f"`memory_limit = '{b.memory_limit}'`" if b.memory_limit else "its default memory limit"
    lines = [
        START,
        f"## Decision 766 indicators: {sizes} dossiers",
        "",
        *(
            ["> **Quick run** (`--quick`): smaller stores, one run each; not for comparison.", ""]
            if quick
            else []
        ),
        "A synthetic province from the committed generator (`chiso service generate --units "
        f"{b.units} --year {YEAR} --seed {SEED}`, labelled synthetic in the store): {b.units} "
        "units, 409 procedures, dossiers received over the year with their status history "
        "(supplement requests, dossiers still open at the end), feedback, written as a Parquet "
        "dossier store. Measured: **every indicator by unit × month** (22 indicators × 12 "
        "months × every unit, rolled up to the province) through the DuckDB path, as `chiso "
        f"service compute STORE --period {YEAR} --by month` runs it — open the store, check it, "
        "load the calendar, `compute_service`: the SQL of every indicator family, the roll-up, "
        "scores and ranks, and the fingerprint of the inputs (from the row hashes the store "
        "recorded when it wrote the tables). DuckDB "
        f"{_version('duckdb')} with `threads = {b.threads}` (the cores) and {limit}. Every "
        "run is a fresh child process, DuckDB and pandas alternating so that a busy spell on "
        "the machine (it is shared) falls on both; the table gives the median wall time and "
        "the median CPU time (user + system, all threads) of the runs, and the range of the "
        "1-minute load average when they started. Peak memory is the process's resident "
        "high-water mark (`VmHWM` in `/proc`, sampled while it runs so that a stopped run has "
        "one too; not `ru_maxrss`, which Linux carries over from the parent across fork and "
        "exec), so DuckDB's native buffers count — of which the interpreter with the "
        f"libraries loaded is {_gib(largest.engine.start_rss)}.",
        "",
        "Baseline: `benchmarks/service_pandas.py`, the same numerators and denominators "
        f"written the straightforward way in pandas {_version('pandas')} — `read_parquet`, "
        "boolean masks, merges and groupbys, the same on-time rules (supplement time excluded, "
        "a second supplement request overdue, open dossiers judged at the period's end, "
        "appointment date or legal limit in working days), the same roll-up — and nothing "
        "more (no scores, no fingerprint, no checks). A pandas run is capped at "
        f"{settings.pandas_seconds / 60:.0f} minutes and {settings.pandas_memory / GIB:.0f} "
        "GiB. Before any time is reported the two are compared cell by cell (period × unit × "
        f"indicator, numerator and denominator): {_agreement(b)}. Every count is equal "
        "exactly; the sums of processing days (2.2's numerator) to 1e-9 relative, as float "
        "sums depend on the order of addition. At every size the province's received "
        "dossiers over the year are checked to be every dossier generated.",
        "",
        "| dossiers | status events | DuckDB wall / CPU (runs) | pandas wall / CPU (runs) | "
        "pandas / DuckDB, wall | pandas / DuckDB, CPU | dossiers/s (DuckDB) | rows/s "
        "(dossiers + events) | DuckDB peak RSS | pandas peak RSS | load |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *[_row(r, settings) for r in b.sizes],
        "",
        _conclusions(b, settings),
        "",
        *_profile(largest),
        "Generation (`generate` + `write_synthetic`, which sorts the status history and records "
        "each table's row hash, timed once when a store is made, then "
        "cached under `var/cache/bench-service/` keyed by size, units, year, seed and a hash of "
        "the generator's source): "
        + "; ".join(
            f"{_count(r.store.dossiers)} in {_s(r.store.generated_s)} (load "
            f"{r.store.generated_load:.1f}{'; taken from the cache' if r.store.cached else ''})"
            for r in b.sizes
        )
        + ".",
        "",
        "### Machine and command",
        "",
        *[f"- {key}: {value}" for key, value in machine().items()],
        f"- DuckDB: {_version('duckdb')}; pandas: {_version('pandas')}",
        f"- Load average (1 min) when the run started: {b.load:.1f} (on a shared machine a "
        "busy period slows whichever measurement it falls on; rerun for a quiet figure)",
        f"- Date: {date}",
        f"- Command: `{command}`"
        + (
            ""
            if command.startswith("python -m benchmarks.service")
            else " (this section alone: `python -m benchmarks.service --write docs/benchmarks.md`)"
        ),
        END,
    ]
    return "\n".join(_wrap(line) for line in lines) + "\n"


def _row(r: SizeResult, settings: Settings) -> str:
    time_cell, memory_cell = _pandas_cell(r.pandas, settings)
    seconds = r.engine.median
    wall = cpu = "—"
    if not r.pandas.stopped:
        wall = f"**{r.pandas.median / seconds:.1f}×**"
        cpu = f"{r.pandas.median_cpu / r.engine.median_cpu:.1f}×"
    loads = r.engine.loads + r.pandas.loads
    return (
        f"| {r.store.dossiers:,} | {r.store.events:,} | {_s(seconds)} / "
        f"{_s(r.engine.median_cpu)} ({len(r.engine.runs)}) | {time_cell} | {wall} | {cpu} | "
        f"{r.store.dossiers / seconds:,.0f} | {(r.store.dossiers + r.store.events) / seconds:,.0f}"
        f" | {_gib(r.engine.peak_rss)} | {memory_cell} | {min(loads):.1f}–{max(loads):.1f} |"
    )


def _agreement(b: ServiceBench) -> str:
    checked = [
        f"{r.agreement.cells:,} cells equal at {_count(r.store.dossiers)}"
        for r in b.sizes
        if r.agreement is not None
    ]
    tight = b.sizes[-1].tight
    if tight is not None:
        checked.append("and the run under a tight memory limit (below) gives the same cells")
    return ", ".join(checked)


def _conclusions(b: ServiceBench, settings: Settings) -> str:
    out = []
    for r in b.sizes:
        n = _count(r.store.dossiers)
        if r.pandas.stopped:
            out.append(
                f"At {n} pandas was stopped at its {r.pandas.stopped} cap "
                f"({_s(r.pandas.elapsed)}, {_gib(r.pandas.peak_rss)} resident) without a "
                f"result, so there is no ratio; DuckDB took {_s(r.engine.median)} and "
                f"{_gib(r.engine.peak_rss)} at its peak."
            )
            continue
        ratio = r.pandas.median / r.engine.median
        verdict = (
            "an order of magnitude, as the issue expects"
            if ratio >= 10
            else "**short of the order of magnitude the issue expects**"
        )
        out.append(
            f"At {n} DuckDB is **{ratio:.1f}×** as fast as pandas ({verdict}); it spends "
            f"{r.engine.median_cpu / r.engine.median:.1f} CPU-seconds per second of wall time "
            f"on its {b.threads} threads (up to {b.threads} on an idle machine), and "
            f"{r.pandas.median_cpu / r.engine.median_cpu:.1f}× less CPU time than pandas; "
            f"{_gib(r.engine.peak_rss)} at its peak against pandas' {_gib(r.pandas.peak_rss)}."
        )
    done = [r for r in b.sizes if not r.pandas.stopped]
    wall = [r.pandas.median / r.engine.median for r in done]
    cpu = [r.pandas.median_cpu / r.engine.median_cpu for r in done]
    if len(done) == len(b.sizes) > 1 and wall[-1] > 1.25 * wall[0] and cpu[-1] > 1.25 * cpu[0]:
        out.append(
            "The gap grows with the data: pandas holds every table and each merge's result in "
            "memory at once, while DuckDB streams the files and keeps only its hash tables and "
            "the dossiers placed month by month."
        )
    out.extend(_single_thread(b))
    tight = b.sizes[-1].tight
    if tight is not None and tight.runs:
        out.append(
            f"With `memory_limit = '{settings.tight_memory}'` DuckDB still computes the "
            f"{_count(b.sizes[-1].store.dossiers)} set, spilling to disk: "
            f"{_s(tight.median)}, peak {_gib(tight.peak_rss)} (load {tight.load:.1f})."
        )
    return " ".join(out)


def _single_thread(b: ServiceBench) -> list[str]:
    """What DuckDB does with one thread, against pandas' one: the engine's own lead, before
    it uses the second core."""
    said = []
    for r in b.sizes:
        if r.single is None or not r.single.runs:
            continue
        ratio = (
            f", {r.pandas.median / r.single.median:.1f}× pandas"
            if not r.pandas.stopped and r.pandas.runs
            else ""
        )
        said.append(
            f"{_s(r.single.median)} at {_count(r.store.dossiers)}{ratio} (peak "
            f"{_gib(r.single.peak_rss)})"
        )
    if not said:
        return []
    return [
        "With one thread (`threads = 1`, one run per size, the same cells), DuckDB takes "
        + "; ".join(said)
        + ": its lead over pandas on one core each, before it uses the second."
    ]


PARTS = {
    "progress query": "indicators 2.1, 2.2 and 5.3 — each dossier in each month it was in a "
    "unit's hands, its supplement pauses found in the status history (a window over the "
    "supplement events), clipped to the month's end, elapsed and paused time in working days "
    "through the calendar",
    "inputs fingerprint (hash of every row)": "a hash of every row of every table, so that a "
    "result records exactly what it was computed from: the dossiers and all their status "
    "events are read once more for it",
    "inputs fingerprint (row hashes the store recorded)": "the row count and row hash of each "
    "table, recorded in the store's manifest when the table was written, read back so that a "
    "result records exactly what it was computed from",
    "dossiers received (temp table)": "the dossiers received by unit × procedure × month with "
    "their flags, which the share, procedure and copy queries then read",
}


def _operators(r: SizeResult) -> list[str]:
    ops = r.engine.operators
    if not ops or not ops.get("top"):
        return []
    cpu = float(ops["cpu"]) or 1.0
    wall = r.engine.profile.get("progress query", 0.0)
    return [
        "Inside the progress query, DuckDB's own profiler (same run; CPU time summed over "
        f"its threads: {_s(cpu)} for {_s(wall)} of wall time) puts the costliest operators at:",
        "",
        "| operator | CPU | share | rows out |",
        "|---|---:|---:|---:|",
        *[
            f"| {label} | {_s(seconds)} | {100 * seconds / cpu:.0f} % | {rows:,} |"
            for label, seconds, rows in ops["top"]
        ],
        "",
        "Of the status history only the row groups that hold supplement events are read (the "
        "store writes it sorted by status, and DuckDB skips the others by their min/max "
        "statistics); the dossiers are read once more, and the dossier-months are materialised "
        "because two parts of the query read them (the pauses to clip and the verdicts). "
        + (
            "The time is spread over these operators rather than stuck in one, so no single "
            "rewrite would make the query several times faster."
            if ops["top"][0][1] < 0.35 * cpu
            else f"The {ops['top'][0][0]} alone takes "
            f"{100 * ops['top'][0][1] / cpu:.0f} % of it: the first place to save."
        ),
        "",
    ]


def _profile(r: SizeResult) -> list[str]:
    profile = r.engine.profile
    if not profile:
        return []
    total = sum(profile.values()) or 1.0
    ordered = sorted(profile.items(), key=lambda kv: -kv[1])
    rows = [
        f"| {name} | {_s(seconds)} | {100 * seconds / total:.0f} % |"
        for name, seconds in ordered
        if seconds >= 0.005 * total
    ]
    small = [name for name, seconds in ordered if seconds < 0.005 * total]
    top = [(name, seconds) for name, seconds in ordered[:3] if name in PARTS]
    said = "; ".join(
        f"the {name} ({100 * seconds / total:.0f} %): {PARTS[name]}" for name, seconds in top
    )
    fingerprint = profile.get("inputs fingerprint (hash of every row)", 0.0)
    without = r.engine.median * (1 - fingerprint / total)
    baseline = (
        "The baseline computes no fingerprint; "
        f"without it DuckDB would take about {_s(without)} here"
        + (
            f", {r.pandas.median / without:.1f}× pandas"
            if not r.pandas.stopped and r.pandas.runs
            else ""
        )
        + " (estimated from the shares above). "
        if fingerprint >= 0.02 * total
        else ""
    )
    return [
        f"Where DuckDB's time goes on {r.store.dossiers:,} dossiers (one more run, every "
        f"statement timed; {_s(total)} in all):",
        "",
        "| part of `compute_service` | time | share |",
        "|---|---:|---:|",
        *rows,
        *([f"| {len(small)} other statements, each under 0.5 % | | |"] if small else []),
        "",
        f"What the main statements do: {said}. The other queries read the procedures, the "
        "feedback or the small received table; the calendar bounds (one column of the dossiers) "
        "are looked up once before, to load the calendar, and handed to `compute_service`. "
        + baseline
        + "On two cores DuckDB computes with two threads and pandas with one (pyarrow reads "
        "its Parquet files with several, hence pandas' CPU time above its wall time on the "
        "largest set); both share the cores with whatever else the machine runs, and pandas' "
        "own operations are compiled loops over columns too.",
        "",
        *_operators(r),
    ]


def _version(module: str) -> str:
    return str(__import__(module).__version__)


def write_section(path: Path, section: str) -> None:
    """Replace the service section of `path`, or append it; other sections are left alone."""
    write_marked(path, section, START, END)


def run_section(
    settings: Settings,
    *,
    write: Path | None,
    command: str,
    date: str,
    quick: bool,
    say: Callable[[str], None] = print,
) -> ServiceBench:
    def progress(message: str) -> None:
        print(message, file=sys.stderr)

    result = bench(settings, progress)
    section = render(result, settings, command, date, quick)
    say(section)
    if write:
        write_section(write, section)
        print(f"written to {write}", file=sys.stderr)
    return result


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m benchmarks.service", description=__doc__)
    parser.add_argument("--write", type=Path, help="write the section into this Markdown file")
    parser.add_argument("--quick", action="store_true", help="smaller stores, one run each")
    parser.add_argument("--date", help="date to record (default: today, local time)")
    parser.add_argument("--measure", choices=["engine", "pandas"], help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profiled", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--threads", type=int, default=len(os.sched_getaffinity(0)), help=argparse.SUPPRESS
    )
    parser.add_argument("--memory-limit", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(args_list)
    if args.measure:
        data = measure(
            args.measure, args.store, args.threads, args.memory_limit, args.out, args.profiled
        )
        print(json.dumps(data))
        return 0
    settings = Settings.quick() if args.quick else Settings()
    date = args.date or datetime.date.today().isoformat()
    command = " ".join(["python -m benchmarks.service", *args_list])
    started = time.perf_counter()
    run_section(settings, write=args.write, command=command, date=date, quick=args.quick)
    print(f"service benchmark: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
