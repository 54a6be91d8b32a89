"""The publication benchmark's section: rendered from a measurement, written between markers;
and the document it measures is built the way the web app builds it."""

from __future__ import annotations

from pathlib import Path

from benchmarks.publication import END, START, render, write_section

RESULT = {
    "repeats": 3,
    "sizes": [
        {
            "units": 150,
            "rows": [
                {
                    "name": "phu-luc.pdf",
                    "generate_s": 2.0,
                    "cached_s": 0.00001,
                    "bytes": 40960,
                    "pages": 8,
                    "same_bytes": True,
                },
                {
                    "name": "du-lieu-mo.zip",
                    "generate_s": 0.5,
                    "cached_s": 0.00002,
                    "bytes": 204800,
                    "pages": None,
                    "same_bytes": True,
                },
            ],
        }
    ],
}


def test_the_section_reports_each_file_against_its_baseline() -> None:
    section = render(RESULT, "python -m benchmarks.publication", "2026-01-02", quick=False)
    assert section.startswith(START) and section.rstrip().endswith(END)
    assert "| 150 | `phu-luc.pdf` | 2.00 | 0.010 | 200,000 | 40 | 8 | yes |" in section
    assert "| 150 | `du-lieu-mo.zip` | 0.50 | 0.020 | 25,000 | 200 |  | yes |" in section
    assert all(len(line) <= 100 for line in section.splitlines() if not line.startswith("|"))


def test_the_section_replaces_only_itself(tmp_path: Path) -> None:
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n<!-- bench:par:start -->\nPAR\n<!-- bench:par:end -->\n")
    write_section(path, render(RESULT, "c", "2026-01-02", quick=True))
    write_section(path, render(RESULT, "c", "2026-01-03", quick=True))
    text = path.read_text()
    assert text.count(START) == 1 and "PAR" in text and "2026-01-03" in text
