"""Generated parts of `docs/service-method.md`: the keys of a service method file, the measures,
the shipped method's indicators, the DuckDB-specific SQL and the SVC problem codes — all read
from the code, so the page cannot drift (`chiso.docgen` calls these)."""

from __future__ import annotations

from chiso.engine.problems import CATALOGUE
from chiso.engine.service_measures import MEASURES
from chiso.engine.service_schema import SERVICE_SCHEMA
from chiso.engine.service_sql import DUCKDB_SPECIFIC


def service_keys() -> str:
    from chiso.docgen import _keys_table

    return _keys_table(SERVICE_SCHEMA)


def service_measures() -> str:
    lines = [
        "| measure | family query | numerator / denominator | by procedure |",
        "|---|---|---|---|",
    ]
    for m in MEASURES.values():
        kind = f" (a mean in {m.unit}, not a share)" if m.value == "mean" else ""
        lines.append(
            f"| `{m.name}` | `{m.family}` | {m.en}{kind} | {'yes' if m.by_procedure else ''} |"
        )
    return "\n".join(lines) + "\n"


def service_indicators() -> str:
    from chiso.io.service_method_files import load_service_method

    method = load_service_method("qd766-2022")
    lines = [
        "| code | source no. | indicator | points | scoring | no data | applies to |",
        "|---|---|---|---|---|---|---|",
    ]
    for group in method.groups:
        lines.append(f"| **{group.code}** | | **{group.title_en}** | **{group.points:g}** | | | |")
        for i in group.indicators:
            scoring = f"target {i.target:g} %" if i.scoring == "target" else i.scoring
            if i.rate == "complement":
                scoring += ", R = 100 − failures %"
            if i.times_rate_of:
                scoring += f", × rate of {i.times_rate_of}"
            lines.append(
                f"| {i.code} | {i.ref} | {i.title_en} (`{i.measure}`) | {i.points:g} | {scoring} "
                f"| {i.when_no_data} | {', '.join(i.applies_to)} |"
            )
    return "\n".join(lines) + "\n"


def service_sql_notes() -> str:
    lines = ["| in DuckDB | what | in Spark SQL |", "|---|---|---|"]
    lines += [f"| `` {duck} `` | {what} | `` {spark} `` |" for duck, what, spark in DUCKDB_SPECIFIC]
    return "\n".join(lines) + "\n"


def service_problem_codes() -> str:
    lines = ["| code | severity | message (vi) | message (en) |", "|---|---|---|---|"]
    lines += [
        f"| `{k.code}` | {k.severity} | {k.vi} | {k.en} |"
        for k in CATALOGUE.values()
        if k.code.startswith("SVC")
    ]
    return "\n".join(lines).replace("{", "‹").replace("}", "›") + "\n"


GENERATORS = {
    "service-keys": service_keys,
    "service-measures": service_measures,
    "service-indicators": service_indicators,
    "service-sql": service_sql_notes,
    "service-problem-codes": service_problem_codes,
}
