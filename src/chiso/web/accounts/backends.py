"""Login throttling: django-axes' backend, for logins that come from a web request."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class ThrottledBackend(AxesStandaloneBackend):
    """Refuses a locked-out login; counts nothing itself (axes' signal handlers do).

    Authentication without a request (a management command, Django's test client's `login`)
    cannot be throttled by address, and comes from someone who already runs code on the
    server, so it passes through to the next backend instead of raising as axes' backend does.
    """

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, *args: Any, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
