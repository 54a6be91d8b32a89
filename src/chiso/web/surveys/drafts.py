"""The survey's draft estimates, kept: estimated once per set of inputs, read back on every view.

The bootstrap behind a draft takes about a second for 600 respondents and several for a
province of 8,000, so the draft page does not estimate on every view. A draft is kept as a
JSON file under ``$CHISO_DATA_DIR/estimates/survey-<pk>/<key>.json`` (written to a temporary
name and renamed: a reader never sees half a file), named by a key hashed from everything the
estimate depends on (`draft_key`): the prepared answers' hash — the one the document records,
over the anonymised answers *with their weights*, so new responses, a new draw or a re-raked
frame all change it — the questionnaire's text, the options (weighting, margins, sample only,
level, bootstrap draws, seed), the raking's outcome, the survey's minimum sample, the units'
names and `DRAFT_VERSION`. Anything new makes a new key; the oldest files of a survey beyond
`KEEP` are removed. Files, not the process-local default cache, because the background worker
(another process) writes what the web server reads.

Surveys with at least ``settings.CHISO_SIPAS_DRAFT_BACKGROUND`` respondents are estimated by
the background job ``survey.estimate`` (`chiso.web.surveys.estimate_jobs`) while the page shows
its progress; smaller ones in the request. Either way the numbers come from `prepared_estimate`
→ `chiso.web.publishing.sipas.sipas_estimate`, the function publishing freezes, with the same
seed: a kept draft is exactly what publishing these answers with these options would store.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone

import chiso
from chiso.web.jobs.models import Job, JobState
from chiso.web.jobs.services import job_start
from chiso.web.surveys.estimates import (
    EstimateOptions,
    PreparedAnswers,
    SurveyEstimate,
    prepared_estimate,
    prepared_names,
    survey_prepared_answers,
)
from chiso.web.surveys.models import Survey

__all__ = [
    "DRAFT_VERSION",
    "ESTIMATE_JOB",
    "Draft",
    "DraftState",
    "draft_key",
    "draft_read",
    "draft_write",
    "options_data",
    "options_query",
    "survey_draft",
]

DRAFT_VERSION = 1
"""Bump when the estimate or what a kept draft holds changes: every kept draft then misses."""
ESTIMATE_JOB = "survey.estimate"
KEEP = 20
"""Drafts kept per survey (the least recently read go first)."""
LOST_AFTER = timedelta(minutes=10)
"""A job that finished this recently and whose draft cannot be read is not started again (the
worker and the web server do not share ``CHISO_DATA_DIR``); after that the draft is taken as
pruned and estimated again."""


@dataclass(frozen=True)
class Draft:
    """What the draft page shows of one estimate, as plain JSON values.

    - `document`: the document publishing would freeze;
    - `items`: the engine's item rates (unit, item, n, satisfied, n_eff, rate, low, high);
    - `weighted`: whether the answers carried weights;
    - `weights`: per unit respondents, sum of weights, Kish n_eff, extremes, deff (or None);
    - `raking`: the raking's summary (`PreparedAnswers.raking_summary`) or None;
    - `respondents`: people who answered.
    """

    key: str
    document: dict[str, Any]
    items: list[dict[str, Any]]
    weighted: bool
    weights: list[dict[str, Any]] | None
    raking: dict[str, Any] | None
    respondents: int

    @classmethod
    def of(cls, key: str, estimate: SurveyEstimate) -> Draft:
        weights = estimate.weights()
        result = estimate.estimate.result
        return cls(
            key=key,
            document=estimate.estimate.document,
            items=result.items.to_dicts(),
            weighted=result.weighted,
            weights=None if weights is None else weights.to_dicts(),
            raking=estimate.prepared.raking_summary(),
            respondents=estimate.prepared.frame["respondent"].n_unique(),
        )

    def as_json(self) -> str:
        return json.dumps({"version": DRAFT_VERSION, **asdict(self)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Draft | None:
        """The draft in `text`; None when it is not one this code wrote."""
        try:
            data = json.loads(text)
            if data.pop("version") != DRAFT_VERSION:
                return None
            return cls(**data)
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


@dataclass(frozen=True)
class DraftState:
    """The draft for one set of options: kept (`draft`), or being estimated by `job` — or the
    job that did not finish it (failed, cancelled, or `lost`: done, but its draft unreadable)."""

    key: str
    draft: Draft | None = None
    job: Job | None = None
    lost: bool = False


def draft_key(
    survey: Survey,
    options: EstimateOptions,
    prepared: PreparedAnswers,
    names: dict[str, str],
) -> str:
    """The key of everything a draft depends on (see the module docstring)."""
    parts = {
        "version": DRAFT_VERSION,
        "chiso": chiso.__version__,
        "answers_hash": prepared.answers_hash,
        "questionnaire_hash": hashlib.sha256(survey.questionnaire_yaml.encode()).hexdigest(),
        "options": options.recorded(),
        "weighting": prepared.weighting,
        "raking": prepared.raking_summary(),
        "min_sample": survey.min_sample,
        "names": names,
    }
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def drafts_dir(survey: Survey) -> Path:
    return Path(settings.DATA_DIR) / "estimates" / f"survey-{survey.pk}"


def draft_read(survey: Survey, key: str) -> Draft | None:
    """The kept draft `key` of `survey`, or None."""
    path = drafts_dir(survey) / f"{key}.json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    draft = Draft.from_json(text)
    if draft is None or draft.key != key:
        return None
    with contextlib.suppress(OSError):  # pruned in between: what was read is whole
        os.utime(path)  # read now: pruned last
    return draft


def draft_write(survey: Survey, draft: Draft) -> None:
    """Keep `draft` (atomically), and remove the survey's oldest drafts beyond `KEEP`."""
    folder = drafts_dir(survey)
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(draft.as_json())
        os.replace(temp, folder / f"{draft.key}.json")
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _prune(folder)


