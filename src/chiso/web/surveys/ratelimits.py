"""Rate limits of the public endpoints (django-ratelimit over the shared `ratelimit` cache).

Each public view asks `limited(request, ...)` before doing anything: per client address for
every request, and per token or kiosk key for submissions. A limited request gets the 429 page.
The rates are a setting (`CHISO_SURVEY_RATES`) so a deployment can loosen them; the defaults
let a person fill the form at any human pace and stop scripts:

- ``form_ip``: 60 requests a minute from one address (a whole office behind one NAT included);
- ``form_token``: 10 submissions an hour with one token (one is accepted; the rest are
  corrections of a refused form, or abuse);
- ``kiosk_ip``: 120 requests a minute from one address (a hall of tablets behind one NAT);
- ``kiosk_key``: 20 submissions a minute from one kiosk (far above a counter's queue).
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django_ratelimit.core import is_ratelimited

DEFAULT_RATES = {
    "form_ip": "60/m",
    "form_token": "10/h",
    "kiosk_ip": "120/m",
    "kiosk_key": "20/m",
}


def _rate(name: str) -> str:
    rates = {**DEFAULT_RATES, **getattr(settings, "CHISO_SURVEY_RATES", {})}
    return rates[name]


def client_address(group: str, request: Any) -> str:
    """The client's address as login throttling sees it (honours CHISO_PROXY_COUNT)."""
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "") or "unknown"


def limited(request: Any, *, scope: str, secret: str | None = None) -> bool:
    """Count this request against the address limit of `scope` ("form" or "kiosk") and, when
    it is a submission, against the limit of its token or kiosk key; True when over either."""
    over = is_ratelimited(
        request,
        group=f"surveys.{scope}.ip",
        key=client_address,
        rate=_rate(f"{scope}_ip"),
        increment=True,
    )
    if secret is not None and request.method == "POST":
        name = "token" if scope == "form" else "key"
        over = (
            is_ratelimited(
                request,
                group=f"surveys.{scope}.{name}",
                key=lambda group, request: secret,
                rate=_rate(f"{scope}_{name}"),
                increment=True,
            )
            or over
        )
    return bool(over)
