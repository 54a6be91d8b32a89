"""SIPAS publication: estimated once, frozen without respondent data, recomputed exactly, served
as a page with intervals and `.json`/`.csv` twins, nothing before publication."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from chiso.io.answers import read_answers
from chiso.io.questionnaire_files import load_questionnaire, resolve_questionnaire
from chiso.web.audit.models import AuditEvent
from chiso.web.publishing.models import SipasSnapshot
from chiso.web.publishing.sipas import anonymised, sipas_publish, sipas_recompute

pytestmark = pytest.mark.db

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "sipas" / "answers-example.csv"
QUESTIONNAIRE = resolve_questionnaire("service-user-2024")


@pytest.fixture
def answers() -> pl.DataFrame:
    return read_answers(EXAMPLE, load_questionnaire(QUESTIONNAIRE), None)


@pytest.fixture
def published(chair: Any, answers: pl.DataFrame) -> SipasSnapshot:
    names = {u: f"UBND {u.title()}" for u in answers["unit"].unique()}
    return sipas_publish(
        year=2024,
        title="Khảo sát SIPAS năm 2024",
        questionnaire_yaml=QUESTIONNAIRE.read_text(encoding="utf-8"),
        answers=answers,
        names=names,
        seed=9,
        bootstrap=200,
        by=chair,
    )


def test_publish_stores_document_and_anonymised_answers(
    published: SipasSnapshot, answers: pl.DataFrame
) -> None:
    stored = pl.read_parquet(io.BytesIO(bytes(published.answers)))
    assert stored.height == answers.height
    assert stored["respondent"].dtype == pl.Int64
    assert set(stored["respondent"]) == set(range(1, answers["respondent"].n_unique() + 1))
    text = json.dumps(published.document, ensure_ascii=False)
    assert not any(r in text for r in answers["respondent"].unique().to_list())
    assert AuditEvent.objects.filter(action="sipas.publish", target="sipas:2024").count() == 1


def test_recompute_gives_back_the_stored_document(published: SipasSnapshot) -> None:
    published.refresh_from_db()
    assert sipas_recompute(snapshot=published) == published.document


def test_renumbering_does_not_depend_on_row_order(answers: pl.DataFrame) -> None:
    shuffled = answers.sample(fraction=1.0, shuffle=True, seed=4)
    assert anonymised(shuffled).equals(anonymised(answers))


def test_a_year_is_published_once_and_only_by_the_chair(
    published: SipasSnapshot, chair: Any, admin_user: Any, answers: pl.DataFrame
) -> None:
    kwargs = dict(
        year=2024,
        title="again",
        questionnaire_yaml=QUESTIONNAIRE.read_text(encoding="utf-8"),
        answers=answers,
        names={},
        seed=1,
        bootstrap=10,
    )
    with pytest.raises(ValidationError, match="2024"):
        sipas_publish(**kwargs, by=chair)
    with pytest.raises(PermissionDenied):
        sipas_publish(**{**kwargs, "year": 2025}, by=admin_user)
    assert SipasSnapshot.objects.count() == 1


def test_bad_answers_are_refused_with_every_problem(chair: Any, answers: pl.DataFrame) -> None:
    broken = answers.with_columns(
        pl.when(pl.int_range(pl.len()) < 2).then(9).otherwise(pl.col("value")).alias("value")
    )
    with pytest.raises(ValidationError, match="SIP042"):
        sipas_publish(
            year=2023,
            title="t",
            questionnaire_yaml=QUESTIONNAIRE.read_text(encoding="utf-8"),
            answers=broken,
            names={},
            seed=1,
            bootstrap=10,
            by=chair,
        )
    assert not SipasSnapshot.objects.exists()


def test_public_page_draws_intervals_and_has_twins(
    client: Client, published: SipasSnapshot
) -> None:
    page = client.get("/2024/sipas/")
    assert page.status_code == 200
    html = page.content.decode()
    first = published.document["units"][0]
    assert first["name"] in html and 'class="mark-symbol role-mark' in html
    assert "Khoảng tin cậy 95%" in html
    data = json.loads(client.get("/2024/sipas.json").content)
    assert data["schema"] == "chiso.public.sipas/1" and data["year"] == 2024
    assert data["units"] == published.document["units"]
    rows = list(
        csv.DictReader(io.StringIO(client.get("/2024/sipas.csv").content.decode("utf-8-sig")))
    )
    nodes = {n["code"] for n in published.document["nodes"]}
    assert len(rows) == len(published.document["units"]) * len(nodes)


def test_nothing_before_publication(client: Client) -> None:
    for url in ("/2024/sipas/", "/2024/sipas.json", "/2024/sipas.csv"):
        assert client.get(url).status_code == 404


def test_every_documented_field_and_column_is_served(
    client: Client, published: SipasSnapshot
) -> None:
    from tests.web.public.test_pages import documented, present

    document = json.loads(client.get("/2024/sipas.json").content)
    fields = documented("fields:sipas")
    assert len(fields) > 20
    assert [f for f in fields if not present(document, f)] == []
    body = client.get("/2024/sipas.csv").content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(body))) == documented("columns:sipas")


def test_home_and_ranking_link_the_sipas_page_once_published(
    client: Client, two_years: Any, chair: Any, answers: pl.DataFrame
) -> None:
    pages = ("/", "/2024/so/")
    for url in pages:
        assert "/2024/sipas/" not in client.get(url).content.decode()
    sipas_publish(
        year=2024,
        title="Khảo sát SIPAS năm 2024",
        questionnaire_yaml=QUESTIONNAIRE.read_text(encoding="utf-8"),
        answers=answers,
        names={},
        seed=1,
        bootstrap=50,
        by=chair,
    )
    for url in pages:
        assert 'href="/2024/sipas/"' in client.get(url).content.decode()
    # Another year's SIPAS is not this year's: 2023's ranking links nothing.
    assert "/sipas/" not in client.get("/2023/so/").content.decode()
