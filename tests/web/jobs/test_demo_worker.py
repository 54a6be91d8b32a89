"""`chiso web demo` end to end: the real server and its real worker process run a job.

The demo is started as a subprocess on a free port with its own temporary SQLite folder; the
reform office logs in over HTTP, starts the check of the published 2024 results, and the job
page reaches "done" only if the worker (a `qcluster` child of the demo) picked the job up from
the database queue. Then SIGTERM stops the demo, and its worker must be gone with it.

Not a `db` test: the demo runs on its own SQLite file, never on the test database.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PASSWORD = "chiso-demo-2024"
# the demo seeds three years first; on a busy two-core machine that took over 120 s
START_TIMEOUT = 300
JOB_TIMEOUT = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Browser:
    """Just enough of a browser: cookies, the CSRF token, forms posted as urlencoded."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def post(self, path: str, data: dict[str, str]) -> tuple[str, str]:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        with self.opener.open(self.base + path, body, timeout=30) as response:
            return response.geturl(), response.read().decode()


def wait_until_serving(base: str, demo: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if demo.poll() is not None:
            pytest.fail(f"the demo exited early:\n{log.read_text()}")
        try:
            urllib.request.urlopen(base + "/tai-khoan/dang-nhap/", timeout=2).close()
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"the demo did not answer in {START_TIMEOUT} s:\n{log.read_text()}")


def alive(pid: int) -> bool:
    """A process that exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"


def group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CHISO_", "DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    log = tmp_path / "demo.log"
    command = [sys.executable, "-m", "chiso", "web", "demo", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--data-dir", str(tmp_path / "demo")],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=tmp_path,
        )
    try:
        yield f"http://127.0.0.1:{port}", process, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        for pid in worker_pids(log):
            for member in group_members(pid):
                os.kill(member, signal.SIGKILL)


def worker_pids(log: Path) -> list[int]:
    return [int(p) for p in re.findall(r"tác vụ nền đang chạy \(pid (\d+)\)", log.read_text())]


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to check the worker is gone")
def test_the_demo_worker_runs_a_job_and_stops_with_the_server(demo: Any) -> None:
    base, process, log = demo
    wait_until_serving(base, process, log)
    (worker,) = worker_pids(log)
    assert alive(worker)

    browser = Browser(base)
    browser.get("/tai-khoan/dang-nhap/")
    url, _ = browser.post("/tai-khoan/dang-nhap/", {"username": "quantri", "password": PASSWORD})
    assert "/dang-nhap/" not in url, "login failed"
    job_url, html = browser.post("/quan-ly/tac-vu/kiem-tra-ket-qua/", {"year": "2024"})
    assert re.search(r"/quan-ly/tac-vu/\d+/$", job_url), job_url

    deadline = time.monotonic() + JOB_TIMEOUT
    while "Trạng thái: Hoàn thành" not in html and time.monotonic() < deadline:
        assert "Trạng thái: Lỗi" not in html, html
        time.sleep(0.5)
        _, html = browser.get(urllib.parse.urlsplit(job_url).path)
    assert "Trạng thái: Hoàn thành" in html, log.read_text()
    assert "tính lại đều khớp đúng với kết quả đã công bố" in html

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert "Đã dừng tiến trình xử lý tác vụ nền." in log.read_text()
    assert not alive(worker)
    assert group_members(worker) == []  # nor any process the worker forked
