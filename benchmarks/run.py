"""Run the PAR benchmarks and write their section of docs/benchmarks.md.

    python -m benchmarks.run [--write docs/benchmarks.md] [--quick] [--date YYYY-MM-DD]

Two measurements on a synthetic province (150 units × 120 leaves, `benchmarks.synthetic`), each
against a plain-Python baseline measured in the same run on the same machine:

1. `prepare_inputs` + `compute_par` vs `benchmarks.baseline_par` (loops and dicts);
2. `rank_intervals` with 10,000 draws vs `benchmarks.baseline_mc` (a loop over draws with
   `random.gauss`), the baseline measured at 1,000 draws because it is slow; per-draw times
   are compared.

The baselines must agree with the engine before any time is reported. This module is outside
the engine, so it may read the clock and the machine; the engine never does.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import platform
import statistics
import sys
import textwrap
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import polars as pl

from benchmarks import baseline_mc, baseline_par
from benchmarks.agreement import MedianAgreement, check_mc, check_par, compare_mc
from benchmarks.sections import write_marked
from benchmarks.synthetic import Province, make_province, survey_standard_errors
from chiso.engine.framework import Method
from chiso.engine.inputs import ScoreRow, Unit, prepare_inputs
from chiso.engine.load import build_method
from chiso.engine.par import ParResult, compute_par
from chiso.engine.uncertainty import RankIntervals, rank_intervals

T = TypeVar("T")

START = "<!-- bench:par:start -->"
END = "<!-- bench:par:end -->"
PROVINCE_SEED = 2024
SE_SEED = 7
MC_SEED = 11
LEVEL = 0.90

INTRO = """# Benchmarks

Reproducible measurements of chiso against plain baselines, run on one machine in one go so that
the ratios mean something. Each benchmark has its own section below, written by its runner
between markers (`<!-- bench:NAME:start -->` … `<!-- bench:NAME:end -->`); a runner replaces
only its own section. Rerun all of them with:

    make bench

Each section states what it measures, the baseline it is compared with, the machine, the exact
command and the date. Every baseline is checked to compute the same numbers as the engine
before any time is reported, and `tests/benchmarks` keeps the baselines honest on a small case.

Sections: PAR Index computation and rank intervals (`par`); the web app's pages and a load
test of the public site (`web`); SIPAS estimation of 1,000,000 responses (`sipas`); survey
submissions through the public form on SQLite and PostgreSQL (`surveys`); the Decision 766
indicators from 1 and 10 million dossiers, DuckDB against pandas (`service`).
"""


@dataclass(frozen=True)
class Settings:
    units: int = 150
    leaves: int = 120
    repeats: int = 7
    mc_draws: int = 10_000
    mc_repeats: int = 5
    baseline_draws: int = 1_000

    @classmethod
    def quick(cls) -> Settings:
        return cls(repeats=3, mc_draws=2_000, mc_repeats=2, baseline_draws=200)


@dataclass(frozen=True)
class Timing:
    median: float  # seconds
    runs: list[float]


def timed(fn: Callable[[], T], repeats: int) -> tuple[Timing, T]:
    """Median wall time of `repeats` calls (after one untimed warm-up call) and the last value."""
    value = fn()
    runs = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        value = fn()
        runs.append(time.perf_counter() - start)
    return Timing(statistics.median(runs), runs), value


def peak_memory(fn: Callable[[], object]) -> int:
    """Peak bytes traced by `tracemalloc` during one call (Python and numpy allocations)."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- the benchmarks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ParBench:
    engine: Timing
    prepare: Timing  # prepare_inputs alone
    compute: Timing  # compute_par alone, on prepared inputs
    baseline: Timing
    engine_peak: int
    baseline_peak: int
    units_checked: int
    result: ParResult


