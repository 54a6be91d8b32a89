"""Benchmark SIPAS estimation and write its section (`sipas`) of docs/benchmarks.md.

    python -m benchmarks.sipas [--write docs/benchmarks.md] [--quick] [--date YYYY-MM-DD]

`make bench` runs it after the other sections (`benchmarks.run` calls `run_section`). Synthetic
answers (seeded) to the shipped `service-user-2024` questionnaire: **100 units × 450 respondents ×
22 items = 990,000 responses**, a few "no answer" values, three channels. Measured, each against a
baseline measured in the same run and checked to agree with the engine before any time is
reported:

1. `estimate_sipas` in full (item Wilson intervals, the tree, 2,000 bootstrap draws per unit,
   ranks, neighbour pairs) against `baseline_points` (the same point estimates by plain pandas
   groupbys) plus `baseline_bootstrap` (a loop over draws and units, resampling respondents and
   recomputing the tree with pandas) timed on a few draws and compared per draw;
2. raking the 45,000 respondents to unit and channel totals (`rake_answers`) against svy's
   `Sample.weighting.rake` (a maintained survey library).

The bootstrap baseline uses the engine's documented per-unit generator (seed and unit key) and the
same respondent order, so its first draws are the engine's first draws: the agreement check
compares the intervals of `estimate_sipas` with that many draws. Outside the engine: reads the
clock and the machine.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from benchmarks.run import Timing, _mib, _wrap, machine, peak_memory, timed
from benchmarks.sections import write_marked
from chiso.engine.sipas import SipasResult, check_answers, estimate_sipas
from chiso.engine.sipas_method import Questionnaire
from chiso.engine.sipas_weights import rake_answers, respondents
from chiso.io.questionnaire_files import load_questionnaire, resolve_questionnaire

START = "<!-- bench:sipas:start -->"
END = "<!-- bench:sipas:end -->"
DATA_SEED = 2024
BOOT_SEED = 1
CHANNELS = ("truc_tiep", "dien_thoai", "truc_tuyen")


@dataclass(frozen=True)
class Settings:
    units: int = 100
    respondents: int = 450
    draws: int = 2000
    baseline_draws: int = 10
    repeats: int = 3

    @classmethod
    def quick(cls) -> Settings:
        return cls(units=20, respondents=150, draws=500, baseline_draws=3, repeats=1)

    @classmethod
    def tiny(cls) -> Settings:
        return cls(units=4, respondents=40, draws=50, baseline_draws=4, repeats=1)


def make_answers(q: Questionnaire, units: int, per_unit: int, seed: int) -> pl.DataFrame:
    """respondent × item rows: each unit its own chance of a satisfied answer, 4 % no answer."""
    rng = np.random.default_rng(seed)
    items = [i.code for i in q.items]
    n = units * per_unit
    unit = np.repeat(np.arange(units), per_unit)
    chance = rng.uniform(0.55, 0.95, size=units)[unit]
    satisfied = rng.random((n, len(items))) < chance[:, None]
    value = np.where(satisfied, rng.choice([4, 5], (n, len(items))), rng.integers(1, 4, (n, 1)))
    value = np.where(rng.random((n, len(items))) < 0.04, 0, value)
    channel = np.array(CHANNELS)[rng.integers(0, len(CHANNELS), n)]
    return pl.DataFrame(
        {
            "respondent": np.repeat([f"R{r:06d}" for r in range(n)], len(items)),
            "unit": np.repeat([f"U{u:03d}" for u in unit], len(items)),
            "item": np.tile(items, n),
            "value": value.ravel().astype(np.int64),
            "channel": np.repeat(channel, len(items)),
        }
    )


# --- the baselines: plain pandas ----------------------------------------------------------------


def _flags(q: Questionnaire, df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["valid"] = out["value"].isin(q.scale.codes)
    out["sat"] = out["value"].isin(q.scale.satisfied)
    return out


def _tree(q: Questionnaire, sums: pd.DataFrame) -> dict[str, float]:
    """Node → estimate from one unit's item sums (columns valid, sat; index item)."""
    rate = (100 * sums["sat"] / sums["valid"]).where(sums["valid"] > 0)
    node: dict[str, float] = {}
    for n in q.nodes:
        below = [n.children] if n.level == "factor" else [node_items(q, c) for c in n.children]
        items = [i for group in below for i in group]
        if n.aggregation == "pooled":
            part = sums.reindex(items)
            node[n.code] = 100 * part["sat"].sum() / part["valid"].sum()
        elif n.level == "factor":
            node[n.code] = rate.reindex(list(n.children)).mean()
        else:
            node[n.code] = pd.Series([node[c] for c in n.children]).mean()
    return node


