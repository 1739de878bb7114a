"""Disclosure control for every published figure (docs/methods.md, "What we publish").

Primary suppression hides a figure whose base is small or whose count is 1 or
2. Secondary suppression then treats every figure published for one measure
as one system of linked tables (every neighbourhood, every partnership,
overlapping ones included, every period length) and hides more figures until
no sum or difference of what is published gives a hidden figure, or any
group of people below the threshold. Suppressed figures are shown as `c`, the
GSS symbol, and so are their intervals, numerators and denominators.

How the system is read. A published figure adds up "atoms": one
neighbourhood (or benchmark place) over one stretch of days, the stretches cut
at every period boundary of the measure. A partnership's figure for March is
the March atoms of its neighbourhoods; a quarter is its three months. An
intruder who knows every published figure exactly (numerators and
denominators too, the worst case) can work out precisely the groups of atoms
whose indicator lies in the row space of the published figures' indicators:
those are the combinations of sums and differences. So, per measure and per
connected set of atoms, we check with linear algebra that:
  (a) no hidden figure lies in that row space;
  (b) no single atom that can be worked out is small (a count of 1 or 2, or a
      base below the threshold);
  (c) no other group of atoms that can be worked out is small (found by
      listing the 0/1 vectors of the row space over the atoms not already
      pinned down).
While any check fails we hide one more published figure. We try the (up to
8, or 2 in a component of over 100 cells) published figures the failing
derivations use most, smallest base first, and hide the one that leaves the
fewest failures (then the smallest base).
Repeat to a fixed point; the choice is deterministic (ties by place and
period), so the same data always hides the same cells. Where the published
figures leave more than 2^14 combinations to list in (c), we first hide the
smallest figure touching them, so the listing stays complete.

Counts, numerators and denominators are checked separately; quantities are
assumed to add up over places and over time, which is the intruder's best
case (and so ours to defend against): where they do not really add (a year to
date figure), the check only hides more, never less.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import NamedTuple

import numpy as np

from metrics.methods.aggregate import Figure, derived_value
from metrics.methods.intervals import figure_interval, interval_model
from metrics.methods.status import GoalSpec, Point, judge_latest
from metrics.vocab import DEFAULT_SUPPRESS_BELOW, UNIT_SCALE

SUPPRESSED = "c"
EARLIER = "(as published earlier)"  # marks the old version of a revised cell in the linked system
SMALL_COUNTS = (1.0, 2.0)
SMALLEST_PUBLISHED_COUNT = 3
# Past this many independent published combinations over the atoms left free,
# listing every group would take too long: hide more until it is short enough.
MAX_FREE_RANK = 14
# How many cells to try hiding, each by a full check, before choosing one. A
# check of a large component costs more (its matrices grow with its cells
# squared), so there fewer are tried: the fixed point is as safe, a few more
# cells may be hidden, and one steward's school year of overlapping spans no
# longer takes the site's build from a second to many (issue 23, finding 9).
MAX_CANDIDATES = 8
LARGE_COMPONENT = 100  # cells
MAX_CANDIDATES_LARGE = 2
# Past this many failures at once, hide the cell most of them use without trying
# each candidate by a full check: the fixed point is as safe, and each round costs
# one check instead of nine (issue 23, finding 9).
SCORE_UP_TO = 4
_TOL = 1e-7
RREF_CACHE = 4096  # reduced matrices remembered (each a few KB)


def threshold(suppress_below: int | None) -> int:
    """The measure's smallest publishable base (docs/data-contract.md: default 10)."""
    return DEFAULT_SUPPRESS_BELOW if suppress_below is None else suppress_below


def figure_base(unit: str, fig: Figure | None) -> float | None:
    """The base a figure rests on: the denominator of a rate, the sample size
    of a score, the count itself for a count (used to prefer hiding the
    smallest figures); None when it is not known."""
    if fig is None:
        return None
    if unit in UNIT_SCALE:
        return fig.denominator
    if unit == "score":
        return fig.sample_size
    return fig.value


