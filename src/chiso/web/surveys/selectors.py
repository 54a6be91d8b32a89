"""Reads of the survey app, and the adapters from ORM rows to the engine's frames.

`survey_answers(survey)` is the one selector the estimation page, the feed into the PAR survey
leaves and the public SIPAS page build on: every accepted response of the survey as the
engine's answers frame (respondent, unit, item, value, channel, weight).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from chiso.engine.sampling import CONTACT, PERSON, Sample, SampleDesign, fieldwork_summary
from chiso.engine.sipas_method import Questionnaire, build_questionnaire
from chiso.io.method_files import parse_yaml
from chiso.web.surveys.models import (
    Answer,
    Channel,
    Draw,
    FrameEntry,
    Outcome,
    PaperForm,
    PaperState,
    Response,
    SampleMember,
    Survey,
)

STRATUM_SEPARATOR = " · "
STRATA_CHOICES = {
    "unit": ("unit",),
    "unit_procedure": ("unit", "procedure"),
    "unit_channel": ("unit", "channel"),
    "unit_procedure_channel": ("unit", "procedure", "channel"),
}


# --- the questionnaire ------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _questionnaire(questionnaire_hash: str, text: str) -> Questionnaire:
    return build_questionnaire(parse_yaml(text))


def survey_questionnaire(survey: Survey) -> Questionnaire:
    """The survey's frozen questionnaire, parsed once per process (keyed by its hash)."""
    return _questionnaire(survey.questionnaire_hash, survey.questionnaire_yaml)


@dataclass(frozen=True)
class FormItem:
    code: str
    text: str


@dataclass(frozen=True)
class FormGroup:
    code: str
    title: str
    items: tuple[FormItem, ...]


@dataclass(frozen=True)
class FormScale:
    value: int
    label: str


def form_groups(questionnaire: Questionnaire, language: str) -> tuple[FormGroup, ...]:
    """The rating items grouped by factor, in the questionnaire's order and language."""
    return _form_groups(questionnaire, language == "en")


@lru_cache(maxsize=32)
def _form_groups(q: Questionnaire, english: bool) -> tuple[FormGroup, ...]:
    def text(main: str, en: str) -> str:
        return en if english and en else main

    return tuple(
        FormGroup(
            factor.code,
            text(factor.title, factor.title_en),
            tuple(
                FormItem(i.code, text(i.text, i.text_en))
                for i in q.items
                if i.factor == factor.code
            ),
        )
        for factor in q.factors
    )


def form_scale(questionnaire: Questionnaire, language: str) -> tuple[FormScale, ...]:
    """The answer levels, highest first as on the paper form, then the no-answer value."""
    english = language == "en"
    scale = questionnaire.scale
    levels = sorted(scale.values, key=lambda v: -v.value)
    return tuple(
        FormScale(v.value, v.label_en if english and v.label_en else v.label)
        for v in (*levels, scale.not_applicable)
    )


# --- the frame and the draw -------------------------------------------------------------------


def frame_counts(survey: Survey) -> list[dict[str, Any]]:
    """People in the frame per unit (code, name, count)."""
    rows = (
        FrameEntry.objects.filter(survey=survey)
        .values("unit__code", "unit__name")
        .annotate(n=Count("id"))
        .order_by("unit__code")
    )
    return [{"code": r["unit__code"], "name": r["unit__name"], "n": r["n"]} for r in rows]


def engine_frame(survey: Survey, strata: Sequence[str]) -> pl.DataFrame:
    """The frame as the engine draws from it: person (the dossier code), the stratum columns,
    contact (the contact channel). Empty procedure or channel values are nulls, which the
    engine refuses when they are stratum columns."""
    rows = FrameEntry.objects.filter(survey=survey).values_list(
        "dossier_code", "unit__code", "procedure", "channel", "contact_channel"
    )
    columns = list(zip(*rows, strict=True)) if rows else [[], [], [], [], []]
    frame = pl.DataFrame(
        {
            PERSON: list(columns[0]),
            "unit": list(columns[1]),
            "procedure": [v or None for v in columns[2]],
            "channel": [v or None for v in columns[3]],
            CONTACT: list(columns[4]),
        },
        schema={c: pl.String for c in (PERSON, "unit", "procedure", "channel", CONTACT)},
    )
    return frame.select(PERSON, *strata, CONTACT)


