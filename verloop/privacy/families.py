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

from verloop.privacy.audit import determined, row_basis, small_differences
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
    """

    def __init__(
        self,
        hierarchy: Hierarchy,
        respondents: pd.DataFrame,
        plan: dict[Node, Decision],
        fresh: dict[str, bool],
        k: int,
    ):
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
        self._team_rows = [self._mask(index).astype(float) for index in self._groups(TEAM, ()).values()]
        linked_teams = {key[0] for key, flag in zip(keys, self.linked) if flag}
        self._linked_basis = [self._mask(np.array([i])).astype(float) for i in np.nonzero(self.linked)[0]]
        self._linked_team_count = len(linked_teams)
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

    def _protected_vectors(self) -> np.ndarray:
        vectors = []
        for level in LEVELS:
            for dims in ((),) + FAMILY_DIMS:
                for index in self._groups(level, dims).values():
                    if 1 <= self.sizes[index].sum() < self.k:
                        vectors.append(self._mask(index).astype(float))
        if not vectors:
            return np.zeros((0, self.width))
        return np.unique(np.vstack(vectors), axis=0)

    # -- verdicts -----------------------------------------------------------------------------
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
        published = self._team_rows + self._accepted_rows + rows
        width = self.width
        matrix = np.vstack(published) if published else np.zeros((0, width))
        if small_differences(matrix, self.sizes, self.k):
            return FamilyVerdict(False, DIFFERENCING)
        if self._linked_basis:
            # dim(published ∩ linked) must stay the number of linked teams (their totals).
            rank = _rank(published, width)
            both = _rank(published + self._linked_basis, width)
            if rank + len(self._linked_basis) - both > self._linked_team_count:
                return FamilyVerdict(False, LINKED)
        basis = row_basis(np.vstack(published + self._linked_basis), width) if published else np.zeros((width, 0))
        protected = self._protected
        if len(protected) and self.linked.any():
            protected = protected[(protected[:, ~self.linked] > 0).any(axis=1)]
        if determined(basis, protected).any():
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
