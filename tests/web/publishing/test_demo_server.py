"""`chiso web demo`: the environment it sets, and what it prints (the server is not started)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from chiso.cli import main
from chiso.web.publishing import demo_server

ENV = (
    "DATABASE_URL",
    "CHISO_DATA_DIR",
    "CHISO_SECRET_KEY",
    "CHISO_DEBUG",
    "CHISO_SECURE_COOKIES",
    "CHISO_ALLOWED_HOSTS",
    "DJANGO_SETTINGS_MODULE",
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Restored after the test: the test process's own Django settings are already loaded.
    for name in ENV:
        monkeypatch.setenv(name, "placeholder")
        monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", "postgres://real@db/chiso")


def test_the_demo_never_uses_the_shells_database(clean_env: None, tmp_path: Path) -> None:
    demo_server.configure(tmp_path / "demo", "0.0.0.0")
    assert "DATABASE_URL" not in os.environ
    assert os.environ["CHISO_DATA_DIR"] == str((tmp_path / "demo").resolve())
    assert os.environ["CHISO_DEBUG"] == "false"
    assert os.environ["CHISO_SECURE_COOKIES"] == "false"
    assert "0.0.0.0" in os.environ["CHISO_ALLOWED_HOSTS"].split(",")
    key = os.environ["CHISO_SECRET_KEY"]
    assert len(key) > 40
    assert (tmp_path / "demo" / "secret-key").read_text() == key


def test_web_demo_prints_the_address_and_the_logins(
    clean_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(demo_server, "prepare", lambda say: calls.append("prepare"))
    monkeypatch.setattr(demo_server, "serve", lambda host, port: calls.append((host, port)))
    result = CliRunner().invoke(
        main, ["web", "demo", "--port", "8123", "--data-dir", str(tmp_path / "d")]
    )
    assert result.exit_code == 0, result.output
    assert calls == ["prepare", ("127.0.0.1", 8123)]
    assert "http://127.0.0.1:8123/" in result.output
    assert "chiso-demo-2024" in result.output
    for username in ("quantri", "canbo.sct", "thamdinh", "chutich", "lanhdao", "khaosat"):
        assert username in result.output
