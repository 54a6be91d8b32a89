"""Phú Thọ, Decision 766 processing progress, Q3 2026: every row of the portal's table comes
back exactly from its counts — rate and points to 2 decimals, 0 for a unit with no dossiers,
the province's row as the sum of its units'."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from chiso.cli import main
from chiso.engine.numbers import display
from chiso.engine.service import score_service
from chiso.engine.service_scoring import ServiceUnit
from chiso.io.service_method_files import load_service_method

from .conftest import read_published

TABLE = "qd766_phutho_q3_2026_tien_do_giai_quyet.csv"
LEVELS = {"TỈNH (parent)": "province", "PROVINCE": "department", "COMMUNE": "commune"}


def phutho() -> tuple[list[dict[str, str]], list[ServiceUnit], pl.DataFrame]:
    """The published rows; the units (the province row the parent of all); the counts of the
    163 units (the province's own row is left out: chiso rolls it up)."""
    rows = read_published(TABLE)
    province = rows[0]["ma_don_vi"]
    units = [
        ServiceUnit(
            r["ma_don_vi"],
            r["don_vi"],
            LEVELS[r["cap"]],
            None if r["ma_don_vi"] == province else province,
        )
        for r in rows
    ]
    counts = pl.DataFrame(
        {
            "period": [r["ky"] for r in rows[1:]],
            "unit": [r["ma_don_vi"] for r in rows[1:]],
            "indicator": ["2.1"] * (len(rows) - 1),
            "numerator": [float(r["ho_so_dung_han"]) for r in rows[1:]],
            "denominator": [float(r["tong_ho_so_tiep_nhan"]) for r in rows[1:]],
        }
    )
    return rows, units, counts


def test_every_row_of_the_phutho_progress_table() -> None:
    rows, units, counts = phutho()
    result = score_service(load_service_method("qd766-2022"), counts, units)
    got = {
        r["unit"]: r
        for r in result.indicators.filter(pl.col("indicator") == "2.1").iter_rows(named=True)
    }
    groups = {
        r["unit"]: r["points"]
        for r in result.groups.filter(pl.col("group") == "2").iter_rows(named=True)
    }
    assert len(rows) == 164 and set(got) == {r["ma_don_vi"] for r in rows}
    for r in rows:
        unit = got[r["ma_don_vi"]]
        received, on_time = int(unit["denominator"]), int(unit["numerator"])
        assert received == int(r["tong_ho_so_tiep_nhan"]), r["ma_don_vi"]
        assert on_time == int(r["ho_so_dung_han"]), r["ma_don_vi"]
        if r["ho_so_qua_han"]:  # the province row leaves it empty
            assert received - on_time == int(r["ho_so_qua_han"])
        # The portal prints 0 for the rate of a unit with no dossiers; chiso leaves it empty
        # (no data is not a 0 % rate) and scores it by the method's no-data rule: 0.
        rate = display(unit["rate"], 2, "half_up") if received else "0"
        assert _same(rate, r["ty_le_dung_han_pct"]), r["ma_don_vi"]
        assert _same(display(unit["points"], 2, "half_up"), r["diem"]), r["ma_don_vi"]
        assert _same(display(groups[r["ma_don_vi"]], 2, "half_up"), r["diem"])
        assert unit["max"] == float(r["diem_toi_da"])


def _same(ours: str, published: str) -> bool:
    """The same number (the CSV writes 15.7 for 15.70)."""
    return Decimal(ours) == Decimal(published)


def test_the_score_command_gives_the_same_table(tmp_path: Path) -> None:
    rows, units, counts = phutho()
    path = tmp_path / "phutho.csv"
    counts.join(
        pl.DataFrame(
            {
                "unit": [u.code for u in units],
                "level": [u.level for u in units],
                "parent": [u.parent or "" for u in units],
            }
        ),
        on="unit",
    ).write_csv(path)
    with path.open("a", encoding="utf-8") as handle:  # the province: a unit with no own counts
        handle.write(f"{rows[0]['ky']},H44,2.1,0.0,0.0,province,\n")
    result = CliRunner().invoke(
        main, ["service", "score", str(path), "--indicators", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    got = {
        r["unit"]: r for r in csv.DictReader(io.StringIO(result.output)) if r["indicator"] == "2.1"
    }
    for r in rows:
        assert _same(display(float(got[r["ma_don_vi"]]["points"]), 2, "half_up"), r["diem"])
