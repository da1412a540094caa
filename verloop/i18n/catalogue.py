"""The catalogue: every text a reader sees, in Dutch and English, and the one way to look it up.

One shape for every area: ``{key: {"nl": ..., "en": ...}}``, written in the area's module
(``dashboard``, ``survey``, ``sign_in``, ``privacy``, ``models``) and merged here into :data:`CATALOGUE`; a
key defined in two areas stops the import. Keys carry their area as a prefix (``survey.next``,
``results.title``, ``sign_in.title``, ``privacy.min_group.responses``, ``column.aht_s``,
``drivers.clear``, ``actions.refused``, ``model.unit.point``), except the HR dashboards' own labels, the first and
largest area, whose keys have none (``page_turnover``, ``no_data``). Placeholders are
``str.format`` fields and must be the same in both languages (``tests/i18n`` checks that).

Why a dictionary and not gettext ``.po`` files: two languages, ~400 short texts, written by the
people who write the code; a test that every key has both languages and the same placeholders
gives what gettext's tooling would (no missing or broken translation ships), without a compile
step or ``.mo`` files in the wheel.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from types import MappingProxyType

from verloop.i18n import dashboard, models, privacy, sign_in, survey

LANGS: tuple[str, ...] = ("nl", "en")
DEFAULT_LANG = "nl"


def _merge(*areas) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for area in areas:
        for key, texts in area.TEXTS.items():
            if key in merged:
                raise RuntimeError(f"the translation key {key!r} is defined twice ({area.__name__}).")
            merged[key] = texts
    return merged


CATALOGUE: Mapping[str, Mapping[str, str]] = MappingProxyType(_merge(dashboard, survey, sign_in, privacy, models))


def check_lang(lang: str | None) -> str:
    """The language to use for ``lang``: 'nl' or 'en'; anything else is Dutch, never an error.

    One behaviour for every caller. Most languages come from a reader: ``?lang=`` in an address,
    a browser's ``Accept-Language`` ('en-GB,en;q=0.9'), a toggle. A reader who edits the
    address to ``?lang=de`` must get the page in Dutch (the organisation's language), not an
    error page, and the same function cannot tell a request from a programmer's call. The
    language only chooses words, never which figures are shown or hidden, so a wrong code in
    code costs Dutch words, which the tests that read English texts catch. Case and a region
    are ignored ('EN', 'en-GB', 'en_US' → 'en').
    """
    if not isinstance(lang, str):
        return DEFAULT_LANG
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGS else DEFAULT_LANG


def t(key: str, lang: str | None, /, **fmt) -> str:
    """The text ``key`` in ``lang`` (see :func:`check_lang`), formatted with ``fmt`` when given.

    An unknown key is a programming error and raises ``KeyError``. Without ``fmt`` the text is
    returned as written, placeholders included (a caller may format it later). ``key`` and
    ``lang`` are positional-only, so a text may have placeholders of those names."""
    text = CATALOGUE[key][check_lang(lang)]
    return text.format(**fmt) if fmt else text


def keys(area: str | None = None) -> list[str]:
    """Every key, or those of one area (``keys("sign_in")`` → ``['sign_in.title', …]``)."""
    if area is None:
        return list(CATALOGUE)
    return [key for key in CATALOGUE if key.startswith(area + ".")]


def placeholders(text: str) -> set[tuple[str, str]]:
    """The ``str.format`` fields of ``text`` as (name, format spec): '{n:.0f} van {total}' →
    {('n', '.0f'), ('total', '')}."""
    return {(name, spec or "") for _, name, spec, _ in string.Formatter().parse(text) if name is not None}


def unit_word(unit: str, n: int, lang: str | None) -> str:
    """'team' / 'teams' (and 'vestiging' / 'vestigingen'...) for a count of ``n``; an unknown
    unit counts groups."""
    key = f"unit_{unit}" if f"unit_{unit}" in CATALOGUE else "unit_group"
    one, many = t(key, lang).split("|")
    return one if n == 1 else many
