"""The dashboards' words that come from the survey instruments, and table columns in words.

The texts themselves live in the one catalogue, :mod:`verloop.i18n` (``t``, ``check_lang``,
numbers and dates by the locale); they are re-exported here for the dashboard modules. What
stays here needs the instruments, which the catalogue does not import: scale and reason names
come from ``surveys/*.yaml``, so the dashboard and the questionnaire always use the same words,
and ``column_label`` names a table's columns, so a machine name (``aht_s``, ``service_level``,
``note``) never reaches a reader. Suppression notes are the privacy door's own words
(``verloop.privacy.policy``).
"""

from __future__ import annotations

import functools
import re

from verloop.i18n import (
    CATALOGUE,
    DEFAULT_LANG,
    LANGS,
    check_lang,
    day_label,
    keys,
    money,
    month_label,
    month_span,
    number,
    percent,
    span,
    t,
    unit_word,
)

_MACHINE = re.compile(r"^[a-z][a-z0-9_]*$")


def column_label(name, lang: str) -> str:
    """A table column in words: a machine name (``aht_s``, ``voluntary_rate``, a scale key)
    becomes the reader's header; a header a page already worded is kept as it is."""
    name = str(name)
    if f"column.{name}" in CATALOGUE:
        return t(f"column.{name}", lang)
    if not _MACHINE.match(name):
        return name
    if name in CATALOGUE:
        return t(name, lang)
    label = scale_label(name, lang)
    if label != name.replace("_", " "):
        return label
    if name.startswith("score_") and scale_label(name[6:], lang) != name[6:].replace("_", " "):
        return scale_label(name[6:], lang)
    return label[:1].upper() + label[1:]


def all_keys() -> list[str]:
    """The dashboards' own label keys (those without an area prefix)."""
    return [key for key in keys() if "." not in key]


@functools.lru_cache(maxsize=4)
def _instrument(key: str):
    from verloop.surveys import load_instrument

    return load_instrument(key)


def scale_label(scale: str, lang: str) -> str:
    """The scale's name as the pulse questionnaire gives it (falls back to the key)."""
    try:
        return _instrument("pulse").scale(scale).label[check_lang(lang)]
    except Exception:  # an unknown key or a missing instrument file: show the key itself
        return str(scale).replace("_", " ")


def scale_higher_is_better(scale: str) -> bool:
    try:
        return bool(_instrument("pulse").scale(scale).higher_is_better)
    except Exception:
        return True


def reason_label(code: str, lang: str) -> str:
    """A reason-for-leaving code in words, from the exit questionnaire."""
    for instrument in ("exit", "followup"):
        try:
            for reason in _instrument(instrument).reasons:
                if reason.code == code:
                    return reason.label[check_lang(lang)]
        except Exception:
            continue
    return str(code).replace("_", " ")


__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "all_keys",
    "check_lang",
    "column_label",
    "day_label",
    "money",
    "month_label",
    "month_span",
    "number",
    "percent",
    "reason_label",
    "scale_higher_is_better",
    "scale_label",
    "span",
    "t",
    "unit_word",
]
