"""Queue settings from the environment, the broker check, and the worker's stop escalation."""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

import chiso.web.settings as settings_module
from chiso.web.jobs.apps import check_broker
from chiso.web.jobs.worker import stop_worker


def settings_with(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in ("REDIS_URL", "CHISO_JOB_WORKERS", "CHISO_JOB_TIMEOUT", "CHISO_JOBS_SYNC"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(settings_module.__file__)["Q_CLUSTER"]  # type: ignore[no-any-return]


def test_the_default_queue_is_a_table_of_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    q = settings_with(monkeypatch)
    assert q["orm"] == "default" and "redis" not in q
    assert q["sync"] is False and q["workers"] == 2
    assert q["retry"] > q["timeout"]  # else a long job would be handed to a second worker


def test_redis_url_makes_redis_the_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    q = settings_with(
        monkeypatch, REDIS_URL="redis://cache:6379/2", CHISO_JOB_WORKERS="4", CHISO_JOB_TIMEOUT="60"
    )
    assert q["redis"] == "redis://cache:6379/2" and "orm" not in q
    assert (q["workers"], q["timeout"], q["retry"]) == (4, 60, 660)


def test_tests_run_jobs_synchronously() -> None:
    assert settings.Q_CLUSTER["sync"] is True


def test_redis_without_its_client_is_reported_at_start(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.Q_CLUSTER = {"redis": "redis://cache:6379/0"}
    monkeypatch.setitem(sys.modules, "redis", None)  # as if not installed
    assert [e.id for e in check_broker()] == ["jobs.E001"]
    settings.Q_CLUSTER = {"orm": "default"}
    assert check_broker() == []


def test_a_worker_that_ignores_sigterm_is_killed_with_its_group(tmp_path: Path) -> None:
    code = (
        "import signal, time, sys; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print('ready', flush=True); time.sleep(60)"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, start_new_session=True
    )
    assert process.stdout is not None and process.stdout.readline() == b"ready\n"
    assert stop_worker(process, timeout=0.5) is False
    assert process.poll() is not None
    process.stdout.close()
