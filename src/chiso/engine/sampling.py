"""Drawing the SIPAS sample: Slovin sizes, a seeded stratified draw, reserve lists, fieldwork.

The frame is the list of people who received a result from a unit in the reference period (one
row per person: `person`, the stratum columns, `contact`). Each stratum (a unit, or a unit ×
procedure × channel) gets a target size — Slovin's n = N / (1 + N e²) rounded up, or a fixed
allocation — capped at its size, a simple random sample without replacement of that many people
in a random order, and an ordered reserve list drawn from the rest to replace refusals and
unreachable people in that order.

Reproducible and recorded. The same frame in any row order and the same seed give the same
sample, row for row:

- each stratum is sorted by person id before drawing, so the row order of the upload does not
  matter (person ids are unique, so the sort is total);
- each stratum draws from its own generator, `default_rng(SeedSequence(seed, spawn_key=K))`
  where K is taken from the sha256 of the stratum's key values. A stratum's draw thus depends
  only on the seed, its key and its own people: adding or removing a stratum (a unit joining
  the survey) does not change any other stratum's draw, which one shared generator consumed in
  stratum order would;
- a stratum's generator gives one random permutation of its people; the main sample is its
  first n and the reserve the next r. Changing the reserve share therefore never changes who is
  in the main sample.

The `Sample` carries the seed, the design and a sha256 of the sorted frame, so a published
survey can show exactly which list was drawn from and how.

The engine stays pure: no I/O, no clock; randomness only from `numpy.random.default_rng`.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np
import polars as pl

SizeRule = Literal["slovin", "fixed"]

PERSON = "person"
CONTACT = "contact"
MAIN = "main"
RESERVE = "reserve"

OUTCOMES = ("invited", "answered", "refused", "unreachable", "replaced")
"""A person's latest fieldwork status. `invited` means invited and not yet settled; every status
implies an invitation attempt (an unreachable person was tried), so all count as invited."""

RESERVED_NAMES = frozenset(
    {PERSON, CONTACT, "order", "role", "population", "target", "drawn", "reserve", "outcome"}
)
"""Column names the output frames use, so they cannot be stratum columns."""


def _exact(value: float) -> Fraction:
    """The decimal the caller wrote (0.05, 0.2), not its binary approximation.

    Needed so that rounding up is not pushed over an integer by float error: 0.2 × 80 is
    16.000000000000004 in floats and would round up to 17.
    """
    return Fraction(repr(float(value)))


def slovin(population: int, margin: float) -> int:
    """Slovin's sample size n = N / (1 + N e²), rounded **up** to a whole person.

    Rounding up keeps the margin at or below `e` (rounding to nearest could leave it slightly
    above). Computed exactly with the margin as written in decimal, so e.g. N = 400, e = 0.05
    gives exactly 200. Examples at e = 0.05: N = 100 → 80, 1000 → 286, 100000 → 399, and n
    tends to 1 / e² = 400 for large N. N = 0 gives 0; N ≥ 1 gives at least 1 and at most N.

    Raises `ValueError` for N < 0 or a margin outside (0, 1).
    """
    if isinstance(population, bool) or not isinstance(population, int | np.integer):
        raise ValueError(f"population must be an integer, got {population!r}")
    if population < 0:
        raise ValueError(f"population must be ≥ 0, got {population}")
    if not (isinstance(margin, int | float) and math.isfinite(margin) and 0 < margin < 1):
        raise ValueError(f"margin must be in (0, 1), got {margin!r}")
    n = Fraction(int(population)) / (1 + int(population) * _exact(margin) ** 2)
    return math.ceil(n)


@dataclass(frozen=True)
class SampleDesign:
    """How to draw: strata, the size rule and the reserve share.

    - `strata`: the frame columns that define a stratum, e.g. ("unit",) or
      ("unit", "procedure", "channel").
    - `size_rule`: "slovin" (needs `margin`; no default — the method carries 0.05) or "fixed"
      (needs `per_stratum`). Either way a stratum's draw is capped at its size.
    - `reserve_share`: the reserve list of a stratum is ceil(share × drawn) people, capped at
      the people left after the main draw (0.2 → 20 % of the sample, for replacements).

    Prefer the constructors `SampleDesign.by_slovin` and `SampleDesign.by_fixed`.
    """

    strata: tuple[str, ...]
    size_rule: SizeRule
    reserve_share: float
    margin: float | None = None
    per_stratum: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.strata, tuple) or not self.strata:
            raise ValueError("strata must be a non-empty tuple of column names")
        for column in self.strata:
            if not isinstance(column, str) or not column:
                raise ValueError(f"stratum column must be a non-empty string, got {column!r}")
            if column in RESERVED_NAMES:
                raise ValueError(f"stratum column {column!r} is a reserved column name")
        if len(set(self.strata)) != len(self.strata):
            raise ValueError(f"stratum columns repeat: {self.strata}")
        share = self.reserve_share
        if not (isinstance(share, int | float) and math.isfinite(share) and share >= 0):
            raise ValueError(f"reserve_share must be ≥ 0, got {share!r}")
        if self.size_rule == "slovin":
            if self.margin is None:
                raise ValueError("size_rule 'slovin' needs a margin (e.g. 0.05)")
            if self.per_stratum is not None:
                raise ValueError("size_rule 'slovin' takes no per_stratum")
            slovin(0, self.margin)  # validates the margin
        elif self.size_rule == "fixed":
            if self.margin is not None:
                raise ValueError("size_rule 'fixed' takes no margin")
            per = self.per_stratum
            if isinstance(per, bool) or not isinstance(per, int) or per < 1:
                raise ValueError(f"size_rule 'fixed' needs per_stratum ≥ 1, got {per!r}")
        else:
            raise ValueError(f"size_rule must be 'slovin' or 'fixed', got {self.size_rule!r}")

    @classmethod
    def by_slovin(
        cls, strata: Sequence[str], *, margin: float, reserve_share: float
    ) -> SampleDesign:
        return cls(tuple(strata), "slovin", reserve_share, margin=margin)

    @classmethod
    def by_fixed(
        cls, strata: Sequence[str], *, per_stratum: int, reserve_share: float
    ) -> SampleDesign:
        return cls(tuple(strata), "fixed", reserve_share, per_stratum=per_stratum)

    def target(self, population: int) -> int:
        """The rule's sample size for a stratum of `population` people, before the cap."""
        if self.size_rule == "slovin":
            assert self.margin is not None
            return slovin(population, self.margin)
        assert self.per_stratum is not None
        return self.per_stratum

    def reserve_size(self, drawn: int, left: int) -> int:
        """Reserve list length: ceil(share × drawn), capped at the people not drawn."""
        return min(math.ceil(_exact(self.reserve_share) * drawn), left)


