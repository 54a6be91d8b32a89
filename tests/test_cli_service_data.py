"""`chiso service generate` and `chiso service import` as a user meets them."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from chiso.cli import main
from chiso.io.dossier_store import connect, open_store


def run(*args: str):
    return CliRunner(env={"COLUMNS": "200"}).invoke(main, list(args), catch_exceptions=False)


def test_generate_writes_a_synthetic_store(tmp_path: Path) -> None:
    out = tmp_path / "province"
    result = run(
        "service", "generate", "--units", "6", "--dossiers", "3000", "--seed", "5", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "TỔNG HỢP" in result.output and "3.000 hồ sơ" in result.output
    version = open_store(out)
    assert version is not None and version.manifest["synthetic"] is True
    assert version.manifest["generated"]["seed"] == 5
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "không phải hồ sơ thật" in readme and "--dossiers 3000 --year 2025" in readme
    con = connect(out)
    assert con.execute("SELECT count(*) FROM dossiers").fetchall() == [(3000,)]


def test_generate_is_deterministic_and_refuses_a_used_folder(tmp_path: Path) -> None:
    for name in ("a", "b"):
        run("service", "generate", "--units", "4", "--dossiers", "500", str(tmp_path / name))
    frames = [pl.read_parquet(open_store(tmp_path / n).glob("dossiers")) for n in "ab"]  # type: ignore[union-attr]
    assert frames[0].equals(frames[1])
    again = run("--lang", "en", "service", "generate", "--dossiers", "10", str(tmp_path / "a"))
    assert again.exit_code == 2 and "is not empty" in again.output


def test_generate_several_years(tmp_path: Path) -> None:
    out = tmp_path / "province"
    result = run("service", "generate", "--units", "4", "--dossiers", "400", "--first-year",
                 "2024", "--year", "2025", str(out))  # fmt: skip
    assert result.exit_code == 0 and "800 hồ sơ" in result.output, result.output
    con = connect(out)
    years = "SELECT year(received_at), count(*) FROM dossiers GROUP BY 1 ORDER BY 1"
    assert con.execute(years).fetchall() == [(2024, 400), (2025, 400)]
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "--dossiers 400 --first-year 2024 --year 2025" in readme
    later = run(
        "service", "generate", "--first-year", "2026", "--year", "2025", str(tmp_path / "y")
    )
    assert later.exit_code == 2 and "Năm đầu 2026 ở sau năm 2025" in later.output
    early = run("service", "generate", "--first-year", "1999", str(tmp_path / "z"))
    assert early.exit_code == 2 and "Chưa có lịch ngày làm việc năm 1999" in early.output


def test_generate_needs_a_calendar(tmp_path: Path) -> None:
    result = run("service", "generate", "--year", "1999", str(tmp_path / "x"))
    assert result.exit_code == 2 and "Chưa có lịch ngày làm việc năm 1999" in result.output


def test_generate_past_the_last_calendar_says_so(tmp_path: Path) -> None:
    result = run("service", "generate", "--units", "3", "--dossiers", "50", "--year", "2026",
                 str(tmp_path / "x"))  # fmt: skip
    assert result.exit_code == 0 and "chỉ tính theo thứ Bảy, Chủ nhật" in result.output


def test_import_then_reimport_then_refuse(tmp_path: Path) -> None:
    source = tmp_path / "source"
    run("service", "generate", "--units", "4", "--dossiers", "300", str(source))
    version = open_store(source)
    assert version is not None
    store = str(tmp_path / "store")
    outputs = {}
    for name in ("units", "procedures", "unit_procedures", "dossiers"):
        path = tmp_path / f"{name}.csv"
        pl.read_parquet(version.glob(name)).write_csv(path)
        result = run("service", "import", str(path), "--table", name, "--store", store)
        assert result.exit_code == 0 and "Đã nhập" in result.output, result.output
        outputs[name] = result.output.strip().splitlines()
    # Each import says what it did, what the store now holds, and what to run next.
    assert outputs["units"] == [
        "Đã nhập 5 dòng từ units.csv vào bảng units (5 mới, 0 thay dòng cùng khóa); bảng có 5 "
        "dòng.",
        f"Kho {store}, phiên bản v000001: units 5, procedures 0, unit_procedures 0, dossiers 0, "
        "dossier_events 0, feedback 0.",
        "Tiếp theo, nhập bảng procedures: chiso service import FILE --table procedures --store "
        f"{store}",
    ]
    assert outputs["dossiers"][0].startswith("Đã nhập 300 dòng từ dossiers.csv vào bảng dossiers")
    assert outputs["dossiers"][1].startswith(f"Kho {store}, phiên bản v000004: units 5, ")
    assert "dossiers 300, dossier_events 0, feedback 0." in outputs["dossiers"][1]
    assert outputs["dossiers"][2:] == [
        "Chưa nhập dossier_events, feedback (không bắt buộc): chỉ tiêu nào cần đến sẽ không có "
        "dữ liệu.",
        f"Tiếp theo, tính các chỉ tiêu: chiso service compute {store} --period 2025",
    ]
    again = run("--lang", "en", "service", "import", str(tmp_path / "dossiers.csv"), "--table",
                "dossiers", "--store", store)  # fmt: skip
    assert again.exit_code == 0 and "dossiers.csv was already imported" in again.output
    assert "not imported again, the store is unchanged" in again.output
    assert again.output.strip().splitlines()[-1] == (
        f"Next, compute the indicators: chiso service compute {store} --period 2025"
    )
    bad = tmp_path / "bad.csv"
    frame = pl.read_csv(tmp_path / "dossiers.csv").with_columns(
        pl.lit("H99.X9999").alias("unit_code")
    )
    frame.write_csv(bad)
    refused = run("service", "import", str(bad), "--table", "dossiers", "--store", store)
    assert refused.exit_code == 3
    assert "DOS007 bad.csv dòng 2, cột 'unit_code'" in refused.output
    assert "DOS007: tổng cộng 300 (liệt kê 20)" in refused.output
    assert "không nhập gì, kho giữ nguyên" in refused.output


def test_import_json_report_and_usage(tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text("unit_code,name,level\nH99,Tỉnh,province\nH99.S01,Sở,department\n", "utf-8")
    store = str(tmp_path / "store")
    result = run("service", "import", str(units), "--table", "units", "--store", store,
                 "--format", "json")  # fmt: skip
    report = json.loads(result.output)
    assert report["imported"] is True and report["rows"] == 2 and report["version"] == "v000001"
    assert report["store"]["version"] == "v000001" and report["store"]["tables"]["units"] == 2
    assert (
        report["store"]["next"] == f"chiso service import FILE --table procedures --store {store}"
    )
    unknown = run("service", "import", str(units), "--table", "nothing", "--store", store)
    assert unknown.exit_code == 2
    missing = run(
        "service", "import", str(tmp_path / "none.csv"), "--table", "units", "--store", store
    )
    assert missing.exit_code == 2
    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    refused = run("--lang", "en", "service", "import", str(broken), "--table", "units",
                  "--store", store)  # fmt: skip
    assert refused.exit_code == 3 and "DOS000" in refused.output
    # An import that fails says nothing was imported (it computes nothing to begin with).
    assert refused.output.strip().splitlines()[-1] == (
        "1 error(s) — nothing imported, the store is unchanged."
    )
    assert "computed" not in refused.output


def test_a_file_refused_as_a_whole_says_so_not_zero_bad_rows(tmp_path: Path) -> None:
    dossiers = tmp_path / "ho-so.csv"
    dossiers.write_text("ma_ho_so\nD1\n", encoding="utf-8")
    store = tmp_path / "store"
    result = run("service", "import", str(dossiers), "--table", "dossiers", "--store", str(store))
    assert result.exit_code == 3
    assert "DOS014 ho-so.csv: bảng dossiers tham chiếu đến bảng units, mà kho chưa có" in (
        result.output
    )
    errors = result.output.count("DOS001") + result.output.count("DOS014")
    assert result.output.strip().splitlines()[-1] == (
        f"Tệp ho-so.csv có {errors} lỗi — không nhập gì, kho giữ nguyên."
    )
    assert "0 dòng lỗi" not in result.output and open_store(store) is None


def test_real_records_are_not_mixed_into_a_synthetic_store(tmp_path: Path) -> None:
    generated = tmp_path / "generated"
    run("service", "generate", "--units", "3", "--dossiers", "50", str(generated))
    before = open_store(generated)
    assert before is not None
    units = tmp_path / "units.csv"
    units.write_text("unit_code,name,level\nH99,Tỉnh,province\n", "utf-8")
    refused = run("service", "import", str(units), "--table", "units", "--store", str(generated))
    assert refused.exit_code == 3
    assert f"DOS019 {generated}: kho này chứa dữ liệu tổng hợp (giả lập)" in refused.output
    assert refused.output.strip().splitlines()[-1] == "1 lỗi — không nhập gì, kho giữ nguyên."
    after = open_store(generated)
    assert after is not None and after.name == before.name and after.rows("units") == 4
    as_json = run("service", "import", str(units), "--table", "units", "--store",
                  str(generated), "--format", "json")  # fmt: skip
    assert as_json.exit_code == 3
    assert [p["code"] for p in json.loads(as_json.output)["problems"]] == ["DOS019"]