def node_items(q: Questionnaire, code: str) -> list[str]:
    n = next(x for x in q.nodes if x.code == code)
    if n.level == "factor":
        return list(n.children)
    return [i for c in n.children for i in node_items(q, c)]


def baseline_points(q: Questionnaire, df: pd.DataFrame) -> dict[tuple[str, str], float]:
    """(unit, item or node) → estimate, by groupby."""
    flags = _flags(q, df)
    sums = flags.groupby(["unit", "item"])[["valid", "sat"]].sum()
    out: dict[tuple[str, str], float] = {}
    for unit, part in sums.groupby(level="unit"):
        cells = part.droplevel("unit")
        rates = 100 * cells["sat"] / cells["valid"]
        out |= {(str(unit), str(i)): float(r) for i, r in rates.items()}
        out |= {(str(unit), c): float(v) for c, v in _tree(q, cells).items()}
    return out


def baseline_bootstrap(
    q: Questionnaire, df: pd.DataFrame, draws: int, seed: int
) -> dict[str, np.ndarray]:
    """Unit → draws × nodes: per unit and draw, the resampled respondents' rows are gathered
    and the tree recomputed with a pandas groupby (with the engine's generator)."""
    flags = _flags(q, df)
    out: dict[str, np.ndarray] = {}
    for unit, part in flags.groupby("unit"):
        part = part.reset_index(drop=True)
        people = sorted(part["respondent"].unique())
        positions = part.groupby("respondent").indices  # respondent → row positions
        rng = np.random.default_rng([seed, *str(unit).encode("utf-8")])
        picks = rng.integers(0, len(people), size=(draws, len(people)))
        rows = []
        for b in range(draws):
            rows_of_draw = np.concatenate([positions[people[i]] for i in picks[b]])
            sums = part.iloc[rows_of_draw].groupby("item")[["valid", "sat"]].sum()
            tree = _tree(q, sums)
            rows.append([tree[n.code] for n in q.nodes])
        out[str(unit)] = np.array(rows)
    return out


# --- agreement ----------------------------------------------------------------------------------


def check_points(result: SipasResult, expected: dict[tuple[str, str], float]) -> int:
    got = {(u, i): r for u, i, r in result.items.select("unit", "item", "rate").iter_rows()}
    got |= {(u, n): e for u, n, e in result.nodes.select("unit", "node", "estimate").iter_rows()}
    if got.keys() != expected.keys():
        raise AssertionError("the baseline and the engine estimate different cells")
    for key, value in expected.items():
        if abs(got[key] - value) > 1e-9:
            raise AssertionError(f"{key}: engine {got[key]} != baseline {value}")
    return len(expected)


def check_bootstrap(q: Questionnaire, answers: pl.DataFrame, boot: dict[str, Any]) -> int:
    """The engine with as many draws as the baseline has the baseline's percentile bounds."""
    draws = next(iter(boot.values())).shape[0]
    result = estimate_sipas(q, answers, bootstrap=draws, seed=BOOT_SEED)
    codes = [n.code for n in q.nodes]
    checked = 0
    for unit, matrix in boot.items():
        low, high = np.quantile(matrix, [0.025, 0.975], axis=0)
        rows = result.nodes.filter(pl.col("unit") == unit)
        for row in rows.iter_rows(named=True):
            k = codes.index(row["node"])
            expect_low = min(low[k], row["estimate"])
            expect_high = max(high[k], row["estimate"])
            if abs(row["low"] - expect_low) > 1e-9 or abs(row["high"] - expect_high) > 1e-9:
                raise AssertionError(f"{unit} {row['node']}: bootstrap bounds differ")
            checked += 1
    return checked


# --- the run ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SipasBench:
    rows: int
    respondents: int
    units: int
    items: int
    engine: Timing
    engine_peak: int
    points_engine: Timing
    check_engine: Timing
    points_baseline: Timing
    baseline_peak: int
    boot_baseline: Timing
    cells_checked: int
    bounds_checked: int
    rake_engine: Timing
    rake_svy: Timing | None
    rake_iterations: int
    load: float


