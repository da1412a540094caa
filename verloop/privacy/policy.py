"""The organisation's privacy policy as the door applies it: k, the comment threshold, and words.

The numbers come from ``verloop.store.settings`` (k = minimum reporting group, default 5, never
below 3, locked once a wave opens, every change logged there); this module only reads them and
says, in Dutch or English, why a figure is not shown. A hidden figure always carries one of
these notes: never a blank cell without a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from verloop.errors import ConfigError

LANGS = ("en", "nl")

# Why a row carries no figures. "" means shown.
SHOWN = ""
NO_RESPONSES = "no_responses"  # nobody answered: nothing to hide, nothing to show
MIN_GROUP = "min_group"  # primary suppression: fewer than k
COMPLEMENT = "complement"  # complementary suppression: would reveal a smaller group by subtraction
TREND = "trend"  # fewer than k people changed since an earlier wave of the same group
OPEN_WAVE = "open_wave"  # results only once a wave has closed
FEW_LEAVERS = "few_leavers"  # a filtered turnover figure with 1..k-1 leavers
NO_COMMENTS = "no_comments"  # a shown group in which nobody wrote a comment
REASONS = (SHOWN, NO_RESPONSES, MIN_GROUP, COMPLEMENT, TREND, OPEN_WAVE, FEW_LEAVERS, NO_COMMENTS)

_NOTES = {
    # reason: {unit: (en, nl)}
    MIN_GROUP: {
        "responses": ("fewer than {k} responses", "minder dan {k} reacties"),
        "employees": ("fewer than {k} employees", "minder dan {k} medewerkers"),
        "comments": (
            "fewer than {k} responses: comments are not shown",
            "minder dan {k} reacties: opmerkingen worden niet getoond",
        ),
    },
    COMPLEMENT: {
        "responses": (
            "hidden so that a smaller group cannot be worked out by subtraction",
            "verborgen zodat een kleinere groep niet door aftrekken te achterhalen is",
        ),
    },
    TREND: {
        "responses": (
            "hidden: fewer than {k} people changed since an earlier wave of this group",
            "verborgen: sinds een eerdere meting van deze groep zijn minder dan {k} mensen gewisseld",
        ),
    },
    NO_RESPONSES: {
        "responses": ("no responses", "geen reacties"),
        "employees": ("no employees", "geen medewerkers"),
        "comments": ("no responses", "geen reacties"),
    },
    OPEN_WAVE: {
        "responses": (
            "results appear when the wave has closed",
            "resultaten verschijnen als de meting is gesloten",
        ),
    },
    FEW_LEAVERS: {
        "employees": ("fewer than {k} leavers", "minder dan {k} vertrekkers"),
    },
    NO_COMMENTS: {
        "comments": ("no comments", "geen opmerkingen"),
    },
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ConfigError(f"language '{lang}' is not available; use one of {', '.join(LANGS)}.")
    return lang


@dataclass(frozen=True)
class Policy:
    """Minimum group sizes. ``k`` for every figure, ``comment_k`` (≥ k) for free text."""

    k: int = 5
    comment_k: int = 10

    def __post_init__(self):
        if not isinstance(self.k, int) or self.k < 3:
            raise ConfigError("the minimum group size k must be a whole number of at least 3.")
        if not isinstance(self.comment_k, int) or self.comment_k < self.k:
            raise ConfigError("the comment threshold must be a whole number of at least k.")

    @classmethod
    def from_store(cls, store) -> Policy:
        """The organisation's settings (created with the defaults when missing)."""
        from verloop.store.settings import get_settings

        with store.session() as s:
            settings = get_settings(s)
            return cls(k=int(settings.min_group_size), comment_k=int(settings.comment_min_group_size))

    def note(self, reason: str, lang: str = "en", unit: str = "responses") -> str:
        """The sentence shown instead of a figure, e.g. 'fewer than 5 responses'."""
        if reason == SHOWN:
            return ""
        by_unit = _NOTES[reason]
        en, nl = by_unit.get(unit) or by_unit.get("responses") or next(iter(by_unit.values()))
        k = self.comment_k if unit == "comments" else self.k
        return (nl if check_lang(lang) == "nl" else en).format(k=k)


__all__ = [
    "COMPLEMENT",
    "FEW_LEAVERS",
    "LANGS",
    "MIN_GROUP",
    "NO_COMMENTS",
    "NO_RESPONSES",
    "OPEN_WAVE",
    "Policy",
    "REASONS",
    "SHOWN",
    "TREND",
    "check_lang",
]
