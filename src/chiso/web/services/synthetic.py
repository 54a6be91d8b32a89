"""The synthetic province of the demo: chiso's generator, labelled with the Thái Nguyên example's
units so that the dashboards show the province's own departments and communes and the measured
rates can fill the PAR leaves of the units being evaluated.

Only the labels change — unit codes and names, and the unit prefix of dossier codes. Every record
is still the generator's, the store's manifest and README still say the data are synthetic, and
`meta["labels"]` says where the names come from. Generator departments are matched to the
example's departments by name (exactly, or through `ALIASES`), the rest in order; communes take
the example's 2025 communes in order; a unit left without a label keeps its synthetic code.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import polars as pl

from chiso.demo import examples_dir
from chiso.engine.calendar import WorkingCalendar
from chiso.engine.service_synthetic import PROVINCE, SyntheticSpec
from chiso.engine.service_synthetic_dossiers import DossierBlock
from chiso.engine.service_synthetic_feedback import SyntheticData, generate

PROVINCE_CODE: Final = "TN"
PROVINCE_NAME: Final = "UBND tỉnh Thái Nguyên"
# Generator department → the example's department with another name for the same field.
ALIASES: Final = {
    "Sở Nông nghiệp và Môi trường": "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Dân tộc và Tôn giáo": "Ban Dân tộc",
}
LABELS_NOTE: Final = (
    "Tên và mã đơn vị lấy từ ví dụ Thái Nguyên (examples/thai-nguyen); hồ sơ vẫn là dữ liệu "
    "tổng hợp. Unit names and codes from the Thái Nguyên example; the records are synthetic."
)


@dataclasses.dataclass(frozen=True)
class DemoSpec:
    """The demo province: `communes` communes beside the generator's departments (at most 15),
    `dossiers` received in each year from `first_year` (None: `year` alone) to `year`, from
    `seed`."""

    dossiers: int = 20_000
    year: int = 2025
    seed: int = 766
    communes: int = 58
    first_year: int | None = None

    @property
    def years(self) -> tuple[int, ...]:
        return self.synthetic().years

    def synthetic(self) -> SyntheticSpec:
        # The generator makes round(units × 0.2) departments, at most 15: 15 + 58 gives 15.
        return SyntheticSpec(
            15 + self.communes, self.dossiers, self.year, self.seed, self.first_year
        )


def example_units(
    folder: Path | None = None,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(code, name) of the example's departments (2024 list) and communes (2025 list)."""
    folder = folder or examples_dir() / "thai-nguyen"
    departments = [
        (r["unit"], r["name"])
        for r in _rows(folder / "units-2024.csv")
        if r["kind"] == "department"
    ]
    communes = [(r["unit"], r["name"]) for r in _rows(folder / "units-2025-xa.csv")]
    return departments, communes


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def demo_data(spec: DemoSpec, calendar: WorkingCalendar) -> SyntheticData:
    """The generator's data for `spec`, relabelled with the example's units."""
    data = generate(spec.synthetic(), calendar)
    labels = unit_labels(data.province.units, *example_units())
    return relabel(data, labels)


def unit_labels(
    units: pl.DataFrame,
    departments: list[tuple[str, str]],
    communes: list[tuple[str, str]],
) -> dict[str, tuple[str, str]]:
    """Generated unit code → (new code, new name)."""
    labels = {PROVINCE: (PROVINCE_CODE, PROVINCE_NAME)}
    by_name = {name: (code, name) for code, name in departments}
    generated = units.filter(pl.col("level") == "department").select("unit_code", "name").rows()
    left: list[str] = []
    for code, name in generated:
        match = by_name.pop(ALIASES.get(name, name), None)
        if match is None:
            left.append(code)
        else:
            labels[code] = match
    labels.update(zip(left, by_name.values(), strict=False))
    commune_codes = units.filter(pl.col("level") == "commune")["unit_code"].to_list()
    labels.update(zip(commune_codes, communes, strict=False))
    return labels


def relabel(data: SyntheticData, labels: dict[str, tuple[str, str]]) -> SyntheticData:
    codes = {old: new for old, (new, _) in labels.items()}
    names = {old: name for old, (_, name) in labels.items()}
    province = data.province
    units = province.units.with_columns(
        pl.col("unit_code").replace_strict(names, default=pl.col("name")).alias("name"),
        _code("unit_code", codes),
        _code("parent_code", codes),
    )
    relabelled = dataclasses.replace(
        province,
        units=units,
        unit_procedures=province.unit_procedures.with_columns(_code("unit_code", codes)),
        profiles=province.profiles.with_columns(_code("unit_code", codes)),
    )
    meta = {**data.meta, "labels": LABELS_NOTE}
    feedback = data.feedback
    if not feedback.is_empty():  # an empty frame's columns may be untyped: nothing to relabel
        feedback = feedback.with_columns(_code("unit_code", codes))
    return SyntheticData(relabelled, _blocks(data.blocks, codes), feedback, meta)


def _code(column: str, codes: dict[str, str]) -> pl.Expr:
    return pl.col(column).replace(codes)


def _dossier_id(column: str, codes: dict[str, str]) -> pl.Expr:
    """Dossier codes start with their unit's code: ``H99.S04-20250106-00000002``."""
    head = pl.col(column).str.splitn("-", 2)
    return (head.struct.field("field_0").replace(codes) + "-" + head.struct.field("field_1")).alias(
        column
    )


def _blocks(blocks: Iterator[DossierBlock], codes: dict[str, str]) -> Iterator[DossierBlock]:
    for block in blocks:
        yield DossierBlock(
            block.dossiers.with_columns(
                _code("unit_code", codes), _dossier_id("dossier_id", codes)
            ),
            block.events.with_columns(_dossier_id("dossier_id", codes)),
        )
