"""Figures, derived values and partnership-wide aggregates (docs/methods.md).

A partnership's figure for a period is built from its neighbourhoods' figures
for exactly that period, and only when every neighbourhood has one. Rates are
always a ratio of sums, never a mean of rates, so that a partnership of one
large and one small neighbourhood is weighted by what was counted. The same
functions roll benchmark places up (local areas to a region to the nation).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from metrics.vocab import UNIT_SCALE, UNITS


@dataclass(frozen=True, slots=True)
class Figure:
    """One observation's figures in the measure's unit; None means missing.

    `value` is the figure as given (a percentage, a rate per 1,000, 10,000 or
    100,000, a count or a mean score). `numerator` and `denominator` carry a
    percent or rate; `sample_size` and `std_dev` carry a score; `ci_low` and
    `ci_high` a publisher's own 95% interval (docs/data-contract.md, observations).
    """

    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    sample_size: float | None = None
    std_dev: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None

    @property
    def published_interval(self) -> tuple[float, float] | None:
        """The publisher's own interval, when the figure came with one and its value."""
        if self.value is None or self.ci_low is None or self.ci_high is None:
            return None
        return self.ci_low, self.ci_high


@dataclass(frozen=True)
class PeriodFigure:
    """A partnership-wide figure for one period, with how many neighbourhoods had data.

    `figure` is None when the period is incomplete or, though complete, cannot
    be aggregated (for example a percent row without a numerator). Pages show an
    incomplete period as "incomplete (k of n neighbourhoods)" (docs/methods.md, "Figures for a whole partnership").
    """

    period_start: date
    period_end: date
    figure: Figure | None
    places_with_data: int
    places_total: int

    @property
    def complete(self) -> bool:
        """True when every neighbourhood has an available figure for the period."""
        return self.places_total > 0 and self.places_with_data == self.places_total


def unit_scale(unit: str) -> float:
    """The multiplier of a ratio unit: 100 for percent, 1,000 for rate_per_1000, ... (docs/methods.md, "Units")."""
    if unit not in UNIT_SCALE:
        raise ValueError(f"unit {unit!r} is not a ratio unit; ratio units are {sorted(UNIT_SCALE)}")
    return UNIT_SCALE[unit]


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}")


def has_ratio_parts(fig: Figure) -> bool:
    """True when a figure carries both a numerator and a positive denominator.

    Only such a figure can be summed into a partnership rate or given a Wilson
    interval (docs/methods.md; docs/data-contract.md, observations).
    """
    return fig.numerator is not None and fig.denominator is not None and fig.denominator > 0


def derived_value(unit: str, fig: Figure) -> float | None:
    """The value the methods judge: numerator / denominator x scale when both are known, else value.

    docs/methods.md, "Units": for percent and the rates the figure is derived
    from its parts so that a rounded `value` in a source file never outranks the
    counts it was rounded from. Counts and scores are their value. A value that
    came with its publisher's interval is the publisher's estimate and is used
    as given: the interval belongs to it, and published counts may be rounded.
    """
    _check_unit(unit)
    if fig.published_interval is not None:
        return fig.value
    if unit in UNIT_SCALE and has_ratio_parts(fig):
        return fig.numerator / fig.denominator * UNIT_SCALE[unit]  # type: ignore[operator]
    return fig.value


def derived_value_sql(unit: str, value: str, numerator: str, denominator: str, ci_low: str, ci_high: str) -> str:
    """`derived_value` as a DuckDB expression over columns (SQL text), for the
    importer, which stores every row's judged figure in bulk. The same rules in
    the same order; tests/test_aggregate.py checks the two agree on random rows."""
    scale = "CASE " + unit + " " + " ".join(f"WHEN '{u}' THEN {s!r}" for u, s in UNIT_SCALE.items()) + " END"
    ratio_units = "(" + ", ".join(f"'{u}'" for u in UNIT_SCALE) + ")"
    return (
        f"CASE WHEN {value} IS NOT NULL AND {ci_low} IS NOT NULL AND {ci_high} IS NOT NULL THEN {value} "
        f"WHEN {unit} IN {ratio_units} AND {numerator} IS NOT NULL AND {denominator} IS NOT NULL AND {denominator} > 0 "
        f"THEN {numerator} / {denominator} * ({scale}) "
        f"ELSE {value} END"
    )


def is_available(unit: str, fig: Figure | None) -> bool:
    """True when an observation has a figure at all.

    A row stored as unavailable (a GSS symbol such as `c` in place of the
    number) has no value and no numerator/denominator, and counts as missing
    for completeness and for the latest value (docs/methods.md).
    """
    return fig is not None and derived_value(unit, fig) is not None


