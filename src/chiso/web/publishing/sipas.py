"""Publishing SIPAS: estimate once, freeze, serve the frozen document; prove it by re-estimating.

`sipas_publish` is the only way SIPAS estimates reach the public site. It runs the engine once
on the answers it is given (overall, and by channel when the answers carry one), stores the
questionnaire, the answers — respondents renumbered 1…n in a stable order, so nothing links a row
to a person or a token — the settings and the document, in one transaction, audited.
`sipas_recompute` re-estimates from the stored parts and must give back the stored document.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from chiso.engine import InputError
from chiso.engine.problems import MethodError
from chiso.engine.sipas import estimate_sipas
from chiso.io.questionnaire_files import parse_questionnaire
from chiso.io.sipas_document import sipas_document
from chiso.web.accounts.policy import Action, require
from chiso.web.audit.services import audit_record
from chiso.web.publishing.models import SipasSnapshot

ANSWER_COLUMNS = ("respondent", "unit", "item", "value", "channel", "weight")


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
    by: Any,
) -> SipasSnapshot:
    """Estimate and publish `year`'s SIPAS; refused if that year already has one."""
    require(by, Action.PERIOD_APPROVE)
    try:
        questionnaire = parse_questionnaire(questionnaire_yaml)
    except MethodError as exc:
        raise ValidationError([p.render("vi") for p in exc.problems]) from None
    frame = anonymised(answers)
    estimation = {"level": level, "bootstrap": bootstrap, "seed": seed, "weighting": _w(frame)}
    document = _estimate(questionnaire, frame, names, estimation)
    try:
        with transaction.atomic():
            snapshot = SipasSnapshot.objects.create(
                year=year,
                title=title,
                questionnaire_yaml=questionnaire_yaml,
                questionnaire_hash=questionnaire.hash,
                answers_hash=document["about"]["answers_hash"],
                answers=_parquet(frame),
                estimation={**estimation, "names": dict(names)},
                document=document,
                published_by=by,
                published_at=timezone.now(),
            )
            audit_record(
                actor=by,
                action="sipas.publish",
                target=f"sipas:{year}",
                new=document["about"],
                reason=title,
            )
    except IntegrityError:
        raise ValidationError(
            f"năm {year} đã công bố kết quả SIPAS; kết quả đã công bố không sửa được"
        ) from None
    return snapshot


def sipas_recompute(*, snapshot: SipasSnapshot) -> dict[str, Any]:
    """The document re-estimated from the snapshot's stored questionnaire, answers, settings."""
    questionnaire = parse_questionnaire(snapshot.questionnaire_yaml)
    frame = pl.read_parquet(io.BytesIO(bytes(snapshot.answers)))
    estimation = dict(snapshot.estimation)
    names = estimation.pop("names")
    return _estimate(questionnaire, frame, names, estimation)


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


def _estimate(
    questionnaire: Any, frame: pl.DataFrame, names: Mapping[str, str], estimation: Mapping[str, Any]
) -> dict[str, Any]:
    options = {k: estimation[k] for k in ("level", "bootstrap", "seed")}
    try:
        result = estimate_sipas(questionnaire, frame, **options)
        channels = (
            estimate_sipas(questionnaire, frame, by="channel", **options)
            if "channel" in frame.columns
            else None
        )
    except InputError as exc:
        raise ValidationError([p.render("vi") for p in exc.problems]) from None
    return sipas_document(
        questionnaire,
        result,
        names=names,
        answers_hash=answers_hash(frame),
        by_channel=channels,
        weighting=estimation["weighting"],
    )


def _w(frame: pl.DataFrame) -> str:
    return "weights" if "weight" in frame.columns else "none"


def _parquet(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd", statistics=False)
    return buffer.getvalue()
