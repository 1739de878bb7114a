"""Confidence intervals (docs/methods.md, "Confidence intervals"), against published examples and hand calculation."""

from __future__ import annotations

import math

import pytest

from metrics.methods.aggregate import Figure
from metrics.methods.intervals import Z95, byar_interval, figure_interval, mean_interval, wilson_interval

# Newcombe RG (1998), "Two-sided confidence intervals for the single proportion:
# comparison of seven methods", Statistics in Medicine 17:857-872, Table II,
# method 3 (score interval without continuity correction): the examples also in
# Newcombe & Altman, "Statistics with confidence", which PHEindicatormethods cites
# for its wilson_lower / wilson_upper.
NEWCOMBE_TABLE_II = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
    (29, 29, 0.8830, 1.0000),
]


@pytest.mark.parametrize(("x", "n", "low", "high"), NEWCOMBE_TABLE_II)
def test_wilson_interval_matches_newcombe_published_examples(x, n, low, high):
    got_low, got_high = wilson_interval(x, n, scale=1.0)
    assert got_low == pytest.approx(low, abs=5e-5)
    assert got_high == pytest.approx(high, abs=5e-5)


def test_wilson_interval_by_hand_for_65_of_100_as_a_percentage():
    # PHEindicatormethods' own test input (tests/testthat/testWilson.R: 65 of 100).
    # z^2 = 1.959964^2 = 3.841458881
    # 2x + z^2 = 130 + 3.841458881 = 133.841458881
    # 4x(1 - x/n) = 260 x 0.35 = 91; sqrt(3.841458881 + 91) = 9.738657961
    # z x 9.738657961 = 19.087419; 2(n + z^2) = 207.682917763
    # lower = (133.841458881 - 19.087419) / 207.682917763 = 0.5525444
    # upper = (133.841458881 + 19.087419) / 207.682917763 = 0.7363575
    low, high = wilson_interval(65, 100)
    assert low == pytest.approx(55.25444, abs=1e-4)
    assert high == pytest.approx(73.63575, abs=1e-4)


def test_wilson_interval_scales_to_rate_per_1000():
    per_one = wilson_interval(15, 148, scale=1.0)
    per_thousand = wilson_interval(15, 148, scale=1000.0)
    assert per_thousand[0] == pytest.approx(per_one[0] * 1000)
    assert per_thousand[1] == pytest.approx(per_one[1] * 1000)


def test_wilson_interval_stays_within_0_and_100_percent():
    assert wilson_interval(0, 5)[0] == 0.0
    assert wilson_interval(5, 5)[1] == 100.0


def test_wilson_interval_rejects_a_numerator_above_its_denominator():
    with pytest.raises(ValueError):
        wilson_interval(11, 10)
    with pytest.raises(ValueError):
        wilson_interval(0, 0)


def test_byar_interval_by_hand_for_10_events():
    # lower: 1/(9 x 10) = 0.0111111; z/(3 sqrt 10) = 1.959964/9.486833 = 0.2065983
    #        (1 - 0.0111111 - 0.2065983)^3 = 0.7822905^3 = 0.4787450; x 10 = 4.787450
    # upper: x + 1 = 11; 1/99 = 0.0101010; z/(3 sqrt 11) = 1.959964/9.949874 = 0.1969838
    #        (1 - 0.0101010 + 0.1969838)^3 = 1.1868828^3 = 1.6719508; x 11 = 18.391459
    low, high = byar_interval(10)
    assert low == pytest.approx(4.787450, abs=1e-5)
    assert high == pytest.approx(18.391459, abs=1e-5)


def test_byar_interval_of_zero_has_lower_limit_zero():
    # upper: 1 x (1 - 1/9 + 1.959964/3)^3 = (0.8888889 + 0.6533213)^3 = 1.5422102^3 = 3.668012
    low, high = byar_interval(0)
    assert low == 0.0
    assert high == pytest.approx(3.668012, abs=1e-5)


def _poisson_cdf(k: int, lam: float) -> float:
    logs = [-lam + i * math.log(lam) - math.lgamma(i + 1) for i in range(k + 1)]
    top = max(logs)
    return math.exp(top) * math.fsum(math.exp(v - top) for v in logs)


