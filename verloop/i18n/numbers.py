"""Numbers, money and dates the way the reader writes them, through Babel, in one place.

nl: 1.234,5 · € 162.710 · 31 okt 2026; en: 1,234.5 · € 162,710 · 31 Oct 2026. A missing or
non-finite value is '—' everywhere. The dashboards' tables, the HR home and the team results
all format through these functions; nothing formats a figure for a reader by hand.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

from verloop.i18n.catalogue import check_lang

LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def locale_of(lang: str | None) -> str:
    """Babel's locale for a language: 'nl' → 'nl_NL', 'en' → 'en_GB' (day-month order, €)."""
    return LOCALES[check_lang(lang)]


def _finite(value) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def number(value, lang: str, digits: int | None = None) -> str:
    """A number the way the reader writes it: nl '1.234,5', en '1,234.5'; '—' when missing.

    ``digits=None`` picks the precision from the size (whole numbers stay whole; otherwise
    0 decimals from 100 on, 1 from 1 on, else 2), which suits mixed columns in a table.
    Halves round away from zero (10.25 → 10.3), as people round by hand, where Python's
    binary floats would give 10.2."""
    from babel.numbers import format_decimal

    value = _finite(value)
    if value is None:
        return "—"
    if digits is None:
        size = abs(value)
        digits = 0 if value == int(value) or size >= 100 else (1 if size >= 1 else 2)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = format_decimal(rounded, format=pattern, locale=locale_of(lang))
    return "0" + text[2:] if text.startswith("-0") and not any(c in "123456789" for c in text) else text


def percent(value, lang: str, digits: int = 0) -> str:
    """A percentage given in percent (12.34 → nl '12,3%', en '12.3%'); '—' when missing."""
    text = number(value, lang, digits)
    return text if text == "—" else f"{text}%"


def span(low, high, lang: str, digits: int = 0, unit: str = "") -> str:
    """An interval 'low–high' in the reader's numbers ('12,1–18,4%'); '—' when either is missing."""
    lo, hi = number(low, lang, digits), number(high, lang, digits)
    return "—" if "—" in (lo, hi) else f"{lo}–{hi}{unit}"


def money(value, lang: str) -> str:
    """Euros without cents: '€ 162.710' in Dutch, '€ 162,710' in English; '—' when missing."""
    text = number(value, lang, 0)
    return text if text == "—" else "€ " + text


def month_label(day: dt.date, lang: str) -> str:
    """'nov 2025' / 'Nov 2025'."""
    from babel.dates import format_date

    return format_date(day, "LLL yyyy", locale=locale_of(lang))


def month_span(start: dt.date | None, end: dt.date | None, lang: str) -> str:
    """The months a period covers: 'Nov 2025 – Oct 2026' (one month: 'Oct 2026')."""
    if start is None or end is None:
        return "—"
    first, last = month_label(start, lang), month_label(end, lang)
    return first if first == last else f"{first} – {last}"


def day_label(day: dt.date, lang: str) -> str:
    """'31 okt 2026' / '31 Oct 2026'."""
    from babel.dates import format_date

    return format_date(day, "d MMM yyyy", locale=locale_of(lang))
