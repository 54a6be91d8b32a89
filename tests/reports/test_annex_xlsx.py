"""The annex as XLSX, read back with openpyxl."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date
from typing import Any

import pytest
from openpyxl import load_workbook

from chiso.reports import annex_xlsx
from chiso.reports.annex import build_annex
from chiso.reports.layout import PublicationSettings
from tests.reports.conftest import published_at
from tests.reports.helpers import band_line


@pytest.fixture(scope="module")
def workbook_bytes(document: dict[str, Any]) -> bytes:
    return annex_xlsx.write(build_annex(document, PublicationSettings(province="Thái Nguyên")))


def cells(sheet: Any) -> list[Any]:
    return [c.value for row in sheet.iter_rows() for c in row if c.value is not None]


def test_one_sheet_per_block_with_the_header_block(workbook_bytes: bytes) -> None:
    book = load_workbook(io.BytesIO(workbook_bytes))
    assert book.sheetnames == ["Khối sở, ban, ngành", "Khối UBND các huyện, thành phố"]
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "ỦY BAN NHÂN DÂN" and sheet["A1"].font.b
    assert sheet["A2"].value == "TỈNH THÁI NGUYÊN" and sheet["A2"].font.b
    assert sheet["C1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert sheet["C2"].value == "Độc lập - Tự do - Hạnh phúc" and sheet["C2"].font.u == "single"
    assert sheet["C3"].value is None  # an annex has no date of its own: the decision's is below
    assert "A1:B1" in sheet.merged_cells and "C1:H1" in sheet.merged_cells
    assert sheet["A1"].font.name == "Times New Roman" and sheet["A1"].font.sz == 13
    values = cells(sheet)
    assert "PHỤ LỤC" in values and "KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024" in values


def test_every_unit_row_has_the_published_values(
    workbook_bytes: bytes, document: dict[str, Any]
) -> None:
    book = load_workbook(io.BytesIO(workbook_bytes))
    for sheet, block in zip(book.worksheets, document["blocks"], strict=True):
        header = _header_row(sheet)
        rows = list(sheet.iter_rows(min_row=header + 2, max_row=header + 1 + len(block["units"])))
        assert len(rows) == len(block["units"])
        for i, (row, unit) in enumerate(zip(rows, block["units"], strict=True), start=1):
            stt, name, total, index, band, rank, change, move = (c.value for c in row)
            assert (stt, name, band, rank, move) == (
                i,
                unit["name"],
                unit["band_label"],
                unit["rank"],
                unit["rank_change"],
            )
            assert total == pytest.approx(unit["total"], abs=0.005)
            assert index == pytest.approx(unit["index"], abs=0.005)
            assert change == pytest.approx(unit["index_change"], abs=0.005)
            assert row[3].number_format == "0.00"
            assert row[6].number_format == "+0.00;-0.00;0.00"
            assert row[7].number_format == '"▲ "0;"▼ "0;"="'
        assert f"Xếp loại — {band_line(block)}." in " ".join(map(str, cells(sheet)))


def _header_row(sheet: Any) -> int:
    return next(c.row for c in sheet["A"] if c.value == "STT")


def test_two_header_rows_merged_and_repeated_on_every_printed_page(workbook_bytes: bytes) -> None:
    sheet = load_workbook(io.BytesIO(workbook_bytes)).worksheets[0]
    top = _header_row(sheet)
    assert f"A{top}:A{top + 1}" in sheet.merged_cells
    assert f"G{top}:H{top}" in sheet.merged_cells
    assert sheet.cell(top, 7).value == "So với năm 2023"
    assert (sheet.cell(top + 1, 7).value, sheet.cell(top + 1, 8).value) == (
        "Chỉ số (±)",
        "Thứ hạng",
    )
    assert sheet.print_title_rows == f"${top}:${top + 1}"
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
        "landscape",
        9,
        1,
        0,
    )
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_per_field_columns_on_request(document: dict[str, Any]) -> None:
    data = annex_xlsx.write(
        build_annex(document, PublicationSettings("Thái Nguyên"), with_fields=True)
    )
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    top = _header_row(sheet)
    fields = document["blocks"][0]["fields"]
    titles = [sheet.cell(top + 1, 9 + i).value for i in range(len(fields))]
    assert titles == [f"LV{f['field']}" for f in fields]
    first = document["blocks"][0]["units"][0]["unit"]
    expected = [
        s["points"]
        for f in fields
        for s in document["blocks"][0]["field_scores"]
        if s["unit"] == first and s["field"] == f["field"]
    ]
    got = [sheet.cell(top + 2, 9 + i).value for i in range(len(fields))]
    assert got == pytest.approx(expected, abs=0.005)


def test_the_decision_when_known(document: dict[str, Any]) -> None:
    settings = PublicationSettings("Thái Nguyên", "215/QĐ-UBND", date(2025, 2, 7))
    sheet = load_workbook(io.BytesIO(annex_xlsx.write(build_annex(document, settings)))).active
    assert (
        "(Kèm theo Quyết định số 215/QĐ-UBND ngày 07 tháng 02 năm 2025 của UBND tỉnh Thái Nguyên)"
        in cells(sheet)
    )


def test_same_snapshot_same_bytes_dated_by_publication(
    workbook_bytes: bytes, document: dict[str, Any]
) -> None:
    again = annex_xlsx.write(build_annex(document, PublicationSettings(province="Thái Nguyên")))
    assert again == workbook_bytes
    book = load_workbook(io.BytesIO(workbook_bytes))
    when = published_at(2024).astimezone(UTC).replace(tzinfo=None)
    assert book.properties.created == when and book.properties.modified == when
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2025, 3, 20, 2, 30, 0)}
