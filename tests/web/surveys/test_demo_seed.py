"""The demo's SIPAS: 2024 published from a closed survey, 2025 collecting with links a visitor
can open; seeded once however often the demo starts."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from chiso.web.audit.models import AuditEvent
from chiso.web.publishing.models import SipasSnapshot
from chiso.web.publishing.sipas import sipas_recompute
from chiso.web.surveys.demo_seed import SURVEYS, demo_links
from chiso.web.surveys.models import Response, Survey, SurveyState, Token
from chiso.web.surveys.selectors import survey_answers

pytestmark = pytest.mark.db


def seed() -> str:
    out = io.StringIO()
    call_command("chiso_seed_demo", stdout=out)
    return out.getvalue()


def test_demo_sipas_is_published_open_and_seeded_once(
    client: Client, _ratelimit_cache: Any
) -> None:
    output = seed()
    snapshot = SipasSnapshot.objects.get(year=2024)
    closed = Survey.objects.get(year=2024)
    assert closed.state == SurveyState.CLOSED
    assert snapshot.estimation["source"]["survey"] == closed.pk
    # Published from the survey's own answers, and it proves itself.
    assert snapshot.document["units"][0]["n"] > 0
    assert (
        sum(u["n"] for u in snapshot.document["units"])
        == Response.objects.filter(survey=closed).count()
    )
    assert sipas_recompute(snapshot=snapshot) == snapshot.document
    ranked = [u for u in snapshot.document["units"] if u["ranked"]]
    assert 0 < len(ranked) < len(snapshot.document["units"])  # the minimum sample shows
    assert {c["channel"] for c in snapshot.document["channels"]} == {"kiosk", "online", "phone"}
    assert client.get("/2024/sipas/").status_code == 200
    assert 'href="/2024/sipas/"' in client.get("/").content.decode()

    live = Survey.objects.get(year=2025)
    assert live.state == SurveyState.COLLECTING and live.period is not None
    assert live.period.year == 2025
    assert not survey_answers(live).is_empty()
    links = dict(demo_links())
    assert len(links) == 2
    for path in links.values():
        assert path in output  # printed with the demo's instructions
    form, kiosk = links.values()
    page = client.get(form)
    assert page.status_code == 200 and "TCDV.1" in page.content.decode()
    assert client.get(kiosk).status_code == 200
    token = Token.objects.get(value=form.strip("/").split("/")[-1])
    assert token.used_at is None and token.member.outcome in ("", "invited")

    counts = (Survey.objects.count(), Response.objects.count(), AuditEvent.objects.count())
    again = seed()
    assert f"Khảo sát SIPAS {SURVEYS[0].year}: đã có, giữ nguyên." in again
    assert (Survey.objects.count(), Response.objects.count(), AuditEvent.objects.count()) == counts
    assert SipasSnapshot.objects.count() == 1
