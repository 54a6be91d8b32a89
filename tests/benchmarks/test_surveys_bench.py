"""The survey benchmark runs end to end at a tiny size (SQLite only), so it cannot rot; no
timing is asserted. Like the web benchmark it works on its own throwaway database, in
subprocesses, hence no `db` marker."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks.surveys import END, START, BackendResult, _check_nothing_lost, write_section

REPO = Path(__file__).resolve().parents[2]


def test_tiny_run_writes_its_section_and_loses_nothing(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\n<!-- bench:web:start -->\nweb\n<!-- bench:web:end -->\n")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.surveys",
            "--tiny",
            "--no-postgres",
            "--write",
            str(doc),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = doc.read_text(encoding="utf-8")
    assert text.index("<!-- bench:web:end -->") < text.index(START) < text.index(END)
    row = next(line for line in text.splitlines() if line.startswith("| SQLite"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[6] == "0" and cells[8] == "**0**"  # no error, nothing lost
    pid = int(re.search(r"server pid (\d+)", done.stderr).group(1))  # type: ignore[union-attr]
    assert (
        not Path(f"/proc/{pid}/status").exists()
        or "zombie" in Path(f"/proc/{pid}/status").read_text()
    )


def test_a_lost_response_fails_the_run() -> None:
    result = BackendResult(
        backend="SQLite",
        accepted=10,
        warmup_accepted=2,
        errors=[],
        elapsed=1.0,
        p50=0.01,
        p95=0.02,
        counted={"responses": 11, "used_tokens": 12, "answers": 11 * 22},
        items=22,
        baseline_count=10,
        baseline_elapsed=0.1,
    )
    with pytest.raises(RuntimeError, match="lost or extra rows"):
        _check_nothing_lost(result)


def test_rewriting_replaces_only_its_section(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"intro\n\n{START}\nold\n{END}\n\nafter\n", encoding="utf-8")
    write_section(doc, f"{START}\nnew\n{END}\n")
    assert doc.read_text(encoding="utf-8") == f"intro\n\n{START}\nnew\n{END}\n\nafter\n"
