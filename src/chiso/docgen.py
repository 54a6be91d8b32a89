"""Generate the reference parts of the docs from the code, so that they cannot drift.

`python -m chiso.docgen docs` rewrites, in place, every block between
``<!-- generated:NAME:start -->`` and ``<!-- generated:NAME:end -->`` in the docs; the prose
around them is written by hand. `tests/test_docs.py` fails when a generated block is stale.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import click
from ruamel.yaml import YAML

from chiso.docgen_service import GENERATORS as SERVICE_GENERATORS
from chiso.engine.problems import CATALOGUE
from chiso.engine.rules import RULES
from chiso.engine.schema import METHOD_SCHEMA

_BLOCK = re.compile(
    r"(<!-- generated:(?P<name>[\w-]+):start -->\n)(?P<body>.*?)"
    r"(<!-- generated:(?P=name):end -->)",
    re.S,
)


def method_keys() -> str:
    return _keys_table(METHOD_SCHEMA)


def questionnaire_keys() -> str:
    from chiso.engine.sipas_schema import QUESTIONNAIRE_SCHEMA

    return _keys_table(QUESTIONNAIRE_SCHEMA)


def questionnaires() -> str:
    from chiso.docgen_sipas import shipped_questionnaires_summary

    return shipped_questionnaires_summary()


def data_contract() -> str:
    from chiso.docgen_contract import contract_tables

    return contract_tables()


def _keys_table(schema: Mapping[str, Any]) -> str:
    lines = ["| key | required | what it is |", "|---|---|---|"]
    lines += [
        f"| `{path}` | {'yes' if required else ''} | {text} |"
        for path, required, text in _walk(schema, "", set(schema["required"]))
    ]
    return "\n".join(lines) + "\n"


def _walk(
    schema: Mapping[str, Any], prefix: str, required: set[str]
) -> Iterator[tuple[str, bool, str]]:
    for key, sub in schema.get("properties", {}).items():
        sub = _resolve(sub)
        path = f"{prefix}{key}"
        yield path, key in required, _describe(sub)
        items = _resolve(sub.get("items", {})) if sub.get("type") == "array" else None
        if items and items.get("properties") and path != "criteria[].children":
            yield from _walk(items, f"{path}[].", set(items.get("required", [])))
        elif sub.get("properties") and key != "rule":
            yield from _walk(sub, f"{path}.", set(sub.get("required", [])))


def _resolve(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    if "$ref" in schema:
        return METHOD_SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[-1]]  # type: ignore[no-any-return]
    return schema


def _describe(schema: Mapping[str, Any]) -> str:
    text = schema.get("description", "").replace("|", "\\|")
    if "enum" in schema and "`" not in text:
        text += " One of: " + ", ".join(f"`{v}`" for v in schema["enum"]) + "."
    return text


def rule_kinds() -> str:
    out = []
    yaml = YAML()
    yaml.default_flow_style = None
    for rule in RULES.values():
        example = rule.example
        out += [
            f"### `{rule.name}`",
            "",
            f"{rule.summary_vi}  ",
            f"*{rule.summary_en}*",
            "",
            f"Input: {rule.input_en}.",
            "",
        ]
        out += [f"{note}" for note in rule.notes] + ([""] if rule.notes else [])
        out += ["```yaml", f"max: {example.max:g}", "rule:"]
        out += ["  " + line for line in _dump(yaml, dict(example.rule)).splitlines()]
        out += ["```", "", "| input | points |", "|---|---|"]
        out += [f"| `{raw}` | {points:g} |" for raw, points in example.inputs]
        out.append("")
    return "\n".join(out)


def _dump(yaml: YAML, data: Any) -> str:
    from io import StringIO

    buffer = StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def problem_codes() -> str:
    lines = ["| code | severity | message (vi) | message (en) |", "|---|---|---|---|"]
    lines += [f"| `{k.code}` | {k.severity} | {k.vi} | {k.en} |" for k in CATALOGUE.values()]
    return "\n".join(lines).replace("{", "‹").replace("}", "›") + "\n"


def cli_reference() -> str:
    from chiso.cli import main

    with click.Context(main, info_name="chiso", terminal_width=100, max_content_width=100) as ctx:
        return "\n".join(_command_help(main, ctx, "chiso"))


def _command_help(command: click.Command, ctx: click.Context, path: str) -> list[str]:
    """The help of `command` and, for a group, of every subcommand below it."""
    out = [f"### `{path}`", "", "```text", command.get_help(ctx), "```", ""]
    if isinstance(command, click.Group):
        for name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, name)
            assert sub is not None
            with click.Context(
                sub, info_name=name, parent=ctx, terminal_width=100, max_content_width=100
            ) as sub_ctx:
                out += _command_help(sub, sub_ctx, f"{path} {name}")
    return out


GENERATORS: dict[str, Callable[[], str]] = {
    "method-keys": method_keys,
    "questionnaire-keys": questionnaire_keys,
    "questionnaires": questionnaires,
    "rule-kinds": rule_kinds,
    "problem-codes": problem_codes,
    "cli": cli_reference,
    "data-contract": data_contract,
    **SERVICE_GENERATORS,
}


def render(text: str) -> str:
    """`text` with every generated block brought up to date."""

    def replace(match: re.Match[str]) -> str:
        body = GENERATORS[match["name"]]()
        return f"{match.group(1)}{body}{match.group(4)}"

    return _BLOCK.sub(replace, text)


def update(folder: Path) -> list[Path]:
    changed = []
    for path in sorted(folder.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        new = render(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


if __name__ == "__main__":
    for path in update(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(f"updated {path}")
