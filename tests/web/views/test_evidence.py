"""Evidence files: uploaded with a criterion, downloaded only by those allowed to see them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.web.evaluations.models import Evidence, Period
from tests.web.evaluations.helpers import score_of
from tests.web.views.helpers import HTMX, PDF, self_row, text

pytestmark = pytest.mark.db

URL = reverse("evaluations:self_assessment", args=["TN.SNV"])


def upload(name: str = "Kế hoạch CCHC 2024.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def evidence(client: Any, period: Period, officer: Any) -> Evidence:
    client.force_login(officer)
    score = score_of(period, "TN.SNV", "1.1.1")
    data = {"leaf": "1.1.1", **self_row(score, "dung_han"), "1.1.1-evidence": upload()}
    response = client.post(URL, data, **HTMX)
    assert response.status_code == 200
    assert "Kế hoạch CCHC 2024.pdf" in text(response)
    return Evidence.objects.get(score=score)


def test_an_upload_is_listed_with_a_download_link(client: Any, evidence: Evidence) -> None:
    page = text(client.get(URL))
    assert reverse("evaluations:evidence", args=[evidence.pk]) in page
    assert evidence.original_name == "Kế hoạch CCHC 2024.pdf"


def test_the_officer_downloads_the_file_as_an_attachment(client: Any, evidence: Evidence) -> None:
    response = client.get(reverse("evaluations:evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "K%E1%BA%BF%20ho%E1%BA%A1ch%20CCHC%202024.pdf" in disposition


def test_an_appraiser_may_download_it(client: Any, evidence: Evidence, appraiser: Any) -> None:
    client.force_login(appraiser)
    assert client.get(reverse("evaluations:evidence", args=[evidence.pk])).status_code == 200


def test_another_units_officer_may_not(client: Any, evidence: Evidence, other_officer: Any) -> None:
    client.force_login(other_officer)
    assert client.get(reverse("evaluations:evidence", args=[evidence.pk])).status_code == 403


def test_a_refused_file_is_reported_on_its_row(client: Any, period: Period, officer: Any) -> None:
    client.force_login(officer)
    score = score_of(period, "TN.SNV", "1.1.1")
    bad = upload("trang.html", b"<html><script>alert(1)</script></html>")
    data = {"action": "save", **self_row(score, "dung_han"), "1.1.1-evidence": bad}
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "không phải là PDF" in text(response)
    assert not Evidence.objects.exists()