def is_primary_suppressed(unit: str, fig: Figure | None, suppress_below: int | None) -> bool:
    """docs/methods.md, "What we publish": suppress when the base (denominator, or sample size for a
    score) is below the measure's threshold (default 10), or when a count (the
    numerator, or the value of a count measure) is 1 or 2.

    A count measure has no base, so only the 1-or-2 rule applies to it; a rate
    given as a value alone has no known base and no count, so nothing here can
    flag it.
    """
    if fig is None:
        return False
    below = threshold(suppress_below)
    if unit in UNIT_SCALE:
        if fig.denominator is not None and fig.denominator < below:
            return True
        return is_small_count(fig.numerator)
    if unit == "score":
        return fig.sample_size is not None and fig.sample_size < below
    return is_small_count(fig.value)


def is_small_count(x: float | None) -> bool:
    """A count or numerator above 0 but below the smallest publishable count
    (3), whole or not: 1, 2 and a pooled 1.7 alike (issue 22, finding 6)."""
    return x is not None and 0 < x < SMALLEST_PUBLISHED_COUNT


def quantities(unit: str, fig: Figure | None) -> dict[str, float]:
    """The additive parts of a figure that differencing works on, each checked
    on its own: a count; a rate's numerator and denominator; a score's number
    of respondents and the sum of their scores. NaN where not known."""
    nan = math.nan
    if fig is None:
        return {}
    if unit in UNIT_SCALE:
        return {"numerator": nan if fig.numerator is None else fig.numerator, "denominator": nan if fig.denominator is None else fig.denominator}
    if unit == "score":
        n = fig.sample_size
        return {"sample_size": nan if n is None else n, "sum": nan if n is None or fig.value is None else n * fig.value}
    return {"count": nan if fig.value is None else fig.value}


def small_groups(names: list[str], parts: np.ndarray, known: np.ndarray, suppress_below: int | None) -> np.ndarray:
    """Which derived groups would be hidden if they were published: a count (or
    numerator) of 1 or 2, or a base (denominator, number of respondents) above 0
    but below the threshold. `parts` has a row per group and a column per name
    in `names`; unknown parts (`known` false) and negative ones (which a real
    group cannot have) are not small."""
    below = threshold(suppress_below)
    small = np.zeros(len(parts), bool)
    for j, name in enumerate(names):
        x = parts[:, j]
        if name in ("count", "numerator"):
            hit = (x > 1e-6) & (x < SMALLEST_PUBLISHED_COUNT - 1e-6)
        elif name in ("denominator", "sample_size"):
            hit = (x >= 0.5) & (x < below - _TOL)
        else:
            continue
        small |= hit & known[:, j]
    return small


class Cell(NamedTuple):
    """One published figure's identity: measure, place and exact period, and
    whether the id names a place or a partnership (the two are told apart, so a
    board that shares its borough's id cannot merge their figures). A named
    tuple, so hashing one (millions of times in a national publication) is a
    tuple's hash, not a Python method's."""

    measure_id: str
    place_id: str
    period: tuple
    kind: str = "place"  # "place" | "partnership"


@dataclass(frozen=True, slots=True)
class LinkedCell:
    """A published figure as the linked tables see it: which neighbourhoods it
    adds up (a neighbourhood or benchmark place: itself), its unit and its figure."""

    cell: Cell
    places: frozenset[str]
    unit: str
    figure: Figure | None
    suppress_below: int | None = None

    @property
    def base(self) -> float:
        b = figure_base(self.unit, self.figure)
        return math.inf if b is None else float(b)

    def order(self) -> tuple:
        """Smallest first; ties broken by place and period, so the choice is reproducible."""
        return (self.base, self.cell.place_id, self.cell.kind, str(self.cell.period))


def _spans(periods: Iterable[tuple]) -> dict[tuple, range]:
    """Each period's stretches of days, cut at every period boundary of the
    measure (worked out once per period: a national measure has a few hundred
    periods and hundreds of thousands of cells)."""
    periods = set(periods)
    bounds = sorted({p[0] for p in periods} | {p[1] + timedelta(days=1) for p in periods})
    index = {d: i for i, d in enumerate(bounds)}
    return {p: range(index[p[0]], index[p[1] + timedelta(days=1)]) for p in periods}


