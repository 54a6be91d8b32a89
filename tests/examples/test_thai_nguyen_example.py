"""The Thái Nguyên example year: synthetic leaf scores that land on the published index values.

Only four numbers are published facts (PAR Index 2024: Sở Công Thương 90.90, Sở Thông tin và
Truyền thông 90.30, Sở Khoa học và Công nghệ 90.10; 2023: Sở Công Thương 90.30); every
criterion-level score is synthetic, written by examples/thai-nguyen/generate.py.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

from chiso.engine.inputs import prepare_inputs
from chiso.engine.numbers import display
from chiso.engine.par import ParResult, compute_par
from chiso.io.lineage import read_lineage
from chiso.io.method_files import load_method
from chiso.io.tables import read_scores, read_units

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "thai-nguyen"
METHODS = ROOT / "src" / "chiso" / "methods" / "par"
SCORE_FILES = [f"scores-{year}-{block}.csv" for year in (2023, 2024) for block in ("so", "huyen")]

PUBLISHED = {
    (2024, "TN.SCT"): "90.90",
    (2024, "TN.STTTT"): "90.30",
    (2024, "TN.SKHCN"): "90.10",
    (2023, "TN.SCT"): "90.30",
}


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("thai_nguyen_generate", EXAMPLE / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def compute(year: int, block: str) -> ParResult:
    method = load_method(METHODS / f"model-2024-{block}.yaml")
    units = [u for u in read_units(EXAMPLE / "units-2024.csv") if u.block == block]
    rows = read_scores(EXAMPLE / f"scores-{year}-{block}.csv").rows
    return compute_par(method, prepare_inputs(method, units, rows))


def shown(result: ParResult, unit: str) -> str:
    row = result.units.filter(pl.col("unit") == unit).row(0, named=True)
    return display(row["index"], result.display.index_decimals, result.display.rounding)


@pytest.mark.parametrize(("year", "unit"), sorted(PUBLISHED))
def test_published_index_values_are_reproduced(year: int, unit: str) -> None:
    assert shown(compute(year, "so"), unit) == PUBLISHED[(year, unit)]


def test_exactly_three_departments_are_excellent_in_2024() -> None:
    units = compute(2024, "so").units
    excellent = units.filter(pl.col("band") == "xuat_sac")["unit"].to_list()
    assert sorted(excellent) == ["TN.SCT", "TN.SKHCN", "TN.STTTT"]
    ranks = dict(zip(units["unit"], units["rank"], strict=True))
    assert (ranks["TN.SCT"], ranks["TN.STTTT"], ranks["TN.SKHCN"]) == (1, 2, 3)


@pytest.mark.parametrize("year", [2023, 2024])
@pytest.mark.parametrize("block", ["so", "huyen"])
def test_every_unit_is_ranked_within_realistic_bounds(year: int, block: str) -> None:
    units = compute(year, block).units
    assert units.height == {"so": 19, "huyen": 9}[block]
    assert units["ranked"].all()
    assert units["flags"].to_list() == [""] * units.height
    assert units["index"].min() >= 74.0
    assert units["index"].max() < 91.0
    if block == "huyen" or year == 2023:
        assert units.filter(pl.col("band") == "xuat_sac")["unit"].to_list() == (
            ["TN.SCT"] if block == "so" else []
        )


def test_the_example_shows_bonus_penalty_exemption_and_missing_survey() -> None:
    result = compute(2024, "so")
    units = result.units
    assert units.filter(pl.col("bonus") > 0).height >= 1
    assert units.filter(pl.col("penalty") > 0).height >= 1
    leaves = result.leaves
    assert leaves.filter((pl.col("unit") == "TN.BDT") & ~pl.col("applies")).height > 0
    missing_survey = leaves.filter(pl.col("missing") & (pl.col("component") == "survey"))
    assert missing_survey["unit"].unique().to_list() == ["TN.SYT"]
    assert units.filter(pl.col("unit") == "TN.SYT")["max"].item() < 100


def test_all_three_modelled_methods_load() -> None:
    for name in ("model-2024-so", "model-2024-huyen", "model-2025-xa"):
        method = load_method(METHODS / f"{name}.yaml")
        assert method.status == "modelled"
        assert method.total_max == pytest.approx(100)
        assert 80 <= len(method.leaves) <= 110


def test_unit_lists_and_lineage_read() -> None:
    units = read_units(EXAMPLE / "units-2024.csv")
    assert [u.block for u in units].count("so") == 19
    assert [u.block for u in units].count("huyen") == 9
    communes = read_units(EXAMPLE / "units-2025-xa.csv")
    assert len(communes) == 92
    assert sorted({u.kind for u in communes}) == ["commune", "ward"]
    assert [u.kind for u in communes].count("ward") == 15
    lineage = read_lineage(EXAMPLE / "lineage-2025.csv")
    assert {link.previous for link in lineage.predecessors("TN.SKHCN")} == {"TN.SKHCN", "TN.STTTT"}


def test_generator_is_deterministic(tmp_path: Path) -> None:
    written = load_generator().generate(tmp_path)
    assert sorted(path.name for path in written) == sorted(SCORE_FILES)
    for name in SCORE_FILES:
        assert (tmp_path / name).read_bytes() == (EXAMPLE / name).read_bytes(), name
