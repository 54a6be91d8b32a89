"""The province's dossier store in the web app: where it is, what it holds, and an upload of
several files that lands whole or not at all.

The store is `chiso.io.dossier_store`'s folder of Parquet files at ``$CHISO_DATA_DIR/dossiers``.
`chiso.io.dossiers.import_file` already makes one file's import all or nothing. An upload of
several files (say this month's dossiers and their status history) is made all or nothing too:
each file is imported, in the order the tables depend on each other, into a *staging* copy of
the current version (hard links, no data copied); only if every file passes are the changed
tables linked into the real store as one new version. Any bad row in any file and the store is
left exactly as it was, with every file's problems reported.
"""

from __future__ import annotations

import copy
import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from django.conf import settings

from chiso.engine.problems import InputError, Problem
from chiso.io.dossier_store import (
    KNOWN,
    MANIFEST,
    StoreConflict,
    StoreVersion,
    new_version,
    open_store,
)
from chiso.io.dossiers import ImportRejected, ImportReport, import_file

IMPORT_ORDER: Final = (
    "units",
    "procedures",
    "unit_procedures",
    "dossiers",
    "dossier_events",
    "feedback",
)


def store_root() -> Path:
    return Path(settings.DATA_DIR) / "dossiers"


def uploads_root() -> Path:
    return Path(settings.DATA_DIR) / "uploads"


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the contract table it fills, where it was saved, its own name."""

    table: str
    path: Path
    name: str


@dataclass
class UploadOutcome:
    """What an upload did: one report per file that was read, and per file the problems that
    stop it (rows with their place and reason). `version` is the store's new version, or None
    when nothing changed."""

    reports: list[tuple[Upload, ImportReport]] = field(default_factory=list)
    rejected: list[tuple[Upload, tuple[Problem, ...], int]] = field(default_factory=list)
    version: str | None = None

    @property
    def ok(self) -> bool:
        return not self.rejected


class UploadRejected(Exception):
    def __init__(self, outcome: UploadOutcome) -> None:
        super().__init__(f"{len(outcome.rejected)} file(s) rejected")
        self.outcome = outcome


Report = Callable[[int, int, str], None]


def import_uploads(
    root: Path, uploads: Sequence[Upload], report: Report, say: Callable[[Upload], str]
) -> UploadOutcome:
    """Import every upload into the store at `root`, all or nothing (see the module notes).
    Raises `UploadRejected` with every file's problems; `say(upload)` is the progress text."""
    ordered = sorted(uploads, key=lambda u: (IMPORT_ORDER.index(u.table), u.name))
    outcome = UploadOutcome()
    root.mkdir(parents=True, exist_ok=True)
    staging = root.parent / f".staging-{root.name}-{uuid.uuid4().hex[:12]}"
    try:
        current = open_store(root)
        synthetic = current is not None and bool(current.manifest.get("synthetic"))
        _stage(None if synthetic else current, staging)
        for done, upload in enumerate(ordered):
            report(done, len(ordered) + 1, say(upload))
            _import_one(upload, staging, outcome, current if synthetic else None)
        if not outcome.ok:
            raise UploadRejected(outcome)
        outcome.version = _land(root, current, open_store(staging), outcome, synthetic)
        report(len(ordered) + 1, len(ordered) + 1, "")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return outcome


def _import_one(
    upload: Upload, staging: Path, outcome: UploadOutcome, synthetic: StoreVersion | None
) -> None:
    """Import one upload into the staging store; with `synthetic` (the current store, whose
    data the upload replaces) a table it lacks in staging but holds as synthetic data is said
    to be synthetic (DOS018), not missing (DOS014): the dashboard shows it in the store."""
    try:
        outcome.reports.append((upload, import_file(upload.path, upload.table, staging)))
    except ImportRejected as exc:
        problems = tuple(_synthetic_reference(p, synthetic) for p in exc.report.problems)
        outcome.rejected.append((upload, problems, exc.report.bad_rows))
    except InputError as exc:
        outcome.rejected.append((upload, exc.problems, 0))


def _synthetic_reference(problem: Problem, synthetic: StoreVersion | None) -> Problem:
    if problem.code != "DOS014" or synthetic is None or not synthetic.has(problem.params["needed"]):
        return problem
    return Problem("DOS018", problem.where, problem.params)


def _stage(base: StoreVersion | None, staging: Path) -> None:
    """A store at `staging` whose current version is `base`, its files hard-linked."""
    staging.mkdir()
    if base is None:
        return
    target = staging / base.name
    target.mkdir()
    for folder in base.path.iterdir():
        if folder.is_dir():
            _link_all(folder, target / folder.name)
    shutil.copy2(base.path / MANIFEST, target / MANIFEST)
    (staging / "CURRENT").write_text(base.name + "\n", encoding="utf-8")


def _link_all(source: Path, target: Path) -> None:
    target.mkdir()
    for file in source.glob("*.parquet"):
        try:
            os.link(file, target / file.name)
        except OSError:  # another file system, or links not allowed
            shutil.copy2(file, target / file.name)


def _land(
    root: Path,
    base: StoreVersion | None,
    staged: StoreVersion | None,
    outcome: UploadOutcome,
    replace_synthetic: bool,
) -> str | None:
    """The staged tables that changed, as one new version of the real store (with
    `replace_synthetic`, the staged tables alone: every synthetic table goes)."""
    changed = sorted({r.table for _, r in outcome.reports if not r.already})
    if not changed or staged is None:
        return None
    current = open_store(root)
    if (current.name if current else None) != (base.name if base else None):
        raise StoreConflict(f"{root}: another import landed meanwhile; run it again")
    with new_version(root, replace=set(KNOWN) if replace_synthetic else set(changed)) as version:
        if replace_synthetic:
            version.manifest = copy.deepcopy(staged.manifest)  # synthetic: false, no generator
        for table in changed:
            version.take_table(table, staged)
        version.manifest["imports"] = staged.manifest.get("imports", [])
        landed = version.commit().name
    if replace_synthetic:
        (root / "README.md").unlink(missing_ok=True)  # it described the synthetic data
    return landed


# --- what the store holds -----------------------------------------------------------------------


@dataclass(frozen=True)
class StoreSummary:
    version: str
    synthetic: bool
    tables: list[tuple[str, int]]
    imports: list[dict[str, Any]]  # latest first
    generated: dict[str, Any]

    @property
    def dossiers(self) -> int:
        return dict(self.tables).get("dossiers", 0)


def store_summary(root: Path | None = None) -> StoreSummary | None:
    """The current version's tables, imports and generator, or None for an empty store."""
    version = open_store(root or store_root())
    if version is None:
        return None
    manifest = version.manifest
    return StoreSummary(
        version=version.name,
        synthetic=bool(manifest.get("synthetic")),
        tables=[(t, version.rows(t)) for t in IMPORT_ORDER],
        imports=list(reversed(manifest.get("imports", [])))[:20],
        generated=dict(manifest.get("generated") or {}),
    )