def ratio_of_sums(unit: str, figures: Sequence[Figure]) -> Figure | None:
    """Sum of numerators / sum of denominators x scale (docs/methods.md, "Figures for a whole partnership", percent and the rates).

    Never the mean of the rates: each place counts in proportion to its base.
    A row without numerator and denominator makes the period not aggregable.
    """
    if not figures or not all(has_ratio_parts(f) for f in figures):
        return None
    numerator = math.fsum(f.numerator for f in figures)  # type: ignore[misc]
    denominator = math.fsum(f.denominator for f in figures)  # type: ignore[misc]
    return Figure(
        value=numerator / denominator * unit_scale(unit),
        numerator=numerator,
        denominator=denominator,
    )


def sum_of_counts(figures: Sequence[Figure]) -> Figure | None:
    """A partnership count is the sum of its neighbourhoods' counts (docs/methods.md, "Figures for a whole partnership")."""
    if not figures or any(f.value is None for f in figures):
        return None
    return Figure(value=math.fsum(f.value for f in figures))  # type: ignore[misc]


def pooled_std_dev(figures: Sequence[Figure], mean: float) -> float | None:
    """The standard deviation of all respondents pooled, from each group's n, mean and sd.

    docs/methods.md, "Figures for a whole partnership": sqrt((sum((n_i - 1) s_i^2) + sum(n_i (x_i - x)^2)) / (N - 1)),
    the within-group plus the between-group sum of squares. Defined only when
    every s_i is known and N > 1; otherwise None (no interval can follow).
    """
    if any(f.std_dev is None for f in figures):
        return None
    total = math.fsum(f.sample_size for f in figures)  # type: ignore[misc]
    if total <= 1:
        return None
    within = math.fsum((f.sample_size - 1) * f.std_dev**2 for f in figures)  # type: ignore[operator]
    between = math.fsum(f.sample_size * (f.value - mean) ** 2 for f in figures)  # type: ignore[operator]
    return math.sqrt((within + between) / (total - 1))


def weighted_mean_score(figures: Sequence[Figure]) -> Figure | None:
    """A partnership score: the sample-weighted mean sum(n_i x_i) / sum(n_i) (docs/methods.md, "Figures for a whole partnership").

    This is the mean of every respondent's score, as if the surveys were one.
    Every row needs its value and sample size; the pooled standard deviation
    is attached when every row's standard deviation is known.
    """
    if not figures or any(f.value is None or f.sample_size is None for f in figures):
        return None
    total = math.fsum(f.sample_size for f in figures)  # type: ignore[misc]
    if total <= 0:
        return None
    mean = math.fsum(f.sample_size * f.value for f in figures) / total  # type: ignore[operator]
    return Figure(value=mean, sample_size=total, std_dev=pooled_std_dev(figures, mean))


def aggregate_figures(unit: str, figures: Sequence[Figure]) -> Figure | None:
    """One figure for a set of places in one period, by the unit's rule (docs/methods.md, "Figures for a whole partnership").

    percent / rates: ratio of sums; count: sum; score: sample-weighted
    mean with pooled sd. None when any row lacks what its unit's rule needs.
    """
    _check_unit(unit)
    if unit in UNIT_SCALE:
        return ratio_of_sums(unit, figures)
    if unit == "count":
        return sum_of_counts(figures)
    return weighted_mean_score(figures)


def partnership_series(
    unit: str,
    rows: Iterable[tuple[str, date, date, Figure]],
    neighbourhoods: Sequence[str],
) -> list[PeriodFigure]:
    """Every period any neighbourhood reported, with the partnership figure where it exists.

    docs/methods.md, "Figures for a whole partnership": a period is the exact pair (period_start, period_end); it is
    complete only when every neighbourhood has a row with an available figure
    for it. Rows for other places are ignored; two rows for the same place and
    period are an error (the store resolves revisions before this point).
    Figures are combined in place_id order, so the result never depends on the
    order of `rows`. Sorted by period_end, then period_start.
    """
    _check_unit(unit)
    members = set(neighbourhoods)
    periods: dict[tuple[date, date], dict[str, Figure]] = {}
    for place_id, start, end, fig in rows:
        if place_id not in members:
            continue
        by_place = periods.setdefault((start, end), {})
        if place_id in by_place:
            raise ValueError(
                f"two observations for place {place_id!r} and period {start} to {end}; "
                "pass one row per place and period (the current revision)"
            )
        by_place[place_id] = fig
    series = []
    for (start, end), by_place in sorted(periods.items(), key=lambda item: (item[0][1], item[0][0])):
        available = {p: f for p, f in by_place.items() if is_available(unit, f)}
        complete = len(members) > 0 and len(available) == len(members)
        figure = aggregate_figures(unit, [available[p] for p in sorted(available)]) if complete else None
        series.append(
            PeriodFigure(
                period_start=start,
                period_end=end,
                figure=figure,
                places_with_data=len(available),
                places_total=len(members),
            )
        )
    return series
