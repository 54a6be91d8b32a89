"""The example publication files in ``docs/examples/``: one of each file a published year gives,
made by the very functions that serve the downloads, from the demo's data.

    python -m chiso.web.publishing.examples               # (re)write docs/examples/
    python -m chiso.web.publishing.examples --check       # exit 1 when a file there is stale
    python -m chiso.web.publishing.examples --only 'phu-luc*' 'bieu-do-*'   # some files only

(``make examples`` and ``make examples-check``.) A throwaway SQLite database in a temporary
folder — never ``DATABASE_URL`` — is migrated and seeded as ``make demo`` seeds it: Thái Nguyên,
2023 and 2024 published, modelled criteria, synthetic scores, and the demo's SIPAS results for
2024 — or, where the demo publishes none, the example answers
(``examples/sipas/answers-example.csv``; three communes standing in for three departments).
Every publication time is pinned (20 March of the following year, 09:00 UTC), so that the files
— whose dates come from publication — are the same bytes on every run.

The service-quality (Decision 766) sections read what the demo publishes — synthetic results
for 2024 and 2025, labelled synthetic in the reports — through the reports' real hook,
`chiso.web.services.report_figures.service_figures` (``CHISO_SERVICE_INDICATORS``, see
`chiso.web.public.report_files`), whatever the environment sets it to. Their publication times
are pinned too (20 March of the following year), keeping 2025 the latest publication.

``--check`` writes nothing. It compares what the code makes now with the files in the folder and
exits 1 when one differs, is missing, or is there without being made. PDFs are compared by what
they show — pages, page sizes and the text of each page — and the PNG copies of the charts in
the Word files by their size in pixels, because their bytes also depend on the machine's fonts
and its WeasyPrint and vl-convert builds; everything else byte for byte (the XLSX files, the
Word files' XML and SVG charts, the open-data package, the press text, the SVG charts).
"""

from __future__ import annotations

import argparse
import fnmatch
import io
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

YEAR, BLOCK, UNIT = 2024, "so", "TN.SCT"
REPO = Path(__file__).resolve().parents[4]
OUT = REPO / "docs" / "examples"
SIPAS_ANSWERS = REPO / "examples" / "sipas" / "answers-example.csv"
# The example answers' communes, standing in for three departments of the PAR example.
AS_DEPARTMENTS = {"XA-AN-BINH": "TN.SCT", "XA-HOA-LAC": "TN.STTTT", "XA-TAN-PHU": "TN.SKHCN"}
DEPARTMENTS = {
    "TN.SCT": "Sở Công Thương",
    "TN.STTTT": "Sở Thông tin và Truyền thông",
    "TN.SKHCN": "Sở Khoa học và Công nghệ",
}
# Charts written on their own, by the name their figure has in the reports.
UNIT_CHARTS = ("qua-cac-nam", "sipas", "chat-luong-phuc-vu")
PROVINCE_CHARTS = ("xep-hang", "linh-vuc", "tang-giam")
# The reports' service-quality figures: the published Decision 766 results, as on the site.
SERVICE_HOOK = "chiso.web.services.report_figures.service_figures"


def published_at(year: int) -> datetime:
    return datetime(year + 1, 3, 20, 9, 0, tzinfo=UTC)


# --- the database -------------------------------------------------------------------------------


def prepare(data_dir: Path) -> None:
    """Django on a throwaway SQLite database in `data_dir`, migrated and seeded."""
    from chiso.web.publishing.demo_server import configure

    configure(data_dir, "127.0.0.1")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    seed()


def seed() -> None:
    """The demo's data, SIPAS results for the year (the demo's own if it publishes some, else the
    example answers), publication times pinned."""
    from chiso.web.publishing.demo_seed import seed_demo
    from chiso.web.publishing.selectors import sipas_snapshot_of

    users = seed_demo(say=lambda _line: None)
    if sipas_snapshot_of(YEAR) is None:
        _sipas_example(users["chutich"])
    pin_publication_times()


def _sipas_example(chair: Any) -> None:
    """The example SIPAS answers published for the year, when the demo has published none."""
    import polars as pl

    from chiso.io.answers import read_answers
    from chiso.io.questionnaire_files import load_questionnaire, resolve_questionnaire
    from chiso.web.publishing.sipas import sipas_publish

    questionnaire = resolve_questionnaire("service-user-2024")
    answers = read_answers(SIPAS_ANSWERS, load_questionnaire(questionnaire), None)
    sipas_publish(
        year=YEAR,
        title=f"Khảo sát SIPAS năm {YEAR} (dữ liệu minh họa)",
        questionnaire_yaml=questionnaire.read_text(encoding="utf-8"),
        answers=answers.with_columns(pl.col("unit").replace(AS_DEPARTMENTS)),
        names=DEPARTMENTS,
        seed=YEAR,
        bootstrap=2000,
        by=chair,
    )


def pin_publication_times() -> None:
    """Publication stamps the clock, and the files take their dates from it. A queryset update,
    on a throwaway database: the models refuse to save a published row."""
    from chiso.web.publishing.models import SipasSnapshot, Snapshot
    from chiso.web.services.models import ServiceSnapshot

    for year in (YEAR - 1, YEAR):
        Snapshot.objects.filter(period__year=year).update(published_at=published_at(year))
        SipasSnapshot.objects.filter(year=year).update(published_at=published_at(year))
    for service in ServiceSnapshot.objects.filter(published_at__isnull=False).only("spec"):
        year = int(service.spec[:4])
        ServiceSnapshot.objects.filter(pk=service.pk).update(published_at=published_at(year))


# --- the files ----------------------------------------------------------------------------------


