"""Benchmark the public survey form and write its section (`surveys`) of docs/benchmarks.md.

    python -m benchmarks.surveys [--write docs/benchmarks.md] [--quick] [--tiny] [--date DATE]

Sustained submissions per second through the public form, over real HTTP, on SQLite and on
PostgreSQL, with zero lost responses checked by counting rows afterwards. For each backend:

1. `prepare` (a subprocess, Django set up on a throwaway database — a SQLite file in a temporary
   folder, or a PostgreSQL database created for the run at 127.0.0.1:5432 and dropped after):
   migrate; two units; a survey with the shipped service-user questionnaire (22 items); a frame
   of people, a recorded draw, a token per main-sample member; collection opened. The tokens
   are written to a file for the load generator.
2. baseline (a subprocess on the same database): the same rows written by a bare ORM loop —
   per submission one transaction with the response and its 22 answers (`bulk_create`), one
   client, no HTTP, no form, no token check.
3. load: the app served by waitress (8 threads, as `chiso web demo` serves it, DEBUG off) in a
   subprocess; `concurrency` client threads, each with a keep-alive HTTP/1.1 connection, take
   tokens from one queue and for each GET the form, then POST 22 answers (seeded random
   levels), for a fixed time. A submission counts when the POST answers 200 with the
   thank-you page.
4. `count` (a subprocess): responses with a token, used tokens and answers in the database must
   equal the accepted submissions (× 22 answers) — otherwise the run fails: a lost response
   is a bug, not a number.

The rate limits are **off** in this benchmark (`CHISO_RATELIMIT=false`): they would stop one
address posting hundreds of forms a second, which is their job. The parent process never sets
Django up (every Django step is a subprocess), so it runs after `benchmarks.web` in one go.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import json
import os
import queue
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.run import _wrap, machine
from benchmarks.sections import write_marked

START = "<!-- bench:surveys:start -->"
END = "<!-- bench:surveys:end -->"
REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
SERVER_THREADS = 8
POSTGRES = os.environ.get("CHISO_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
ANSWER_SEED = 766


@dataclass(frozen=True)
class Settings:
    tokens: int = 6000  # tokens prepared per backend (an upper bound of submissions)
    concurrency: int = 8
    duration: float = 10.0
    warmup: float = 1.0  # seconds of submissions before measuring (they are counted too)
    baseline: int = 1000  # submissions written by the bare ORM loop

    @classmethod
    def quick(cls) -> Settings:
        return cls(tokens=2000, duration=3.0, warmup=0.5, baseline=300)

    @classmethod
    def tiny(cls) -> Settings:
        return cls(tokens=80, concurrency=2, duration=0.5, warmup=0.2, baseline=20)


# --- the Django side: subprocesses -------------------------------------------------------------


def configure(data_dir: Path, database_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "chiso.web.settings"
    os.environ["CHISO_DATA_DIR"] = str(data_dir.resolve())
    os.environ["CHISO_DEBUG"] = "false"
    os.environ["CHISO_SECURE_COOKIES"] = "false"
    os.environ["CHISO_RATELIMIT"] = "false"  # see the module docstring
    os.environ["CHISO_ALLOWED_HOSTS"] = f"{HOST},localhost,testserver"
    os.environ.setdefault("CHISO_SECRET_KEY", secrets.token_urlsafe(50))
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)  # SQLite under data_dir


def prepare_main(data_dir: Path, tokens: int) -> dict[str, Any]:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from decimal import Decimal

    from chiso.io.questionnaire_files import resolve_questionnaire
    from chiso.web.surveys import services
    from chiso.web.surveys.models import Token
    from chiso.web.units.models import Unit

    units = [
        Unit.objects.create(code=c, name=f"Sở {c}", kind="department", block="so")
        for c in ("B1", "B2")
    ]
    yaml = resolve_questionnaire("service-user-2024").read_text(encoding="utf-8")
    survey = services.survey_create(year=2025, title="Benchmark", questionnaire_yaml=yaml, by=None)
    services.survey_transition(survey=survey, to="sampling", by=None)
    per_unit = (tokens + 1) // 2
    path = data_dir / "frame.csv"
    lines = ["ma_don_vi,ma_ho_so,so_dien_thoai\n"]
    lines += [f"{u.code},{u.code}-{n:06d},09{n:08d}\n" for u in units for n in range(per_unit * 2)]
    path.write_text("".join(lines), encoding="utf-8")
    report = services.frame_import(survey=survey, path=path, by=None)
    if not report.ok:
        raise RuntimeError([str(e) for e in report.errors])
    design = services.design_of(
        strata=("unit",), size_rule="fixed", per_stratum=per_unit, reserve_share=Decimal("0")
    )
    services.sample_draw(survey=survey, design=design, seed=1, by=None)
    services.tokens_issue(survey=survey, by=None)
    services.survey_transition(survey=survey, to="collecting", by=None)
    values = list(Token.objects.filter(survey=survey).values_list("value", flat=True))
    (data_dir / "tokens.txt").write_text("\n".join(values), encoding="utf-8")
    from chiso.web.surveys.selectors import survey_questionnaire

    items = [i.code for i in survey_questionnaire(survey).items]
    return {"survey": survey.pk, "tokens": len(values), "items": items}


def baseline_main(survey_pk: int, count: int) -> dict[str, Any]:
    """The bare ORM loop: per submission one transaction, the response and its answers."""
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from chiso.web.surveys.models import Answer, Response, Survey
    from chiso.web.surveys.selectors import survey_questionnaire

    survey = Survey.objects.get(pk=survey_pk)
    unit_id = survey.frame.values_list("unit_id", flat=True).first()
    items = [i.code for i in survey_questionnaire(survey).items]
    rng = random.Random(ANSWER_SEED)
    rows = [[rng.randint(0, 5) or 4 for _ in items] for _ in range(count)]
    start = time.perf_counter()
    for values in rows:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey, unit_id=unit_id, channel="online", submitted_at=timezone.now()
            )
            Answer.objects.bulk_create(
                Answer(response=response, item=item, value=value)
                for item, value in zip(items, values, strict=True)
            )
    elapsed = time.perf_counter() - start
    stored = Response.objects.filter(survey=survey, token__isnull=True).count()
    return {"count": count, "elapsed": elapsed, "stored": stored}


def count_main(survey_pk: int) -> dict[str, Any]:
    import django

    django.setup()
    from chiso.web.surveys.models import Answer, Response, Token

    online = Response.objects.filter(survey_id=survey_pk, token__isnull=False)
    return {
        "responses": online.count(),
        "used_tokens": Token.objects.filter(survey_id=survey_pk, used_at__isnull=False).count(),
        "answers": Answer.objects.filter(response__in=online).count(),
    }


def serve_main(port: int) -> None:
    import signal

    import django

    django.setup()
    from chiso.web.publishing import demo_server

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    demo_server.serve(HOST, port, threads=SERVER_THREADS)


def _child(argv: list[str]) -> int:
    command, data_dir, database_url, *rest = argv
    configure(Path(data_dir), database_url)
    if command == "serve":
        serve_main(int(rest[0]))
        return 0
    jobs: dict[str, Callable[[], dict[str, Any]]] = {
        "prepare": lambda: prepare_main(Path(data_dir), int(rest[0])),
        "baseline": lambda: baseline_main(int(rest[0]), int(rest[1])),
        "count": lambda: count_main(int(rest[0])),
    }
    print(json.dumps(jobs[command]()))
    return 0


def _run(command: str, data_dir: Path, database_url: str, *args: Any) -> dict[str, Any]:
    argv = [sys.executable, "-m", "benchmarks.surveys", command, str(data_dir), database_url]
    done = subprocess.run(
        [*argv, *map(str, args)], cwd=REPO, env=dict(os.environ), capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"{command} failed:\n{done.stderr[-4000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# --- the load ----------------------------------------------------------------------------------


@contextlib.contextmanager
def running_server(data_dir: Path, database_url: str) -> Iterator[tuple[int, int]]:
    """The app in a subprocess; yields (port, pid) once it answers, stops it on the way out."""
    from benchmarks.web import free_port, stop

    port = free_port()
    log = (data_dir / "server.log").open("wb")
    argv = [sys.executable, "-m", "benchmarks.surveys", "serve", str(data_dir), database_url]
    process = subprocess.Popen(
        [*argv, str(port)], cwd=REPO, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT
    )
    print(f"surveys: server pid {process.pid} on port {port}", file=sys.stderr)
    try:
        _wait(process, port, data_dir)
        yield port, process.pid
    finally:
        stop(process)
        log.close()


def _wait(process: subprocess.Popen[bytes], port: int, data_dir: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((data_dir / "server.log").read_text(errors="replace"))
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/ks/not-a-token/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not answer in 60 s")


@dataclass
class _Client:
    accepted: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)  # GET + POST of one submission


def drive(
    port: int, tokens: queue.SimpleQueue[str], items: list[str], settings: Settings, duration: float
) -> tuple[list[_Client], float]:
    """`concurrency` threads submit forms back to back until time is up or tokens run out."""
    work = tokens
    rng = random.Random(ANSWER_SEED)
    bodies = [urlencode({f"q-{item}": rng.randint(0, 5) or 4 for item in items}) for _ in range(64)]
    clients = [_Client() for _ in range(settings.concurrency)]
    barrier = threading.Barrier(settings.concurrency + 1)
    deadline = [0.0]

    def submit(client: _Client, conn: http.client.HTTPConnection, token: str, body: str) -> None:
        path = f"/ks/{token}/"
        conn.request("GET", path)
        page = conn.getresponse()
        page.read()
        if page.status != 200:
            client.errors.append(f"GET {page.status}")
            return
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        conn.request("POST", path, body=body, headers=headers)
        answer = conn.getresponse()
        text = answer.read().decode()
        if answer.status == 200 and "Cảm ơn" in text:
            client.accepted += 1
        else:
            client.errors.append(f"POST {answer.status}")

    def run(client: _Client, n: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        barrier.wait()
        while time.perf_counter() < deadline[0]:
            try:
                token = work.get_nowait()
            except queue.Empty:
                break
            start = time.perf_counter()
            try:
                submit(client, conn, token, bodies[(n + client.accepted) % len(bodies)])
            except (OSError, http.client.HTTPException) as exc:
                client.errors.append(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
                continue
            client.latencies.append(time.perf_counter() - start)
        conn.close()

    threads = [
        threading.Thread(target=run, args=(c, n), daemon=True) for n, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    start = time.perf_counter()
    deadline[0] = start + duration
    barrier.wait()
    for thread in threads:
        thread.join()
    return clients, time.perf_counter() - start


# --- one backend -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackendResult:
    backend: str
    accepted: int
    warmup_accepted: int
    errors: list[str]
    elapsed: float
    p50: float
    p95: float
    counted: dict[str, Any]
    items: int
    baseline_count: int
    baseline_elapsed: float
    note: str = ""

    @property
    def rate(self) -> float:
        return self.accepted / self.elapsed

    @property
    def baseline_rate(self) -> float:
        return self.baseline_count / self.baseline_elapsed

    @property
    def total(self) -> int:
        """Every accepted submission, warm-up included: what the database must hold."""
        return self.accepted + self.warmup_accepted

    @property
    def lost(self) -> int:
        return self.total - self.counted["responses"]


def bench_backend(backend: str, database_url: str, settings: Settings) -> BackendResult:
    with tempfile.TemporaryDirectory(prefix=f"chiso-bench-surveys-{backend}-") as folder:
        data_dir = Path(folder)
        print(f"surveys: {backend}: preparing {settings.tokens} tokens …", file=sys.stderr)
        prepared = _run("prepare", data_dir, database_url, settings.tokens)
        tokens = (data_dir / "tokens.txt").read_text(encoding="utf-8").split()
        print(f"surveys: {backend}: baseline ORM loop …", file=sys.stderr)
        base = _run("baseline", data_dir, database_url, prepared["survey"], settings.baseline)
        print(f"surveys: {backend}: load for {settings.duration:g} s …", file=sys.stderr)
        work: queue.SimpleQueue[str] = queue.SimpleQueue()
        for token in tokens:
            work.put(token)
        items = prepared["items"]
        with running_server(data_dir, database_url) as (port, _pid):
            warm, _ = drive(port, work, items, settings, settings.warmup)
            clients, elapsed = drive(port, work, items, settings, settings.duration)
        counted = _run("count", data_dir, database_url, prepared["survey"])
    latencies = sorted(x for c in clients for x in c.latencies)
    result = BackendResult(
        backend=backend,
        accepted=sum(c.accepted for c in clients),
        warmup_accepted=sum(c.accepted for c in warm),
        errors=[e for c in (*warm, *clients) for e in c.errors],
        elapsed=elapsed,
        p50=statistics.median(latencies) if latencies else 0.0,
        p95=latencies[max(0, int(len(latencies) * 0.95) - 1)] if latencies else 0.0,
        counted=counted,
        items=len(prepared["items"]),
        baseline_count=base["count"],
        baseline_elapsed=base["elapsed"],
    )
    _check_nothing_lost(result)
    return result


def _check_nothing_lost(result: BackendResult) -> None:
    counted = result.counted
    expected = (result.total, result.total, result.total * result.items)
    found = (counted["responses"], counted["used_tokens"], counted["answers"])
    if found != expected:
        raise RuntimeError(
            f"{result.backend}: lost or extra rows — accepted {result.total} submissions, "
            f"found responses/used tokens/answers {found}, expected {expected}"
        )


@contextlib.contextmanager
def postgres_database() -> Iterator[str | None]:
    """A throwaway database on the PostgreSQL server, dropped afterwards; None if unreachable."""
    try:
        import psycopg
        from psycopg import sql
    except ImportError:
        yield None
        return
    name = f"chiso_bench_surveys_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(POSTGRES, autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        print(f"surveys: PostgreSQL unreachable ({exc}); its row is skipped", file=sys.stderr)
        yield None
        return
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        base = POSTGRES.rsplit("/", 1)[0]
        try:
            yield f"{base}/{name}"
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


# --- the report --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveysBench:
    settings: Settings
    results: list[BackendResult]
    skipped: list[str]
    load: tuple[float, float]  # the machine's 1-minute load average before and after


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def render(bench: SurveysBench, command: str, date: str, quick: bool) -> str:
    s = bench.settings
    rows = [
        f"| {r.backend} | {r.accepted:,} (+{r.warmup_accepted:,}) | {r.elapsed:.1f} s "
        f"| **{r.rate:,.0f}** | {_ms(r.p50)} "
        f"| {_ms(r.p95)} | {len(r.errors)} | {r.counted['responses']:,} / "
        f"{r.counted['used_tokens']:,} / {r.counted['answers']:,} | **{r.lost}** "
        f"| {r.baseline_rate:,.0f} | {r.rate / r.baseline_rate:.2f}× |"
        for r in bench.results
    ]
    lines = [
        START,
        "## Survey collection: sustained submissions through the public form",
        "",
        *(["> **Quick run**: shorter load; not for comparison.", ""] if quick else []),
        "The public form of a token link (`/ks/<token>/`), served by waitress with "
        f"{SERVER_THREADS} threads and DEBUG off, as `chiso web demo` serves it, on a throwaway "
        "database per backend: SQLite (WAL, the embedded default) and PostgreSQL (a database "
        "created for the run and dropped after). Each backend has a survey of the shipped "
        "service-user questionnaire (22 items) with a drawn sample and one token per member. "
        f"**{s.concurrency} concurrent clients** (threads with keep-alive connections) take "
        "tokens from one queue and for each GET the form and POST 22 answers, back to back, "
        f"for **{s.duration:g} s** after a {s.warmup:g} s warm-up (its submissions are shown "
        "in brackets and checked with the others). A submission counts when the POST answers "
        "200 with the "
        "thank-you page, which the server renders only after the transaction (response, 22 "
        "answers, the token's conditional UPDATE, the member's status, an audit event) has "
        "committed. **Rate limits are off** in this benchmark (`CHISO_RATELIMIT=false`): they "
        "exist to stop one address posting this fast.",
        "",
        "Zero lost responses is checked, not assumed: after the load the responses with a "
        "token, the used tokens and the answers are counted in the database and must equal the "
        "accepted submissions (× 22); the run fails otherwise. The baseline, measured in the "
        f"same run on the same database, is a bare ORM loop writing {s.baseline:,} of the same "
        "rows — per submission one transaction with the response and its 22 answers, one "
        "client, no HTTP, no form rendering, no token.",
        "",
        "| backend | accepted | time | submissions/s | p50 | p95 | errors "
        "| rows: responses / used tokens / answers | lost | baseline ORM loop /s "
        "| vs baseline |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        *[
            f"| {name} | — | — | skipped: server unreachable | | | | | | | |"
            for name in bench.skipped
        ],
        "",
        "p50 and p95 are per submission (the GET of the form and the POST). "
        + _comparison(bench.results),
        "",
        "### Machine and command",
        "",
        *[f"- {key}: {value}" for key, value in machine().items()],
        f"- Load average (1 min) before and after the run: {bench.load[0]:.1f}, "
        f"{bench.load[1]:.1f} — other work on a shared machine makes the rates noisy",
        f"- Date: {date}",
        f"- Command: `{command}`"
        + (
            ""
            if command.startswith("python -m benchmarks.surveys")
            else " (this section alone: `python -m benchmarks.surveys --write docs/benchmarks.md`)"
        ),
        END,
    ]
    return "\n".join(_wrap_line(line) for line in lines) + "\n"


def _comparison(results: list[BackendResult]) -> str:
    """The prose under the table, from the numbers measured."""
    parts = [
        f"{r.backend} sustains **{r.rate:,.0f} submissions per second** through the form, "
        f"{r.rate / r.baseline_rate:.2f}× the bare ORM loop's {r.baseline_rate:,.0f}"
        for r in results
    ]
    return (
        "; ".join(parts)
        + ". What the HTTP path adds to the same rows: two requests per submission through "
        "Django's middleware (sessions, authentication, login throttling), the token's lookup "
        "and conditional update, the answers' validation, the member's status, an audit event "
        "and the pages — with the server's threads sharing one interpreter lock, and client "
        "and server sharing the machine's cores. For scale: a province's survey is a few "
        "thousand forms over weeks; one server takes them in well under a minute of load."
    )


def _wrap_line(line: str) -> str:
    if line.startswith("- ") and len(line) > 100:
        return textwrap.fill(line, width=100, subsequent_indent="  ", break_long_words=False)
    return _wrap(line)


def write_section(path: Path, section: str) -> None:
    """Replace this section of `path`, or append it; other sections stay as they are."""
    write_marked(path, section, START, END)


def run_section(
    settings: Settings,
    *,
    write: Path | None,
    command: str,
    date: str,
    quick: bool,
    postgres: bool = True,
    say: Callable[[str], None] = print,
) -> SurveysBench:
    load_before = os.getloadavg()[0]
    results = [bench_backend("SQLite", "", settings)]
    skipped = []
    if postgres:
        with postgres_database() as url:
            if url is None:
                skipped.append("PostgreSQL")
            else:
                results.append(bench_backend("PostgreSQL", url, settings))
    bench = SurveysBench(settings, results, skipped, (load_before, os.getloadavg()[0]))
    section = render(bench, command, date, quick)
    say(section)
    if write:
        write_section(write, section)
        print(f"written to {write}", file=sys.stderr)
    return bench


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    if args_list[:1] and args_list[0] in ("prepare", "baseline", "count", "serve"):
        return _child(args_list)
    parser = argparse.ArgumentParser(prog="python -m benchmarks.surveys", description=__doc__)
    parser.add_argument("--write", type=Path, help="write the section into this Markdown file")
    parser.add_argument("--quick", action="store_true", help="shorter load")
    parser.add_argument("--tiny", action="store_true", help="a few submissions (for the tests)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--date", help="date to record (default: today, local time)")
    args = parser.parse_args(args_list)
    settings = Settings.tiny() if args.tiny else Settings.quick() if args.quick else Settings()
    run_section(
        settings,
        write=args.write,
        command=" ".join(["python -m benchmarks.surveys", *args_list]),
        date=args.date or datetime.date.today().isoformat(),
        quick=args.quick or args.tiny,
        postgres=not args.no_postgres,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
