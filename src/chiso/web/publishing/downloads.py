"""The publication files of a year: what they are made from, and their cache.

`publication_document(year)` gathers every published block of a year into one plain document
(each block's public ranking document, plus its field, component and criterion scores, the
inputs and the method file, and last year's ranking rows) — the only thing the writers in
`chiso.reports` read. Nothing is returned for a year the council has not approved.

Files are generated once per set of snapshots and kept under `$CHISO_DATA_DIR/publications/`,
named by a key hashed from the snapshots' ids and hashes, the publication settings and the
generator version: a snapshot never changes, so a file never goes stale, and changing the
decision number simply makes a new key. Files are written to a temporary name and renamed, so
a reader never sees half a file, and two first requests at once both end with one whole file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.utils.translation import gettext_lazy as _

from chiso.reports import annex_docx, annex_pdf, annex_xlsx, open_data, press
from chiso.reports.annex import build_annex
from chiso.reports.figures import method_statuses
from chiso.reports.layout import PublicationSettings
from chiso.reports.open_data import slug
from chiso.web.evaluations.models import PeriodState
from chiso.web.public.display import status_text
from chiso.web.public.documents import ranking_document
from chiso.web.publishing.models import Publication, Snapshot
from chiso.web.publishing.selectors import snapshots_published

# Bump when a writer changes what it writes: cached files of the old version are not reused.
GENERATOR_VERSION = "2"
SCHEMA = "chiso.publication.year/1"


@dataclass(frozen=True)
class FileKind:
    """One downloadable file: its name in the URL, content type and how it is written."""

    name: str
    content_type: str
    title: Any  # a lazily translated string
    write: Callable[[dict[str, Any], PublicationSettings], bytes]


def _annex(writer: Any, with_fields: bool) -> Callable[..., bytes]:
    def write(document: dict[str, Any], settings: PublicationSettings) -> bytes:
        return writer.write(build_annex(document, settings, with_fields=with_fields))

    return write


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
FILES: dict[str, FileKind] = {
    kind.name: kind
    for kind in (
        FileKind("phu-luc.xlsx", XLSX, _("Phụ lục (Excel)"), _annex(annex_xlsx, False)),
        FileKind("phu-luc.docx", DOCX, _("Phụ lục (Word)"), _annex(annex_docx, False)),
        FileKind("phu-luc.pdf", PDF, _("Phụ lục (PDF)"), _annex(annex_pdf, False)),
        FileKind(
            "phu-luc-linh-vuc.xlsx",
            XLSX,
            _("Phụ lục có điểm từng lĩnh vực (Excel)"),
            _annex(annex_xlsx, True),
        ),
        FileKind(
            "phu-luc-linh-vuc.docx",
            DOCX,
            _("Phụ lục có điểm từng lĩnh vực (Word)"),
            _annex(annex_docx, True),
        ),
        FileKind(
            "phu-luc-linh-vuc.pdf",
            PDF,
            _("Phụ lục có điểm từng lĩnh vực (PDF)"),
            _annex(annex_pdf, True),
        ),
        FileKind(
            "du-lieu-mo.zip",
            "application/zip",
            _("Dữ liệu mở: CSV, JSON, từ điển dữ liệu (gói Frictionless)"),
            open_data.write,
        ),
    )
}


# --- the document -------------------------------------------------------------------------------


def year_snapshots(year: int, *, full: bool = False) -> list[Snapshot]:
    """The published snapshots of `year`, in publication order; without their heavy parts
    (inputs, results, method file) unless `full`."""
    snapshots = Snapshot.objects.filter(period__year=year, period__state=PeriodState.PUBLISHED)
    if not full:
        snapshots = snapshots.defer("inputs", "results", "method_yaml", "ranking")
    return list(snapshots.select_related("period").order_by("id"))


def publication_document(year: int) -> dict[str, Any] | None:
    """Every published block of `year` as one plain document; None before publication."""
    snapshots = year_snapshots(year, full=True)
    if not snapshots:
        return None
    return assemble(year, [(s, previous_snapshot(s)) for s in snapshots])


def assemble(year: int, blocks: list[tuple[Snapshot, Snapshot | None]]) -> dict[str, Any]:
    """The publication document of `year` from its snapshots, each with last year's."""
    return {
        "schema": SCHEMA,
        "year": year,
        "province": blocks[0][0].extras["method"]["jurisdiction"],
        "published_at": max(s.published_at for s, _ in blocks).isoformat(),
        "blocks": [block_document(s, previous) for s, previous in blocks],
    }


def block_document(snapshot: Snapshot, previous: Snapshot | None) -> dict[str, Any]:
    """A block's public ranking document with everything the files add to it; `previous` is
    last year's snapshot of the block (its rows give last year's average)."""
    results = snapshot.results
    titles = snapshot.extras["method"]["titles"]
    components = {c["code"]: c["title"] for c in snapshot.extras["method"]["components"]}
    fields = {f["field"]: f["title"] for f in results["fields"]}
    return {
        **ranking_document(snapshot),
        "method_yaml": snapshot.method_yaml,
        "fields": [{"field": code, "title": fields[code]} for code in sorted(fields, key=_nat)],
        "field_scores": [
            {k: f[k] for k in ("unit", "field", "points", "max", "index")}
            for f in results["fields"]
        ],
        "components": [{"component": c, "title": t} for c, t in components.items()],
        "component_scores": results["components"],
        "criteria": [
            {**leaf, "title": titles.get(leaf["criterion"], "")} for leaf in results["leaves"]
        ],
        "inputs": snapshot.inputs,
        "previous": _previous_rows(previous),
    }


