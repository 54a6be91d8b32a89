"""Benchmark the web app and write its section (`web`) of docs/benchmarks.md.

    python -m benchmarks.web [--write docs/benchmarks.md] [--quick] [--date YYYY-MM-DD]

`make bench` runs it after the PAR benchmarks (`benchmarks.run` calls `run_section`). A throwaway
SQLite database (WAL, as deployed by default) in a temporary folder, migrated and filled from the
synthetic province of `benchmarks.synthetic` with the web app's own services:

- 2024 (and 2023 before it, for year-over-year): a published snapshot of **150 units in one
  block**, built with `snapshot_build` (rank intervals from 10,000 draws) and stored with
  `snapshot_create`, as the council's approval does;
- 2025: a period open for self-assessment under the **120-leaf** synthetic method; one unit's
  officer has claimed every leaf through `score_self_assess`.

Two measurements, each against a baseline measured in the same run:

1. server-side time per request with Django's test client, in process (median, p95, queries per
   request): the self-assessment page against a bare view that reads the same score rows and
   renders a trivial template with one row per score; the public ranking (HTML, `.json`) and the
   home page against a bare view that returns the same snapshot's stored JSON (`JsonResponse`);
2. a load test of the public pages: the real server (waitress + WhiteNoise, as `chiso web demo`
   runs it, DEBUG off) in a subprocess, driven by a small thread-per-connection HTTP/1.1
   keep-alive load generator for a fixed time; the baseline is a static file served by the same
   server. If `wrk` is installed it adds a row per URL.

Settings come from environment variables set before Django is set up; `DATABASE_URL` from the
shell is ignored, so no real database is ever touched.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.run import _wrap, machine
from benchmarks.synthetic import make_province, survey_standard_errors

START = "<!-- bench:web:start -->"
END = "<!-- bench:web:end -->"
AFTER = "<!-- bench:par:end -->"  # the web section goes right after the PAR section
REPO = Path(__file__).resolve().parents[1]

PROVINCE_SEED = 2024  # the province of benchmarks.run, so the two sections describe one province
PREVIOUS_SEED = 2023
SE_SEED = 7
YEAR, PREVIOUS_YEAR, LIVE_YEAR = 2024, 2023, 2025
BLOCK = "xa"  # every unit in one block: one ranking of all of them
HOST = "127.0.0.1"
SERVER_THREADS = 8  # waitress's threads, as `chiso web demo` serves
STATIC_PATH = "/static/chiso/chiso.css"
OFFICER = "bench.officer"

ROWS_TEMPLATE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{{ unit.name }}</title></head><body>
<h1>{{ unit.name }}</h1>
<form method="post"><table>
{% for s in scores %}<tr><td>{{ s.criterion }}</td>
<td><input name="value-{{ s.criterion }}" value="{{ s.self_value }}"></td>
<td><textarea name="note-{{ s.criterion }}">{{ s.self_note }}</textarea></td>
<td>{{ s.self_points|default_if_none:"" }}</td></tr>
{% endfor %}</table></form></body></html>
"""


@dataclass(frozen=True)
class Settings:
    units: int = 150
    leaves: int = 120
    requests: int = 40  # timed requests per page, in process
    query_samples: int = 3  # requests per page whose queries are counted (not timed)
    concurrency: int = 8
    duration: float = 5.0  # seconds of load per URL
    warmup: float = 1.0  # seconds of load per URL before measuring
    draws: int = 10_000  # rank-interval draws in the published snapshot

    @classmethod
    def quick(cls) -> Settings:
        return cls(requests=10, duration=2.0, warmup=0.5)

    @classmethod
    def tiny(cls) -> Settings:
        """For the test: a few requests, a fraction of a second of load."""
        return cls(
            units=12,
            leaves=20,
            requests=3,
            query_samples=1,
            concurrency=2,
            duration=0.3,
            warmup=0.1,
            draws=200,
        )


# --- Django, configured before it is set up -----------------------------------------------------


