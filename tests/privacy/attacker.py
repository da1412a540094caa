"""What an HR user can work out from published frames: sums are n × mean, and sums add up.

The attacker takes every shown row of team, site and organisation frames (one figure, one
wave), writes the equations "site = sum of its teams", "organisation = sum of all teams", and
asks which team totals follow. A team total follows when its indicator vector lies in the row
space of the shown rows — the same rank test as the property test, on real door output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def shown_sums(frame: pd.DataFrame, figure: str = "score") -> dict[tuple[str, str], tuple[int, float]]:
    """(level, name) -> (n, n × figure) for every shown row of one wave and one figure."""
    out = {}
    for row in frame[~frame["suppressed"] & frame["n"].notna()].itertuples():
        name = "" if row.level == "organisation" else (row.team if row.level == "team" else row.site)
        out[(row.level, name)] = (int(row.n), float(row.n) * float(getattr(row, figure)))
    return out


def equations(team_site: dict[str, str], shown: dict) -> tuple[list[str], np.ndarray, np.ndarray]:
    teams = sorted(team_site)
    rows, values = [], []
    for (level, name), (_, total) in shown.items():
        if level == "team":
            members = [name]
        elif level == "site":
            members = [t for t in teams if team_site[t] == name]
        else:
            members = teams
        rows.append([1.0 if t in members else 0.0 for t in teams])
        values.append(total)
    return teams, np.array(rows).reshape(len(rows), len(teams)), np.array(values)


def solvable_teams(team_site: dict[str, str], frames: list[pd.DataFrame], figure: str = "score") -> dict[str, float]:
    """Every team total an attacker can solve from the frames' shown rows, with its value."""
    shown = {}
    for frame in frames:
        shown.update(shown_sums(frame, figure))
    teams, a, b = equations(team_site, shown)
    if not len(a):
        return {}
    solution, *_ = np.linalg.lstsq(a, b, rcond=None)
    _, s, vt = np.linalg.svd(a, full_matrices=False)
    basis = vt[: int((s > 1e-9 * s.max()).sum())].T
    out = {}
    for i, team in enumerate(teams):
        e = np.zeros(len(teams))
        e[i] = 1.0
        if np.abs(e - basis @ (basis.T @ e)).max() < 1e-8:
            out[team] = float(solution[i])
    return out


def structure(store) -> dict[str, str]:
    from sqlalchemy import select

    from verloop.store.schema import Site, Team

    with store.session() as s:
        return dict(s.execute(select(Team.name, Site.name).join(Site, Site.id == Team.site_id)).all())
