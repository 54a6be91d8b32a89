"""Publishing SIPAS: estimate once, freeze, serve the frozen document; prove it by re-estimating.

`sipas_publish` is the only way SIPAS estimates reach the public site. It runs the engine once
on the answers it is given (overall, and by channel when the answers carry one), stores the
questionnaire, the answers — respondents renumbered 1…n in a stable order, so nothing links a row
to a person or a token — the settings and the document, in one transaction, audited.
`sipas_recompute` re-estimates from the stored parts and must give back the stored document.

`sipas_estimate` is that same estimate without storing anything: the survey's draft page shows
it, so the draft is exactly the document publishing the same answers with the same settings
would freeze (respondents are renumbered before estimating in both, because the bootstrap
resamples respondents in their sorted order).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from chiso.engine import InputError
from chiso.engine.problems import MethodError
from chiso.engine.sipas import SipasResult, estimate_sipas
from chiso.engine.sipas_method import Questionnaire
from chiso.io.questionnaire_files import parse_questionnaire
from chiso.io.sipas_document import sipas_document
from chiso.web.accounts.policy import Action, require
from chiso.web.audit.services import audit_record
from chiso.web.i18n import active_language
from chiso.web.publishing.models import SipasSnapshot

ANSWER_COLUMNS = ("respondent", "unit", "item", "value", "channel", "weight")
WEIGHTINGS = ("weights", "raking")
"""How weighted answers got their weights: design weights carried in (`weights`), or raked to
population totals (`raking`). Answers without a `weight` column are always `none`."""


@dataclass(frozen=True)
class SipasEstimate:
    """What publishing would freeze — `document` — with the engine's results it was made from
    (`result`, and `by_channel` when the answers carry a channel), the anonymised answers and
    the settings as they would be stored."""

    document: dict[str, Any]
    result: SipasResult
    by_channel: SipasResult | None
    frame: pl.DataFrame
    estimation: dict[str, Any]


def sipas_estimate(
    *,
    questionnaire_yaml: str,
    answers: pl.DataFrame,
    names: Mapping[str, str],
    seed: int,
    bootstrap: int = 2000,
    level: float = 0.95,
    min_sample: int | None = None,
    weighting: str = "weights",
) -> SipasEstimate:
    """The estimate `sipas_publish` would store for these arguments; stores nothing.

    `min_sample` (the survey's setting) replaces the questionnaire's minimum sample for
    ranking; `weighting` names where the `weight` column came from (see `WEIGHTINGS`)."""
    questionnaire = _parse(questionnaire_yaml)
    frame = anonymised(answers)
    estimation = _estimation(frame, seed, bootstrap, level, min_sample, weighting)
    questionnaire = _ranked_from(questionnaire, estimation)
    result, channels = _results(questionnaire, frame, estimation)
    document = _document(questionnaire, frame, names, estimation, result, channels)
    return SipasEstimate(document, result, channels, frame, {**estimation, "names": dict(names)})


def _estimation(
    frame: pl.DataFrame,
    seed: int,
    bootstrap: int,
    level: float,
    min_sample: int | None,
    weighting: str,
) -> dict[str, Any]:
    """The settings an estimate of `frame` is made with, as a snapshot stores them."""
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, not {weighting!r}")
    estimation: dict[str, Any] = {"level": level, "bootstrap": bootstrap, "seed": seed}
    estimation["weighting"] = weighting if "weight" in frame.columns else "none"
    if min_sample is not None:
        estimation["min_sample"] = min_sample
    return estimation


def sipas_publish(
    *,
    year: int,
    title: str,
    questionnaire_yaml: str,
    answers: pl.DataFrame,
    names: Mapping[str, str],
    seed: int,
    bootstrap: int = 2000,
    level: float = 0.95,
    min_sample: int | None = None,
    weighting: str = "weights",
    source: Mapping[str, Any] | None = None,
    estimated: Mapping[str, Any] | None = None,
    by: Any,
) -> SipasSnapshot:
    """Estimate and publish `year`'s SIPAS; refused if that year already has one.

    `source` (optional, JSON-able) says where the answers came from — the survey and how they
    were weighted — and is stored with the settings and in the audit event. `estimated` is the
    document `sipas_estimate` already made of these very arguments (a kept draft): it is
    frozen as it is instead of estimating again, once its questionnaire, answers and settings
    are checked to be these (`ValidationError` otherwise, and nothing is stored)."""
    require(by, Action.PERIOD_APPROVE)
    if estimated is None:
        estimate = sipas_estimate(
            questionnaire_yaml=questionnaire_yaml,
            answers=answers,
            names=names,
            seed=seed,
            bootstrap=bootstrap,
            level=level,
            min_sample=min_sample,
            weighting=weighting,
        )
        document, frame = estimate.document, estimate.frame
        estimation = dict(estimate.estimation)
    else:
        frame = anonymised(answers)
        estimation = _estimation(frame, seed, bootstrap, level, min_sample, weighting)
        questionnaire = _ranked_from(_parse(questionnaire_yaml), estimation)
        document = dict(estimated)
        _check_estimated(document, questionnaire, frame, estimation)
        estimation["names"] = dict(names)
    estimation.update({"source": dict(source)} if source else {})
    try:
        with transaction.atomic():
            snapshot = SipasSnapshot.objects.create(
                year=year,
                title=title,
                questionnaire_yaml=questionnaire_yaml,
                questionnaire_hash=document["about"]["questionnaire_hash"],
                answers_hash=document["about"]["answers_hash"],
                answers=_parquet(frame),
                estimation=estimation,
                document=document,
                published_by=by,
                published_at=timezone.now(),
            )
            audit_record(
                actor=by,
                action="sipas.publish",
                target=f"sipas:{year}",
                new={**document["about"], **({"source": dict(source)} if source else {})},
                reason=title,
            )
    except IntegrityError:
        raise ValidationError(
            f"năm {year} đã công bố kết quả SIPAS; kết quả đã công bố không sửa được"
        ) from None
    return snapshot


def _check_estimated(
    document: Mapping[str, Any],
    questionnaire: Questionnaire,
    frame: pl.DataFrame,
    estimation: Mapping[str, Any],
) -> None:
    """Refuse an estimate made of other answers, another questionnaire or other settings."""
    about = document.get("about") or {}
    expected = {
        "questionnaire_hash": questionnaire.hash,
        "answers_hash": answers_hash(frame),
        "level": estimation["level"],
        "bootstrap": estimation["bootstrap"],
        "seed": estimation["seed"],
        "min_sample": questionnaire.min_sample,
        "weighting": estimation["weighting"],
    }
    differ = sorted(key for key, value in expected.items() if about.get(key) != value)
    if differ:
        raise ValidationError(
            f"bản ước lượng đưa vào không khớp với phiếu, bộ câu hỏi hoặc thiết lập đang công bố "
            f"({', '.join(differ)}); chưa công bố gì"
        )


def sipas_recompute(*, snapshot: SipasSnapshot) -> dict[str, Any]:
    """The document re-estimated from the snapshot's stored questionnaire, answers, settings."""
    questionnaire = parse_questionnaire(snapshot.questionnaire_yaml)
    frame = pl.read_parquet(io.BytesIO(bytes(snapshot.answers)))
    estimation = dict(snapshot.estimation)
    names = estimation.pop("names")
    questionnaire = _ranked_from(questionnaire, estimation)
    result, channels = _results(questionnaire, frame, estimation)
    return _document(questionnaire, frame, names, estimation, result, channels)


def anonymised(answers: pl.DataFrame) -> pl.DataFrame:
    """The answers with respondents renumbered 1…n (ordered by unit, then the original key, so
    the numbering is stable) and only the columns the estimate reads."""
    keep = [c for c in ANSWER_COLUMNS if c in answers.columns]
    frame = answers.select(keep).with_columns(pl.col("respondent").cast(pl.String))
    order = frame.select("unit", "respondent").unique().sort("unit", "respondent")
    numbers = order.with_row_index("number", offset=1).select(
        "respondent", pl.col("number").cast(pl.Int64)
    )
    out = frame.join(numbers, on="respondent").drop("respondent").rename({"number": "respondent"})
    return out.select(keep).sort("respondent", "item")


def answers_hash(frame: pl.DataFrame) -> str:
    return "sha256:" + hashlib.sha256(frame.write_csv().encode()).hexdigest()


def _parse(questionnaire_yaml: str) -> Questionnaire:
    try:
        return parse_questionnaire(questionnaire_yaml)
    except MethodError as exc:
        raise ValidationError([p.render(active_language()) for p in exc.problems]) from None


def _ranked_from(questionnaire: Questionnaire, estimation: Mapping[str, Any]) -> Questionnaire:
    """The questionnaire with the minimum sample the estimate was made with (a survey may set
    its own; snapshots from before that setting have none and keep the file's)."""
    if estimation.get("min_sample") is None:
        return questionnaire
    return replace(questionnaire, min_sample=int(estimation["min_sample"]))


def _results(
    questionnaire: Questionnaire, frame: pl.DataFrame, estimation: Mapping[str, Any]
) -> tuple[SipasResult, SipasResult | None]:
    """The engine over the anonymised answers: overall, and by channel when there is one."""
    options = {k: estimation[k] for k in ("level", "bootstrap", "seed")}
    try:
        result = estimate_sipas(questionnaire, frame, **options)
        channels = (
            estimate_sipas(questionnaire, frame, by="channel", **options)
            if "channel" in frame.columns
            else None
        )
    except InputError as exc:
        raise ValidationError([p.render(active_language()) for p in exc.problems]) from None
    return result, channels


def _document(
    questionnaire: Questionnaire,
    frame: pl.DataFrame,
    names: Mapping[str, str],
    estimation: Mapping[str, Any],
    result: SipasResult,
    channels: SipasResult | None,
) -> dict[str, Any]:
    return sipas_document(
        questionnaire,
        result,
        names=names,
        answers_hash=answers_hash(frame),
        by_channel=channels,
        weighting=estimation["weighting"],
    )


def _parquet(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd", statistics=False)
    return buffer.getvalue()