def bench(settings: Settings, say: Callable[[str], None]) -> SipasBench:
    load = os.getloadavg()[0]
    q = load_questionnaire(resolve_questionnaire("service-user-2024"))
    answers = make_answers(q, settings.units, settings.respondents, DATA_SEED)
    frame = answers.to_pandas()
    say(f"SIPAS: {answers.height:,} responses …")

    def engine() -> SipasResult:
        return estimate_sipas(q, answers, bootstrap=settings.draws, seed=BOOT_SEED)

    def points() -> SipasResult:
        return estimate_sipas(q, answers, bootstrap=1, seed=BOOT_SEED)

    full, result = timed(engine, settings.repeats)
    points_t, _ = timed(points, settings.repeats)
    check_t, _ = timed(lambda: check_answers(q, answers), settings.repeats)
    base_t, expected = timed(lambda: baseline_points(q, frame), settings.repeats)
    cells = check_points(result, expected)
    say("SIPAS: loop bootstrap baseline …")
    boot_t, boot = timed(
        lambda: baseline_bootstrap(q, frame, settings.baseline_draws, BOOT_SEED), 1
    )
    bounds = check_bootstrap(q, answers, boot)
    rake_t, rake_svy, iterations = _bench_rake(answers, settings)
    return SipasBench(
        rows=answers.height,
        respondents=settings.units * settings.respondents,
        units=settings.units,
        items=len(q.items),
        engine=full,
        engine_peak=peak_memory(engine),
        points_engine=points_t,
        check_engine=check_t,
        points_baseline=base_t,
        baseline_peak=peak_memory(lambda: baseline_points(q, frame)),
        boot_baseline=boot_t,
        cells_checked=cells,
        bounds_checked=bounds,
        rake_engine=rake_t,
        rake_svy=rake_svy,
        rake_iterations=iterations,
        load=load,
    )


def _totals(answers: pl.DataFrame) -> dict[str, dict[str, float]]:
    """Made-up population totals: 20× each unit's respondents; channels 60/15/25 %."""
    people = respondents(answers)
    units = people.group_by("unit").len()
    population = 20.0 * people.height
    return {
        "unit": {u: 20.0 * n for u, n in units.iter_rows()},
        "channel": dict(
            zip(CHANNELS, (0.6 * population, 0.15 * population, 0.25 * population), strict=True)
        ),
    }


def _bench_rake(answers: pl.DataFrame, settings: Settings) -> tuple[Timing, Timing | None, int]:
    totals = _totals(answers)
    ours_t, ours = timed(
        lambda: rake_answers(answers, totals, max_iterations=1000, tolerance=1e-10),
        settings.repeats,
    )
    try:
        import svy
    except ImportError:  # svy is a dev dependency; without it the row says so
        return ours_t, None, ours.raking.iterations
    people = respondents(answers)

    def theirs() -> Any:
        sample = svy.Sample(data=people, design=svy.Design(wgt="weight"))
        return sample.weighting.rake(controls=totals, tol=1e-10, max_iter=1000)

    svy_t, raked = timed(theirs, settings.repeats)
    mine = respondents(ours.answers)["weight"].to_numpy()
    their = raked.data.sort("respondent")["rk_wgt"].to_numpy()
    if not np.allclose(mine, their, rtol=1e-7):
        raise AssertionError("raked weights differ from svy's")
    return ours_t, svy_t, ours.raking.iterations


# --- the section --------------------------------------------------------------------------------


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def _times(baseline: float, engine: float) -> str:
    return f"{baseline / engine:,.0f}×" if engine > 0 else "— (too small to time)"