def configure(data_dir: Path) -> None:
    """Environment for `chiso.web.settings`: SQLite under `data_dir`, DEBUG off."""
    os.environ.pop("DATABASE_URL", None)  # never a database named by the shell
    os.environ["DJANGO_SETTINGS_MODULE"] = "chiso.web.settings"
    os.environ["CHISO_DATA_DIR"] = str(data_dir.resolve())
    os.environ["CHISO_DEBUG"] = "false"
    os.environ["CHISO_SECURE_COOKIES"] = "false"
    os.environ["CHISO_ALLOWED_HOSTS"] = f"{HOST},localhost,testserver"
    os.environ.setdefault("CHISO_SECRET_KEY", secrets.token_urlsafe(50))


def setup_django(data_dir: Path) -> None:
    """Configure, set Django up, migrate the empty database and collect the static files."""
    configure(data_dir)
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3" or not str(db["NAME"]).startswith(
        str(data_dir.resolve())
    ):
        raise RuntimeError(f"refusing to benchmark against {db['NAME']}: not a throwaway file")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


# --- the data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fixture:
    units: int
    leaves: int
    rows_on_page: int  # score rows of the self-assessment page (leaves, bonus, penalty)
    headings: int  # criterion headings between them
    claims: int  # claims the officer made through the service
    results_size: int  # bytes of one published snapshot's stored results (four frames)
    units_size: int  # bytes of its units frame, what the ranking reads
    unit: str  # the self-assessed unit
    officer: Any  # the unit's officer (a user)
    draws: int


def populate(settings: Settings) -> Fixture:
    """Fill the (migrated, empty) database as described in the module docstring."""
    from django.contrib.auth import get_user_model

    from chiso.engine.inputs import ScoreRow, Unit, prepare_inputs
    from chiso.engine.load import build_method
    from chiso.engine.par import compute_par
    from chiso.io.criteria_yaml import dump_method_yaml
    from chiso.web.accounts.models import Role
    from chiso.web.accounts.services import role_assign
    from chiso.web.evaluations.models import Assessment, Period, PeriodState, Score
    from chiso.web.evaluations.selectors import assessment_tree
    from chiso.web.evaluations.services import (
        period_create,
        period_set_method,
        period_transition,
        score_self_assess,
    )
    from chiso.web.publishing.services import (
        period_mark_published,
        snapshot_build,
        snapshot_create,
        snapshot_published,
    )
    from chiso.web.units.models import Unit as UnitRow
    from chiso.web.units.models import UnitKind

    users = get_user_model().objects
    admin = users.create_user("bench.admin", password=None)
    chair = users.create_user("bench.chair", password=None)
    role_assign(user=admin, role=Role.ADMIN, by=None)
    role_assign(user=chair, role=Role.CHAIR, by=None)

    province = make_province(settings.units, settings.leaves, seed=PROVINCE_SEED)
    method_data = province.method_data
    method_yaml = dump_method_yaml(method_data)
    method = build_method(method_data)
    survey_max = next(
        float(c["points"]) for c in method_data["components"] if c["code"] == "survey"
    )

    # Published years: every unit in BLOCK; the state is set directly, as the demo seeds history.
    previous = None
    for year, seed in ((PREVIOUS_YEAR, PREVIOUS_SEED), (YEAR, PROVINCE_SEED)):
        data = make_province(settings.units, settings.leaves, seed=seed)
        units = [Unit(code, name, BLOCK, kind) for code, name, _block, kind in data.units]
        rows = [ScoreRow(*r) for r in data.rows]
        result = compute_par(method, prepare_inputs(method, units, rows))
        survey = result.components.filter(result.components["component"] == "survey")
        points = dict(zip(survey["unit"], survey["points"], strict=True))
        errors = survey_standard_errors(data.units, points, survey_max, seed=SE_SEED)
        period = period_create(year=year, title=f"Chỉ số CCHC năm {year} (tổng hợp)", by=admin)
        period_set_method(period=period, block=BLOCK, method_yaml=method_yaml, by=admin)
        Period.objects.filter(pk=period.pk).update(state=PeriodState.COUNCIL_REVIEW)
        period.refresh_from_db()
        built = snapshot_build(
            method_yaml=method_yaml,
            units=units,
            rows=rows,
            previous=previous,
            standard_errors=errors,
            intervals_note="Sai số chuẩn tổng hợp (benchmark).",
            draws=settings.draws,
            seed=year,
        )
        snapshot_create(period=period, block=BLOCK, method_yaml=method_yaml, built=built, by=chair)
        period_mark_published(period=period, by=chair, reason="Benchmark: dữ liệu tổng hợp.")
        previous = snapshot_published(year=year, block=BLOCK)
        sizes = (len(json.dumps(built["results"])), len(json.dumps(built["results"]["units"])))

    # The live year: every unit has an assessment; one officer claims every leaf of one unit.
    UnitRow.objects.bulk_create(
        UnitRow(
            code=code,
            name=name,
            kind=UnitKind.COMMUNE,
            block=BLOCK,
            tags=kind,  # "no_procedures": exempt from criterion 3.1, as in the synthetic method
        )
        for code, name, _block, kind in province.units
    )
    period = period_create(year=LIVE_YEAR, title=f"Kỳ đánh giá năm {LIVE_YEAR}", by=admin)
    period_set_method(period=period, block=BLOCK, method_yaml=method_yaml, by=admin)
    period = period_transition(period=period, to=PeriodState.SELF_ASSESSMENT, by=admin)

    code = province.units[0][0]
    officer = users.create_user(OFFICER, password=None)
    role_assign(user=officer, role=Role.OFFICER, unit=UnitRow.objects.get(code=code), by=None)
    assessment = Assessment.objects.get(period=period, unit__code=code)
    tree = [row for group in assessment_tree(assessment) for row in group.rows]
    claimable = {r.node.code for r in tree if r.score is not None and r.applies and r.self_assessed}
    values = {criterion: value for unit, criterion, value in province.rows if unit == code}
    claims = 0
    for score in Score.objects.filter(assessment=assessment, criterion__in=claimable):
        value = values.get(score.criterion)
        if value is None:
            continue
        score_self_assess(score=score, value=value, note="", version=score.version, by=officer)
        claims += 1
    return Fixture(
        units=settings.units,
        leaves=len(method.leaves),
        rows_on_page=sum(1 for r in tree if r.score is not None),
        headings=sum(1 for r in tree if r.score is None),
        claims=claims,
        results_size=sizes[0],
        units_size=sizes[1],
        unit=code,
        officer=officer,
        draws=settings.draws,
    )


