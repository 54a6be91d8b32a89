"""The `.json` and `.csv` twins of a page, one writer for every app (public site, SIPAS,
service quality), so that they follow docs/public-data.md ("Stability") alike: JSON in UTF-8
without a byte-order mark; CSV in UTF-8 with one (so Excel reads Vietnamese), CRLF, English
column names; both open to other sites."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse

from chiso.reports.open_data import csv_cell


def json_response(document: Any) -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)
    response = HttpResponse(body + "\n", content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def csv_response(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], filename: str, *, public: bool = True
) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if public:
        response["Access-Control-Allow-Origin"] = "*"
    return response
