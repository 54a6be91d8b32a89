"""Services (writes) for what the reform office adds to a published year: the decision's
number and date, and the press summary — saved as a draft, then released to the public page.

Each is keyword-only, checks the permission (`period.manage`: the reform office runs the
period and its publication), refuses a period that is not published, runs in a transaction
and records an audit event with the old and new values. Saving and releasing the summary are
guarded by the record's version, so two people editing at once cannot overwrite each other.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from chiso.web.accounts.policy import Action, require
from chiso.web.audit.services import audit_record
from chiso.web.evaluations.models import Period, PeriodState
from chiso.web.evaluations.workflow import WorkflowError, require_state
from chiso.web.publishing.models import Publication

__all__ = [
    "PRESS_MAX_CHARS",
    "StaleVersionError",
    "press_draft_save",
    "press_release",
    "publication_decision_set",
]

DECISION_MAX_CHARS = 64
PRESS_MAX_CHARS = 20_000


class StaleVersionError(Exception):
    """Someone saved the publication since the form was loaded; nothing was written."""

    def __init__(self, publication: Publication):
        super().__init__(f"publication {publication.period.year} changed since it was read")
        self.publication = publication


def publication_decision_set(
    *, period: Period, number: str, decision_date: date | None, by: Any
) -> Publication:
    """Record the number and date of the decision the results are annexed to."""
    require(by, Action.PERIOD_MANAGE)
    number = " ".join(number.split())
    if len(number) > DECISION_MAX_CHARS:
        raise WorkflowError(
            f"Số quyết định dài quá {DECISION_MAX_CHARS} ký tự.",
            f"The decision number is longer than {DECISION_MAX_CHARS} characters.",
        )
    with transaction.atomic():
        publication = _locked(period)
        old = _decision(publication)
        publication.decision_number, publication.decision_date = number, decision_date
        publication.version += 1
        publication.save()
        audit_record(
            actor=by,
            action="publication.decision",
            period=publication.period,
            target=f"publication:{publication.period.year}",
            old=old,
            new=_decision(publication),
        )
    return publication


def press_draft_save(*, period: Period, text: str, version: int, by: Any) -> Publication:
    """Save the edited press summary as the draft (an empty text: back to the generated one)."""
    require(by, Action.PERIOD_MANAGE)
    text = _checked_text(text, allow_empty=True)
    with transaction.atomic():
        publication = _locked(period, version=version)
        old = publication.press_draft
        publication.press_draft = text
        publication.version += 1
        publication.save()
        audit_record(
            actor=by,
            action="press.save",
            period=publication.period,
            target=f"press:{publication.period.year}",
            old=old,
            new=text,
        )
    return publication


def press_release(*, period: Period, text: str, version: int, by: Any) -> Publication:
    """Release `text` as the press summary the public page shows (saved as the draft too).
    Releasing again replaces the public text; the audit log keeps every released version."""
    require(by, Action.PERIOD_MANAGE)
    text = _checked_text(text, allow_empty=False)
    with transaction.atomic():
        publication = _locked(period, version=version)
        old = publication.press_text
        publication.press_draft = publication.press_text = text
        publication.press_released_at = timezone.now()
        publication.press_released_by = by if getattr(by, "is_authenticated", False) else None
        publication.version += 1
        publication.save()
        audit_record(
            actor=by,
            action="press.release",
            period=publication.period,
            target=f"press:{publication.period.year}",
            old=old,
            new=text,
        )
    return publication


def _locked(period: Period, *, version: int | None = None) -> Publication:
    """The period's publication record, locked, created on first use; refused unless the
    period is published, or when `version` is not the stored one."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    require_state(
        period.state,
        PeriodState.PUBLISHED,
        action_vi="soạn thông tin công bố",
        action_en="edit the publication",
    )
    publication, _ = Publication.objects.select_for_update().get_or_create(period=period)
    if version is not None and publication.version != version:
        raise StaleVersionError(publication)
    return publication


def _checked_text(text: str, *, allow_empty: bool) -> str:
    text = text.replace("\r\n", "\n").strip()
    if not text and not allow_empty:
        raise WorkflowError(
            "Thông cáo đang trống: hãy nhập nội dung trước khi phát hành.",
            "The press summary is empty: write it before releasing it.",
        )
    if len(text) > PRESS_MAX_CHARS:
        raise WorkflowError(
            f"Thông cáo dài {len(text)} ký tự, quá giới hạn {PRESS_MAX_CHARS} ký tự.",
            f"The press summary has {len(text)} characters, over the {PRESS_MAX_CHARS} limit.",
        )
    return text + "\n" if text else ""


def _decision(publication: Publication) -> dict[str, Any]:
    day = publication.decision_date
    return {"number": publication.decision_number, "date": day.isoformat() if day else None}
