"""The annex as PDF, rendered with pypdfium2: pages, orientation, text, fonts, same bytes."""

from __future__ import annotations

import ctypes
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from chiso.reports import annex_pdf
from chiso.reports.annex import build_annex
from chiso.reports.layout import PublicationSettings
from tests.reports.helpers import band_line, index_text


@pytest.fixture(scope="module")
def pdf_bytes(document: dict[str, Any]) -> bytes:
    return annex_pdf.write(build_annex(document, PublicationSettings(province="Thái Nguyên")))


def page_texts(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]


def test_pages_are_a4_landscape_and_render(pdf_bytes: bytes) -> None:
    pdf = pdfium.PdfDocument(pdf_bytes)
    assert len(pdf) == 2
    for i in range(len(pdf)):
        width, height = pdf[i].get_size()
        assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
        image = pdf[i].render(scale=0.5).to_pil()
        # Something is drawn: the page is not blank white.
        assert image.convert("L").getextrema()[0] < 100


def test_text_has_the_header_every_unit_and_the_band_counts(
    pdf_bytes: bytes, document: dict[str, Any]
) -> None:
    pages = page_texts(pdf_bytes)
    first = " ".join(pages[0].split())
    for text in (
        "ỦY BAN NHÂN DÂN",
        "TỈNH THÁI NGUYÊN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "(Kèm theo Quyết định số …/QĐ-UBND ngày … tháng … năm … của UBND tỉnh Thái Nguyên)",
        "PHỤ LỤC",
        "KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024",
        "Bộ tiêu chí mô phỏng",
    ):
        assert text in first, text
    everything = " ".join(" ".join(pages).split())
    for block in document["blocks"]:
        for unit in block["units"]:
            assert f"{unit['name']} " in everything
            assert index_text(block, unit) in everything
        assert f"Xếp loại — {band_line(block)}." in everything
    assert pages[1].count("STT") == 2  # the continued table repeats its header, then block II


def test_the_font_is_embedded(pdf_bytes: bytes) -> None:
    family = annex_pdf.font_family()
    assert family in ("Times New Roman", "Liberation Serif")
    page = pdfium.PdfDocument(pdf_bytes)[0].get_textpage()
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    fonts = set()
    for i in range(page.count_chars()):
        pdfium_c.FPDFText_GetFontInfo(page, i, name, 256, ctypes.byref(flags))
        fonts.add(name.value.decode().split("+", 1)[-1])  # without the subset tag
    expected = family.replace(" ", "-")
    assert fonts and all(f.startswith(expected) for f in fonts), fonts


def test_same_snapshot_same_bytes(pdf_bytes: bytes, document: dict[str, Any]) -> None:
    again = annex_pdf.write(build_annex(document, PublicationSettings(province="Thái Nguyên")))
    assert again == pdf_bytes
    pdf = pdfium.PdfDocument(pdf_bytes)
    meta = pdf.get_metadata_dict()
    assert meta["CreationDate"].startswith("D:20250320023000")
    assert meta["Author"] == "UBND tỉnh Thái Nguyên"


def test_per_field_pages(document: dict[str, Any]) -> None:
    data = annex_pdf.write(
        build_annex(document, PublicationSettings(province="Thái Nguyên"), with_fields=True)
    )
    text = " ".join(" ".join(page_texts(data)).split())
    assert "Điểm theo lĩnh vực" in text and "LV8" in text
    assert "LV1: " + document["blocks"][0]["fields"][0]["title"] in text
