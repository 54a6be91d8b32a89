"""Reading method files (YAML) into checked `Method`s, with problems located in the file."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from chiso.engine.framework import Method
from chiso.engine.load import build_method, check_method
from chiso.engine.problems import MethodError, Problem
from chiso.engine.schema import FORMAT


def parse_yaml(text: str) -> Any:
    """Parse YAML safely; duplicate keys are an error (a silent overwrite would hide a typo).
    libyaml's parser when ruamel.yaml.clib is installed (a dependency on CPython), which reads
    a method file several times faster than the pure-Python one, with the same marks."""
    yaml = YAML(typ="safe")
    yaml.allow_duplicate_keys = False
    return yaml.load(text)


def read_method_data(path: Path) -> tuple[Any, list[Problem]]:
    """The parsed file, or the problem that stops it being read (PAR000)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem("PAR000", str(path), {"detail": str(exc)})]
    try:
        return parse_yaml(text), []
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        return None, [Problem("PAR000", where, {"detail": exc.problem or str(exc)})]
    except YAMLError as exc:
        return None, [Problem("PAR000", str(path), {"detail": str(exc)})]


def check_method_file(path: Path) -> list[Problem]:
    data, problems = read_method_data(path)
    return problems or check_method(data)


def load_method(path: Path | str) -> Method:
    """A `Method` from a YAML file, or `MethodError` with every problem."""
    data, problems = read_method_data(Path(path))
    if problems:
        raise MethodError(problems)
    return build_method(data)


def shipped_methods() -> list[Path]:
    """Every index method file shipped with chiso (``chiso/methods/**.yaml`` of the format
    ``chiso.method/1``; SIPAS questionnaires live beside them in their own format)."""
    root = Path(str(resources.files("chiso") / "methods"))
    return sorted(p for p in root.rglob("*.yaml") if _is_method(p))


def _is_method(path: Path) -> bool:
    # A cheap look at the text: parsing every shipped file just to list them would be slow.
    return f"format: {FORMAT}" in path.read_text(encoding="utf-8")


def resolve_method(name: str) -> Path:
    """A path as given, or the name of a shipped method file (``par/vinhphuc-2019``)."""
    path = Path(name)
    if path.exists():
        return path
    for candidate in shipped_methods():
        stem = candidate.relative_to(candidate.parents[1]).with_suffix("").as_posix()
        if name in (candidate.stem, stem):
            return candidate
    return path
