"""The SIPAS benchmark's baselines compute what the engine computes (a tiny survey; no timing is
asserted), and its section lands between its own markers."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import sipas as bench
from chiso.engine.sipas import estimate_sipas
from chiso.io.questionnaire_files import load_questionnaire, resolve_questionnaire


@pytest.fixture(scope="module")
def survey():  # type: ignore[no-untyped-def]
    q = load_questionnaire(resolve_questionnaire("service-user-2024"))
    return q, bench.make_answers(q, units=3, per_unit=25, seed=4)


def test_synthetic_answers_have_the_promised_shape(survey) -> None:  # type: ignore[no-untyped-def]
    q, answers = survey
    assert answers.height == 3 * 25 * len(q.items)
    assert answers["respondent"].n_unique() == 75 and answers["unit"].n_unique() == 3
    assert set(answers["value"].unique()) <= {0, 1, 2, 3, 4, 5}


def test_pandas_points_agree_with_the_engine(survey) -> None:  # type: ignore[no-untyped-def]
    q, answers = survey
    result = estimate_sipas(q, answers, bootstrap=1, seed=1)
    expected = bench.baseline_points(q, answers.to_pandas())
    assert bench.check_points(result, expected) == 3 * (len(q.items) + len(q.nodes))


def test_loop_bootstrap_gives_the_engine_bounds(survey) -> None:  # type: ignore[no-untyped-def]
    q, answers = survey
    boot = bench.baseline_bootstrap(q, answers.to_pandas(), draws=6, seed=bench.BOOT_SEED)
    assert bench.check_bootstrap(q, answers, boot) == 3 * len(q.nodes)
    boot["U000"][:, -1] += 1.0  # a baseline that drifts is caught
    with pytest.raises(AssertionError, match="bootstrap bounds differ"):
        bench.check_bootstrap(q, answers, boot)


def test_a_tiny_run_writes_its_section(tmp_path: Path) -> None:
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n<!-- bench:par:start -->\npar\n<!-- bench:par:end -->\n")
    bench.run_section(
        bench.Settings.tiny(),
        write=path,
        command="test",
        date="2024-01-01",
        quick=True,
        say=lambda _: None,
    )
    text = path.read_text(encoding="utf-8")
    assert text.count(bench.START) == 1 and "par\n" in text
    assert "svy" in text and "Quick run" in text