@dataclass(frozen=True)
class Sample:
    """A recorded draw.

    - `sample`: person, the stratum columns, contact, role ("main" or "reserve"), order (1, 2,
      … within the stratum and role: the invitation order of the main sample, the replacement
      order of the reserve). Sorted by stratum, role (main first), order.
    - `strata`: the stratum columns, population (N), target (the rule's n before the cap),
      drawn (min(target, N)), reserve. Sorted by stratum.
    - `seed`, `design`, `frame_hash` (sha256 of the sorted frame, see `frame_hash`).
    """

    sample: pl.DataFrame
    strata: pl.DataFrame
    seed: int
    design: SampleDesign
    frame_hash: str


def _check_frame(frame: pl.DataFrame, design: SampleDesign) -> None:
    required = [PERSON, *design.strata, CONTACT]
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks column(s) {missing}; it needs {required}")
    for column in required:
        nulls = frame[column].null_count()
        if nulls:
            raise ValueError(f"frame column {column!r} has {nulls} empty value(s)")
    duplicated = frame.filter(frame[PERSON].is_duplicated())[PERSON].unique().sort()
    if len(duplicated):
        shown = duplicated.head(5).to_list()
        raise ValueError(f"frame column 'person' repeats id(s) {shown}: one row per person")


def _sorted_frame(frame: pl.DataFrame, design: SampleDesign) -> pl.DataFrame:
    """The frame's used columns, sorted by stratum then person: the canonical order."""
    return frame.select(PERSON, *design.strata, CONTACT).sort([*design.strata, PERSON])