# --- the baselines: bare views behind the same middleware ---------------------------------------


def bare_json(request: Any, year: str, block: str) -> Any:
    """The ranking's stored JSON as it is: the snapshot's units frame and extras, read with the
    public pages' own selector (one query), serialised by `JsonResponse`. No document is built,
    nothing is formatted."""
    from django.http import Http404, JsonResponse

    from chiso.web.publishing.selectors import snapshot_of

    snapshot = snapshot_of(int(year), block)
    if snapshot is None:
        raise Http404
    return JsonResponse(
        {"units": snapshot.ranking, "extras": snapshot.extras},
        json_dumps_params={"ensure_ascii": False},
    )


def bare_rows(request: Any, unit_code: str) -> Any:
    """The same signed-in officer's score rows in a trivial template: one table row per score
    (code, an input with the claim, a textarea with the note, the points). Same login check;
    no method, no tree, no forms, no permissions beyond the login, no progress."""
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.shortcuts import get_object_or_404
    from django.template import engines

    from chiso.web.evaluations.models import Assessment, Score

    @login_required
    def view(request: Any) -> HttpResponse:
        assessment = get_object_or_404(
            Assessment.objects.select_related("unit"),
            period__year=LIVE_YEAR,
            unit__code=unit_code,
        )
        scores = Score.objects.filter(assessment=assessment).order_by("id")
        template = _rows_template(engines["django"])
        context = {"unit": assessment.unit, "scores": scores}
        return HttpResponse(template.render(context, request))

    return view(request)


_TEMPLATES: dict[int, Any] = {}


def _rows_template(engine: Any) -> Any:
    """Compiled once, as Django's cached loader keeps the real page's templates."""
    key = id(engine)
    if key not in _TEMPLATES:
        _TEMPLATES[key] = engine.from_string(ROWS_TEMPLATE)
    return _TEMPLATES[key]


def bench_urlconf() -> types.ModuleType:
    """The app's URLs plus the two baseline views (a module object: Django accepts one as
    ROOT_URLCONF)."""
    from django.urls import path

    from chiso.web import urls

    module = types.ModuleType("benchmarks_web_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/json/<str:year>/<str:block>/", bare_json),
        path("bench/rows/<str:unit_code>/", bare_rows),
        *urls.urlpatterns,
    ]
    return module


