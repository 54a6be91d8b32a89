"""The demo's service quality: a synthetic province published for 2025, its rates in the live
PAR year (with the demo officer's contradicted claim), seeded once; real records are spared."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from chiso.io.dossier_store import open_store
from chiso.io.method_files import resolve_method
from chiso.web.accounts.models import Role
from chiso.web.audit.models import AuditEvent
from chiso.web.evaluations.models import Period, Score
from chiso.web.evaluations.services import period_create, period_set_method, period_transition
from chiso.web.services.demo_seed import DEMO, seed_service_demo
from chiso.web.services.models import MeasuredLeaf, ServiceSnapshot
from chiso.web.services.store import store_root
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


def test_the_demo_publishes_a_synthetic_year_and_fills_the_live_one(
    people: dict[str, Any], client: Client
) -> None:
    lines: list[str] = []
    started = time.perf_counter()
    seed_service_demo(**people, say=lines.append)
    assert time.perf_counter() - started < 30  # a few thousand dossiers: quick
    snapshot = ServiceSnapshot.objects.get()
    assert snapshot.published_at is not None and snapshot.synthetic and snapshot.spec == "2025"
    levels = {r["level"] for r in snapshot.ranking}
    assert levels == {"province", "department", "commune"}
    assert open_store(store_root()).rows("dossiers") == DEMO.dossiers  # type: ignore[union-attr]
    page = client.get("/chat-luong/2025/").content.decode()
    assert "Sở Công Thương" in page and "Dữ liệu tổng hợp (giả lập)" in page

    claim = Score.objects.get(assessment__unit__code="TN.SCT", criterion="3.3.2")
    measured = MeasuredLeaf.objects.get(unit__code="TN.SCT", criterion="3.3.2")
    assert claim.self_value == "100" and measured.value and measured.value != "100.00"
    assert claim.appraised_value == measured.value
    assert any("công bố kết quả" in line for line in lines)

    events = AuditEvent.objects.count()
    seed_service_demo(**people, say=lines.append)
    assert "đã công bố, giữ nguyên" in lines[-1]
    assert (ServiceSnapshot.objects.count(), AuditEvent.objects.count()) == (1, events)
    assert Period.objects.get().state == "self_assessment"


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
