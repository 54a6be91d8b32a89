"""The structure of a method file, as JSON Schema with a description on every key.

This schema is the single source for the structural checks (`chiso check`) and for the key
reference in `docs/method-files.md`, which is generated from it. Rule parameters have their own
schemas in `chiso.engine.rules`; semantic checks (sums, coverage, references) live in
`chiso.engine.load`.
"""

from __future__ import annotations

from typing import Any

FORMAT = "chiso.method/1"

_TEXT = {"type": "string", "minLength": 1}
_POINTS = {
    "description": "points: a number, or a fraction written as text such as '10/3'",
    "oneOf": [
        {"type": "number"},
        {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*/\s*\d+(\.\d+)?\s*$"},
    ],
}
_MISSING = {
    "enum": ["zero", "exclude", "unrank"],
    "description": (
        "what a leaf with no value does: `zero` counts it as 0 points; `exclude` removes its "
        "max from the unit's max (the index is taken over what was scored); `unrank` leaves the "
        "unit out of the ranking, flagged `missing_input`"
    ),
}


def object_schema(
    properties: dict[str, Any], required: list[str], description: str
) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


CRITERION: dict[str, Any] = object_schema(
    {
        "code": {**_TEXT, "description": "numbering as published: '3', '3.2', '3.2.1'"},
        "title": {**_TEXT, "description": "Vietnamese title (nội dung tiêu chí)"},
        "title_en": {"type": "string", "description": "English title"},
        "max": {**_POINTS, "description": "max points (điểm tối đa); children must add up to it"},
        "children": {
            "type": "array",
            "minItems": 1,
            "items": {"$ref": "#/$defs/criterion"},
            "description": "sub-criteria; a node without children is a leaf",
        },
        "rule": {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"type": "string"}},
            "description": "leaves only: the scoring rule, `kind` plus its parameters",
        },
        "source": {
            "enum": ["appraisal", "survey", "sipas", "data"],
            "description": (
                "leaves only: where the score comes from — `appraisal` (self-assessment then "
                "appraisal), `survey` (sociological survey), `sipas` (the SIPAS result), "
                "`data` (a rate measured from records, which the appraiser may override)"
            ),
        },
        "guidance": {"type": "string", "description": "scoring guidance as published (cách chấm)"},
        "guidance_en": {"type": "string", "description": "the guidance in English"},
    },
    ["code", "title", "max"],
    "a node of the criteria tree",
)

ADJUSTMENT_ITEM: dict[str, Any] = {
    **CRITERION,
    "description": "a bonus or penalty item: a leaf with a rule (no source, no children)",
    "properties": {k: v for k, v in CRITERION["properties"].items() if k not in ("children",)},
    "required": ["code", "title", "max", "rule"],
}

ADJUSTMENT: dict[str, Any] = object_schema(
    {
        "cap": {**_POINTS, "description": "the most points all items together can add or take"},
        "items": {"type": "array", "minItems": 1, "items": ADJUSTMENT_ITEM},
    },
    ["cap", "items"],
    "bonus (điểm thưởng) or penalty (điểm trừ): items scored like leaves, their sum capped",
)

BAND: dict[str, Any] = object_schema(
    {
        "code": {**_TEXT, "description": "stable code, e.g. `xuat_sac`"},
        "label": {**_TEXT, "description": "Vietnamese label, e.g. 'Xuất sắc'"},
        "label_en": {"type": "string", "description": "English label"},
        "range": {
            "type": "string",
            "description": (
                "bands: the index interval with its inclusivity, e.g. '[90, inf)', '[80, 90)'"
            ),
        },
        "size": {
            "type": "integer",
            "minimum": 1,
            "description": "rank groups: how many units the group takes (left out on the last)",
        },
        "color": {"type": "string", "description": "display colour, e.g. '#1a9850'"},
    },
    ["code", "label"],
    "one class of units",
)

