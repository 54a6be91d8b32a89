"""The public pages' charts, drawn once and kept as files under `$CHISO_DATA_DIR/charts/`.

Drawing a block's charts takes seconds (a 150-unit block: about 6 s for its six SVGs), and the
default cache lives in each process: under load every server thread would miss it at once and
draw the same charts side by side. Files are shared by every thread and process on the machine
and they survive a restart.

A file is named by what the chart is drawn from: the chart, its `source` (what the page's data
comes from, e.g. the snapshot's id, inputs hash and publication time — a published snapshot never
changes), the language and the layout, in a folder named by the drawing code's fingerprint, so
new drawing code never serves an old drawing (and an old folder can simply be deleted). It is
written to a temporary name and renamed: a reader sees the whole SVG or none. On a miss, the
caller takes the chart's lock (`flock` on a lock file beside it), so concurrent requests wait
for one drawing instead of each making its own.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from functools import cache
from importlib import import_module
from pathlib import Path

import vl_convert
from django.conf import settings

from chiso import reports

__all__ = ["chart_svg", "charts_dir", "drawing_fingerprint"]

# The code a chart's look depends on, besides the whole `chiso.reports` package (its specs,
# narrow layouts, style, measured letter widths, chart data): the pages' words and rows.
DRAWING_MODULES = ("chiso.web.public.charts", "chiso.web.public.sipas_display")


def charts_dir() -> Path:
    return Path(settings.DATA_DIR) / "charts"


def chart_svg(
    *, chart: str, source: str, language: str, layout: str, render: Callable[[], str]
) -> str:
    """The SVG of `chart` drawn from `source` in `language` and `layout`: read from its file,
    or drawn by `render` and kept when there is none. Only one caller draws a given chart at a
    time; the others wait for its file."""
    path = _path(chart, source, language, layout)
    found = _read(path)
    if found is not None:
        return found
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.with_name(f"{path.name}.lock")
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # released when `held` is closed
        found = _read(path)  # drawn by whoever held the lock before us
        if found is None:
            found = render()
            _write_atomic(path, found)
            # Safe to remove: anyone still waiting on it finds the file when they get it, and
            # anyone after this finds the file before looking for a lock.
            lock.unlink(missing_ok=True)
    return found


@cache
def drawing_fingerprint() -> str:
    """A hash of the code that draws the charts (the reports package and the pages' chart
    modules), of vl-convert's version and of the compiled translations (the English words): a
    kept chart is used only by the code that drew it, and a new version draws afresh without
    anyone having to remember to say so."""
    digest = hashlib.sha256(vl_convert.__version__.encode())
    sources = sorted(Path(str(reports.__file__)).parent.glob("*.py"))
    sources += [Path(str(import_module(name).__file__)) for name in DRAWING_MODULES]
    for source in sources:
        digest.update(source.read_bytes())
    for folder in settings.LOCALE_PATHS:
        for catalogue in sorted(Path(folder).glob("*/LC_MESSAGES/django.mo")):
            digest.update(catalogue.read_bytes())
    return digest.hexdigest()[:16]


def _path(chart: str, source: str, language: str, layout: str) -> Path:
    """`charts/<fingerprint>/<chart>/<key>-<language>-<layout>.svg`: the drawings of older code
    are whole folders beside the current one."""
    identity = json.dumps([chart, source, language, layout])
    key = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    return charts_dir() / drawing_fingerprint() / chart / f"{key}-{language}-{layout}.svg"


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _write_atomic(path: Path, text: str) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".svg")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