def check_strata_values(frame: pl.DataFrame, strata: Sequence[str]) -> None:
    """Refuse stratifying by a column some people of the frame have no value in."""
    labels = {"procedure": _("thủ tục"), "channel": _("kênh nộp hồ sơ")}
    for column in strata:
        missing = frame[column].null_count()
        if missing:
            raise ValidationError(
                _("%(n)s người trong khung mẫu thiếu %(what)s: không phân tầng theo cột này được.")
                % {"n": missing, "what": labels.get(column, column)}
            )


def draw_preview(survey: Survey, design: SampleDesign) -> list[dict[str, Any]]:
    """The sizes a draw with `design` would give, per stratum, before drawing: population N,
    the rule's target, drawn = min(target, N) and the reserve list's length."""
    frame = engine_frame(survey, design.strata)
    if frame.is_empty():
        raise ValidationError(_("Khung mẫu đang trống: hãy nạp danh sách trước."))
    check_strata_values(frame, design.strata)
    keys = list(design.strata)
    rows = []
    for row in frame.group_by(keys).len().sort(keys).iter_rows(named=True):
        population = row["len"]
        drawn = min(design.target(population), population)
        rows.append(
            {
                "stratum": stratum_label([row[k] for k in keys]),
                "population": population,
                "target": design.target(population),
                "drawn": drawn,
                "reserve": design.reserve_size(drawn, population - drawn),
            }
        )
    return rows


def stratum_label(key: Sequence[Any]) -> str:
    return STRATUM_SEPARATOR.join(str(v) for v in key)


def draw_design(draw: Draw) -> SampleDesign:
    share = float(draw.reserve_share)
    if draw.size_rule == "slovin":
        margin = float(Decimal(draw.margin or 0))
        return SampleDesign.by_slovin(draw.strata_keys, margin=margin, reserve_share=share)
    assert draw.per_stratum is not None
    return SampleDesign.by_fixed(
        draw.strata_keys, per_stratum=draw.per_stratum, reserve_share=share
    )


def engine_sample(draw: Draw) -> Sample:
    """The recorded draw as the engine's `Sample` (members and strata as stored)."""
    keys = list(draw.strata_keys)
    members = SampleMember.objects.filter(draw=draw).values_list(
        "entry__dossier_code", "stratum", "entry__contact_channel", "role", "order"
    )
    rows = [
        (person, *stratum.split(STRATUM_SEPARATOR), contact, role, order)
        for person, stratum, contact, role, order in members
    ]
    schema = {PERSON: pl.String, **{k: pl.String for k in keys}, CONTACT: pl.String}
    sample = pl.DataFrame(
        rows, schema={**schema, "role": pl.String, "order": pl.Int64}, orient="row"
    )
    strata = pl.DataFrame(draw.strata).select(
        *[pl.col(k).cast(pl.String) for k in keys],
        *[pl.col(c).cast(pl.Int64) for c in ("population", "target", "drawn", "reserve")],
    )
    return Sample(sample, strata, draw.seed, draw_design(draw), draw.frame_hash)


def fieldwork(draw: Draw) -> list[dict[str, Any]]:
    """Per stratum: population, drawn, invited, answered, refused, unreachable, replaced,
    pending, reserve used, reserve left and the response rate (`fieldwork_summary`)."""
    sample = engine_sample(draw)
    outcomes = SampleMember.objects.filter(draw=draw).exclude(outcome="")
    frame = pl.DataFrame(
        list(outcomes.values_list("entry__dossier_code", "outcome")),
        schema={PERSON: pl.String, "outcome": pl.String},
        orient="row",
    )
    summary = fieldwork_summary(sample, frame)
    keys = list(draw.strata_keys)
    table = summary.join(sample.strata, on=keys, how="left")
    rows = []
    for row in table.iter_rows(named=True):
        row["stratum"] = stratum_label([row[k] for k in keys])
        row["reserve_left"] = row["reserve"] - row["reserve_used"]
        rate = row["response_rate"]
        row["response_rate"] = None if rate is None else round(100 * rate, 1)
        rows.append(row)
    return rows


def members_of(draw: Draw, *, stratum: str | None = None) -> QuerySet[SampleMember]:
    members = SampleMember.objects.filter(draw=draw).select_related("entry", "token")
    if stratum is not None:
        members = members.filter(stratum=stratum)
    return members.order_by("stratum", "role", "order")


