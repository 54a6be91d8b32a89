"""docs/examples/ holds what the code makes now.

The generator runs as `make examples` does — a subprocess with its own throwaway SQLite database
— in `--check` mode, on the files that take a second or two each: the annexes, the open-data
package, the press summary and every chart (drawn from the reports' own figures). The unit and
province reports take half a minute more; `make examples-check` checks them too.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from chiso.web.publishing import examples

QUICK = ("phu-luc*", "du-lieu-mo.zip", "thong-cao.md", "bieu-do-*.svg")


def test_the_quick_examples_match_the_code() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHISO_", "DJANGO_"))}
    result = subprocess.run(
        [sys.executable, "-m", "chiso.web.publishing.examples", "--check", "--only", *QUICK],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        check=False,
    )
    assert result.returncode == 0, (
        "docs/examples/ is stale — run `make examples` and commit the files:\n"
        + result.stdout
        + result.stderr
    )
    assert "14/14 tệp khớp" in result.stdout


def test_every_example_is_in_the_folder_and_small() -> None:
    names = {p.name for p in examples.OUT.iterdir() if p.is_file()}
    expected = {"thong-cao.md", f"bao-cao-don-vi-{examples.UNIT}.pdf"}
    expected |= {f"bieu-do-{n}.svg" for n in (*examples.UNIT_CHARTS, *examples.PROVINCE_CHARTS)}
    assert expected <= names
    assert examples.selected(sorted(names), QUICK) == sorted(
        n for n in names if not n.startswith("bao-cao-")
    )
    for path in examples.OUT.iterdir():
        assert path.stat().st_size < 600_000, path.name


def _docx(png: bytes, xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", xml)
        archive.writestr("word/media/image1.png", png)
    return buffer.getvalue()


def _png(size: tuple[int, int], colour: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_stale_files_are_found(tmp_path: Path) -> None:
    (tmp_path / "a.svg").write_bytes(b"<svg>old</svg>")
    (tmp_path / "b.md").write_bytes(b"same\n")
    (tmp_path / "left-over.xlsx").write_bytes(b"")
    made = {"a.svg": b"<svg>new</svg>", "b.md": b"same\n", "c.zip": b"PK"}
    assert examples.stale(tmp_path, made, everything=True) == ["a.svg", "c.zip", "left-over.xlsx"]
    assert examples.stale(tmp_path, made, everything=False) == ["a.svg", "c.zip"]


def test_a_word_files_png_is_compared_by_size_its_xml_byte_for_byte(tmp_path: Path) -> None:
    # The PNG copy of a chart depends on the machine's fonts; what it is of does not.
    (tmp_path / "r.docx").write_bytes(_docx(_png((40, 20), "white"), b"<w:document/>"))
    same_size = {"r.docx": _docx(_png((40, 20), "black"), b"<w:document/>")}
    assert examples.stale(tmp_path, same_size, everything=False) == []
    other_size = {"r.docx": _docx(_png((41, 20), "white"), b"<w:document/>")}
    assert examples.stale(tmp_path, other_size, everything=False) == ["r.docx"]
    other_text = {"r.docx": _docx(_png((40, 20), "white"), b"<w:document>x</w:document>")}
    assert examples.stale(tmp_path, other_text, everything=False) == ["r.docx"]


@pytest.mark.parametrize("patterns", [None, ["bieu-do-*"]])
def test_only_selects_by_pattern(patterns: list[str] | None) -> None:
    names = ["phu-luc.pdf", "bieu-do-xep-hang.svg"]
    chosen = examples.selected(names, patterns)
    assert chosen == (names if patterns is None else ["bieu-do-xep-hang.svg"])
