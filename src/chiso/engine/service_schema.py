"""The structure of a service-quality method file, as JSON Schema with a description on every key.

A service method (`format: chiso.service/1`) holds everything of the Decision 766 indicator set
that varies by province and year: the groups and their indicators with points, the measure each
indicator counts, how its rate becomes points, the no-data rule, which unit levels it applies
to, the on-time rules, the deadlines, bands, ranking and rounding. Every choice is a required key
with no default in code. Meaning checks (sums, references, bands) live in
`chiso.engine.service_method`; the reference in `docs/service-method.md` is generated from here.
"""

from __future__ import annotations

from typing import Any

from chiso.engine.schema import BAND, METHOD_SCHEMA, object_schema

FORMAT = "chiso.service/1"

LEVELS = ("province", "department", "commune")

_TEXT = {"type": "string", "minLength": 1}
_CODE = {**_TEXT, "pattern": r"^[A-Za-z0-9_.\-]+$"}
_POINTS = {"type": "number", "minimum": 0}
_WORKING_DAYS = {"type": "integer", "minimum": 0}
_OPEN = {
    "enum": ["judged_at_period_end", "excluded"],
    "description": (
        "`judged_at_period_end`: an item still open when the period ends (or at the cut-off "
        "date) counts, on time if its deadline has not passed by then; `excluded`: only items "
        "finished in the period count"
    ),
}

SCORING: dict[str, Any] = object_schema(
    {
        "kind": {
            "enum": ["linear", "target", "shown"],
            "description": (
                "`linear`: points × R / 100; `target`: min(points, points × R / target); "
                "`shown`: a value shown with no points (points must be 0)"
            ),
        },
        "target": {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": 100,
            "description": "`target` only: the rate T (%) that earns the full points",
        },
    },
    ["kind"],
    "how the indicator's rate becomes points",
)

INDICATOR: dict[str, Any] = object_schema(
    {
        "code": {**_CODE, "description": "stable code, starting with its group's, e.g. `2.1`"},
        "ref": {
            "type": "string",
            "description": "its number in the source the method follows, when that differs",
        },
        "title": {**_TEXT, "description": "Vietnamese title"},
        "title_en": {"type": "string", "description": "English title"},
        "points": {**_POINTS, "description": "max points (0 for a `shown` indicator)"},
        "measure": {
            **_TEXT,
            "description": "the counts it is computed from: a measure name (see Measures)",
        },
        "rate": {
            "enum": ["share", "complement", "mean"],
            "description": (
                "the rate R from the counts: `share` = 100 × numerator / denominator; "
                "`complement` = max(0, 100 − 100 × numerator / denominator) (numerator counts "
                "failures); `mean` = numerator / denominator, not a % (with `shown` only)"
            ),
        },
        "times_rate_of": {
            **_CODE,
            "description": "optional: multiply R by this other indicator's rate / 100 (e.g. "
            "online dossiers × the sync rate)",
        },
        "scoring": SCORING,
        "when_no_data": {
            "enum": ["full", "zero"],
            "description": (
                "points when the denominator is 0 (nothing to measure): `full` (nothing was "
                "due, nothing was late) or `zero`"
            ),
        },
        "applies_to": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"enum": list(LEVELS)},
            "description": "the unit levels it applies to; see `not_applicable` for the others",
        },
        "notes": {"type": "string", "description": "sources and decisions for this indicator"},
    },
    ["code", "title", "points", "measure", "rate", "scoring", "when_no_data", "applies_to"],
    "one indicator (chỉ tiêu)",
)

GROUP: dict[str, Any] = object_schema(
    {
        "code": {**_CODE, "description": "stable code, e.g. `2`"},
        "title": {**_TEXT, "description": "Vietnamese title, e.g. 'Tiến độ giải quyết'"},
        "title_en": {"type": "string", "description": "English title"},
        "points": {**_POINTS, "description": "max points; its indicators must add up to it"},
        "indicators": {"type": "array", "minItems": 1, "items": INDICATOR},
    },
    ["code", "title", "points", "indicators"],
    "a group of indicators (nhóm chỉ số)",
)

ON_TIME: dict[str, Any] = object_schema(
    {
        "deadline": {
            "enum": ["appointment_else_legal_limit", "legal_limit"],
            "description": (
                "`appointment_else_legal_limit`: on time = end ≤ the appointment date (hẹn "
                "trả), or, without one, elapsed time ≤ the procedure's legal limit; "
                "`legal_limit`: always the legal limit"
            ),
        },
        "supplement_time": {
            "enum": ["excluded", "counted"],
            "description": "`excluded`: time from a supplement request until the citizen "
            "supplies the papers does not count toward the elapsed time",
        },
        "overdue_at_supplement_request": {
            "type": ["integer", "null"],
            "minimum": 1,
            "description": "the n-th supplement request makes the dossier overdue (2: a second "
            "request); null: never",
        },
        "open_dossiers": {**_OPEN},
    },
    ["deadline", "supplement_time", "overdue_at_supplement_request", "open_dossiers"],
    "the on-time rules for dossiers",
)

