"""Helpers for the staff page tests: reading a row's form as the browser would post it."""

from __future__ import annotations

from typing import Any

from chiso.web.evaluations.forms import digest
from chiso.web.evaluations.models import Score

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
HTMX = {"HTTP_HX_REQUEST": "true"}


def self_row(score: Score, value: str, note: str = "") -> dict[str, Any]:
    """A self-assessment row as posted: the new value and note, the version the page read."""
    code = score.criterion
    return {
        f"{code}-value": value,
        f"{code}-note": note,
        f"{code}-version": score.version,
        f"{code}-seen": digest(score.self_value, score.self_note),
    }


def appraisal_row(score: Score, value: str, reason: str = "", message: str = "") -> dict[str, Any]:
    code = score.criterion
    return {
        f"{code}-value": value,
        f"{code}-reason": reason,
        f"{code}-message": message,
        f"{code}-version": score.version,
        f"{code}-seen": digest(score.appraised_value, score.appraisal_reason),
    }


def text(response: Any) -> str:
    return response.content.decode()
