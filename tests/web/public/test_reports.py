"""Report downloads on the public site: a unit's report and the province report, as PDF and
DOCX, from published snapshots only, generated once and cached per snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.test import Client

from chiso.io.answers import read_answers
from chiso.io.questionnaire_files import load_questionnaire, resolve_questionnaire
from chiso.web.evaluations.models import PeriodState
from chiso.web.public import report_files
from chiso.web.public.report_files import ServiceFigures
from chiso.web.publishing.sipas import sipas_publish
from tests.reports.reading import headings, read_docx, read_pdf, table_with
from tests.web.publishing.helpers import publish_example

pytestmark = pytest.mark.db

SIPAS_ANSWERS = Path(__file__).resolve().parents[3] / "examples" / "sipas" / "answers-example.csv"
# The example's three communes answer for three departments of the PAR example.
AS_DEPARTMENTS = {"XA-AN-BINH": "TN.SCT", "XA-HOA-LAC": "TN.STTTT", "XA-TAN-PHU": "TN.SKHCN"}


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, settings: Any) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def download(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return b"".join(response.streaming_content)


def test_unit_report_pdf_and_docx(client: Client, two_years: Any) -> None:
    response = client.get("/2024/so/TN.SCT/bao-cao.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="chiso-2024-so-TN.SCT-bao-cao.pdf"' in response["Content-Disposition"]
    pdf = read_pdf(b"".join(response.streaming_content))
    assert pdf.pages >= 3 and "Sở Công Thương" in pdf.text and "90,90%" in pdf.text
    document = read_docx(download(client, "/2024/so/TN.SCT/bao-cao.docx"))
    assert "3. Kết quả qua các năm" in headings(document)
    assert "Phụ lục: điểm từng tiêu chí" in headings(document)
    assert not any("SIPAS" in h for h in headings(document))  # none published for 2024


def test_unit_report_fields_bonus_and_penalty_add_up_to_the_total(
    client: Client, two_years: Any
) -> None:
    # The fields alone (72,53 + 17,37) fell a bonus point short of the total listed (90,90).
    def number(text: str) -> float:
        return float(text.replace("−", "-").replace(".", "").replace(",", "."))

    for fmt in ("docx", "pdf"):  # one content model; the PDF is read for the row labels only
        data = download(client, f"/2024/so/TN.SCT/bao-cao.{fmt}")
        if fmt == "pdf":
            text = read_pdf(data).text
            assert "Điểm thưởng" in text and "Điểm trừ" in text
            continue
        rows = table_with(read_docx(data), "Lĩnh vực")
        header, body = rows[0], rows[1:]
        column = header.index("Điểm đạt")
        labels = [r[0] for r in body]
        assert labels[-3:] == ["Điểm thưởng", "Điểm trừ", "Tổng điểm"]
        fields = [number(r[column]) for r in body[:-3]]
        bonus, penalty, total = (number(r[column]) for r in body[-3:])
        assert bonus > 0 and penalty == 0  # the method has both; this unit got a bonus only
        assert body[-3][column].startswith("+") and body[-2][column] == "0,00"
        assert sum(fields) + bonus - penalty == pytest.approx(total, abs=0.011 * len(fields))
        assert total == pytest.approx(90.90)


def test_province_report_has_every_published_block(client: Client, two_years: Any) -> None:
    document = read_docx(download(client, "/2024/bao-cao.docx"))
    assert headings(document)[:2] == ["1. Tổng quan", "2. Khối sở, ban, ngành"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "năm 2023: " in text  # last year's average, from last year's snapshot
    assert read_pdf(download(client, "/2024/bao-cao.pdf")).pages >= 3


def test_links_on_the_unit_page(client: Client, two_years: Any) -> None:
    unit = client.get("/2024/so/TN.SCT/").content.decode()
    assert 'href="/2024/so/TN.SCT/bao-cao.pdf"' in unit
    assert 'href="/2024/so/TN.SCT/bao-cao.docx"' in unit


def test_generated_once_then_served_from_the_cache(
    client: Client, two_years: Any, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    first = download(client, "/2024/so/TN.SCT/bao-cao.pdf")
    etag = client.get("/2024/so/TN.SCT/bao-cao.pdf")["ETag"]

    def refuse(*args: Any, **kwargs: Any) -> bytes:
        raise AssertionError("regenerated a cached report")

    monkeypatch.setitem(report_files.WRITERS, "pdf", refuse)
    assert download(client, "/2024/so/TN.SCT/bao-cao.pdf") == first
    assert client.get("/2024/so/TN.SCT/bao-cao.pdf", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(list((data_dir / "reports" / "2024").glob("*-bao-cao.pdf"))) == 1
    assert not list(data_dir.rglob(".tmp-*"))


def test_a_new_publication_makes_a_new_file(client: Client, chair: Any, data_dir: Path) -> None:
    publish_example(2023, "so", by=chair)
    before = client.get("/2023/so/TN.SCT/bao-cao.docx")["ETag"]
    assert "2024" not in "\n".join(
        headings(read_docx(download(client, "/2023/so/TN.SCT/bao-cao.docx")))
    )
    publish_example(2024, "so", by=chair)  # the 2023 report's history now has 2024 too
    assert client.get("/2023/so/TN.SCT/bao-cao.docx")["ETag"] != before
    history = read_docx(download(client, "/2023/so/TN.SCT/bao-cao.docx")).tables
    years = {row.cells[0].text for table in history for row in table.rows}
    assert {"2023", "2024"} <= years
    # The stale file of the same report is removed, not kept beside the new one.
    assert len(list((data_dir / "reports" / "2023").glob("*-bao-cao.docx"))) == 1


def test_sipas_sections_when_the_year_has_published_sipas(
    client: Client, two_years: Any, chair: Any
) -> None:
    questionnaire = resolve_questionnaire("service-user-2024")
    answers = read_answers(SIPAS_ANSWERS, load_questionnaire(questionnaire), None)
    answers = answers.with_columns(pl.col("unit").replace(AS_DEPARTMENTS))
    sipas_publish(
        year=2024,
        title="Khảo sát SIPAS năm 2024",
        questionnaire_yaml=questionnaire.read_text(encoding="utf-8"),
        answers=answers,
        names={"TN.SCT": "Sở Công Thương", "TN.STTTT": "Sở TT&TT", "TN.SKHCN": "Sở KH&CN"},
        seed=9,
        bootstrap=100,
        by=chair,
    )
    unit = read_docx(download(client, "/2024/so/TN.SCT/bao-cao.docx"))
    assert "4. Mức độ hài lòng của người dân, tổ chức (SIPAS)" in headings(unit)
    factors = next(t for t in unit.tables if t.rows[0].cells[0].text == "Yếu tố")
    assert len(factors.rows) > 2
    province = read_docx(download(client, "/2024/bao-cao.docx"))
    assert any("SIPAS" in h for h in headings(province))
    other = read_docx(download(client, "/2024/so/TN.SYT/bao-cao.docx"))  # no SIPAS answers
    assert not any("SIPAS" in h for h in headings(other))


@pytest.mark.parametrize(
    "url",
    [
        "/2024/so/TN.SCT/bao-cao.pdf",
        "/2024/so/TN.SCT/bao-cao.docx",
        "/2024/bao-cao.pdf",
        "/2024/bao-cao.docx",
    ],
)
def test_nothing_before_publication(client: Client, chair: Any, url: str) -> None:
    assert client.get(url).status_code == 404
    publish_example(2024, "so", by=chair, state=PeriodState.COUNCIL_REVIEW)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url", ["/2022/bao-cao.pdf", "/2024/so/TN.KHONG/bao-cao.pdf", "/2024/xa/TN.SCT/bao-cao.pdf"]
)
def test_unknown_year_block_or_unit_is_not_found(client: Client, two_years: Any, url: str) -> None:
    assert client.get(url).status_code == 404


def test_downloads_are_read_only(client: Client, two_years: Any) -> None:
    assert client.post("/2024/bao-cao.pdf").status_code == 405


def test_province_writer_not_called_for_a_cached_file(
    client: Client, two_years: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = download(client, "/2024/bao-cao.docx")
    monkeypatch.setitem(report_files.WRITERS, "docx", lambda *a, **k: b"")
    assert download(client, "/2024/bao-cao.docx") == first


# --- service quality through the hook ------------------------------------------------------------

MEASURED: dict[str, Any] = {"key": "snapshot-1", "value": 96.5}


def measured(*, year: int, unit: str | None) -> ServiceFigures | None:
    """A stand-in for the service-quality app's hook: two months of one indicator."""
    if year != 2024 or unit not in ("TN.SCT", None):
        return None
    rows = [
        {"period": "2024-01", "indicator": "Hồ sơ đúng hạn (%)", "value": 91.0},
        {"period": "2024-02", "indicator": "Hồ sơ đúng hạn (%)", "value": MEASURED["value"]},
    ]
    return ServiceFigures(rows=rows, key=MEASURED["key"], note="Đo từ hồ sơ một cửa.")


