"""`chiso sipas …` as a user meets it: checks, estimates in every format, refusals with places."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from chiso.cli import main
from chiso.io.questionnaire_files import resolve_questionnaire, shipped_questionnaires

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sipas" / "answers-example.csv"
FAST = ("--bootstrap", "200", "--seed", "7")


def run(*args: str):
    return CliRunner(env={"COLUMNS": "200"}).invoke(main, list(args), catch_exceptions=False)


def test_shipped_questionnaires_resolve():
    shipped = {p.stem: p for p in shipped_questionnaires()}
    assert sorted(shipped) == ["commune-short-2024", "resident-2024", "service-user-2024"]
    assert resolve_questionnaire("sipas/service-user-2024") == shipped["service-user-2024"]
    assert resolve_questionnaire("service-user-2024") == shipped["service-user-2024"]
    for name in shipped:
        result = run("sipas", "check", name)
        assert result.exit_code == 0 and "hợp lệ (0 warning(s))" in result.output, result.output


def test_check_valid_and_invalid(tmp_path: Path):
    ok = run("sipas", "check", "service-user-2024")
    assert ok.exit_code == 0 and "hợp lệ" in ok.output
    text = resolve_questionnaire("service-user-2024").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        text.replace("factor: PAKN", "factor: NONE", 1).replace(
            "satisfied: [4, 5]", "satisfied: [4, 9]"
        ),
        encoding="utf-8",
    )
    result = run("--lang", "en", "sipas", "check", str(bad))
    assert result.exit_code == 1
    assert "SIP011" in result.output and "unknown factor 'NONE'" in result.output
    assert "SIP021" in result.output and "satisfied value 9 is not on the scale" in result.output
    as_json = json.loads(run("sipas", "check", "--format", "json", str(bad)).output)
    assert {p["code"] for p in as_json} >= {"SIP011", "SIP021"}
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: chiso.questionnaire/1\nid: [unclosed\n", encoding="utf-8")
    unreadable = run("sipas", "check", str(broken))
    assert unreadable.exit_code == 1 and "SIP000" in unreadable.output


def test_estimate_refuses_an_invalid_questionnaire(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: chiso.questionnaire/1\nid: x\n", encoding="utf-8")
    result = run("sipas", "estimate", str(bad), str(EXAMPLE))
    assert result.exit_code == 1 and "SIP001" in result.output
    missing = run("sipas", "estimate", "no-such-questionnaire", str(EXAMPLE))
    assert missing.exit_code == 2


def test_estimate_table():
    result = run("sipas", "estimate", "service-user-2024", str(EXAMPLE), *FAST)
    assert result.exit_code == 0, result.output
    out = result.output
    for unit in ("XA-AN-BINH", "XA-HOA-LAC", "XA-TAN-PHU"):
        assert unit in out
    assert "Hạng" in out and "Khoảng tin cậy" in out and "seed 7" in out
    english = run("--lang", "en", "sipas", "estimate", "service-user-2024", str(EXAMPLE), *FAST)
    assert "Interval" in english.output and "Rank" in english.output


def test_estimate_marks_small_samples_and_close_pairs(tmp_path: Path):
    with EXAMPLE.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    kept = [rows[0]] + [r for r in rows[1:] if r[0] < "XA-AN-BINH-011" or r[1] != "XA-AN-BINH"]
    small = tmp_path / "small.csv"
    with small.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(kept)
    result = run("sipas", "estimate", "service-user-2024", str(small), *FAST)
    assert result.exit_code == 0, result.output
    line = next(li for li in result.output.splitlines() if "XA-AN-BINH" in li)
    assert "chưa đủ mẫu" in line and "—" in line
    by_channel = run(
        "--lang",
        "en",
        "sipas",
        "estimate",
        "service-user-2024",
        str(EXAMPLE),
        "--by",
        "channel",
        *FAST,
    )
    assert by_channel.exit_code == 0 and "Channel: truc_tiep" in by_channel.output
    assert "sample too small" in by_channel.output


def test_estimate_csv_and_json(tmp_path: Path):
    as_csv = run("sipas", "estimate", "service-user-2024", str(EXAMPLE), "--format", "csv", *FAST)
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert [r["unit"] for r in sorted(rows, key=lambda r: int(r["rank"]))] == [
        "XA-AN-BINH",
        "XA-HOA-LAC",
        "XA-TAN-PHU",
    ]
    assert {"overall", "low", "high", "n", "ranked", "rank"} <= set(rows[0])
    for r in rows:
        assert float(r["low"]) <= float(r["overall"]) <= float(r["high"])
    out = tmp_path / "sipas.json"
    written = run(
        "sipas",
        "estimate",
        "service-user-2024",
        str(EXAMPLE),
        "--format",
        "json",
        "-o",
        str(out),
        *FAST,
    )
    assert written.exit_code == 0 and written.output == ""
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["questionnaire"] == "sipas-service-user-2024" and doc["seed"] == 7
    assert doc["bootstrap"] == 200 and len(doc["units"]) == 3 and "pairs" in doc
    nodes = run(
        "sipas", "estimate", "service-user-2024", str(EXAMPLE), "--nodes", "--format", "csv", *FAST
    )
    node_rows = list(csv.DictReader(io.StringIO(nodes.output)))
    assert {r["node"] for r in node_rows} == {"TCDV", "TTHC", "CC", "KQ", "PAKN", "DV", "overall"}


def test_estimate_is_deterministic():
    args = ("sipas", "estimate", "service-user-2024", str(EXAMPLE), "--format", "json", *FAST)
    first, second = run(*args), run(*args)
    assert first.exit_code == 0 and first.output == second.output
    other = run(
        "sipas",
        "estimate",
        "service-user-2024",
        str(EXAMPLE),
        "--format",
        "json",
        "--bootstrap",
        "200",
        "--seed",
        "8",
    )
    assert other.output != first.output


def test_bad_answers_are_refused_with_row_and_column(tmp_path: Path):
    path = tmp_path / "tra_loi.csv"
    path.write_text(
        "nguoi_tra_loi,don_vi,cau_hoi,gia_tri\n"
        "R1,U1,TCDV.1,4\n"
        "R1,U1,TCDV.9,4\n"
        "R1,U1,TCDV.2,7\n"
        "R2,U1,TCDV.1,\n"
        "R2,U1,TCDV.2,abc\n",
        encoding="utf-8",
    )
    result = run("--lang", "en", "sipas", "estimate", "service-user-2024", str(path))
    assert result.exit_code == 3
    out = result.output
    assert "SIP041 tra_loi.csv row 3, column 'cau_hoi': item 'TCDV.9'" in out
    assert "SIP042 tra_loi.csv row 4, column 'gia_tri': value 7" in out
    assert "SIP046 tra_loi.csv row 5, column 'gia_tri'" in out
    assert "SIP042 tra_loi.csv row 6, column 'gia_tri': value abc" in out
    assert "4 error(s)" in out


def test_answers_file_level_problems_name_rows(tmp_path: Path):
    path = tmp_path / "answers.csv"
    path.write_text(
        "respondent,unit,item,value\nR1,U1,TCDV.1,4\nR1,U1,TCDV.1,5\nR2,U1,TCDV.1,5\nR2,U2,TCDV.2,5\n",
        encoding="utf-8",
    )
    result = run("--lang", "en", "sipas", "estimate", "service-user-2024", str(path))
    assert result.exit_code == 3
    assert "SIP043 answers.csv rows 2, 3, column 'item'" in result.output
    assert "SIP044 answers.csv rows 4, 5, column 'unit'" in result.output
    missing = tmp_path / "missing.csv"
    missing.write_text("respondent,unit,value\nR1,U1,4\n", encoding="utf-8")
    refused = run("sipas", "estimate", "service-user-2024", str(missing))
    assert refused.exit_code == 3 and "SIP040" in refused.output
