"""Reading service-quality method files (YAML, ``chiso.service/1``) into checked
`ServiceMethod`s, mirroring `chiso.io.method_files` for index methods."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError

from chiso.engine.problems import MethodError, Problem
from chiso.engine.service_method import (
    ServiceMethod,
    build_service_method,
    check_service_method,
)
from chiso.engine.service_schema import FORMAT
from chiso.io.method_files import parse_yaml


def read_service_method_data(path: Path) -> tuple[Any, list[Problem]]:
    """The parsed file, or the problem that stops it being read (SVC000)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem("SVC000", str(path), {"detail": str(exc)})]
    try:
        return parse_yaml(text), []
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        return None, [Problem("SVC000", where, {"detail": exc.problem or str(exc)})]
    except YAMLError as exc:
        return None, [Problem("SVC000", str(path), {"detail": str(exc)})]


def check_service_method_file(path: Path) -> list[Problem]:
    """Every problem of a service method file (unreadable, structure, meaning)."""
    data, problems = read_service_method_data(path)
    return problems or check_service_method(data)


def load_service_method(name: Path | str) -> ServiceMethod:
    """A `ServiceMethod` from a YAML file or a shipped name, or `MethodError` with every
    problem."""
    path = resolve_service_method(str(name))
    data, problems = read_service_method_data(path)
    if problems:
        raise MethodError(problems)
    return build_service_method(data)


def shipped_service_methods() -> list[Path]:
    """Every service method shipped with chiso (``chiso/methods/**.yaml`` of the format
    ``chiso.service/1``)."""
    root = Path(str(resources.files("chiso") / "methods"))
    return sorted(p for p in root.rglob("*.yaml") if f"format: {FORMAT}" in p.read_text("utf-8"))


def resolve_service_method(name: str) -> Path:
    """A path as given, or the name of a shipped service method (``qd766-2022`` or
    ``service/qd766-2022``)."""
    path = Path(name)
    if path.exists():
        return path
    for candidate in shipped_service_methods():
        stem = candidate.relative_to(candidate.parents[1]).with_suffix("").as_posix()
        if name in (candidate.stem, stem):
            return candidate
    return path
