"""The web benchmark runs end to end at a tiny size, so it cannot rot; no timing is asserted.

It runs as `python -m benchmarks.web --tiny` in a subprocess: the benchmark sets Django up on its
own throwaway SQLite file (never this test process's database, hence no `db` marker), starts the
real server in a further subprocess and must stop it before it exits.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from benchmarks.web import END, START, percentile, write_section

REPO = Path(__file__).resolve().parents[2]
PAR = "<!-- bench:par:start -->\n## PAR\n<!-- bench:par:end -->"
LATER = "<!-- bench:sipas:start -->\n## SIPAS\n<!-- bench:sipas:end -->\n"


def test_tiny_run_writes_its_section_after_par_and_stops_the_server(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# Benchmarks\n\n{PAR}\n\n{LATER}", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CHISO_SECRET_KEY"] = "chiso-tests-not-a-secret"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.web", "--tiny", "--write", str(doc)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]

    text = doc.read_text(encoding="utf-8")
    assert text.index("<!-- bench:par:end -->") < text.index(START) < text.index(END)
    assert text.index(END) < text.index("<!-- bench:sipas:start -->")
    section = text[text.index(START) : text.index(END)]
    for url in ("/quan-ly/tu-danh-gia/U001/", "/2024/xa/", "/2024/xa.json", "/static/chiso/"):
        assert url in section
    assert "Quick run" in section
    assert "| 0 |" in section  # no failed request in the load test

    pid = int(re.search(r"server pid (\d+)", done.stderr).group(1))  # type: ignore[union-attr]
    assert not Path(f"/proc/{pid}").exists() or _is_zombie_free(pid)


def _is_zombie_free(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_rewriting_replaces_only_the_web_section(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# Benchmarks\n\n{PAR}\n\n{LATER}", encoding="utf-8")
    write_section(doc, f"{START}\nfirst\n{END}\n")
    write_section(doc, f"{START}\nsecond\n{END}\n")
    text = doc.read_text(encoding="utf-8")
    assert "first" not in text
    assert text.count(START) == 1
    assert text == f"# Benchmarks\n\n{PAR}\n\n{START}\nsecond\n{END}\n\n{LATER}"


def test_percentile_is_nearest_rank() -> None:
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([float(i) for i in range(1, 101)], 95) == 95.0
    assert percentile([7.0], 95) == 7.0
