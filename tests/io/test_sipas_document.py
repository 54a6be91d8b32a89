"""The frozen SIPAS document: estimates and intervals only, the same numbers as the engine."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from chiso.engine.sipas import estimate_sipas
from chiso.io.answers import read_answers
from chiso.io.questionnaire_files import load_questionnaire, resolve_questionnaire
from chiso.io.sipas_document import SIPAS_SCHEMA, node_estimates, sipas_csv_rows, sipas_document

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sipas" / "answers-example.csv"


@pytest.fixture(scope="module")
def made() -> tuple:
    questionnaire = load_questionnaire(resolve_questionnaire("service-user-2024"))
    answers = read_answers(EXAMPLE, questionnaire, None)
    result = estimate_sipas(questionnaire, answers, bootstrap=200, seed=3)
    channels = estimate_sipas(questionnaire, answers, bootstrap=200, seed=3, by="channel")
    names = {u: f"Xã {u}" for u in answers["unit"].unique()}
    document = sipas_document(
        questionnaire, result, names=names, answers_hash="h", by_channel=channels
    )
    return questionnaire, answers, result, document


def test_the_document_carries_the_engine_numbers(made: tuple) -> None:
    questionnaire, _, result, document = made
    assert document["schema"] == SIPAS_SCHEMA
    assert document["about"]["seed"] == 3 and document["about"]["bootstrap"] == 200
    units = {row["unit"]: row for row in document["units"]}
    assert set(units) == set(result.units["unit"])
    for row in result.units.iter_rows(named=True):
        assert units[row["unit"]]["overall"] == pytest.approx(row["overall"])
        assert units[row["unit"]]["rank"] == row["rank"]
    overall = questionnaire.overall.code
    for unit in units.values():
        assert unit["nodes"][overall]["estimate"] == pytest.approx(unit["overall"])
        assert set(unit["nodes"]) == {n.code for n in questionnaire.nodes}


def test_standard_error_is_the_half_width_over_z(made: tuple) -> None:
    *_, document = made
    for unit in document["units"]:
        half = (unit["high"] - unit["low"]) / 2
        assert unit["se"] == pytest.approx(half / 1.959963984540054)


def test_nothing_about_respondents_is_in_the_document(made: tuple) -> None:
    _, answers, _, document = made
    text = json.dumps(document, ensure_ascii=False)
    respondents = answers["respondent"].unique().to_list()
    assert respondents and not any(r in text for r in respondents)


def test_csv_rows_and_node_estimates(made: tuple) -> None:
    questionnaire, _, result, document = made
    rows = sipas_csv_rows(document)
    assert len(rows) == result.nodes.height
    first = questionnaire.factors[0].code
    estimates = node_estimates(document, first)
    expected = result.nodes.filter(pl.col("node") == first).drop_nulls("estimate")
    assert set(estimates) == set(expected["unit"])
    assert document["channels"] and {c["channel"] for c in document["channels"]} >= {"truc_tiep"}
