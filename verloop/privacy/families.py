"""Demographic filters (tenure band, contract type) and whether a wave's data can bear them.

A filter "tenure band = < 3 months" shown by team publishes, for every team, the figure of its
new people. Because the attacker can ask for every value of the filter in turn (and the
unfiltered figures are on screen anyway), Verloop decides per *family* — a level (organisation,
site, team) × a set of dimensions — whether all of its cells may be shown, never per single
cell. Families are considered in one fixed order, each one allowed only together with those
allowed before it, so the outcome does not depend on what was asked first.

A family is allowed in a wave when:

1. every group it splits is itself shown in that wave (a hidden team split into bands would add
   back up to the hidden figure);
2. every cell has 0 or at least k people (so the complement of each cell within its group, a
   union of other cells, has 0 or ≥ k too);
3. every non-empty cell holds someone from a team with a non-respondent (cells made only of
   teams where everyone answered could be matched across waves);
4. the rank test passes: with everything shown in the wave plus the allowed families, no hidden
   group, no cell of fewer than k people at any level and no difference of two shown cells of
   fewer than k people can be solved.

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

HIDDEN_GROUPS = "hidden_groups"
SMALL_CELL = "small_cell"
COMPLETE_CELL = "complete_cell"
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


class FamilyAuditor:
    """The families one wave of one figure can bear, decided lazily in ``FAMILIES`` order.

    ``respondents`` has one row per person with a value: ``team`` plus the dimension columns.
    ``plan`` is the tree's verdict for the wave; ``fresh`` says per team whether someone
    invited did not answer.
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
        frame = normalise_dims(respondents[["team", *[d for d in DIMENSIONS if d in respondents.columns]]])
        counts = Counter(
            zip(frame["team"].astype(str), *(frame[d].to_numpy() for d in DIMENSIONS))
        )
        keys = sorted(counts)
        self.columns = {
            "team": np.array([key[0] for key in keys], dtype=object),
            "site": np.array([hierarchy.team_site.get(key[0], "") for key in keys], dtype=object),
            **{d: np.array([key[1 + i] for key in keys], dtype=object) for i, d in enumerate(DIMENSIONS)},
        }
        self.width = len(keys)
        self.sizes = np.array([counts[key] for key in keys], dtype=float)
        self._fresh = np.array([bool(fresh.get(key[0], True)) for key in keys], dtype=bool)
        self._accepted_rows: list[np.ndarray] = []
        self._verdicts: dict[Family, FamilyVerdict] = {}
        self._next = 0
        self._base_rows = [
            self.node_vector(node) for node, d in plan.items() if d.shown and d.n > 0
        ]
        self._protected = self._protected_vectors()

    # -- vectors ------------------------------------------------------------------------------
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

    def node_mask(self, node: Node) -> np.ndarray:
        level, name = node
        if level == ORG:
            return np.ones(self.width, dtype=bool)
        return self.columns[level] == name

    def node_vector(self, node: Node) -> np.ndarray:
        return self.node_mask(node).astype(float)

    def cells(self, family: Family) -> list[tuple[Node, tuple[str, ...], np.ndarray]]:
        """Every non-empty cell of ``family``: (group node, category values, atom mask)."""
        level, dims = family
        return [
            ((level, str(key[0])), tuple(str(v) for v in key[1:]), self._mask(index))
            for key, index in self._groups(level, dims).items()
        ]

    def _protected_vectors(self) -> np.ndarray:
        vectors = [
            self.node_vector(node) for node, d in self.plan.items() if d.hidden and d.n > 0
        ]
        for level in LEVELS:
            for dims in ((),) + FAMILY_DIMS:
                for index in self._groups(level, dims).values():
                    size = self.sizes[index].sum()
                    if 1 <= size < self.k:
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
        level, _ = family
        for node in self.hierarchy.nodes(level):
            d = self.plan.get(node)
            if d is not None and d.n > 0 and not d.shown:
                return FamilyVerdict(False, HIDDEN_GROUPS)
        cells = self.cells(family)
        rows = []
        for _, _, cell in cells:
            size = self.sizes[cell].sum()
            if size < self.k:
                return FamilyVerdict(False, SMALL_CELL)
            if not self._fresh[cell].any():
                return FamilyVerdict(False, COMPLETE_CELL)
            rows.append(cell.astype(float))
        published = self._base_rows + self._accepted_rows + rows
        matrix = np.vstack(published) if published else np.zeros((0, self.width))
        if small_differences(matrix, self.sizes, self.k):
            return FamilyVerdict(False, DIFFERENCING)
        basis = row_basis(matrix, self.width)
        if determined(basis, self._protected).any():
            return FamilyVerdict(False, DIFFERENCING)
        self._accepted_rows.extend(rows)
        return FamilyVerdict(True)

    def allowed_families(self) -> list[Family]:
        return [f for f in FAMILIES if self.verdict(f).allowed]


__all__ = [
    "COMPLETE_CELL",
    "DIFFERENCING",
    "DIMENSIONS",
    "FAMILIES",
    "FAMILY_DIMS",
    "FamilyAuditor",
    "FamilyVerdict",
    "HIDDEN_GROUPS",
    "SMALL_CELL",
    "UNKNOWN",
    "family_of",
    "normalise_dims",
]
