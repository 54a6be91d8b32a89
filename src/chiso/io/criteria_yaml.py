"""Writing a method mapping as readable YAML, in the key order of the shipped method files.

Codes and ranges are double-quoted ("1.1", "[90, 100]"), Vietnamese is written as is, short
rules and bands are one line each (`{kind: binary}`), multi-line guidance is a literal block. A
drafted file starts with a comment saying where it came from, what is left to decide and which
rules were guessed.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from chiso.engine.schema import METHOD_SCHEMA

if TYPE_CHECKING:
    from chiso.io.criteria_import import CriteriaImport

# The order of the schema is the order of the shipped files.
KEY_ORDER = tuple(METHOD_SCHEMA["properties"])
_CRITERION_ORDER = (
    "code",
    "title",
    "title_en",
    "max",
    "source",
    "rule",
    "guidance",
    "guidance_en",
    "children",
)
_FLOW_WIDTH = 80  # a rule or band shorter than this is written on one line
_WIDTH = 100


def dump_method_yaml(data: Mapping[str, Any], *, imported: CriteriaImport | None = None) -> str:
    """YAML text of a method mapping; with `imported`, headed by the import's review notes."""
    root = _ordered(data, KEY_ORDER)
    for key, value in root.items():
        root[key] = _value(key, value)
    lines = header_lines(data, imported)
    if lines:
        root.yaml_set_start_comment("\n".join(lines))
    yaml = YAML()  # round-trip: keeps our styles and comments
    yaml.width = _WIDTH
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(root, out)
    return _without_trailing_spaces(out.getvalue())


def _without_trailing_spaces(text: str) -> str:
    """ruamel leaves a space at the end of a folded line; drop it unless it is content."""
    stripped = "\n".join(line.rstrip() for line in text.split("\n"))
    safe = YAML(typ="safe")
    return stripped if safe.load(stripped) == safe.load(text) else text


# --- the header comment -------------------------------------------------------------------------


def header_lines(data: Mapping[str, Any], imported: CriteriaImport | None) -> list[str]:
    lines: list[str] = []
    if imported is not None:
        lines += _wrapped(
            f"Drafted by `chiso import-criteria` from {imported.source} "
            f"(header at row {imported.header_row})."
        )
        lines.append("Review it against the annex, then run `chiso check` on this file.")
    missing = [key for key in METHOD_SCHEMA["required"] if key not in data]
    if missing:
        lines += _wrapped(
            "Still to decide (required; no default is assumed): " + ", ".join(missing) + "."
        )
        if imported is not None and imported.preamble and "title" in missing:
            lines += _wrapped("The annex is headed: " + " / ".join(imported.preamble))
    if imported is not None:
        lines += _review_lines(data, imported)
    return lines


def _review_lines(data: Mapping[str, Any], imported: CriteriaImport) -> list[str]:
    lines: list[str] = []
    notes = {
        "components": "components (from the leaves' sources)",
        "total_points": "total_points (the annex's total row)",
    }
    if imported.filled:
        lines += _wrapped(
            "Set by the import, not by the settings: "
            + ", ".join(notes.get(key, key) for key in imported.filled)
            + "."
        )
    if imported.guessed:
        kinds = _rule_kinds(data.get("criteria") or [])
        lines += _wrapped(
            "Rules read from the guidance text — check each against the annex: "
            + ", ".join(f"{code} {kinds.get(code, '?')}" for code in imported.guessed)
            + "."
        )
    if imported.summed:
        lines += _wrapped(
            "Max left blank in the annex, taken as the sum of the children: "
            + ", ".join(imported.summed)
            + "."
        )
    if imported.unplaced:
        lines.append(f"Rows of the annex left out of the tree ({len(imported.unplaced)}):")
        for row in imported.unplaced:
            lines += _wrapped(f"row {row.row}: {row.reason_en}", indent="  ")
    return lines


def _rule_kinds(criteria: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for node in criteria:
        if node.get("children"):
            kinds.update(_rule_kinds(node["children"]))
        elif isinstance(node.get("rule"), Mapping):
            kinds[str(node["code"])] = str(node["rule"].get("kind"))
    return kinds


def _wrapped(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(
        text, width=_WIDTH - 4, initial_indent=indent, subsequent_indent=indent + "  "
    )


# --- values -------------------------------------------------------------------------------------


def _ordered(data: Mapping[str, Any], order: Sequence[str]) -> CommentedMap:
    rank = {key: i for i, key in enumerate(order)}
    out = CommentedMap()
    for key in sorted(data, key=lambda k: rank.get(k, len(rank))):
        out[key] = data[key]
    return out


def _value(key: str, value: Any) -> Any:
    if key in ("criteria", "children"):
        return _seq(_criterion(node) for node in value)
    if key in ("bonus", "penalty") and isinstance(value, Mapping):
        out = _plain(value)
        if isinstance(value.get("items"), list):
            out["items"] = _seq(_criterion(item) for item in value["items"])
        return out
    if key == "banding" and isinstance(value, Mapping):
        out = _plain(value)
        if isinstance(value.get("bands"), list):
            out["bands"] = _seq(_flow_if_short(_plain(b)) for b in value["bands"])
        return out
    return _plain(value)


def _criterion(node: Any) -> Any:
    if not isinstance(node, Mapping):
        return node
    out = _ordered(node, _CRITERION_ORDER)
    for key, value in out.items():
        if key == "code":
            out[key] = DoubleQuotedScalarString(str(value))
        elif key == "rule":
            out[key] = _rule(value)
        elif key == "children":
            out[key] = _value(key, value)
        else:
            out[key] = _plain(value)
    return out


def _rule(rule: Any) -> Any:
    out = _plain(rule)
    if not isinstance(out, CommentedMap):
        return out
    for key in ("bands", "levels"):
        if isinstance(out.get(key), CommentedSeq):
            out[key] = _seq(_flow_if_short(item) for item in out[key])
    return _flow_if_short(out)


def _flow_if_short(value: Any) -> Any:
    if isinstance(value, CommentedMap) and len(_flat(value)) <= _FLOW_WIDTH:
        value.fa.set_flow_style()
    return value


def _flat(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flat(v) for v in value) + "]"
    return str(value) if "\n" not in str(value) else "\n" * 100


def _plain(value: Any) -> Any:
    """Mappings and lists as ruamel containers; short lists of words on one line."""
    if isinstance(value, Mapping):
        out = CommentedMap()
        for key, item in value.items():
            out[key] = _plain(item)
        if "range" in out:
            out["range"] = DoubleQuotedScalarString(str(out["range"]))
        return out
    if isinstance(value, list):
        seq = _seq(_plain(v) for v in value)
        if value and all(isinstance(v, str) and len(v) < 30 for v in value):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    return value


def _seq(items: Iterable[Any]) -> CommentedSeq:
    return CommentedSeq(list(items))