def _components(cells: list[LinkedCell]) -> tuple[list[list[LinkedCell]], dict[Cell, list[tuple]]]:
    """Cells of one measure split into sets that share no atom (in the order
    of their first cell), and every cell's atoms."""
    spans = _spans(c.cell.period for c in cells)
    made: dict[tuple, list[tuple]] = {}  # one list of atoms for every cell of the same places and period
    atoms = {}
    for c in cells:
        key = (c.places, c.cell.period)
        mine = made.get(key)
        if mine is None:
            mine = made[key] = [(p, s) for p in sorted(c.places) for s in spans[c.cell.period]]
        atoms[c.cell] = mine
    parent: dict[tuple, tuple] = {}

    def find(a: tuple) -> tuple:
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for mine in made.values():
        if len(mine) > 1:  # a cell of one atom joins nothing to anything
            first = find(mine[0])
            for a in mine[1:]:
                root = find(a)
                if root != first:
                    parent[root] = first
    groups: dict[tuple, list[LinkedCell]] = defaultdict(list)
    for c in cells:
        groups[find(atoms[c.cell][0])].append(c)
    return list(groups.values()), atoms


@dataclass
class _Violation:
    """Something an intruder could work out, and the published cells its derivation uses."""

    what: str
    uses: frozenset[Cell]


class _Layout:
    """One component's cells as rows over its atoms and their additive parts,
    worked out once: each check of `_protect` takes the rows still shown."""

    def __init__(self, cells: list[LinkedCell], atoms: dict[Cell, list[tuple]]):
        self.cells = cells
        self.atoms = atoms
        self.universe = sorted({a for c in cells for a in atoms[c.cell]})
        self.col = {a: i for i, a in enumerate(self.universe)}
        self.names = sorted({k for c in cells for k in quantities(c.unit, c.figure)})
        self.matrix = np.zeros((len(cells), len(self.universe)))
        for i, c in enumerate(cells):
            self.matrix[i, [self.col[a] for a in atoms[c.cell]]] = 1.0
        self.values = np.array([[quantities(c.unit, c.figure).get(k, math.nan) for k in self.names] for c in cells]).reshape(len(cells), len(self.names))
        self.missing = np.isnan(self.values)
        self.filled = np.where(self.missing, 0.0, self.values)


