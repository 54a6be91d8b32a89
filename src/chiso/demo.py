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
    for block, method_name in BLOCKS:
        method = load_method(resolve_method(method_name))
        current = _compute(method, folder, 2024, block)
        previous = _compute(method, folder, 2023, block)
        history = compare_years(current.units, previous.units)
        table = ranking_table(method, current, history)
        print_ranking(console, method, table, lang)
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
