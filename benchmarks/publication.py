"""Benchmark the publication files and write their section (`publication`) of docs/benchmarks.md.

    python -m benchmarks.publication [--write docs/benchmarks.md] [--quick] [--date YYYY-MM-DD]

`make bench` runs it after the other sections (`benchmarks.run` calls `run_section`). The
measuring runs in a child process (`--measure`): Django's settings are fixed per process and
the web section has set them up for its own database. No database is used: the synthetic
province of `benchmarks.synthetic` (the one `benchmarks.run` scores) is built with
`snapshot_build` for 2023 and 2024 and assembled into the year's publication document exactly
as the web app does (`chiso.web.publishing.downloads.assemble`), from unsaved snapshots.

For each publication file: the time to generate it (what the first request after publication
pays, then never again for that snapshot), its size, and for the PDF its pages — against the
baseline of serving the cached file (reading its bytes back from disk), measured in the same
run. Two province sizes: 150 units (a province's departments and communes after 2025) and 600
(every unit of a large province in one year).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.run import _wrap, machine
from benchmarks.sections import write_marked

START = "<!-- bench:publication:start -->"
END = "<!-- bench:publication:end -->"
SIZES = (150, 600)
QUICK_SIZES = (60,)
LEAVES = 120
YEARS = ((2023, 2023), (2024, 2024))  # (year, seed)


def configure(data_dir: Path) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "chiso.web.settings"
    os.environ["CHISO_DATA_DIR"] = str(data_dir)
    os.environ["CHISO_DEBUG"] = "true"
    os.environ.setdefault("CHISO_SECRET_KEY", secrets.token_urlsafe(50))


def document_of(units: int) -> dict[str, Any]:
    """The 2024 publication document of the synthetic province with `units` units."""
    from datetime import UTC

    from benchmarks.synthetic import make_province
    from chiso.engine.inputs import ScoreRow, Unit
    from chiso.io.criteria_yaml import dump_method_yaml
    from chiso.web.evaluations.models import Period, PeriodState
    from chiso.web.publishing.build import snapshot_build
    from chiso.web.publishing.downloads import assemble
    from chiso.web.publishing.models import Snapshot

    method_yaml = dump_method_yaml(make_province(units, LEAVES, seed=2024).method_data)
    snapshots: dict[tuple[int, str], Snapshot] = {}
    for year, seed in YEARS:
        data = make_province(units, LEAVES, seed=seed)
        period = Period(year=year, title=str(year), state=PeriodState.PUBLISHED)
        for block in ("so", "xa"):
            block_units = [Unit(c, n, b, k) for c, n, b, k in data.units if b == block]
            codes = {u.code for u in block_units}
            built = snapshot_build(
                method_yaml=method_yaml,
                units=block_units,
                rows=[ScoreRow(*r) for r in data.rows if r[0] in codes],
                previous=snapshots.get((year - 1, block)),
            )
            snapshots[(year, block)] = Snapshot(
                period=period,
                block=block,
                block_title=built["extras"]["method"]["blocks"][block],
                method_yaml=method_yaml,
                method_hash=built["method_hash"],
                inputs_hash=built["inputs_hash"],
                inputs=built["inputs"],
                results=built["results"],
                ranking=built["results"]["units"],
                extras=built["extras"],
                published_at=datetime.datetime(year + 1, 3, 20, tzinfo=UTC),
            )
    pairs = [(snapshots[(2024, b)], snapshots[(2023, b)]) for b in ("so", "xa")]
    return assemble(2024, pairs)


def measure_size(units: int, repeats: int, folder: Path) -> dict[str, Any]:
    from chiso.reports.layout import PublicationSettings
    from chiso.web.publishing.downloads import FILES

    document = document_of(units)
    settings = PublicationSettings(province=document["province"] or "Tổng hợp")
    rows = []
    for name, kind in FILES.items():
        times, data = [], b""
        for _ in range(repeats):
            began = time.perf_counter()
            data = kind.write(document, settings)
            times.append(time.perf_counter() - began)
        path = folder / f"{units}-{name}"
        path.write_bytes(data)
        reads = []
        for _ in range(50):
            began = time.perf_counter()
            path.read_bytes()
            reads.append(time.perf_counter() - began)
        rows.append(
            {
                "name": name,
                "generate_s": statistics.median(times),
                "cached_s": statistics.median(reads),
                "bytes": len(data),
                "pages": _pages(data) if name.endswith(".pdf") else None,
                "same_bytes": kind.write(document, settings) == data,
            }
        )
    return {"units": units, "rows": rows}


def _pages(data: bytes) -> int:
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(data))


def measure(quick: bool) -> dict[str, Any]:
    import django

    with tempfile.TemporaryDirectory(prefix="chiso-bench-publication-") as tmp:
        configure(Path(tmp))
        django.setup()
        sizes = QUICK_SIZES if quick else SIZES
        repeats = 1 if quick else 3
        return {
            "repeats": repeats,
            "sizes": [measure_size(n, repeats, Path(tmp)) for n in sizes],
        }


# --- the section --------------------------------------------------------------------------------


def render(result: dict[str, Any], command: str, date: str, quick: bool) -> str:
    lines = [
        START,
        "## Publication files",
        "",
        f"The synthetic province of the PAR section ({LEAVES} leaves, departments and communes "
        "in two blocks), published for 2023 and 2024; the 2024 files, generated from the "
        "publication document as the download URLs do (median of "
        f"{result['repeats']}). Baseline: serving the cached file — reading its bytes back "
        "from disk (median of 50) — which is what every request after the first does.",
        "",
        "| units | file | generate (s) | cached (ms) | × baseline | size (KB) | PDF pages | "
        "same bytes twice |",
        "|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for size in result["sizes"]:
        for row in size["rows"]:
            lines.append(
                f"| {size['units']} | `{row['name']}` | {row['generate_s']:.2f} | "
                f"{row['cached_s'] * 1000:.3f} | {row['generate_s'] / row['cached_s']:,.0f} | "
                f"{row['bytes'] / 1024:,.0f} | {row['pages'] or ''} | "
                f"{'yes' if row['same_bytes'] else 'no'} |"
            )
    lines += [
        "",
        "Files are made once per snapshot and kept under `$CHISO_DATA_DIR/publications/`; "
        "the reform office makes them ahead in the background (job `publication.generate`) "
        "so that no public request waits for the slow ones.",
        "",
        *[f"- {key}: {value}" for key, value in machine().items()],
        f"- Date: {date}",
        f"- Command: `{command}`"
        + (
            " (quick)"
            if quick
            else ""
            if command.startswith("python -m benchmarks.publication")
            else " (this section alone: "
            "`python -m benchmarks.publication --write docs/benchmarks.md`)"
        ),
        END,
        "",
    ]
    return "\n".join(_wrap(line) for line in lines)


def write_section(path: Path, section: str) -> None:
    """Replace this section of `path`, or append it; other sections are left as they are."""
    write_marked(path, section, START, END)


def run_section(*, write: Path | None, command: str, date: str, quick: bool) -> dict[str, Any]:
    """Measure in a child process, print the section and write it."""
    child = [sys.executable, "-m", "benchmarks.publication", "--measure"]
    child += ["--quick"] if quick else []
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    out = subprocess.run(child, check=True, capture_output=True, text=True, env=env)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    section = render(result, command, date, quick)
    print(section)
    if write:
        write_section(write, section)
        print(f"written to {write}", file=sys.stderr)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.publication", description=__doc__)
    parser.add_argument("--write", type=Path, help="write the section into this Markdown file")
    parser.add_argument("--quick", action="store_true", help="one small province, one repeat")
    parser.add_argument("--date", help="date to record (default: today)")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.quick)))
        return 0
    date = args.date or datetime.date.today().isoformat()
    command = " ".join(["python -m benchmarks.publication", *(argv or sys.argv[1:])])
    run_section(write=args.write, command=command, date=date, quick=args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
