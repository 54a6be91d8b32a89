"""The dossier store: a folder of Parquet files, one folder per table, that DuckDB reads.

Layout::

    STORE/
      CURRENT              the name of the version readers use, e.g. "v000004"
      README.md            what the store holds (and, for generated data, that it is synthetic)
      v000004/
        manifest.json      tables (rows, row hash), imports (file, SHA-256, rows), generator meta
        units/part-00000.parquet
        dossiers/part-00000.parquet …

A change never touches the current version: `new_version` builds the next one in a temporary
folder (unchanged tables are hard-linked, not copied), renames it into place and then replaces
``CURRENT`` atomically. A failure at any point leaves ``CURRENT`` — and so every reader — on the
old version; a crash leaves at most an unused folder (an unreferenced ``v…`` is removed by the
next change; a ``.tmp-…`` folder may be deleted by hand). Two writers at
once: the second one sees that ``CURRENT`` moved while it worked and gives up (`StoreConflict`),
so an import never silently drops another.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from chiso.engine.service import table_row_hash
from chiso.engine.service_tables import HOLIDAYS, KNOWN_ROW_HASHES, TABLES, Table

FORMAT = "chiso.dossier-store/1"
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
KNOWN = {table.name: table for table in (*TABLES, HOLIDAYS)}
POLARS_TYPES: dict[str, pl.DataType] = {
    "VARCHAR": pl.String(),
    "BOOLEAN": pl.Boolean(),
    "INTEGER": pl.Int32(),
    "DOUBLE": pl.Float64(),
    "DATE": pl.Date(),
    "TIMESTAMP": pl.Datetime("us"),
}
CLUSTERED: dict[str, tuple[str, ...]] = {"dossier_events": ("status", "dossier_id", "seq")}
"""Tables written sorted, each file in small row groups: the on-time rule reads only the
supplement events (about one in twenty), and with them side by side DuckDB skips every row
group whose status range excludes them (Parquet min/max statistics) instead of reading the
whole status history."""
CLUSTERED_ROW_GROUP = 32_768
CODEC = "lz4"
"""The store's Parquet compression: LZ4 decompresses faster than zstd, and the indicators read
the dossiers several times per run — 6 % of a 10M-dossier computation, for files about 45 %
larger (measured in the session that chose it; docs/data-contract.md)."""


class StoreError(Exception):
    """The folder is not a readable dossier store."""


class StoreConflict(StoreError):
    """Another change landed while this one was being prepared."""


@dataclass(frozen=True)
class StoreVersion:
    root: Path
    name: str
    manifest: Mapping[str, Any]

    @property
    def path(self) -> Path:
        return self.root / self.name

    def has(self, table: str) -> bool:
        return any((self.path / table).glob("*.parquet"))

    def files(self, table: str) -> list[Path]:
        return sorted((self.path / table).glob("*.parquet"))

    def glob(self, table: str) -> str:
        """The table's files as a DuckDB glob (``read_parquet('…/dossiers/*.parquet')``)."""
        return (self.path / table / "*.parquet").as_posix()

    def rows(self, table: str) -> int:
        return int(self.manifest.get("tables", {}).get(table, {}).get("rows", 0))


def open_store(root: Path) -> StoreVersion | None:
    """The current version of the store at `root`, or None when it holds none yet."""
    pointer = root / CURRENT
    if not pointer.exists():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    try:
        manifest = json.loads((root / name / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{root}: version {name!r} is unreadable ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise StoreError(f"{root}: not a dossier store ({manifest.get('format')!r})")
    return StoreVersion(root, name, manifest)


def connect(root: Path, con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with one view per contract table over the current version (an
    empty, typed view for a table not imported yet)."""
    con = con or duckdb.connect()
    version = open_store(root)
    for table in TABLES:
        if version is not None and version.has(table.name):
            source = f"SELECT * FROM read_parquet('{version.glob(table.name)}')"
        else:
            source = empty_select(table)
        con.execute(f"CREATE OR REPLACE VIEW {table.name} AS {source}")
    con.register(KNOWN_ROW_HASHES, _row_hashes(version))
    return con


def _row_hashes(version: StoreVersion | None) -> pl.DataFrame:
    """The tables' row hashes as the manifest records them; no row at all when one is not
    recorded, so that the engine hashes the rows itself."""
    rows = [_recorded_hash(version, table.name) for table in TABLES]
    schema = {"table_name": pl.String, "row_count": pl.Int64, "row_hash": pl.Decimal(38, 0)}
    schema["hashed_by"] = pl.String
    return pl.DataFrame([] if None in rows else rows, schema=schema, orient="row")


def _recorded_hash(version: StoreVersion | None, table: str) -> tuple[Any, ...] | None:
    if version is None or not version.has(table):
        return (table, 0, None, duckdb.__version__)  # an empty view
    entry = version.manifest.get("tables", {}).get(table, {})
    if "hashed_by" not in entry:
        return None
    total = entry["row_hash"]
    return (table, entry["rows"], None if total is None else int(total), entry["hashed_by"])


def conform(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """`frame` with exactly the contract's columns, in order, of the contract's types (a
    missing optional column is null)."""
    return frame.select(
        (pl.col(c.name) if c.name in frame.columns else pl.lit(None))
        .cast(POLARS_TYPES[c.type])
        .alias(c.name)
        for c in table.columns
    )


def write_part(folder: Path, number: int, frame: pl.DataFrame) -> Path:
    """Write one file of the table stored in `folder` (named after the table)."""
    path = folder / f"part-{number:05d}.parquet"
    order = CLUSTERED.get(folder.name)
    if order:
        frame = frame.sort(order)
    frame.write_parquet(path, compression=CODEC, statistics=True, **_row_groups(folder.name))
    return path


def sink_table(frame: pl.LazyFrame, table: str, path: Path) -> None:
    """Write the whole of `table` as one file at `path`, streaming, laid out as `write_part`."""
    order = CLUSTERED.get(table)
    if order:
        frame = frame.sort(order)
    frame.sink_parquet(path, compression=CODEC, statistics=True, **_row_groups(table))


def _row_groups(table: str) -> dict[str, int]:
    return {"row_group_size": CLUSTERED_ROW_GROUP} if table in CLUSTERED else {}


def empty_select(table: Table) -> str:
    columns = ", ".join(f"CAST(NULL AS {c.type}) AS {c.name}" for c in table.columns)
    return f"SELECT {columns} WHERE false"


class NewVersion:
    """The next version being built: write tables into `folder(table)`, record them with
    `set_rows`, then `commit`. Used as a context manager, anything unfinished is removed."""

    def __init__(self, root: Path, base: StoreVersion | None, replace: set[str]):
        self.root, self.base = root, base
        self.tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
        self.manifest: dict[str, Any] = _fresh_manifest(base)
        for table in KNOWN:
            if base is not None and table not in replace and base.has(table):
                _link_folder(base.path / table, self.tmp / table)

    def folder(self, table: str) -> Path:
        path = self.tmp / table
        if path.exists():
            shutil.rmtree(path)
        path.mkdir()
        return path

    def set_rows(self, table: str, rows: int) -> None:
        self.manifest["tables"][table] = {"rows": rows}

    def take_table(self, table: str, source: StoreVersion) -> None:
        """`table` as another version holds it: its files hard-linked (copied across file
        systems) and its manifest entry kept — row count and row hash, which are not computed
        again."""
        folder = self.folder(table)
        for file in source.files(table):
            _link_file(file, folder / file.name)
        entry = source.manifest.get("tables", {}).get(table) or {"rows": source.rows(table)}
        self.manifest["tables"][table] = dict(entry)

    def commit(self) -> StoreVersion:
        name = f"v{_last_number(self.root) + 1:06d}"
        self.manifest["version"] = name
        self._record_row_hashes()
        _write_json(self.tmp / MANIFEST, self.manifest)
        final = self.root / name
        os.rename(self.tmp, final)  # fails if another writer took the name
        if _current_name(self.root) != (self.base.name if self.base else None):
            shutil.rmtree(final, ignore_errors=True)
            raise StoreConflict(f"{self.root}: another import landed meanwhile; run it again")
        _write_atomically(self.root / CURRENT, name + "\n")
        _remove_old_versions(self.root, keep={name, self.base.name if self.base else ""})
        return StoreVersion(self.root, name, self.manifest)

    def _record_row_hashes(self) -> None:
        """Each table's row count and row hash (`chiso.engine.service.table_row_hash`), for the
        tables written in this version or recorded by another DuckDB version."""
        tables = self.manifest["tables"]
        with duckdb.connect() as con:
            for table in TABLES:
                entry = tables.get(table.name)
                files = self.tmp / table.name
                if not any(files.glob("*.parquet")):
                    continue
                if entry and entry.get("hashed_by") == duckdb.__version__:
                    continue
                relation = f"read_parquet('{(files / '*.parquet').as_posix()}')"
                count, total = table_row_hash(con, relation)
                tables[table.name] = {
                    "rows": count,
                    "row_hash": None if total is None else str(total),
                    "hashed_by": duckdb.__version__,
                }

    def abandon(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


@contextlib.contextmanager
def new_version(root: Path, replace: set[str]) -> Iterator[NewVersion]:
    """Prepare the next version of the store at `root` (created if needed), replacing the
    tables in `replace` and keeping the others; nothing is visible until `commit`."""
    root.mkdir(parents=True, exist_ok=True)
    version = NewVersion(root, open_store(root), replace)
    try:
        yield version
    finally:
        version.abandon()  # after a commit the folder is gone already


def write_readme(root: Path, text: str) -> None:
    _write_atomically(root / "README.md", text)


def _fresh_manifest(base: StoreVersion | None) -> dict[str, Any]:
    if base is None:
        return {"format": FORMAT, "tables": {}, "imports": [], "synthetic": False}
    manifest = json.loads(json.dumps(base.manifest))  # a deep copy
    manifest.setdefault("imports", [])
    return manifest


def _link_folder(source: Path, target: Path) -> None:
    target.mkdir()
    for file in source.glob("*.parquet"):
        _link_file(file, target / file.name)


def _link_file(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed: copy
        shutil.copy2(source, target)


def _current_name(root: Path) -> str | None:
    pointer = root / CURRENT
    return pointer.read_text(encoding="utf-8").strip() if pointer.exists() else None


def _last_number(root: Path) -> int:
    numbers = [int(p.name[1:]) for p in root.glob("v[0-9]*") if p.name[1:].isdigit()]
    return max(numbers, default=0)


def _remove_old_versions(root: Path, keep: set[str]) -> None:
    """Versions before the previous one, and temporary folders of crashed runs. The previous
    version stays one change longer: a reader may still be scanning it."""
    for path in root.glob("v[0-9]*"):
        if path.name not in keep and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