def makers() -> dict[str, Callable[[], bytes]]:
    """Every example file, by name, with the function that makes it (after `prepare`)."""
    from chiso.web.publishing.downloads import FILES

    made: dict[str, Callable[[], bytes]] = {name: _download(name) for name in FILES}
    made["thong-cao.md"] = _press
    for fmt in ("pdf", "docx"):
        made[f"bao-cao-don-vi-{UNIT}.{fmt}"] = _unit_report(fmt)
        made[f"bao-cao-tinh-{YEAR}.{fmt}"] = _province_report(fmt)
    for name in PROVINCE_CHARTS:
        made[f"bieu-do-{name}.svg"] = _chart("province", name)
    for name in UNIT_CHARTS:
        made[f"bieu-do-{name}.svg"] = _chart("unit", name)
    return made


def _download(name: str) -> Callable[[], bytes]:
    def make() -> bytes:
        from chiso.web.publishing.downloads import publication_file

        found = publication_file(YEAR, name)
        assert found is not None, name
        return found.path.read_bytes()

    return make


def _press() -> bytes:
    from chiso.web.publishing.downloads import press_generated

    text = press_generated(YEAR)
    assert text is not None
    return text.encode("utf-8")


def _unit_report(fmt: str) -> Callable[[], bytes]:
    def make() -> bytes:
        from chiso.web.public.report_files import unit_report_file

        with _service_hook():
            found = unit_report_file(YEAR, BLOCK, UNIT, fmt)
        assert found is not None
        return found.path.read_bytes()

    return make


def _province_report(fmt: str) -> Callable[[], bytes]:
    def make() -> bytes:
        from chiso.web.public.report_files import province_report_file

        with _service_hook():
            found = province_report_file(YEAR, fmt)
        assert found is not None
        return found.path.read_bytes()

    return make


def _chart(report: str, name: str) -> Callable[[], bytes]:
    """A chart as the report draws it: its figure's own spec, rendered to SVG."""

    def make() -> bytes:
        from chiso.reports.charts import render_svg
        from chiso.web.public.report_files import province_report_content, unit_report_content

        with _service_hook():
            content = (
                unit_report_content(YEAR, BLOCK, UNIT)
                if report == "unit"
                else province_report_content(YEAR)
            )
        assert content is not None
        figure = next(f for f in content.figures() if f.name == name)
        return render_svg(figure.spec).encode("utf-8")

    return make


def _service_hook() -> Any:
    from django.test import override_settings

    return override_settings(CHISO_SERVICE_INDICATORS=SERVICE_HOOK)


def selected(names: Sequence[str], patterns: Sequence[str] | None) -> list[str]:
    if not patterns:
        return list(names)
    return [n for n in names if any(fnmatch.fnmatchcase(n, p) for p in patterns)]


# --- comparing ----------------------------------------------------------------------------------


def content(name: str, data: bytes) -> Any:
    """What `--check` compares: the bytes, except where they depend on the machine (a PDF: its
    pages, their sizes and text; a PNG inside a Word file: its size in pixels)."""
    if name.endswith(".pdf"):
        return _pdf_content(data)
    if name.endswith(".docx"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [
                (i.filename, _png_size(archive.read(i)) if _is_png(i.filename) else archive.read(i))
                for i in archive.infolist()
            ]
    return data


def _is_png(member: str) -> bool:
    return member.startswith("word/media/") and member.endswith(".png")


def _png_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size


def _pdf_content(data: bytes) -> list[tuple[tuple[int, int], str]]:
    try:
        import pypdfium2 as pdfium
    except ImportError as missing:  # a dev dependency: `pip install -e '.[dev]'`
        raise SystemExit(f"--check needs pypdfium2 to read PDFs ({missing}).") from None
    document = pdfium.PdfDocument(data)
    pages = []
    for page in document:
        width, height = page.get_size()
        pages.append(((round(width), round(height)), page.get_textpage().get_text_range()))
    return pages


def stale(out: Path, made: dict[str, bytes], *, everything: bool) -> list[str]:
    """Names of the files in `out` that differ from `made`, are missing, or (when `everything`
    was made) are there without being made."""
    found = []
    for name, data in made.items():
        path = out / name
        if not path.exists() or content(name, path.read_bytes()) != content(name, data):
            found.append(name)
    if everything:
        found += sorted(p.name for p in out.iterdir() if p.is_file() and p.name not in made)
    return found


# --- the command --------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chiso.web.publishing.examples",
        description="Make the example publication files in docs/examples/ (or check them).",
    )
    parser.add_argument("--out", type=Path, default=OUT, help="folder (default docs/examples)")
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    parser.add_argument("--only", nargs="+", metavar="GLOB", help="only files matching a pattern")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="chiso-examples-") as tmp:
        prepare(Path(tmp))
        every = makers()
        names = selected(list(every), args.only)
        if not names:
            parser.error(f"no example file matches {' '.join(args.only)}")
        made = {name: every[name]() for name in names}
    out: Path = args.out
    if args.check:
        differ = stale(out, made, everything=not args.only)
        for name in differ:
            print(f"cũ: {out / name}", file=sys.stderr)
        print(f"{len(made) - len(differ)}/{len(made)} tệp khớp với mã nguồn.")
        if differ:
            print("Chạy `make examples` để tạo lại.", file=sys.stderr)
        return 1 if differ else 0
    out.mkdir(parents=True, exist_ok=True)
    for name, data in made.items():
        (out / name).write_bytes(data)
        print(f"{out / name}  ({len(data):,} byte)")
    if not args.only:
        for extra in sorted(p for p in out.iterdir() if p.is_file() and p.name not in made):
            extra.unlink()
            print(f"{extra}  (xóa: không còn là tệp mẫu)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
