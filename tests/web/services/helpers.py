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


# --- small contract tables for uploads ---------------------------------------------------------

UNITS = [
    {"ma_don_vi": "H99", "ten": "UBND tỉnh", "ma_don_vi_cha": "", "cap": "province", "khoi": ""},
    {"ma_don_vi": "H99.S01", "ten": "Sở Tư pháp", "ma_don_vi_cha": "H99", "cap": "department",
     "khoi": "so"},
    {"ma_don_vi": "H99.X01", "ten": "Xã An Bình", "ma_don_vi_cha": "H99", "cap": "commune",
     "khoi": "xa"},
]  # fmt: skip
PROCEDURES = [
    {
        "procedure_code": "1.000001",
        "name": "Đăng ký khai sinh",
        "level": "commune",
        "legal_limit": "3",
        "legal_limit_unit": "working_days",
        "online_level": "full",
        "full_online_eligible": "true",
        "requires_written_result": "false",
        "has_fee": "false",
        "fee_online_integrated": "false",
        "publication_decision_date": "2024-12-01",
        "legal_basis_effective_date": "2025-01-01",
        "made_public_date": "2024-12-03",
        "mandatory_parts_complete": "true",
    }
]
UNIT_PROCEDURES = [{"unit_code": "H99.X01", "procedure_code": "1.000001"}]


def dossier(n: int, **over: str) -> dict[str, str]:
    row = {
        "dossier_id": f"D{n}",
        "procedure_code": "1.000001",
        "unit_code": "H99.X01",
        "channel": "truc_tuyen",
        "submitted_at": "2025-03-03 08:00:00",
        "received_at": "2025-03-03 09:00:00",
        "due_at": "2025-03-06 09:00:00",
        "finished_at": "2025-03-05 10:00:00",
        "returned_at": "2025-03-05 11:00:00",
        "synced": "true",
        "e_result": "true",
        "digitised": "true",
        "reused_data": "false",
        "personal_store": "false",
        "vneid": "true",
        "fee_due": "false",
        "paid_online": "false",
        "rating": "satisfied",
        "complaint": "false",
    }
    return {**row, **over}


def reference_files(folder: Path) -> dict[str, Path]:
    """units, procedures and unit_procedures as CSV files in `folder`."""
    return {
        "units": write_csv(folder / "don-vi.csv", UNITS),
        "procedures": write_csv(folder / "thu-tuc.csv", PROCEDURES),
        "unit_procedures": write_csv(folder / "tham-quyen.csv", UNIT_PROCEDURES),
    }
