"""The staff form that generates the synthetic province: one year, or a range of years as
`chiso service generate --first-year` gives, checked before any job starts and labelled
synthetic like a single year."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from chiso.io.dossier_store import connect, open_store
from chiso.web.jobs.models import Job, JobState
from chiso.web.services.store import store_root

pytestmark = pytest.mark.db

GENERATE = "/quan-ly/chat-luong/sinh-du-lieu/"


@pytest.fixture
def office(admin: Any, data_dir: Path) -> Client:
    client = Client()
    client.force_login(admin)
    return client


def test_the_form_offers_a_first_year(office: Client) -> None:
    html = office.get("/quan-ly/chat-luong/").content.decode()
    assert '<label for="id_generate_first_year">Từ năm</label>' in html
    assert '<label for="id_generate_year">Đến năm</label>' in html
    assert "Để trống nếu chỉ sinh một năm." in html and "tối đa 5 năm" in html


def test_a_range_of_years_in_one_synthetic_store(
    office: Client, django_capture_on_commit_callbacks: Any
) -> None:
    form = {"dossiers": 200, "first_year": 2024, "year": 2025, "seed": 3}
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(GENERATE, form)
    job = Job.objects.get()
    assert job.state == JobState.DONE, job.error
    assert job.params == {"dossiers": 200, "first_year": 2024, "year": 2025, "seed": 3}
    page = office.get(response["Location"]).content.decode()
    assert "TỔNG HỢP (giả lập) của 200 hồ sơ mỗi năm, từ năm 2024 đến năm 2025" in page
    store = open_store(store_root())
    assert store is not None and store.manifest["synthetic"] is True
    assert store.manifest["generated"]["first_year"] == 2024
    con = connect(store_root())
    try:
        years = "SELECT year(received_at), count(*) FROM dossiers GROUP BY 1 ORDER BY 1"
        assert con.execute(years).fetchall() == [(2024, 200), (2025, 200)]
    finally:
        con.close()
    assert "Dữ liệu tổng hợp (giả lập)" in office.get("/quan-ly/chat-luong/").content.decode()
    assert "--first-year 2024 --year 2025" in (store_root() / "README.md").read_text("utf-8")


def test_one_year_as_before(office: Client, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(
            GENERATE, {"dossiers": 100, "first_year": "", "year": 2025, "seed": 1}
        )
    job = Job.objects.get()
    assert job.state == JobState.DONE and job.params["first_year"] is None, job.error
    page = office.get(response["Location"]).content.decode()
    assert "TỔNG HỢP (giả lập) của 100 hồ sơ năm 2025" in page


@pytest.mark.parametrize(
    ("first_year", "year", "said"),
    [
        (2026, 2025, "Năm đầu 2026 ở sau năm cuối 2025."),
        (2019, 2025, "Mỗi lần sinh tối đa 5 năm; từ năm 2019 đến năm 2025 là 7 năm."),
        (2023, 2025, "Chưa có lịch ngày làm việc năm 2023: cần lịch của mọi năm sinh dữ liệu"),
        (2025, 2026, "Chưa có lịch ngày làm việc năm 2027"),
    ],
)
def test_a_range_that_cannot_be_generated_is_refused_before_any_job(
    office: Client, first_year: int, year: int, said: str
) -> None:
    form = {"dossiers": 100, "first_year": first_year, "year": year, "seed": 1}
    page = office.post(GENERATE, form, follow=True).content.decode()
    assert said in page
    assert not Job.objects.exists() and open_store(store_root()) is None
