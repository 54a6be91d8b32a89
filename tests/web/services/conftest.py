"""Fixtures for the service-quality tests: users, a data folder, and one small synthetic
province computed once per session (the computation is plain data; each test freezes it as a
snapshot of its own). Django models are imported inside: this file loads before Django."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def admin(db: None) -> Any:
    from chiso.web.accounts.models import Role
    from tests.web.factories import RoleAssignmentFactory

    return RoleAssignmentFactory(role=Role.ADMIN).user


@pytest.fixture
def chair(db: None) -> Any:
    from tests.web.factories import RoleAssignmentFactory

    return RoleAssignmentFactory(chair=True).user


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture(scope="session")
def computation(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Year 2025 of a synthetic province (5 departments, 8 communes, 1,500 dossiers)."""
    from tests.web.services.helpers import synthetic_computation

    return synthetic_computation(tmp_path_factory.mktemp("province") / "dossiers")


@pytest.fixture
def snapshot(computation: Any, admin: Any) -> Any:
    from chiso.web.services.services import snapshot_create

    return snapshot_create(computation=computation, by=admin)


@pytest.fixture
def published(snapshot: Any, chair: Any) -> Any:
    from chiso.web.services.services import snapshot_publish

    return snapshot_publish(snapshot=snapshot, by=chair)
