"""Evidence: accepted by what the bytes are, never by the name or the browser's word."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.web.evaluations.evidence import DOCX, ODT, PDF, XLSX, evidence_add, evidence_open, sniff
from chiso.web.evaluations.models import Evidence, Period
from tests.web.evaluations.helpers import officer_of, score_of

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def package(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in members:
            z.writestr(name, data)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF_BYTES, PDF),
        (PNG_BYTES, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "image/jpeg"),
        (package(("[Content_Types].xml", b"<x/>"), ("word/document.xml", b"<w/>")), DOCX),
        (package(("[Content_Types].xml", b"<x/>"), ("xl/workbook.xml", b"<w/>")), XLSX),
        (package(("mimetype", ODT.encode()), ("content.xml", b"<o/>")), ODT),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", None),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', None),
        (b"MZ\x90\x00" + b"\x00" * 60, None),  # a Windows executable
        (b"\x7fELF" + b"\x00" * 60, None),
        (package(("readme.txt", b"hi")), None),  # a zip that is no document
        (
            package(
                ("[Content_Types].xml", b"<x/>"),
                ("word/document.xml", b"<w/>"),
                ("word/vbaProject.bin", b"macro"),
            ),
            None,
        ),
        (b"PK\x03\x04 not really a zip", None),
        (b"", None),
    ],
)
def test_sniffing_reads_the_bytes(data: bytes, kind: str | None) -> None:
    assert sniff(io.BytesIO(data)) == kind


@pytest.fixture
def snv(units: Any) -> Any:
    return officer_of(units["TN.SNV"])


@pytest.mark.db
def test_a_pdf_is_stored_by_hash_and_opened_by_permission(
    period: Period, snv: Any, units: Any, appraiser: Any
) -> None:
    score = score_of(period, "TN.SNV", "1.2.2")
    evidence = evidence_add(score=score, upload=upload("ke-hoach.pdf", PDF_BYTES), by=snv)
    assert evidence.content_type == PDF
    assert evidence.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert evidence.size == len(PDF_BYTES)
    assert evidence.file.name == f"evidence/2024/{evidence.sha256}"
    assert evidence.original_name == "ke-hoach.pdf"
    with evidence_open(evidence=evidence, by=appraiser) as handle:
        assert handle.read() == PDF_BYTES
    with pytest.raises(PermissionDenied):
        evidence_open(evidence=evidence, by=officer_of(units["TN.STP"]))


@pytest.mark.db
def test_html_renamed_pdf_is_refused(period: Period, snv: Any) -> None:
    score = score_of(period, "TN.SNV", "1.2.2")
    fake = upload("bao-cao.pdf", b"<html><body onload=alert(1)>", content_type="application/pdf")
    with pytest.raises(ValidationError, match="không phải là PDF"):
        evidence_add(score=score, upload=fake, by=snv)
    assert not Evidence.objects.exists()


@pytest.mark.db
def test_an_oversize_file_is_refused(period: Period, snv: Any, settings: Any) -> None:
    settings.CHISO_EVIDENCE_MAX_BYTES = 64
    score = score_of(period, "TN.SNV", "1.2.2")
    with pytest.raises(ValidationError, match="quá lớn"):
        evidence_add(score=score, upload=upload("lon.pdf", PDF_BYTES + b"0" * 64), by=snv)
    assert not Evidence.objects.exists()


@pytest.mark.db
def test_the_same_file_twice_on_one_criterion_is_refused(period: Period, snv: Any) -> None:
    score = score_of(period, "TN.SNV", "1.2.2")
    evidence_add(score=score, upload=upload("a.pdf", PDF_BYTES), by=snv)
    with pytest.raises(ValidationError, match="đã được nộp"):
        evidence_add(score=score, upload=upload("b.pdf", PDF_BYTES), by=snv)


@pytest.mark.db
def test_only_the_units_officer_adds_evidence(period: Period, units: Any) -> None:
    score = score_of(period, "TN.SNV", "1.2.2")
    with pytest.raises(PermissionDenied):
        evidence_add(score=score, upload=upload("a.pdf", PDF_BYTES), by=officer_of(units["TN.STP"]))
