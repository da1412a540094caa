"""Monthly operational KPIs per team: what the "green" dashboards show.

Each KPI is a site level plus effects of the team's lead style, its people (mean latent
constructs of its current staff), its experience mix (share with < 3 months tenure), vacancies
and a winter peak, plus noise; clipped to the ranges in SYNTHETIC.md. Taylorist teams hit
handling-time and service-level targets (short calls) while CSAT, first-contact resolution and
repeat contacts are slightly worse — the watermelon pattern. Better mandate, engagement and
experience raise CSAT and FCR (the payoff described in DOMAIN.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from verloop.synth.latent import IDX

RANGES = {
    "aht_s": (280.0, 450.0),
    "service_level": (70.0, 92.0),
    "csat": (1.0, 5.0),
    "fcr": (60.0, 85.0),
    "repeat_rate": (5.0, 30.0),
    "absenteeism": (4.0, 12.0),
}
# Effect of lead style on each KPI: servant, neutral, taylorist.
STYLE_EFFECTS = {
    "aht_s": {"servant": 8.0, "neutral": 0.0, "taylorist": -40.0},
    "service_level": {"servant": -1.0, "neutral": 0.0, "taylorist": 4.5},
    "csat": {"servant": 0.03, "neutral": 0.0, "taylorist": -0.06},
    "fcr": {"servant": 0.5, "neutral": 0.0, "taylorist": -2.0},
    "repeat_rate": {"servant": -0.3, "neutral": 0.0, "taylorist": 1.5},
    "absenteeism": {"servant": -0.3, "neutral": 0.0, "taylorist": 1.0},
}


def team_kpis(
    rng: np.random.Generator,
    team_ids: np.ndarray,
    team_site: np.ndarray,
    team_style_names: np.ndarray,
    months: np.ndarray,
    team_mean: np.ndarray,
    new_share: np.ndarray,
    vacancy_share: np.ndarray,
) -> pd.DataFrame:
    """One row per team and month (columns of ``team_kpis``)."""
    M, T = new_share.shape
    n_sites = int(team_site.max()) + 1 if len(team_site) else 1
    site_aht = rng.normal(0, 15, n_sites)[team_site]
    site_sl = rng.normal(0, 2, n_sites)[team_site]
    team_aht = rng.normal(0, 10, T)
    month_of_year = (months.astype("datetime64[M]").astype(int) % 12) + 1
    winter = np.cos(2 * np.pi * (month_of_year - 1) / 12)[:, None]  # +1 in January

    def style(name: str) -> np.ndarray:
        return np.array([STYLE_EFFECTS[name][s] for s in team_style_names])[None, :]

    eng = team_mean[:, :, IDX["engagement"]]
    mand = team_mean[:, :, IDX["mandate"]]
    wb = team_mean[:, :, IDX["wellbeing"]]
    wl = team_mean[:, :, IDX["workload"]]
    noise = lambda sd: rng.normal(0, sd, (M, T))  # noqa: E731

    aht = 360 + site_aht + team_aht + style("aht_s") + 45 * new_share - 8 * wl + 6 * winter + noise(8)
    sl = 84 + site_sl + style("service_level") - 30 * vacancy_share - 6 * new_share - 3 * winter + noise(2.0)
    csat = 3.85 + style("csat") + 0.12 * eng + 0.10 * mand - 0.3 * new_share + noise(0.05)
    fcr = 73 + style("fcr") + 2.5 * mand + 1.0 * eng - 8 * new_share + noise(1.5)
    repeat = 14 + style("repeat_rate") - 0.45 * (fcr - 73) + noise(1.0)
    absent = 7 + style("absenteeism") - 1.2 * wb + 0.6 * wl + 0.8 * winter + noise(0.7)

    values = {"aht_s": aht, "service_level": sl, "csat": csat, "fcr": fcr, "repeat_rate": repeat, "absenteeism": absent}
    frame = pd.DataFrame(
        {
            "team_id": np.tile(team_ids, M).astype("int64"),
            "month": pd.to_datetime(np.repeat(months, T).astype("datetime64[D]")).astype("datetime64[ns]"),
        }
    )
    for name, array in values.items():
        lo, hi = RANGES[name]
        digits = 2 if name == "csat" else 1
        frame[name] = np.round(np.clip(array, lo, hi), digits).reshape(-1).astype("float64")
    return frame
