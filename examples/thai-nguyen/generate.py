"""Synthetic per-leaf scores for the Thái Nguyên example (dữ liệu mô phỏng).

Every criterion-level value written here is synthetic. Only four index values are published
facts, and the generator lands on them exactly (at 2 decimals, as the engine computes them):
2024 Sở Công Thương 90.90, Sở Thông tin và Truyền thông 90.30, Sở Khoa học và Công nghệ 90.10,
and 2023 Sở Công Thương 90.30.

How: each unit gets a target index (the published value, or a seeded draw below 90); its leaf
values are drawn from a seeded generator around that target, as each leaf's rule expects them
(level codes, rates in %, counts, points, survey answer counts); then a few `manual` leaves are
moved by their step and the continuous survey rates are tuned until the engine's index equals
the target. The same seed gives the same bytes.

Run from the repository root:

    .venv/bin/python examples/thai-nguyen/generate.py              # the four scores files
    .venv/bin/python examples/thai-nguyen/generate.py --communes   # also units-2025-xa.csv
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from chiso.engine.framework import Criterion, Method
from chiso.engine.inputs import ScoreRow, Unit, prepare_inputs
from chiso.engine.numbers import display
from chiso.engine.par import applicability, compute_par
from chiso.io.method_files import load_method

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
METHODS = ROOT / "src" / "chiso" / "methods" / "par"
SEED = 2024
YEARS = (2023, 2024)
BLOCKS = ("so", "huyen")

# The published facts (Thái Nguyên PAR Index): the only values here that are not synthetic.
PUBLISHED: dict[tuple[int, str], float] = {
    (2024, "TN.SCT"): 90.90,
    (2024, "TN.STTTT"): 90.30,
    (2024, "TN.SKHCN"): 90.10,
    (2023, "TN.SCT"): 90.30,
}

# Synthetic bonus and penalty items (year, unit) → {item: count}, to show both at work.
ADJUSTMENTS: dict[tuple[int, str], dict[str, str]] = {
    (2024, "TN.SCT"): {"T1": "1"},
    (2024, "TN.STTTT"): {"T3": "1"},
    (2024, "TN.SXD"): {"P1": "1"},
    (2024, "TN.TPTN"): {"T1": "1"},
    (2024, "TN.VN"): {"P2": "1"},
    (2023, "TN.SCT"): {"T2": "1"},
    (2023, "TN.SGTVT"): {"P1": "1"},
    (2023, "TN.TPSC"): {"T1": "1"},
}

# Synthetic gaps in the survey (left out of the unit's max by the survey component's
# `missing_input: exclude`), on units whose index is not a published fact.
MISSING: dict[tuple[int, str], tuple[str, ...]] = {
    (2024, "TN.SYT"): ("8.3.2",),
    (2024, "TN.DT"): ("8.4.1", "8.4.2"),
    (2023, "TN.SVHTTDL"): ("8.2.3",),
}

OPTIONS = ("A", "B", "C", "D")


def method_path(block: str) -> Path:
    """The 2024 modelled method of a block; used for 2023 too (see the README)."""
    return METHODS / f"model-2024-{block}.yaml"


def read_units(path: Path) -> list[Unit]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [Unit(r["unit"], r["name"], r["block"], r["kind"]) for r in csv.DictReader(handle)]


# --- targets ------------------------------------------------------------------------------------


def targets(units: Sequence[Unit]) -> dict[tuple[int, str], float]:
    """Target index per (year, unit): published where known, else a seeded draw below 90."""
    rng = random.Random(SEED)
    out: dict[tuple[int, str], float] = {}
    for unit in units:
        now = PUBLISHED.get((2024, unit.code), round(rng.uniform(76.0, 89.4), 2))
        before = now - rng.uniform(-1.5, 3.0)
        if before >= 89.6:
            before = 89.6 - rng.uniform(0.2, 1.5)
        before = round(max(74.0, before), 2)
        out[(2024, unit.code)] = now
        out[(2023, unit.code)] = PUBLISHED.get((2023, unit.code), before)
    return out


# --- drawing values as each rule expects them ---------------------------------------------------


def draw(leaf: Criterion, quality: float, rng: random.Random) -> str:
    """One raw value for a leaf, better with `quality` in [0, 1]."""
    assert leaf.rule is not None
    kind, params = leaf.rule.kind, leaf.rule.params
    if kind == "binary":
        return "1" if rng.random() < 0.6 + 0.39 * quality else "0"
    if kind == "levels":
        return _draw_level(params["levels"], quality, rng)
    if kind == "threshold":
        return _draw_threshold(params["bands"], quality, rng)
    if kind == "proportional":
        return _draw_rate(float(params.get("target", 100)), quality, rng)
    if kind == "deduction":
        return str(0 if rng.random() < 0.5 + 0.45 * quality else rng.choice((1, 1, 2)))
    if kind == "count":
        full = round(leaf.max / float(params["per_item"]))
        return str(round(full * rng.uniform(0.3 + 0.6 * quality, 1.1)))
    if kind == "manual":
        return _fmt(_draw_manual(leaf.max, float(params["step"]), quality, rng))
    if kind == "survey":
        if params.get("options"):
            return _draw_answers(quality, rng)
        return _fmt(round(rng.uniform(70 + 20 * quality, 82 + 16 * quality), 2))
    raise ValueError(f"no generator for rule kind {kind!r}")


def _draw_level(levels: Sequence[dict], quality: float, rng: random.Random) -> str:
    ordered = sorted(levels, key=lambda level: -level["points"])
    roll = rng.random()
    if roll < 0.5 + 0.47 * quality:
        return str(ordered[0]["code"])
    return str(ordered[1 if roll < 0.99 else -1]["code"])


def _draw_threshold(bands: Sequence[dict], quality: float, rng: random.Random) -> str:
    ordered = sorted(bands, key=lambda band: -band["points"])
    pick = 0 if rng.random() < 0.45 + 0.5 * quality else min(1, len(ordered) - 1)
    text = ordered[pick]["range"]
    low, high = (float(x) for x in text[1:-1].split(","))
    high = min(high, 100.0)
    if low == high:
        return _fmt(low)
    value = round(rng.uniform(low, high), 1)
    if text.endswith(")") and value >= high:
        value = round(high - 0.1, 1)
    return _fmt(max(low, value))


def _draw_rate(target: float, quality: float, rng: random.Random) -> str:
    if target >= 100:
        value = 100 - rng.uniform(0, 1 + 19 * (1 - quality))
    else:
        value = target * rng.uniform(0.7 + 0.25 * quality, 1.12)
    return _fmt(round(min(100.0, value), 2))


def _draw_manual(max_: float, step: float, quality: float, rng: random.Random) -> float:
    value = max_ * rng.uniform(0.5 + 0.4 * quality, 1.0)
    return min(max_, math.floor(value / step + 1e-9) * step)


def _draw_answers(quality: float, rng: random.Random) -> str:
    weights = (
        0.3 + 0.6 * quality,
        0.35 - 0.2 * quality,
        0.25 - 0.2 * quality,
        0.1 - 0.08 * quality,
    )
    counts = dict.fromkeys(OPTIONS, 0)
    for option in rng.choices(OPTIONS, weights=weights, k=rng.randint(25, 60)):
        counts[option] += 1
    return ";".join(f"{option}={counts[option]}" for option in OPTIONS)


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


# --- fitting to the target ----------------------------------------------------------------------


@dataclass
class Card:
    """One unit's raw values for one year, with the leaves the generator may move."""

    unit: Unit
    values: dict[str, str]
    adjustments: dict[str, str] = field(default_factory=dict)

    def rows(self) -> list[ScoreRow]:
        cells = {**self.values, **self.adjustments}
        return [ScoreRow(self.unit.code, code, value) for code, value in cells.items()]


