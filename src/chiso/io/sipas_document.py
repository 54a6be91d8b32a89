"""A SIPAS result as a plain JSON-able document: what is frozen, published and served.

The web app stores this document when the reform office freezes a survey's estimates, and the
public SIPAS page, its `.json`/`.csv` twins, the reports and the PAR feed all read it — nothing is
re-estimated on request. It holds estimates only: unit codes and names, counts, indices and
intervals; never a respondent, a token, a dossier code or a contact.

Schema `chiso.public.sipas/1` (documented in docs/public-data.md):

- `about`: questionnaire id, title and hash, answers hash, level, bootstrap draws, seed,
  minimum sample, weighting;
- `nodes`: the questionnaire's factors, contents and overall node (code, level, titles);
- `units`: one row per unit — n, overall estimate and interval, rank, ranked, and `nodes`:
  {code: {estimate, low, high, se, n}} for every node of the tree;
- `pairs`: ranked neighbours with the difference, its interval and whether it is significant;
- `channels`: one row per unit × channel with the overall estimate and interval (empty when the
  answers carry no channel).

`se` is the half-width of the interval divided by the normal quantile of the level — the
standard error the PAR rank intervals expect, in index points (0–100).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from statistics import NormalDist
from typing import Any

import polars as pl

from chiso.engine.sipas import SipasResult
from chiso.engine.sipas_method import Questionnaire

SIPAS_SCHEMA = "chiso.public.sipas/1"
UNIT_COLUMNS = ("unit", "name", "n", "overall", "low", "high", "se", "ranked", "rank")


def sipas_document(
    questionnaire: Questionnaire,
    result: SipasResult,
    *,
    names: Mapping[str, str],
    answers_hash: str,
    by_channel: SipasResult | None = None,
    weighting: str = "none",
) -> dict[str, Any]:
    """The document of `result` (and of `by_channel`, the same answers split by channel)."""
    z = NormalDist().inv_cdf(1 - (1 - result.level) / 2)
    nodes = _nodes_by_unit(result.nodes, z)
    units = [
        {
            "unit": row["unit"],
            "name": names.get(row["unit"], row["unit"]),
            "n": row["n"],
            "overall": _number(row["overall"]),
            "low": _number(row["low"]),
            "high": _number(row["high"]),
            "se": _se(row["low"], row["high"], z),
            "ranked": bool(row["ranked"]),
            "rank": row["rank"],
            "nodes": nodes.get(row["unit"], {}),
        }
        for row in result.units.sort(["rank", "unit"], nulls_last=True).iter_rows(named=True)
    ]
    return {
        "schema": SIPAS_SCHEMA,
        "about": _about(questionnaire, result, answers_hash, weighting),
        "nodes": [
            {"code": n.code, "level": n.level, "title": n.title, "title_en": n.title_en}
            for n in questionnaire.nodes
        ],
        "units": units,
        "pairs": [
            {
                "above": row["unit_above"],
                "below": row["unit_below"],
                "difference": _number(row["difference"]),
                "low": _number(row["low"]),
                "high": _number(row["high"]),
                "significant": bool(row["significant"]),
            }
            for row in result.pairs.iter_rows(named=True)
        ],
        "channels": _channels(by_channel, names, z),
    }


def sipas_csv_rows(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per unit × node (the overall node included): the `.csv` twin."""
    rows = []
    for unit in document["units"]:
        for code, node in unit["nodes"].items():
            rows.append(
                {
                    "unit": unit["unit"],
                    "name": unit["name"],
                    "node": code,
                    **{k: node[k] for k in ("estimate", "low", "high", "se", "n")},
                    "ranked": unit["ranked"],
                    "rank": unit["rank"],
                }
            )
    return rows


def node_estimates(document: Mapping[str, Any], node: str) -> dict[str, dict[str, Any]]:
    """unit → {estimate, low, high, se, n} of one node, for units with an estimate."""
    out = {}
    for unit in document["units"]:
        value = unit["nodes"].get(node)
        if value is not None and value["estimate"] is not None:
            out[unit["unit"]] = {**value, "ranked": unit["ranked"]}
    return out


def _about(
    questionnaire: Questionnaire, result: SipasResult, answers_hash: str, weighting: str
) -> dict[str, Any]:
    return {
        "questionnaire": result.questionnaire,
        "title": questionnaire.title,
        "questionnaire_hash": result.questionnaire_hash,
        "answers_hash": answers_hash,
        "level": result.level,
        "bootstrap": result.bootstrap,
        "seed": result.seed,
        "min_sample": questionnaire.min_sample,
        "weighting": weighting,
    }


def _nodes_by_unit(nodes: pl.DataFrame, z: float) -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for row in nodes.sort(["unit", "node"]).iter_rows(named=True):
        out.setdefault(row["unit"], {})[row["node"]] = {
            "estimate": _number(row["estimate"]),
            "low": _number(row["low"]),
            "high": _number(row["high"]),
            "se": _se(row["low"], row["high"], z),
            "n": row["n"],
        }
    return out


def _channels(
    result: SipasResult | None, names: Mapping[str, str], z: float
) -> list[dict[str, Any]]:
    if result is None:
        return []
    return [
        {
            "channel": row["channel"],
            "unit": row["unit"],
            "name": names.get(row["unit"], row["unit"]),
            "n": row["n"],
            "overall": _number(row["overall"]),
            "low": _number(row["low"]),
            "high": _number(row["high"]),
            "se": _se(row["low"], row["high"], z),
            "ranked": bool(row["ranked"]),
            "rank": row["rank"],
        }
        for row in result.units.sort(["unit", "channel"]).iter_rows(named=True)
    ]


def _number(value: float | None) -> float | None:
    """Stored at full precision; NaN (no valid answer) becomes null so the JSON stays valid."""
    if value is None or math.isnan(value):
        return None
    return float(value)


def _se(low: float | None, high: float | None, z: float) -> float | None:
    low, high = _number(low), _number(high)
    if low is None or high is None:
        return None
    return (high - low) / (2 * z)
