"""Properties of the methods that must hold for any data (docs/methods.md)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.methods.aggregate import Figure, aggregate_figures, partnership_series
from metrics.methods.intervals import byar_interval, wilson_interval
from metrics.methods.spc import point_types
from metrics.methods.status import GoalSpec, Point, goal_status

DIRECTIONS = ("higher_is_better", "lower_is_better")
T0 = date(2025, 7, 31)
T1 = date(2027, 7, 31)


@st.composite
def neighbourhood_counts(draw):
    """(numerator, denominator) pairs, as a school system exports them: whole sessions."""
    denominator = draw(st.integers(min_value=1, max_value=10**7))
    numerator = draw(st.integers(min_value=0, max_value=denominator))
    return numerator, denominator


@given(st.lists(neighbourhood_counts(), min_size=1, max_size=12), st.sampled_from(["percent", "rate_per_1000"]))
def test_partnership_rate_lies_between_its_neighbourhoods_rates(parts, unit):
    scale = 100.0 if unit == "percent" else 1000.0
    figures = [Figure(None, numerator=x, denominator=n) for x, n in parts]
    rates = [x / n * scale for x, n in parts]
    value = aggregate_figures(unit, figures).value
    slack = 1e-9 * scale
    assert min(rates) - slack <= value <= max(rates) + slack


@given(st.lists(neighbourhood_counts(), min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_partnership_series_does_not_depend_on_row_order(parts, rnd):
    places = [f"n{i}" for i in range(len(parts))]
    rows = [(p, T0, T1, Figure(None, numerator=x, denominator=n)) for p, (x, n) in zip(places, parts)]
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    assert partnership_series("percent", rows, places) == partnership_series("percent", shuffled, places[::-1])


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(st.lists(finite, min_size=2, max_size=40))
def test_swapping_direction_swaps_improvement_and_concern(values):
    swap = {"improvement": "concern", "concern": "improvement", "common_cause": "common_cause"}
    higher = point_types(values, "higher_is_better")
    lower = point_types(values, "lower_is_better")
    assert lower == [swap[t] for t in higher]


@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=2, max_size=40))
def test_point_types_are_always_one_of_the_three(values):
    assert set(point_types(values, "higher_is_better")) <= {"common_cause", "improvement", "concern"}


@given(neighbourhood_counts())
def test_wilson_interval_contains_the_rate(parts):
    x, n = parts
    low, high = wilson_interval(x, n)
    assert 0.0 <= low <= x / n * 100 + 1e-9
    assert x / n * 100 - 1e-9 <= high <= 100.0


@given(st.integers(min_value=0, max_value=10**6))
def test_byar_interval_contains_the_count(x):
    low, high = byar_interval(x)
    assert 0.0 <= low <= x < high


@st.composite
def goal_and_series(draw):
    baseline = draw(st.floats(min_value=50, max_value=99, allow_nan=False))
    step = draw(st.floats(min_value=0.1, max_value=5, allow_nan=False))
    direction = draw(st.sampled_from(DIRECTIONS))
    target = baseline + step if direction == "higher_is_better" else baseline - step
    goal = GoalSpec(baseline, T0, target, T1, direction, "percent")
    offsets = draw(st.lists(st.integers(min_value=-400, max_value=1000), min_size=0, max_size=30, unique=True))
    series = []
    for offset in offsets:
        end = T0 + timedelta(days=offset)
        value = draw(st.none() | st.floats(min_value=40, max_value=100, allow_nan=False))
        width = draw(st.none() | st.floats(min_value=0, max_value=5, allow_nan=False))
        low, high = (None, None) if value is None or width is None else (value - width, value + width)
        series.append(Point(end - timedelta(days=30), end, value, low, high))
    nation = draw(st.none() | st.floats(min_value=40, max_value=100, allow_nan=False))
    return goal, series, nation


@settings(max_examples=200)
@given(goal_and_series(), st.randoms(use_true_random=False))
def test_goal_status_never_depends_on_the_order_of_the_series(case, rnd):
    goal, series, nation = case
    shuffled = series[:]
    rnd.shuffle(shuffled)
    assert goal_status(goal, shuffled, nation) == goal_status(goal, series, nation)
