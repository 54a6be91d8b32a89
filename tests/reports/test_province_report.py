"""The province report: every block's ranking, bands, movers and field heatmap, SIPAS and
service quality when given; read back from DOCX and PDF."""

from __future__ import annotations

from typing import Any

import pytest

from chiso.reports import province_report
from tests.reports import published
from tests.reports.reading import headings, read_docx, read_pdf, table_with


def sipas_by_unit() -> list[dict[str, Any]]:
    units = published.ranking()["units"][:6]
    return [
        {"factor": u["name"], "estimate": 80.0 + i, "low": 76.0 + i, "high": 84.0 + i, "n": 200}
        for i, u in enumerate(units)
    ]


@pytest.fixture(scope="module")
def docx_full() -> bytes:
    return province_report.write_docx(
        published.publication(), sipas=sipas_by_unit(), service=published.SERVICE
    )


def test_docx_sections_per_block_and_optional_parts(docx_full: bytes) -> None:
    document = read_docx(docx_full)
    assert headings(document) == [
        "1. Tổng quan",
        "2. Khối sở, ban, ngành",
        "Đơn vị tăng, giảm nhiều nhất",
        "So sánh theo lĩnh vực",
        "3. Khối UBND các huyện, thành phố",
        "Đơn vị tăng, giảm nhiều nhất",
        "So sánh theo lĩnh vực",
        "4. Mức độ hài lòng của người dân, tổ chức (SIPAS)",
        "5. Chất lượng phục vụ người dân, doanh nghiệp",
    ]
    # Per block: ranking bars, slope, heatmap; then SIPAS and the trends.
    assert len(document.inline_shapes) == 2 * 3 + 2
    without = read_docx(province_report.write_docx(published.publication()))
    assert headings(without)[-1] == "So sánh theo lĩnh vực"
    assert len(without.inline_shapes) == 6


def test_docx_rankings_and_band_counts_hold_the_published_rows(docx_full: bytes) -> None:
    document = read_docx(docx_full)
    rankings = [
        [[c.text for c in row.cells] for row in t.rows]
        for t in document.tables
        if t.rows[0].cells[0].text == "Hạng"
    ]
    publication = published.publication()
    for table, block in zip(rankings, publication["blocks"], strict=True):
        assert [row[1] for row in table[1:]] == [u["name"] for u in block["units"]]
    assert rankings[0][1][:5] == ["1", "Sở Công Thương", "90,90", "90,90", "Xuất sắc"]
    bands = table_with(document, "Tổng số")
    assert bands[0] == ["Khối", "Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu", "Tổng số"]
    assert bands[1] == ["Khối sở, ban, ngành", "3", "11", "5", "0", "0", "19"]
    movers = table_with(document, "Tăng/giảm")
    first = max(publication["blocks"][0]["units"], key=lambda u: u["index_change"])
    assert movers[1][0] == first["name"] and movers[1][3].startswith("+")


def test_pdf_pages_text_and_charts() -> None:
    pdf = read_pdf(province_report.write_pdf(published.publication(), sipas=sipas_by_unit()))
    assert 6 <= pdf.pages <= 14
    assert all(share > 0.01 for share in pdf.inked)
    for text in (
        "UBND TỈNH THÁI NGUYÊN",
        "Khối UBND các huyện, thành phố: 9 đơn vị",
        "Chỉ số CCHC năm 2024: Khối sở, ban, ngành",  # the ranking chart's title
        "Chỉ số theo lĩnh vực năm 2024",  # the heatmap's
        "Chỉ số hài lòng của người dân, tổ chức theo đơn vị",
        "Bộ tiêu chí mô phỏng",
    ):
        assert text in pdf.text, text


def test_same_publication_same_bytes(docx_full: bytes) -> None:
    again = province_report.write_docx(
        published.publication(), sipas=sipas_by_unit(), service=published.SERVICE
    )
    assert again == docx_full


def test_docx_table_grid_carries_the_column_widths(docx_full: bytes) -> None:
    """LibreOffice lays a table out by its grid (Word by each cell's width): with the grid
    left at equal columns, a unit's name wrapped word by word in a narrow column."""
    document = read_docx(docx_full)
    ranking = next(t for t in document.tables if t.rows[0].cells[0].text == "Hạng")
    grid = [int(column.width) for column in ranking.columns]
    cells = [int(cell.width) for cell in ranking.rows[1].cells]
    assert grid == cells
    name, rank = grid[1], grid[0]
    assert name > 3 * rank and name == max(grid)