def bench_par(method: Method, province: Province, settings: Settings) -> ParBench:
    units = [Unit(*u) for u in province.units]
    rows = [ScoreRow(*r) for r in province.rows]

    def engine() -> ParResult:
        return compute_par(method, prepare_inputs(method, units, rows))

    def baseline() -> dict[str, baseline_par.UnitResult]:
        return baseline_par.compute(province.method_data, province.units, province.rows)

    engine_time, result = timed(engine, settings.repeats)
    prepare_time, inputs = timed(lambda: prepare_inputs(method, units, rows), settings.repeats)
    compute_time, _ = timed(lambda: compute_par(method, inputs), settings.repeats)
    baseline_time, ours = timed(baseline, settings.repeats)
    checked = check_par(result.units, ours)
    return ParBench(
        engine=engine_time,
        prepare=prepare_time,
        compute=compute_time,
        baseline=baseline_time,
        engine_peak=peak_memory(engine),
        baseline_peak=peak_memory(baseline),
        units_checked=checked,
        result=result,
    )


@dataclass(frozen=True)
class McBench:
    engine: Timing
    baseline: Timing
    engine_draws: int
    baseline_draws: int
    engine_peak: int
    agreement: MedianAgreement
    intervals: RankIntervals
    se_median: float


def bench_mc(method: Method, province: Province, result: ParResult, settings: Settings) -> McBench:
    standard_errors = standard_errors_of(province, result)
    ours = baseline_par.compute(province.method_data, province.units, province.rows)

    def engine() -> RankIntervals:
        return rank_intervals(
            method, result, standard_errors, draws=settings.mc_draws, seed=MC_SEED, level=LEVEL
        )

    def baseline() -> dict[str, list[int]]:
        return baseline_mc.rank_draws(ours, standard_errors, settings.baseline_draws, MC_SEED)

    engine_time, intervals = timed(engine, settings.mc_repeats)
    baseline_time, ranks = timed(baseline, 1)
    agreement = compare_mc(intervals.units, baseline_mc.summarise(ranks, LEVEL))
    check_mc(agreement)
    return McBench(
        engine_time,
        baseline_time,
        settings.mc_draws,
        settings.baseline_draws,
        peak_memory(engine),
        agreement,
        intervals,
        statistics.median(standard_errors.values()),
    )


def standard_errors_of(province: Province, result: ParResult) -> dict[tuple[str, str], float]:
    survey = result.components.filter(pl.col("component") == "survey")
    points = dict(zip(survey["unit"], survey["points"], strict=True))
    survey_max = next(
        float(c["points"]) for c in province.method_data["components"] if c["code"] == "survey"
    )
    return survey_standard_errors(province.units, points, survey_max, seed=SE_SEED)


# --- the report ---------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "CPU": cpu,
        "Cores available": str(len(os.sched_getaffinity(0))),
        "RAM": ram,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "numpy": np.__version__,
        "polars": pl.__version__,
    }


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds >= 0.001 else f"{seconds * 1e6:.1f} µs"


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"


def _ratio(baseline: float, engine: float) -> str:
    ratio = baseline / engine
    return f"{ratio:.1f}× faster" if ratio >= 1 else f"{1 / ratio:.1f}× slower"


