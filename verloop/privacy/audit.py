"""Linear algebra of disclosure: can a set of people's total be solved from what is published?

Every published figure of a group is additive over its people (sum, count, bin count), so an
attacker holding all published figures holds ``A x`` for the 0/1 membership rows ``A`` of the
published groups. The total of a set S is determined exactly when S's indicator vector lies in
the row space of ``A``. Columns are *atoms*: people who belong to exactly the same groups are
interchangeable, so one column per distinct membership pattern keeps the matrix small.
"""

from __future__ import annotations

import numpy as np

TOLERANCE = 1e-7


def row_basis(rows: np.ndarray, width: int | None = None) -> np.ndarray:
    """An orthonormal basis (columns) of the row space of ``rows`` (shape: rows × atoms)."""
    rows = np.asarray(rows, dtype=float)
    if rows.ndim != 2 or rows.shape[0] == 0:
        return np.zeros((rows.shape[1] if rows.ndim == 2 else int(width or 0), 0))
    _, singular, vt = np.linalg.svd(rows, full_matrices=False)
    if singular.size == 0:
        return np.zeros((rows.shape[1], 0))
    tol = singular.max() * max(rows.shape) * np.finfo(float).eps
    rank = int((singular > tol).sum())
    return vt[:rank].T


def determined(basis: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """For each row of ``vectors``: does it lie in the row space spanned by ``basis``?"""
    vectors = np.atleast_2d(np.asarray(vectors, dtype=float))
    if vectors.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    if basis.shape[1] == 0:
        return ~vectors.any(axis=1)
    residual = vectors - (vectors @ basis) @ basis.T
    scale = np.maximum(1.0, np.abs(vectors).max(axis=1))
    return np.abs(residual).max(axis=1) <= TOLERANCE * scale


def small_differences(rows: np.ndarray, sizes: np.ndarray, k: int) -> list[tuple[int, int]]:
    """Pairs (i, j) of published rows with row j ⊂ row i and 1 ≤ |i ∖ j| < k people.

    ``rows`` are 0/1 over atoms, ``sizes`` the number of people in each atom. Two filters that
    differ by fewer than k people are the classic differencing attack; the rank test finds it
    too, this is the cheap and readable form of it.
    """
    rows = np.asarray(rows, dtype=bool)
    sizes = np.asarray(sizes, dtype=float)
    out = []
    for i in range(rows.shape[0]):
        contained = ~(rows & ~rows[i]).any(axis=1)  # rows j inside row i
        extra = (rows[i] & ~rows) @ sizes  # people in i but not in j
        for j in np.nonzero(contained & (extra >= 1) & (extra < k))[0]:
            if j != i:
                out.append((i, int(j)))
    return out


__all__ = ["TOLERANCE", "determined", "row_basis", "small_differences"]
