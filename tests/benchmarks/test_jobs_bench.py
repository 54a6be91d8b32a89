"""The jobs benchmark's section: rendered from a measurement, written between its markers."""

from __future__ import annotations

from pathlib import Path

from benchmarks.jobs import END, START, render, write_section

RESULT = {
    "progress": {
        "rows": 1000,
        "bare_us": 0.1,
        "throttled_us": 0.6,
        "throttled_writes": 2,
        "every_rows": 100,
        "every_us": 500.0,
        "every_writes": 100,
    },
    "queue": {
        "blocks": 2,
        "repeats": 3,
        "direct_s": 1.0,
        "queued_s": 1.5,
        "queued_max_s": 1.8,
        "poll_s": 0.5,
    },
}


def test_the_section_reports_each_measurement_against_its_baseline() -> None:
    section = render(RESULT, "python -m benchmarks.jobs", "2026-01-02", quick=False)
    assert section.startswith(START) and section.rstrip().endswith(END)
    assert (
        "| `report()` every row, throttled (default 0.5 s) | 1,000 | 0.600 | 2 | 6.0 |" in section
    )
    assert "| job through the queue and the worker, start → done | 1.500 | 1.5 |" in section
    assert "The queue adds 0.50 s per job" in section
    assert all(len(line) <= 100 for line in section.splitlines() if not line.startswith("|"))


def test_writing_replaces_only_its_own_section(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# B\n\nother\n\n{START}\nold\n{END}\n\ntail\n", encoding="utf-8")
    write_section(doc, f"{START}\nnew\n{END}\n")
    assert doc.read_text(encoding="utf-8") == f"# B\n\nother\n\n{START}\nnew\n{END}\n\ntail\n"
