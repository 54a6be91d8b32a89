"""Scenario folders: method.yaml + units.csv + scores.csv → expected.csv (displayed values).

Each folder is a small, complete case a reviewer can read and recompute by hand. Add a case by
adding a folder; `expected.csv` holds what the published table would show.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chiso.cli import load_inputs
from chiso.engine.numbers import display
from chiso.engine.par import compute_par
from chiso.io.method_files import load_method

HERE = Path(__file__).parent
SCENARIOS = sorted(p.name for p in HERE.iterdir() if (p / "method.yaml").exists())


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario(name: str):
    folder = HERE / name
    method = load_method(folder / "method.yaml")
    result = compute_par(method, load_inputs(method, folder / "scores.csv", folder / "units.csv"))
    shown = method.display
    got = {
        row["unit"]: {
            "total": display(row["total"], shown.points_decimals, shown.rounding),
            "max": display(row["max"], shown.points_decimals, shown.rounding),
            "index": display(row["index"], shown.index_decimals, shown.rounding),
            "band": row["band"] or "",
            "rank": "" if row["rank"] is None else str(row["rank"]),
            "flags": row["flags"],
        }
        for row in result.units.iter_rows(named=True)
    }
    with (folder / "expected.csv").open(encoding="utf-8") as handle:
        expected = {row.pop("unit"): row for row in csv.DictReader(handle)}
    assert got == expected
