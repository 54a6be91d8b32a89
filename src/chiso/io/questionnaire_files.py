"""Reading SIPAS questionnaire files (YAML, ``chiso.questionnaire/1``) into checked
`Questionnaire`s, mirroring `chiso.io.method_files` for index methods."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError

from chiso.engine.problems import MethodError, Problem
from chiso.engine.sipas_method import Questionnaire, build_questionnaire, check_questionnaire
from chiso.engine.sipas_schema import FORMAT
from chiso.io.method_files import parse_yaml


def read_questionnaire_data(path: Path) -> tuple[Any, list[Problem]]:
    """The parsed file, or the problem that stops it being read (SIP000)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem("SIP000", str(path), {"detail": str(exc)})]
    return _parse(text, str(path))


def parse_questionnaire(text: str, where: str = "questionnaire") -> Questionnaire:
    """A `Questionnaire` from YAML text (e.g. one stored in the database), or `MethodError`
    with every problem; `where` names the text in the problems."""
    data, problems = _parse(text, where)
    if problems:
        raise MethodError(problems)
    return build_questionnaire(data)


def _parse(text: str, where: str) -> tuple[Any, list[Problem]]:
    try:
        return parse_yaml(text), []
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        place = f"{where}:{mark.line + 1}:{mark.column + 1}" if mark else where
        return None, [Problem("SIP000", place, {"detail": exc.problem or str(exc)})]
    except YAMLError as exc:
        return None, [Problem("SIP000", where, {"detail": str(exc)})]


def check_questionnaire_file(path: Path) -> list[Problem]:
    """Every problem of a questionnaire file (unreadable, structure, meaning)."""
    data, problems = read_questionnaire_data(path)
    return problems or check_questionnaire(data)


def load_questionnaire(path: Path | str) -> Questionnaire:
    """A `Questionnaire` from a YAML file, or `MethodError` with every problem."""
    data, problems = read_questionnaire_data(Path(path))
    if problems:
        raise MethodError(problems)
    return build_questionnaire(data)


def shipped_questionnaires() -> list[Path]:
    """Every SIPAS questionnaire shipped with chiso (``chiso/methods/**.yaml`` of the format
    ``chiso.questionnaire/1``)."""
    root = Path(str(resources.files("chiso") / "methods"))
    return sorted(p for p in root.rglob("*.yaml") if _is_questionnaire(p))


def _is_questionnaire(path: Path) -> bool:
    # A cheap look at the text, as for method files.
    return f"format: {FORMAT}" in path.read_text(encoding="utf-8")


def resolve_questionnaire(name: str) -> Path:
    """A path as given, or the name of a shipped questionnaire (``service-user-2024`` or
    ``sipas/service-user-2024``)."""
    path = Path(name)
    if path.exists():
        return path
    for candidate in shipped_questionnaires():
        stem = candidate.relative_to(candidate.parents[1]).with_suffix("").as_posix()
        if name in (candidate.stem, stem):
            return candidate
    return path
