"""The command line as a user meets it: outputs, messages with places, and exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from chiso.cli import main

from .engine.methods import BASE

PUBLISHED = Path(__file__).resolve().parents[1] / "examples" / "published"


def run(*args: str):
    return CliRunner(env={"COLUMNS": "200"}).invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def vinhphuc_scores(tmp_path: Path) -> Path:
    """The published Vĩnh Phúc table as a wide scores file with unit columns."""
    blocks = {"Cơ quan Trung ương đóng trên địa bàn tỉnh": "tw", "Sở, ban, ngành": "so"}
    with (PUBLISHED / "par_vinhphuc_2019_so_nganh.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    path = tmp_path / "diem.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["ma_don_vi", "ten_don_vi", "khoi", "A", "B"])
        for i, r in enumerate(rows):
            writer.writerow(
                [
                    f"VP{i:02}",
                    r["don_vi"],
                    blocks[r["nhom"]],
                    r["diem_danh_gia_truc_tiep"],
                    r["diem_dieu_tra_xhh"],
                ]
            )
    return path


def test_check_valid_and_invalid(tmp_path: Path):
    ok = run("check", "vinhphuc-2019")
    assert ok.exit_code == 0 and "hợp lệ" in ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        BASE.replace("max: 4\n", "max: 5\n", 1).replace("kind: binary", "kind: yes"),
        encoding="utf-8",
    )
    result = run("--lang", "en", "check", str(bad))
    assert result.exit_code == 1
    assert "PAR013 criterion 1: points of children (4) fall short of max (5)" in result.output
    assert "PAR020 criterion 2.2: unknown rule kind 'yes'" in result.output
    as_json = json.loads(run("check", "--format", "json", str(bad)).output)
    assert {p["code"] for p in as_json} >= {"PAR013", "PAR020"}


def test_check_unreadable_yaml(tmp_path: Path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("format: chiso.method/1\nid: [unclosed\n", encoding="utf-8")
    result = run("check", str(bad))
    assert result.exit_code == 1 and "PAR000" in result.output and "broken.yaml:" in result.output
    dup = tmp_path / "dup.yaml"
    dup.write_text("format: chiso.method/1\nid: a\nid: b\n", encoding="utf-8")
    assert "PAR000" in run("check", str(dup)).output


def test_compute_table_shows_both_blocks_in_vietnamese(vinhphuc_scores: Path):
    result = run("compute", "vinhphuc-2019", str(vinhphuc_scores))
    assert result.exit_code == 0, result.output
    assert "Cơ quan Trung ương đóng trên địa bàn tỉnh" in result.output
    assert "Sở Tài chính" in result.output and "92.93" in result.output
    assert "Hạng" in result.output and "Đánh giá trực tiếp" in result.output


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_compute_formats(vinhphuc_scores: Path, tmp_path: Path, fmt: str):
    out = tmp_path / f"ket-qua.{fmt}"
    result = run("compute", "vinhphuc-2019", str(vinhphuc_scores), "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        first = next(r for r in rows if r["name"] == "Sở Tài chính")
        assert (first["rank"], first["block"], float(first["total"])) == ("1", "so", 92.93)
    elif fmt == "json":
        doc = json.loads(out.read_text(encoding="utf-8"))
        assert doc["method"]["hash"].startswith("sha256:") and len(doc["units"]) == 22
    else:
        sheet = load_workbook(out).active
        header = [c.value for c in sheet[4]]
        assert header[:3] == ["Xếp hạng", "Mã đơn vị", "Đơn vị"]
        assert "Tái lập" in sheet["A2"].value


def test_compute_long_xlsx_with_units_file(tmp_path: Path):
    book = Workbook()
    sheet = book.active
    sheet.append(["unit", "criterion", "value"])
    for unit, a, b in [("X", 50, 30), ("Y", 55.25, 31.5)]:
        sheet.append([unit, "A", a])
        sheet.append([unit, "B", b])
    scores = tmp_path / "scores.xlsx"
    book.save(scores)
    units = tmp_path / "units.csv"
    units.write_text("unit,name,block\nX,Sở X,so\nY,Sở Y,so\n", encoding="utf-8")
    result = run("compute", "vinhphuc-2019", str(scores), "--units", str(units), "--format", "csv")
    rows = list(csv.DictReader(result.output.splitlines()))
    assert [(r["unit"], r["rank"]) for r in rows] == [("Y", "1"), ("X", "2")]


def test_bad_scores_are_reported_with_row_and_column(tmp_path: Path):
    scores = tmp_path / "scores.csv"
    scores.write_text("unit,criterion,value\nX,A,65.5\nX,C,1\nZ,B,30\nX,B,abc\n", encoding="utf-8")
    units = tmp_path / "units.csv"
    units.write_text("unit,name,block\nX,Sở X,so\n", encoding="utf-8")
    result = run("--lang", "en", "compute", "vinhphuc-2019", str(scores), "--units", str(units))
    assert result.exit_code == 3
    assert "INP004 scores.csv row 2, column 'value'" in result.output
    assert "points must be in [0, 65]" in result.output
    assert "INP003 scores.csv row 3, column 'value': unknown criterion 'C'" in result.output
    assert "INP002 scores.csv row 4, column 'value': unknown unit 'Z'" in result.output
    assert "row 5" in result.output and "4 error(s) — nothing computed." in result.output
    vietnamese = run("compute", "vinhphuc-2019", str(scores), "--units", str(units))
    assert "INP003 scores.csv dòng 3, cột 'value'" in vietnamese.output
    assert "row" not in vietnamese.output and "column" not in vietnamese.output


def test_missing_columns_and_unknown_method(tmp_path: Path):
    scores = tmp_path / "scores.csv"
    scores.write_text("don,x\n1,2\n", encoding="utf-8")
    result = run("--lang", "en", "compute", "vinhphuc-2019", str(scores))
    assert result.exit_code == 3 and "required column 'unit' is missing" in result.output
    result = run("compute", "no-such-method", str(scores))
    assert result.exit_code == 2 and "chiso methods" in result.output


def test_explain(vinhphuc_scores: Path):
    result = run("explain", "vinhphuc-2019", str(vinhphuc_scores), "VP05")
    assert result.exit_code == 0, result.output
    assert "Sở Tài chính" in result.output and "Kế hoạch cải thiện" in result.output
    as_json = json.loads(
        run("explain", "vinhphuc-2019", str(vinhphuc_scores), "VP05", "--format", "json").output
    )
    assert [leaf["criterion"] for leaf in as_json["leaves"]] == ["A", "B"]
    assert run("explain", "vinhphuc-2019", str(vinhphuc_scores), "NOPE").exit_code == 2


def test_previous_year_and_lineage(vinhphuc_scores: Path, tmp_path: Path):
    previous = tmp_path / "2018.csv"
    previous.write_text("unit,index,rank\nVP05,90.00,3\nVP06,91.00,1\nOLD,80,5\n", encoding="utf-8")
    lineage = tmp_path / "lineage.csv"
    lineage.write_text("current,previous,relation\nVP07,OLD,renamed\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    run(
        "compute",
        "vinhphuc-2019",
        str(vinhphuc_scores),
        "--previous",
        str(previous),
        "--lineage",
        str(lineage),
        "--format",
        "csv",
        "-o",
        str(out),
    )
    rows = {r["unit"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert float(rows["VP05"]["index_change"]) == pytest.approx(2.93)
    assert rows["VP05"]["rank_change"] == "2"
    assert rows["VP07"]["relation"] == "renamed" and rows["VP07"]["rank_change"] == "2"
    lineage.write_text("current,previous,relation\nVP07,OLD,absorbed\n", encoding="utf-8")
    bad = run(
        "compute",
        "vinhphuc-2019",
        str(vinhphuc_scores),
        "--previous",
        str(previous),
        "--lineage",
        str(lineage),
    )
    assert bad.exit_code == 3 and "INP009" in bad.output


def test_a_province_unit_list_may_cover_other_blocks(tmp_path: Path):
    units = tmp_path / "units.csv"
    units.write_text("unit,name,block\nX,Sở X,so\nH,Huyện H,huyen\n", encoding="utf-8")
    scores = tmp_path / "scores.csv"
    scores.write_text("unit,A,B\nX,50,30\n", encoding="utf-8")
    ok = run("compute", "vinhphuc-2019", str(scores), "--units", str(units), "--format", "csv")
    assert ok.exit_code == 0 and [r["unit"] for r in csv.DictReader(ok.output.splitlines())] == [
        "X"
    ]
    scores.write_text("unit,A,B\nX,50,30\nH,40,20\n", encoding="utf-8")
    bad = run("--lang", "en", "compute", "vinhphuc-2019", str(scores), "--units", str(units))
    assert bad.exit_code == 3 and "INP005 unit H" in bad.output


SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "criteria-import"


def test_import_criteria_then_check(tmp_path: Path):
    out = tmp_path / "method.yaml"
    result = run(
        "--lang",
        "en",
        "import-criteria",
        str(SAMPLE / "phu-luc-bo-tieu-chi-mau.xlsx"),
        "--settings",
        str(SAMPLE / "settings.yaml"),
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "0 errors from `chiso check`" in result.output
    assert "row 60" in result.output  # the note row is listed, not silently dropped
    assert run("check", str(out)).exit_code == 0
    bare = tmp_path / "bare.yaml"
    run("import-criteria", str(SAMPLE / "phu-luc-bo-tieu-chi-mau.xlsx"), "-o", str(bare))
    checked = run("--lang", "en", "check", str(bare))
    assert checked.exit_code == 1 and "required key 'banding' is missing" in checked.output


def test_import_criteria_refuses_a_table_without_header(tmp_path: Path):
    table = tmp_path / "x.csv"
    table.write_text("a,b\n1,2\n", encoding="utf-8")
    result = run("import-criteria", str(table), "-o", str(tmp_path / "o.yaml"))
    assert result.exit_code == 3 and "INP008" in result.output
    assert not (tmp_path / "o.yaml").exists()


def test_rank_intervals_from_standard_errors(vinhphuc_scores: Path, tmp_path: Path):
    se = tmp_path / "se.csv"
    se.write_text(
        "unit,component,se\nVP05,survey,0.8\nVP06,survey,0.8\nVP08,survey,3\nVP09,survey,3\n",
        encoding="utf-8",
    )
    args = [
        "compute",
        "vinhphuc-2019",
        str(vinhphuc_scores),
        "--se",
        str(se),
        "--draws",
        "2000",
        "--seed",
        "3",
    ]
    table = run(*args)
    assert table.exit_code == 0, table.output
    assert "Khoảng hạng 90% theo 2000 lần mô phỏng (seed 3)" in table.output
    assert "Sở Khoa học và Công nghệ ~ Sở Tư pháp" in table.output
    doc = json.loads(run(*args, "--format", "json").output)
    assert doc["rank_intervals"]["seed"] == 3
    first = next(u for u in doc["units"] if u["unit"] == "VP05")
    assert first["rank_low"] == 1 and first["rank_high"] >= 1
    assert run(*args, "--format", "json").output == run(*args, "--format", "json").output
    se.write_text("unit,component,se\nVP05,nope,1\n", encoding="utf-8")
    bad = run(*args)
    assert bad.exit_code == 3 and "nope" in bad.output
    se.write_text("unit,component,se\nVP05,survey,-1\n", encoding="utf-8")
    assert run(*args).exit_code == 3


def test_methods_lists_index_methods_only():
    listed = run("methods").output
    assert "par/model-2024-so" in listed and "papi/papi-2018" in listed
    assert "sipas/" not in listed  # questionnaires are another format
