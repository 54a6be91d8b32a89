"""The service benchmark's pandas baseline computes what the engine computes — on a small
generated province and on the hand-made records whose every count is known — and its section
is rendered and written between its own markers (a tiny run; no timing is asserted)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from benchmarks import service as bench
from benchmarks import service_pandas
from chiso.engine.service import compute_service
from chiso.engine.service_periods import periods_of
from chiso.engine.service_synthetic import SyntheticSpec
from chiso.engine.service_synthetic_feedback import generate
from chiso.engine.service_tables import TABLES
from chiso.io.calendar_files import load_calendar
from chiso.io.dossier_store import conform, connect, new_version, write_part
from chiso.io.service_method_files import load_service_method
from chiso.io.synthetic_store import write_synthetic
from tests.engine import service_fixture as fixture

METHOD = load_service_method("qd766-2022")
FLOATS = bench.float_indicators()
KEEP = ["period", "unit", "indicator", "numerator", "denominator"]


def _both(store: Path, calendar, periods) -> tuple[pl.DataFrame, pl.DataFrame]:  # type: ignore[no-untyped-def]
    con = connect(store)
    try:
        engine = compute_service(con, METHOD, calendar, periods).indicators.select(KEEP)
    finally:
        con.close()
    return engine, pl.from_pandas(service_pandas.pandas_counts(store, METHOD, calendar, periods))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("store")
    calendar = load_calendar(2025, 2026)
    write_synthetic(generate(SyntheticSpec(units=20, dossiers=5_000, seed=3), calendar), root)
    return root


def test_pandas_equals_the_engine_on_a_generated_province(generated: Path) -> None:
    engine, ours = _both(generated, load_calendar(2025, 2026), periods_of("2025", "month"))
    agreement = bench.compare_counts(engine, ours, FLOATS)
    assert agreement.cells == 21 * 12 * len(METHOD.indicators)
    assert agreement.float_max_difference <= 1e-12
    # the grid is not trivially zero: dossiers were judged, some late, some paused
    on_time = engine.filter(pl.col("indicator") == "2.1")
    assert 0 < on_time["numerator"].sum() < on_time["denominator"].sum()


def test_pandas_equals_the_engine_as_of_a_cut_off(generated: Path) -> None:
    periods = periods_of("2025-Q2", "month", as_of=dt.date(2025, 5, 20))
    engine, ours = _both(generated, load_calendar(2025, 2026), periods)
    assert bench.compare_counts(engine, ours, FLOATS).cells == 21 * 2 * len(METHOD.indicators)


@pytest.mark.parametrize("by", ["month", "quarter"])
def test_pandas_equals_the_engine_on_the_hand_made_records(tmp_path: Path, by: str) -> None:
    """Supplement pauses, a second request, open dossiers, appointments, holidays, feedback
    transfers: the cases the fixture was written to check by hand."""
    frames = fixture.tables()
    with new_version(tmp_path, replace={t.name for t in TABLES}) as version:
        for table in TABLES:
            write_part(version.folder(table.name), 0, conform(frames[table.name], table))
            version.set_rows(table.name, frames[table.name].height)
        version.commit()
    engine, ours = _both(tmp_path, fixture.calendar(), periods_of("2026-Q3", by))
    bench.compare_counts(engine, ours, FLOATS)
    d1 = ours.filter(pl.col("unit") == "D1", pl.col("indicator") == "2.1")
    assert d1["numerator"].sum() < d1["denominator"].sum()  # d3, d5, d7 are overdue


def test_a_difference_is_caught(generated: Path) -> None:
    engine, ours = _both(generated, load_calendar(2025, 2026), periods_of("2025-03"))
    drifted = ours.with_columns(
        pl.when((pl.col("indicator") == "2.1") & (pl.col("unit") == engine["unit"][0]))
        .then(pl.col("numerator") + 1)
        .otherwise(pl.col("numerator"))
        .alias("numerator")
    )
    with pytest.raises(AssertionError, match="differ on 1 numerators"):
        bench.compare_counts(engine, drifted, FLOATS)
    with pytest.raises(AssertionError, match="cells"):
        bench.compare_counts(engine, ours.head(10), FLOATS)


def test_a_tiny_run_writes_its_section(tmp_path: Path) -> None:
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n<!-- bench:par:start -->\npar\n<!-- bench:par:end -->\n")
    settings = bench.Settings.tiny(cache=tmp_path / "cache")
    result = bench.run_section(
        settings, write=path, command="test", date="2024-01-01", quick=True, say=lambda _: None
    )
    (size,) = result.sizes
    assert size.store.dossiers == 5_000 and not size.store.cached
    assert size.agreement is not None and size.engine.peak_rss > size.engine.start_rss > 0
    assert len(size.engine.runs) == len(size.engine.cpu) == len(size.engine.loads) == 2
    assert all(cpu > 0 for cpu in size.engine.cpu + size.pandas.cpu)
    text = path.read_text(encoding="utf-8")
    assert text.count(bench.START) == 1 and "par\n" in text and "Quick run" in text
    assert "| 5,000 |" in text and "progress query" in text
    assert "Inside the progress query" in text and "window `LEAD`" in text
    bench.run_section(  # again: the store comes from the cache, the section is replaced
        settings, write=path, command="test", date="2024-01-02", quick=True, say=lambda _: None
    )
    text = path.read_text(encoding="utf-8")
    words = " ".join(text.split())  # the section is wrapped at 100 columns
    assert text.count(bench.START) == 1 and "2024-01-02" in text
    assert "taken from the cache" in words and "With one thread (`threads = 1`" in words


def test_a_pandas_run_over_its_cap_is_stopped_and_reported(tmp_path: Path) -> None:
    settings = bench.Settings.tiny(cache=tmp_path / "cache")
    store = bench.store_for(5_000, settings, lambda _: None)
    child = bench.run_child("pandas", store.path, settings, tmp_path / "out.parquet", seconds=0.5)
    assert child.stopped == "time" and child.counts is None and not child.runs
    cell = bench._pandas_cell(child, settings)
    assert cell[0].startswith("stopped at the 2-minute cap")


def test_a_child_reports_its_own_peak_not_its_parents() -> None:
    held = bytearray(512 * 1024**2)
    held[::4096] = b"\x01" * len(held[::4096])  # resident, not just reserved
    code = "from benchmarks.service import peak_rss; print(peak_rss())"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=bench.ROOT
    )
    assert 0 < int(out.stdout) < 256 * 1024**2 < len(held)
