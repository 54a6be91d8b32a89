"""The docs stay true: generated reference blocks are current, and examples in them work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chiso.docgen import render
from chiso.engine.load import check_method
from chiso.io.method_files import parse_yaml

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_generated_blocks_are_current(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    assert render(text) == text, f"docs/{page} is stale: run `make docs`"


def test_method_file_example_is_valid():
    text = (DOCS / "method-files.md").read_text(encoding="utf-8")
    example = re.search(r"## A small, complete example\n\n```yaml\n(.*?)```", text, re.S)
    assert example, "the example is missing"
    assert check_method(parse_yaml(example[1])) == []


def test_every_problem_code_and_rule_kind_is_documented():
    from chiso.engine.problems import CATALOGUE
    from chiso.engine.rules import RULES

    text = (DOCS / "method-files.md").read_text(encoding="utf-8")
    assert all(f"`{code}`" in text for code in CATALOGUE)
    assert all(f"### `{name}`" in text for name in RULES)