METHOD_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {"criterion": CRITERION},
    **object_schema(
        {
            "format": {"const": FORMAT, "description": f"always `{FORMAT}`"},
            "id": {**_TEXT, "description": "stable identifier, e.g. `thainguyen-par-2024-so`"},
            "title": {**_TEXT, "description": "Vietnamese title of the criteria set"},
            "title_en": {"type": "string", "description": "English title"},
            "jurisdiction": {**_TEXT, "description": "the province (or country) that issues it"},
            "level": {
                "enum": [
                    "department",
                    "district",
                    "commune",
                    "central_agency",
                    "province",
                    "other",
                ],
                "description": "the level of units the set evaluates",
            },
            "year": {"type": "integer", "minimum": 2000, "description": "the evaluated year"},
            "language": {"enum": ["vi", "en"], "description": "language of titles"},
            "status": {
                "enum": ["official", "reproduction", "modelled"],
                "description": (
                    "`official`: the province's own decision; `reproduction`: rebuilt from a "
                    "published table to reproduce it; `modelled`: an illustrative set, shown "
                    "with that label everywhere"
                ),
            },
            "legal_basis": object_schema(
                {
                    "decision": {**_TEXT, "description": "decision number, e.g. '24/QĐ-UBND'"},
                    "date": {"type": ["string"], "description": "date of the decision, ISO"},
                    "issuer": {"type": "string", "description": "issuing authority"},
                    "note": {"type": "string", "description": "anything a reader should know"},
                },
                ["decision", "date"],
                "the decision that issues the set (căn cứ pháp lý)",
            ),
            "notes": {"type": "string", "description": "free notes on sources and assumptions"},
            "blocks": {
                "type": "array",
                "minItems": 1,
                "description": "the blocks (khối) in which units are ranked",
                "items": object_schema(
                    {
                        "code": {**_TEXT, "description": "block code used in the unit list"},
                        "title": {**_TEXT, "description": "Vietnamese title"},
                        "title_en": {"type": "string", "description": "English title"},
                    },
                    ["code", "title"],
                    "a block",
                ),
            },
            "components": {
                "type": "array",
                "minItems": 1,
                "description": "the parts of the total and the sources that feed each",
                "items": object_schema(
                    {
                        "code": {**_TEXT, "description": "e.g. `appraisal`, `survey`"},
                        "title": {**_TEXT, "description": "Vietnamese title"},
                        "title_en": {"type": "string", "description": "English title"},
                        "short_title": {
                            "type": "string",
                            "description": "short Vietnamese label for narrow tables, "
                            "e.g. 'Điều tra XHH'",
                        },
                        "sources": {
                            "type": "array",
                            "minItems": 1,
                            "items": {"enum": ["appraisal", "survey", "sipas", "data"]},
                            "description": "leaf sources that belong to this component",
                        },
                        "points": {
                            **_POINTS,
                            "description": "declared share, checked against its leaves' max",
                        },
                        "missing_input": {
                            **_MISSING,
                            "description": "overrides the method's `missing_input` for this "
                            "component (e.g. `exclude` on the survey: no survey → the appraised "
                            "score alone is rescaled to 100)",
                        },
                    },
                    ["code", "title", "sources", "points"],
                    "a component",
                ),
            },
            "total_points": {**_POINTS, "description": "optional: declared total, checked"},
            "criteria": {
                "type": "array",
                "minItems": 1,
                "items": {"$ref": "#/$defs/criterion"},
                "description": "the fields (lĩnh vực), each a criteria tree",
            },
            "bonus": ADJUSTMENT,
            "penalty": ADJUSTMENT,
            "exemptions": {
                "type": "array",
                "description": "criteria that do not apply to some units",
                "items": object_schema(
                    {
                        "criteria": {
                            "type": "array",
                            "minItems": 1,
                            "items": {"type": "string"},
                            "description": "codes of leaves or whole subtrees (a field code "
                            "exempts the whole field)",
                        },
                        "units": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "unit codes",
                        },
                        "unit_kinds": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "unit kinds or tags from the unit list (a unit "
                            "matches by its kind or by any of its tags)",
                        },
                        "reason": {**_TEXT, "description": "why, shown in explanations"},
                    },
                    ["criteria", "reason"],
                    "an exemption",
                ),
            },
            "banding": object_schema(
                {
                    "kind": {
                        "enum": ["bands", "rank_groups", "quantiles", "none"],
                        "description": (
                            "`bands`: by index ranges; `rank_groups`: the first N ranked, the "
                            "next M …; `quantiles`: equal groups by rank (e.g. quartiles); "
                            "`none`: no classes published"
                        ),
                    },
                    "compare": {
                        "enum": ["full_precision", "displayed"],
                        "description": "`bands` only: compare the full-precision index, or "
                        "the index as displayed (rounded), with the bounds",
                    },
                    "bands": {
                        "type": "array",
                        "items": BAND,
                        "description": "the classes, best first",
                    },
                },
                ["kind"],
                "how units are classed (xếp loại)",
            ),
            "ranking": object_schema(
                {
                    "ties": {
                        "enum": ["shared", "dense", "secondary"],
                        "description": (
                            "exact ties at full precision: `shared` gives equal units the same "
                            "rank and skips the next (1, 2, 2, 4); `dense` does not skip "
                            "(1, 2, 2, 3); `secondary` breaks them by the `secondary` keys in "
                            "order, then shares what is still tied"
                        ),
                    },
                    "secondary": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": (
                            "keys for `secondary`, higher first: `component:<code>`, "
                            "`field:<code>` (field index), `total`"
                        ),
                    },
                },
                ["ties"],
                "ranking within each block, on the index at full precision",
            ),
            "display": object_schema(
                {
                    "points_decimals": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 6,
                        "description": "decimals shown for points",
                    },
                    "index_decimals": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 6,
                        "description": "decimals shown for the index %",
                    },
                    "rounding": {
                        "enum": ["half_up", "half_even"],
                        "description": "`half_up` (as Excel's ROUND: 2.345 → 2.35) or "
                        "`half_even` (banker's: 2.345 → 2.34)",
                    },
                },
                ["points_decimals", "index_decimals", "rounding"],
                "rounding for display only; all computation uses full precision",
            ),
            "missing_input": _MISSING,
        },
        [
            "format",
            "id",
            "title",
            "jurisdiction",
            "level",
            "year",
            "language",
            "status",
            "legal_basis",
            "blocks",
            "components",
            "criteria",
            "banding",
            "ranking",
            "display",
            "missing_input",
        ],
        "a method file",
    ),
}
