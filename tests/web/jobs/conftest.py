"""Fixtures for the job tests: test kinds in the registry, and users of each role.

Jobs run synchronously in tests (``CHISO_JOBS_SYNC``, set by tests/conftest.py) once their
transaction commits: `django_capture_on_commit_callbacks(execute=True)` runs the commit
callbacks of the test transaction.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    from chiso.web.accounts.policy import Action
    from chiso.web.jobs.registry import JOB_KINDS, JobKind

    def add(name: str, func: str, **extra: Any) -> None:
        kind = JobKind(name=name, func=f"tests.web.jobs.kinds.{func}", title=name, **extra)
        monkeypatch.setitem(JOB_KINDS, name, kind)

    add("test.count", "count", check="tests.web.jobs.kinds.positive")
    add("test.crash", "crash")
    add("test.refuse", "refuse")
    add("test.cancel", "cancelled_midway")
    add("test.say", "say")
    add("test.chair", "count", action=Action.PERIOD_APPROVE)


@pytest.fixture
def admin_user(db: None) -> Any:
    from chiso.web.accounts.models import Role
    from tests.web.factories import RoleAssignmentFactory

    return RoleAssignmentFactory(role=Role.ADMIN).user


@pytest.fixture
def chair(db: None) -> Any:
    from tests.web.factories import RoleAssignmentFactory

    return RoleAssignmentFactory(chair=True).user


@pytest.fixture
def officer(db: None) -> Any:
    from tests.web.factories import RoleAssignmentFactory

    return RoleAssignmentFactory(officer=True).user


@pytest.fixture
def data_dir(settings: Any, tmp_path: Any) -> Any:
    settings.DATA_DIR = tmp_path
    return tmp_path
