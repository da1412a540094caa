"""The triangulated drivers report as it is read and shown: the ``drivers`` card's report, its
table in either language and its terminal text. Kept apart from ``verloop.models.triangulate``
(which estimates it) so that showing the report imports no estimator: the drivers page kernel
reads a card, not SciPy or scikit-learn (issue 12: its kernel's time and memory)."""

from __future__ import annotations

import pandas as pd

from verloop.errors import InputError
from verloop.i18n import LANGS, t
from verloop.models.drivers import scale_label


def _ci(ratio, low, high, share: bool = False) -> str:
    if ratio is None:
        return "—"
    if share:
        return f"{ratio:.0%} ({low:.0%}–{high:.0%})"
    return f"{ratio:.2f} ({low:.2f}–{high:.2f})"


def report_frame(report: dict, lang: str = "en") -> pd.DataFrame:
    """The table HR sees: factor, verdict, ratio per SD and per point with intervals, rank and
    one column per source."""
    if lang not in LANGS:  # a programmer's call: say so, do not guess
        raise InputError("lang must be 'en' or 'nl'")
    rows = []
    for d in report["drivers"]:
        row = {
            "factor": d["factor"],
            "label": scale_label(d["factor"], lang),
            "verdict": t(f"model.verdict.{d['verdict']}", lang),
            "rank": d["rank"],
            "per_sd": _ci(d["ratio"], d["low"], d["high"]),
            "per_point": _ci(d["ratio_point"], d["low_point"], d["high_point"]),
            "unit_point": d["unit_point"],
        }
        for s in d["sources"]:
            row[t(f"model.source.{s['source']}", lang)] = _ci(
                s["ratio"], s["low"], s["high"], share=s["unit"] == "share"
            )
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.astype(object).where(frame.notna(), "—")


def models_root(root=None):
    """Where ``verloop train`` writes cards: ``root``, else $VERLOOP_MODELS, else ``models/`` of the
    checkout or the user's data folder (``verloop.config``; the dashboard reads the same place)."""
    from pathlib import Path

    from verloop.config import current

    return Path(root) if root is not None else current().models_dir


def load_report(root=None) -> dict | None:
    """The triangulated report from the ``drivers`` card, or None when there is none yet."""
    from verloop.models.cards import load_card

    try:
        card = load_card("drivers", models_root(root))
    except InputError:
        return None
    return card.get("report")


def report_text(report: dict, lang: str = "en") -> str:
    """Plain text for the terminal: the power note, the table and the rule."""
    frame = report_frame(report, lang)
    return "\n\n".join(
        [report["power_note"][lang], frame.drop(columns=["factor"]).to_string(index=False), report["rule"][lang]]
    )


__all__ = ["load_report", "models_root", "report_frame", "report_text"]
