"""The press summary: generated from the snapshot, edited by the reform office, released to a
public page; every step permission-checked and audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from chiso.web.audit.models import AuditEvent
from chiso.web.evaluations.models import Period, PeriodState
from chiso.web.evaluations.workflow import WorkflowError
from chiso.web.publishing.models import Publication
from chiso.web.publishing.publication import (
    StaleVersionError,
    press_draft_save,
    press_release,
    publication_decision_set,
)
from tests.web.factories import RoleAssignmentFactory
from tests.web.publishing.helpers import publish_example

pytestmark = pytest.mark.db

EDIT = "/quan-ly/cong-bo/2024/"


def test_the_office_edits_then_releases_and_the_public_sees_it(
    client: Client, two_years: Any, admin_user: Any
) -> None:
    assert client.get("/2024/thong-cao/").status_code == 404
    client.force_login(admin_user)
    page = client.get(EDIT).content.decode()
    assert "Kết quả Chỉ số cải cách hành chính năm 2024 của tỉnh Thái Nguyên" in page
    assert "Dẫn đầu khối: Sở Công Thương" in page

    text = "# Thông cáo\n\nSở Công Thương **dẫn đầu**.\n"
    response = client.post(EDIT, {"action": "save", "text": text, "version": "1"})
    assert response.status_code == 302
    assert Publication.objects.get(period__year=2024).press_draft == text
    assert client.get("/2024/thong-cao/").status_code == 404  # a draft is not public

    client.post(EDIT, {"action": "release", "text": text, "version": "2"})
    public = Client()
    html = public.get("/2024/thong-cao/").content.decode()
    assert "Sở Công Thương <strong>dẫn đầu</strong>." in html
    markdown = public.get("/2024/thong-cao.md")
    assert markdown["Content-Type"] == "text/markdown; charset=utf-8"
    assert markdown.content.decode() == text
    assert 'href="/2024/thong-cao/"' in public.get("/2024/so/").content.decode()
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["press.save", "press.release"]


def test_a_stale_form_saves_nothing(two_years: Any, admin_user: Any) -> None:
    period = Period.objects.get(year=2024)
    press_draft_save(period=period, text="một", version=1, by=admin_user)
    with pytest.raises(StaleVersionError):
        press_draft_save(period=period, text="hai", version=1, by=admin_user)
    assert Publication.objects.get(period=period).press_draft == "một\n"


def test_the_stale_form_keeps_what_the_user_typed(
    client: Client, two_years: Any, admin_user: Any
) -> None:
    press_draft_save(period=Period.objects.get(year=2024), text="một", version=1, by=admin_user)
    client.force_login(admin_user)
    response = client.post(EDIT, {"action": "save", "text": "nội dung của tôi", "version": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and "vừa được người khác lưu" in html
    assert "nội dung của tôi" in html


def test_only_the_reform_office_may_edit(client: Client, two_years: Any) -> None:
    officer = RoleAssignmentFactory(officer=True).user
    client.force_login(officer)
    assert client.get(EDIT).status_code == 403
    period = Period.objects.get(year=2024)
    with pytest.raises(PermissionDenied):
        press_release(period=period, text="x", version=1, by=officer)
    with pytest.raises(PermissionDenied):
        publication_decision_set(period=period, number="1", decision_date=None, by=officer)
    assert not Publication.objects.exists()


def test_nothing_to_release_before_publication(chair: Any, admin_user: Any) -> None:
    publish_example(2024, "so", by=chair, state=PeriodState.COUNCIL_REVIEW)
    period = Period.objects.get(year=2024)
    with pytest.raises(WorkflowError):
        press_release(period=period, text="x", version=1, by=admin_user)
    with pytest.raises(WorkflowError):
        publication_decision_set(period=period, number="1", decision_date=None, by=admin_user)


def test_empty_or_oversized_text_is_refused(two_years: Any, admin_user: Any) -> None:
    period = Period.objects.get(year=2024)
    with pytest.raises(WorkflowError) as empty:
        press_release(period=period, text="  \n", version=1, by=admin_user)
    assert "trống" in empty.value.vi
    with pytest.raises(WorkflowError) as long:
        press_draft_save(period=period, text="x" * 20_001, version=1, by=admin_user)
    assert "quá giới hạn" in long.value.vi


def test_the_decision_is_audited_and_shown(client: Client, two_years: Any, admin_user: Any) -> None:
    client.force_login(admin_user)
    response = client.post(
        EDIT,
        {"action": "decision", "decision_number": " 215/QĐ-UBND ", "decision_date": "2025-02-07"},
    )
    assert response.status_code == 302
    record = Publication.objects.get(period__year=2024)
    assert (record.decision_number, record.decision_date) == ("215/QĐ-UBND", date(2025, 2, 7))
    event = AuditEvent.objects.get(action="publication.decision")
    assert '"number": "215/QĐ-UBND"' in event.new and '"number": ""' in event.old
    assert "Quyết định số 215/QĐ-UBND" in client.get(EDIT).content.decode()
    bad = client.post(EDIT, {"action": "decision", "decision_number": "1", "decision_date": "7/2"})
    assert "không hợp lệ" in bad.content.decode()
    assert client.get("/quan-ly/cong-bo/").status_code == 200
