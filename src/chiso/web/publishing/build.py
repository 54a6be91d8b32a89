"""Snapshot contents: run the engine once and freeze what it read and what it gave as JSON.

Pure apart from the engine call: no database, no clock. A snapshot's three parts:

- `inputs`: the units and score rows the engine read (and the standard errors, if any), enough
  to compute the result again;
- `results`: the four frames of `ParResult` (`units`, `components`, `fields`, `leaves`) as lists
  of row dicts, at full precision;
- `extras`: what the public pages show besides the frames — the method's titles, bands and
  display rules (so no page parses YAML), year-over-year change against the previous snapshot
  of the block, and rank intervals when standard errors were given.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import polars as pl

from chiso import engine
from chiso.io.method_files import parse_yaml

INTERVAL_DRAWS = 10_000
INTERVAL_SEED = 0
FRAMES = ("units", "components", "fields", "leaves")


class PreviousSnapshot(Protocol):
    """What year-over-year needs of last year's snapshot (a `Snapshot` row fits)."""

    results: Any

    @property
    def period(self) -> Any: ...


def snapshot_build(
    *,
    method_yaml: str,
    units: Sequence[engine.Unit],
    rows: Iterable[engine.ScoreRow],
    previous: PreviousSnapshot | None = None,
    lineage: engine.Lineage | None = None,
    standard_errors: Mapping[tuple[str, str], float] | None = None,
    intervals_note: str = "",
    draws: int = INTERVAL_DRAWS,
    seed: int = INTERVAL_SEED,
) -> dict[str, Any]:
    """Compute one block's results and return the snapshot's JSON parts and hashes."""
    data = parse_yaml(method_yaml)
    method = engine.build_method(data)
    units, rows = list(units), list(rows)
    result = engine.compute_par(method, engine.prepare_inputs(method, units, rows))
    extras: dict[str, Any] = {
        "method": method_summary(method, data),
        "history": _history(result, previous, lineage),
        "rank_intervals": None,
    }
    if standard_errors:
        intervals = engine.rank_intervals(method, result, standard_errors, draws=draws, seed=seed)
        extras["rank_intervals"] = _intervals(intervals, intervals_note)
    return {
        "method_id": method.id,
        "method_hash": result.method_hash,
        "inputs_hash": result.inputs_hash,
        "inputs": inputs_json(units, rows, standard_errors),
        "results": {name: rows_of(getattr(result, name)) for name in FRAMES},
        "extras": extras,
    }


def method_summary(method: engine.Method, data: Mapping[str, Any]) -> dict[str, Any]:
    """What pages show about the method: titles, status, bands with colours, decimals."""
    colours = {b["code"]: b.get("color", "") for b in data["banding"].get("bands", [])}
    return {
        "id": method.id,
        "title": method.title,
        "status": method.status,
        "year": method.year,
        "jurisdiction": method.jurisdiction,
        "blocks": {b.code: b.title for b in method.blocks},
        "components": [{"code": c.code, "title": c.title} for c in method.components],
        "bands": [
            {
                "code": b.code,
                "label": b.label,
                "label_en": b.label_en or b.label,
                "color": colours.get(b.code, ""),
            }
            for b in method.banding.bands
        ],
        "display": {
            "points_decimals": method.display.points_decimals,
            "index_decimals": method.display.index_decimals,
            "rounding": method.display.rounding,
        },
        "titles": {code: node.title for code, node in method.nodes.items()},
    }


def inputs_json(
    units: Sequence[engine.Unit],
    rows: Sequence[engine.ScoreRow],
    standard_errors: Mapping[tuple[str, str], float] | None,
) -> dict[str, Any]:
    return {
        "units": [
            {"code": u.code, "name": u.name, "block": u.block, "kind": u.kind, "tags": list(u.tags)}
            for u in units
        ],
        "rows": [
            {"unit": r.unit, "criterion": r.criterion, "value": _value(r.value)} for r in rows
        ],
        "standard_errors": [
            {"unit": unit, "component": component, "se": se}
            for (unit, component), se in sorted((standard_errors or {}).items())
        ],
    }


def inputs_from_json(
    inputs: Mapping[str, Any],
) -> tuple[list[engine.Unit], list[engine.ScoreRow], dict[tuple[str, str], float]]:
    """The engine's inputs back from a snapshot's `inputs`."""
    units = [
        engine.Unit(u["code"], u["name"], u["block"], u["kind"], tuple(u["tags"]))
        for u in inputs["units"]
    ]
    rows = [engine.ScoreRow(r["unit"], r["criterion"], r["value"]) for r in inputs["rows"]]
    errors = {(e["unit"], e["component"]): e["se"] for e in inputs.get("standard_errors", [])}
    return units, rows, errors


def lineage_json(lineage: engine.Lineage | None) -> list[list[str]]:
    return [[k.current, k.previous, k.relation] for k in (lineage.links if lineage else ())]


def lineage_from_json(links: Sequence[Sequence[str]]) -> engine.Lineage:
    return engine.Lineage.of(engine.LineageLink(*link) for link in links)


def rows_of(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-able row dicts; NaN and infinities become null."""
    return [{k: _clean(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]


def _history(
    result: engine.ParResult,
    previous: PreviousSnapshot | None,
    lineage: engine.Lineage | None,
) -> dict[str, Any] | None:
    if previous is None:
        return None
    before = pl.DataFrame(
        [{k: row[k] for k in ("unit", "index", "rank")} for row in previous.results["units"]],
        schema={"unit": pl.String, "index": pl.Float64, "rank": pl.Int64},
        orient="row",
    )
    changes = engine.compare_years(result.units, before, lineage)
    return {
        "previous_year": previous.period.year,
        "lineage": lineage_json(lineage),
        "units": rows_of(changes),
    }


def _intervals(intervals: engine.RankIntervals, note: str) -> dict[str, Any]:
    return {
        "draws": intervals.draws,
        "seed": intervals.seed,
        "level": intervals.level,
        "note": note,
        "units": rows_of(intervals.units),
        "pairs": rows_of(intervals.pairs),
    }


def _value(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    return str(value)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