def render(b: SipasBench, settings: Settings, command: str, date: str, quick: bool) -> str:
    per_draw_engine = max(b.engine.median - b.points_engine.median, 0.0) / settings.draws
    per_draw_base = b.boot_baseline.median / settings.baseline_draws
    extrapolated = b.points_baseline.median + per_draw_base * settings.draws
    rake_row = (
        f"| svy `Sample.weighting.rake` (baseline) | {_s(b.rake_svy.median)} | |"
        if b.rake_svy
        else "| svy (not installed: no baseline) | | |"
    )
    lines = [
        START,
        "## SIPAS: estimation of 1,000,000 responses",
        "",
        *(
            ["> **Quick run** (`--quick`): a smaller survey, fewer draws; not for comparison.", ""]
            if quick
            else []
        ),
        f"Synthetic answers (`benchmarks/sipas.py`, seed {DATA_SEED}) to `service-user-2024`: "
        f"**{b.units} units × {b.respondents // b.units} respondents × {b.items} items = "
        f"{b.rows:,} responses**, 4 % no answer, three channels. `estimate_sipas` with the "
        f"default {settings.draws:,} bootstrap draws per unit. Median of {settings.repeats} "
        "run(s) after one warm-up.",
        "",
        "Baselines: the same point estimates by plain pandas groupbys (item rates, each factor, "
        "content and the overall index by the questionnaire's rule), and a loop bootstrap that "
        "resamples each unit's respondents and recomputes the tree with pandas, timed on "
        f"{settings.baseline_draws} draws and compared per draw. Before any time is reported "
        f"the pandas estimates are checked to equal the engine's ({b.cells_checked:,} cells, to "
        f"1e-9), and the loop bootstrap — which uses the engine's documented per-unit generator "
        f"— to give the engine's interval bounds with that many draws ({b.bounds_checked} bounds).",
        "",
        "| | median time | peak memory (tracemalloc) |",
        "|---|---:|---:|",
        f"| engine: `estimate_sipas`, {settings.draws:,} draws | {_s(b.engine.median)} | "
        f"{_mib(b.engine_peak)} |",
        f"| engine: point estimates only (1 draw) | {_s(b.points_engine.median)} | |",
        f"| — of which checking every answer (`check_answers`) | {_s(b.check_engine.median)} | |",
        f"| baseline: pandas point estimates | {_s(b.points_baseline.median)} | "
        f"{_mib(b.baseline_peak)} |",
        f"| baseline: loop bootstrap, {settings.baseline_draws} draws | "
        f"{_s(b.boot_baseline.median)} | |",
        "",
        f"Per bootstrap draw (all {b.units} units): engine {per_draw_engine * 1000:.2f} ms, "
        f"loop baseline {per_draw_base * 1000:.0f} ms — **{_times(per_draw_base, per_draw_engine)}"
        f"** faster. Point estimates: **{b.points_baseline.median / b.points_engine.median:.1f}×** "
        "the pandas groupby, which checks nothing (the engine refuses a wrong value, an unknown "
        "item, an item answered twice, a respondent in two units before estimating anything). "
        f"The whole estimation, baseline extrapolated to {settings.draws:,} "
        f"draws ({_s(extrapolated)}): **{extrapolated / b.engine.median:,.0f}×**.",
        "",
        f"Raking the {b.respondents:,} respondents to unit and channel totals (tolerance 1e-10, "
        f"{b.rake_iterations} iterations), checked to give svy's weights (to 1e-7):",
        "",
        "| | median time | |",
        "|---|---:|---|",
        f"| engine: `rake_answers` | {_s(b.rake_engine.median)} | |",
        rake_row,
        "",
        "Where the engine's time goes: per unit one respondents × items matrix; the bootstrap "
        "is a (draws × respondents) count matrix times it, made with one `bincount`, in chunks "
        "of at most 4M cells. Peak memory is what `tracemalloc` sees (Python and numpy), not "
        "polars' own buffers for the 1M-row frames.",
        "",
        "### Machine and command",
        "",
        *[f"- {key}: {value}" for key, value in machine().items()],
        f"- Load average (1 min) when the run started: {b.load:.1f} (on a shared machine a "
        "busy period slows whichever measurement it falls on; rerun for a quiet figure)",
        f"- Date: {date}",
        f"- Command: `{command}`",
        END,
    ]
    return "\n".join(_wrap(line) for line in lines) + "\n"


def write_section(path: Path, section: str) -> None:
    """Replace the sipas section of `path`, or append it; other sections are left alone."""
    write_marked(path, section, START, END)


def run_section(
    settings: Settings,
    *,
    write: Path | None,
    command: str,
    date: str,
    quick: bool,
    say: Callable[[str], None] = print,
) -> SipasBench:
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
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sipas", description=__doc__)
    parser.add_argument("--write", type=Path, help="write the section into this Markdown file")
    parser.add_argument("--quick", action="store_true", help="a smaller survey, fewer draws")
    parser.add_argument("--tiny", action="store_true", help="a tiny survey (for the tests)")
    parser.add_argument("--date", help="date to record (default: today, local time)")
    args = parser.parse_args(args_list)
    settings = Settings.tiny() if args.tiny else Settings.quick() if args.quick else Settings()
    date = args.date or datetime.date.today().isoformat()
    command = " ".join(["python -m benchmarks.sipas", *args_list])
    start = time.perf_counter()
    run_section(
        settings, write=args.write, command=command, date=date, quick=args.quick or args.tiny
    )
    print(f"sipas benchmark: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
