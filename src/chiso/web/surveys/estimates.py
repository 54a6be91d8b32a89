"""A survey's estimates as a draft: the survey's answers, weighted as chosen, through the very
estimate publishing would freeze (`chiso.web.publishing.sipas.sipas_estimate`).

Weighting (`EstimateOptions.weighting`):

- `none`: every response weighs 1;
- `design`: the stratum's design weight N/n for sample members, 1 for the rest (kiosk, unsampled
  paper) — `selectors.survey_answers`' default;
- `raking`: the design weights raked (`chiso.engine.sipas_weights.rake_answers`) to the frame's
  totals — the dossiers that received a result — by unit, and optionally by procedure and by
  the channel the dossier was submitted through. The frame is the population, so these are the
  totals the survey should represent. Units without any response are left out of the totals
  (they have no estimate to weight), and the page says which.

The submission channel (of the dossier, from the frame) is not the collection channel (of the
response: online, kiosk, paper, phone) that the estimates are split by; raking by it uses the
frame entry of the sample member who answered, so it needs the sample alone (`sampled_only`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext as _

from chiso.engine import InputError
from chiso.engine.problems import Problem
from chiso.engine.sipas_weights import RakedAnswers, rake_answers, weight_summary
from chiso.web.i18n import active_language
from chiso.web.publishing.sipas import SipasEstimate, anonymised, answers_hash, sipas_estimate
from chiso.web.surveys.models import Draw, FrameEntry, Response, Survey
from chiso.web.surveys.selectors import survey_answers
from chiso.web.units.models import Unit

WEIGHTINGS = ("none", "design", "raking")
MARGINS = ("unit", "procedure", "channel")
"""Frame columns the weights can be raked to: unit, procedure, submission channel."""
FRAME_FIELDS = {"unit": "unit__code", "procedure": "procedure", "channel": "channel"}
RAKE_ITERATIONS = 1000
RAKE_TOLERANCE = 1e-6
LEVELS = (0.9, 0.95, 0.99)


@dataclass(frozen=True)
class EstimateOptions:
    """How to estimate: what a draft shows and a publication freezes (all recorded)."""

    weighting: str = "design"
    margins: tuple[str, ...] = ("unit",)
    sampled_only: bool = False
    level: float = 0.95
    bootstrap: int = 2000
    seed: int = 1

    def __post_init__(self) -> None:
        if self.weighting not in WEIGHTINGS:
            raise ValueError(f"weighting must be one of {WEIGHTINGS}")
        if not set(self.margins) <= set(MARGINS):
            raise ValueError(f"margins must be among {MARGINS}")

    def recorded(self) -> dict[str, Any]:
        return {**asdict(self), "margins": list(self.margins)}


@dataclass(frozen=True)
class PreparedAnswers:
    """The answers as they go into the estimate, with how they were weighted."""

    frame: pl.DataFrame
    raked: RakedAnswers | None
    dropped_units: tuple[str, ...]
    """Units of the frame left out of the raking totals because nobody from them answered."""

    @property
    def weighting(self) -> str:
        """The label `sipas_estimate` records (`weights` or `raking`)."""
        return "raking" if self.raked is not None else "weights"

    @property
    def answers_hash(self) -> str:
        """The hash the estimate's document will carry (of the anonymised answers)."""
        return answers_hash(anonymised(self.frame))

    def raking_summary(self) -> dict[str, Any] | None:
        if self.raked is None:
            return None
        raking = self.raked.raking
        return {
            "margins": list(self.raked.margins),
            "start": "design weights" if self.raked.design_weights else "equal weights",
            "iterations": raking.iterations,
            "converged": raking.converged,
            "max_relative_error": raking.max_relative_error,
            "respondents": raking.frame.height,
            "weight_sum": float(raking.frame["raked_weight"].sum()),
            "dropped_units": list(self.dropped_units),
        }


@dataclass(frozen=True)
class SurveyEstimate:
    options: EstimateOptions
    prepared: PreparedAnswers
    estimate: SipasEstimate

    def weights(self) -> pl.DataFrame | None:
        """Per unit: respondents, sum of weights, Kish n_eff, smallest/largest weight, deff."""
        frame = self.prepared.frame
        if "weight" not in frame.columns:
            return None
        return weight_summary(frame, ["unit"])


def unit_names(codes: list[str] | None = None) -> dict[str, str]:
    units = Unit.objects.all() if codes is None else Unit.objects.filter(code__in=codes)
    return dict(units.values_list("code", "name"))


def survey_prepared_answers(survey: Survey, options: EstimateOptions) -> PreparedAnswers:
    """The survey's answers weighted as `options` say; `ValidationError` with a clear message
    when there is nothing to estimate or the totals cannot be raked to."""
    frame = survey_answers(
        survey, sampled_only=options.sampled_only, design_weights=options.weighting != "none"
    )
    if frame.is_empty():
        raise ValidationError(
            _("Chưa có phiếu trả lời nào trong mẫu: chưa có gì để ước lượng.")
            if options.sampled_only
            else _("Chưa có phiếu trả lời nào: chưa có gì để ước lượng.")
        )
    if options.weighting == "none":
        return PreparedAnswers(frame.drop("weight"), None, ())
    drawn = Draw.objects.filter(survey=survey).exists()
    if options.weighting == "design":
        if not drawn:
            raise ValidationError(_("Cuộc khảo sát chưa chọn mẫu nên không có trọng số thiết kế."))
        return PreparedAnswers(frame, None, ())
    # Without a draw every weight is 1: raking then starts from equal weights, said so.
    return _raked(survey, frame if drawn else frame.drop("weight"), options)


