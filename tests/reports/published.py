"""The Thái Nguyên example as the public documents the report writers read, built without a
database: the engine's snapshot contents (`snapshot_build`) in a stand-in for a `Snapshot` row,
turned into documents by the public site's own `documents.py`."""

from __future__ import annotations

import copy
import csv
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from chiso import engine
from chiso.io.method_files import resolve_method
from chiso.io.tables import read_scores
from chiso.web.public.documents import ranking_document, unit_document
from chiso.web.publishing.build import snapshot_build

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "thai-nguyen"
METHODS = {"so": "model-2024-so", "huyen": "model-2024-huyen"}
SIPAS = [
    {"factor": "Tiếp cận dịch vụ", "estimate": 84.2, "low": 81.0, "high": 87.1, "n": 412},
    {"factor": "Thủ tục hành chính", "estimate": 79.5, "low": 75.2, "high": 83.0, "n": 410},
    {
        "factor": "Công chức giải quyết công việc",
        "estimate": 88.0,
        "low": 85.1,
        "high": 90.6,
        "n": 405,
    },
    {"factor": "Kết quả dịch vụ", "estimate": 82.3, "low": 78.8, "high": 85.5, "n": 398},
    {"factor": "Tiếp nhận, xử lý phản ánh", "estimate": 71.4, "low": 64.0, "high": 78.2, "n": 120},
]
SERVICE = [
    {"period": f"2024-{month:02d}", "indicator": name, "value": start + month * step}
    for month in range(1, 13)
    for name, start, step in (
        ("Hồ sơ giải quyết đúng hạn (%)", 88.0, 0.6),
        ("Hồ sơ nộp trực tuyến (%)", 40.0, 2.5),
    )
]


def _units(block: str) -> list[engine.Unit]:
    with (EXAMPLES / "units-2024.csv").open(encoding="utf-8") as f:
        return [
            engine.Unit(r["unit"], r["name"], r["block"], r["kind"])
            for r in csv.DictReader(f)
            if r["block"] == block
        ]


@cache
def snapshot(year: int, block: str) -> SimpleNamespace:
    """The block's example year as a published snapshot would hold it (2024 compared with
    2023, with rank intervals)."""
    method_yaml = resolve_method(METHODS[block]).read_text(encoding="utf-8")
    units = _units(block)
    built = snapshot_build(
        method_yaml=method_yaml,
        units=units,
        rows=read_scores(EXAMPLES / f"scores-{year}-{block}.csv").rows,
        previous=snapshot(year - 1, block) if year == 2024 else None,
        standard_errors={(u.code, "survey"): 1.0 for u in units} if year == 2024 else None,
        intervals_note="Sai số giả định (thử nghiệm).",
        draws=200,
    )
    return SimpleNamespace(
        pk=year,
        period=SimpleNamespace(year=year),
        block=block,
        block_title=built["extras"]["method"]["blocks"][block],
        published_at=datetime(year + 1, 3, 20, 9, 0, tzinfo=UTC),
        extras=built["extras"],
        method_hash=built["method_hash"],
        inputs_hash=built["inputs_hash"],
        results=built["results"],
        ranking=built["results"]["units"],
    )


def ranking(block: str = "so") -> dict[str, Any]:
    return copy.deepcopy(ranking_document(snapshot(2024, block)))


def fields(block: str = "so") -> list[dict[str, Any]]:
    return copy.deepcopy(snapshot(2024, block).results["fields"])


def unit(code: str = "TN.SCT", block: str = "so") -> dict[str, Any]:
    history = [
        {
            "year": year,
            "block": block,
            "block_title": snapshot(year, block).block_title,
            **{k: row[k] for k in ("total", "max", "index", "rank", "band", "band_label")},
        }
        for year in (2023, 2024)
        for row in snapshot(year, block).results["units"]
        if row["unit"] == code
    ]
    document = unit_document(snapshot(2024, block), code, history)
    assert document is not None
    return copy.deepcopy(document)


def leaves(code: str = "TN.SCT", block: str = "so") -> list[dict[str, Any]]:
    return [copy.deepcopy(x) for x in snapshot(2024, block).results["leaves"] if x["unit"] == code]


def titles(block: str = "so") -> dict[str, str]:
    return dict(snapshot(2024, block).extras["method"]["titles"])


def publication() -> dict[str, Any]:
    """The year document the province report reads (`chiso.publication.year/1`)."""
    blocks = []
    for block in METHODS:
        document = ranking(block)
        rows = fields(block)
        titles_of = {f["field"]: f["title"] for f in rows}
        previous = snapshot(2023, block).results["units"]
        document |= {
            "fields": [{"field": k, "title": v} for k, v in titles_of.items()],
            "field_scores": [
                {k: f[k] for k in ("unit", "field", "points", "max", "index")} for f in rows
            ],
            "previous": {
                "year": 2023,
                "units": [
                    {k: r[k] for k in ("unit", "name", "index", "rank", "band")} for r in previous
                ],
            },
        }
        blocks.append(document)
    return {
        "schema": "chiso.publication.year/1",
        "year": 2024,
        "province": "Thái Nguyên",
        "published_at": blocks[0]["published_at"],
        "blocks": blocks,
    }
