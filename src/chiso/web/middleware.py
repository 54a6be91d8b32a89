"""The app's own middleware: the interface language, and compressed text responses.

Vietnamese first: the interface language is Vietnamese unless the user chose English.
Django's LocaleMiddleware would follow the browser's Accept-Language, so an office PC with an
English Windows would get English pages; a Vietnamese government site should not depend on how
the PC was installed. Only an explicit choice (the language cookie set by the switcher) changes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# Text compresses to a fraction (a ranking page's inline SVG charts: 1.1 MiB → under 100 KiB);
# PDF, Word, XLSX, ZIP, PNG and JPEG are compressed already.
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")
COMPRESSIBLE += ("application/xml",)


class TextGZipMiddleware(GZipMiddleware):
    """Django's gzip middleware, for text responses only (HTML, JSON, CSV, SVG …).

    Gzipping an already compressed download would cost the server time for nothing and, as the
    files are streamed, drop their Content-Length (no progress bar, no resumed download). The
    BREACH mitigation is Django's own: up to 100 random bytes in each gzip header
    (`max_random_bytes`), on top of the CSRF token masked anew in each response."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> Any:
        content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if not content_type.startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)
