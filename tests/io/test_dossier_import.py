"""Importing records: every kind of bad row reported with its place, all or nothing, no
duplicates on re-import, the four formats alike, Vietnamese headers and words."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from chiso.engine.problems import CATALOGUE, InputError
from chiso.io import dossier_store
from chiso.io.dossier_parse import timestamp
from chiso.io.dossier_store import StoreConflict, connect, new_version, open_store
from chiso.io.dossiers import MAX_LISTED, ImportRejected, import_file

UNITS = [
    {"unit_code": "H99", "name": "UBND tỉnh", "parent_code": "", "level": "province", "block": ""},
    {"unit_code": "H99.S01", "name": "Sở Tư pháp", "parent_code": "H99", "level": "department",
     "block": "so"},
    {"unit_code": "H99.X0001", "name": "Xã An Bình", "parent_code": "H99", "level": "commune",
     "block": "xa"},
]  # fmt: skip
PROCEDURE = {
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
PROCEDURES = [
    PROCEDURE,
    {**PROCEDURE, "procedure_code": "1.000002", "name": "Cấp giấy phép", "level": "province",
     "legal_limit": "10", "online_level": "partial", "publication_decision_date": ""},
]  # fmt: skip
UNIT_PROCEDURES = [
    {"unit_code": "H99.X0001", "procedure_code": "1.000001"},
    {"unit_code": "H99.S01", "procedure_code": "1.000002"},
]


def dossier(n: int, **over: str) -> dict[str, str]:
    row = {
        "dossier_id": f"D{n}",
        "procedure_code": "1.000001",
        "unit_code": "H99.X0001",
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


def write_csv(path: Path, rows: list[dict[str, str]], *, delimiter: str = ",", bom: bool = False):
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store with the three reference tables imported."""
    root = tmp_path / "store"
    for name, rows in (
        ("units", UNITS),
        ("procedures", PROCEDURES),
        ("unit_procedures", UNIT_PROCEDURES),
    ):
        import_file(write_csv(tmp_path / f"{name}.csv", rows), name, root)
    return root


def table(store: Path, name: str) -> pl.DataFrame:
    version = open_store(store)
    assert version is not None
    return pl.read_parquet(version.glob(name))


