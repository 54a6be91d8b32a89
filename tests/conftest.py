"""Choose the database backend the `db` tests run on.

``CHISO_TEST_DB`` selects it: ``sqlite`` (default) or ``postgres``. ``make test`` runs the whole
suite on SQLite, then only the tests marked ``db`` on PostgreSQL at ``CHISO_TEST_POSTGRES_URL``.

- Django is configured here, before pytest-django sets it up, so ``DATABASE_URL`` can never come
  from the developer's shell and point the tests at a real database.
- A test marked ``db`` gets Django's test database (the ``django_db`` marker) and vice versa, so
  no database test can slip out of the PostgreSQL run. Other tests never touch a database.
- Test databases are per xdist worker and per run: a SQLite file in the worker's pytest temp
  folder (a file, not memory, so WAL mode is real), a PostgreSQL database named
  ``test_<db>_<run>[_gwN]`` so concurrent runs against one server do not drop each other's.
- Unreachable PostgreSQL fails the run when ``CI`` is true and skips the ``db`` tests otherwise.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgres")
_HOW_TO_POINT = "set CHISO_TEST_POSTGRES_URL=postgres://USER@HOST:PORT/DBNAME"

# Why PostgreSQL cannot be used in this run (None: it can, or it is not the backend under test).
_postgres_unavailable: str | None = None


def _is_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _probe_postgres(url: str) -> str | None:
    """Connect once with a short timeout; return why it failed, or None if it answered."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return " ".join(str(exc).split()) or type(exc).__name__
    return None


def pytest_configure(config: pytest.Config) -> None:
    global _postgres_unavailable

    backend = os.environ.setdefault("CHISO_TEST_DB", "sqlite")
    if backend not in BACKENDS:
        raise pytest.UsageError(f"CHISO_TEST_DB={backend!r}: use one of {', '.join(BACKENDS)}.")
    # One id per run, inherited by xdist workers (spawned later), for per-run database names.
    run_id = os.environ.setdefault("CHISO_TEST_RUN_ID", uuid.uuid4().hex[:8])

    if backend == "postgres":
        url = os.environ.get("CHISO_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL
        why = _probe_postgres(url)
        if why is not None:
            where = _redact(url)
            if _is_ci():
                pytest.exit(
                    f"PostgreSQL is required in CI, but {where} is unreachable ({why}). "
                    f"Start it, or {_HOW_TO_POINT}.",
                    returncode=1,
                )
            _postgres_unavailable = (
                f"PostgreSQL at {where} is unreachable ({why}); "
                f"to run the db tests on PostgreSQL, {_HOW_TO_POINT}"
            )
    else:
        # Only the test database (set below, per worker) is ever opened; this file stays unused.
        url = f"sqlite:///{tempfile.gettempdir()}/chiso-test-{run_id}.sqlite3"

    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "chiso.web.settings"
    # Production-like settings (DEBUG off) need a key; this one signs nothing real.
    os.environ["CHISO_SECRET_KEY"] = "chiso-tests-not-a-secret"
    os.environ["CHISO_DATA_DIR"] = f"{tempfile.gettempdir()}/chiso-test-{run_id}"
    # Background jobs run inline when their transaction commits (no worker in tests; wrap the
    # call in `django_capture_on_commit_callbacks(execute=True)` inside a test transaction).
    os.environ["CHISO_JOBS_SYNC"] = "true"

    from django.conf import settings

    # Loading the settings now lets pytest-django's own (later) pytest_configure set Django up.
    settings.DATABASES  # noqa: B018


def pytest_report_header(config: pytest.Config) -> str:
    backend = os.environ["CHISO_TEST_DB"]
    if backend == "postgres":
        where = _redact(os.environ["DATABASE_URL"])
        return f"chiso db tests: postgres at {where}" + (
            " (unreachable: db tests skipped)" if _postgres_unavailable else ""
        )
    return "chiso db tests: sqlite (a WAL file per worker)"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # tryfirst: before `-m db` deselects and before pytest-django orders the database tests.
    for item in items:
        if item.get_closest_marker("db") and not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db)
        elif item.get_closest_marker("django_db") and not item.get_closest_marker("db"):
            item.add_marker(pytest.mark.db)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Skipping here (not with a marker) reports every skipped test under one line of `-ra`,
    # and happens before pytest-django tries to create the test database.
    if _postgres_unavailable and item.get_closest_marker("db"):
        pytest.skip(_postgres_unavailable)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    django_db_modify_db_settings_parallel_suffix: None,
) -> None:
    """Name the test databases: one per worker (pytest-django's suffix) and per run."""
    from django.conf import settings

    run_id = os.environ["CHISO_TEST_RUN_ID"]
    for alias, db in settings.DATABASES.items():
        test = db.setdefault("TEST", {})
        if db["ENGINE"] == "django.db.backends.sqlite3":
            # The base temp folder is already per worker and per run.
            test["NAME"] = str(tmp_path_factory.getbasetemp() / f"test-{alias}.sqlite3")
        elif not request.config.getoption("reuse_db"):
            test["NAME"] = f"{test.get('NAME') or 'test_' + db['NAME']}_{run_id}"
