"""The linear algebra under secondary suppression, against plain textbook
versions written here (issue 23, finding 9: the fast versions must give the
same answers, or the same data would hide other cells)."""

from __future__ import annotations

import numpy as np

from metrics.methods.disclosure import _rref


def textbook_rref(m: np.ndarray, pivot_columns: int) -> tuple[np.ndarray, list[int]]:
    """Gauss-Jordan, every row updated at every step, partial pivoting."""
    m = m.astype(float).copy()
    r, pivots = 0, []
    for c in range(pivot_columns):
        if r == len(m):
            break
        p = r + int(np.argmax(np.abs(m[r:, c])))
        if abs(m[p, c]) < 1e-7:
            continue
        m[[r, p]] = m[[p, r]]
        m[r] /= m[r, c]
        for i in range(len(m)):
            if i != r:
                m[i] -= m[i, c] * m[r]
        pivots.append(c)
        r += 1
    m[np.abs(m) < 1e-10] = 0.0
    return m[:r], pivots


def test_the_sparse_elimination_gives_the_textbook_reduced_form_of_linked_tables():
    rng = np.random.default_rng(23)
    for trial in range(40):
        rows, atoms = int(rng.integers(1, 60)), int(rng.integers(1, 80))
        # Published cells as 0/1 rows over atoms: mostly single atoms and short runs, some totals.
        m = (rng.random((rows, atoms)) < rng.choice([0.03, 0.1, 0.5])).astype(float)
        m[rng.integers(0, rows)] = 1.0  # a grand total
        augmented = np.hstack([m, np.eye(rows)])
        got, got_pivots = _rref(augmented, atoms)
        want, want_pivots = textbook_rref(augmented, atoms)
        assert got_pivots == want_pivots, trial
        assert np.allclose(got, want, atol=1e-9), trial
        assert np.linalg.matrix_rank(m) == len(got_pivots), trial
