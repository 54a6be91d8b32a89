"""The open data package: valid by the frictionless library, complete, reproducible."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from frictionless import Package, validate

from chiso.reports import open_data
from chiso.reports.layout import PublicationSettings
from chiso.reports.open_data_schema import TABLES


@pytest.fixture(scope="module")
def package_bytes(document: dict[str, Any]) -> bytes:
    return open_data.write(document, PublicationSettings(province="Thái Nguyên"))


@pytest.fixture(scope="module")
def package_path(package_bytes: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("open-data") / "du-lieu-mo.zip"
    path.write_bytes(package_bytes)
    return path


def read_csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = archive.read(name).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads Vietnamese names with it
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_package_validates(package_path: Path) -> None:
    report = validate(str(package_path))
    errors = [e.message for task in report.tasks for e in task.errors] + [
        e.message for e in report.errors
    ]
    assert report.valid, errors[:5]
    # Every table resource was read, checked against its schema, keys and hashes.
    assert len(report.tasks) == len(Package(str(package_path)).resources)


def test_descriptor_has_licence_sources_and_hashes(
    package_bytes: bytes, document: dict[str, Any]
) -> None:
    with zipfile.ZipFile(io.BytesIO(package_bytes)) as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
        names = set(archive.namelist())
    assert descriptor["name"] == "chiso-thai-nguyen-2024"
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["sources"][0]["title"].startswith("Quyết định số …/QĐ-UBND")
    assert {s["path"] for s in descriptor["sources"][1:]} <= names
    provenance = descriptor["chiso"]["blocks"]
    assert [p["method_hash"] for p in provenance] == [
        b["method"]["hash"] for b in document["blocks"]
    ]
    assert [p["inputs_hash"] for p in provenance] == [b["inputs_hash"] for b in document["blocks"]]
    for resource in descriptor["resources"]:
        assert resource["path"] in names and resource["hash"].startswith("sha256:")
    expected = {f"{t.suffix}-{b['block']}" for t in TABLES for b in document["blocks"]}
    expected |= {f"snapshot-{b['block']}" for b in document["blocks"]}
    expected |= {f"method-{open_data.slug(b['method']['id'])}" for b in document["blocks"]}
    assert {r["name"] for r in descriptor["resources"]} == expected


def test_tables_hold_every_unit_at_full_precision(
    package_bytes: bytes, document: dict[str, Any]
) -> None:
    with zipfile.ZipFile(io.BytesIO(package_bytes)) as archive:
        for block in document["blocks"]:
            ranking = read_csv(archive, f"data/2024-{block['block']}-xep-hang.csv")
            assert [r["unit"] for r in ranking] == [u["unit"] for u in block["units"]]
            for row, unit in zip(ranking, block["units"], strict=True):
                assert float(row["index"]) == unit["index"]
                assert row["band_label"] == unit["band_label"]
            criteria = read_csv(archive, f"data/2024-{block['block']}-tieu-chi.csv")
            assert len(criteria) == len(block["criteria"])
            snapshot = json.loads(archive.read(f"json/2024-{block['block']}.json"))
            assert snapshot["units"] == block["units"]
            assert snapshot["inputs"] == block["inputs"]
            method = archive.read(open_data.method_path(block["method"]["id"])).decode()
            assert method == block["method_yaml"]


def test_the_dictionary_documents_every_column(package_bytes: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(package_bytes)) as archive:
        readme = archive.read("README.md").decode("utf-8")
    for table in TABLES:
        for field in table.fields:
            assert f"| `{field.name}` | {field.type} |" in readme
    assert "Bộ tiêu chí mô phỏng" in readme


def test_same_snapshot_same_bytes(package_bytes: bytes, document: dict[str, Any]) -> None:
    again = open_data.write(document, PublicationSettings(province="Thái Nguyên"))
    assert again == package_bytes
    with zipfile.ZipFile(io.BytesIO(package_bytes)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2025, 3, 20, 2, 30, 0)}


def test_slugs_are_frictionless_names() -> None:
    assert open_data.slug("Thái Nguyên") == "thai-nguyen"
    assert open_data.slug("Đắk Lắk") == "dak-lak"
    assert open_data.slug("xa_phuong") == "xa-phuong"


def test_a_method_shared_by_two_blocks_is_stored_once(
    document: dict[str, Any], tmp_path: Path
) -> None:
    first = document["blocks"][0]
    shared = {**document, "blocks": [first, {**first, "block": "so-2", "block_title": "Khối 2"}]}
    path = tmp_path / "p.zip"
    path.write_bytes(open_data.write(shared, PublicationSettings(province="Thái Nguyên")))
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert len(names) == len(set(names))
    assert validate(str(path)).valid
