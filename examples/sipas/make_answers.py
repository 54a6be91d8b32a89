"""SYNTHETIC DATA — not a real survey. Writes the example answers of examples/sipas/.

Made-up answers, drawn with fixed seeds so that every file is the same on every run:
`python examples/sipas/make_answers.py`.

- `answers-example.csv`: the shipped `sipas/service-user-2024` for three fictitious units (about
  40 respondents each); each unit has its own chance of a satisfied answer so that the units
  differ; a few answers are "no answer" (0); respondents come by three channels.
- `answers-resident.csv`: `sipas/resident-2024` for three fictitious communes, with the choice
  items (perceptions, several answers to the multiple-answer ones, and the 3-level needs).
- `answers-commune.csv`: `sipas/commune-short-2024` for four fictitious communes.
- `totals-example.csv`: made-up population totals (dossiers with a result, by unit and by
  channel) for raking the weights of `answers-example.csv`.

`answers_for` is also what the tests use to make an answers set for any questionnaire.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

SEED = 20240601
ITEMS = [
    *(f"TCDV.{i}" for i in range(1, 5)),
    *(f"TTHC.{i}" for i in range(1, 5)),
    *(f"CC.{i}" for i in range(1, 6)),
    *(f"KQ.{i}" for i in range(1, 5)),
    *(f"PAKN.{i}" for i in range(1, 6)),
]
# unit code: (respondents, chance that an answer is satisfied, i.e. 4 or 5)
UNITS = {"XA-AN-BINH": (42, 0.88), "XA-HOA-LAC": (40, 0.80), "XA-TAN-PHU": (38, 0.70)}
CHANNELS = ("truc_tiep", "dien_thoai", "truc_tuyen")
NO_ANSWER = 0.04
HEADER = ["respondent", "unit", "item", "value", "channel"]
# Made-up population totals for answers-example.csv: dossiers that received a result.
TOTALS = [
    ("unit", "XA-AN-BINH", 1840),
    ("unit", "XA-HOA-LAC", 1210),
    ("unit", "XA-TAN-PHU", 950),
    ("channel", "truc_tiep", 2300),
    ("channel", "dien_thoai", 500),
    ("channel", "truc_tuyen", 1200),
]


def rows(rng: random.Random) -> list[list[str | int]]:
    """The service-user example (kept as it was first generated)."""
    out: list[list[str | int]] = []
    for unit, (count, satisfied) in UNITS.items():
        for r in range(1, count + 1):
            respondent = f"{unit}-{r:03}"
            channel = rng.choice(CHANNELS)
            for item in ITEMS:
                out.append([respondent, unit, item, _rating(rng, satisfied), channel])
    return out


def _rating(rng: random.Random, satisfied: float) -> int:
    if rng.random() < NO_ANSWER:
        return 0
    if rng.random() < satisfied:
        return rng.choice((4, 4, 5))
    return rng.choice((1, 2, 3, 3))


def answers_for(
    questionnaire: Any, units: dict[str, tuple[int, float]], seed: int
) -> list[list[str | int]]:
    """Rows (respondent, unit, item, value, channel) answering every item of `questionnaire`
    (a `chiso.engine.sipas_method.Questionnaire`): ratings as in `rows`; a choice item gets one
    option (or its no-answer value, if it has one), a multiple-answer item one to three."""
    rng = random.Random(seed)
    out: list[list[str | int]] = []
    for unit, (count, satisfied) in units.items():
        for r in range(1, count + 1):
            respondent = f"{unit}-{r:03}"
            channel = rng.choice(CHANNELS)
            for item in questionnaire.items:
                out.append([respondent, unit, item.code, _rating(rng, satisfied), channel])
            for choice in questionnaire.choices:
                for value in _choices(rng, questionnaire.answer_list(choice.scale), choice):
                    out.append([respondent, unit, choice.code, value, channel])
    return out


def _choices(rng: random.Random, answers: Any, choice: Any) -> list[int]:
    options = [v.value for v in answers.values]
    if answers.not_applicable is not None and rng.random() < NO_ANSWER:
        return [answers.not_applicable.value]
    if choice.multiple:
        return sorted(rng.sample(options, rng.randint(1, min(3, len(options)))))
    # Lower options a little more often, so that the shares differ.
    return [rng.choices(options, weights=range(len(options), 0, -1))[0]]


def _write(path: Path, header: list[str], data: list[Any]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(data)


def main() -> None:
    from chiso.io.questionnaire_files import load_questionnaire, resolve_questionnaire

    here = Path(__file__).parent
    _write(here / "answers-example.csv", HEADER, rows(random.Random(SEED)))
    _write(here / "totals-example.csv", ["margin", "category", "total"], TOTALS)
    resident = load_questionnaire(resolve_questionnaire("resident-2024"))
    communes = {"XA-DONG-HY": (36, 0.84), "XA-PHU-BINH": (34, 0.76), "XA-DAI-TU": (32, 0.68)}
    _write(here / "answers-resident.csv", HEADER, answers_for(resident, communes, SEED + 1))
    short = load_questionnaire(resolve_questionnaire("commune-short-2024"))
    four = {**communes, "XA-VO-NHAI": (40, 0.9)}
    _write(here / "answers-commune.csv", HEADER, answers_for(short, four, SEED + 2))


if __name__ == "__main__":
    main()