def _bisect(f, lo: float, hi: float) -> float:
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
    return (lo + hi) / 2


def _exact_poisson_interval(x: int) -> tuple[float, float]:
    """The exact (Garwood) 95% limits, by solving the Poisson tail equations."""
    top = x + 50 * math.sqrt(x) + 50
    low = _bisect(lambda lam: 0.025 - (1 - _poisson_cdf(x - 1, lam)), 1e-9, top)
    high = _bisect(lambda lam: _poisson_cdf(x, lam) - 0.025, x, top)
    return low, high


def test_exact_poisson_reference_reproduces_published_limits_for_10():
    # Garwood's exact limits for 10 events, as tabulated (e.g. Breslow & Day 1987): 4.7954 to 18.3904.
    low, high = _exact_poisson_interval(10)
    assert low == pytest.approx(4.7954, abs=1e-4)
    assert high == pytest.approx(18.3904, abs=1e-4)


@pytest.mark.parametrize("x", [10, 11, 20, 50, 65, 100, 389, 1045])
def test_byar_interval_is_within_0_2_percent_of_exact_for_10_or_more_events(x):
    # PHE, "Technical Guide: Confidence Intervals": for 95% intervals Byar's method is
    # within 0.2% of the exact value for numerators of 10 or more.
    exact_low, exact_high = _exact_poisson_interval(x)
    low, high = byar_interval(x)
    assert abs(low - exact_low) / exact_low < 0.002
    assert abs(high - exact_high) / exact_high < 0.002


def test_mean_interval_by_hand():
    # 47.1 -+ 1.959964 x 12 / sqrt(144) = 47.1 -+ 1.959964
    low, high = mean_interval(47.1, 12.0, 144)
    assert low == pytest.approx(45.140036)
    assert high == pytest.approx(49.059964)


def test_mean_interval_needs_a_standard_deviation():
    assert mean_interval(47.1, None, 144) is None
    assert mean_interval(47.1, 12.0, None) is None


def test_percent_figure_uses_wilson_on_numerator_and_denominator():
    fig = Figure(value=65.0, numerator=65, denominator=100)
    assert figure_interval("percent", fig) == wilson_interval(65, 100)


def test_percent_figure_with_only_a_value_has_no_interval():
    assert figure_interval("percent", Figure(value=93.7)) is None


def test_rate_per_1000_figure_of_a_share_measure_uses_wilson_times_1000():
    fig = Figure(value=101.35, numerator=15, denominator=148)
    assert figure_interval("rate_per_1000", fig, model="wilson") == wilson_interval(15, 148, scale=1000.0)


def test_rate_of_events_uses_byar_on_the_numerator():
    # 1,045 incidents among 500 young people: 2,090 per 1,000, not a share
    # (the model of a rate measure without a ceiling, tests/test_interval_model.py).
    low, high = figure_interval("rate_per_1000", Figure(value=2090.0, numerator=1045, denominator=500))
    byar_low, byar_high = byar_interval(1045)
    assert low == pytest.approx(byar_low / 500 * 1000)
    assert high == pytest.approx(byar_high / 500 * 1000)


def test_count_figure_uses_byar_on_the_value():
    assert figure_interval("count", Figure(value=10)) == byar_interval(10)


def test_score_figure_uses_the_mean_interval_when_sd_is_known():
    fig = Figure(value=47.1, sample_size=144, std_dev=12.0)
    assert figure_interval("score", fig) == mean_interval(47.1, 12.0, 144)
    assert figure_interval("score", Figure(value=47.1, sample_size=144)) is None


def test_unavailable_figure_has_no_interval():
    for unit in ("percent", "rate_per_1000", "count", "score"):
        assert figure_interval(unit, Figure(value=None)) is None


def test_z_is_the_95_percent_normal_quantile():
    # Phi(1.959964) = 0.975, to the precision docs/methods.md states.
    assert 0.5 * math.erfc(-Z95 / math.sqrt(2)) == pytest.approx(0.975, abs=1e-7)
