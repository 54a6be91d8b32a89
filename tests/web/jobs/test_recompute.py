"""The "snapshot.recompute" job: started from the period page, it recomputes every published
snapshot of a year, reports per block, and leaves a CSV report to download."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chiso.web.jobs.models import Job, JobState
from chiso.web.publishing.models import Snapshot
from tests.web.publishing.helpers import publish_example

pytestmark = pytest.mark.db


@pytest.fixture
def published(chair: Any, data_dir: Any) -> dict[str, Snapshot]:
    """2024 published for both blocks (2023 of the departments too, for the history)."""
    publish_example(2023, "so", by=chair)
    return {block: publish_example(2024, block, by=chair) for block in ("huyen", "so")}


@pytest.fixture
def office(admin_user: Any) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def start(client: Client, year: str, capture: Any) -> Any:
    """Post the form; the job runs when the request's transaction commits; then follow."""
    with capture(execute=True):
        response = client.post(reverse("jobs:recompute_start"), {"year": year})
    assert response.status_code == 302
    return client.get(response["Location"], follow=True)


def test_the_year_is_recomputed_block_by_block_and_matches(
    published: Any, office: Client, django_capture_on_commit_callbacks: Any
) -> None:
    response = start(office, "2024", django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert response.request["PATH_INFO"] == reverse("jobs:detail", args=[job.pk])
    assert job.state == JobState.DONE, job.error
    assert job.target == "period:2024" and job.params == {"year": 2024}
    assert (job.progress_done, job.progress_total) == (2, 2)
    assert job.result["checked"] == job.result["identical"] == 2
    assert job.result["different"] == []
    assert [b["block"] for b in job.result["blocks"]] == ["huyen", "so"]
    html = response.content.decode()
    assert "Cả 2 khối của năm 2024 tính lại đều khớp" in html and "Đã kiểm tra 2 khối." in html
    assert reverse("public:ranking", args=[2024, "so"]) in html
    office.cookies["django_language"] = "en"  # the worker wrote it; an English reader reads it
    english = office.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "2 blocks checked." in english and "Đã kiểm tra" not in english

    download = office.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    assert 'filename="kiem-tra-ket-qua-2024.csv"' in download["Content-Disposition"]
    lines = b"".join(download.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("year,block,block_title,method_hash")
    assert [line.split(",")[1] for line in lines[1:]] == ["huyen", "so"]
    assert all(",True," in line for line in lines[1:])


def test_a_tampered_snapshot_is_reported_as_different(
    published: Any, office: Client, django_capture_on_commit_callbacks: Any
) -> None:
    so = published["so"]
    ranking = [dict(row) for row in so.ranking]
    ranking[0]["index"] = 99.99
    Snapshot.objects.filter(pk=so.pk).update(ranking=ranking)  # past the model's guard

    response = start(office, "2024", django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert job.state == JobState.DONE  # a difference is a finding, not a failure
    assert job.result["different"] == ["so"] and job.result["identical"] == 1
    html = response.content.decode()
    assert "1/2 khối tính lại KHÔNG khớp" in html
    assert "Kết quả tính lại khác kết quả đã công bố." in html


def test_a_year_without_snapshots_is_refused_with_a_message(
    published: Any, office: Client, django_capture_on_commit_callbacks: Any
) -> None:
    for year, message in (("2019", "Năm 2019 chưa có kết quả"), ("abc", "không hợp lệ")):
        response = start(office, year, django_capture_on_commit_callbacks)
        assert message in response.content.decode()
    assert not Job.objects.exists()


def test_starting_twice_joins_the_check_under_way(published: Any, office: Client) -> None:
    # Without the commit callbacks the first job stays queued.
    first = office.post(reverse("jobs:recompute_start"), {"year": "2024"})
    second = office.post(reverse("jobs:recompute_start"), {"year": "02024"})
    assert first["Location"] == second["Location"]
    assert Job.objects.count() == 1


def test_only_the_reform_office_starts_it(published: Any, chair: Any) -> None:
    client = Client()
    client.force_login(chair)
    assert client.post(reverse("jobs:recompute_start"), {"year": "2024"}).status_code == 403
    assert not Job.objects.exists()


def test_the_period_page_offers_the_check_and_shows_the_last_run(
    published: Any, office: Client, django_capture_on_commit_callbacks: Any
) -> None:
    page = office.get(reverse("evaluations:period_admin")).content.decode()
    assert reverse("jobs:recompute_start") in page
    assert '<option value="2024">2024</option>' in page
    start(office, "2024", django_capture_on_commit_callbacks)
    job = Job.objects.get()
    page = office.get(reverse("evaluations:period_admin")).content.decode()
    assert reverse("jobs:detail", args=[job.pk]) in page and "2/2 khối khớp" in page


def test_the_period_page_offers_no_check_before_anything_is_published(office: Client) -> None:
    from chiso.web.evaluations.models import Period

    Period.objects.create(year=2025, title="Chỉ số CCHC năm 2025")
    page = office.get(reverse("evaluations:period_admin")).content.decode()
    assert "Quản lý kỳ đánh giá" in page
    assert reverse("jobs:recompute_start") not in page