class _System:
    """The published cells of one component as a matrix over its atoms, with
    the pseudo-inverse that writes any derivable group as a combination of them."""

    def __init__(self, layout: _Layout, hidden: set[Cell]):
        self.atoms = layout.atoms
        self.universe = layout.universe
        self.col = layout.col
        shown = np.array([c.cell not in hidden for c in layout.cells], bool)
        self.shown = [c for c, s in zip(layout.cells, shown) if s]
        self.hidden = [c for c, s in zip(layout.cells, shown) if not s]
        self.names = layout.names
        self.matrix = layout.matrix[shown]
        self.hidden_matrix = layout.matrix[~shown]
        self.values = layout.values[shown]
        self.missing, self.filled = layout.missing[shown], layout.filled[shown]
        self.shape = _shape(self.matrix, self.hidden_matrix)
        self.pivots, self.combine = self.shape.pivots, self.shape.combine

    def uses(self, coef: np.ndarray) -> frozenset[Cell]:
        return frozenset(self.shown[i].cell for i in np.flatnonzero(np.abs(coef) > 1e-9))

    def parts(self, coef: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each derived group's counts (a row per group, a column per name), and
        whether each is known (false where a cell it uses has no such count)."""
        used = np.abs(coef) > 1e-9
        return coef @ self.filled, ~(used.astype(int) @ self.missing.astype(int)).astype(bool)


class _Shape(NamedTuple):
    """What a check works out from the layout alone (which atoms each shown
    and each hidden cell adds up), not from the figures: the same for every
    component of the same layout, so worked out once for each (`_shape`)."""

    pivots: list[int]
    reduced: np.ndarray  # the shown cells' matrix in reduced row echelon form
    combine: np.ndarray  # which shown cells make each row of `reduced`
    pinned: np.ndarray  # atoms the shown cells pin down one by one
    basis: np.ndarray  # the row space over the atoms not pinned
    vectors: np.ndarray  # the groups checked one by one: each hidden cell, then each pinned atom
    coef: np.ndarray  # the shown cells that give each of `vectors`
    exact: np.ndarray  # whether they give it exactly (an intruder can work it out)
    basis_coef: np.ndarray  # the shown cells that give each row of `basis` (when it is short enough to list)


def _shape(matrix: np.ndarray, hidden_matrix: np.ndarray) -> _Shape:
    shown, hidden = np.ascontiguousarray(matrix, dtype=float), np.ascontiguousarray(hidden_matrix, dtype=float)
    return _shape_of(shown.tobytes(), shown.shape, hidden.tobytes(), hidden.shape)


@functools.lru_cache(maxsize=RREF_CACHE)
def _shape_of(shown_data: bytes, shown_shape: tuple[int, int], hidden_data: bytes, hidden_shape: tuple[int, int]) -> _Shape:
    matrix = np.frombuffer(shown_data, dtype=float).reshape(shown_shape)
    hidden = np.frombuffer(hidden_data, dtype=float).reshape(hidden_shape)
    rows, n = matrix.shape
    # Gauss-Jordan on [published cells | identity]: R = T M in reduced row echelon
    # form, with T saying which published cells make each row of R.
    full, pivots = _rref(np.hstack([matrix, np.eye(rows)]), n)
    reduced, combine = full[:, :n], full[:, n:]

    def solve(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        at_pivots = vectors[:, pivots]
        exact = np.abs(at_pivots @ reduced - vectors).max(axis=1, initial=0.0) < 1e-6
        return at_pivots @ combine, exact

    # An atom is pinned when its pivot row has nothing in any other free column.
    pinned = np.zeros(n, bool)
    others = np.ones(n, bool)
    others[pivots] = False
    pinned[pivots] = ~np.any(np.abs(reduced[:, others]) > 1e-9, axis=1)
    free = np.flatnonzero(~pinned)
    basis = _rref(matrix[:, free])[0] if len(free) else np.zeros((0, 0))
    vectors = np.vstack([hidden, np.eye(n)[pinned]])
    coef, exact = solve(vectors)
    basis_coef = np.zeros((0, rows))
    if 0 < len(basis) <= MAX_FREE_RANK:
        rows_full = np.zeros((len(basis), n))
        rows_full[:, free] = basis
        basis_coef, _ = solve(rows_full)  # each basis row is in the row space: its counts are linear in it
    for a in (pinned, vectors, coef, exact, basis_coef):
        a.flags.writeable = False
    return _Shape(pivots, reduced, combine, pinned, basis, vectors, coef, exact, basis_coef)


def _rref(m: np.ndarray, pivot_columns: int | None = None) -> tuple[np.ndarray, list[int]]:
    """Reduced row echelon form (floating point, partial pivoting) with pivots
    sought in the first `pivot_columns` columns only; zero rows dropped. Plain
    row operations, no LAPACK: these matrices are small, and a threaded
    decomposition of a small matrix on a busy machine is many times slower.

    Remembered by the matrix's bytes: a national publication's components
    repeat a few layouts (one partnership's neighbourhoods, month after month),
    and most checks reduce a matrix already reduced. The result is read-only."""
    m = np.ascontiguousarray(m, dtype=float)
    return _rref_of(m.tobytes(), m.shape, pivot_columns)


@functools.lru_cache(maxsize=RREF_CACHE)
def _rref_of(data: bytes, shape: tuple[int, int], pivot_columns: int | None) -> tuple[np.ndarray, list[int]]:
    m = np.frombuffer(data, dtype=float).reshape(shape).copy()
    rows = m.shape[0]
    cols = m.shape[1] if pivot_columns is None else pivot_columns
    r, pivots = 0, []
    for c in range(cols):
        if r == rows:
            break
        p = r + int(np.argmax(np.abs(m[r:, c])))
        if abs(m[p, c]) < _TOL:
            continue
        m[[r, p]] = m[[p, r]]
        m[r] /= m[r, c]
        factors = m[:, c].copy()
        factors[r] = 0.0
        rows_to_clear = np.flatnonzero(factors)  # the matrices are sparse: most rows have nothing to clear
        m[rows_to_clear] -= np.outer(factors[rows_to_clear], m[r])
        pivots.append(c)
        r += 1
    m[np.abs(m) < 1e-10] = 0.0
    out = m[:r]
    out.flags.writeable = False
    return out, pivots


@functools.cache
def _picks(rank: int) -> np.ndarray:
    """Every non-empty choice of `rank` rows, as 0/1 rows (2^rank - 1 of them)."""
    return ((np.arange(1, 2**rank)[:, None] >> np.arange(rank)) & 1).astype(float)


def _violations(system: _System, unit: str, suppress_below: int | None, count_only: bool = False) -> list[_Violation] | int:
    """Everything in this component an intruder could work out that must stay
    hidden (with `count_only`, how many such things)."""
    if not system.shown:
        return 0 if count_only else []
    shape = system.shape
    pinned, basis = shape.pinned, shape.basis
    if len(basis) > MAX_FREE_RANK:  # too many combinations to list: hide more first
        touching = frozenset(c.cell for c in system.shown if any(not pinned[system.col[a]] for a in system.atoms[c.cell]))
        return 1 if count_only else [_Violation("too many combinations to check", touching)]
    vectors, coef, exact = shape.vectors, shape.coef, shape.exact
    parts, known = system.parts(coef)
    is_hidden_cell = np.arange(len(vectors)) < len(system.hidden)
    bad = exact & (is_hidden_cell | small_groups(system.names, parts, known, suppress_below))
    found = [
        (f"{system.hidden[i].cell} can be worked out" if is_hidden_cell[i] else f"atom {system.universe[int(np.argmax(vectors[i]))]} is small", coef[i])
        for i in np.flatnonzero(bad)
    ]
    if len(basis):  # (c) every other group of atoms the published cells pin down
        picks = _picks(len(basis))
        basis_coef = shape.basis_coef
        basis_parts, basis_known = system.parts(basis_coef)
        # The counts of every combination are cheap (a few columns); only the
        # small ones need the costly test of being a group (0/1 over the atoms).
        known = (picks @ (~basis_known).astype(float)) < 0.5
        small = np.flatnonzero(small_groups(system.names, picks @ basis_parts, known, suppress_below))
        combos = picks[small] @ basis
        zero_one = np.all((np.abs(combos) < 1e-6) | (np.abs(combos - 1.0) < 1e-6), axis=1)
        for i, combo in zip(small[zero_one], combos[zero_one]):
            found.append((f"a group of {int(combo.sum())} atoms is small", picks[i] @ basis_coef))
    found += _disagreements(system, suppress_below, pinned)
    violations = [_Violation(what, system.uses(c)) for what, c in found] + _bound_violations(system)
    return len(violations) if count_only else violations


def _disagreements(system: _System, suppress_below: int | None, pinned: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Where published figures do not add up as their areas say (two
    neighbourhoods made of one ward, with different counts: they are not of
    the same events), a derivation can give another value than the one the
    checks above worked out, or an atom below 0, so that a sum of atoms none
    of them small (-3 and 4) is small. Then every difference of two published figures,
    one within the other, is also checked: it is no group the areas define,
    but it can be a few people, and must not be small either. Skipped, at the
    cost of one product, when the figures agree."""
    m = system.matrix
    if not len(m) or not len(system.names):
        return []
    known, values = ~system.missing, system.filled
    solution = np.zeros((len(system.universe), len(system.names)))
    solution[system.pivots] = system.combine @ values
    if known.all() and np.all(np.abs(m @ solution - values) < 1e-6) and np.all(solution[pinned] > -1e-6):
        return []  # they add up, and no atom they pin is below 0 (which no group of people can be)
    size = m.sum(axis=1)
    inside = (m @ m.T) >= size[None, :] - 1e-9  # inside[a, b]: b's atoms are all a's
    np.fill_diagonal(inside, False)
    a, b = np.nonzero(inside)
    small = small_groups(system.names, values[a] - values[b], known[a] & known[b], suppress_below)
    out = []
    for i in np.flatnonzero(small):
        coef = np.zeros(len(m))
        coef[a[i]], coef[b[i]] = 1.0, -1.0
        out.append((f"{system.shown[a[i]].cell} minus {system.shown[b[i]].cell} is small", coef))
    return out


def _at_bound(c: LinkedCell) -> bool:
    """A published figure at a bound of what its parts can be: a count of 0, a
    numerator of 0, or a numerator equal to its base (0% or 100%). Each of its
    atoms is then pinned too, since no part of a count is below 0 and no part
    of a numerator above its own base."""
    f = c.figure
    if f is None:
        return False
    if c.unit in UNIT_SCALE:
        return f.numerator is not None and (abs(f.numerator) < _TOL or (f.denominator is not None and f.denominator > 0 and abs(f.numerator - f.denominator) < _TOL))
    if c.unit == "score":
        return False
    return f.value is not None and abs(f.value) < _TOL


def _bound_violations(system: _System) -> list[_Violation]:
    """Hidden figures whose every atom lies in published figures at a bound
    (issue 22, finding 2, as tau-ARGUS audits with bounds): 0 <= numerator <=
    base and 0 <= count pin them, whatever else is hidden."""
    if not system.hidden:
        return []
    at_bound = [c for c in system.shown if _at_bound(c)]
    pinned = {a for c in at_bound for a in system.atoms[c.cell]}
    out = []
    for h in system.hidden:
        mine = set(system.atoms[h.cell])
        if mine <= pinned:
            out.append(_Violation(f"{h.cell} is pinned by bounds", frozenset(c.cell for c in at_bound if mine & set(system.atoms[c.cell]))))
    return out


def _protect(cells: list[LinkedCell], atoms: dict[Cell, list[tuple]], hidden: set[Cell], known: frozenset[Cell] = frozenset()) -> set[Cell]:
    """Hide more cells of one component until nothing in it can be worked out.
    `known` cells were shown by an earlier publication: hiding them now hides
    nothing, so they are never chosen, and what they alone give away was given
    away then (it cannot be taken back, so it does not make us hide more)."""
    hidden = set(hidden)
    layout = _Layout(cells, atoms)
    while True:
        problems = _open_violations(layout, hidden, known)
        if not problems:
            return hidden
        by_cell = {c.cell: c for c in cells}
        used = defaultdict(int)
        for p in problems:
            for cell in p.uses:
                used[cell] += 1
        # The cells most derivations use, smallest first; of those, the one that
        # leaves the fewest failures when hidden (then the smallest base).
        rank = lambda cell: (-used[cell], by_cell[cell].order())  # noqa: E731
        if len(problems) > SCORE_UP_TO:
            # Many failures: in one round, hide for each failure not yet met the
            # cell most failures use (each round is one check, not one per cell).
            chosen: set[Cell] = set()
            for p in problems:
                if p.uses and not (p.uses & chosen):
                    chosen.add(min(p.uses, key=rank))
            if chosen:
                hidden |= chosen
                continue
        candidates = sorted(used, key=rank)[: MAX_CANDIDATES if len(cells) <= LARGE_COMPONENT else MAX_CANDIDATES_LARGE]
        if len(candidates) > 1:
            scored = [(_count_violations(layout, hidden | {cell}, known), i, cell) for i, cell in enumerate(candidates)]
            candidates = [min(scored)[2]]
        hidden.add(candidates[0])


def _open_violations(layout: _Layout, hidden: set[Cell], known: frozenset[Cell]) -> list[_Violation]:
    """What hiding more could still prevent: each violation with the cells its
    derivation uses that are not already known; those that use only known
    cells are dropped (given away by an earlier publication)."""
    first = layout.cells[0]
    found = _violations(_System(layout, hidden), first.unit, first.suppress_below)
    return [_Violation(p.what, left) for p in found if (left := p.uses - known)]  # type: ignore[union-attr]


def _count_violations(layout: _Layout, hidden: set[Cell], known: frozenset[Cell]) -> int:
    if not known:  # the quick count, without building each violation
        first = layout.cells[0]
        return _violations(_System(layout, hidden), first.unit, first.suppress_below, count_only=True)  # type: ignore[return-value]
    return len(_open_violations(layout, hidden, known))


def same_figures(a: LinkedCell, b: LinkedCell) -> bool:
    """Two versions of a cell an intruder cannot tell apart: the same atoms and
    the same additive parts (a revised figure is another equation)."""
    if a.places != b.places or a.unit != b.unit:
        return False
    qa, qb = quantities(a.unit, a.figure), quantities(b.unit, b.figure)
    return qa.keys() == qb.keys() and all(
        (math.isnan(qa[k]) and math.isnan(qb[k])) or abs(qa[k] - qb[k]) < 1e-9 for k in qa
    )


def linked_suppression(cells: Iterable[LinkedCell], earlier: Iterable[LinkedCell] = ()) -> set[Cell]:
    """The cells to show as `c` (see `suppression_with_earlier`)."""
    return suppression_with_earlier(cells, earlier)[0]


def suppression_with_earlier(cells: Iterable[LinkedCell], earlier: Iterable[LinkedCell] = ()) -> tuple[set[Cell], frozenset[Cell]]:
    """Every cell to show as `c`: primary suppressions, then secondary ones
    until, measure by measure, no published sum or difference gives a hidden
    figure or a group below the threshold (see the module docstring).

    `earlier` holds what earlier publications showed (the ledger, issue 22,
    finding 4): an intruder who kept the old site knows those figures, so they
    are part of the system. A cell shown before with the same figures stays
    shown (hiding it now would hide nothing); one no longer published is still
    known; one revised since stays in the system in its old version, as a
    cell of its own. Returns this publication's hidden cells, and the cells
    known from earlier publications (this publication's cells among them are
    the ones shown before with the same figures: not new to the ledger)."""
    cells = list({c.cell: c for c in cells}.values())
    hidden = {c.cell for c in cells if is_primary_suppressed(c.unit, c.figure, c.suppress_below)}
    now = {c.cell: c for c in cells}
    known: set[Cell] = set()
    extra: list[LinkedCell] = []
    for old in {c.cell: c for c in earlier}.values():
        current = now.get(old.cell)
        if current is None:
            extra.append(old)
            known.add(old.cell)
        elif old.cell not in hidden and same_figures(current, old):
            known.add(old.cell)
        else:
            # Revised since (or hidden now): the old figure is still an equation
            # over the atoms that did not change, so it stays in the system as a
            # cell of its own, known and never hidden (issue 22, finding 4b).
            was = replace(old, cell=old.cell._replace(kind=f"{old.cell.kind} {EARLIER}"))
            extra.append(was)
            known.add(was.cell)
    by_measure: dict[str, list[LinkedCell]] = defaultdict(list)
    for c in cells + extra:
        by_measure[c.cell.measure_id].append(c)
    frozen = frozenset(known)
    for measure in sorted(by_measure):
        groups, atoms = _components(by_measure[measure])
        for group in groups:
            mine = {c.cell for c in group} & hidden
            if mine or not _every_atom_published_alone(group, atoms):
                hidden |= _protect(group, atoms, mine, frozen)
    return hidden, frozen


def _every_atom_published_alone(group: list[LinkedCell], atoms: dict[Cell, list[tuple]]) -> bool:
    """Nothing hidden and every atom published on its own (each neighbourhood's
    month, say, beside the totals): then anything that can be worked out is a
    sum of published figures, none small, so no sum of them is small either
    (counts of 0 or at least 3, bases of 0 or at least the threshold). The
    common case, checked without any linear algebra. It holds only where the
    figures add up as their areas say: each figure the sum of its atoms'
    own figures, every figure of one atom the same (else differences are not
    sums, `_disagreements`)."""
    alone: dict[tuple, dict[str, float]] = {}
    larger = []
    for c in group:
        mine = atoms[c.cell]
        q = quantities(c.unit, c.figure)
        if len(mine) > 1:
            larger.append((mine, q))
        elif any(math.isnan(x) for x in q.values()) or alone.setdefault(mine[0], q) != q:
            return False
    for mine, q in larger:
        if any(a not in alone for a in mine):
            return False
        if any(abs(x - sum(alone[a][k] for a in mine)) > 1e-6 for k, x in q.items()):
            return False
    return True


# --- derived outputs: may the status of a hidden latest figure be shown? ------


def protected_figures(unit: str, fig: Figure | None, suppress_below: int | None) -> list[Figure] | None:
    """The figures a hidden cell stands in for, as far as suppression protects
    them: every count below the smallest publishable count (0, 1, 2) over its
    base; for a base below the threshold, every numerator over every such base.
    None when any value at all is protected (a mean score of a few people)."""
    below = threshold(suppress_below)
    if unit in UNIT_SCALE:
        if fig is None or fig.denominator is None:
            return None
        if fig.denominator < below:
            return [Figure(None, float(x), float(d)) for d in range(1, below) for x in range(d + 1)]
        return [Figure(None, float(x), fig.denominator) for x in range(SMALLEST_PUBLISHED_COUNT) if x <= fig.denominator]
    if unit == "count":
        return [Figure(float(x)) for x in range(SMALLEST_PUBLISHED_COUNT)]
    return None


def status_gives_nothing_away(spec: GoalSpec, status: str, fig: Figure | None, period: tuple, suppress_below: int | None) -> bool:
    """True when a hidden latest figure's status may be published (docs/methods.md, "What we publish"):
    every figure the suppression protects would have given the same status, so
    the status cannot tell them apart, nor tell a small figure from the real one."""
    zone = protected_figures(spec.unit, fig, suppress_below)
    if zone is None:
        return False
    for f in zone:
        value = derived_value(spec.unit, f)
        ci = figure_interval(spec.unit, f, interval_model(spec.unit, spec.max_value))
        point = Point(period[0], period[1], value, ci[0] if ci else None, ci[1] if ci else None)
        if judge_latest(spec, point)[0] != status:
            return False
    return True