QUALITIES = tuple(q / 20 for q in range(21))


def draw_card(method: Method, unit: Unit, target: float, year: int, rng: random.Random) -> Card:
    """The draw, among one per quality level from the same seed state, nearest the target."""
    applies = applicability(method, [unit])[0]
    missing = set(MISSING.get((year, unit.code), ()))
    leaves = [
        leaf
        for leaf, on in zip(method.leaves, applies, strict=True)
        if on and leaf.code not in missing
    ]
    start, best = rng.getstate(), None
    for quality in QUALITIES:
        rng.setstate(start)
        card = Card(
            unit,
            {leaf.code: draw(leaf, quality, rng) for leaf in leaves},
            dict(ADJUSTMENTS.get((year, unit.code), {})),
        )
        distance = abs(index_of(method, card)[0] - target)
        if best is None or distance < best[0]:
            best = (distance, card, rng.getstate())
    assert best is not None
    rng.setstate(best[2])
    return best[1]


def index_of(method: Method, card: Card) -> tuple[float, float, float]:
    """(index, total, max) of one unit as the engine computes it."""
    units = compute_par(method, prepare_inputs(method, [card.unit], card.rows())).units
    row = units.row(0, named=True)
    return row["index"], row["total"], row["max"]


def fit(method: Method, card: Card, target: float, rng: random.Random) -> None:
    """Move manual leaves, then survey rates, until the engine's index is the target."""
    _, total, max_ = index_of(method, card)
    gap = target * max_ / 100.0 - total
    manual = [
        leaf
        for leaf in method.leaves
        if leaf.code in card.values and leaf.rule and leaf.rule.kind == "manual"
    ]
    rng.shuffle(manual)
    for leaf in manual:
        if abs(gap) < 0.2:
            break
        gap -= _move_manual(card, leaf, gap)
    rates = [
        leaf
        for leaf in method.leaves
        if leaf.code in card.values
        and leaf.rule
        and leaf.rule.kind == "survey"
        and not leaf.rule.params.get("options")
    ]
    for _ in range(3):
        for leaf in rates:
            _, total, max_ = index_of(method, card)
            gap = target * max_ / 100.0 - total
            if abs(gap) < 1e-6:
                return
            _move_rate(card, leaf, gap)


