"""The criteria tree and the method that holds it: small frozen values.

A `Method` is built from a validated method file by `chiso.engine.load.build_method`; nothing here
reads files. Every choice a province makes (bands, tie rule, rounding, missing inputs) is a named
field with no default, so that no methodology hides in code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

SOURCES = ("appraisal", "survey", "sipas", "data")
"""Where a leaf's score comes from: self-assessment then appraisal; the sociological survey;
the SIPAS result; a rate computed from records (still shown to the appraiser)."""

MissingInput = Literal["zero", "exclude", "unrank"]
TieRule = Literal["shared", "dense", "secondary"]
Rounding = Literal["half_up", "half_even"]
BandCompare = Literal["full_precision", "displayed"]


@dataclass(frozen=True)
class Rule:
    """A leaf's scoring rule: a kind from the registry and its parameters."""

    kind: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Criterion:
    """A node of the criteria tree (field, criterion, sub-criterion …)."""

    code: str
    title: str
    max: float
    title_en: str = ""
    children: tuple[Criterion, ...] = ()
    rule: Rule | None = None
    source: str | None = None
    guidance: str = ""

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def walk(self) -> Iterator[Criterion]:
        yield self
        for child in self.children:
            yield from child.walk()

    def leaves(self) -> Iterator[Criterion]:
        return (node for node in self.walk() if node.is_leaf)


@dataclass(frozen=True)
class Block:
    code: str
    title: str
    title_en: str = ""


@dataclass(frozen=True)
class Component:
    """A part of the total fed by some sources, e.g. appraisal 80 and survey 20."""

    code: str
    title: str
    sources: tuple[str, ...]
    points: float
    missing_input: MissingInput
    title_en: str = ""
    short_title: str = ""


@dataclass(frozen=True)
class Adjustment:
    """Bonus or penalty: items scored like leaves, their sum capped."""

    cap: float
    items: tuple[Criterion, ...]


@dataclass(frozen=True)
class Exemption:
    criteria: tuple[str, ...]
    units: tuple[str, ...]
    unit_kinds: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Bound:
    value: float
    inclusive: bool


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    label_en: str
    lower: Bound | None
    upper: Bound | None
    size: int | None = None  # for rank groups: how many units the group takes


@dataclass(frozen=True)
class Banding:
    """How units are classed: by index bounds, by rank groups, by quantiles, or not at all."""

    kind: Literal["bands", "rank_groups", "quantiles", "none"]
    bands: tuple[Band, ...]
    compare: BandCompare


@dataclass(frozen=True)
class Ranking:
    ties: TieRule
    secondary: tuple[str, ...]


@dataclass(frozen=True)
class Display:
    points_decimals: int
    index_decimals: int
    rounding: Rounding


@dataclass(frozen=True)
class LegalBasis:
    decision: str
    date: str
    issuer: str = ""
    note: str = ""


@dataclass(frozen=True)
class Method:
    """A province's criteria set for one year and level, with every rule it publishes by."""

    id: str
    title: str
    jurisdiction: str
    level: str
    year: int
    language: str
    status: str
    legal_basis: LegalBasis
    blocks: tuple[Block, ...]
    components: tuple[Component, ...]
    criteria: tuple[Criterion, ...]
    bonus: Adjustment | None
    penalty: Adjustment | None
    exemptions: tuple[Exemption, ...]
    banding: Banding
    ranking: Ranking
    display: Display
    missing_input: MissingInput
    hash: str
    title_en: str = ""
    notes: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @cached_property
    def leaves(self) -> tuple[Criterion, ...]:
        return tuple(leaf for field_ in self.criteria for leaf in field_.leaves())

    @cached_property
    def nodes(self) -> Mapping[str, Criterion]:
        return {node.code: node for field_ in self.criteria for node in field_.walk()}

    @cached_property
    def field_of(self) -> Mapping[str, str]:
        """Leaf code → the code of the top-level field it belongs to."""
        return {leaf.code: f.code for f in self.criteria for leaf in f.leaves()}

    @cached_property
    def component_of_source(self) -> Mapping[str, Component]:
        return {source: c for c in self.components for source in c.sources}

    def component_of(self, leaf: Criterion) -> Component:
        assert leaf.source is not None
        return self.component_of_source[leaf.source]

    def block(self, code: str) -> Block | None:
        return next((b for b in self.blocks if b.code == code), None)

    @property
    def total_max(self) -> float:
        return sum(leaf.max for leaf in self.leaves)
