"""The dossier data contract as Markdown, for `docs/data-contract.md` (`chiso.docgen`).

One section per table of `chiso.engine.service_tables`, in import order — what it holds, its
key, and every column with its type, whether it is required, its allowed values and the header
names the importer also accepts — read from the contract itself so that the page cannot drift.
"""

from __future__ import annotations

from chiso.engine.service_tables import HOLIDAYS, TABLES, Table
from chiso.io.dossier_parse import VALUE_ALIASES
from chiso.io.dossier_read import ALIASES

TYPES = {
    "VARCHAR": "text",
    "BOOLEAN": "yes/no",
    "INTEGER": "whole number",
    "DOUBLE": "number",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
}


def contract_tables() -> str:
    out: list[str] = []
    for table in (*TABLES, HOLIDAYS):
        out += _section(table)
    return "\n".join(out)


def _section(table: Table) -> list[str]:
    key = ", ".join(f"`{k}`" for k in table.key)
    lines = [
        f"### `{table.name}`",
        "",
        f"{table.description} Key: {key}.",
        "",
        "| column | type | required | values | also accepted as header | what it is |",
        "|---|---|---|---|---|---|",
    ]
    for c in table.columns:
        values = ", ".join(f"`{v}`" for v in c.values)
        words = _value_words(c.name, c.values)
        if words:
            values += f" (or {words})"
        headers = ", ".join(f"`{a}`" for a in ALIASES.get(c.name, ()))
        required = "yes" if c.required else ""
        text = c.description.replace("|", "\\|")
        lines.append(
            f"| `{c.name}` | {TYPES[c.type]} | {required} | {values} | {headers} | {text} |"
        )
    return [*lines, ""]


def _value_words(column: str, values: tuple[str, ...]) -> str:
    words = [w for w, code in VALUE_ALIASES.get(column, {}).items() if w != code and code in values]
    return ", ".join(f"`{w}`" for w in words)
