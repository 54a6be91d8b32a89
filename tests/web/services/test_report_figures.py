"""The reports' service-quality hook (`chiso.web.services.report_figures`): monthly headline
figures of published snapshots only, the province from its roll-up, synthetic data labelled, and
the unit and province reports of a published year carrying the section."""

from __future__ import annotations

import dataclasses
import runpy
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.conf import settings as django_settings
from django.test import Client

import chiso.web.settings as settings_module
from chiso.web.public import report_files
from chiso.web.services.compute import Computation
from chiso.web.services.models import ServiceSnapshot, ServiceSnapshotUnit
from chiso.web.services.report_figures import HEADLINE, SCORE, service_figures
from chiso.web.services.services import snapshot_create, snapshot_publish
from tests.reports.reading import headings, read_docx, read_pdf
from tests.web.publishing.helpers import example_rows, publish_example
from tests.web.services.helpers import synthetic_computation

pytestmark = pytest.mark.db

HOOK = "chiso.web.services.report_figures.service_figures"
SYNTHETIC = "Dữ liệu tổng hợp (giả lập)"
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]


@pytest.fixture(scope="session")
def quarter(tmp_path_factory: pytest.TempPathFactory) -> Computation:
    """The third quarter of the same synthetic province."""
    return synthetic_computation(tmp_path_factory.mktemp("quarter") / "dossiers", "2025-Q3")


def real(computation: Computation) -> Computation:
    """`computation` as if its store held real records (the snapshot records the flag)."""
    manifest = {**computation.store.manifest, "synthetic": False}
    return dataclasses.replace(
        computation, store=dataclasses.replace(computation.store, manifest=manifest)
    )


def part(snapshot: ServiceSnapshot, unit: str) -> dict[str, Any]:
    document: dict[str, Any] = ServiceSnapshotUnit.objects.get(
        snapshot=snapshot, unit=unit
    ).document
    return document


def expected(snapshot: ServiceSnapshot, document: dict[str, Any], months: list[str]) -> set[Any]:
    """(period, indicator title, value) read straight from a unit's part of the snapshot."""
    titles = {i["code"]: i["title"] for g in snapshot.info["groups"] for i in g["indicators"]}
    rows = {(p["period"], SCORE, p["index"]) for p in document["periods"] if p["period"] in months}
    rows |= {
        (i["period"], f"{titles[i['indicator']]} (%)", i["rate"])
        for i in document["indicators"]
        if i["period"] in months and i["indicator"] in HEADLINE and i["rate"] is not None
    }
    return rows


def as_set(figures: report_files.ServiceFigures) -> set[Any]:
    return {(r["period"], r["indicator"], r["value"]) for r in figures.rows}


def test_the_default_hook_and_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert django_settings.CHISO_SERVICE_INDICATORS == HOOK
    monkeypatch.setenv("CHISO_SERVICE_INDICATORS", "my.module.figures")
    assert (
        runpy.run_path(settings_module.__file__)["CHISO_SERVICE_INDICATORS"] == "my.module.figures"
    )
    monkeypatch.setenv("CHISO_SERVICE_INDICATORS", "none")
    assert runpy.run_path(settings_module.__file__)["CHISO_SERVICE_INDICATORS"] == ""


def test_a_draft_gives_nothing(snapshot: ServiceSnapshot) -> None:
    assert service_figures(year=2025, unit="TN.SCT") is None
    assert service_figures(year=2025, unit=None) is None


def test_a_published_year_gives_the_units_monthly_headline(published: ServiceSnapshot) -> None:
    figures = service_figures(year=2025, unit="TN.SCT")
    assert figures is not None
    assert as_set(figures) == expected(published, part(published, "TN.SCT"), MONTHS)
    assert {r["period"] for r in figures.rows} == set(MONTHS)  # months only, never Q or year
    names = {r["indicator"] for r in figures.rows}
    assert {SCORE, "Tỷ lệ hồ sơ giải quyết đúng hạn (%)", "Tỷ lệ hồ sơ trực tuyến (%)"} <= names
    assert len(names) == 1 + len(HEADLINE)
    assert figures.key == (
        f"service:{published.pk}:{published.inputs_hash}:{published.published_at.isoformat()}"
    )
    assert figures.note.startswith(SYNTHETIC)  # the fixture's province is synthetic
    assert "Năm 2025" in figures.note
    # Through the reports' own reader, and nothing for another year or an unknown unit.
    assert report_files.service_figures(2025, "TN.SCT") == figures
    assert service_figures(year=2024, unit="TN.SCT") is None
    assert service_figures(year=2025, unit="TN.NOPE") is None


def test_the_province_is_its_roll_up_not_a_mean(published: ServiceSnapshot) -> None:
    figures = service_figures(year=2025, unit=None)
    assert figures is not None
    province = next(r for r in published.ranking if r["level"] == "province")
    assert as_set(figures) == expected(published, part(published, province["unit"]), MONTHS)
    assert "Toàn tỉnh" in figures.note
    units = [r["unit"] for r in published.ranking if r["level"] != "province"]
    january = [
        p["index"] for u in units for p in part(published, u)["periods"] if p["period"] == MONTHS[0]
    ]
    score = next(r["value"] for r in figures.rows if r["indicator"] == SCORE)  # January's
    assert score != pytest.approx(sum(january) / len(january), abs=0.005)