# --- 1. server-side timings ---------------------------------------------------------------------


@dataclass(frozen=True)
class PageTiming:
    label: str
    url: str
    median: float
    p95: float
    queries: tuple[int, ...]  # per counted request
    sql: float  # median time spent executing SQL in the counted requests
    size: int  # response bytes
    runs: int


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


class SqlTimer:
    """A database execute wrapper adding up the time spent executing SQL."""

    def __init__(self) -> None:
        self.total = 0.0

    def __call__(self, execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.total += time.perf_counter() - start


def time_page(client: Any, label: str, url: str, settings: Settings) -> PageTiming:
    """Two untimed warm-up requests, `settings.requests` timed ones, then `query_samples`
    requests with their queries counted (counting slows a request, so it is not timed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get() -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        return response

    for _ in range(2):
        get()
    runs = []
    for _ in range(settings.requests):
        start = time.perf_counter()
        response = get()
        runs.append(time.perf_counter() - start)
    queries, sql = [], []
    for _ in range(settings.query_samples):
        timer = SqlTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            get()
        queries.append(len(captured))
        sql.append(timer.total)
    return PageTiming(
        label,
        url,
        statistics.median(runs),
        percentile(runs, 95),
        tuple(queries),
        statistics.median(sql),
        len(response.content),
        len(runs),
    )


@dataclass(frozen=True)
class ServerSide:
    self_page: PageTiming
    rows_baseline: PageTiming
    ranking: PageTiming
    ranking_json: PageTiming
    home: PageTiming
    json_baseline: PageTiming


def bench_server_side(fixture: Fixture, settings: Settings) -> ServerSide:
    from django.test import Client, override_settings

    officer = Client()
    officer.force_login(fixture.officer)
    public = Client()
    with override_settings(ROOT_URLCONF=bench_urlconf()):
        # Interleaved page / baseline so that drift in the machine touches both alike.
        return ServerSide(
            self_page=time_page(
                officer, "self-assessment", f"/quan-ly/tu-danh-gia/{fixture.unit}/", settings
            ),
            rows_baseline=time_page(
                officer, "baseline: rows", f"/bench/rows/{fixture.unit}/", settings
            ),
            ranking=time_page(public, "ranking", f"/{YEAR}/{BLOCK}/", settings),
            ranking_json=time_page(public, "ranking .json", f"/{YEAR}/{BLOCK}.json", settings),
            home=time_page(public, "home", "/", settings),
            json_baseline=time_page(
                public, "baseline: JSON", f"/bench/json/{YEAR}/{BLOCK}/", settings
            ),
        )


# --- 2. the load test ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """The app served by waitress in a subprocess (`python -m benchmarks.web serve …`)."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the server process so far (Linux only)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def running_server(data_dir: Path, threads: int = SERVER_THREADS) -> Iterator[Server]:
    """Start the server against `data_dir`'s database, wait until it answers, and stop it on
    the way out whatever happens."""
    port = free_port()
    log = data_dir / "server.log"
    command = [sys.executable, "-m", "benchmarks.web", "serve", str(data_dir), str(port)]
    command.append(str(threads))
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=REPO, env=dict(os.environ), stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(process, port, log)
    print(f"web: server pid {process.pid} on port {port}", file=sys.stderr)
    try:
        _wait_ready(server)
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_ready(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited: {server.log.read_text(errors='replace')}")
        try:
            conn = http.client.HTTPConnection(HOST, server.port, timeout=2)
            conn.request("GET", STATIC_PATH)
            if conn.getresponse().status == 200:
                conn.close()
                return
            conn.close()
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer in {timeout:.0f} s")


def serve_main(argv: list[str]) -> int:
    """The subprocess: `python -m benchmarks.web serve DATA_DIR PORT [THREADS]`."""
    data_dir, port = Path(argv[0]), int(argv[1])
    threads = int(argv[2]) if len(argv) > 2 else SERVER_THREADS
    configure(data_dir)
    import django

    django.setup()
    from chiso.web.publishing import demo_server

    # Stop cleanly on SIGTERM (waitress would otherwise die with a traceback).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    demo_server.serve(HOST, port, threads=threads)
    return 0


@dataclass(frozen=True)
class LoadResult:
    label: str
    path: str
    tool: str  # "python" or "wrk"
    requests: int
    errors: int  # non-200 answers and failed connections
    elapsed: float
    p50: float
    p95: float | None
    p99: float | None
    size: int  # bytes of one answer
    server_cpu: float | None  # server CPU seconds per wall second
    client_cpu: float | None  # load generator CPU seconds per wall second

    @property
    def rate(self) -> float:
        return self.requests / self.elapsed


@dataclass
class _Worker:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    size: int = 0


def drive(port: int, path: str, concurrency: int, duration: float) -> tuple[list[_Worker], float]:
    """`concurrency` threads, each with one keep-alive HTTP/1.1 connection, send GET `path`
    back to back for `duration` seconds; the elapsed time runs until the last answer."""
    workers = [_Worker() for _ in range(concurrency)]
    barrier = threading.Barrier(concurrency + 1)
    deadline = [0.0]

    def work(worker: _Worker) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        barrier.wait()
        while (start := time.perf_counter()) < deadline[0]:
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                worker.errors += 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                continue
            worker.latencies.append(time.perf_counter() - start)
            if response.status != 200:
                worker.errors += 1
            worker.size = len(body)
        conn.close()

    threads = [threading.Thread(target=work, args=(w,), daemon=True) for w in workers]
    for thread in threads:
        thread.start()
    start = time.perf_counter()
    deadline[0] = start + duration
    barrier.wait()
    for thread in threads:
        thread.join()
    return workers, time.perf_counter() - start


def load_python(server: Server, label: str, path: str, settings: Settings) -> LoadResult:
    drive(server.port, path, settings.concurrency, settings.warmup)
    cpu_server, cpu_client = server.cpu_seconds(), time.process_time()
    workers, elapsed = drive(server.port, path, settings.concurrency, settings.duration)
    cpu_server_after, cpu_client_after = server.cpu_seconds(), time.process_time()
    latencies = [x for w in workers for x in w.latencies]
    if not latencies:
        raise RuntimeError(f"{path}: no answer in {settings.duration} s")
    server_cpu = None
    if cpu_server is not None and cpu_server_after is not None:
        server_cpu = (cpu_server_after - cpu_server) / elapsed
    return LoadResult(
        label=label,
        path=path,
        tool="python",
        requests=len(latencies),
        errors=sum(w.errors for w in workers),
        elapsed=elapsed,
        p50=percentile(latencies, 50),
        p95=percentile(latencies, 95),
        p99=percentile(latencies, 99),
        size=max(w.size for w in workers),
        server_cpu=server_cpu,
        client_cpu=(cpu_client_after - cpu_client) / elapsed,
    )


_WRK_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _wrk_time(text: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+)([a-z]+)", text).groups()  # type: ignore[union-attr]
    return float(number) * _WRK_UNITS[unit]


def load_wrk(server: Server, label: str, path: str, settings: Settings) -> LoadResult | None:
    """The same load with `wrk` (2 threads, the same connections), when it is installed."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    url = f"http://{HOST}:{server.port}{path}"
    seconds = max(1, round(settings.duration))
    command = [wrk, "-t2", f"-c{settings.concurrency}", f"-d{seconds}s", "--latency", url]
    cpu_server = server.cpu_seconds()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cpu_after = server.cpu_seconds()
    total = re.search(r"(\d+) requests in ([0-9.]+[a-z]+)", output)
    p50 = re.search(r"^\s*50%\s+([0-9.]+[a-z]+)", output, re.MULTILINE)
    p99 = re.search(r"^\s*99%\s+([0-9.]+[a-z]+)", output, re.MULTILINE)
    if not (total and p50 and p99):
        raise RuntimeError(f"cannot read wrk's output:\n{output}")
    elapsed = _wrk_time(total.group(2))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    failed = int(errors.group(1)) if errors else 0
    if socket_errors:
        failed += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return LoadResult(
        label=label,
        path=path,
        tool="wrk",
        requests=int(total.group(1)),
        errors=failed,
        elapsed=elapsed,
        p50=_wrk_time(p50.group(1)),
        p95=None,
        p99=_wrk_time(p99.group(1)),
        size=0,
        server_cpu=None
        if cpu_server is None or cpu_after is None
        else (cpu_after - cpu_server) / elapsed,
        client_cpu=None,
    )


def load_paths() -> list[tuple[str, str]]:
    return [
        ("ranking (HTML)", f"/{YEAR}/{BLOCK}/"),
        ("ranking (JSON twin)", f"/{YEAR}/{BLOCK}.json"),
        ("home", "/"),
        ("baseline: static file", STATIC_PATH),
    ]


def bench_load(data_dir: Path, settings: Settings) -> list[LoadResult]:
    results: list[LoadResult] = []
    with running_server(data_dir) as server:
        for label, path in load_paths():
            print(f"web: load on {path} …", file=sys.stderr)
            results.append(load_python(server, label, path, settings))
        for label, path in load_paths():
            extra = load_wrk(server, label, path, settings)
            if extra is not None:
                results.append(extra)
    return results


# --- the whole run ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebBench:
    settings: Settings
    fixture: Fixture
    server_side: ServerSide
    load: list[LoadResult]
    setup_seconds: float
    versions: dict[str, str]


def bench(settings: Settings, data_dir: Path) -> WebBench:
    start = time.perf_counter()
    print("web: migrating a throwaway SQLite database and seeding it …", file=sys.stderr)
    setup_django(data_dir)
    fixture = populate(settings)
    setup_seconds = time.perf_counter() - start
    print("web: timing pages in process …", file=sys.stderr)
    server_side = bench_server_side(fixture, settings)
    from django.db import connections

    connections.close_all()  # the server process opens the file on its own
    load = bench_load(data_dir, settings)
    return WebBench(settings, fixture, server_side, load, setup_seconds, _versions())


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    import django

    return {
        "Django": django.get_version(),
        "waitress": version("waitress"),
        "whitenoise": version("whitenoise"),
        "wrk": "installed" if shutil.which("wrk") else "not installed (its rows are left out)",
    }


# --- the report ---------------------------------------------------------------------------------


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.1f} ms"


def _kib(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MiB"
    return f"{size / 1024:.1f} KiB"


def _cpu_per_request(r: LoadResult) -> str:
    return "—" if r.server_cpu is None else _ms(r.server_cpu * r.elapsed / r.requests)


def _queries(page: PageTiming) -> str:
    low, high = min(page.queries), max(page.queries)
    return str(low) if low == high else f"{low}–{high}"


def _times(page: PageTiming, baseline: PageTiming) -> str:
    return f"{page.median / baseline.median:.1f}×"


def _cpu(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


def render(result: WebBench, command: str, date: str, quick: bool) -> str:
    s, f, side = result.settings, result.fixture, result.server_side
    pages = [
        (side.self_page, side.rows_baseline),
        (side.rows_baseline, side.rows_baseline),
        (side.ranking, side.json_baseline),
        (side.ranking_json, side.json_baseline),
        (side.home, side.json_baseline),
        (side.json_baseline, side.json_baseline),
    ]
    python_rows = [r for r in result.load if r.tool == "python"]
    wrk_rows = [r for r in result.load if r.tool == "wrk"]
    static = next(r for r in python_rows if r.path == STATIC_PATH)
    ranking = next(r for r in python_rows if r.path == f"/{YEAR}/{BLOCK}/")
    lines = [
        START,
        "## Web app: page timings and a load test of the public pages",
        "",
        *(
            ["> **Quick run** (`--quick`): fewer requests, shorter load; not for comparison.", ""]
            if quick
            else []
        ),
        "The synthetic province of the PAR section, loaded into a throwaway SQLite database (WAL, "
        "the default deployment) with the web app's own services, settings from the environment "
        "and **DEBUG off**:",
        "",
        f"- published {PREVIOUS_YEAR} and {YEAR}: one snapshot each of **{f.units} units in one "
        f"block** (`{BLOCK}`), built with `snapshot_build` and stored with `snapshot_create`; "
        f"{YEAR} is compared with {PREVIOUS_YEAR} and has rank intervals ({f.draws:,} draws), so "
        "the ranking page shows every column;",
        f"- {LIVE_YEAR} open for self-assessment under the **{f.leaves}-leaf** method: every "
        f"unit's assessment opened by `period_transition`, and one unit ({f.unit}) whose officer "
        f"has made {f.claims} claims through `score_self_assess`. Its page has {f.rows_on_page} "
        f"score rows (leaves, bonus and penalty items), each an editable form, and "
        f"{f.headings} criterion headings.",
        "",
        f"Setting it up (migrate, seed, two snapshots) took {result.setup_seconds:.1f} s and is "
        "not timed below.",
        "",
        "### 1. Server-side time per request (Django test client, in process)",
        "",
        "Each request goes through the whole middleware stack (sessions, CSRF, authentication, "
        f"django-axes) but no socket. Median and p95 of {s.requests} requests after two "
        f"warm-up requests; queries counted on {s.query_samples} further requests "
        "(`CaptureQueriesContext`, not timed since recording queries slows them). The "
        "self-assessment page is requested as its unit's signed-in officer.",
        "",
        "Baselines, behind the same middleware: for the self-assessment page, a bare view that "
        "checks the login, reads the same assessment's score rows and renders a trivial "
        "template with one table row per score (code, an input with the claim, a textarea "
        "with the note, the points) — what any page listing these rows must do; for the public "
        "pages, a bare view that reads the same snapshot with the public pages' own selector "
        "and returns its stored JSON (units frame and extras) with `JsonResponse` — reading "
        "without building the document or rendering. The ratio is the page's median over its "
        "baseline's.",
        "",
        "| page | URL | median | p95 | queries / request | of which SQL | response | × baseline |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
        *[
            f"| {p.label} | `{p.url}` | {_ms(p.median)} | {_ms(p.p95)} | {_queries(p)} | "
            f"{_ms(p.sql)} | {_kib(p.size)} | {_times(p, b) if p is not b else '1'} |"
            for p, b in pages
        ],
        "",
        f"The self-assessment page costs **{_times(side.self_page, side.rows_baseline)}** the "
        f"trivial listing of its rows ({_ms(side.self_page.median)} against "
        f"{_ms(side.rows_baseline.median)}): building the method's tree, one bound form per "
        "row, the exemptions, the permission checks and the progress, and rendering the "
        f"row templates. The ranking page costs **{_times(side.ranking, side.json_baseline)}** "
        f"reading and returning its stored JSON ({_ms(side.ranking.median)} against "
        f"{_ms(side.json_baseline.median)}): building the document and formatting {f.units} "
        "rows; the chart and the table are rendered once per snapshot and language and then "
        "served from the cache (a published snapshot never changes).",
        "",
        f"Reading: the ranking's one query takes {_ms(side.ranking.sql)}. A snapshot keeps its "
        f"units frame ({_kib(f.units_size)}) apart from the full results ({_kib(f.results_size)}, "
        "with the components, fields and leaves frames), so the public pages never parse the "
        f"leaves; the home page reads every published snapshot's units ({_ms(side.home.sql)} "
        "of SQL).",
        "",
        "### 2. Load test of the public pages",
        "",
        "The real server in a subprocess — waitress with "
        f"{SERVER_THREADS} threads and WhiteNoise for static files, as `chiso web demo` runs "
        "it, DEBUG off — on the database above. The load generator (`benchmarks/web.py`, pure "
        f"Python) runs **{s.concurrency} concurrent clients**, each a thread with one keep-alive "
        "HTTP/1.1 connection sending requests back to back, for "
        f"**{s.duration:g} s per URL after a {s.warmup:g} s warm-up**; latency is from "
        "sending a request to having read the whole answer. The baseline is a static file "
        f"(`{STATIC_PATH}`) served by the same server in the same run. Client and server "
        "share the machine's cores; the CPU columns say how busy each process was (100 % = "
        "one core).",
        "",
        "| page | URL | requests/s | p50 | p95 | p99 | errors | answer | server CPU "
        "| server CPU / request | client CPU | vs static file |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *[
            f"| {r.label} | `{r.path}` | {r.rate:,.0f} | {_ms(r.p50)} | {_ms(r.p95)} | "
            f"{_ms(r.p99)} | {r.errors} | {_kib(r.size)} | {_cpu(r.server_cpu)} | "
            f"{_cpu_per_request(r)} | {_cpu(r.client_cpu)} | "
            + ("1" if r is static else f"{static.rate / r.rate:.1f}× fewer requests/s")
            + " |"
            for r in python_rows
        ],
        "",
        *(
            [
                "With `wrk` (2 threads, the same number of connections and duration; it reports "
                "p50 and p99, not p95):",
                "",
                "| page | URL | requests/s | p50 | p99 | errors | server CPU |",
                "|---|---|---:|---:|---:|---:|---:|",
                *[
                    f"| {r.label} | `{r.path}` | {r.rate:,.0f} | {_ms(r.p50)} | {_ms(r.p99)} | "
                    f"{r.errors} | {_cpu(r.server_cpu)} |"
                    for r in wrk_rows
                ],
                "",
            ]
            if wrk_rows
            else []
        ),
        f"The server answers **{ranking.rate:,.0f} ranking pages per second** "
        f"({f.units} units, {_kib(ranking.size)}) against {static.rate:,.0f} static files "
        f"per second. Under this load a ranking costs the server {_cpu_per_request(ranking)} of "
        f"CPU, against {_ms(side.ranking.median)} for one request alone in process: "
        f"{SERVER_THREADS} threads share one interpreter lock, so the Python part of the work "
        "is bounded by about one core whatever the thread count (SQLite's JSON work runs "
        "outside the lock, hence more than 100 % on some pages). More processes (or machines) "
        "behind a proxy scale it. A load generator written in Python also bounds the static "
        "file's rate, so that ratio understates how much cheaper static files are.",
        "",
        "### Machine and command",
        "",
        *[f"- {key}: {value}" for key, value in {**machine(), **result.versions}.items()],
        f"- Date: {date}",
        f"- Command: `{command}`"
        + (
            ""
            if command.startswith("python -m benchmarks.web")
            else " (the web section alone: `python -m benchmarks.web --write docs/benchmarks.md`)"
        ),
        END,
    ]
    return "\n".join(_wrap_item(line) for line in lines) + "\n"


def _wrap_item(line: str) -> str:
    """As the PAR section wraps its prose, and list items too (with a hanging indent)."""
    if line.startswith("- ") and len(line) > 100:
        return textwrap.fill(
            line, width=100, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
        )
    return _wrap(line)


def write_section(path: Path, section: str) -> None:
    """Replace the web section of `path`; when there is none, insert it right after the PAR
    section (or at the end). Other sections are left as they are."""
    from benchmarks.run import INTRO

    text = path.read_text(encoding="utf-8") if path.exists() else INTRO
    body = section.rstrip("\n")
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + body + rest.split(END, 1)[1]
    elif AFTER in text:
        before, after = text.split(AFTER, 1)
        rest = "\n\n" + after.lstrip("\n") if after.strip() else "\n"
        text = before + AFTER + "\n\n" + body + rest
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def run_section(
    settings: Settings,
    *,
    write: Path | None,
    command: str,
    date: str,
    quick: bool,
    say: Callable[[str], None] = print,
) -> WebBench:
    """Measure, print the section and write it; the temporary folder is always removed."""
    with tempfile.TemporaryDirectory(prefix="chiso-bench-web-") as tmp:
        result = bench(settings, Path(tmp))
        from django.db import connections

        connections.close_all()
    section = render(result, command, date, quick)
    say(section)
    if write:
        write_section(write, section)
        print(f"written to {write}", file=sys.stderr)
    return result


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    if args_list[:1] == ["serve"]:
        return serve_main(args_list[1:])
    parser = argparse.ArgumentParser(prog="python -m benchmarks.web", description=__doc__)
    parser.add_argument("--write", type=Path, help="write the section into this Markdown file")
    parser.add_argument("--quick", action="store_true", help="fewer requests, shorter load")
    parser.add_argument("--tiny", action="store_true", help="a tiny province (for the tests)")
    parser.add_argument("--date", help="date to record (default: today, local time)")
    args = parser.parse_args(args_list)
    settings = Settings.tiny() if args.tiny else Settings.quick() if args.quick else Settings()
    date = args.date or datetime.date.today().isoformat()
    command = " ".join(["python -m benchmarks.web", *args_list])
    quick = args.quick or args.tiny
    run_section(settings, write=args.write, command=command, date=date, quick=quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
