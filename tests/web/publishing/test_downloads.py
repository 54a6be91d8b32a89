"""The year's publication files over HTTP: nothing before approval, generated once per set of
snapshots and cached, a new file when the decision's number is entered."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from chiso.web.evaluations.models import Period, PeriodState
from chiso.web.jobs.models import Job, JobState
from chiso.web.public.report_files import cache_dir as report_cache_dir
from chiso.web.publishing.downloads import FILES, cache_dir
from chiso.web.publishing.publication import publication_decision_set
from tests.web.publishing.helpers import publish_example

pytestmark = pytest.mark.db

URLS = [f"/2024/tai-ve/{name}" for name in FILES] + ["/2024/tai-ve/", "/2024/thong-cao/"]


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def attached(sheet: Any) -> str:
    """The annex's '(Kèm theo Quyết định số …)' line, which carries the decision's number."""
    return next(
        c.value
        for row in sheet.iter_rows(max_row=10)
        for c in row
        if isinstance(c.value, str) and c.value.startswith("(Kèm theo")
    )


def test_nothing_before_the_council_approves(client: Client, chair: Any) -> None:
    publish_example(2024, "so", by=chair, state=PeriodState.COUNCIL_REVIEW)
    for url in URLS:
        assert client.get(url).status_code == 404, url
    assert not cache_dir().exists()

    Period.objects.filter(year=2024).update(state=PeriodState.PUBLISHED)
    assert client.get("/2024/tai-ve/phu-luc.xlsx").status_code == 200
    assert client.get("/2025/tai-ve/phu-luc.xlsx").status_code == 404
    assert client.get("/2024/tai-ve/khong-co.xlsx").status_code == 404


def test_every_file_downloads_with_its_type_and_name(client: Client, two_years: Any) -> None:
    for name, kind in FILES.items():
        response = client.get(f"/2024/tai-ve/{name}")
        assert response.status_code == 200, name
        assert response["Content-Type"] == kind.content_type
        assert f'filename="chiso-thai-nguyen-2024-{name}"' in response["Content-Disposition"]
        body = b"".join(response.streaming_content)
        assert body[:4] in (b"PK\x03\x04", b"%PDF"), name


def test_generated_once_then_served_from_the_cache(client: Client, two_years: Any) -> None:
    first = b"".join(client.get("/2024/tai-ve/phu-luc.pdf").streaming_content)
    [path] = (cache_dir() / "2024").glob("*-phu-luc.pdf")
    stamp = path.stat().st_mtime_ns
    response = client.get("/2024/tai-ve/phu-luc.pdf")
    assert b"".join(response.streaming_content) == first
    assert path.stat().st_mtime_ns == stamp
    etag = response["ETag"]
    assert client.get("/2024/tai-ve/phu-luc.pdf", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_the_decision_number_makes_a_new_file(
    client: Client, two_years: Any, admin_user: Any
) -> None:
    before = client.get("/2024/tai-ve/phu-luc.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(before.streaming_content))).active
    assert attached(sheet) == (
        "(Kèm theo Quyết định số …/QĐ-UBND ngày … tháng … năm … của UBND tỉnh Thái Nguyên)"
    )

    period = Period.objects.get(year=2024)
    publication_decision_set(period=period, number="215", decision_date=None, by=admin_user)
    after = client.get("/2024/tai-ve/phu-luc.xlsx")
    assert after["ETag"] != before["ETag"]
    sheet = load_workbook(io.BytesIO(b"".join(after.streaming_content))).active
    assert attached(sheet).startswith("(Kèm theo Quyết định số 215/QĐ-UBND ngày … tháng")
    assert len(list((cache_dir() / "2024").glob("*-phu-luc.xlsx"))) == 1  # the old one pruned


def test_the_public_pages_link_the_downloads(client: Client, two_years: Any) -> None:
    for page in ("/", "/2024/so/"):
        html = client.get(page).content.decode()
        assert "Tải về" in html and 'href="/2024/tai-ve/phu-luc.xlsx"' in html, page
        assert 'href="/2024/tai-ve/du-lieu-mo.zip"' in html
        box = html.split('<section class="downloads"', 1)[1].split("</section>", 1)[0]
        assert 'href="/2024/bao-cao.pdf"' in box and 'href="/2024/bao-cao.docx"' in box, page
        assert "/2024/thong-cao/" not in html  # no press summary released yet
    html = client.get("/2024/tai-ve/").content.decode()
    for name in FILES:
        assert f'href="/2024/tai-ve/{name}"' in html
    assert 'href="/2024/bao-cao.pdf"' in html and 'href="/2024/bao-cao.docx"' in html
    assert "tạo khi tải lần đầu" in html
    client.get("/2024/tai-ve/phu-luc.docx")
    assert "KB" in client.get("/2024/tai-ve/").content.decode()


def test_the_office_makes_the_files_ahead_in_the_background(
    client: Client, two_years: Any, admin_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/quan-ly/cong-bo/2024/", {"action": "generate"})
    assert response.status_code == 302
    job = Job.objects.get(kind="publication.generate")
    assert job.state == JobState.DONE, job.error
    assert job.params == {"year": 2024, "units": False} and job.target == "period:2024"
    reports = ["bao-cao.pdf", "bao-cao.docx"]  # the province report
    assert sorted(job.result["files"]) == sorted([*FILES, *reports])
    assert job.result["unit_reports"] == 0
    # The block page's charts, then the files.
    assert (job.progress_done, job.progress_total) == (1 + len(FILES) + 2, 1 + len(FILES) + 2)
    made = {p.name.split("-", 1)[1] for p in (cache_dir() / "2024").iterdir()}
    assert made == set(FILES)
    made = {p.name.split("-", 1)[1] for p in (report_cache_dir() / "2024").iterdir()}
    assert made == {"chiso-2024-bao-cao.pdf", "chiso-2024-bao-cao.docx"}
    page = client.get("/quan-ly/cong-bo/2024/").content.decode()
    assert "Lần tạo gần nhất: Hoàn thành." in page


def test_entering_the_decision_remakes_the_annexes(
    client: Client, two_years: Any, admin_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/quan-ly/cong-bo/2024/",
            {"action": "decision", "decision_number": "215", "decision_date": "2025-02-07"},
        )
    assert Job.objects.get(kind="publication.generate").state == JobState.DONE
    [path] = (cache_dir() / "2024").glob("*-phu-luc.xlsx")
    sheet = load_workbook(path).active
    assert attached(sheet) == (
        "(Kèm theo Quyết định số 215/QĐ-UBND ngày 07 tháng 02 năm 2025 của UBND tỉnh Thái Nguyên)"
    )


def test_a_request_during_generation_waits_instead_of_doing_it_twice(
    client: Client, two_years: Any, admin_user: Any
) -> None:
    Job.objects.create(
        kind="publication.generate",
        dedupe_key="publication.generate:2024",
        state=JobState.RUNNING,
        params={"year": 2024},
    )
    for url in ("/2024/tai-ve/phu-luc.pdf", "/2024/bao-cao.pdf"):
        response = client.get(url)
        assert response.status_code == 503 and response["Retry-After"] == "15", url
        assert "đang được tạo" in response.content.decode()
    assert not (cache_dir() / "2024").exists()
    assert not (report_cache_dir() / "2024").exists()
    Job.objects.update(state=JobState.DONE)
    assert client.get("/2024/tai-ve/phu-luc.pdf").status_code == 200


def test_the_job_refuses_a_year_without_results(admin_user: Any, db: None) -> None:
    from django.core.exceptions import ValidationError

    from chiso.web.jobs.services import job_start

    with pytest.raises(ValidationError):
        job_start(kind="publication.generate", params={"year": 2030}, by=admin_user)


def test_the_job_makes_every_units_report_when_asked(
    admin_user: Any, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from chiso.web.jobs.services import job_start
    from chiso.web.public.report_files import unit_report_file
    from tests.web.publishing.helpers import example_rows, example_units

    # A small province: two districts, so that the test makes few files.
    units = example_units("huyen")[:2]
    codes = {u.code for u in units}
    rows = [r for r in example_rows(2024, "huyen") if r.unit in codes]
    publish_example(2024, "huyen", by=chair, units=units, rows=rows)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind="publication.generate", params={"year": 2024, "units": True}, by=admin_user
        )
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    assert job.result["unit_reports"] == 4
    assert job.progress_total == 1 + len(FILES) + 2 + 4
    for unit in sorted(codes):
        for fmt in ("pdf", "docx"):
            found = unit_report_file(2024, "huyen", unit, fmt, generate=False)
            assert found is not None and found.path.stat().st_size > 10_000, (unit, fmt)
