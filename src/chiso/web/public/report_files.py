"""The unit report and the province report as files: assembled from published snapshots only,
written by `chiso.reports` on the first request and kept under `$CHISO_DATA_DIR/reports/`.

A file's name carries a key hashed from everything it is made of — the snapshots it reads (id,
input hash, publication time), the published years its history reads, the year's SIPAS
snapshot, and the generator version — so a cached file never goes stale: a new publication
makes a new key. Files are written to a temporary name and renamed, so a reader never sees half
a file. Nothing exists for a year the council has not approved.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from chiso.reports import province_report, unit_report
from chiso.web.public.documents import unit_document
from chiso.web.publishing.downloads import publication_document
from chiso.web.publishing.models import SipasSnapshot, Snapshot
from chiso.web.publishing.selectors import (
    sipas_snapshot_of,
    snapshot_of,
    snapshots_published,
    unit_history,
)

# Bump when a report's content or look changes: files of the old version are not reused.
GENERATOR_VERSION = "1"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {"pdf": "application/pdf", "docx": DOCX}


@dataclass(frozen=True)
class ReportFile:
    path: Path
    key: str
    filename: str
    content_type: str


def unit_report_file(year: int, block: str, unit: str, fmt: str) -> ReportFile | None:
    """The report of `unit` in the published `block` of `year`; None when not published."""
    snapshot = snapshot_of(year, block)
    if snapshot is None or not any(r["unit"] == unit for r in snapshot.ranking or ()):
        return None
    sipas = sipas_snapshot_of(year)
    key = _key("unit", fmt, [snapshot], unit, _published_state(), _sipas_state(sipas))
    name = f"chiso-{year}-{block}-{_safe(unit)}-bao-cao.{fmt}"

    def write() -> bytes:
        full = snapshot_of(year, block, full=True)
        assert full is not None
        return _unit_bytes(full, unit, sipas, fmt)

    return _cached(year, key, name, fmt, write)


def province_report_file(year: int, fmt: str) -> ReportFile | None:
    """The province report of `year`: every published block; None before publication."""
    snapshots = list(snapshots_published().filter(period__year=year))
    if not snapshots:
        return None
    sipas = sipas_snapshot_of(year)
    key = _key("province", fmt, snapshots, "", _published_state(), _sipas_state(sipas))

    def write() -> bytes:
        publication = publication_document(year)
        assert publication is not None
        writer = province_report.write_pdf if fmt == "pdf" else province_report.write_docx
        return writer(publication, sipas=province_sipas(sipas), sipas_level=_level(sipas))

    return _cached(year, key, f"chiso-{year}-bao-cao.{fmt}", fmt, write)


# --- documents ----------------------------------------------------------------------------------
# The province report reads the year's publication document, as the decision annex does
# (`chiso.web.publishing.downloads.publication_document`).


def _unit_bytes(snapshot: Snapshot, unit: str, sipas: SipasSnapshot | None, fmt: str) -> bytes:
    document = unit_document(snapshot, unit, unit_history(unit))
    assert document is not None
    method = snapshot.extras["method"]
    leaves = [leaf for leaf in snapshot.results["leaves"] if leaf["unit"] == unit]
    writer = unit_report.write_pdf if fmt == "pdf" else unit_report.write_docx
    return writer(
        document,
        province=method["jurisdiction"],
        criteria=[{**x, "title": method["titles"].get(x["criterion"], "")} for x in leaves],
        titles=method["titles"],
        sipas=unit_sipas(sipas, unit),
        sipas_level=_level(sipas),
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
    return [
        {"factor": u["name"], "estimate": u["overall"], **{k: u[k] for k in ("low", "high", "n")}}
        for u in sipas.document["units"]
        if u["overall"] is not None
    ] or None


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


def _cached(year: int, key: str, filename: str, fmt: str, write: Callable[[], bytes]) -> ReportFile:
    folder = cache_dir() / str(year)
    path = folder / f"{key}-{filename}"
    if not path.exists():
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
