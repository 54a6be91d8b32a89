"""One benchmark's section of docs/benchmarks.md, between its markers, replaced in place.

Every section module writes only its own part of the shared file: the text between
``<!-- bench:NAME:start -->`` and ``<!-- bench:NAME:end -->``. A file that does not exist yet is
started with the introduction of `benchmarks.run`; a section not there yet is appended."""

from __future__ import annotations

from pathlib import Path


def write_marked(path: Path, section: str, start: str, end: str) -> None:
    """Replace the text from `start` to `end` in `path` with `section` (which carries both
    markers), or append `section`; other sections are left as they are."""
    from benchmarks.run import INTRO  # run imports the section modules; read it late

    text = path.read_text(encoding="utf-8") if path.exists() else INTRO
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + section.rstrip("\n") + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