def _prune(folder: Path) -> None:
    def age(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except FileNotFoundError:
            return 0.0

    kept = sorted(folder.glob("*.json"), key=age, reverse=True)
    for old in kept[KEEP:]:
        old.unlink(missing_ok=True)


def background_from() -> int:
    """Respondents from which a draft is estimated in the background."""
    return int(settings.CHISO_SIPAS_DRAFT_BACKGROUND)


def job_key(key: str) -> str:
    return f"{ESTIMATE_JOB}:{key}"


def job_params(survey: Survey, options: EstimateOptions) -> dict[str, Any]:
    return {"survey": survey.pk, "options": options.recorded()}


def options_data(recorded: dict[str, Any]) -> QueryDict:
    """Recorded options (`EstimateOptions.recorded`) as the draft form's data."""
    data = QueryDict(mutable=True)
    for name, value in recorded.items():
        if isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        elif value is True:
            data[name] = "on"
        elif value is not False:
            data[name] = str(value)
    return data


def options_query(options: EstimateOptions) -> str:
    """The options as the draft page's query string."""
    return options_data(options.recorded()).urlencode()


def survey_draft(*, survey: Survey, options: EstimateOptions, by: Any) -> DraftState:
    """The draft of `survey` with `options`: the kept one; else estimated now and kept (fewer
    respondents than `background_from()`); else the background job estimating it, started
    here unless one is under way. A failed or cancelled job is returned as it is: starting
    again is the user's choice (`survey_draft_start`). `ValidationError` when the answers
    cannot be prepared (nothing to estimate, raking refused), as the page says."""
    prepared = survey_prepared_answers(survey, options)
    names = prepared_names(prepared)
    key = draft_key(survey, options, prepared, names)
    draft = draft_read(survey, key)
    if draft is not None:
        return DraftState(key, draft=draft)
    if prepared.frame["respondent"].n_unique() < background_from():
        draft = Draft.of(key, prepared_estimate(survey, options, prepared, names=names))
        draft_write(survey, draft)
        return DraftState(key, draft=draft)
    latest = _latest_job(survey, key)
    if latest is not None and latest.state in (JobState.FAILED, JobState.CANCELLED):
        return DraftState(key, job=latest)
    if latest is not None and latest.state == JobState.DONE and _just_finished(latest, key):
        return DraftState(key, job=latest, lost=True)
    return DraftState(key, job=survey_draft_start(survey=survey, options=options, key=key, by=by))


def survey_draft_start(*, survey: Survey, options: EstimateOptions, key: str, by: Any) -> Job:
    """Start (or join) the background estimate of the draft `key`."""
    return job_start(
        kind=ESTIMATE_JOB,
        params=job_params(survey, options),
        by=by,
        dedupe_key=job_key(key),
        target=f"survey:{survey.pk}",
    )


def _latest_job(survey: Survey, key: str) -> Job | None:
    jobs = Job.objects.filter(kind=ESTIMATE_JOB, target=f"survey:{survey.pk}")
    return jobs.filter(dedupe_key=job_key(key)).first()


def _just_finished(job: Job, key: str) -> bool:
    """Whether `job` kept the draft `key` a moment ago (so its absence is not pruning)."""
    recent = job.finished_at is not None and timezone.now() - job.finished_at < LOST_AFTER
    return recent and (job.result or {}).get("key") == key
