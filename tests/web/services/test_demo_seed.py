"""The demo's service quality: a synthetic province spanning 2024 and 2025, both published, the
2025 rates in the live PAR year (with the demo officer's contradicted claim), seeded once; a
2025-only store of an older demo gains 2024; real records are spared."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from chiso.io.calendar_files import load_calendar
from chiso.io.dossier_store import open_store
from chiso.io.method_files import resolve_method
from chiso.io.synthetic_store import write_synthetic
from chiso.web.accounts.models import Role
from chiso.web.audit.models import AuditEvent
from chiso.web.evaluations.models import Period, Score
from chiso.web.evaluations.services import period_create, period_set_method, period_transition
from chiso.web.services.compute import compute
from chiso.web.services.demo_seed import DEMO, seed_service_demo
from chiso.web.services.models import MeasuredLeaf, ServiceSnapshot
from chiso.web.services.services import snapshot_create, snapshot_publish
from chiso.web.services.store import store_root
from chiso.web.services.synthetic import demo_data
from tests.web.evaluations.helpers import example_units
from tests.web.factories import RoleAssignmentFactory
from tests.web.services.helpers import dossier, reference_files, write_csv

pytestmark = pytest.mark.db


@pytest.fixture
def people(admin: Any, chair: Any, data_dir: Path) -> dict[str, Any]:
    """The 2024 departments and a live 2025 period in self-assessment, as the demo has them."""
    units = {u.code: u for u in example_units()}
    period = period_create(year=2025, title="Kỳ đánh giá năm 2025", by=admin)
    method = resolve_method("model-2024-so").read_text(encoding="utf-8")
    period_set_method(period=period, block="so", method_yaml=method, by=admin)
    period_transition(period=period, to="self_assessment", by=admin)
    officer = RoleAssignmentFactory(role=Role.OFFICER, unit=units["TN.SCT"]).user
    return {"admin": admin, "chair": chair, "officer": officer}


def test_the_demo_publishes_two_synthetic_years_and_fills_the_live_one(
    people: dict[str, Any], client: Client
) -> None:
    lines: list[str] = []
    started = time.perf_counter()
    seed_service_demo(**people, say=lines.append)
    assert time.perf_counter() - started < 30  # a few thousand dossiers a year: quick
    first, last = ServiceSnapshot.objects.order_by("published_at")
    assert (first.spec, last.spec) == ("2024", "2025")  # 2025 stays the latest publication
    for snapshot in (first, last):
        assert snapshot.published_at is not None and snapshot.synthetic and snapshot.complete
        levels = {r["level"] for r in snapshot.ranking}
        assert levels == {"province", "department", "commune"}
    store = open_store(store_root())
    assert store is not None and store.rows("dossiers") == 2 * DEMO.dossiers
    assert (store.manifest["generated"]["first_year"], store.manifest["generated"]["year"]) == (
        2024,
        2025,
    )
    # one province, two years: the same units, their own scores
    assert {r["unit"] for r in first.ranking} == {r["unit"] for r in last.ranking}
    assert [r["index"] for r in first.ranking] != [r["index"] for r in last.ranking]
    for year in (2024, 2025):
        page = client.get(f"/chat-luong/{year}/").content.decode()
        assert "Sở Công Thương" in page and "Dữ liệu tổng hợp (giả lập)" in page, year

    claim = Score.objects.get(assessment__unit__code="TN.SCT", criterion="3.3.2")
    measured = MeasuredLeaf.objects.get(unit__code="TN.SCT", criterion="3.3.2")
    assert claim.self_value == "100" and measured.value and measured.value != "100.00"
    assert claim.appraised_value == measured.value
    assert measured.snapshot == last  # the live year's leaves from its own year
    assert sum("công bố kết quả" in line for line in lines) == 2

    events = AuditEvent.objects.count()
    seed_service_demo(**people, say=lines.append)
    assert lines[-2:] == [
        "Chất lượng phục vụ 2024: đã công bố, giữ nguyên.",
        "Chất lượng phục vụ 2025: đã công bố, giữ nguyên.",
    ]
    assert (ServiceSnapshot.objects.count(), AuditEvent.objects.count()) == (2, events)
    assert Period.objects.get().state == "self_assessment"


def test_a_demo_seeded_with_2025_alone_gains_2024(
    people: dict[str, Any], admin: Any, chair: Any
) -> None:
    """A demo seeded before the province spanned two years: its 2025-only store is replaced
    (synthetic by synthetic) and 2024 published; the published 2025 is left as it was."""
    alone = dataclasses.replace(DEMO, first_year=None)
    write_synthetic(demo_data(alone, load_calendar(2025, 2026)), store_root())
    computation = compute(store_root(), "2025", None, lambda done, total, stage: None)
    published = snapshot_publish(
        snapshot=snapshot_create(computation=computation, by=admin), by=chair
    )
    lines: list[str] = []
    seed_service_demo(**people, say=lines.append)
    assert lines[0] == "Chất lượng phục vụ 2025: đã công bố, giữ nguyên."
    assert "tỉnh minh họa 2024–2025" in lines[1]
    store = open_store(store_root())
    assert store is not None and store.rows("dossiers") == 2 * DEMO.dossiers
    new = ServiceSnapshot.objects.get(spec="2024")
    assert new.published_at is not None and new.store_version == store.name
    assert list(ServiceSnapshot.objects.filter(spec="2025")) == [published]
    assert not MeasuredLeaf.objects.exists()  # 2025 was not published now: no new fill


def test_a_store_with_real_records_is_left_alone(
    people: dict[str, Any], office_upload: Any
) -> None:
    office_upload()
    lines: list[str] = []
    seed_service_demo(**people, say=lines.append)
    assert "hồ sơ thật" in lines[-1] and not ServiceSnapshot.objects.exists()


@pytest.fixture
def office_upload(tmp_path: Path) -> Any:
    from chiso.io.dossiers import import_file

    def run() -> None:
        files = reference_files(tmp_path)
        files["dossiers"] = write_csv(tmp_path / "ho-so.csv", [dossier(1)])
        for table, path in files.items():
            import_file(path, table, store_root())

    return run
