"""Computing a period in the background (with progress), the draft seen by staff only, then
published for everyone; a period not yet over; a store that cannot be computed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from chiso.web.jobs.models import Job, JobState
from chiso.web.services.models import ServiceSnapshot
from chiso.web.services.store import store_root
from tests.web.services.helpers import synthetic_store

pytestmark = pytest.mark.db

COMPUTE = "/quan-ly/chat-luong/tinh/"


@pytest.fixture
def office(admin: Any, data_dir: Path) -> Client:
    synthetic_store(store_root())
    client = Client()
    client.force_login(admin)
    return client


def compute(client: Client, capture: Any, **form: str) -> tuple[Job, Any]:
    with capture(execute=True):
        response = client.post(COMPUTE, {"spec": "2025", "as_of": "", **form})
    assert response.status_code == 302
    page = client.get(response["Location"])
    return Job.objects.get(), page


def test_compute_then_publish(
    office: Client, chair: Any, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    job, page = compute(office, django_capture_on_commit_callbacks)
    assert job.kind == "service.compute" and job.state == JobState.DONE, job.error
    # months, quarters, the year, procedures, overdue dossiers, saving
    assert job.progress_done == job.progress_total == 6
    assert job.message == f"Đã lưu kết quả #{job.result['snapshot']}."
    snapshot = ServiceSnapshot.objects.get(pk=job.result["snapshot"])
    assert job.result["units"] == len(snapshot.ranking) and job.result["synthetic"] is True
    staff_url = f"/quan-ly/chat-luong/ket-qua/{snapshot.pk}/"
    assert staff_url in page.content.decode()

    draft = office.get(staff_url).content.decode()
    assert "Bản nháp, chưa công bố" in draft and "Dữ liệu tổng hợp (giả lập)" in draft
    assert client.get("/chat-luong/2025/").status_code == 404
    assert office.get(f"/quan-ly/chat-luong/ket-qua/{snapshot.pk}.json").json()["spec"] == "2025"

    chair_client = Client()
    chair_client.force_login(chair)
    chair_client.post(f"/quan-ly/chat-luong/ket-qua/{snapshot.pk}/cong-bo/")
    assert client.get("/chat-luong/2025/").status_code == 200
    assert "Bản nháp" not in office.get(staff_url).content.decode()


def test_a_period_not_yet_over(office: Client, django_capture_on_commit_callbacks: Any) -> None:
    job, _ = compute(office, django_capture_on_commit_callbacks, as_of="2025-06-30")
    assert job.state == JobState.DONE, job.error
    snapshot = ServiceSnapshot.objects.get()
    assert not snapshot.complete and snapshot.as_of.isoformat() == "2025-06-30"
    assert snapshot.periods == [
        "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06",
        "2025-Q1", "2025-Q2", "2025",
    ]  # fmt: skip
    html = office.get(f"/quan-ly/chat-luong/ket-qua/{snapshot.pk}/").content.decode()
    assert "Kỳ chưa kết thúc: số liệu tính đến hết ngày 30/06/2025" in html


def test_a_bad_period_is_refused_before_any_job(office: Client) -> None:
    response = office.post(COMPUTE, {"spec": "2025-13", "as_of": ""}, follow=True)
    assert "Kỳ “2025-13” không hợp lệ" in response.content.decode()
    response = office.post(COMPUTE, {"spec": "2025-Q3", "as_of": "2025-06-01"}, follow=True)
    assert "Ngày tính đến phải từ ngày đầu của kỳ trở đi." in response.content.decode()
    assert not Job.objects.exists()


def test_an_empty_store_fails_with_a_message(
    admin: Any, data_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.force_login(admin)
    job, page = compute(client, django_capture_on_commit_callbacks)
    assert job.state == JobState.FAILED
    assert job.error == (
        "Kho dữ liệu hồ sơ chưa có dữ liệu: hãy tải lên các tệp hoặc sinh dữ liệu tổng hợp."
    )
    assert job.error in page.content.decode() and not ServiceSnapshot.objects.exists()
