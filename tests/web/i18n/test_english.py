"""English interface: the catalogue is complete and compiled, and pages render in English.

The interface's source language is Vietnamese; `src/chiso/web/locale/en/LC_MESSAGES/django.po`
holds the English translation and `django.mo` its compiled form, committed because an install
has no gettext tools (`make messages` re-extracts and compiles). In the page checks, Vietnamese
is allowed only where it is data: unit names, block titles, band labels, method titles.
"""

from __future__ import annotations

import gettext
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest
from django.test import Client

from chiso.web.evaluations.selectors import block_titles

pytestmark = pytest.mark.db

LOCALE = Path(__file__).resolve().parents[3] / "src" / "chiso" / "web" / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_]+\))?[sd]|%%")


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def main_text(response: Any) -> str:
    """The visible text of the page's <main>, tags removed, entities decoded."""
    assert response.status_code == 200
    page = response.content.decode()
    found = re.search(r"<main\b.*?</main>", page, re.S)
    assert found, "the page has no <main>"
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", found.group(0), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON document: the data a public page shows."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def vietnamese_left(text: str, data: list[str]) -> list[str]:
    """The words with a Vietnamese-only letter (ă, đ, ơ, ư, ế, ộ, ữ …) once `data` is removed."""
    for value in sorted(data, key=len, reverse=True):
        if value:
            text = text.replace(value, " ")
    return sorted({w for w in text.split() if any(c.isalpha() and ord(c) > 0xFF for c in w)})


# --- pages --------------------------------------------------------------------------------------


def test_the_login_page_is_in_english(client: Client) -> None:
    response = english(client).get("/tai-khoan/dang-nhap/")
    assert response["Content-Language"] == "en"
    page = response.content.decode()
    assert '<html lang="en">' in page
    text = main_text(response)
    for phrase in ("Sign in", "Username", "Password", "locked for 15 minutes"):
        assert phrase in text
    assert vietnamese_left(text, []) == []


def test_the_public_home_page_is_in_english(client: Client, two_years: Any) -> None:
    english(client)
    text = main_text(client.get("/"))
    assert "Administrative Reform Index (PAR Index) 2024" in text
    assert "19 units evaluated" in text and "units in band" in text
    assert "Block leaders:" in text and "Most improved since 2023:" in text
    assert "Published results" in text and "Open data:" in text
    data = list(strings(json.loads(client.get("/index.json").content)))
    assert vietnamese_left(text, data) == []


def test_the_public_ranking_and_unit_pages_are_in_english(client: Client, two_years: Any) -> None:
    english(client)
    data = list(strings(json.loads(client.get("/2024/so.json").content)))
    text = main_text(client.get("/2024/so/"))
    assert "Ranking of" in text and "Total points" in text and "Rank range:" in text
    assert vietnamese_left(text, data) == []

    data = list(strings(json.loads(client.get("/2024/so/TN.SCT.json").content)))
    text = main_text(client.get("/2024/so/TN.SCT/"))
    assert "Points by area" in text and "Over the years" in text
    assert "Criteria with the most points lost" in text
    assert vietnamese_left(text, data) == []


def test_staff_pages_are_in_english(
    client: Client, period: Any, officer: Any, admin_user: Any, units: dict[str, Any]
) -> None:
    data = [u.name for u in units.values()] + [period.title]
    english(client).force_login(officer)
    text = main_text(client.get("/quan-ly/"))
    assert "Your tasks" in text and "Open the self-assessment" in text
    assert "Self-assessment in progress" in text  # a model choice label, from Python
    assert vietnamese_left(text, data) == []

    client.force_login(admin_user)
    data += [m.title for m in period.methods.all()]  # the method file's own title is data
    data += block_titles(period).values()  # and so are the names it gives its blocks
    text = main_text(client.get("/quan-ly/ky-danh-gia/"))
    assert "Manage the evaluation period" in text and "Move to: Appraisal, round 1" in text
    assert vietnamese_left(text, data) == []


def test_vietnamese_stays_the_default(client: Client) -> None:
    text = main_text(client.get("/tai-khoan/dang-nhap/"))
    assert "Đăng nhập" in text and "Mật khẩu" in text


# --- the catalogue ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def test_every_entry_is_translated_and_none_is_fuzzy_or_obsolete(catalogue: polib.POFile) -> None:
    assert catalogue.metadata["Language"] == "en"
    assert not catalogue.metadata_is_fuzzy
    assert len(catalogue) > 300
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert catalogue.obsolete_entries() == []
    for entry in catalogue:
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        assert all(form.strip() for form in forms), entry.msgid
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == [0, 1], entry.msgid


def test_translations_keep_every_placeholder(catalogue: polib.POFile) -> None:
    for entry in catalogue:
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            found = sorted(PLACEHOLDER.findall(form))
            assert found == wanted, f"{entry.msgid!r} → {form!r}"


def test_the_compiled_catalogue_matches_the_po_file(
    catalogue: polib.POFile, tmp_path: Path
) -> None:
    fresh = tmp_path / "django.mo"
    catalogue.save_as_mofile(str(fresh))

    def messages(path: Path) -> dict[Any, str]:
        """The translations, without the header (msgfmt leaves out POT-Creation-Date)."""
        with path.open("rb") as f:
            found = dict(gettext.GNUTranslations(f)._catalog)  # type: ignore[attr-defined]
        assert "Language: en" in found.pop("")
        return found

    committed = messages(MO)
    assert committed == messages(fresh), "django.mo is stale: run `make messages`"
    assert committed["Chỉ số cải cách hành chính"] == "Administrative Reform Index (PAR Index)"


def test_band_labels_follow_the_interface_language(client: Client, two_years: Any) -> None:
    english(client)
    text = main_text(client.get("/2024/so/"))
    assert "Excellent" in text and "Xuất sắc" not in text
    assert "Excellent" in main_text(client.get("/"))
    data = json.loads(client.get("/2024/so.json").content)
    assert "Xuất sắc" in {row["band_label"] for row in data["units"]}  # data stays as published


def test_the_cached_ranking_is_kept_per_language(client: Client, two_years: Any) -> None:
    vietnamese = main_text(client.get("/2024/so/"))
    english(client)
    assert "Xuất sắc" in vietnamese and "Excellent" in main_text(client.get("/2024/so/"))
