"""A computation frozen as a snapshot: one part per unit, the ranking, the overdue list; never
changed afterwards; published once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from chiso.web.audit.models import AuditEvent
from chiso.web.services.models import ServiceSnapshot
from chiso.web.services.selectors import overdue_list
from chiso.web.services.services import snapshot_publish

pytestmark = pytest.mark.db


def test_a_snapshot_holds_every_unit_and_period(snapshot: ServiceSnapshot) -> None:
    assert snapshot.spec == "2025" and snapshot.title == "Năm 2025"
    assert snapshot.synthetic and snapshot.complete
    assert snapshot.periods[:2] == ["2025-01", "2025-02"] and snapshot.periods[-1] == "2025"
    assert "2025-Q4" in snapshot.periods
    assert snapshot.inputs_hash.startswith("sha256:")
    levels = [row["level"] for row in snapshot.ranking]
    assert levels[0] == "province" and set(levels) == {"province", "department", "commune"}
    parts = snapshot.units.all()
    assert {p.unit for p in parts} == {row["unit"] for row in snapshot.ranking}
    part = parts.get(unit=snapshot.ranking[0]["unit"])
    assert {p["period"] for p in part.document["periods"]} == set(snapshot.periods)
    assert part.document["procedures"], "the whole period's drill-down by procedure"
    assert AuditEvent.objects.filter(action="service.snapshot_create").count() == 1


def test_ranks_are_within_each_level(snapshot: ServiceSnapshot) -> None:
    for level in ("department", "commune"):
        rows = [r for r in snapshot.ranking if r["level"] == level]
        assert sorted(r["rank"] for r in rows) == list(range(1, len(rows) + 1))
        assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)


def test_the_province_overdue_list_gathers_every_unit(snapshot: ServiceSnapshot) -> None:
    province = snapshot.ranking[0]["unit"]
    whole = overdue_list(snapshot, province)
    assert whole.height == snapshot.units.get(unit=province).document["overdue"]["2025"]
    assert whole.height > 0 and set(whole["period"]) == {"2025"}
    one = next(r["unit"] for r in snapshot.ranking if r["level"] == "commune")
    assert set(overdue_list(snapshot, one)["unit_code"]) <= {one}


def test_a_snapshot_is_never_changed(snapshot: ServiceSnapshot) -> None:
    snapshot.title = "khác"
    with pytest.raises(ValueError, match="immutable"):
        snapshot.save()


def test_publish_once_by_the_chair(snapshot: ServiceSnapshot, chair: Any, admin: Any) -> None:
    published = snapshot_publish(snapshot=snapshot, by=chair)
    assert published.published_at is not None and published.published_by == chair
    with pytest.raises(ValidationError, match="đã được công bố"):
        snapshot_publish(snapshot=snapshot, by=chair)
    assert AuditEvent.objects.filter(action="service.publish").count() == 1
