"""Open data: a published year as a Frictionless data package in one zip.

For each block: the ranking, the points per field, per component and per criterion as CSV
tables with table schemas, the whole snapshot as JSON (with the inputs the engine read, so
anyone can recompute it), and the method file it was scored by. `datapackage.json` describes
every file (schema, licence, sources, the method's and inputs' hashes, sha256 and size of each
file); `README.md` is the data dictionary in Vietnamese, generated from the same schemas.

CSV: UTF-8 with a byte-order mark (Excel then reads Vietnamese correctly), comma separated,
CRLF, full precision (a float's shortest exact form), empty for a missing value, `true`/`false`.
Zip members are stamped with the publication time: the same snapshots give the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from chiso.reports import figures
from chiso.reports.layout import PublicationSettings, parse_timestamp
from chiso.reports.open_data_schema import LICENCES, TABLES, Table, dictionary
from chiso.reports.reproducible import zip_members

PROFILE = "data-package"


def write(document: dict[str, Any], settings: PublicationSettings) -> bytes:
    """The data package of a published year as zip bytes."""
    files: list[tuple[str, bytes]] = []
    resources: list[dict[str, Any]] = []
    for block in document["blocks"]:
        for path, data, resource in _block_files(document, block):
            if any(path == done for done, _ in files):
                continue  # a method file shared by several blocks is stored once
            files.append((path, data))
            resources.append({**resource, **_integrity(data)})
    descriptor = package_descriptor(document, settings, resources)
    readme = dictionary(document, settings, descriptor).encode("utf-8")
    members = [("datapackage.json", _json_bytes(descriptor)), ("README.md", readme), *files]
    return zip_members(members, parse_timestamp(document["published_at"]))


def package_descriptor(
    document: dict[str, Any], settings: PublicationSettings, resources: list[dict[str, Any]]
) -> dict[str, Any]:
    year, province = document["year"], document["province"]
    statuses = figures.method_statuses(document)
    description = (
        f"Kết quả Chỉ số cải cách hành chính năm {year} của {settings.authority_name}, "
        "theo từng khối: xếp hạng, điểm theo lĩnh vực, thành phần và tiêu chí, "
        "kèm dữ liệu đầu vào và tệp phương pháp để tính lại."
    )
    if statuses:
        description += " " + " ".join(statuses) + "."
    return {
        "profile": PROFILE,
        "name": f"chiso-{slug(province)}-{year}",
        "title": f"Chỉ số CCHC năm {year} — {settings.authority_name}",
        "description": description,
        "language": "vi",
        "created": document["published_at"],
        "keywords": ["chỉ số cải cách hành chính", "PAR Index", province, str(year)],
        "licenses": [LICENCES.get(settings.licence, {"name": settings.licence})],
        "contributors": [{"title": settings.authority_name, "role": "publisher"}],
        "sources": _sources(document, settings),
        "chiso": {
            "schema": document["schema"],
            "blocks": [_provenance(block) for block in document["blocks"]],
        },
        "resources": resources,
    }


def _sources(document: dict[str, Any], settings: PublicationSettings) -> list[dict[str, str]]:
    sources = [
        {
            "title": f"Quyết định số {settings.decision} của {settings.authority_name} "
            f"công bố Chỉ số CCHC năm {document['year']}",
        }
    ]
    seen = set()
    for block in document["blocks"]:
        method = block["method"]
        if method["id"] not in seen:
            seen.add(method["id"])
            sources.append({"title": method["title"], "path": method_path(method["id"])})
    return sources


def _provenance(block: dict[str, Any]) -> dict[str, Any]:
    method = block["method"]
    return {
        "block": block["block"],
        "block_title": block["block_title"],
        "published_at": block["published_at"],
        "method_id": method["id"],
        "method_status": method["status"],
        "method_hash": method["hash"],
        "inputs_hash": block["inputs_hash"],
        "previous_year": block.get("previous_year"),
    }


# --- one block ----------------------------------------------------------------------------------


def _block_files(
    document: dict[str, Any], block: dict[str, Any]
) -> list[tuple[str, bytes, dict[str, Any]]]:
    year, code = document["year"], slug(block["block"])
    files = []
    for table in TABLES:
        path = f"data/{year}-{code}-{table.suffix}.csv"
        rows = table.rows(document, block)
        files.append((path, csv_bytes(rows, table), _table_resource(table, block, path)))
    snapshot = {k: v for k, v in block.items() if k != "method_yaml"}
    files.append(
        (
            f"json/{year}-{code}.json",
            _json_bytes({"year": year, **snapshot}),
            {
                "name": f"snapshot-{code}",
                "path": f"json/{year}-{code}.json",
                "title": f"{block['block_title']}: toàn bộ kết quả đã công bố (JSON)",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
            },
        )
    )
    method = block["method"]
    files.append(
        (
            method_path(method["id"]),
            block["method_yaml"].encode("utf-8"),
            {
                "name": f"method-{slug(method['id'])}",
                "path": method_path(method["id"]),
                "title": f"Tệp phương pháp (bộ tiêu chí) {method['id']}: {method['title']}",
                "format": "yaml",
                "mediatype": "application/yaml",
                "encoding": "utf-8",
            },
        )
    )
    return files


def _table_resource(table: Table, block: dict[str, Any], path: str) -> dict[str, Any]:
    code = slug(block["block"])
    schema: dict[str, Any] = {
        "fields": [f.descriptor() for f in table.fields],
        "primaryKey": list(table.key),
        "missingValues": [""],
    }
    if table.suffix != "xep-hang":
        schema["foreignKeys"] = [
            {"fields": ["unit"], "reference": {"resource": f"xep-hang-{code}", "fields": ["unit"]}}
        ]
    return {
        "name": f"{table.suffix}-{code}",
        "path": path,
        "title": f"{block['block_title']}: {table.title}",
        "description": table.description,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
        "schema": schema,
    }


# --- bytes --------------------------------------------------------------------------------------


def csv_bytes(rows: Sequence[dict[str, Any]], table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([f.name for f in table.fields])
    for row in rows:
        writer.writerow([csv_cell(row.get(f.name)) for f in table.fields])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_cell(value: Any) -> str:
    """A value as the CSV files write it — the open data and the web pages' .csv twins alike:
    empty for none, true/false, a float's shortest exact form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode()


def _integrity(data: bytes) -> dict[str, Any]:
    return {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}


def method_path(method_id: str) -> str:
    return f"methods/{slug(method_id)}.yaml"


def slug(text: str) -> str:
    """'Thái Nguyên' → 'thai-nguyen' (a Frictionless name: lower-case ASCII, digits, '-')."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9.]+", "-", ascii_text.lower()).strip("-") or "x"
