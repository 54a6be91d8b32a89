"""The database foundation works on the backend under test (``CHISO_TEST_DB``)."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.db

VENDORS = {"sqlite": "sqlite", "postgres": "postgresql"}

only_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
only_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def test_backend_is_the_one_requested() -> None:
    # Guards `make test` against running SQLite twice because of a misconfiguration.
    assert connection.vendor == VENDORS[os.environ.get("CHISO_TEST_DB", "sqlite")]


def test_runs_on_a_test_database_not_the_configured_one() -> None:
    configured = os.environ["DATABASE_URL"].rsplit("/", 1)[-1]
    assert str(connection.settings_dict["NAME"]).rsplit("/", 1)[-1] != configured


def test_every_migration_is_applied_and_none_is_missing() -> None:
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    tables = set(connection.introspection.table_names())
    assert {"auth_user", "django_content_type", "django_session"} <= tables
    # Exits with status 1 if a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_a_user_is_written_in_a_transaction_and_read_back() -> None:
    user_model = get_user_model()
    with transaction.atomic():
        user_model.objects.create_user(
            "can.bo.1", password="mật khẩu đủ dài", first_name="Thị Ánh", last_name="Nguyễn"
        )

    user = user_model.objects.get(username="can.bo.1")
    assert (user.last_name, user.first_name) == ("Nguyễn", "Thị Ánh")
    assert user.check_password("mật khẩu đủ dài")


def test_a_failed_transaction_leaves_nothing_behind() -> None:
    user_model = get_user_model()
    with pytest.raises(RuntimeError), transaction.atomic():
        user_model.objects.create_user("can.bo.2")
        raise RuntimeError("abort")

    assert not user_model.objects.filter(username="can.bo.2").exists()


@only_sqlite
def test_sqlite_is_a_file_in_wal_mode_with_immediate_transactions() -> None:
    assert not connection.creation.is_in_memory_db(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1  # NORMAL
    assert connection.transaction_mode == "IMMEDIATE"


@only_postgres
def test_postgres_is_recent_and_uses_psycopg_3() -> None:
    psycopg = pytest.importorskip("psycopg")
    connection.ensure_connection()
    assert connection.pg_version >= 130000
    assert isinstance(connection.connection, psycopg.Connection)
