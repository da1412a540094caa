"""Demographic filters (tenure band, contract type) and whether a wave's data can bear them.

A filter "tenure band = < 3 months" shown by team publishes, for every team, the figure of its
new people. Because the attacker can ask for every value of the filter in turn (and the
unfiltered figures are on screen anyway), Verloop decides per *family* — a level (organisation,
site, team) × a set of dimensions — whether all of its cells may be shown, never per single
cell. Families are considered in one fixed order, each one allowed only together with those
allowed before it, so the outcome does not depend on what was asked first.

**Filtered figures cover the teams shown in that wave.** People of a team that is hidden in the
wave (fewer than k, or hidden to protect one) are left out of every filtered cell: a hidden team
split into bands could be added back up, or a part of it matched with another wave. Because the
filtered cells then hold nothing the unfiltered team figures do not already hold about hidden
teams, the tree's protection of hidden teams is untouched.

A family is allowed in a wave when, over the shown teams' people:

1. every cell has 0 or at least k people (so the complement of a cell within its group, a union
   of other cells, has 0 or ≥ k too);
2. it tells nothing new about people in teams where everyone answered (their answers are linked
   from wave to wave): every combination of them that can be solved is a sum of whole teams,
   which the team figures show anyway;
3. no cell of fewer than k people — at any level, with any filter — and no difference of two
   shown cells of fewer than k people can be solved, even by someone who knew every answer of
   the teams where everyone answered (rank test).

Otherwise the filter is refused with one clear sentence (``PrivacyError``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from verloop.privacy.audit import row_basis
from verloop.privacy.suppress import LEVELS, ORG, SITE, TEAM, Decision, Hierarchy, Node

DIMENSIONS = ("tenure_band", "contract_type")
UNKNOWN = "unknown"
FAMILY_DIMS: tuple[tuple[str, ...], ...] = (("tenure_band",), ("contract_type",), ("tenure_band", "contract_type"))
FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (level, dims) for level in (ORG, SITE, TEAM) for dims in FAMILY_DIMS
)
Family = tuple[str, tuple[str, ...]]

SMALL_CELL = "small_cell"
LINKED = "linked"
DIFFERENCING = "differencing"


@dataclass(frozen=True)
class FamilyVerdict:
    allowed: bool
    problem: str = ""


def normalise_dims(frame: pd.DataFrame) -> pd.DataFrame:
    """Dimension columns as text with missing answers as 'unknown' (a category of its own)."""
    out = frame.copy()
    for dim in DIMENSIONS:
        if dim not in out.columns:
            out[dim] = UNKNOWN
        out[dim] = out[dim].astype("object").where(out[dim].notna(), UNKNOWN).astype(str)
    return out


def family_of(level: str, dims) -> Family:
    dims = tuple(d for d in DIMENSIONS if d in set(dims))
    return (level, dims)


def shown_teams(plan: dict[Node, Decision]) -> set[str]:
    """Teams whose people filtered figures may include in this wave."""
    return {name for (level, name), d in plan.items() if level == TEAM and d.shown and d.n > 0}


def _rank(rows: list[np.ndarray] | np.ndarray, width: int) -> int:
    if len(rows) == 0:
        return 0
    return int(row_basis(np.vstack(rows), width).shape[1])


class FamilyAuditor:
    """The families one wave of one figure can bear, decided lazily in ``FAMILIES`` order.

    ``respondents`` has one row per person with a value: ``team`` plus the dimension columns.
    ``plan`` is the tree's verdict for the wave; ``fresh`` says per team whether someone
    invited did not answer (teams where everyone answered are *linked* across waves).

    The linear algebra runs on *atoms* (team × tenure × contract). Every shown team's total is
    published, and team totals are disjoint, so they are projected out exactly — centring each
    vector within each team — which leaves only the few family cells for the rank computations
    (a 10,000-person organisation audits in about a second instead of minutes).
    """

    def __init__(
        self,
        hierarchy: Hierarchy,
        respondents: pd.DataFrame,
        plan: dict[Node, Decision],
        fresh: dict[str, bool],
        k: int,
    ):
        from scipy import sparse

        self.hierarchy = hierarchy
        self.plan = plan
        self.k = k
        teams = shown_teams(plan)
        frame = normalise_dims(respondents[["team", *[d for d in DIMENSIONS if d in respondents.columns]]])
        frame = frame[frame["team"].astype(str).isin(teams)]
        counts = Counter(zip(frame["team"].astype(str), *(frame[d].to_numpy() for d in DIMENSIONS)))
        keys = sorted(counts)
        self.columns = {
            "team": np.array([key[0] for key in keys], dtype=object),
            "site": np.array([hierarchy.team_site.get(key[0], "") for key in keys], dtype=object),
            **{d: np.array([key[1 + i] for key in keys], dtype=object) for i, d in enumerate(DIMENSIONS)},
        }
        self.width = len(keys)
        self.sizes = np.array([counts[key] for key in keys], dtype=float)
        self.linked = np.array([not fresh.get(key[0], True) for key in keys], dtype=bool)
        team_ids = {name: i for i, name in enumerate(sorted(set(self.columns["team"])))}
        self._team_of = np.array([team_ids[t] for t in self.columns["team"]], dtype=int)
        self._teams = sparse.csr_matrix(
            (np.ones(self.width), (self._team_of, np.arange(self.width))), shape=(len(team_ids), self.width)
        )
        self._atoms_per_team = np.asarray(self._teams.sum(axis=1)).ravel()
        self._accepted_rows: list[np.ndarray] = []
        self._verdicts: dict[Family, FamilyVerdict] = {}
        self._next = 0
        self._protected = self._protected_vectors()

    # -- cells --------------------------------------------------------------------------------
    def _groups(self, level: str, dims: tuple[str, ...]) -> dict[tuple, np.ndarray]:
        """Atom indices of every non-empty (group, categories) cell; keys (group name, *values)."""
        group = self.columns[level] if level != ORG else np.full(self.width, "", dtype=object)
        out: dict[tuple, list[int]] = {}
        for i, key in enumerate(zip(group, *(self.columns[d] for d in dims))):
            out.setdefault(key, []).append(i)
        return {key: np.asarray(index) for key, index in sorted(out.items())}

    def _mask(self, index: np.ndarray) -> np.ndarray:
        mask = np.zeros(self.width, dtype=bool)
        mask[index] = True
        return mask

    def cells(self, family: Family) -> list[tuple[Node, tuple[str, ...], np.ndarray]]:
        """Every non-empty cell of ``family`` over shown teams: (group, category values, atom mask)."""
        level, dims = family
        out = []
        for key, index in self._groups(level, dims).items():
            node = (level, str(key[0]))
            decision = self.plan.get(node)
            if decision is not None and not decision.shown:
                continue  # a hidden group stays hidden under a filter too
            out.append((node, tuple(str(v) for v in key[1:]), self._mask(index)))
        return out

    def _protected_vectors(self):
        """Every cell of fewer than k people at any level with any filter, as a sparse 0/1 matrix."""
        from scipy import sparse

        rows, cols = [], []
        seen = set()
        for level in LEVELS:
            for dims in ((),) + FAMILY_DIMS:
                for index in self._groups(level, dims).values():
                    key = tuple(index)
                    if key in seen or not 1 <= self.sizes[index].sum() < self.k:
                        continue
                    seen.add(key)
                    rows.extend([len(seen) - 1] * len(index))
                    cols.extend(index)
        return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(seen), self.width))

    # -- linear algebra with the team totals projected out ---------------------------------------
    def _centred(self, rows: np.ndarray) -> np.ndarray:
        """Rows minus their mean within each team (the part the team totals do not explain)."""
        if not len(rows):
            return rows
        means = (self._teams @ rows.T).T / np.maximum(self._atoms_per_team, 1)
        return rows - means[:, self._team_of]

    def _small_difference(self, family_rows: np.ndarray) -> bool:
        """Two shown cells, one inside the other, that differ by 1 … k−1 people."""
        from scipy import sparse

        if not len(family_rows):
            return False
        published = sparse.vstack([self._teams, sparse.csr_matrix(family_rows)]).tocsr()
        published.data[:] = 1.0
        overlap = (published @ published.T).tocoo()
        atoms = np.asarray(published.sum(axis=1)).ravel()
        people = published @ self.sizes
        for i, j, shared in zip(overlap.row, overlap.col, overlap.data):
            if i != j and shared == atoms[j] and 1 <= people[i] - people[j] < self.k:
                return True  # row j lies inside row i
        return False

    def verdict(self, family: Family) -> FamilyVerdict:
        if family not in FAMILIES:
            raise ValueError(f"unknown family {family!r}")
        while family not in self._verdicts:
            candidate = FAMILIES[self._next]
            self._next += 1
            self._verdicts[candidate] = self._decide(candidate)
        return self._verdicts[family]

    def _decide(self, family: Family) -> FamilyVerdict:
        rows = []
        for _, _, cell in self.cells(family):
            if self.sizes[cell].sum() < self.k:
                return FamilyVerdict(False, SMALL_CELL)
            rows.append(cell.astype(float))
        if not self.width:
            return FamilyVerdict(True)  # nobody in a shown team: every cell is empty
        family_rows = np.array(self._accepted_rows + rows).reshape(-1, self.width)
        if self._small_difference(family_rows):
            return FamilyVerdict(False, DIFFERENCING)
        centred = self._centred(family_rows)
        free = ~self.linked
        if self.linked.any():
            # what the filters add about people in fully answering teams: must be nothing
            if _rank(centred[:, free], int(free.sum())) < _rank(centred, self.width):
                return FamilyVerdict(False, LINKED)
        # Rank test against the shown team totals + family cells + (pessimistically) every
        # answer of the fully answering teams: drop their coordinates, then project.
        basis = row_basis(centred[:, free], int(free.sum())) if len(centred) else np.zeros((int(free.sum()), 0))
        protected = self._protected[:, np.nonzero(free)[0]]
        protected = protected[np.asarray(protected.sum(axis=1)).ravel() > 0]
        if protected.shape[0]:
            team_of = self._team_of[free]
            per_team = np.zeros((protected.shape[0], self._teams.shape[0]))
            coo = protected.tocoo()
            np.add.at(per_team, (coo.row, team_of[coo.col]), coo.data)
            atoms = np.bincount(team_of, minlength=self._teams.shape[0]).astype(float)
            with np.errstate(divide="ignore", invalid="ignore"):
                centred_norm = (per_team - np.where(atoms > 0, per_team**2 / atoms, 0.0)).sum(axis=1)
            projected = np.asarray(protected @ basis) if basis.shape[1] else np.zeros((protected.shape[0], 0))
            residual = centred_norm - (projected**2).sum(axis=1)
            if (residual <= 1e-7 * np.maximum(1.0, centred_norm)).any():
                return FamilyVerdict(False, DIFFERENCING)
        self._accepted_rows.extend(rows)
        return FamilyVerdict(True)

    def allowed_families(self) -> list[Family]:
        return [f for f in FAMILIES if self.verdict(f).allowed]


__all__ = [
    "DIFFERENCING",
    "DIMENSIONS",
    "FAMILIES",
    "FAMILY_DIMS",
    "FamilyAuditor",
    "FamilyVerdict",
    "LINKED",
    "SMALL_CELL",
    "UNKNOWN",
    "family_of",
    "normalise_dims",
    "shown_teams",
]
