"""Small synthetic attrition tables with a known signal, for fast tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
IBM = DATASETS / "ibm_hr_attrition.csv"


def attrition_frame(n: int = 400, seed: int = 0, signal: float = 1.5) -> pd.DataFrame:
    """Leaving depends on overtime and satisfaction; also an id, a constant and noise columns."""
    rng = np.random.default_rng(seed)
    satisfaction = rng.integers(1, 5, n)
    overtime = rng.choice(["Yes", "No"], n, p=[0.3, 0.7])
    tenure = rng.gamma(2.0, 3.0, n).round(1)
    income = rng.lognormal(8, 0.4, n).round(0)
    logit = -1.8 + signal * (overtime == "Yes") - 0.5 * signal * (satisfaction - 2.5) - 0.1 * tenure
    left = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame(
        {
            "EmployeeNumber": np.arange(1, n + 1) * 3,
            "Satisfaction": satisfaction,
            "OverTime": overtime,
            "Department": rng.choice(["Sales", "R&D", "HR"], n),
            "Tenure": tenure,
            "Income": income,
            "Country": "NL",
            "Left": np.where(left, "Yes", "No"),
        }
    )
