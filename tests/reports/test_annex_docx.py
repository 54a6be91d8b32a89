"""The annex as DOCX, read back with python-docx."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC
from typing import Any

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from chiso.reports import annex_docx
from chiso.reports.annex import build_annex
from chiso.reports.layout import PublicationSettings
from tests.reports.conftest import published_at
from tests.reports.helpers import band_line, index_text, total_text


@pytest.fixture(scope="module")
def docx_bytes(document: dict[str, Any]) -> bytes:
    return annex_docx.write(build_annex(document, PublicationSettings(province="Thái Nguyên")))


def cell_texts(table: Any) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_header_block_title_and_page(docx_bytes: bytes) -> None:
    doc = Document(io.BytesIO(docx_bytes))
    header = doc.tables[0]
    left, right = header.rows[0].cells
    assert left.text.split("\n") == ["ỦY BAN NHÂN DÂN", "TỈNH THÁI NGUYÊN", ""]
    assert all(p.runs[0].bold for p in left.paragraphs[:2])
    # The short rule under the authority: the empty paragraph's top border, between indents.
    rule = left.paragraphs[2]
    assert rule._p.pPr.find(qn("w:pBdr")).find(qn("w:top")).get(qn("w:val")) == "single"
    assert rule.paragraph_format.left_indent > 0
    assert right.text.split("\n") == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    motto = right.paragraphs[1].runs[0]
    assert motto.bold and motto.underline
    texts = [p.text for p in doc.paragraphs]
    assert "PHỤ LỤC" in texts and "KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024" in texts
    assert any(t.startswith("(Kèm theo Quyết định số …/QĐ-UBND") for t in texts)
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    assert doc.styles["Normal"].font.name == "Times New Roman"


def test_every_unit_row_and_the_band_counts(docx_bytes: bytes, document: dict[str, Any]) -> None:
    doc = Document(io.BytesIO(docx_bytes))
    texts = "\n".join(p.text for p in doc.paragraphs)
    for table, block in zip(doc.tables[1:], document["blocks"], strict=True):
        rows = cell_texts(table)
        assert rows[0][:6] == ["STT", "Đơn vị", "Điểm đạt", "Chỉ số (%)", "Xếp loại", "Xếp hạng"]
        assert rows[0][6] == rows[0][7] == "So với năm 2023"  # one merged cell
        assert rows[1][6:] == ["Chỉ số (±)", "Thứ hạng"]
        body = rows[2:]
        assert len(body) == len(block["units"])
        for i, (row, unit) in enumerate(zip(body, block["units"], strict=True), start=1):
            assert row[:6] == [
                str(i),
                unit["name"],
                total_text(block, unit),
                index_text(block, unit),
                unit["band_label"],
                str(unit["rank"]),
            ]
        assert f"Xếp loại — {band_line(block)}." in texts
        style = table.rows[2].cells[1].paragraphs[0].style
        assert style.font.size.pt == 12 and style.base_style.font.name == "Times New Roman"


def test_header_rows_repeat_on_every_page(docx_bytes: bytes) -> None:
    table = Document(io.BytesIO(docx_bytes)).tables[1]
    flagged = [
        row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None
        for row in table.rows
    ]
    assert flagged[:2] == [True, True] and not any(flagged[2:])


def test_same_snapshot_same_bytes_dated_by_publication(
    docx_bytes: bytes, document: dict[str, Any]
) -> None:
    again = annex_docx.write(build_annex(document, PublicationSettings(province="Thái Nguyên")))
    assert again == docx_bytes
    props = Document(io.BytesIO(docx_bytes)).core_properties
    when = published_at(2024).astimezone(UTC).replace(tzinfo=None)
    assert props.created.replace(tzinfo=None) == when
    assert props.modified.replace(tzinfo=None) == when
    assert props.author == "UBND tỉnh Thái Nguyên"
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2025, 3, 20, 2, 30, 0)}