def render(
    par: ParBench, mc: McBench, settings: Settings, command: str, date: str, quick: bool
) -> str:
    per_draw_engine = mc.engine.median / mc.engine_draws
    per_draw_baseline = mc.baseline.median / mc.baseline_draws
    undistinguished = mc.intervals.pairs.filter(~pl.col("distinguishable")).height
    widths = (mc.intervals.units["rank_high"] - mc.intervals.units["rank_low"]).to_list()
    lines = [
        START,
        "## PAR Index: computation and rank intervals",
        "",
        *(
            ["> **Quick run** (`--quick`): fewer repeats and draws; not for comparison.", ""]
            if quick
            else []
        ),
        f"A synthetic province (`benchmarks/synthetic.py`, seed {PROVINCE_SEED}): "
        f"**{settings.units} units × {settings.leaves} leaves**, 8 fields, rule kinds manual, "
        "threshold, proportional, levels, binary, deduction and survey (rates and option "
        "counts), two blocks (60 departments, 90 communes), an exemption, capped bonus and "
        "penalty, five bands, a survey component of 15.5 points.",
        "",
        "### 1. Computing the index",
        "",
        "`prepare_inputs` (check and read every raw cell) + `compute_par` (scores, components, "
        "fields, total, max, index, bands, ranks, and the four result frames) against "
        "`benchmarks/baseline_par.py`, the same computation written as plain Python loops over "
        "dicts and floats. The baseline does no validation and builds no frames, so it does "
        "less work than the engine. Before timing is reported the two are checked to agree on "
        f"every unit ({par.units_checked} units: index to 1e-9, rank equal). "
        f"Median of {settings.repeats} runs after one warm-up.",
        "",
        "| | median time | peak memory (tracemalloc) |",
        "|---|---:|---:|",
        f"| engine: `prepare_inputs` + `compute_par` | {_ms(par.engine.median)} | "
        f"{_mib(par.engine_peak)} |",
        f"| — of which `prepare_inputs` (timed alone) | {_ms(par.prepare.median)} | |",
        f"| — of which `compute_par` (timed alone) | {_ms(par.compute.median)} | |",
        f"| baseline: plain Python | {_ms(par.baseline.median)} | {_mib(par.baseline_peak)} |",
        "",
        f"Engine vs baseline: **{_ratio(par.baseline.median, par.engine.median)}** "
        f"(baseline / engine = {par.baseline.median / par.engine.median:.2f}).",
        "",
        "`compute_par` itself (vectorised scoring, ranking and the four frames; points added "
        "leaf by leaf in the method's order rather than by a matrix product, so that a result "
        "is the same to the last digit on every processor) takes "
        f"{_ms(par.compute.median)}. Most of the engine's time goes to "
        "`prepare_inputs`, which reads every raw cell one by one so that every bad value is "
        "reported with its row and column; the plain baseline trusts its input and skips that "
        "work.",
        "",
        "### 2. Rank intervals (Monte Carlo over the survey's standard error)",
        "",
        f"`rank_intervals` with **{mc.engine_draws:,} draws**, level {LEVEL:.2f}, against "
        "`benchmarks/baseline_mc.py`, a Python loop that perturbs each unit's survey component "
        "with `random.gauss`, clips it, recomputes the index and sorts each block per draw. "
        f"The baseline is measured at **{mc.baseline_draws:,} draws** (at 10,000 it would take "
        "ten times as long), so the comparison is **per draw**. Survey standard errors as from "
        f"a simple random sample of 150–400 respondents per unit (median {mc.se_median:.2f} "
        f"points). Engine: median of {settings.mc_repeats} runs after one warm-up; baseline: "
        "one run after one warm-up.",
        "",
        "| | draws | median time | per draw | peak memory (tracemalloc) |",
        "|---|---:|---:|---:|---:|",
        f"| engine: `rank_intervals` | {mc.engine_draws:,} | {_ms(mc.engine.median)} | "
        f"{_ms(per_draw_engine)} | {_mib(mc.engine_peak)} |",
        f"| baseline: Python loop | {mc.baseline_draws:,} | {_ms(mc.baseline.median)} | "
        f"{_ms(per_draw_baseline)} | — |",
        "",
        f"Per draw, engine vs baseline: **{_ratio(per_draw_baseline, per_draw_engine)}** "
        f"(baseline / engine = {per_draw_baseline / per_draw_engine:.1f}).",
        "",
        "Agreement (different random streams, so within Monte Carlo error, not equal): the "
        f"median rank is the same for {mc.agreement.equal} of {mc.agreement.units} units, "
        f"differs by {mc.agreement.max_difference} at most (mean "
        f"{mc.agreement.mean_difference:.2f}); the share ranked 1st differs by "
        f"{mc.agreement.max_p_top_difference:.3f} at most. What the intervals say on this "
        f"province: median width of the {LEVEL:.0%} rank interval "
        f"{statistics.median(widths):g} ranks (widest {max(widths)}); "
        f"{undistinguished} of {mc.intervals.pairs.height} neighbouring pairs are not "
        "distinguishable.",
        "",
        "Peak memory is what `tracemalloc` sees: Python objects and numpy arrays, not the memory "
        "polars allocates in Rust for the result frames.",
        "",
        "### Machine and command",
        "",
        *[f"- {key}: {value}" for key, value in machine().items()],
        f"- Date: {date}",
        f"- Command: `{command}`",
        END,
    ]
    return "\n".join(_wrap(line) for line in lines) + "\n"


