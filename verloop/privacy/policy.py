"""The organisation's privacy policy as the door applies it: k, the comment threshold, and words.

The numbers come from ``verloop.store.settings`` (k = minimum reporting group, default 5, never
below 3, locked once a wave opens, every change logged there); this module only reads them and
says, in Dutch or English, why a figure is not shown (the sentences are in the one catalogue,
``verloop.i18n``, under ``privacy.<reason>.<unit>``). A hidden figure always carries one of
these notes: never a blank cell without a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from verloop.errors import ConfigError
from verloop.i18n import CATALOGUE, LANGS, check_lang, t

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

UNITS = ("responses", "employees", "comments")  # what a hidden figure counts


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
        if reason not in REASONS:
            raise KeyError(reason)
        # the note for this unit, else the one for responses, else the reason's only note
        tried = (f"privacy.{reason}.{unit}", f"privacy.{reason}.responses", *(f"privacy.{reason}.{u}" for u in UNITS))
        key = next(key for key in tried if key in CATALOGUE)
        k = self.comment_k if unit == "comments" else self.k
        return t(key, lang, k=k)


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
