"""The progress reporter a job's function receives: ``report(done, total, message)``.

It writes to the job's row at most once every `min_interval` seconds (the first call and the
last step always write), so a function may call it for every row of a million-row import:
the calls in between only keep the latest values in memory. Each write is one ``UPDATE`` in
autocommit, visible at once to the page that polls; that same statement finds out whether a
user asked to cancel (then `JobCancelled` is raised inside the function, at a step boundary).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.utils import timezone

from chiso.web.jobs.models import Job, JobState

__all__ = ["DEFAULT_INTERVAL", "JobCancelled", "JobError", "Progress"]

DEFAULT_INTERVAL = 0.5  # seconds between two writes; the page polls every 2 s
MESSAGE_LENGTH = 255


class JobCancelled(Exception):
    """Raised by `report()` when the job was cancelled (or is no longer running)."""


class JobError(Exception):
    """A failure the job's function explains itself: `message` is shown to the user as it is
    (Vietnamese, saying what is wrong and where), and no traceback is logged."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
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
        self._latest: tuple[int, int | None, str] = (0, None, "")
        self.writes = 0

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
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
    def message(self) -> str:
        return str(self._latest[2])[:MESSAGE_LENGTH]

    def flush(self) -> None:
        """Write the latest values if a throttled call left them unwritten."""
        if self._pending:
            self._write(self._clock())

    def _write(self, now: float) -> None:
        updated = Job.objects.filter(
            pk=self.job_id, state=JobState.RUNNING, cancel_requested=False
        ).update(
            progress_done=self.done,
            progress_total=self.total,
            message=self.message,
            updated_at=timezone.now(),
        )
        self._last_write, self._pending = now, False
        self.writes += 1
        if not updated:
            raise JobCancelled(f"job {self.job_id} is no longer running")
