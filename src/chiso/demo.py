"""`make demo`: the Thái Nguyên example year, computed and explained.

The criterion-level scores are synthetic (see examples/thai-nguyen/README.md); the method files
are modelled. Only the three leading departments' 2024 index values and Sở Công Thương's 2023
value are published facts, and the example data reproduces them.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from rich.console import Console

from chiso.cli import load_inputs
from chiso.engine.explain import explain_unit
from chiso.engine.framework import Method
from chiso.engine.history import compare_years
from chiso.engine.par import ParResult, compute_par
from chiso.engine.uncertainty import RankIntervals, rank_intervals
from chiso.io.method_files import load_method, resolve_method
from chiso.io.results import ranking_table, write_table
from chiso.io.terminal import print_explanation, print_ranking

EXPLAINED_UNIT = "TN.SCT"
BLOCKS = (("so", "model-2024-so"), ("huyen", "model-2024-huyen"))


def examples_dir() -> Path:
    """examples/ of the source checkout (the demo runs from a clone), else of the cwd."""
    here = Path(__file__).resolve().parents[2] / "examples"
    return here if here.is_dir() else Path.cwd() / "examples"


def run_demo(console: Console, lang: str, out_dir: Path | None = None) -> list[Path]:
    folder = examples_dir() / "thai-nguyen"
    out_dir = out_dir or Path("var") / "demo"
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    vi = lang == "vi"
    console.rule(
        "chiso — Chỉ số CCHC 2024, tỉnh Thái Nguyên (ví dụ)"
        if vi
        else "chiso — PAR Index 2024, Thái Nguyên (example)"
    )
    console.print(
        "Khoảng hạng: giả định sai số chuẩn 1 điểm cho thành phần điều tra (minh họa)."
        if vi
        else "Rank intervals assume a standard error of 1 point on the survey component "
        "(illustration).",
        highlight=False,
    )
    for block, method_name in BLOCKS:
        method = load_method(resolve_method(method_name))
        current = _compute(method, folder, 2024, block)
        previous = _compute(method, folder, 2023, block)
        history = compare_years(current.units, previous.units)
        intervals = _illustrative_intervals(method, current)
        table = ranking_table(method, current, history, intervals=intervals)
        print_ranking(console, method, table, lang, intervals)
        for fmt in ("csv", "xlsx"):
            path = out_dir / f"ket-qua-2024-{block}.{fmt}"
            write_table(method, current, table, fmt, path)
            written.append(path)
        if block == "so":
            _explain(console, method, current, lang)
    console.print(
        ("Đã ghi: " if vi else "Written: ") + ", ".join(str(p) for p in written), highlight=False
    )
    return written


# The example has no survey sample to estimate standard errors from; 1 point on the survey
# component is an assumption for the demo, said so where it is shown.
DEMO_SURVEY_SE = 1.0


def _illustrative_intervals(method: Method, result: ParResult) -> RankIntervals:
    errors = {(unit, "survey"): DEMO_SURVEY_SE for unit in result.units["unit"]}
    return rank_intervals(method, result, errors, draws=10_000, seed=2024)


def _compute(method: Method, folder: Path, year: int, block: str) -> ParResult:
    return compute_par(
        method, load_inputs(method, folder / f"scores-{year}-{block}.csv", _units(folder, block))
    )


def _units(folder: Path, block: str) -> Path:
    """The unit list of one block, written next to the demo output for `--units`."""
    units = pl.read_csv(folder / "units-2024.csv").filter(pl.col("block") == block)
    path = Path("var") / "demo" / f"units-{block}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    units.write_csv(path)
    return path


def _explain(console: Console, method: Method, result: ParResult, lang: str) -> None:
    console.rule("Giải thích điểm của một đơn vị" if lang == "vi" else "One unit explained")
    print_explanation(console, method, explain_unit(method, result, EXPLAINED_UNIT), lang, limit=12)
