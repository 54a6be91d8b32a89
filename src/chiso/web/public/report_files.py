"""The unit report and the province report as files: assembled from published snapshots only,
written by `chiso.reports` on the first request and kept under `$CHISO_DATA_DIR/reports/`.

A file's name carries a key hashed from everything it is made of — the snapshots it reads (id,
input hash, publication time), the published years its history reads, the year's SIPAS
snapshot, the service-quality figures, and the generator version — so a cached file never goes
stale: a new publication makes a new key. Files are written to a temporary name and renamed, so
a reader never sees half a file. Nothing exists for a year the council has not approved.

Service-quality indicators (Decision 766) come in through one hook, so that this module never
imports the app that measures them: the setting ``CHISO_SERVICE_INDICATORS``, the dotted path of
a function ``(*, year: int, unit: str | None) -> ServiceFigures | None`` (``unit`` None: the
province as a whole). It must return only *published* figures. Unset, or returning None, the
reports simply have no service-quality section.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from chiso.io.method_files import parse_yaml
from chiso.reports import province_report, render_docx, render_pdf, unit_report
from chiso.reports.model import Report
from chiso.web.public.documents import unit_document
from chiso.web.public.sipas_display import interval_rows
from chiso.web.publishing.downloads import publication_document
from chiso.web.publishing.models import SipasSnapshot, Snapshot
from chiso.web.publishing.selectors import (
    sipas_snapshot_of,
    snapshot_of,
    snapshots_published,
    unit_history,
)

# Bump when a report's content or look changes: files of the old version are not reused.
GENERATOR_VERSION = "7"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {"pdf": "application/pdf", "docx": DOCX}
WRITERS: dict[str, Callable[[Report], bytes]] = {"pdf": render_pdf.write, "docx": render_docx.write}
REPORT_TITLES = {
    "pdf": _("Báo cáo tổng hợp của tỉnh: xếp hạng, biểu đồ, SIPAS (PDF)"),
    "docx": _("Báo cáo tổng hợp của tỉnh: xếp hạng, biểu đồ, SIPAS (Word)"),
}


@dataclass(frozen=True)
class ReportFile:
    path: Path
    key: str
    filename: str
    content_type: str


@dataclass(frozen=True)
class ServiceFigures:
    """Published service-quality values for a report.

    `rows`: ``{"period": "2024-03", "indicator": "Hồ sơ giải quyết đúng hạn (%)", "value":
    96.2}`` — periods as ISO text (a month, a quarter ``2024-Q1`` or a year), one row per
    indicator and period; `key`: what they were read from (e.g. the published snapshot's id and
    inputs hash), part of the cached file's key; `note`: printed under the section's
    introduction (e.g. that the values are synthetic)."""

    rows: Sequence[Mapping[str, Any]]
    key: str
    note: str = ""


def service_figures(year: int, unit: str | None) -> ServiceFigures | None:
    """The service-quality figures the hook ``CHISO_SERVICE_INDICATORS`` gives for `unit` (None:
    the province) in `year`; None without a hook or without figures."""
    path = getattr(settings, "CHISO_SERVICE_INDICATORS", "")
    if not path:
        return None
    found = import_string(path)(year=year, unit=unit)
    if found is not None and not isinstance(found, ServiceFigures):
        raise TypeError(f"{path} returned {type(found).__name__}, not ServiceFigures")
    return found if found is not None and found.rows else None


def unit_report_file(
    year: int, block: str, unit: str, fmt: str, *, generate: bool = True
) -> ReportFile | None:
    """The report of `unit` in the published `block` of `year`; None when not published. With
    `generate` false a file not made yet is not made (its `path` does not exist)."""
    snapshot = snapshot_of(year, block)
    if snapshot is None or not any(r["unit"] == unit for r in snapshot.ranking or ()):
        return None
    sipas = sipas_snapshot_of(year)
    service = service_figures(year, unit)
    parts = (unit, _published_state(), _sipas_state(sipas), _service_state(service))
    key = _key("unit", fmt, [snapshot], *parts)
    name = f"chiso-{year}-{block}-{_safe(unit)}-bao-cao.{fmt}"

    def write() -> bytes:
        report = unit_report_content(year, block, unit, sipas=sipas, service=service)
        assert report is not None
        return WRITERS[fmt](report)

    return _cached(year, key, name, fmt, write, generate=generate)


def province_report_file(year: int, fmt: str, *, generate: bool = True) -> ReportFile | None:
    """The province report of `year`: every published block; None before publication. With
    `generate` false a file not made yet is not made (its `path` does not exist)."""
    snapshots = list(snapshots_published().filter(period__year=year))
    if not snapshots:
        return None
    sipas = sipas_snapshot_of(year)
    service = service_figures(year, None)
    parts = ("", _published_state(), _sipas_state(sipas), _service_state(service))
    key = _key("province", fmt, snapshots, *parts)

    def write() -> bytes:
        report = province_report_content(year, sipas=sipas, service=service)
        assert report is not None
        return WRITERS[fmt](report)

    return _cached(year, key, f"chiso-{year}-bao-cao.{fmt}", fmt, write, generate=generate)


def province_report_listing(year: int) -> list[dict[str, Any]]:
    """The province report's files for a downloads list (name, title, URL, size when made),
    in the shape of `chiso.web.publishing.downloads.file_listing`; empty before publication."""
    rows = []
    for fmt, title in REPORT_TITLES.items():
        found = province_report_file(year, fmt, generate=False)
        if found is None:
            return []
        rows.append(
            {
                "name": f"bao-cao.{fmt}",
                "title": title,
                "url": f"/{year}/bao-cao.{fmt}",
                "size": found.path.stat().st_size if found.path.exists() else None,
            }
        )
    return rows


def unit_reports_of(year: int) -> list[tuple[str, str, str]]:
    """(block, unit code, unit name) of every unit in the year's published rankings."""
    return [
        (snapshot.block, row["unit"], row["name"])
        for snapshot in snapshots_published().filter(period__year=year).order_by("id")
        for row in snapshot.ranking or ()
    ]