def survey_estimate(survey: Survey, options: EstimateOptions) -> SurveyEstimate:
    """The draft: exactly what `survey_sipas_publish` with these options would publish now."""
    return prepared_estimate(survey, options, survey_prepared_answers(survey, options))


def prepared_names(prepared: PreparedAnswers) -> dict[str, str]:
    """Unit code → name of the units that answered (the names the document carries)."""
    return unit_names(prepared.frame["unit"].unique().to_list())


def prepared_estimate(
    survey: Survey,
    options: EstimateOptions,
    prepared: PreparedAnswers,
    *,
    names: dict[str, str] | None = None,
) -> SurveyEstimate:
    """The estimate of answers already prepared with `options` (`survey_prepared_answers`)."""
    estimate = sipas_estimate(
        questionnaire_yaml=survey.questionnaire_yaml,
        answers=prepared.frame,
        names=prepared_names(prepared) if names is None else names,
        seed=options.seed,
        bootstrap=options.bootstrap,
        level=options.level,
        min_sample=survey.min_sample,
        weighting=prepared.weighting,
    )
    return SurveyEstimate(options, prepared, estimate)


# --- raking to the frame ----------------------------------------------------------------------


def frame_totals(
    survey: Survey, margins: tuple[str, ...], units: set[str]
) -> dict[str, dict[str, float]]:
    """Margin → category → number of frame entries (dossiers with a result), over `units`."""
    totals: dict[str, dict[str, float]] = {}
    entries = FrameEntry.objects.filter(survey=survey, unit__code__in=units)
    for margin in margins:
        field = FRAME_FIELDS[margin]
        rows = entries.values(field).annotate(n=Count("id")).order_by(field)
        counts = {row[field]: float(row["n"]) for row in rows}
        if "" in counts:
            raise ValidationError(
                _(
                    "%(n)s người trong khung mẫu thiếu %(what)s: không hiệu chỉnh trọng số "
                    "theo %(what)s được."
                )
                % {"n": int(counts[""]), "what": margin_label(margin)}
            )
        totals[margin] = counts
    return totals


def margin_label(margin: str) -> str:
    labels = {
        "unit": _("đơn vị"),
        "procedure": _("thủ tục"),
        "channel": _("kênh nộp hồ sơ"),
    }
    return labels[margin]


def _raked(survey: Survey, frame: pl.DataFrame, options: EstimateOptions) -> PreparedAnswers:
    margins = tuple(m for m in MARGINS if m in options.margins)
    if not margins:
        raise ValidationError(_("Chọn ít nhất một biên để hiệu chỉnh trọng số."))
    answered = set(frame["unit"].unique().to_list())
    frame_units: set[str] = set(
        FrameEntry.objects.filter(survey=survey).values_list("unit__code", flat=True).distinct()
    )
    if not frame_units:
        raise ValidationError(_("Khung mẫu đang trống: không có tổng thể để hiệu chỉnh theo."))
    totals = frame_totals(survey, margins, answered)
    people = _raking_people(survey, frame, margins)
    try:
        raked = rake_answers(
            people, totals, max_iterations=RAKE_ITERATIONS, tolerance=RAKE_TOLERANCE
        )
    except InputError as exc:
        raise ValidationError(_problems(exc.problems)) from None
    if not raked.raking.converged:
        params = {
            "iterations": raked.raking.iterations,
            "error": f"{raked.raking.max_relative_error:.3g}",
        }
        raise ValidationError(_problems([Problem("SIP056", _("khung mẫu"), params)]))
    weights = raked.answers.select("respondent", "weight")
    out = frame.drop("weight", strict=False).join(
        weights, on="respondent", how="left", maintain_order="left"
    )
    return PreparedAnswers(out, raked, tuple(sorted(frame_units - answered)))


def _raking_people(survey: Survey, frame: pl.DataFrame, margins: tuple[str, ...]) -> pl.DataFrame:
    """One row per respondent: respondent, unit, weight (if any) and — for procedure or
    submission channel — the frame entry of the sample member who answered."""
    weight = ["weight"] if "weight" in frame.columns else []
    people = frame.select("respondent", "unit", *weight).unique("respondent").sort("respondent")
    extra = [m for m in margins if m != "unit"]
    if not extra:
        return people
    known = _dossier_fields(survey)
    people = people.join(known, on="respondent", how="left")
    missing = people.filter(pl.any_horizontal(pl.col(m).is_null() for m in extra)).height
    if missing:
        raise ValidationError(
            _(
                "%(n)s phiếu không gắn với người trong mẫu (máy tại quầy, phiếu ngoài mẫu) nên "
                "không biết %(what)s của họ: hãy chỉ dùng phiếu trong mẫu, hoặc chỉ hiệu "
                "chỉnh theo đơn vị."
            )
            % {"n": missing, "what": ", ".join(margin_label(m) for m in extra)}
        )
    return people.select("respondent", "unit", *extra, *weight)


def _dossier_fields(survey: Survey) -> pl.DataFrame:
    """respondent (the response id as text) → procedure and submission channel of the sample
    member's frame entry; responses without a member are absent."""
    rows = Response.objects.filter(survey=survey, member__isnull=False).values_list(
        "pk", "member__entry__procedure", "member__entry__channel"
    )
    return pl.DataFrame(
        [(str(pk), procedure or None, channel or None) for pk, procedure, channel in rows],
        schema={"respondent": pl.String, "procedure": pl.String, "channel": pl.String},
        orient="row",
    )


def _problems(problems: Sequence[Problem]) -> list[str]:
    lang = active_language()
    return [p.render(lang) for p in problems]