def not_figures(*, year: int, unit: str | None) -> object:
    return {"rows": []}


def test_service_quality_comes_through_the_hook(
    client: Client, two_years: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "/2024/so/TN.SCT/bao-cao.docx"
    without = read_docx(download(client, url))
    assert not any("Chất lượng phục vụ" in h for h in headings(without))
    settings.CHISO_SERVICE_INDICATORS = f"{__name__}.measured"
    unit = read_docx(download(client, url))
    assert "4. Chất lượng phục vụ người dân, doanh nghiệp" in headings(unit)  # no SIPAS
    assert "Đo từ hồ sơ một cửa." in [p.text for p in unit.paragraphs]
    table = next(t for t in unit.tables if t.rows[0].cells[0].text == "Chỉ tiêu")
    assert [c.text for c in table.rows[1].cells] == [
        "Hồ sơ đúng hạn (%)",
        "91,00 (01/2024)",
        "96,50 (02/2024)",
        "+5,50",
    ]
    province = read_docx(download(client, "/2024/bao-cao.docx"))
    assert any("Chất lượng phục vụ" in h for h in headings(province))
    other = read_docx(download(client, "/2024/so/TN.SYT/bao-cao.docx"))  # the hook: none
    assert not any("Chất lượng phục vụ" in h for h in headings(other))
    # New figures (another snapshot) make a new file; the same figures reuse the cached one.
    etag = client.get(url)["ETag"]
    assert client.get(url)["ETag"] == etag
    monkeypatch.setitem(MEASURED, "key", "snapshot-2")
    monkeypatch.setitem(MEASURED, "value", 97.0)
    assert client.get(url)["ETag"] != etag
    assert "+6,00" in {c.text for t in read_docx(download(client, url)).tables for c in t._cells}


def test_a_hook_that_returns_something_else_is_an_error(
    client: Client, two_years: Any, settings: Any
) -> None:
    settings.CHISO_SERVICE_INDICATORS = f"{__name__}.not_figures"
    with pytest.raises(TypeError, match="not ServiceFigures"):
        report_files.service_figures(2024, "TN.SCT")
