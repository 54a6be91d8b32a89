"""`chiso service check | score | compute` as a user meets them: every format, refusals with
their places, and the records of a store computed end to end."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from chiso.cli import main
from chiso.io.dossier_store import new_version, write_part
from chiso.io.service_method_files import resolve_service_method, shipped_service_methods

from .engine import service_fixture as fx

CALENDAR = """format: chiso.calendar/1
year: 2026
country: VN
weekend: [saturday, sunday]
days:
  - {day: 2026-09-01, working: false, name: "Nghỉ lễ"}
  - {day: 2026-09-02, working: false, name: "Quốc khánh"}
"""


def run(*args: str):
    return CliRunner(env={"COLUMNS": "200"}).invoke(main, list(args), catch_exceptions=False)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def write_counts(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- check --------------------------------------------------------------------------------------


def test_the_shipped_method_checks_clean() -> None:
    assert [p.stem for p in shipped_service_methods()] == ["qd766-2022"]
    assert resolve_service_method("service/qd766-2022") == shipped_service_methods()[0]
    result = run("service", "check")
    assert result.exit_code == 0 and "hợp lệ (0 warning(s))" in result.output


def test_check_reports_every_problem(tmp_path: Path) -> None:
    text = shipped_service_methods()[0].read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        text.replace("measure: dossiers_synced", "measure: dossiers_sunk").replace(
            "total_points: 100", "total_points: 90"
        ),
        encoding="utf-8",
    )
    result = run("service", "check", str(bad), "--format", "json")
    assert result.exit_code == 1
    found = {(p["code"], p["where"]) for p in json.loads(result.output)}
    assert found == {("SVC013", "indicator 1.4"), ("SVC012", "total_points")}
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: chiso.service/1\nid: [unclosed\n", encoding="utf-8")
    result = run("--lang", "en", "service", "check", str(broken))
    assert result.exit_code == 1 and "SVC000" in result.output and "broken.yaml:" in result.output


# --- score --------------------------------------------------------------------------------------

COUNTS = [
    "ky,ma_don_vi,don_vi,cap,ma_don_vi_cha,chi_tieu,tu_so,mau_so",
    "2026-Q3,T,Tỉnh,tỉnh,,2.1,0,0",
    "2026-Q3,S1,Sở Một,sở,T,2.1,9,10",
    "2026-Q3,S2,Sở Hai,sở,T,2.1,7,10",
    "2026-Q3,X1,Xã Một,xã,T,2.1,0,0",
]


def test_score_from_counts_as_csv(tmp_path: Path) -> None:
    counts = write_counts(tmp_path / "counts.csv", COUNTS)
    result = run("service", "score", str(counts), "--format", "csv", "--indicators")
    assert result.exit_code == 0, result.output
    got = {(r["unit"], r["indicator"]): r for r in rows(result.output)}
    assert got[("T", "2.1")]["numerator"] == "16.0" and got[("T", "2.1")]["points"] == "16.0"
    assert got[("S1", "2.1")]["points"] == "18.0" and got[("X1", "2.1")]["status"] == "no_data"
    assert got[("S1", "1.1")]["status"] == "not_measured"
    units = rows(run("service", "score", str(counts), "--format", "csv").output)
    assert {r["unit"]: r["group_2"] for r in units} == {
        "T": "16.0",
        "S1": "18.0",
        "S2": "14.0",
        "X1": "0.0",
    }
    assert all(r["total"] == "" and r["rank"] == "" for r in units)  # other groups not given


def test_score_without_roll_up_takes_counts_as_given(tmp_path: Path) -> None:
    counts = write_counts(tmp_path / "counts.csv", COUNTS)
    result = run("service", "score", str(counts), "--no-roll-up", "--format", "csv", "--indicators")
    got = {(r["unit"], r["indicator"]): r for r in rows(result.output)}
    assert got[("T", "2.1")]["denominator"] == "0.0"


def test_score_json_and_xlsx_carry_provenance(tmp_path: Path) -> None:
    counts = write_counts(tmp_path / "counts.csv", COUNTS)
    document = json.loads(run("service", "score", str(counts), "--format", "json").output)
    assert document["method"]["id"] == "qd766-2022" and document["method"]["status"] == "modelled"
    assert document["inputs_hash"].startswith("sha256:") and len(document["units"]) == 4
    assert len(document["indicators"]) == 4 * 22
    out = tmp_path / "ket-qua.xlsx"
    assert run("service", "score", str(counts), "--format", "xlsx", "-o", str(out)).exit_code == 0
    from openpyxl import load_workbook

    book = load_workbook(out)
    assert book.sheetnames == ["Đơn vị", "Chỉ tiêu"]
    assert book["Đơn vị"]["A4"].value == "Kỳ" and "mô phỏng" in book["Đơn vị"]["A2"].value
    assert run("service", "score", str(counts), "--format", "xlsx").exit_code == 2


def test_bad_counts_are_refused_with_their_places(tmp_path: Path) -> None:
    counts = write_counts(
        tmp_path / "bad.csv",
        [
            "ma_don_vi,cap,chi_tieu,tu_so,mau_so",
            "S1,sở,2.1,11,10",
            "S1,sở,9.9,1,1",
            "S1,sở,1.4,mười,10",
            "S2,làng,2.1,1,2",
            "S3,sở,2.1,1.5,2",
            "S1,sở,1.1,1,2",
            "S1,sở,1.1,1,2",
        ],
    )
    result = run("--lang", "en", "service", "score", str(counts))
    assert result.exit_code == 3
    for expected in (
        "SVC042 bad.csv row 2",
        "SVC040 bad.csv row 3, column 'chi_tieu'",
        "SVC041 bad.csv row 4, column 'tu_so'",
        "SVC046 bad.csv: unit S2",
        "SVC041 bad.csv row 6, column 'tu_so'",
        "SVC043 bad.csv row 8",
    ):
        assert expected in result.output, result.output
    missing = write_counts(tmp_path / "missing.csv", ["ma_don_vi,chi_tieu,tu_so", "S1,2.1,1"])
    result = run("--lang", "en", "service", "score", str(missing))
    assert result.exit_code == 3 and "'denominator' is missing" in result.output


def test_score_with_a_unit_list(tmp_path: Path) -> None:
    units = write_counts(
        tmp_path / "units.csv",
        ["unit,name,level,parent", "T,Tỉnh,province,", "S1,Sở Một,department,T"],
    )
    counts = write_counts(
        tmp_path / "c.csv", ["unit,indicator,numerator,denominator", "S1,2.1,3,4", "S9,2.1,1,1"]
    )
    result = run("--lang", "en", "service", "score", str(counts), "--units", str(units))
    assert result.exit_code == 3 and "INP002 c.csv row 3: unknown unit 'S9'" in result.output


# --- compute ------------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    frames = fx.tables()
    with new_version(root, set(frames)) as version:
        for name, frame in frames.items():
            write_part(version.folder(name), 0, frame)
            version.set_rows(name, frame.height)
        version.commit()
    return root


@pytest.fixture
def calendars(tmp_path: Path) -> Path:
    folder = tmp_path / "calendars"
    folder.mkdir()
    (folder / "vn-2026.yaml").write_text(CALENDAR, encoding="utf-8")
    return folder


def test_compute_from_a_store(store: Path, calendars: Path) -> None:
    args = (
        "service",
        "compute",
        str(store),
        "--period",
        "2026-Q3",
        "--calendar-dir",
        str(calendars),
        "--format",
        "csv",
    )
    units = {r["unit"]: r for r in rows(run(*args).output)}
    assert set(units) == {"P", "D1", "D2", "X1", "X2"}
    assert units["D1"]["group_2"] == "12.5" and units["D1"]["rank"] == "1"
    assert units["D1"]["band_label"] == "Trung bình"
    indicators = rows(run(*args, "--indicators").output)
    d1 = {
        r["indicator"]: (r["numerator"], r["denominator"]) for r in indicators if r["unit"] == "D1"
    }
    assert d1["2.1"] == ("5.0", "8.0") and d1["5.1"] == ("3.0", "5.0")
    units_of = {r["indicator"]: r["rate_unit"] for r in indicators if r["unit"] == "D1"}
    assert units_of["2.2"] == "days" and units_of["2.1"] == "percent"
    detail = rows(run(*args, "--procedure").output)
    assert {(r["unit"], r["procedure"]) for r in detail} >= {("D1", "A"), ("P", "2.000815")}
    assert {r["rate_unit"] for r in detail if r["indicator"] == "2.2"} == {"days"}


def test_compute_says_each_indicators_unit(store: Path, calendars: Path) -> None:
    # 2.2, the average processing time, is in days: not under a "Tỷ lệ (%)" heading.
    args = ("service", "compute", str(store), "--period", "2026-Q3", "--calendar-dir",
            str(calendars), "--indicators")  # fmt: skip
    table = run(*args).output
    assert "Tỷ lệ (%)" not in table and "Kết quả đo" in table
    assert re.search(r"Thời gian giải quyết trung bình \(ngày\) .* \d+\.\d\d ngày ", table)
    assert re.search(r"Tỷ lệ hồ sơ giải quyết đúng hạn .* \d+\.\d\d % ", table)
    english = run("--lang", "en", *args).output
    assert re.search(r" \d+\.\d\d days ", english) and "Rate (%)" not in english


def test_compute_by_month_and_as_of(store: Path, calendars: Path) -> None:
    base = ("service", "compute", str(store), "--calendar-dir", str(calendars), "--format", "json")
    months = json.loads(run(*base, "--period", "2026-Q3", "--by", "month").output)
    assert months["periods"] == ["2026-07", "2026-08", "2026-09"]
    early = json.loads(
        run(*base, "--period", "2026-Q3", "--by", "month", "--as-of", "2026-08-15").output
    )
    assert early["periods"] == ["2026-07", "2026-08"] and early["as_of"] == "2026-08-15"
    table = run(
        "service",
        "compute",
        str(store),
        "--calendar-dir",
        str(calendars),
        "--period",
        "2026-Q3",
        "--as-of",
        "2026-08-15",
    )
    assert table.exit_code == 0 and "Số liệu tính đến ngày 2026-08-15" in table.output


def test_compute_refusals(store: Path, tmp_path: Path) -> None:
    base = ("--lang", "en", "service", "compute", str(store))
    no_year = run(*base, "--period", "2026-Q3", "--calendar-dir", str(tmp_path))
    assert no_year.exit_code == 3 and "CAL000" in no_year.output
    assert run(*base, "--period", "2026-Q5").exit_code == 2
    assert run(*base, "--period", "2026-07", "--by", "quarter").exit_code == 2
    assert run(*base, "--period", "2026-Q3", "--method", "nope").exit_code == 2
