"""Each published table is reproduced exactly, to the table's decimals, from its components."""

from __future__ import annotations

import math

import polars as pl
import pytest

from chiso.engine.inputs import ScoreRow, Unit, prepare_inputs
from chiso.engine.numbers import display
from chiso.engine.par import compute_par
from chiso.io.method_files import load_method, resolve_method

from .conftest import read_published

VP_BLOCKS = {"Cơ quan Trung ương đóng trên địa bàn tỉnh": "tw", "Sở, ban, ngành": "so"}


def _compute(method_name, units, rows):
    method = load_method(resolve_method(method_name))
    return method, compute_par(method, prepare_inputs(method, units, rows))


def _by_unit(result):
    return {row["unit"]: row for row in result.units.iter_rows(named=True)}


def test_vinhphuc_2019_totals_and_ranks_in_both_blocks():
    table = read_published("par_vinhphuc_2019_so_nganh.csv")
    units = [Unit(r["don_vi"], r["don_vi"], VP_BLOCKS[r["nhom"]]) for r in table]
    rows = [ScoreRow(r["don_vi"], "A", r["diem_danh_gia_truc_tiep"]) for r in table]
    rows += [ScoreRow(r["don_vi"], "B", r["diem_dieu_tra_xhh"]) for r in table]
    _method, result = _compute("vinhphuc-2019", units, rows)
    got = _by_unit(result)
    assert len(got) == 22
    for r in table:
        unit = got[r["don_vi"]]
        assert display(unit["total"], 2, "half_up") == r["tong_diem"], r["don_vi"]
        assert unit["rank"] == int(r["xep_hang"]), r["don_vi"]
        assert unit["block"] == VP_BLOCKS[r["nhom"]]


def test_thuathienhue_2021_scores_ranks_and_bands():
    table = read_published("cchc_thuathienhue_2021_so_nganh.csv")
    units = [Unit(r["don_vi"], r["don_vi"], "so") for r in table]
    rows = [ScoreRow(r["don_vi"], "1", r["diem_danh_gia"]) for r in table]
    _method, result = _compute("thuathienhue-2021-so", units, rows)
    got = _by_unit(result)
    for r in table:
        unit = got[r["don_vi"]]
        assert display(unit["index"], 3, "half_up") == r["diem_danh_gia"]
        assert unit["rank"] == int(r["vi_thu"])
        assert unit["band_label"] == r["xep_loai"]


PAPI_SUBDIMENSIONS = {1: 4, 2: 4, 3: 3, 4: 4, 5: 4, 6: 4, 7: 3, 8: 2}


def _papi_inputs():
    table = read_published("papi_2018_tinh.csv")
    units = [Unit(r["ma_tinh_papi"], r["tinh_thanh_pho"], "tinh") for r in table]
    rows = [
        ScoreRow(r["ma_tinh_papi"], f"{d}.{s}", r[f"nd{d}_{s}"])
        for r in table
        for d, n in PAPI_SUBDIMENSIONS.items()
        for s in range(1, n + 1)
    ]
    return table, units, rows


def test_papi_2018_dimensions_are_sums_of_subdimensions():
    table, units, rows = _papi_inputs()
    _method, result = _compute("papi-2018", units, rows)
    fields = {(f["unit"], f["field"]): f["points"] for f in result.fields.iter_rows(named=True)}
    checked = 0
    for r in table:
        for d in PAPI_SUBDIMENSIONS:
            published = r[f"nd{d}"]
            if published:
                assert fields[(r["ma_tinh_papi"], str(d))] == pytest.approx(
                    float(published), abs=1e-5
                )
                checked += 1
            else:
                assert fields[(r["ma_tinh_papi"], str(d))] is None
    assert checked == 63 * 8 - 4


def test_papi_2018_totals_ranks_and_provinces_without_data():
    table, units, rows = _papi_inputs()
    _method, result = _compute("papi-2018", units, rows)
    got = _by_unit(result)
    with_total = [r for r in table if r["papi_tong_khong_trong_so"]]
    without = {r["tinh_thanh_pho"] for r in table if not r["papi_tong_khong_trong_so"]}
    assert without == {"Quảng Ninh", "Đồng Tháp"}
    expected_order = sorted(with_total, key=lambda r: -float(r["papi_tong_khong_trong_so"]))
    for rank, r in enumerate(expected_order, start=1):
        unit = got[r["ma_tinh_papi"]]
        assert unit["total"] == pytest.approx(float(r["papi_tong_khong_trong_so"]), abs=1e-5)
        assert unit["rank"] == rank
    for r in table:
        if r["tinh_thanh_pho"] in without:
            unit = got[r["ma_tinh_papi"]]
            assert unit["total"] is None and unit["rank"] is None
            assert unit["flags"] == "missing_input"
            assert not unit["ranked"]


def test_papi_2018_quartile_groups_follow_rank():
    _, units, rows = _papi_inputs()
    _, result = _compute("papi-2018", units, rows)
    ranked = result.units.filter(pl.col("ranked")).sort("rank")
    groups = ranked["band"].to_list()
    assert groups == sorted(groups)  # q1 … q4 in rank order
    assert {g: groups.count(g) for g in set(groups)} == {"q1": 16, "q2": 15, "q3": 15, "q4": 15}
    assert not math.isnan(ranked["index"].max())