def snapshot(root: Path) -> dict[str, str]:
    """Every file under `root` with a hash of its bytes."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def rejected(path: Path, name: str, store: Path) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        import_file(path, name, store)
    return caught.value


def places(error: ImportRejected) -> set[tuple[str, str]]:
    return {(p.code, p.where) for p in error.report.problems}


# A good import -------------------------------------------------------------------------------


def test_a_good_file_lands_in_the_store(store: Path, tmp_path: Path) -> None:
    report = import_file(write_csv(tmp_path / "d.csv", [dossier(1), dossier(2)]), "dossiers", store)
    assert (report.rows, report.new, report.updated, report.total) == (2, 2, 0, 2)
    assert report.errors == 0 and report.version == "v000004"
    con = connect(store)
    assert con.execute("SELECT count(*) FROM dossiers").fetchall() == [(2,)]
    described = {row[0]: row[1] for row in con.execute("DESCRIBE dossiers").fetchall()}
    assert described["received_at"] == "TIMESTAMP" and described["synced"] == "BOOLEAN"
    manifest = open_store(store).manifest  # type: ignore[union-attr]
    assert manifest["imports"][-1]["sha256"] == report.sha256
    assert manifest["tables"]["dossiers"]["rows"] == 2
    assert manifest["tables"]["dossiers"]["hashed_by"] == duckdb.__version__


# Bad rows, each with its place ----------------------------------------------------------------

BAD_DOSSIERS = [
    dossier(1),  # row 2: good
    dossier(2, dossier_id=""),  # row 3
    dossier(3, received_at="2025-13-45 09:00"),  # row 4
    dossier(4, channel="fax"),  # row 5
    dossier(1),  # row 6: D1 again
    dossier(6, unit_code="H99.X9999"),  # row 7
    dossier(7, procedure_code="9.999999"),  # row 8
    dossier(8, submitted_at="2025-03-04 08:00:00"),  # row 9: received before submitted
    dossier(9, finished_at="2025-03-01 10:00:00", returned_at=""),  # row 10
    dossier(10, synced="maybe"),  # row 11
    dossier(11, unit_code="H99.S01"),  # row 12: a warning only (not its procedure)
]


def test_each_kind_of_bad_dossier_row_is_reported_with_its_place(store: Path, tmp_path) -> None:
    error = rejected(write_csv(tmp_path / "d.csv", BAD_DOSSIERS), "dossiers", store)
    found = places(error)
    expected = {
        ("DOS003", "d.csv row 3, column 'dossier_id'"),
        ("DOS004", "d.csv row 4, column 'received_at'"),
        ("DOS005", "d.csv row 5, column 'channel'"),
        ("DOS006", "d.csv row 6"),
        ("DOS007", "d.csv row 7, column 'unit_code'"),
        ("DOS008", "d.csv row 8, column 'procedure_code'"),
        ("DOS010", "d.csv row 9, column 'received_at'"),
        ("DOS010", "d.csv row 10, column 'finished_at'"),
        ("DOS004", "d.csv row 11, column 'synced'"),
        ("DOS015", "d.csv row 12, column 'procedure_code'"),
    }
    assert expected <= found
    assert error.report.bad_rows == 9 and error.report.rows == 11
    messages = {p.where: p.message("en") for p in error.report.problems}
    assert messages["d.csv row 6"] == "key 'D1' is repeated (first at row 2)"
    assert messages["d.csv row 4, column 'received_at'"] == (
        "'2025-13-45 09:00' is not a date and time (2025-01-31 14:05)"
    )
    assert messages["d.csv row 11, column 'synced'"] == "'maybe' is not yes/no"
    assert messages["d.csv row 5, column 'channel'"] == (
        "'fax' is not allowed; use one of: truc_tiep, truc_tuyen, buu_chinh"
    )
    dos010 = [p for p in error.report.problems if p.code == "DOS010"]
    assert dos010[0].message("en") == (
        "'received_at' (2025-03-03 09:00:00) is before 'submitted_at' (2025-03-04 08:00:00)"
    )
    assert all(p.message("vi") for p in error.report.problems)


def test_event_rows(store: Path, tmp_path: Path) -> None:
    import_file(write_csv(tmp_path / "d.csv", [dossier(1)]), "dossiers", store)
    events = [
        {"dossier_id": "D1", "seq": "1", "status": "received", "at": "2025-03-03 09:00"},
        {"dossier_id": "D1", "seq": "2", "status": "processing", "at": "2025-03-03 08:00"},
        {"dossier_id": "D1", "seq": "3", "status": "flying", "at": "2025-03-04 08:00"},
        {"dossier_id": "D1", "seq": "0", "status": "done", "at": "2025-03-02 08:00"},
        {"dossier_id": "D404", "seq": "1", "status": "received", "at": "2025-03-03 09:00"},
    ]
    error = rejected(write_csv(tmp_path / "e.csv", events), "dossier_events", store)
    assert {
        ("DOS011", "e.csv row 3, column 'at'"),
        ("DOS005", "e.csv row 4, column 'status'"),
        ("DOS013", "e.csv row 5, column 'seq'"),
        ("DOS009", "e.csv row 6, column 'dossier_id'"),
    } <= places(error)
    dos011 = next(p for p in error.report.problems if p.code == "DOS011")
    assert dos011.params["seq"] == "2" and dos011.params["previous"] == "2025-03-03 09:00"


def test_reference_table_rows(store: Path, tmp_path: Path) -> None:
    units = [{**UNITS[2], "unit_code": "H99.X0002", "parent_code": "H98"}]
    assert ("DOS012", "u.csv row 2, column 'parent_code'") in places(
        rejected(write_csv(tmp_path / "u.csv", units), "units", store)
    )
    procedures = [
        {**PROCEDURE, "procedure_code": "1.000003", "legal_limit": "-1"},
        {**PROCEDURE, "procedure_code": "1.000004", "legal_limit": "ba ngày"},
    ]
    assert {
        ("DOS013", "p.csv row 2, column 'legal_limit'"),
        ("DOS004", "p.csv row 3, column 'legal_limit'"),
    } <= places(rejected(write_csv(tmp_path / "p.csv", procedures), "procedures", store))


def test_file_level_problems(store: Path, tmp_path: Path) -> None:
    no_channel = [{k: v for k, v in dossier(1).items() if k != "channel"}]
    error = rejected(write_csv(tmp_path / "d.csv", no_channel), "dossiers", store)
    missing = next(p for p in error.report.problems if p.code == "DOS001")
    assert missing.params["column"] == "channel" and "kenh" in missing.params["aliases"]
    extra = [{**dossier(1), "ghi_chu": "x"}]
    report = import_file(write_csv(tmp_path / "x.csv", extra), "dossiers", store)
    assert report.counts == {"DOS002": 1} and report.total == 1  # a warning: imported
    empty = tmp_path / "empty.csv"
    empty.write_text(",".join(dossier(1)) + "\n", encoding="utf-8")
    assert "DOS016" in rejected(empty, "dossiers", store).report.counts


def test_dependencies_come_first(tmp_path: Path) -> None:
    error = rejected(write_csv(tmp_path / "d.csv", [dossier(1)]), "dossiers", tmp_path / "new")
    assert {p.params.get("needed") for p in error.report.problems if p.code == "DOS014"} == {
        "units",
        "procedures",
    }
    assert not (tmp_path / "new" / "CURRENT").exists()


def test_unreadable_file_and_store(store: Path, tmp_path: Path) -> None:
    fake = tmp_path / "d.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(InputError) as unreadable:
        import_file(fake, "dossiers", store)
    assert [p.code for p in unreadable.value.problems] == ["DOS000"]
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "CURRENT").write_text("v000009\n", encoding="utf-8")
    with pytest.raises(InputError) as bad_store:
        import_file(write_csv(tmp_path / "u.csv", UNITS), "units", broken)
    assert [p.code for p in bad_store.value.problems] == ["DOS017"]


def test_a_csv_polars_cannot_parse_is_reported_not_raised(store: Path, tmp_path: Path) -> None:
    # An opening quote never closed: the header reads, the rows do not. Once this escaped the
    # import as a polars ComputeError (a traceback in the shell, "unexpected error" in the web).
    before = snapshot(store)
    path = write_csv(tmp_path / "d.csv", [dossier(1)])
    with path.open("a", encoding="utf-8") as handle:
        handle.write('"D2,1.000001,H99.X0001\n')
    with pytest.raises(InputError) as caught:
        import_file(path, "dossiers", store)
    problems = caught.value.problems
    assert [p.code for p in problems] == ["DOS000"]
    assert problems[0].where == "d.csv"
    assert "invalid csv file: Field" in problems[0].params["detail"]
    assert "not properly escaped" in problems[0].params["detail"]
    assert "\n" not in problems[0].params["detail"]
    assert snapshot(store) == before
    # What the header already shows is wrong is reported with it.
    garbage = tmp_path / "g.csv"
    garbage.write_text('ma_ho_so;foo\n"unterminated;1\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_file(garbage, "dossiers", store)
    codes = [p.code for p in caught.value.problems]
    assert codes[0] == "DOS000" and "DOS001" in codes and "DOS002" in codes


def test_listing_is_capped_and_counted(store: Path, tmp_path: Path) -> None:
    rows = [dossier(n, unit_code="H99.X9999") for n in range(30)]
    error = rejected(write_csv(tmp_path / "d.csv", rows), "dossiers", store)
    assert error.report.counts["DOS007"] == 30 and error.report.bad_rows == 30
    listed = [p for p in error.report.problems if p.code == "DOS007"]
    assert len(listed) == MAX_LISTED and listed[0].where == "d.csv row 2, column 'unit_code'"


def test_every_dos_code_is_exercised() -> None:
    # DOS018 (a table an upload over synthetic data refers to is synthetic) comes from the
    # staff upload: tests/web/services/test_store_jobs.py; DOS019 (no import into a synthetic
    # store) from the command line: tests/test_cli_service_data.py.
    exercised = {f"DOS{n:03d}" for n in range(20)}
    assert {c for c in CATALOGUE if c.startswith("DOS")} == exercised


# All or nothing ---------------------------------------------------------------------------------


def test_a_rejected_file_leaves_the_store_untouched(store: Path, tmp_path: Path) -> None:
    import_file(write_csv(tmp_path / "good.csv", [dossier(1)]), "dossiers", store)
    before = snapshot(store)
    rejected(write_csv(tmp_path / "d.csv", BAD_DOSSIERS), "dossiers", store)
    assert snapshot(store) == before


def test_a_failure_while_writing_leaves_the_store_untouched(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(store)

    def crash(*args: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(dossier_store.os, "rename", crash)
    with pytest.raises(OSError, match="disk full"):
        import_file(write_csv(tmp_path / "d.csv", [dossier(1)]), "dossiers", store)
    assert snapshot(store) == before
    assert not list(store.glob(".tmp-*"))


def test_two_writers_the_second_gives_up(store: Path) -> None:
    with new_version(store, {"units"}) as first, new_version(store, {"units"}) as second:
        first.commit()
        with pytest.raises(StoreConflict):
            second.commit()
    assert open_store(store).name == "v000004"  # type: ignore[union-attr]


# Re-import -------------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(store: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", [dossier(1), dossier(2)])
    first = import_file(path, "dossiers", store)
    again = import_file(path, "dossiers", store)
    assert again.already and again.total == 2 and open_store(store).name == first.version


def test_reimporting_changed_rows_replaces_them(store: Path, tmp_path: Path) -> None:
    import_file(write_csv(tmp_path / "d1.csv", [dossier(1), dossier(2)]), "dossiers", store)
    changed = [dossier(2, channel="truc_tiep"), dossier(3)]
    report = import_file(write_csv(tmp_path / "d2.csv", changed), "dossiers", store)
    assert (report.new, report.updated, report.total) == (1, 1, 3)
    frame = table(store, "dossiers").sort("dossier_id")
    assert frame["dossier_id"].to_list() == ["D1", "D2", "D3"]
    assert frame["channel"].to_list() == ["truc_tuyen", "truc_tiep", "truc_tuyen"]


def test_a_dossiers_history_is_replaced_whole(store: Path, tmp_path: Path) -> None:
    import_file(write_csv(tmp_path / "d.csv", [dossier(1), dossier(2)]), "dossiers", store)

    def events(dossier_id: str, count: int) -> list[dict[str, str]]:
        return [
            {"dossier_id": dossier_id, "seq": str(i), "status": "processing",
             "at": f"2025-03-0{3 + i} 09:00"}
            for i in range(1, count + 1)
        ]  # fmt: skip

    import_file(
        write_csv(tmp_path / "e1.csv", events("D1", 3) + events("D2", 2)), "dossier_events", store
    )
    import_file(write_csv(tmp_path / "e2.csv", events("D1", 2)), "dossier_events", store)
    counts = dict(table(store, "dossier_events").group_by("dossier_id").len().iter_rows())
    assert counts == {"D1": 2, "D2": 2}


# Formats and languages -------------------------------------------------------------------------


def typed_dossiers() -> pl.DataFrame:
    stamp = dt.datetime(2025, 3, 3, 9, 0)
    return pl.DataFrame(
        {
            "dossier_id": ["D1", "D2"],
            "procedure_code": ["1.000001", "1.000001"],
            "unit_code": ["H99.X0001", "H99.X0001"],
            "channel": ["truc_tuyen", "buu_chinh"],
            "submitted_at": [stamp - dt.timedelta(hours=1), stamp - dt.timedelta(days=2)],
            "received_at": [stamp, stamp],
            "due_at": [stamp + dt.timedelta(days=3), None],
            "finished_at": [stamp + dt.timedelta(days=2, minutes=30), None],
            "returned_at": [None, None],
            "synced": [True, False],
            "e_result": [True, False],
            "digitised": [True, True],
            "reused_data": [False, True],
            "personal_store": [False, False],
            "vneid": [True, False],
            "fee_due": [False, False],
            "paid_online": [False, False],
            "rating": ["satisfied", None],
            "complaint": [False, True],
        }
    )


def write_xlsx(path: Path, frame: pl.DataFrame) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(frame.columns)
    for row in frame.iter_rows():
        sheet.append(list(row))
    book.save(path)
    return path


def write_json(path: Path, frame: pl.DataFrame, *, lines: bool) -> Path:
    records = [
        {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in row.items()}
        for row in frame.iter_rows(named=True)
    ]
    text = "\n".join(json.dumps(r) for r in records) if lines else json.dumps(records)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["csv", "csv-semicolon-bom", "xlsx", "json", "jsonl", "parquet"])
def test_every_format_gives_the_same_table(store: Path, tmp_path: Path, kind: str) -> None:
    frame = typed_dossiers()
    if kind == "csv":
        path = tmp_path / "d.csv"
        frame.write_csv(path)
    elif kind == "csv-semicolon-bom":
        rows = [
            {k: "" if v is None else str(v) for k, v in r.items()}
            for r in frame.iter_rows(named=True)
        ]
        path = write_csv(tmp_path / "d.csv", rows, delimiter=";", bom=True)
    elif kind == "xlsx":
        path = write_xlsx(tmp_path / "d.xlsx", frame)
    elif kind in ("json", "jsonl"):
        path = write_json(tmp_path / f"d.{kind}", frame, lines=kind == "jsonl")
    else:
        path = tmp_path / "d.parquet"
        frame.write_parquet(path)
    report = import_file(path, "dossiers", store)
    assert report.total == 2
    assert table(store, "dossiers").sort("dossier_id").equals(frame)


def test_vietnamese_headers_and_words(store: Path, tmp_path: Path) -> None:
    row = {
        "Mã hồ sơ": "D1",
        "Mã thủ tục": "1.000001",
        "Mã đơn vị": "H99.X0001",
        "Kênh": "Trực tuyến",
        "Ngày nộp": "03/03/2025 08:00",
        "Ngày tiếp nhận": "03/03/2025 09:00",
        "Ngày hẹn trả": "2025-03-06T09:00:00+07:00",
        "Ngày hoàn thành": "2025-03-05T03:00:00Z",
        "Đồng bộ": "có",
        "Kết quả điện tử": "Có",
        "Số hóa": "x",
        "Tái sử dụng": "không",
        "Kho dữ liệu cá nhân": "0",
        "Định danh VNeID": "Đúng",
        "Có phí": "sai",
        "Thanh toán trực tuyến": "không",
        "Đánh giá": "Hài lòng",
        "Khiếu nại": "không",
    }
    report = import_file(write_csv(tmp_path / "hs.csv", [row]), "dossiers", store)
    assert report.counts == {}
    got = table(store, "dossiers").row(0, named=True)
    assert got["channel"] == "truc_tuyen" and got["rating"] == "satisfied"
    assert got["submitted_at"] == dt.datetime(2025, 3, 3, 8, 0)
    assert got["due_at"] == dt.datetime(2025, 3, 6, 9, 0)
    assert got["finished_at"] == dt.datetime(2025, 3, 5, 10, 0)  # 03:00 UTC is 10:00 in Vietnam
    assert (got["synced"], got["digitised"], got["vneid"], got["fee_due"]) == (
        True,
        True,
        True,
        False,
    )
    assert got["returned_at"] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-02T08:30:00Z", dt.datetime(2025, 1, 2, 15, 30)),
        ("2025-01-02T08:30:00+07:00", dt.datetime(2025, 1, 2, 8, 30)),
        ("2025-01-02T08:30", dt.datetime(2025, 1, 2, 8, 30)),
        ("2025-01-02 08:30:00.123", dt.datetime(2025, 1, 2, 8, 30, 0, 123000)),
        ("02/01/2025 08:30", dt.datetime(2025, 1, 2, 8, 30)),
        ("2025-01-02", dt.datetime(2025, 1, 2)),
        ("02-01-2025 8h30", None),
    ],
)
def test_every_accepted_timestamp_form_reads_to_local_time(
    text: str, expected: dt.datetime | None
) -> None:
    # The ISO form is read first; the others (zoned, day-first, date only) only where it missed.
    frame = pl.DataFrame({"t": [text]}).select(timestamp(pl.col("t")))
    assert frame.item() == expected
