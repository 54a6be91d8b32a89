"""The frame from the dossier store: DuckDB over the `dossiers` Parquet table."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from chiso.web.surveys import services
from chiso.web.surveys.models import FrameEntry
from tests.web.surveys.helpers import make_survey

pytestmark = pytest.mark.db


def _store(folder: Path, rows: list[tuple[str, str, datetime | None]]) -> Path:
    folder.mkdir()
    pl.DataFrame(
        {
            "dossier_id": [r[0] for r in rows],
            "procedure_code": ["1.001"] * len(rows),
            "unit_code": [r[1] for r in rows],
            "channel": ["truc_tuyen"] * len(rows),
            "returned_at": [r[2] for r in rows],
        },
        schema_overrides={"returned_at": pl.Datetime("us")},
    ).write_parquet(folder / "part-0.parquet")
    return folder


def test_the_frame_is_every_dossier_returned_in_the_reference_period(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    survey = make_survey(admin, reference_start=date(2025, 1, 1), reference_end=date(2025, 6, 30))
    store = _store(
        tmp_path / "dossiers",
        [
            ("D1", "SA", datetime(2025, 1, 1, 8, 0)),
            ("D2", "SB", datetime(2025, 6, 30, 17, 30)),  # the last day counts whole
            ("D3", "SA", datetime(2025, 7, 1, 0, 0)),  # after the period
            ("D4", "SA", None),  # no result handed over
        ],
    )
    report = services.frame_from_dossiers(survey=survey, path=store, by=admin)

    assert report.ok, report.errors
    rows = FrameEntry.objects.order_by("dossier_code").values_list(
        "dossier_code", "unit__code", "channel", "contact_channel", "result_date"
    )
    assert list(rows) == [
        ("D1", "SA", "truc_tuyen", "receipt", date(2025, 1, 1)),
        ("D2", "SB", "truc_tuyen", "receipt", date(2025, 6, 30)),
    ]


def test_unknown_units_are_named_and_nothing_is_written(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    survey = make_survey(admin, reference_start=date(2025, 1, 1), reference_end=date(2025, 12, 31))
    store = _store(
        tmp_path / "dossiers",
        [("D1", "SA", datetime(2025, 3, 1)), ("D2", "ZZ", datetime(2025, 3, 2))],
    )
    report = services.frame_from_dossiers(survey=survey, path=store, by=admin)
    assert [str(e) for e in report.errors] == [
        "đơn vị 'ZZ' (1 hồ sơ) chưa có trong danh sách đơn vị."
    ]
    assert not FrameEntry.objects.exists()
