"""The unit report: what it says (read back from DOCX and PDF), optional parts only when
given, and the same bytes for the same snapshot."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pypdfium2 as pdfium
import pytest
from docx.oxml.ns import qn
from PIL import Image

from chiso.reports import render_docx, unit_report
from tests.reports import published
from tests.reports.reading import headings, read_docx, read_pdf, table_with


def full_options() -> dict[str, Any]:
    return {
        "province": "Thái Nguyên",
        "criteria": [
            {**leaf, "title": published.titles().get(leaf["criterion"], "")}
            for leaf in published.leaves()
        ],
        "titles": published.titles(),
        "sipas": published.SIPAS,
        "service": published.SERVICE,
    }


@pytest.fixture(scope="module")
def docx_full() -> bytes:
    return unit_report.write_docx(published.unit(), **full_options())


@pytest.fixture(scope="module")
def pdf_full() -> bytes:
    return unit_report.write_pdf(published.unit(), **full_options())


def test_docx_has_every_section_in_order(docx_full: bytes) -> None:
    document = read_docx(docx_full)
    top = [h for h in headings(document) if h[:1].isdigit()]
    assert top == [
        "1. Điểm theo lĩnh vực",
        "2. Tiêu chí cần ưu tiên khắc phục",
        "3. Kết quả qua các năm",
        "4. Mức độ hài lòng của người dân, tổ chức (SIPAS)",
        "5. Chất lượng phục vụ người dân, doanh nghiệp",
    ]
    assert "Phụ lục: điểm từng tiêu chí" in headings(document)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "UBND TỈNH THÁI NGUYÊN" in text and "Sở Công Thương" in text
    assert "Bộ tiêu chí mô phỏng" in text  # a modelled method says so


def test_docx_tables_hold_the_published_numbers(docx_full: bytes) -> None:
    document = read_docx(docx_full)
    unit = published.unit()
    fields = table_with(document, "Lĩnh vực")
    # Eight fields, then the bonus the unit got (no penalty: not given, so only what it got)
    # and the total they add up to.
    assert len(fields) == 1 + 8 + 2
    assert [row[0] for row in fields[-2:]] == ["Điểm thưởng", "Tổng điểm"]
    assert fields[-1][1] == "90,90"
    assert fields[3][0].startswith("3. Cải cách thủ tục hành chính")
    lost = table_with(document, "Chỉ số tăng thêm")
    assert [row[0] for row in lost[1:]] == [x["criterion"] for x in unit["lost_points"]]
    assert all(row[-1].startswith("+") for row in lost[1:])
    history = table_with(document, "Năm")
    assert [row[0] for row in history[1:]] == ["2023", "2024"]
    assert history[2][3] == "90,90"
    sipas = table_with(document, "Yếu tố")
    assert sipas[1] == ["Tiếp cận dịch vụ", "84,20", "81,00–87,10", "412"]
    # The appendix: every leaf of the unit, with a bold subtotal per criterion above them.
    codes = [
        row.cells[0].text
        for table in document.tables
        if table.rows[0].cells[0].text == "Mã"
        for row in table.rows
    ]
    leaves = {leaf["criterion"] for leaf in published.leaves()}
    assert leaves <= set(codes)


def test_docx_embeds_each_chart_as_a_picture_with_its_description(docx_full: bytes) -> None:
    document = read_docx(docx_full)
    shapes = document.inline_shapes
    assert len(shapes) == 3  # history, SIPAS, service quality
    descriptions = [s._inline.docPr.get("descr") for s in shapes]
    assert descriptions[0].startswith("Biểu đồ đường: chỉ số (%) của Sở Công Thương")
    text_width = document.sections[0].page_width - document.sections[0].left_margin
    assert all(s.width <= text_width for s in shapes)


def test_docx_charts_are_vector_with_a_png_for_older_word(docx_full: bytes) -> None:
    """Each picture's blip holds the PNG and, in Office 2016's extension, the SVG drawn from
    the same spec as the PDF's."""
    document = read_docx(docx_full)
    part = document.part
    for shape in document.inline_shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        png = part.related_parts[blip.embed]
        [svg_blip] = blip.findall(f".//{{{render_docx.SVG_NS}}}svgBlip")
        svg = part.related_parts[svg_blip.get(qn("r:embed"))]
        assert png.content_type == "image/png" and svg.content_type == "image/svg+xml"
        assert svg.blob.startswith(b'<svg role="img"')
        title = shape._inline.docPr.get("title")
        assert f">{title}</title>".encode() in svg.blob
        with Image.open(io.BytesIO(png.blob)) as image:
            assert image.mode == "P"  # 256 colours: a seventh of the size
            assert image.info["dpi"][0] == pytest.approx(render_docx.FALLBACK_PPI, abs=1)
            # Drawn at the picture's size on the page, at 150 pixels per inch.
            width_inches = shape.width / 914400
            assert image.size[0] >= 0.9 * width_inches * render_docx.FALLBACK_PPI


def test_optional_sections_appear_only_when_given() -> None:
    document = read_docx(unit_report.write_docx(published.unit()))
    assert headings(document) == [
        "1. Điểm theo lĩnh vực",
        "2. Tiêu chí cần ưu tiên khắc phục",
        "3. Kết quả qua các năm",
    ]
    assert len(document.inline_shapes) == 1
    assert "UBND TỈNH" not in "\n".join(p.text for p in document.paragraphs)


def test_pdf_pages_and_text(pdf_full: bytes) -> None:
    pdf = read_pdf(pdf_full)
    assert 4 <= pdf.pages <= 12
    assert all(share > 0.01 for share in pdf.inked)  # no blank page
    for text in (
        "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024",
        "Sở Công Thương",
        "90,90%",
        "Tiêu chí cần ưu tiên khắc phục",
        "Chỉ số CCHC qua các năm: Sở Công Thương",  # a chart's title: the SVG's text is text
        "Tiếp cận dịch vụ (n = 412)",
        "Phụ lục: điểm từng tiêu chí",
        f"Trang 1/{pdf.pages}",
    ):
        assert text in pdf.text, text


def test_same_snapshot_same_bytes_with_dates_from_the_publication(
    docx_full: bytes, pdf_full: bytes
) -> None:
    assert unit_report.write_docx(published.unit(), **full_options()) == docx_full
    assert unit_report.write_pdf(published.unit(), **full_options()) == pdf_full
    properties = read_docx(docx_full).core_properties
    published_at = datetime.fromisoformat(published.unit()["published_at"])
    assert (
        properties.created
        == properties.modified
        == published_at
        == datetime(2025, 3, 20, 9, 0, tzinfo=UTC)
    )
    dates = pdfium.PdfDocument(pdf_full).get_metadata_dict()
    assert dates["CreationDate"] == dates["ModDate"] == "D:20250320090000+00'00"