SETTINGS: dict[str, Any] = {
    "calendar": {
        **_CODE,
        "description": "the working-day calendar: holiday files `<calendar>-YYYY.yaml` (e.g. "
        "`vn`, shipped in `chiso/methods/calendar/`), which also name the weekend",
    },
    "on_time": ON_TIME,
    "publicity": object_schema(
        {
            "publication_lead_working_days": {
                **_WORKING_DAYS,
                "description": "working days a publication decision must come before the "
                "effective date of its legal basis (days strictly between the two)",
            },
            "made_public_within_working_days": {
                **_WORKING_DAYS,
                "description": "working days after the publication decision within which the "
                "procedure must be public in the national procedure database",
            },
        },
        ["publication_lead_working_days", "made_public_within_working_days"],
        "deadlines of procedure publication",
    ),
    "online": object_schema(
        {
            "written_result_needs_e_result": {
                "type": "boolean",
                "description": "an online dossier of a procedure whose result is a written "
                "document counts as online only if an electronic result exists",
            },
        },
        ["written_result_needs_e_result"],
        "what counts as an online dossier",
    ),
    "feedback": object_schema(
        {
            "reject_within_working_days": {
                **_WORKING_DAYS,
                "description": "a rejection is on time within this many working days",
            },
            "supplement_request_within_working_days": {
                **_WORKING_DAYS,
                "description": "the first request for more information, within this many",
            },
            "handle_within_working_days": {
                **_WORKING_DAYS,
                "description": "handled and published within this many working days from "
                "sending, or from the latest transfer",
            },
            "open_feedback": {**_OPEN},
            "disliked": {
                "enum": ["more_dislikes_than_likes", "any_dislike"],
                "description": "when a published answer counts as disliked",
            },
        },
        [
            "reject_within_working_days",
            "supplement_request_within_working_days",
            "handle_within_working_days",
            "open_feedback",
            "disliked",
        ],
        "deadlines and satisfaction rules of citizens' feedback (PAKN)",
    ),
    "certified_copies": object_schema(
        {
            "procedures": {
                "type": "array",
                "minItems": 1,
                "items": _TEXT,
                "description": "procedure codes of electronic certified copies: a commune "
                "provides the service when it returned an electronic result for one",
            },
        },
        ["procedures"],
        "the electronic certified-copy service",
    ),
}

METHOD_KEYS: dict[str, Any] = {
    "format": {"const": FORMAT, "description": f"always `{FORMAT}`"},
    "id": {**_TEXT, "description": "stable identifier, e.g. `qd766-2022`"},
    "title": {**_TEXT, "description": "Vietnamese title of the indicator set"},
    "title_en": {"type": "string", "description": "English title"},
    "jurisdiction": {**_TEXT, "description": "who issues the set (the country, a province)"},
    "language": {"enum": ["vi", "en"], "description": "language of titles"},
    "status": METHOD_SCHEMA["properties"]["status"],
    "legal_basis": METHOD_SCHEMA["properties"]["legal_basis"],
    "notes": {"type": "string", "description": "free notes on sources and assumptions"},
    "total_points": {**_POINTS, "description": "declared total; the groups must add up to it"},
    **SETTINGS,
    "not_applicable": {
        "enum": ["full_points", "excluded_from_max"],
        "description": (
            "an indicator that does not apply to a unit's level: `full_points` gives its points "
            "in full; `excluded_from_max` leaves it out of the unit's max (index = 100 × total "
            "/ max)"
        ),
    },
    "groups": {"type": "array", "minItems": 1, "items": GROUP, "description": "the groups"},
    "banding": object_schema(
        {
            "compare": METHOD_SCHEMA["properties"]["banding"]["properties"]["compare"],
            "bands": {"type": "array", "minItems": 1, "items": BAND},
        },
        ["compare", "bands"],
        "bands (xếp loại) by the index, each with a range such as '[90, 100]'",
    ),
    "ranking": object_schema(
        {
            "ties": {
                "enum": ["shared", "dense"],
                "description": "equal indices share a rank: `shared` 1, 2, 2, 4; `dense` 1, 2, "
                "2, 3",
            },
            "within": {
                "enum": ["level", "block"],
                "description": "rank within each unit level, or within each block of the unit "
                "list (a unit without a block is ranked with its level)",
            },
        },
        ["ties", "within"],
        "ranks within groups of units",
    ),
    "display": object_schema(
        {
            "decimals": {
                "type": "integer",
                "minimum": 0,
                "maximum": 6,
                "description": "decimals of rates, points and the index as shown",
            },
            "rounding": {
                "enum": ["half_up", "half_even"],
                "description": "how a value is rounded to `decimals` (decimal rounding, as a "
                "person or Excel does)",
            },
            "round_points": {
                "enum": ["indicator", "display"],
                "description": (
                    "`indicator`: each indicator's points are rounded to `decimals`, and groups "
                    "and the total are sums of the rounded points (published parts add up); "
                    "`display`: full precision throughout, rounded only when shown"
                ),
            },
        },
        ["decimals", "rounding", "round_points"],
        "decimals of rates and points, and when points are rounded",
    ),
}

SERVICE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    **object_schema(
        METHOD_KEYS,
        [
            "format",
            "id",
            "title",
            "jurisdiction",
            "language",
            "status",
            "legal_basis",
            "total_points",
            *SETTINGS,
            "not_applicable",
            "groups",
            "banding",
            "ranking",
            "display",
        ],
        "a service-quality method file",
    ),
}