def frame_hash(frame: pl.DataFrame, design: SampleDesign) -> str:
    """sha256 of the frame as drawn from: the person, stratum and contact columns, sorted.

    Each column is hashed as its name, dtype and values as strings (JSON), so the hash does
    not depend on the upload's row order or extra columns, but changes with any person, stratum
    or contact value.
    """
    _check_frame(frame, design)
    canonical = _sorted_frame(frame, design)
    digest = hashlib.sha256()
    for column in canonical.columns:
        values = canonical[column].cast(pl.String).to_list()
        header = [column, str(canonical[column].dtype)]
        digest.update(json.dumps([header, values], ensure_ascii=False).encode())
    return digest.hexdigest()


def _stratum_rng(seed: int, key: tuple[object, ...]) -> np.random.Generator:
    """The stratum's own generator: the seed, spawned by a hash of the stratum's key values.

    Using the key (not the stratum's position) is what keeps other strata's draws unchanged
    when a stratum is added. The key is hashed as JSON of its values as strings, the same
    for a unit code whatever the column dtype; the 256 bits become eight 32-bit words.
    """
    text = json.dumps([str(value) for value in key], ensure_ascii=False)
    digest = hashlib.sha256(text.encode()).digest()
    words = tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 32, 4))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=words))


def draw_sample(frame: pl.DataFrame, design: SampleDesign, *, seed: int) -> Sample:
    """Draw a stratified simple random sample without replacement, with reserve lists.

    Raises `ValueError` for a missing column, an empty person/stratum/contact value, a person
    listed twice, or a negative seed.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be an integer ≥ 0, got {seed!r}")
    _check_frame(frame, design)
    canonical = _sorted_frame(frame, design)
    keys = list(design.strata)

    pieces: list[pl.DataFrame] = []
    rows: list[tuple[object, ...]] = []
    for key, people in canonical.group_by(keys, maintain_order=True):
        population = people.height
        target = design.target(population)
        drawn = min(target, population)
        reserve = design.reserve_size(drawn, population - drawn)
        # One permutation of the stratum: main = first `drawn`, reserve = the next `reserve`.
        order = _stratum_rng(seed, key).permutation(population)[: drawn + reserve]
        chosen = people[order]
        roles = np.where(np.arange(drawn + reserve) < drawn, MAIN, RESERVE)
        ranks = np.concatenate([np.arange(1, drawn + 1), np.arange(1, reserve + 1)])
        pieces.append(
            chosen.with_columns(
                pl.Series("role", roles, dtype=pl.String),
                pl.Series("order", ranks, dtype=pl.Int64),
            )
        )
        rows.append((*key, population, target, drawn, reserve))

    schema = {column: canonical.schema[column] for column in keys}
    counts = {name: pl.Int64 for name in ("population", "target", "drawn", "reserve")}
    strata = pl.DataFrame(rows, schema={**schema, **counts}, orient="row")
    empty = canonical.clear().with_columns(
        pl.lit(None, pl.String).alias("role"), pl.lit(None, pl.Int64).alias("order")
    )
    sample = pl.concat(pieces) if pieces else empty
    return Sample(
        sample=sample.select(PERSON, *keys, CONTACT, "role", "order"),
        strata=strata,
        seed=seed,
        design=design,
        frame_hash=frame_hash(frame, design),
    )


def inclusion_probabilities(sample: Sample) -> pl.DataFrame:
    """Per stratum: population, drawn and the inclusion probability drawn / N of the main
    sample (a simple random sample of n out of N includes each person with probability n/N).
    Reserve people are not included by design, only used as replacements."""
    strata = sample.strata
    return strata.select(
        *sample.design.strata,
        "population",
        "drawn",
        (pl.col("drawn") / pl.col("population")).alias("probability"),
    )


def design_weights(sample: Sample) -> pl.DataFrame:
    """Per main-sample person: person, the stratum columns and the design weight N / n (the
    inverse inclusion probability). The weights of a stratum sum to its population.

    These are the weights of the sample as drawn; adjusting for nonresponse and replacements
    (and raking to dossier counts) is left to the estimation step.
    """
    keys = list(sample.design.strata)
    weights = sample.strata.select(*keys, (pl.col("population") / pl.col("drawn")).alias("weight"))
    main = sample.sample.filter(pl.col("role") == MAIN).select(PERSON, *keys)
    return main.join(weights, on=keys, how="left", nulls_equal=True, maintain_order="left")


def fieldwork_summary(sample: Sample, outcomes: pl.DataFrame) -> pl.DataFrame:
    """Fieldwork per stratum from each person's latest status.

    `outcomes` has `person` and `outcome` (one of `OUTCOMES`), at most one row per person, for
    people of the sample (main or reserve). Sample people without a row are not yet invited.

    Returns the stratum columns and: invited (people with any status — each status implies an
    invitation attempt), answered, refused, unreachable, replaced, pending (status "invited":
    not settled yet), reserve_used (reserve people invited), and response_rate = answered /
    invited (null where nobody was invited). Replaced people stay in the denominator: they were
    invited and did not answer.

    Raises `ValueError` naming the column or value for a missing column, an empty or unknown
    outcome, a person listed twice or a person not in the sample.
    """
    keys = list(sample.design.strata)
    for column in (PERSON, "outcome"):
        if column not in outcomes.columns:
            raise ValueError(f"outcomes lacks column {column!r}; it needs ['person', 'outcome']")
    for column in (PERSON, "outcome"):
        nulls = outcomes[column].null_count()
        if nulls:
            raise ValueError(f"outcomes column {column!r} has {nulls} empty value(s)")
    values = outcomes["outcome"].cast(pl.String)
    unknown = values.filter(~values.is_in(OUTCOMES)).unique().sort().to_list()
    if unknown:
        raise ValueError(
            f"outcomes column 'outcome' has unknown value(s) {unknown}; "
            f"expected one of {list(OUTCOMES)}"
        )
    repeated = outcomes.filter(outcomes[PERSON].is_duplicated())[PERSON].unique().sort()
    if len(repeated):
        raise ValueError(
            f"outcomes column 'person' repeats id(s) {repeated.head(5).to_list()}: "
            "give each person's latest status once"
        )
    people = sample.sample.select(PERSON, *keys, "role")
    given = outcomes.select(PERSON, pl.col("outcome").cast(pl.String))
    try:
        joined = given.join(people, on=PERSON, how="left")
    except pl.exceptions.PolarsError as error:  # e.g. string ids against integer ids
        raise ValueError(
            f"outcomes column 'person' does not match the sample's ids: {error}"
        ) from error
    strangers = joined.filter(pl.col("role").is_null())[PERSON].head(5).to_list()
    if strangers:
        raise ValueError(f"outcomes column 'person' has id(s) not in the sample: {strangers}")

    tallies = joined.group_by(keys).agg(
        pl.len().alias("invited"),
        *[(pl.col("outcome") == name).sum().alias(name) for name in OUTCOMES[1:]],
        (pl.col("outcome") == "invited").sum().alias("pending"),
        (pl.col("role") == RESERVE).sum().alias("reserve_used"),
    )
    counts = ["invited", *OUTCOMES[1:], "pending", "reserve_used"]
    summary = (
        sample.strata.select(keys)
        .join(tallies, on=keys, how="left", nulls_equal=True, maintain_order="left")
        .with_columns(pl.col(counts).fill_null(0).cast(pl.Int64))
    )
    return summary.with_columns(
        pl.when(pl.col("invited") > 0)
        .then(pl.col("answered") / pl.col("invited"))
        .otherwise(None)
        .alias("response_rate")
    )
