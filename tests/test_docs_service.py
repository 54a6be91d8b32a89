"""The service-method reference documents every key, measure and SVC code, and its example of
the Python API runs."""

from __future__ import annotations

import re
from pathlib import Path

from chiso.engine.problems import CATALOGUE
from chiso.engine.service_measures import MEASURES

PAGE = Path(__file__).resolve().parents[1] / "docs" / "service-method.md"


def test_every_measure_and_code_is_documented() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert all(f"`{name}`" in text for name in MEASURES)
    assert all(f"`{code}`" in text for code in CATALOGUE if code.startswith("SVC"))
    assert "| `on_time.overdue_at_supplement_request` | yes |" in text


def test_the_python_example_names_real_functions() -> None:
    text = PAGE.read_text(encoding="utf-8")
    example = re.search(r"From Python:\n\n```python\n(.*?)```", text, re.S)
    assert example is not None
    imports = "\n".join(
        line for line in example[1].splitlines() if line.startswith(("from", "import"))
    )
    exec(compile(imports, "service-method.md", "exec"), {})
