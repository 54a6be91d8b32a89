"""Same input, same bytes: fixed timestamps inside the zip containers (XLSX, DOCX, the open
data package) and in the fonts a PDF embeds, taken from the publication date, not the clock.

XLSX and DOCX writers stamp each zip member with the time of writing; `normalise_zip` rewrites
the archive with every member stamped with one given time, in the writer's own order, with
fixed permissions and compression, so two runs over the same snapshot are byte-identical.
"""

from __future__ import annotations

import io
import os
import threading
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_EPOCH_LOCK = threading.Lock()

# Zip timestamps cannot be earlier than 1980.
ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)
FILE_MODE = 0o644 << 16


def zip_time(when: datetime) -> tuple[int, int, int, int, int, int]:
    """`when` in UTC as a zip member's date_time (whole seconds, even, as zip stores them)."""
    moment = max(when.astimezone(UTC), ZIP_EPOCH)
    return (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second - moment.second % 2,
    )


def zip_members(members: Iterable[tuple[str, bytes]], when: datetime) -> bytes:
    """A deflated zip of `(name, data)` members, all stamped `when`, in the given order."""
    buffer = io.BytesIO()
    stamp = zip_time(when)
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = FILE_MODE
            info.create_system = 3  # Unix, whatever machine writes it
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def normalise_zip(data: bytes, when: datetime) -> bytes:
    """The archive `data` rewritten with every member stamped `when`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    return zip_members(members, when)


@contextmanager
def source_date_epoch(when: datetime) -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH to `when` while the block runs.

    The font subsetter behind WeasyPrint stamps each embedded font's `head.modified` with the
    clock unless this variable (the reproducible-builds convention) is set. The environment is
    process-wide, so writers holding it run one at a time.
    """
    with _EPOCH_LOCK:
        before = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(int(when.timestamp()))
        try:
            yield
        finally:
            if before is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = before
