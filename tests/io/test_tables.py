"""Scores and unit lists as offices really save them: BOM, semicolons, decimal commas, XLSX."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from chiso.engine.problems import InputError
from chiso.io.method_files import check_method_file, read_method_data
from chiso.io.tables import read_scores, read_units


def test_csv_with_bom_semicolons_and_vietnamese_headers(tmp_path: Path):
    path = tmp_path / "diem.csv"
    path.write_text("ma_don_vi;tieu_chi;diem\nSCT;1.1;0,75\nSCT;1.2;\n", encoding="utf-8-sig")
    scores = read_scores(path)
    assert scores.layout == "long"
    assert [(r.unit, r.criterion, r.value) for r in scores.rows] == [
        ("SCT", "1.1", "0,75"),
        ("SCT", "1.2", ""),
    ]
    assert scores.rows[0].where == "diem.csv row 2, column 'diem'"


def test_wide_xlsx_with_unit_columns(tmp_path: Path):
    book = Workbook()
    sheet = book.active
    sheet.append(["unit", "name", "block", "1.1", "1.2"])
    sheet.append(["A", "Sở A", "so", 1, 0.5])
    sheet.append([None, None, None, None, None])  # blank rows are skipped
    sheet.append(["B", "Sở B", "so", "dung_han", None])
    path = tmp_path / "wide.xlsx"
    book.save(path)
    scores = read_scores(path)
    assert scores.layout == "wide"
    assert [u.code for u in scores.units] == ["A", "B"]
    assert [(r.unit, r.criterion, r.value) for r in scores.rows][:2] == [
        ("A", "1.1", 1),
        ("A", "1.2", 0.5),
    ]
    assert scores.rows[-1].where == "wide.xlsx row 4, column '1.2'"


def test_unit_list_requires_its_columns(tmp_path: Path):
    path = tmp_path / "units.csv"
    path.write_text("unit,name\nA,Sở A\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_units(path)
    assert [p.params["column"] for p in caught.value.problems] == ["block"]


def test_unreadable_files(tmp_path: Path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError) as caught:
        read_scores(path)
    assert caught.value.problems[0].code == "INP008"
    missing = tmp_path / "missing.yaml"
    assert [p.code for p in check_method_file(missing)] == ["PAR000"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1, 2\n", encoding="utf-8")
    data, problems = read_method_data(bad)
    assert (
        data is None
        and problems[0].code == "PAR000"
        and problems[0].where.startswith(str(bad) + ":")
    )
