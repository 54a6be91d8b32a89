"""SYNTHETIC DATA — not a real survey. Writes examples/sipas/answers-example.csv.

Made-up answers to the shipped questionnaire `sipas/service-user-2024` for three fictitious
units (about 40 respondents each), drawn with a fixed seed so that the file is the same on every
run: `python examples/sipas/make_answers.py`. Each unit has its own chance of a satisfied answer
so that the units differ; a few answers are "no answer" (0); respondents come by three channels.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

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


def rows(rng: random.Random) -> list[list[str | int]]:
    out: list[list[str | int]] = []
    for unit, (count, satisfied) in UNITS.items():
        for r in range(1, count + 1):
            respondent = f"{unit}-{r:03}"
            channel = rng.choice(CHANNELS)
            for item in ITEMS:
                if rng.random() < NO_ANSWER:
                    value = 0
                elif rng.random() < satisfied:
                    value = rng.choice((4, 4, 5))
                else:
                    value = rng.choice((1, 2, 3, 3))
                out.append([respondent, unit, item, value, channel])
    return out


def main() -> None:
    path = Path(__file__).with_name("answers-example.csv")
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["respondent", "unit", "item", "value", "channel"])
        writer.writerows(rows(random.Random(SEED)))


if __name__ == "__main__":
    main()