def _wrap(line: str) -> str:
    """Prose wrapped at 100 columns like the other docs; tables, lists and markers as they are."""
    if line.startswith(("|", "-", "#", "<!--", ">")) or len(line) <= 100:
        return line
    return textwrap.fill(line, width=100, break_long_words=False, break_on_hyphens=False)


def write_section(path: Path, section: str) -> None:
    """Replace this benchmark's section in `path`, creating the file (with its intro) or
    appending the section when it is not there yet; other sections are left as they are."""
    write_marked(path, section, START, END)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--write", type=Path, help="write the section into this Markdown file")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and draws")
    parser.add_argument("--date", help="date to record (default: today, local time)")
    args = parser.parse_args(argv)
    settings = Settings.quick() if args.quick else Settings()
    date = args.date or datetime.date.today().isoformat()
    command = " ".join(["python -m benchmarks.run", *(sys.argv[1:] if argv is None else argv)])

    province = make_province(settings.units, settings.leaves, seed=PROVINCE_SEED)
    method = build_method(province.method_data)
    print(f"PAR: {settings.units} units × {settings.leaves} leaves …", file=sys.stderr)
    par = bench_par(method, province, settings)
    print(f"rank intervals: {settings.mc_draws:,} draws …", file=sys.stderr)
    mc = bench_mc(method, province, par.result, settings)
    section = render(par, mc, settings, command, date, args.quick)
    print(section)
    if args.write:
        write_section(args.write, section)
        print(f"written to {args.write}", file=sys.stderr)
    from benchmarks import web  # sets Django up: imported only when it runs

    print("web app: pages and load …", file=sys.stderr)
    web_settings = web.Settings.quick() if args.quick else web.Settings()
    web.run_section(web_settings, write=args.write, command=command, date=date, quick=args.quick)
    from benchmarks import surveys

    print("surveys: submissions through the public form …", file=sys.stderr)
    survey_settings = surveys.Settings.quick() if args.quick else surveys.Settings()
    surveys.run_section(
        survey_settings, write=args.write, command=command, date=date, quick=args.quick
    )
    from benchmarks import jobs

    print("background jobs: progress and queue …", file=sys.stderr)
    jobs.run_section(write=args.write, command=command, date=date, quick=args.quick)
    from benchmarks import sipas

    print("SIPAS: estimation of 1,000,000 responses …", file=sys.stderr)
    sipas_settings = sipas.Settings.quick() if args.quick else sipas.Settings()
    sipas.run_section(
        sipas_settings, write=args.write, command=command, date=date, quick=args.quick
    )
    from benchmarks import publication

    print("publication files: annexes and open data …", file=sys.stderr)
    publication.run_section(write=args.write, command=command, date=date, quick=args.quick)
    from benchmarks import service

    print("Decision 766 indicators: 1M and 10M dossiers …", file=sys.stderr)
    service_settings = service.Settings.quick() if args.quick else service.Settings()
    service.run_section(
        service_settings, write=args.write, command=command, date=date, quick=args.quick
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
