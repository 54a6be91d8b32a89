"""The engine's public surface is exactly what `__all__` lists, and it stays pure."""

from __future__ import annotations

import ast
from pathlib import Path

import chiso.engine

ENGINE = Path(chiso.engine.__file__).parent


def test_all_lists_exactly_the_public_names():
    public = {name for name in vars(chiso.engine) if not name.startswith("_")}
    modules = {p.stem for p in ENGINE.glob("*.py")}
    assert public - modules == set(chiso.engine.__all__)


def test_no_module_reads_the_clock_or_global_randomness():
    forbidden = {"time", "datetime.now", "random", "uuid", "os", "socket", "urllib", "django"}
    for path in ENGINE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                names = {(node.module or "").split(".")[0]}
            else:
                continue
            assert not names & forbidden, f"{path.name} imports {names & forbidden}"