def test_without_a_province_level_unit_the_province_has_no_figures(
    computation: Computation, admin: Any, chair: Any
) -> None:
    departments = computation.units.filter(pl.col("level") != "province")
    snapshot = snapshot_create(
        computation=dataclasses.replace(computation, units=departments), by=admin
    )
    snapshot_publish(snapshot=snapshot, by=chair)
    assert service_figures(year=2025, unit=None) is None
    assert service_figures(year=2025, unit="TN.SCT") is not None


def test_real_results_carry_no_synthetic_note(
    computation: Computation, admin: Any, chair: Any
) -> None:
    snapshot = snapshot_publish(
        snapshot=snapshot_create(computation=real(computation), by=admin), by=chair
    )
    figures = service_figures(year=2025, unit="TN.SCT")
    assert figures is not None and SYNTHETIC not in figures.note
    assert figures.key.startswith(f"service:{snapshot.pk}:")


def test_the_latest_publication_of_the_year_wins(
    published: ServiceSnapshot,
    computation: Computation,
    quarter: Computation,
    admin: Any,
    chair: Any,
) -> None:
    snapshot_publish(snapshot=snapshot_create(computation=quarter, by=admin), by=chair)
    figures = service_figures(year=2025, unit="TN.SCT")
    assert figures is not None  # the year's own results, not the quarter published after
    assert figures.key.startswith(f"service:{published.pk}:") and ";" not in figures.key
    newer = snapshot_publish(
        snapshot=snapshot_create(computation=real(computation), by=admin), by=chair
    )
    figures = service_figures(year=2025, unit="TN.SCT")
    assert figures is not None and figures.key.startswith(f"service:{newer.pk}:")


def test_without_the_year_the_quarters_and_months_published(
    computation: Computation, quarter: Computation, admin: Any, chair: Any
) -> None:
    draft_year = snapshot_create(computation=computation, by=admin)  # never published
    q3 = snapshot_publish(snapshot=snapshot_create(computation=quarter, by=admin), by=chair)
    figures = service_figures(year=2025, unit="TN.SCT")
    assert figures is not None
    assert {r["period"] for r in figures.rows} == {"2025-07", "2025-08", "2025-09"}
    assert as_set(figures) == expected(q3, part(q3, "TN.SCT"), MONTHS)
    assert str(draft_year.pk) not in figures.key.split(":")
    assert "Quý 3/2025" in figures.note
    # Real records published later: the synthetic quarter is no longer mixed in.
    real_q3 = snapshot_publish(
        snapshot=snapshot_create(computation=real(quarter), by=admin), by=chair
    )
    figures = service_figures(year=2025, unit="TN.SCT")
    assert figures is not None and SYNTHETIC not in figures.note
    assert figures.key.startswith(f"service:{real_q3.pk}:") and ";" not in figures.key


# --- the reports ----------------------------------------------------------------------------------


@pytest.fixture
def par_2025(chair: Any, data_dir: Path) -> Any:
    """The PAR Index of 2025 published for the departments (2024's example scores)."""
    return publish_example(2025, "so", by=chair, rows=example_rows(2024, "so"))


def download(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content)


def test_reports_of_a_published_year_have_the_section(
    client: Client, par_2025: Any, published: ServiceSnapshot
) -> None:
    unit = read_docx(download(client, "/2025/so/TN.SCT/bao-cao.docx"))
    assert any("Chất lượng phục vụ người dân, doanh nghiệp" in h for h in headings(unit))
    paragraphs = [p.text for p in unit.paragraphs]
    assert any(p.startswith(SYNTHETIC) for p in paragraphs)
    table = next(t for t in unit.tables if t.rows[0].cells[0].text == "Chỉ tiêu")
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in table.rows[1:]}
    on_time = next(
        i["rate"]
        for i in part(published, "TN.SCT")["indicators"]
        if i["period"] == "2025-12" and i["indicator"] == "2.1"
    )
    latest = rows["Tỷ lệ hồ sơ giải quyết đúng hạn (%)"][1]
    assert latest == f"{on_time:.2f} (12/2025)".replace(".", ",")
    assert len(rows) == 1 + len(HEADLINE)
    pdf = read_pdf(download(client, "/2025/so/TN.SCT/bao-cao.pdf"))
    assert "Chất lượng phục vụ người dân, doanh nghiệp" in pdf.text
    province = read_docx(download(client, "/2025/bao-cao.docx"))
    assert any("Chất lượng phục vụ" in h for h in headings(province))
    assert any("Toàn tỉnh" in p.text for p in province.paragraphs)


def test_a_new_publication_makes_a_new_report(
    client: Client,
    par_2025: Any,
    published: ServiceSnapshot,
    computation: Computation,
    admin: Any,
    chair: Any,
) -> None:
    url = "/2025/so/TN.SCT/bao-cao.docx"
    etag = client.get(url)["ETag"]
    assert client.get(url)["ETag"] == etag  # the same figures: the cached file
    snapshot_publish(snapshot=snapshot_create(computation=real(computation), by=admin), by=chair)
    assert client.get(url)["ETag"] != etag
    paragraphs = [p.text for p in read_docx(download(client, url)).paragraphs]
    assert not any(p.startswith(SYNTHETIC) for p in paragraphs)


def test_no_section_before_anything_is_published(
    client: Client, par_2025: Any, snapshot: ServiceSnapshot
) -> None:
    unit = read_docx(download(client, "/2025/so/TN.SCT/bao-cao.docx"))
    assert not any("Chất lượng phục vụ" in h for h in headings(unit))
