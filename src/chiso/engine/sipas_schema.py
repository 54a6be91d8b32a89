"""The structure of a SIPAS questionnaire file, as JSON Schema with a description on every key.

A questionnaire (`format: chiso.questionnaire/1`) is data, not code: its items, the answer scale,
which answers count as satisfied, and the aggregation tree item → factor → content → overall with
`mean` or `pooled` at each node. Every methodological choice is a required key with no default.
Meaning checks (references, coverage, the scale) live in `chiso.engine.sipas_method`.
"""

from __future__ import annotations

from typing import Any

from chiso.engine.schema import METHOD_SCHEMA, object_schema

FORMAT = "chiso.questionnaire/1"

_TEXT = {"type": "string", "minLength": 1}
_CODE = {**_TEXT, "pattern": r"^[A-Za-z0-9_.\-]+$"}
_AGGREGATION = {
    "enum": ["mean", "pooled"],
    "description": (
        "`mean`: the unweighted mean of the children's indices (children with no valid answer "
        "left out); `pooled`: satisfied answers over valid answers, pooled over every item below "
        "the node (items with more answers weigh more)"
    ),
}


_CODES = {"type": "array", "minItems": 1, "items": {"type": "string"}}

SCALE_VALUE: dict[str, Any] = object_schema(
    {
        "value": {"type": "integer", "description": "the value recorded for this answer"},
        "label": {**_TEXT, "description": "Vietnamese label, e.g. 'Hài lòng'"},
        "label_en": {"type": "string", "description": "English label"},
    },
    ["value", "label"],
    "one answer of the scale",
)

QUESTIONNAIRE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    **object_schema(
        {
            "format": {"const": FORMAT, "description": f"always `{FORMAT}`"},
            "id": {**_TEXT, "description": "stable identifier, e.g. `sipas-service-user-2024`"},
            "title": {**_TEXT, "description": "Vietnamese title of the questionnaire"},
            "title_en": {"type": "string", "description": "English title"},
            "year": {"type": "integer", "minimum": 2000, "description": "the surveyed year"},
            "language": {"enum": ["vi", "en"], "description": "language of the texts"},
            "status": METHOD_SCHEMA["properties"]["status"],
            "legal_basis": METHOD_SCHEMA["properties"]["legal_basis"],
            "notes": {"type": "string", "description": "free notes on sources and assumptions"},
            "scale": object_schema(
                {
                    "values": {
                        "type": "array",
                        "minItems": 2,
                        "items": SCALE_VALUE,
                        "description": "the answer levels, lowest first (e.g. 1 … 5)",
                    },
                    "not_applicable": {
                        **SCALE_VALUE,
                        "description": "the 'no answer / not applicable' value: left out of "
                        "every denominator",
                    },
                    "satisfied": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "integer"},
                        "description": "the values that count as satisfied, e.g. [4, 5]",
                    },
                },
                ["values", "not_applicable", "satisfied"],
                "the answer scale",
            ),
            "scales": {
                "type": "array",
                "minItems": 1,
                "description": "further answer lists for `choice` items (perceptions, needs …), "
                "each with its own code; the satisfaction `scale` is not among them",
                "items": object_schema(
                    {
                        "code": {**_CODE, "description": "stable scale code, e.g. `YES_NO`"},
                        "title": {**_TEXT, "description": "Vietnamese title of the answer list"},
                        "title_en": {"type": "string", "description": "English title"},
                        "values": {
                            "type": "array",
                            "minItems": 2,
                            "items": SCALE_VALUE,
                            "description": "the answers (options) in the order they are shown",
                        },
                        "not_applicable": {
                            **SCALE_VALUE,
                            "description": "the 'no answer' value, left out of every "
                            "denominator (absent: a skipped question simply has no row)",
                        },
                    },
                    ["code", "title", "values"],
                    "an answer list for choice items",
                ),
            },
            "items": {
                "type": "array",
                "minItems": 1,
                "description": "the questions, in the order of the form",
                "items": object_schema(
                    {
                        "code": {**_CODE, "description": "stable item code, e.g. `TC1.1`"},
                        "text": {**_TEXT, "description": "the question in Vietnamese"},
                        "text_en": {"type": "string", "description": "the question in English"},
                        "kind": {
                            "enum": ["rating", "choice"],
                            "description": "`rating` (absent means rating): answered on the "
                            "satisfaction `scale`, counted in its factor; `choice`: answered from "
                            "a list in `scales`, reported as shares of answers with intervals and "
                            "kept out of the satisfaction tree",
                        },
                        "factor": {
                            **_TEXT,
                            "description": "rating items: code of the factor they belong to",
                        },
                        "scale": {
                            **_TEXT,
                            "description": "choice items: code of their answer list in `scales`",
                        },
                        "multiple": {
                            "type": "boolean",
                            "description": "choice items: several answers allowed (one row per "
                            "answer); shares are then of respondents and may add up past 100 %",
                        },
                    },
                    ["code", "text"],
                    "one item",
                ),
            },
            "factors": {
                "type": "array",
                "minItems": 1,
                "description": "the factors (yếu tố); an item names its factor",
                "items": object_schema(
                    {
                        "code": {**_CODE, "description": "stable factor code"},
                        "title": {**_TEXT, "description": "Vietnamese title"},
                        "title_en": {"type": "string", "description": "English title"},
                        "aggregation": {**_AGGREGATION},
                    },
                    ["code", "title", "aggregation"],
                    "a factor: the first level above the items",
                ),
            },
            "contents": {
                "type": "array",
                "minItems": 1,
                "description": "the contents (nội dung), e.g. service; policy",
                "items": object_schema(
                    {
                        "code": {**_CODE, "description": "stable content code"},
                        "title": {**_TEXT, "description": "Vietnamese title"},
                        "title_en": {"type": "string", "description": "English title"},
                        "aggregation": {**_AGGREGATION},
                        "factors": {**_CODES, "description": "codes of its factors"},
                    },
                    ["code", "title", "aggregation", "factors"],
                    "a content: a group of factors",
                ),
            },
            "overall": object_schema(
                {
                    "title": {**_TEXT, "description": "Vietnamese title, e.g. 'Chỉ số SIPAS'"},
                    "title_en": {"type": "string", "description": "English title"},
                    "aggregation": {**_AGGREGATION},
                    "contents": {**_CODES, "description": "codes of the contents it combines"},
                },
                ["title", "aggregation", "contents"],
                "the overall index, the root of the tree (node code `overall`)",
            ),
            "min_sample": {
                "type": "integer",
                "minimum": 1,
                "description": "respondents with a valid answer a unit needs to be ranked",
            },
        },
        [
            "format",
            "id",
            "title",
            "year",
            "language",
            "status",
            "legal_basis",
            "scale",
            "items",
            "factors",
            "contents",
            "overall",
            "min_sample",
        ],
        "a SIPAS questionnaire file",
    ),
}
