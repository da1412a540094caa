"""One result shape for every model family: a lifelines-style ``summary`` frame.

Index = covariate; columns ``coef`` (log rate ratio or log hazard ratio per unit of the
covariate), ``exp(coef)``, ``se(coef)``, ``coef lower 95%`` / ``coef upper 95%``, the same bounds
exponentiated, ``z``, ``p`` — exactly lifelines' names, so a researcher reads a Verloop model like
a ``CoxPHFitter`` — and, because HR reads effects per standard deviation, ``sd`` (the unit),
``sd kind`` (between agents, between teams, true score, observed) and ``exp(coef*sd)`` with its
bounds. ``summary.attrs["interval"]`` says how the bounds were made (bootstrap over teams,
cluster-robust Wald, model-based Wald).

The team Poisson model (``team.TeamPoissonModel``) and the Cox model (``individual.CoxModel``)
build their frames with ``summary_frame``; ``drivers.model_effects`` turns any of them into HR
sentences. (Before: four shapes — ``effects()``, ``hazard_ratios()``, ``summary_`` with a
``se_robust`` column and the pooled model's ``summary`` — each read by its own caller.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm


def summary_frame(
    names, coef, se, lower, upper, level: float = 0.95, sd=None, sd_kind=None, interval: str = ""
) -> pd.DataFrame:
    """The lifelines-style table (see the module docstring) from per-covariate arrays."""
    coef, se = np.asarray(coef, dtype=float), np.asarray(se, dtype=float)
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    pct = round(level * 100)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = coef / np.where(se > 0, se, np.nan)
    frame = pd.DataFrame(
        {
            "coef": coef,
            "exp(coef)": np.exp(coef),
            "se(coef)": se,
            f"coef lower {pct}%": lower,
            f"coef upper {pct}%": upper,
            f"exp(coef) lower {pct}%": np.exp(lower),
            f"exp(coef) upper {pct}%": np.exp(upper),
            "z": z,
            "p": 2 * norm.sf(np.abs(z)),
        },
        index=pd.Index(list(names), name="covariate"),
    )
    sd = np.full(len(frame), np.nan) if sd is None else np.asarray(sd, dtype=float)
    frame["sd"] = sd
    frame["sd kind"] = list(sd_kind) if sd_kind is not None else [""] * len(frame)
    frame["exp(coef*sd)"] = np.exp(coef * sd)
    frame[f"exp(coef*sd) lower {pct}%"] = np.exp(lower * sd)
    frame[f"exp(coef*sd) upper {pct}%"] = np.exp(upper * sd)
    frame.attrs["interval"] = interval
    frame.attrs["level"] = level
    return frame


def bounds_columns(level: float = 0.95) -> dict[str, str]:
    """The names of the interval columns at ``level``: lower, upper, ratio_lower, … ."""
    pct = round(level * 100)
    return {
        "lower": f"coef lower {pct}%",
        "upper": f"coef upper {pct}%",
        "ratio_lower": f"exp(coef) lower {pct}%",
        "ratio_upper": f"exp(coef) upper {pct}%",
        "sd_lower": f"exp(coef*sd) lower {pct}%",
        "sd_upper": f"exp(coef*sd) upper {pct}%",
    }


class SummaryMixin:
    """``print_summary()`` for an estimator with a ``summary`` frame and ``_summary_header()``."""

    def _summary_header(self) -> list[tuple[str, object]]:
        return []

    def print_summary(self, decimals: int = 3, columns: list[str] | None = None) -> None:
        """Print the model's facts and its ``summary`` frame (as lifelines' ``print_summary``)."""
        print(self.summary_text(decimals, columns))

    def summary_text(self, decimals: int = 3, columns: list[str] | None = None) -> str:
        """What ``print_summary`` prints."""
        table = self.summary
        shown = table[columns] if columns else table
        lines = [f"<{type(self).__module__}.{type(self).__name__}>"]
        facts = list(self._summary_header())
        if table.attrs.get("interval"):
            facts.append(("intervals", table.attrs["interval"]))
        width = max([len(k) for k, _ in facts] + [0])
        lines += [f"{k:>{width}} = {v}" for k, v in facts]
        lines += ["---", shown.to_string(float_format=lambda v: f"{v:.{decimals}f}")]
        return "\n".join(lines)


__all__ = ["SummaryMixin", "bounds_columns", "summary_frame"]
