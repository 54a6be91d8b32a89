"""Building surveys for the tests through the services: a frame, a draw, tokens."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from chiso.io.questionnaire_files import resolve_questionnaire
from chiso.web.surveys import services
from chiso.web.surveys.models import Draw, Survey, SurveyState
from chiso.web.surveys.selectors import survey_questionnaire

QUESTIONNAIRE = resolve_questionnaire("service-user-2024")
HEADER = "ma_don_vi,ma_ho_so,thu_tuc,kenh,so_dien_thoai,email\n"


def questionnaire_yaml() -> str:
    return Path(QUESTIONNAIRE).read_text(encoding="utf-8")


def make_survey(by: Any, *, title: str = "Khảo sát SIPAS 2025", **settings: Any) -> Survey:
    survey = services.survey_create(
        year=2025, title=title, questionnaire_yaml=questionnaire_yaml(), by=by
    )
    if settings:
        survey = services.survey_update_settings(survey=survey, by=by, **settings)
    return survey


def frame_csv(tmp_path: Path, units: dict[str, int], *, name: str = "frame.csv") -> Path:
    """A frame of `units[code]` people per unit, each with a phone number, two procedures."""
    lines = [HEADER]
    for code, count in units.items():
        for n in range(count):
            procedure = "1.001" if n % 2 else "1.002"
            lines.append(f"{code},{code}-HS{n:04d},{procedure},truc_tiep,09{n:08d},\n")
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    return path


def drawn_survey(
    by: Any, tmp_path: Path, units: dict[str, int], *, seed: int = 42, per_stratum: int = 5
) -> tuple[Survey, Draw]:
    """A survey in sampling with a frame and a fixed-allocation draw with 40 % reserve."""
    survey = make_survey(by)
    services.survey_transition(survey=survey, to=SurveyState.SAMPLING, by=by)
    report = services.frame_import(survey=survey, path=frame_csv(tmp_path, units), by=by)
    assert report.ok, report.errors
    design = services.design_of(
        strata=("unit",), size_rule="fixed", per_stratum=per_stratum, reserve_share=Decimal("0.4")
    )
    draw = services.sample_draw(survey=survey, design=design, seed=seed, by=by)
    return survey, draw


def collecting_survey(by: Any, tmp_path: Path, units: dict[str, int]) -> tuple[Survey, Draw]:
    survey, draw = drawn_survey(by, tmp_path, units)
    services.tokens_issue(survey=survey, by=by)
    survey = services.survey_transition(survey=survey, to=SurveyState.COLLECTING, by=by)
    return survey, draw


def full_answers(survey: Survey, value: int = 4) -> dict[str, str]:
    """A complete public-form post: every item answered with `value`."""
    q = survey_questionnaire(survey)
    return {f"q-{item.code}": str(value) for item in q.items}
