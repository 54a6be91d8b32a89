"""`chiso sipas …` as a user meets it: checks, estimates in every format, refusals with places."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
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


# --- weights raked to population totals ---------------------------------------------------------

TOTALS = EXAMPLE.with_name("totals-example.csv")
RESIDENT = EXAMPLE.with_name("answers-resident.csv")
COMMUNE = EXAMPLE.with_name("answers-commune.csv")


def test_estimate_with_totals_is_weighted():
    args = ("sipas", "estimate", "service-user-2024", str(EXAMPLE), "--totals", str(TOTALS))
    table = run("--lang", "en", *args, *FAST)
    assert table.exit_code == 0, table.output
    assert "raked from equal weights to the totals of unit, channel" in table.output
    assert "converged after" in table.output and "n eff." in table.output
    doc = json.loads(run(*args, "--format", "json", *FAST).output)
    weighting = doc["weighting"]
    assert weighting["method"] == "raking" and weighting["converged"] is True
    assert weighting["margins"] == ["unit", "channel"] and weighting["respondents"] == 120
    assert weighting["weight_sum"] == pytest.approx(4000.0)
    assert weighting["max_relative_error"] <= 1e-6
    for unit in doc["units"]:
        assert unit["n_eff"] < unit["n"]  # unequal weights cost effective sample size
    unweighted = json.loads(
        run(
            "sipas", "estimate", "service-user-2024", str(EXAMPLE), "--format", "json", *FAST
        ).output
    )
    assert unweighted["weighting"] is None
    assert [u["overall"] for u in unweighted["units"]] != [u["overall"] for u in doc["units"]]


def test_totals_problems_are_refused_with_their_place(tmp_path: Path):
    path = tmp_path / "tong.csv"
    path.write_text(
        "bien,nhom,tong\n"
        "don_vi,XA-AN-BINH,1840\n"
        "don_vi,XA-AN-BINH,1000\n"
        "huyen,X,5\n"
        "kenh,truc_tiep,-1\n",
        encoding="utf-8",
    )
    args = ("sipas", "estimate", "service-user-2024", str(EXAMPLE), "--totals", str(path))
    result = run("--lang", "en", *args)
    assert result.exit_code == 3
    assert "SIP052 tong.csv row 3, column 'nhom'" in result.output
    assert "SIP051 tong.csv row 4, column 'bien': margin 'huyen'" in result.output
    assert "SIP050 tong.csv row 5, column 'tong'" in result.output
    partial = tmp_path / "partial.csv"
    partial.write_text("margin,category,total\nunit,XA-AN-BINH,1840\n", encoding="utf-8")
    refused = run(
        "--lang",
        "en",
        "sipas",
        "estimate",
        "service-user-2024",
        str(EXAMPLE),
        "--totals",
        str(partial),
    )
    assert refused.exit_code == 3
    assert "SIP053" in refused.output and "category 'XA-HOA-LAC'" in refused.output


def test_raking_that_does_not_converge_is_refused():
    result = run(
        "--lang",
        "en",
        "sipas",
        "estimate",
        "service-user-2024",
        str(EXAMPLE),
        "--totals",
        str(TOTALS),
        "--rake-iterations",
        "1",
        "--rake-tolerance",
        "1e-15",
    )
    assert result.exit_code == 3
    assert "SIP056" in result.output and "did not converge after 1 iterations" in result.output


def test_resident_and_commune_forms_estimate():
    resident = run(
        "sipas", "estimate", "resident-2024", str(RESIDENT), "--nodes", "--format", "csv", *FAST
    )
    assert resident.exit_code == 0, resident.output
    nodes = {r["node"] for r in csv.DictReader(io.StringIO(resident.output))}
    assert {"DV", "CS", "TGTN", "TG", "CL", "TD", "overall"} <= nodes
    shares = run(
        "sipas", "estimate", "resident-2024", str(RESIDENT), "--shares", "--format", "csv", *FAST
    )
    rows = list(csv.DictReader(io.StringIO(shares.output)))
    single = [r for r in rows if r["unit"] == "XA-DAI-TU" and r["item"] == "NC.1"]
    assert len(single) == 3 and sum(float(r["share"]) for r in single) == pytest.approx(100)
    table = run("sipas", "estimate", "resident-2024", str(RESIDENT), "--shares", *FAST)
    assert "Rất cần cải thiện" in table.output and "Tỷ lệ %" in table.output
    commune = run(
        "sipas", "estimate", "commune-short-2024", str(COMMUNE), "--format", "json", *FAST
    )
    doc = json.loads(commune.output)
    assert doc["units"][0]["unit"] == "XA-VO-NHAI" and len(doc["units"]) == 4


def test_raking_to_procedure_totals_with_vietnamese_headers(tmp_path: Path):
    with EXAMPLE.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    answers = tmp_path / "tra_loi.csv"
    with answers.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["nguoi_tra_loi", "don_vi", "cau_hoi", "gia_tri", "thu_tuc"])
        for r in rows[1:]:
            writer.writerow([*r[:4], "TT-A" if int(r[0][-3:]) % 3 else "TT-B"])
    totals = tmp_path / "tong.csv"
    totals.write_text(
        "bien,nhom,tong\n"
        "don_vi,XA-AN-BINH,1000\ndon_vi,XA-HOA-LAC,1000\ndon_vi,XA-TAN-PHU,1000\n"
        "thu_tuc,TT-A,1500\nthu_tuc,TT-B,1500\n",
        encoding="utf-8",
    )
    result = run(
        "sipas",
        "estimate",
        "service-user-2024",
        str(answers),
        "--totals",
        str(totals),
        "--format",
        "json",
        *FAST,
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["weighting"]["margins"] == ["unit", "procedure"]
    assert doc["weighting"]["weight_sum"] == pytest.approx(3000.0)
