"""Files a job produces: under ``$CHISO_DATA_DIR/jobs/<job id>/``, outside any web root.

A job's function writes one with `output_write` (to a temporary name, then renamed, so a
reader never sees half a file) and puts the returned relative path in its result as ``file``;
the job page links to it through a view that checks who may see the job.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings

from chiso.web.jobs.models import Job

__all__ = ["output_dir", "output_path", "output_write"]


def output_dir(job: Job) -> Path:
    return Path(settings.DATA_DIR) / "jobs" / str(job.pk)


def output_write(job: Job, name: str, data: bytes) -> str:
    """Store `data` as the job's file `name`; return its path relative to the data dir."""
    if PurePosixPath(name).name != name or name.startswith("."):
        raise ValueError(f"an output file name must be a plain name, not {name!r}")
    folder = output_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, folder / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return f"jobs/{job.pk}/{name}"


def output_path(job: Job) -> Path | None:
    """The job's result file, if its result names one that exists inside the job's folder."""
    name = (job.result or {}).get("file")
    if not isinstance(name, str) or not name:
        return None
    path = (Path(settings.DATA_DIR) / name).resolve()
    if path.parent != output_dir(job).resolve() or not path.is_file():
        return None
    return path
