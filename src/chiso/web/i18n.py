"""The reader's language as the engine names it.

The engine says its texts — a `Problem`'s message and place, a `Wording` — in ``"vi"`` or
``"en"``, and published data keep both labels (a band's ``label`` and ``label_en``). Django's
active language is the one the request chose (the language cookie, see `chiso.web.middleware`).
`active_language` maps one to the other, so that a page shows a refused file's problems, or a
band's label, in the language the rest of the page is in.
"""

from __future__ import annotations

from typing import Literal

from django.utils import translation

__all__ = ["Language", "active_language"]

Language = Literal["vi", "en"]


def active_language() -> Language:
    """``"en"`` when the active Django language is English, else ``"vi"``: Vietnamese is the
    source language and the default, and also what a background worker (no request, so the
    settings' ``LANGUAGE_CODE``) says."""
    code = translation.get_language() or ""
    return "en" if code == "en" or code.startswith("en-") else "vi"
