"""Building surveys for the tests through the services: a frame, a draw, tokens, answers."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.test import Client

from chiso.io.questionnaire_files import resolve_questionnaire
from chiso.web.surveys import collection, services
from chiso.web.surveys.estimates import EstimateOptions
from chiso.web.surveys.models import Channel, Draw, SampleMember, Survey, SurveyState
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


def _answer(survey: Survey, members: Iterable[SampleMember], values: list[int], admin: Any) -> None:
    """Sample members answer by paper (even) or phone (odd): respondent k gives every item
    values[k]."""
    items = [item.code for item in survey_questionnaire(survey).items]
    for k, (member, value) in enumerate(zip(members, values, strict=False)):
        channel = Channel.PAPER if k % 2 == 0 else Channel.PHONE
        collection.paper_enter(
            survey=survey,
            number=f"P{member.pk}",
            answers={item: value for item in items},
            by=admin,
            member=member,
            channel=channel,
        )


def answered_survey(
    admin: Any, tmp_path: Path, plan: dict[str, list[int]], *, close: bool = True
) -> Survey:
    """A survey whose sample members of each unit answered `plan[unit]` (one value each, on
    every item), min sample 5, closed unless told otherwise."""
    sizes = {unit: 20 for unit in plan}
    survey, draw = drawn_survey(admin, tmp_path, sizes, per_stratum=10)
    services.survey_update_settings(survey=survey, min_sample=5, by=admin)
    services.survey_transition(survey=survey, to=SurveyState.COLLECTING, by=admin)
    for unit, values in plan.items():
        members = SampleMember.objects.filter(draw=draw, role="main", stratum=unit)
        _answer(survey, members.order_by("order"), values, admin)
    if close:
        services.survey_transition(survey=survey, to=SurveyState.CLOSED, by=admin)
    return Survey.objects.get(pk=survey.pk)


# Eight respondents in TN.SNV (one dissatisfied), eight identical ones in TN.STP, three in TN.BDT
# (the units of the `tn_units` fixture).
PLAN = {"TN.SNV": [1, 4, 4, 4, 5, 5, 4, 4], "TN.STP": [1, 4, 4, 4, 5, 5, 4, 4], "TN.BDT": [4, 4, 2]}

# Quick estimate options: as the estimates page's query, and as the services take them.
QUICK = {"weighting": "none", "level": "0.95", "bootstrap": "200", "seed": "7"}
QUICK_OPTIONS = EstimateOptions(weighting="none", level=0.95, bootstrap=200, seed=7)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def estimates_url(survey: Survey) -> str:
    """The survey's draft estimates page (publishing posts to its `cong-bo/`)."""
    return f"/quan-ly/khao-sat/{survey.pk}/uoc-luong/"
