"""Benchmark background jobs and write their section (`jobs`) of docs/benchmarks.md.

    python -m benchmarks.jobs [--write docs/benchmarks.md] [--quick] [--date YYYY-MM-DD]

`make bench` runs it last (`benchmarks.run` calls `run_section`). The measuring runs in a child
process (`--measure`): Django's settings are fixed per process, and the web section has
already set them up for its own database. The child makes a throwaway demo database (SQLite in
WAL mode, as `chiso web demo`: migrated, 2023 and 2024 published) in a temporary folder.

Two measurements, each against a baseline measured in the same run:

1. the cost of progress reporting in a job's loop: a loop over rows with a little arithmetic
   per row, bare (baseline), with the throttled `report()` called on every row (the default,
   at most one write per 0.5 s), and with a reporter that writes on every row;
2. the queue's overhead end to end: the real worker (`django-admin qcluster`, one process as
   the demo runs it) runs the job "snapshot.recompute" for 2024 (two blocks) — wall time from
   `job_start` until the database shows the job done — against calling `snapshot_recompute`
   on the same snapshots in process.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.run import _wrap, machine
from benchmarks.sections import write_marked

START = "<!-- bench:jobs:start -->"
END = "<!-- bench:jobs:end -->"
YEAR = 2024


def _loop(rows: int, report: Any) -> float:
    """Seconds for `rows` rows of a little arithmetic, calling `report` on each if given."""
    total = 0
    began = time.perf_counter()
    for i in range(rows):
        total += (i * 7) % 13
        if report is not None:
            report(i + 1, rows, "dòng")
    return time.perf_counter() - began


def measure_progress(rows: int, every_rows: int) -> dict[str, Any]:
    from chiso.web.jobs.models import Job, JobState
    from chiso.web.jobs.progress import Progress

    job = Job.objects.create(kind="bench", state=JobState.RUNNING)
    bare = min(_loop(rows, None) for _ in range(3))
    throttled = Progress(job.pk)
    throttled_s = _loop(rows, throttled)
    every = Progress(job.pk, min_interval=0)
    every_s = _loop(every_rows, every)
    return {
        "rows": rows,
        "bare_us": bare / rows * 1e6,
        "throttled_us": throttled_s / rows * 1e6,
        "throttled_writes": throttled.writes,
        "every_rows": every_rows,
        "every_us": every_s / every_rows * 1e6,
        "every_writes": every.writes,
    }


def measure_queue(repeats: int) -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from chiso.web.jobs.models import Job, JobState
    from chiso.web.jobs.services import job_start
    from chiso.web.jobs.worker import start_worker, stop_worker
    from chiso.web.publishing.models import Snapshot
    from chiso.web.publishing.services import snapshot_recompute

    snapshots = list(Snapshot.objects.filter(period__year=YEAR).select_related("period"))
    direct = []
    for _ in range(repeats):
        began = time.perf_counter()
        assert all(snapshot_recompute(s) for s in snapshots)
        direct.append(time.perf_counter() - began)
    office = get_user_model().objects.get(username="quantri")
    worker = start_worker()
    try:
        queued = []
        for i in range(repeats + 1):  # the first also waits for the worker to start
            began = time.perf_counter()
            job = job_start(kind="snapshot.recompute", params={"year": YEAR}, by=office)
            while Job.objects.get(pk=job.pk).state in (JobState.QUEUED, JobState.RUNNING):
                time.sleep(0.01)
            assert Job.objects.get(pk=job.pk).state == JobState.DONE
            if i:
                queued.append(time.perf_counter() - began)
    finally:
        stop_worker(worker)
    return {
        "blocks": len(snapshots),
        "repeats": repeats,
        "direct_s": statistics.median(direct),
        "queued_s": statistics.median(queued),
        "queued_max_s": max(queued),
        "poll_s": settings.Q_CLUSTER["poll"],
    }


def measure(quick: bool) -> dict[str, Any]:
    """In the child process: the demo database in a temporary folder, then both measurements."""
    with tempfile.TemporaryDirectory(prefix="chiso-bench-jobs-") as tmp:
        from chiso.web.publishing import demo_server

        demo_server.configure(Path(tmp), "127.0.0.1")
        os.environ.pop("CHISO_JOBS_SYNC", None)
        demo_server.prepare(lambda line: print(line, file=sys.stderr))
        progress = measure_progress(20_000 if quick else 200_000, 500 if quick else 2_000)
        queue = measure_queue(3 if quick else 7)
        from django.db import connections

        connections.close_all()
    return {"progress": progress, "queue": queue}


def render(result: dict[str, Any], command: str, date: str, quick: bool) -> str:
    p, q = result["progress"], result["queue"]
    overhead = q["queued_s"] - q["direct_s"]
    lines = [
        START,
        "## Background jobs",
        "",
        "A throwaway demo database (SQLite, WAL); the worker is django-q2's `qcluster` with one "
        "worker process, as `chiso web demo` runs it.",
        "",
        "Progress reporting inside a job's loop (per row; the baseline is the same loop "
        "without reporting):",
        "",
        "| loop | rows | µs per row | database writes | × baseline |",
        "|---|---:|---:|---:|---:|",
        f"| bare loop (baseline) | {p['rows']:,} | {p['bare_us']:.3f} | 0 | 1.0 |",
        f"| `report()` every row, throttled (default 0.5 s) | {p['rows']:,} | "
        f"{p['throttled_us']:.3f} | {p['throttled_writes']} | "
        f"{p['throttled_us'] / p['bare_us']:.1f} |",
        f"| `report()` every row, a write each time | {p['every_rows']:,} | "
        f"{p['every_us']:.1f} | {p['every_writes']:,} | {p['every_us'] / p['bare_us']:,.0f} |",
        "",
        f"Checking the {q['blocks']} published blocks of {YEAR} (median of {q['repeats']}):",
        "",
        "| run | seconds | × baseline |",
        "|---|---:|---:|",
        f"| `snapshot_recompute` in process (baseline) | {q['direct_s']:.3f} | 1.0 |",
        f"| job through the queue and the worker, start → done | {q['queued_s']:.3f} | "
        f"{q['queued_s'] / q['direct_s']:.1f} |",
        "",
        f"The queue adds {overhead:.2f} s per job (the slowest run took "
        f"{q['queued_max_s']:.2f} s in all): "
        f"mostly the worker's poll of the queue table every {q['poll_s']} s, then the job's "
        "own state writes. Negligible for the minutes-long work jobs are for; a page that "
        "needs an answer in under a second should not be a job. A throttled `report()` "
        f"costs {p['throttled_us'] - p['bare_us']:.2f} µs per call (a tuple and a clock "
        "read), so a function may report on every row of a million-row import; writing on "
        f"every row would cost {p['every_us']:,.0f} µs per row, a database transaction each.",
        "",
        *[f"- {key}: {value}" for key, value in machine().items()],
        f"- Date: {date}",
        f"- Command: `{command}`"
        + (
            " (quick)"
            if quick
            else ""
            if command.startswith("python -m benchmarks.jobs")
            else " (this section alone: `python -m benchmarks.jobs --write docs/benchmarks.md`)"
        ),
        END,
        "",
    ]
    return "\n".join(_wrap(line) for line in lines)


def write_section(path: Path, section: str) -> None:
    """Replace the jobs section of `path`, or append it; other sections are left as they are."""
    write_marked(path, section, START, END)


def run_section(*, write: Path | None, command: str, date: str, quick: bool) -> dict[str, Any]:
    """Measure in a child process, print the section and write it."""
    child = [sys.executable, "-m", "benchmarks.jobs", "--measure", *(["--quick"] if quick else [])]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    out = subprocess.run(child, check=True, capture_output=True, text=True, env=env)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    section = render(result, command, date, quick)
    print(section)
    if write:
        write_section(write, section)
        print(f"written to {write}", file=sys.stderr)
    return result


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m benchmarks.jobs", description=__doc__)
    parser.add_argument("--write", type=Path, help="write the section into this Markdown file")
    parser.add_argument("--quick", action="store_true", help="fewer rows and repeats")
    parser.add_argument("--date", help="date to record (default: today, local time)")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(args_list)
    if args.measure:
        print(json.dumps(measure(args.quick)))
        return 0
    date = args.date or datetime.date.today().isoformat()
    command = " ".join(["python -m benchmarks.jobs", *args_list])
    run_section(write=args.write, command=command, date=date, quick=args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
