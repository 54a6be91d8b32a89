"""The store records each table's row hash when it writes it, so that the inputs fingerprint of
a computation needs no second pass over every row; and it writes the status history clustered,
so that the on-time rule reads the supplement events alone."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from chiso.engine.service import compute_service, known_row_hashes, table_row_hash
from chiso.engine.service_periods import periods_of
from chiso.engine.service_tables import KNOWN_ROW_HASHES, TABLES
from chiso.io.calendar_files import load_calendar
from chiso.io.dossier_store import CLUSTERED_ROW_GROUP, MANIFEST, connect, open_store
from chiso.io.dossiers import import_file
from chiso.io.service_method_files import load_service_method
from tests.web.services.helpers import synthetic_store, write_csv


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("store")
    synthetic_store(root)
    return root


def computed(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int | None]]:
    return {table.name: table_row_hash(con, table.name) for table in TABLES}


def test_the_recorded_hashes_are_those_of_the_rows(store: Path) -> None:
    con = connect(store)
    known = known_row_hashes(con)
    assert set(known) == {table.name for table in TABLES}
    assert known == computed(con)
    assert known["dossier_events"][0] > 1_500  # the history, not an empty table


def test_the_fingerprint_is_the_same_with_or_without_them(store: Path) -> None:
    method = load_service_method("qd766-2022")
    calendar = load_calendar(2025, 2026)
    periods = periods_of("2025", "quarter")
    recorded = compute_service(connect(store), method, calendar, periods)
    con = connect(store)
    con.unregister(KNOWN_ROW_HASHES)
    assert known_row_hashes(con) == {}
    hashed = compute_service(con, method, calendar, periods)
    assert recorded.inputs_hash == hashed.inputs_hash
    assert recorded.indicators.equals(hashed.indicators)


def test_hashes_from_another_duckdb_are_not_trusted(store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    version = open_store(store)
    assert version is not None
    (copy / version.name).mkdir(parents=True)
    for path in version.path.rglob("*"):
        target = copy / version.name / path.relative_to(version.path)
        if path.is_dir():
            target.mkdir(exist_ok=True)
        else:
            target.write_bytes(path.read_bytes())
    (copy / "CURRENT").write_text(version.name + "\n")
    manifest = json.loads((copy / version.name / MANIFEST).read_text())
    manifest["tables"]["dossiers"]["hashed_by"] = "0.0.1"
    (copy / version.name / MANIFEST).write_text(json.dumps(manifest))
    assert known_row_hashes(connect(copy)) == {}


def test_an_import_records_the_hash_of_what_it_wrote(store: Path, tmp_path: Path) -> None:
    root = tmp_path / "store"
    for name in ("units", "procedures", "dossiers", "dossier_events"):
        rows = connect(store).sql(f"SELECT * FROM {name}").pl()
        path = tmp_path / f"{name}.csv"
        write_csv(path, rows.cast({pl.Boolean: pl.String}).to_dicts())
        import_file(path, name, root)
    con = connect(root)
    known = known_row_hashes(con)
    assert (
        known == computed(con)
        and known["dossier_events"] == computed(connect(store))["dossier_events"]
    )


def test_the_status_history_is_written_clustered_in_small_row_groups(store: Path) -> None:
    version = open_store(store)
    assert version is not None
    for path in version.files("dossier_events"):
        statuses = pl.read_parquet(path, columns=["status"])["status"]
        assert statuses.is_sorted()
        groups = (
            duckdb.connect()
            .execute(f"SELECT max(row_group_num_rows) FROM parquet_metadata('{path.as_posix()}')")
            .fetchone()
        )
        assert groups is not None and groups[0] <= CLUSTERED_ROW_GROUP


def test_every_table_is_written_with_lz4(store: Path) -> None:
    version = open_store(store)
    assert version is not None
    for table in ("dossiers", "dossier_events", "procedures"):
        for path in version.files(table):
            codecs = (
                duckdb.connect()
                .execute(f"SELECT DISTINCT compression FROM parquet_metadata('{path.as_posix()}')")
                .fetchall()
            )
            assert codecs == [("LZ4_RAW",)], (table, codecs)  # polars writes LZ4 as LZ4_RAW