def _move_manual(card: Card, leaf: Criterion, gap: float) -> float:
    assert leaf.rule is not None
    step = float(leaf.rule.params["step"])
    old = float(card.values[leaf.code])
    wanted = old + max(-0.5 * leaf.max, min(0.5 * leaf.max, gap))
    floor = math.ceil(0.25 * leaf.max / step - 1e-9) * step
    new = min(leaf.max, max(floor, round(wanted / step) * step))
    card.values[leaf.code] = _fmt(new)
    return new - old


def _move_rate(card: Card, leaf: Criterion, gap: float) -> None:
    old = float(card.values[leaf.code])
    new = round(min(99.5, max(60.0, old + gap * 100.0 / leaf.max)), 2)
    card.values[leaf.code] = _fmt(new)


# --- the year files -----------------------------------------------------------------------------


def year_cards(
    year: int, block: str, units: Sequence[Unit], goals: dict[tuple[int, str], float]
) -> tuple[Method, list[Card]]:
    method = load_method(method_path(block))
    rng = random.Random(SEED * 10_000 + year * 10 + BLOCKS.index(block))
    cards = []
    for unit in (u for u in units if u.block == block):
        card = draw_card(method, unit, goals[(year, unit.code)], year, rng)
        fit(method, card, goals[(year, unit.code)], rng)
        cards.append(card)
    return method, cards


def check_published(method: Method, cards: Sequence[Card], year: int) -> None:
    """Fail loudly if the engine does not give a published value exactly at 2 decimals."""
    units = [card.unit for card in cards]
    rows = [row for card in cards for row in card.rows()]
    result = compute_par(method, prepare_inputs(method, units, rows)).units
    for row in result.iter_rows(named=True):
        shown = display(row["index"], 2, "half_up")
        wanted = PUBLISHED.get((year, row["unit"]))
        if wanted is not None and shown != f"{wanted:.2f}":
            raise AssertionError(f"{year} {row['unit']}: {shown}, published {wanted:.2f}")
        if wanted is None and row["block"] == "so" and float(shown) >= 90:
            raise AssertionError(f"{year} {row['unit']}: {shown} would be a 4th Xuất sắc")


def write_scores(path: Path, method: Method, cards: Sequence[Card]) -> None:
    order = [leaf.code for leaf in method.leaves]
    order += [item.code for adj in (method.bonus, method.penalty) if adj for item in adj.items]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["unit", "criterion", "value"])
        for card in cards:
            cells = {**card.values, **card.adjustments}
            writer.writerows([card.unit.code, code, cells[code]] for code in order if code in cells)


def generate(out_dir: Path = HERE) -> list[Path]:
    """Write scores-<year>-<block>.csv for 2023 and 2024 into `out_dir`; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    units = read_units(HERE / "units-2024.csv")
    goals = targets(units)
    written = []
    for year in YEARS:
        for block in BLOCKS:
            method, cards = year_cards(year, block, units, goals)
            check_published(method, cards, year)
            path = out_dir / f"scores-{year}-{block}.csv"
            write_scores(path, method, cards)
            written.append(path)
    return written


# --- the 2025 commune list (needs the `vietnam-provinces` package) ------------------------------


def write_communes(path: Path) -> int:
    """Thái Nguyên's communes and wards since 1 July 2025 (province code 19)."""
    from vietnam_provinces import ProvinceCode, VietNamDivisionType, Ward

    wards = sorted(Ward.iter_by_province(ProvinceCode(19)), key=lambda w: int(w.code))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["unit", "name", "block", "kind"])
        for ward in wards:
            kind = "ward" if ward.division_type == VietNamDivisionType.PHUONG else "commune"
            writer.writerow([f"TN.X.{int(ward.code):05d}", ward.name, "xa", kind])
    return len(wards)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="output folder")
    parser.add_argument(
        "--communes",
        action="store_true",
        help="also write units-2025-xa.csv from the vietnam-provinces package",
    )
    args = parser.parse_args()
    for path in generate(args.out):
        print(f"wrote {path}")
    if args.communes:
        count = write_communes(args.out / "units-2025-xa.csv")
        print(f"wrote {args.out / 'units-2025-xa.csv'} ({count} communes and wards)")


if __name__ == "__main__":
    main()
