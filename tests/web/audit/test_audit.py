"""The audit log: recording, append-only rows, the filtered reader, the staff page and CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chiso.web.accounts.models import Role
from chiso.web.audit.models import AuditEvent
from chiso.web.audit.selectors import audit_events
from chiso.web.audit.services import audit_record
from chiso.web.evaluations.models import Period
from tests.web.factories import RoleAssignmentFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.db

URL = "/quan-ly/nhat-ky/"


def _admin() -> object:
    return RoleAssignmentFactory(role=Role.ADMIN).user


def test_record_keeps_strings_and_encodes_the_rest_as_json() -> None:
    user, unit = UserFactory(), UnitFactory()

    event = audit_record(
        actor=user,
        action="score.appraise",
        unit=unit,
        target="1.2",
        old="3",
        new={"b": 2, "a": "đạt"},
        reason="thiếu tài liệu",
    )

    event.refresh_from_db()
    assert (event.actor, event.unit, event.old) == (user, unit, "3")
    assert event.new == '{"a": "đạt", "b": 2}'
    assert event.reason == "thiếu tài liệu"


def test_the_shell_operator_is_recorded_as_no_actor() -> None:
    assert audit_record(actor=None, action="unit.create").actor is None


def test_rows_refuse_update_and_delete() -> None:
    event = audit_record(actor=UserFactory(), action="period.open", new="self_assessment")

    event.new = "published"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    event.refresh_from_db()
    assert event.new == "self_assessment"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_on_postgres_even_bulk_update_and_delete_are_refused() -> None:
    audit_record(actor=None, action="unit.create", new="x")
    for statement in (
        lambda: AuditEvent.objects.update(new="y"),
        lambda: AuditEvent.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            statement()
    assert AuditEvent.objects.get().new == "x"


def test_events_filter_by_every_field() -> None:
    alice, bob = UserFactory(), UserFactory()
    unit, other = UnitFactory(), UnitFactory()
    period = Period.objects.create(year=2025, title="Kỳ đánh giá 2025")
    first = audit_record(actor=alice, action="score.appraise", period=period, unit=unit)
    second = audit_record(actor=bob, action="assessment.submit", unit=other)
    now = timezone.now()

    assert list(audit_events()) == [second, first]
    assert list(audit_events(period=period)) == [first]
    assert list(audit_events(unit=other)) == [second]
    assert list(audit_events(actor=alice)) == [first]
    assert list(audit_events(action="assessment.submit")) == [second]
    assert list(
        audit_events(since=now - timedelta(minutes=1), until=now + timedelta(minutes=1))
    ) == [
        second,
        first,
    ]
    assert list(audit_events(since=now + timedelta(minutes=1))) == []


# --- The staff page -----------------------------------------------------------------------------


def test_the_url_is_the_documented_one() -> None:
    assert reverse("audit:list") == URL


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_officer_is_refused_with_a_vietnamese_page(client: Client) -> None:
    client.force_login(RoleAssignmentFactory(officer=True).user)

    response = client.get(URL)

    assert response.status_code == 403
    assert "Bạn không có quyền xem nhật ký thay đổi" in response.content.decode()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.CHAIR])
def test_admin_and_chair_see_the_log(client: Client, role: Role) -> None:
    unit = UnitFactory(code="SO-NV")
    audit_record(actor=None, action="unit.create", unit=unit, target="SO-NV", new={"name": "x"})
    client.force_login(RoleAssignmentFactory(role=role).user)

    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nhật ký thay đổi" in page and "unit.create" in page and "SO-NV" in page


def test_the_page_filters_by_get_parameters(client: Client) -> None:
    unit, other = UnitFactory(code="A1"), UnitFactory(code="B2")
    audit_record(actor=None, action="unit.create", unit=unit, target="target-a1")
    audit_record(actor=None, action="unit.update", unit=other, target="target-b2")
    client.force_login(_admin())

    page = client.get(URL, {"unit": "B2"}).content.decode()
    assert "target-b2" in page and "target-a1" not in page
    page = client.get(URL, {"action": "unit.create"}).content.decode()
    assert "target-a1" in page and "target-b2" not in page
    page = client.get(URL, {"unit": "KHONG-CO"}).content.decode()
    assert "target-a1" not in page and "target-b2" not in page


def test_the_page_is_paginated(client: Client) -> None:
    for n in range(55):
        audit_record(actor=None, action="unit.create", target=f"t{n:02d}")
    client.force_login(_admin())

    first = client.get(URL).content.decode()
    second = client.get(URL, {"page": 2}).content.decode()

    assert "t54" in first and "t04" not in first
    assert "t04" in second and "Trang 2 / 2" in second


def test_the_csv_export_has_every_filtered_event_and_defuses_formulas(client: Client) -> None:
    user = UserFactory(username="tham.dinh.1")
    audit_record(
        actor=user, action="score.appraise", target="1.1", old="-2", new="=1+1", reason="lý do"
    )
    audit_record(actor=None, action="unit.create", target="other")
    client.force_login(_admin())

    response = client.get(URL, {"action": "score.appraise", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1
    row = rows[0]
    assert (row["actor"], row["action"], row["target"]) == ("tham.dinh.1", "score.appraise", "1.1")
    assert (row["old"], row["new"], row["reason"]) == ("-2", "'=1+1", "lý do")
