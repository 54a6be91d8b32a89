"""The progress reporter a job's function receives: ``report(done, total, message)``.

`message` is a `JobText` (said in each reader's language, see `chiso.web.jobs.texts`), or a
plain string shown as it is.

It writes to the job's row at most once every `min_interval` seconds (the first call and the
last step always write), so a function may call it for every row of a million-row import:
the calls in between only keep the latest values in memory. Each write is one ``UPDATE`` in
autocommit, visible at once to the page that polls; that same statement finds out whether a
user asked to cancel (then `JobCancelled` is raised inside the function, at a step boundary).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from chiso.web.jobs.models import Job, JobState
from chiso.web.jobs.texts import Said, text_dump

__all__ = ["DEFAULT_INTERVAL", "JobCancelled", "JobError", "Progress"]

DEFAULT_INTERVAL = 0.5  # seconds between two writes; the page polls every 2 s
MESSAGE_LENGTH = 255


class JobCancelled(Exception):
    """Raised by `report()` when the job was cancelled (or is no longer running)."""


class JobError(Exception):
    """A failure the job's function explains itself: `message` (a `JobText`, said in the
    reader's language, or a plain string) says what is wrong and where, and no traceback is
    logged."""

    def __init__(self, message: Said) -> None:
        super().__init__(str(message))
        self.message = message


class Progress:
    """Throttled progress writes for one running job. `clock` is injectable for tests."""

    def __init__(
        self,
        job_id: int,
        *,
        min_interval: float = DEFAULT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.job_id = job_id
        self.min_interval = min_interval
        self._clock = clock
        self._last_write: float | None = None
        self._pending = False
        self._latest: tuple[int, int | None, Said] = (0, None, "")
        self.writes = 0

    def __call__(self, done: int, total: int | None = None, message: Said = "") -> None:
        """`done` of `total` steps (None: not known yet); `message` says what is happening."""
        # Kept raw: the checks and conversions run only when a write is due (most calls are not).
        self._latest = (done, total, message)
        now = self._clock()
        if (
            self._last_write is None
            or now - self._last_write >= self.min_interval
            or (total is not None and done >= total)
        ):
            self._write(now)
        else:
            self._pending = True

    @property
    def done(self) -> int:
        return max(0, int(self._latest[0]))

    @property
    def total(self) -> int | None:
        total = self._latest[1]
        return None if total is None else max(0, int(total))

    @property
    def said(self) -> tuple[str, dict[str, Any] | None]:
        """The message as the row keeps it: its Vietnamese text and its source."""
        text, source = text_dump(self._latest[2])
        return text[:MESSAGE_LENGTH], source

    @property
    def message(self) -> str:
        return self.said[0]

    def flush(self) -> None:
        """Write the latest values if a throttled call left them unwritten."""
        if self._pending:
            self._write(self._clock())

    def _write(self, now: float) -> None:
        message, source = self.said
        updated = Job.objects.filter(
            pk=self.job_id, state=JobState.RUNNING, cancel_requested=False
        ).update(
            progress_done=self.done,
            progress_total=self.total,
            message=message,
            message_source=source,
            updated_at=timezone.now(),
        )
        self._last_write, self._pending = now, False
        self.writes += 1
        if not updated:
            raise JobCancelled(f"job {self.job_id} is no longer running")
