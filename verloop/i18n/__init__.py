"""One translation catalogue for the whole product, Dutch and English, and the reader's numbers.

``t(key, lang, **fmt)`` is the one lookup, ``check_lang`` the one answer to "which language"
(unknown → Dutch), and ``number`` / ``percent`` / ``money`` / ``month_span`` / ``day_label``
format figures and dates by the locale through Babel. The texts live in one module per area
(:mod:`verloop.i18n.dashboard`, :mod:`~verloop.i18n.survey`, :mod:`~verloop.i18n.sign_in`,
:mod:`~verloop.i18n.privacy`, :mod:`~verloop.i18n.models`), all in the shape ``{key: {"nl": ..., "en": ...}}``. The survey
questionnaires' own wording is data and stays in ``surveys/*.yaml``.

This package imports nothing else of Verloop's, so every layer may use it.
"""

from verloop.i18n.catalogue import CATALOGUE, DEFAULT_LANG, LANGS, check_lang, keys, placeholders, t, unit_word
from verloop.i18n.numbers import day_label, locale_of, money, month_label, month_span, number, percent, span

__all__ = [
    "CATALOGUE",
    "DEFAULT_LANG",
    "LANGS",
    "check_lang",
    "day_label",
    "keys",
    "locale_of",
    "money",
    "month_label",
    "month_span",
    "number",
    "percent",
    "placeholders",
    "span",
    "t",
    "unit_word",
]
