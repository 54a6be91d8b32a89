"""Building service-quality data for the tests: a synthetic store and its computation, and
small contract tables written as files to upload."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from chiso.io.calendar_files import load_calendar
from chiso.io.synthetic_store import write_synthetic
from chiso.web.services.compute import Computation, compute
from chiso.web.services.synthetic import DemoSpec, demo_data

SMALL = DemoSpec(dossiers=1_500, year=2025, seed=7, communes=8)


def synthetic_store(root: Path, spec: DemoSpec = SMALL) -> None:
    write_synthetic(demo_data(spec, load_calendar(spec.year, spec.year + 1)), root)


def synthetic_computation(root: Path, spec: str = "2025") -> Computation:
    synthetic_store(root)
    return compute(root, spec, None, lambda done, total, message: None)


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path
