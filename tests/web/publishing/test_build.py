"""snapshot_build: the engine run once, frozen as JSON (no database)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from chiso import engine
from chiso.io.method_files import parse_yaml
from chiso.web.publishing.build import FRAMES, inputs_from_json, snapshot_build
from tests.web.publishing.helpers import example_rows, example_units, method_yaml


def build(year: int = 2024, **kwargs: object) -> dict:
    return snapshot_build(
        method_yaml=method_yaml("so"),
        units=example_units("so"),
        rows=example_rows(year, "so"),
        **kwargs,  # type: ignore[arg-type]
    )


def by_unit(rows: list[dict], unit: str) -> dict:
    return next(r for r in rows if r["unit"] == unit)


def test_results_are_the_four_frames_as_json_rows() -> None:
    built = build()
    assert json.loads(json.dumps(built, allow_nan=False)) == built
    assert set(built["results"]) == set(FRAMES)
    units = built["results"]["units"]
    assert len(units) == 19
    sct = by_unit(units, "TN.SCT")
    # The published fact the example reproduces: Sở Công Thương 90.9, excellent, first.
    assert round(sct["index"], 1) == 90.9
    assert (sct["band"], sct["rank"]) == ("xuat_sac", 1)
    assert len(built["results"]["fields"]) == 19 * 8
    assert {"criterion", "points", "max", "counted"} <= set(built["results"]["leaves"][0])
    assert built["method_hash"].startswith("sha256:")
    assert built["inputs_hash"].startswith("sha256:")


def test_extras_carry_the_method_for_pages_without_yaml() -> None:
    method = build()["extras"]["method"]
    assert method["status"] == "modelled"
    assert method["blocks"] == {"so": "Khối sở, ban, ngành"}
    assert method["bands"][0]["code"] == "xuat_sac"
    assert method["bands"][0]["color"].startswith("#")
    assert method["titles"]["1"] and method["titles"]["1.1.1"]


def test_no_previous_no_history_no_errors_no_intervals() -> None:
    extras = build()["extras"]
    assert extras["history"] is None
    assert extras["rank_intervals"] is None


def test_year_over_year_against_the_previous_snapshot() -> None:
    before = build(2023)
    previous = SimpleNamespace(results=before["results"], period=SimpleNamespace(year=2023))
    history = build(previous=previous)["extras"]["history"]
    assert history["previous_year"] == 2023
    sct = by_unit(history["units"], "TN.SCT")
    assert round(sct["index_previous"], 1) == 90.3
    assert sct["index_change"] == pytest.approx(0.6, abs=0.01)
    assert sct["rank_change"] == 0


def test_rank_intervals_when_standard_errors_are_given() -> None:
    errors = {(u.code, "survey"): 1.0 for u in example_units("so")}
    built = build(standard_errors=errors, intervals_note="giả định", draws=200, seed=7)
    intervals = built["extras"]["rank_intervals"]
    assert (intervals["draws"], intervals["seed"], intervals["note"]) == (200, 7, "giả định")
    sct = by_unit(intervals["units"], "TN.SCT")
    assert sct["rank_low"] == 1 <= sct["rank_high"]
    assert len(built["inputs"]["standard_errors"]) == 19


def test_stored_inputs_give_back_the_same_inputs_hash() -> None:
    built = build()
    units, rows, errors = inputs_from_json(json.loads(json.dumps(built["inputs"])))
    method = engine.build_method(parse_yaml(method_yaml("so")))
    assert engine.prepare_inputs(method, units, rows).hash == built["inputs_hash"]
    assert errors == {}