def active_members(draw: Draw) -> QuerySet[SampleMember]:
    """The people to invite: the main sample and the reserves that replaced someone."""
    return members_of(draw).filter(Q(role="main") | Q(replaces__isnull=False))


# --- responses --------------------------------------------------------------------------------


def response_counts(survey: Survey) -> list[dict[str, Any]]:
    """Responses per unit and channel; `channel_label` is the channel's translated name."""
    rows = (
        Response.objects.filter(survey=survey)
        .values("unit__code", "channel")
        .annotate(n=Count("id"))
        .order_by("unit__code", "channel")
    )
    labels = dict(Channel.choices)
    return [{**row, "channel_label": labels.get(row["channel"], row["channel"])} for row in rows]


def survey_answers(
    survey: Survey, *, sampled_only: bool = False, design_weights: bool = True
) -> pl.DataFrame:
    """Every accepted response of `survey` as the engine's answers frame: respondent (the
    response id), unit (code), item, value, channel, weight.

    The weight of a response from a sample member (main, or a reserve replacing one) is its
    stratum's design weight N / n; every other response (kiosk, unsampled paper) weighs 1 —
    they are not a probability sample, which is why the channel is kept: estimate by channel,
    or with `sampled_only=True`. With `design_weights=False` every weight is 1.
    """
    responses = Response.objects.filter(survey=survey)
    if sampled_only:
        responses = responses.filter(member__isnull=False)
    weights = _design_weights(survey) if design_weights else {}
    respondents = {
        pk: (unit, channel, weights.get(stratum, 1.0) if stratum else 1.0)
        for pk, unit, channel, stratum in responses.values_list(
            "pk", "unit__code", "channel", "member__stratum"
        )
    }
    answers = Answer.objects.filter(response__in=responses).order_by("response_id", "item")
    rows = [
        (str(r), respondents[r][0], item, value, respondents[r][1], respondents[r][2])
        for r, item, value in answers.values_list("response_id", "item", "value")
    ]
    schema = {
        "respondent": pl.String,
        "unit": pl.String,
        "item": pl.String,
        "value": pl.Int64,
        "channel": pl.String,
        "weight": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _design_weights(survey: Survey) -> dict[str, float]:
    draw = Draw.objects.filter(survey=survey).first()
    if draw is None:
        return {}
    keys = draw.strata_keys
    return {
        stratum_label([row[k] for k in keys]): row["population"] / row["drawn"]
        for row in draw.strata
        if row["drawn"]
    }


# --- paper forms ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    form: PaperForm
    item: str
    first: int | None
    second: int | None
    first_by: str
    second_by: str


def paper_disagreements(survey: Survey) -> list[Disagreement]:
    """Every item on which the two entries of a double-entered form differ, form by form."""
    forms = PaperForm.objects.filter(survey=survey, state=PaperState.DISAGREE)
    out: list[Disagreement] = []
    for form in forms.select_related("unit").prefetch_related("entries__entered_by"):
        out.extend(form_disagreements(form))
    return out


def form_disagreements(form: PaperForm) -> list[Disagreement]:
    entries = list(form.entries.all()[:2])
    if len(entries) < 2:
        return []
    a, b = entries
    items = sorted(set(a.answers) | set(b.answers))
    return [
        Disagreement(
            form,
            item,
            a.answers.get(item),
            b.answers.get(item),
            str(a.entered_by),
            str(b.entered_by),
        )
        for item in items
        if a.answers.get(item) != b.answers.get(item)
    ]


def paper_counts(survey: Survey) -> dict[str, int]:
    rows = PaperForm.objects.filter(survey=survey).values("state").annotate(n=Count("id"))
    return {r["state"]: r["n"] for r in rows}


def outcome_choices() -> list[tuple[str, str]]:
    """The outcomes staff may set by hand (answered comes with a response, replaced with a
    replacement)."""
    settable = (Outcome.INVITED, Outcome.REFUSED, Outcome.UNREACHABLE)
    return [(o.value, str(o.label)) for o in settable]


def strata_json(strata: pl.DataFrame) -> list[dict[str, Any]]:
    """The engine's strata table as JSON rows (stored with the draw)."""
    return strata.to_dicts()
