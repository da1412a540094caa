"""The one translation catalogue: every key in both languages with the same placeholders, one
lookup, one answer to "which language", and no table of its own left in the apps."""

from __future__ import annotations

import datetime as dt
import re
import types
from pathlib import Path

import pytest

from verloop.i18n import CATALOGUE, LANGS, check_lang, keys, placeholders, t, unit_word
from verloop.i18n import catalogue as catalogue_module
from verloop.i18n.numbers import day_label, locale_of, money, month_span, number, percent

ROOT = Path(__file__).resolve().parents[2] / "verloop"


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_key_has_both_languages_with_the_same_placeholders(key):
    texts = CATALOGUE[key]
    assert set(texts) == set(LANGS), key
    assert all(isinstance(texts[lang], str) and texts[lang].strip() for lang in LANGS), key
    assert placeholders(texts["nl"]) == placeholders(texts["en"]), key
    if key.startswith("unit_"):  # 'one|many' in both languages
        assert all(texts[lang].count("|") == 1 for lang in LANGS), key


def test_placeholders_reads_names_and_format_specs():
    assert placeholders("{n:.0f} van {total}") == {("n", ".0f"), ("total", "")}
    assert placeholders("geen {{accolades}}") == set()


def test_a_key_in_two_areas_stops_the_import():
    one = types.SimpleNamespace(__name__="one", TEXTS={"x.a": {"nl": "a", "en": "a"}})
    two = types.SimpleNamespace(__name__="two", TEXTS={"x.a": {"nl": "b", "en": "b"}})
    with pytest.raises(RuntimeError, match="defined twice"):
        catalogue_module._merge(one, two)
    assert catalogue_module._merge(one) == {"x.a": {"nl": "a", "en": "a"}}


def test_t_formats_in_the_asked_language_and_falls_back_to_dutch():
    assert t("last_n_months", "en", n=6) == "Last 6 months"
    assert t("last_n_months", "nl", n=6) == "Laatste 6 maanden"
    assert t("last_n_months", "de", n=6) == "Laatste 6 maanden"
    assert t("last_n_months", "en") == "Last {n} months"  # unformatted when no values are given
    assert t("no_data", "nl") == "Geen gegevens voor deze selectie."
    assert "remove the age filter" in t("privacy.no_demographic_filter", "en", what="scores", key="age")
    with pytest.raises(KeyError):
        t("no_such_key", "nl")


@pytest.mark.parametrize(
    ("asked", "lang"),
    [("nl", "nl"), ("en", "en"), ("EN", "en"), ("en-GB", "en"), ("en_US", "en"), (" en ", "en"), ("de", "nl")]
    + [("", "nl"), (None, "nl"), (3, "nl"), ("english", "nl")],
)
def test_check_lang_falls_back_to_dutch_for_anything_unknown(asked, lang):
    assert check_lang(asked) == lang


def test_the_privacy_layer_and_the_dashboards_share_one_check_lang():
    from verloop.apps.dashboard import i18n as dashboard_i18n
    from verloop.privacy import policy

    assert policy.check_lang is check_lang and dashboard_i18n.check_lang is check_lang
    assert dashboard_i18n.t is t
    assert policy.Policy(k=5).note(policy.MIN_GROUP, "de") == "minder dan 5 reacties"


def test_areas_and_units():
    assert keys("sign_in") and all(key.startswith("sign_in.") for key in keys("sign_in"))
    assert set(keys()) == set(CATALOGUE)
    assert unit_word("team", 1, "nl") == "team" and unit_word("site", 2, "nl") == "vestigingen"
    assert unit_word("employee", 2, "en") == "employees" and unit_word("no_such_unit", 2, "en") == "groups"


def test_numbers_and_dates_by_the_locale():
    assert locale_of("nl") == "nl_NL" and locale_of("en") == "en_GB" and locale_of("xx") == "nl_NL"
    assert number(1234.5, "nl", 1) == "1.234,5" and number(1234.5, "en", 1) == "1,234.5"
    assert number(10.25, "en", 1) == "10.3"  # half away from zero, as people round
    assert number(float("nan"), "en") == "—" and percent(None, "nl") == "—"
    assert money(162710.4, "nl") == "€ 162.710"
    assert month_span(dt.date(2025, 11, 1), dt.date(2026, 10, 31), "nl") == "nov 2025 – okt 2026"
    assert day_label(dt.date(2026, 10, 31), "en") == "31 Oct 2026"


_LITERAL_KEY = re.compile(r"""\bt\(\s*f?(["'])([A-Za-z0-9_.]+)(\{|\1\s*\+|\1)""")


def _sources():
    return [path for path in ROOT.rglob("*.py") if "i18n" not in path.parts]


def test_every_key_the_code_asks_for_exists():
    """A key written in the code (``t("survey.next", …)``) is in the catalogue; for a key built
    at run time (``t(f"page_{key}", …)``, ``t("page_" + key, …)``) at least one key starts with its fixed part."""
    asked = []
    for path in _sources():
        for match in _LITERAL_KEY.finditer(path.read_text(encoding="utf-8")):
            key, built = match.group(2), match.group(3)[-1] in "{+"
            asked.append(key)
            if built:
                assert any(k.startswith(key) for k in CATALOGUE), (path, key)
            else:
                assert key in CATALOGUE, (path, key)
    assert len(asked) > 100  # the scan sees the apps' calls


def test_no_translation_table_is_left_outside_the_catalogue():
    """The apps, the accounts and the privacy door's words keep no texts of their own in Dutch
    and English: a ``"nl": …`` entry or an ``if lang == "nl"`` branch there is a second
    catalogue."""
    privacy = ROOT / "privacy"
    places = [ROOT / "apps", ROOT / "accounts", privacy / "policy.py", privacy / "scope.py", privacy / "planning.py"]
    files = [p for place in places for p in ([place] if place.is_file() else place.rglob("*.py"))]
    found = [
        f"{path.relative_to(ROOT)}:{i}"
        for path in files
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"""["'](nl|en)["']\s*:|lang(uage)? [!=]= ["']""", line)
    ]
    assert files and not found, found