def previous_snapshot(snapshot: Snapshot) -> Snapshot | None:
    """The published snapshot the block was compared with (its `previous_year`)."""
    year = (snapshot.extras.get("history") or {}).get("previous_year")
    if year is None:
        return None
    return snapshots_published().filter(period__year=year, block=snapshot.block).first()


def _previous_rows(previous: Snapshot | None) -> dict[str, Any] | None:
    if previous is None:
        return None
    keys = ("unit", "name", "index", "rank", "band")
    rows = previous.ranking or previous.results["units"]
    return {"year": previous.period.year, "units": [{k: r[k] for k in keys} for r in rows]}


def _nat(code: str) -> tuple[Any, ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))


# --- settings -----------------------------------------------------------------------------------


def publication_settings(year: int, province: str) -> PublicationSettings:
    """The decision's number and date as the reform office entered them (blank until then)."""
    record = Publication.objects.filter(period__year=year).first()
    return PublicationSettings(
        province=province,
        decision_number=record.decision_number if record else "",
        decision_date=record.decision_date if record else None,
    )


# --- the cache ----------------------------------------------------------------------------------


def cache_dir() -> Path:
    return Path(django_settings.DATA_DIR) / "publications"


def cache_key(snapshots: list[Snapshot], settings: PublicationSettings) -> str:
    """Content-derived: the snapshots (and last year's, which the averages read), the
    settings and the generator version."""
    previous = [previous_snapshot(s) for s in snapshots]
    parts = {
        "version": GENERATOR_VERSION,
        "snapshots": [_identity(s) for s in snapshots],
        "previous": [_identity(p) if p else None for p in previous],
        "settings": settings.cache_key(),
    }
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _identity(snapshot: Snapshot) -> list[Any]:
    return [
        snapshot.pk,
        snapshot.block,
        snapshot.method_hash,
        snapshot.inputs_hash,
        snapshot.published_at.isoformat(),
    ]


@dataclass(frozen=True)
class PublicationFile:
    path: Path
    kind: FileKind
    key: str
    filename: str


def publication_file(year: int, name: str, *, generate: bool = True) -> PublicationFile | None:
    """The file `name` of `year`, generated on first request and cached; None when the year
    has nothing published or `name` is not a publication file. With `generate` false a file
    not made yet is not made (its `path` does not exist)."""
    kind = FILES.get(name)
    snapshots = year_snapshots(year)
    if kind is None or not snapshots:
        return None
    province = snapshots[0].extras["method"]["jurisdiction"]
    settings = publication_settings(year, province)
    key = cache_key(snapshots, settings)
    folder = cache_dir() / str(year)
    path = folder / f"{key}-{name}"
    if generate and not path.exists():
        document = publication_document(year)
        assert document is not None
        _write_atomic(path, kind.write(document, settings))
        _prune(folder, keep=path, name=name)
    filename = f"chiso-{slug(province)}-{year}-{name}"
    return PublicationFile(path=path, kind=kind, key=key, filename=filename)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _prune(folder: Path, *, keep: Path, name: str) -> None:
    """Older keys of the same file (a changed decision number, a newer generator)."""
    for old in folder.glob(f"*-{name}"):
        if old != keep:
            old.unlink(missing_ok=True)


# --- reads for the pages ------------------------------------------------------------------------


def published_years() -> list[int]:
    """Years with published snapshots, newest first."""
    years = snapshots_published().values_list("period__year", flat=True).distinct()
    return sorted(set(years), reverse=True)


def publication_of(year: int) -> Publication | None:
    return Publication.objects.filter(period__year=year).select_related("period").first()


def press_released(year: int) -> Publication | None:
    """The year's publication record if its press summary has been released (and the year is
    still published)."""
    record = publication_of(year)
    if record is None or not record.press_text or not year_published(year):
        return None
    return record


def year_published(year: int) -> bool:
    return snapshots_published().filter(period__year=year).exists()


def press_generated(year: int) -> str | None:
    """The generated draft of the year's press summary; None before publication."""
    document = publication_document(year)
    if document is None:
        return None
    return press.summary(document, publication_settings(year, document["province"]))


def file_listing(year: int) -> list[dict[str, Any]]:
    """The year's publication files for the downloads page — the annexes, the open data and the
    province report: name, title, URL, and size when already generated."""
    snapshots = year_snapshots(year)
    if not snapshots:
        return []
    settings = publication_settings(year, snapshots[0].extras["method"]["jurisdiction"])
    key = cache_key(snapshots, settings)
    rows = []
    for kind in FILES.values():
        path = cache_dir() / str(year) / f"{key}-{kind.name}"
        size = path.stat().st_size if path.exists() else None
        rows.append(
            {
                "name": kind.name,
                "title": kind.title,
                "url": f"/{year}/tai-ve/{kind.name}",
                "size": size,
            }
        )
    # The province report (`chiso.web.public.report_files`, which reads this module: imported
    # here, not at the top).
    from chiso.web.public.report_files import province_report_listing

    return rows + province_report_listing(year)


def status_labels(year: int) -> list[str]:
    """What the pages of the year must say about its numbers (modelled, reproduction), in the
    interface language."""
    blocks = [
        {"method": {"status": m["status"], "status_label": status_text(m["status"])}}
        for m in (s.extras["method"] for s in snapshots_published().filter(period__year=year))
    ]
    return method_statuses({"blocks": blocks})
