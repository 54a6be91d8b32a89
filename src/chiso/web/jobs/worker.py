"""The queue worker as a child process, for servers that run one themselves (`chiso web demo`).

`worker_process()` starts ``django-admin qcluster`` with this process's environment (so the
same settings and database), in its own process group, and stops it when the block ends:
SIGTERM first (django-q2 lets running tasks finish), then, after `stop_timeout` seconds,
SIGKILL to the whole group. On Linux the child also gets SIGTERM if this process dies without
cleaning up (PR_SET_PDEATHSIG), so no worker outlives its server.

Why a subprocess and not a thread: django-q2's cluster forks its workers and installs signal
handlers, which only work in a main thread; as a child it is exactly the process production
runs (`qcluster` under systemd or a container), only started for you.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator

__all__ = ["jobs_interrupt_running", "start_worker", "stop_worker", "worker_process"]

PR_SET_PDEATHSIG = 1


def worker_command() -> list[str]:
    return [sys.executable, "-m", "django", "qcluster"]


def start_worker() -> subprocess.Popen[bytes]:
    """Start the worker; it reads the settings from this process's environment."""
    return subprocess.Popen(
        worker_command(),
        env=os.environ.copy(),
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )


def stop_worker(process: subprocess.Popen[bytes], *, timeout: float = 10.0) -> bool:
    """Stop the worker and everything it forked; True if it stopped gracefully in time."""
    if process.poll() is not None:
        return True
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
        graceful = True
    except subprocess.TimeoutExpired:
        graceful = False
    # The group: the cluster's sentinel, workers and helpers, if any is left.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
    return graceful


@contextlib.contextmanager
def worker_process(
    *, say: Callable[[str], None] = print, stop_timeout: float = 10.0
) -> Iterator[subprocess.Popen[bytes]]:
    """Run the worker for the duration of the block (see the module docstring). Jobs left
    "running" by a worker of an earlier run, or by this one if it had to be killed, are
    marked interrupted: this server's worker is the only one on its database."""
    jobs_interrupt_running()
    _release_taken_tasks()
    process = start_worker()
    say(f"Tiến trình xử lý tác vụ nền đang chạy (pid {process.pid}).")
    try:
        yield process
    finally:
        graceful = stop_worker(process, timeout=stop_timeout)
        if not graceful:
            jobs_interrupt_running()
        say("Đã dừng tiến trình xử lý tác vụ nền.")


def jobs_interrupt_running() -> int:
    """Mark every running job failed as interrupted; how many. Only for a server that owns the
    database's one worker, and only while that worker is stopped."""
    from chiso.web.jobs.models import Job, JobState
    from chiso.web.jobs.services import interrupted_message, job_settle

    ids = list(Job.objects.filter(state=JobState.RUNNING).values_list("pk", flat=True))
    for job_id in ids:
        job_settle(job_id, JobState.FAILED, error=interrupted_message())
    return len(ids)


def _release_taken_tasks() -> None:
    """Tasks an earlier worker took from the database queue but never answered are handed out
    again now, not after the queue's `retry` delay (the Redis queue has no such lock)."""
    from django.conf import settings
    from django.utils import timezone
    from django_q.models import OrmQ

    if settings.Q_CLUSTER.get("orm"):
        OrmQ.objects.filter(lock__gt=timezone.now()).update(lock=timezone.now())


def _die_with_parent() -> None:  # pragma: no cover (runs in the child, between fork and exec)
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
