"""What a job says to people — its progress line, its error — stored untranslated and said in
each reader's language when a page shows it.

A job runs in the worker, which has no request and so no reader's language: a text translated
there would be frozen in the server's language for everyone. Instead a job's function passes a
`JobText` — the Vietnamese source string, marked with ``gettext_noop`` so that makemessages
still finds it, and its parameters::

    report(done, total, JobText(gettext_noop("Đang tính lại khối %(block)s"), block=title))
    raise JobError(JobText(gettext_noop("Năm %(year)d không còn kết quả công bố."), year=year))

The job's row keeps it as JSON (`text_dump`) beside the text rendered in Vietnamese, which is
what the admin, the audit log and rows written before texts were kept show (`text_show` falls
back to it). A parameter may itself be a text; `JobJoin` (texts one a line, or run together)
and `ProblemText` (an engine problem, said from the problem catalogue) make the many-line
error of a refused import.
A plain string is data, shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils import translation
from django.utils.translation import gettext

from chiso.engine.problems import Problem, Wording
from chiso.web.i18n import active_language

__all__ = ["JobJoin", "JobText", "ProblemText", "Said", "text_dump", "text_show", "text_source"]

SOURCE_LANGUAGE = "vi"


class Text(Protocol):
    def render(self) -> str: ...

    def dump(self) -> dict[str, Any]: ...


Said = str | Text


@dataclass(frozen=True, init=False)
class JobText:
    """One translatable sentence: its msgid (the Vietnamese source) and its parameters."""

    msgid: str
    params: Mapping[str, Any]

    def __init__(self, msgid: str, /, **params: Any) -> None:
        object.__setattr__(self, "msgid", msgid)
        object.__setattr__(self, "params", params)

    def render(self) -> str:
        translated = gettext(self.msgid)
        if not self.params:
            return translated
        values = {name: _render(value) for name, value in self.params.items()}
        try:
            return translated % values
        except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
            return self.msgid % values

    def dump(self) -> dict[str, Any]:
        return {"msgid": self.msgid, "params": {k: _dump(v) for k, v in self.params.items()}}

    def __str__(self) -> str:
        return text_source(self)


@dataclass(frozen=True)
class JobJoin:
    """Several texts said one after the other: one a line, or run together (``sep=""``)."""

    parts: tuple[Said, ...]
    sep: str = "\n"

    def render(self) -> str:
        return self.sep.join(_render(part) for part in self.parts)

    def dump(self) -> dict[str, Any]:
        return {"join": [_dump(part) for part in self.parts], "sep": self.sep}

    def __str__(self) -> str:
        return text_source(self)


@dataclass(frozen=True)
class ProblemText:
    """An engine problem, said in the reader's language from the problem catalogue: as
    `Problem.render` does (``CODE place: message``), or place first (``place: message
    (CODE)``) where a list of a file's bad rows reads better that way."""

    problem: Problem
    place_first: bool = False

    def render(self) -> str:
        lang = active_language()
        p = self.problem
        if self.place_first:
            return f"{p.place(lang)}: {p.message(lang)} ({p.code})"
        return p.render(lang)

    def dump(self) -> dict[str, Any]:
        params = {k: _dump_param(v) for k, v in self.problem.params.items()}
        problem = {"code": self.problem.code, "where": self.problem.where, "params": params}
        return {"problem": problem, "place_first": self.place_first}

    def __str__(self) -> str:
        return text_source(self)


def text_dump(said: Said) -> tuple[str, dict[str, Any] | None]:
    """What a job's row stores of `said`: the text in Vietnamese, and the source to say it again
    in another language (None for a plain string, which is shown as it is)."""
    if isinstance(said, str):
        return said, None
    return text_source(said), said.dump()


def text_source(said: Said) -> str:
    """`said` in the source language (Vietnamese)."""
    with translation.override(SOURCE_LANGUAGE):
        return _render(said)


def text_show(source: Any, stored: str) -> str:
    """The text for a reader, in the active language; `stored` when there is no source (rows
    from before texts were kept) or it no longer renders (a changed catalogue)."""
    if not source:
        return stored
    try:
        return _render(_load(source))
    except (KeyError, TypeError, ValueError, AttributeError):
        return stored


# --- to and from JSON ---------------------------------------------------------------------------


def _render(value: Any) -> Any:
    return value.render() if hasattr(value, "render") else value


def _dump(value: Any) -> Any:
    if hasattr(value, "dump"):
        return value.dump()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _dump_param(value: Any) -> Any:
    if isinstance(value, Wording):
        return {"wording": {"vi": value.vi, "en": value.en}}
    return _dump(value)


def _load(data: Any) -> Any:
    """A stored text (or parameter) back as what it was dumped from."""
    if not isinstance(data, dict):
        return data
    if "msgid" in data:
        return JobText(data["msgid"], **{k: _load(v) for k, v in data["params"].items()})
    if "join" in data:
        return JobJoin(tuple(_load(part) for part in data["join"]), data["sep"])
    if "problem" in data:
        p = data["problem"]
        params = {k: _load_param(v) for k, v in p["params"].items()}
        return ProblemText(Problem(p["code"], p["where"], params), bool(data.get("place_first")))
    raise KeyError(f"not a stored text: {sorted(data)}")


def _load_param(value: Any) -> Any:
    if isinstance(value, dict) and "wording" in value:
        return Wording(**value["wording"])
    return _load(value)