# --- contents -----------------------------------------------------------------------------------
# The province report reads the year's publication document, as the decision annex does
# (`chiso.web.publishing.downloads.publication_document`).

_UNSET: Any = object()


def unit_report_content(
    year: int,
    block: str,
    unit: str,
    *,
    sipas: SipasSnapshot | None = _UNSET,
    service: ServiceFigures | None = _UNSET,
) -> Report | None:
    """What the unit's report says (both formats draw it); None when not published. `sipas`
    and `service` default to the year's published ones (passed in when already read)."""
    snapshot = snapshot_of(year, block, full=True)
    document = unit_document(snapshot, unit, unit_history(unit)) if snapshot else None
    if snapshot is None or document is None:
        return None
    sipas = sipas_snapshot_of(year) if sipas is _UNSET else sipas
    service = service_figures(year, unit) if service is _UNSET else service
    method = snapshot.extras["method"]
    leaves = [leaf for leaf in snapshot.results["leaves"] if leaf["unit"] == unit]
    return unit_report.unit_report(
        document,
        province=method["jurisdiction"],
        criteria=[{**x, "title": method["titles"].get(x["criterion"], "")} for x in leaves],
        titles=method["titles"],
        sipas=unit_sipas(sipas, unit),
        sipas_level=_level(sipas),
        service=service.rows if service else None,
        service_note=service.note if service else "",
        adjustments=adjustments_of(snapshot),
    )


def adjustments_of(snapshot: Snapshot) -> list[str]:
    """Which of bonus and penalty points the snapshot's method gives (its file's top-level
    `bonus` and `penalty`)."""
    data = parse_yaml(snapshot.method_yaml) or {}
    return [name for name in ("bonus", "penalty") if data.get(name)]


def province_report_content(
    year: int,
    *,
    sipas: SipasSnapshot | None = _UNSET,
    service: ServiceFigures | None = _UNSET,
) -> Report | None:
    """What the province report of `year` says; None before publication."""
    publication = publication_document(year)
    if publication is None:
        return None
    sipas = sipas_snapshot_of(year) if sipas is _UNSET else sipas
    service = service_figures(year, None) if service is _UNSET else service
    return province_report.province_report(
        publication,
        sipas=province_sipas(sipas),
        sipas_level=_level(sipas),
        service=service.rows if service else None,
        service_note=service.note if service else "",
    )


def unit_sipas(sipas: SipasSnapshot | None, unit: str) -> list[dict[str, Any]] | None:
    """The unit's SIPAS factor estimates ({factor, estimate, low, high, n}), if published."""
    if sipas is None:
        return None
    document = sipas.document
    row = next((u for u in document["units"] if u["unit"] == unit), None)
    if row is None:
        return None
    factors = [n for n in document["nodes"] if n["level"] == "factor"]
    return [
        {"factor": f["title"], **{k: node[k] for k in ("estimate", "low", "high", "n")}}
        for f in factors
        if (node := row["nodes"].get(f["code"])) and node["estimate"] is not None
    ] or None


def province_sipas(sipas: SipasSnapshot | None) -> list[dict[str, Any]] | None:
    """Each unit's overall SIPAS estimate, in the published order, if published."""
    if sipas is None:
        return None
    return interval_rows(sipas.document["units"]) or None


def _level(sipas: SipasSnapshot | None) -> float:
    return float(sipas.document["about"]["level"]) if sipas is not None else 0.95


# --- the cache ----------------------------------------------------------------------------------


def cache_dir() -> Path:
    return Path(settings.DATA_DIR) / "reports"


def _published_state() -> list[list[Any]]:
    """Every published snapshot (a unit's history reads them all)."""
    rows = snapshots_published().values_list("pk", "inputs_hash", "published_at")
    return [[pk, inputs, when.isoformat()] for pk, inputs, when in rows]


def _sipas_state(sipas: SipasSnapshot | None) -> list[Any] | None:
    return [sipas.pk, sipas.answers_hash, sipas.published_at.isoformat()] if sipas else None


def _service_state(service: ServiceFigures | None) -> list[str] | None:
    return [service.key, service.note] if service else None


def _key(kind: str, fmt: str, snapshots: Iterable[Snapshot], *parts: Any) -> str:
    content = {
        "version": GENERATOR_VERSION,
        "kind": kind,
        "format": fmt,
        "snapshots": [[s.pk, s.inputs_hash, s.published_at.isoformat()] for s in snapshots],
        "parts": parts,
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _cached(
    year: int,
    key: str,
    filename: str,
    fmt: str,
    write: Callable[[], bytes],
    *,
    generate: bool = True,
) -> ReportFile:
    folder = cache_dir() / str(year)
    path = folder / f"{key}-{filename}"
    if generate and not path.exists():
        _write_atomic(path, write())
        # The same report made from older snapshots (before a new year was published).
        for old in folder.glob(f"*-{filename}"):
            if old != path:
                old.unlink(missing_ok=True)
    return ReportFile(path, key, filename, CONTENT_TYPES[fmt])


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


def _safe(code: str) -> str:
    """A unit code as part of a download's file name."""
    return "".join(c if c.isalnum() or c in "-._" else "-" for c in code)
