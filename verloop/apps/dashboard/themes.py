"""Themes in free-text comments: a transparent keyword list, Dutch and English.

Runs only on comments the privacy door already published (a group of at least the comment
threshold, no filters), so counting themes reveals nothing the page does not already show.
A keyword list is deliberately simple: HR can read why a comment counts under a theme, and it
works on a few hundred comments without a language model. A comment may carry several themes.
"""

from __future__ import annotations

import re

import pandas as pd

# theme → word stems (lower case, matched at a word start); the theme keys follow the exit
# reasons so that stated reasons, honest reasons and comment themes line up.
THEMES: dict[str, tuple[str, ...]] = {
    "pay": ("salaris", "loon", "betaal", "verdien", "geld", "pay", "salary", "wage", "earn", "money"),
    "schedule": ("rooster", "dienst", "avond", "weekend", "werktijd", "rota", "shift", "schedule", "evening", "hours"),
    "workload": (
        "werkdruk",
        "druk",
        "haast",
        "aht",
        "norm",
        "uitgeput",
        "workload",
        "rush",
        "busy",
        "pressure",
        "target",
        "exhaust",
        "back to back",
    ),
    "team_lead": ("teamleider", "leidinggevende", "manager", "team lead", "coach", "gesteund", "supported"),
    "no_mandate": (
        "toestemming",
        "akkoord",
        "mandaat",
        "mocht",
        "zelf helpen",
        "zelf oplossen",
        "approval",
        "permission",
        "allowed",
        "solve it ourselves",
        "escalat",
    ),
    "no_growth": (
        "doorgroei",
        "groei",
        "leer",
        "ontwikkel",
        "training",
        "grow",
        "move up",
        "learn",
        "career",
        "develop",
    ),
    "personal": ("verhuis", "persoonlijk", "gezin", "moving", "personal", "family"),
    "study": ("studie", "studeren", "study", "studies"),
    "health": ("gezondheid", "ziek", "health", "sick", "burn"),
    "culture": ("cijfers", "rapport", "numbers", "reports", "ideeën", "ideas", "niemand", "nobody"),
}

_PATTERNS = {
    theme: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")", re.IGNORECASE)
    for theme, words in THEMES.items()
}


def themes_of(text: str) -> list[str]:
    """The themes a comment touches (in THEMES order); empty when none match."""
    if not isinstance(text, str):
        return []
    return [theme for theme, pattern in _PATTERNS.items() if pattern.search(text)]


def comment_themes(texts: pd.Series) -> pd.DataFrame:
    """Count themes over published comments: ``theme, comments, share`` (share of comments)."""
    texts = pd.Series(texts, dtype="object").dropna()
    total = len(texts)
    counts = {theme: 0 for theme in THEMES}
    for text in texts:
        for theme in themes_of(text):
            counts[theme] += 1
    frame = pd.DataFrame({"theme": list(counts), "comments": list(counts.values())})
    frame["comments"] = frame["comments"].astype("int64")
    frame["share"] = frame["comments"] / total * 100.0 if total else 0.0  # percent, like the door
    frame = frame[frame["comments"] > 0].sort_values("comments", ascending=False, kind="stable")
    return frame.reset_index(drop=True)
