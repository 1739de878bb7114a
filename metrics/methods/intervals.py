"""95% confidence intervals (docs/methods.md, "Confidence intervals").

The methods of England's public health indicators (PHEindicatormethods, and
PHE's "Technical Guide: Confidence Intervals"): Wilson's score interval for a
proportion or rate, Byar's approximation for a count, and the normal interval
for a mean score. Sessions of the same pupil are not independent, so intervals
on attendance are narrower than the real uncertainty; the methods page says so.
"""

from __future__ import annotations

import math

from metrics.methods.aggregate import Figure, has_ratio_parts
from metrics.vocab import UNIT_SCALE, UNITS

Z95 = 1.959964


def wilson_interval(
    numerator: float, denominator: float, scale: float = 100.0, z: float = Z95
) -> tuple[float, float]:
    """Wilson's score interval for numerator / denominator, times `scale` (docs/methods.md, "Confidence intervals").

    (2x + z^2 -+ z sqrt(z^2 + 4x(1 - x/n))) / (2 (n + z^2)). Unlike the textbook
    p -+ z sqrt(p(1-p)/n) it never leaves [0, 1] and stays sensible near 0% and
    100%, which is where attendance and exclusion rates live.
    """
    if denominator <= 0:
        raise ValueError(f"a Wilson interval needs a positive denominator, got {denominator}")
    if not 0 <= numerator <= denominator:
        raise ValueError(
            f"a Wilson interval needs 0 <= numerator <= denominator, got {numerator} of {denominator}"
        )
    x, n = numerator, denominator
    half_width = z * math.sqrt(z * z + 4 * x * (1 - x / n))
    lower = (2 * x + z * z - half_width) / (2 * (n + z * z))
    upper = (2 * x + z * z + half_width) / (2 * (n + z * z))
    return max(0.0, lower) * scale, min(1.0, upper) * scale


def byar_interval(count: float, z: float = Z95) -> tuple[float, float]:
    """Byar's approximation to the exact Poisson interval for a count (docs/methods.md, "Confidence intervals").

    lower x (1 - 1/(9x) - z/(3 sqrt x))^3 (0 when x = 0), upper
    (x+1) (1 - 1/(9(x+1)) + z/(3 sqrt(x+1)))^3. PHE's technical guide puts it
    within 0.2% of the exact limits for counts of 10 or more. For a fractional
    count below about 0.4 the lower formula turns negative; it is floored at 0.
    """
    if count < 0:
        raise ValueError(f"a count cannot be negative, got {count}")
    if count == 0:
        lower = 0.0
    else:
        lower = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    after = count + 1
    upper = after * (1 - 1 / (9 * after) + z / (3 * math.sqrt(after))) ** 3
    return max(0.0, lower), upper


def mean_interval(
    mean: float, std_dev: float | None, sample_size: float | None, z: float = Z95
) -> tuple[float, float] | None:
    """mean -+ z x sd / sqrt(n) for a mean score; None without sd or a positive n (docs/methods.md, "Confidence intervals")."""
    if std_dev is None or sample_size is None or sample_size <= 0:
        return None
    half_width = z * std_dev / math.sqrt(sample_size)
    return mean - half_width, mean + half_width


# The interval models (docs/methods.md, "Confidence intervals"), each in words for the pages.
INTERVAL_MODEL_LABELS: dict[str, str] = {
    "wilson": "Wilson's score method (a share of its base)",
    "byar": "Byar's method (a count of events)",
    "normal": "the normal method for an average score",
}


def interval_model(unit: str, max_value: float | None = None) -> str:
    """The interval model of a measure, chosen once for all its figures
    (docs/methods.md, "Confidence intervals"): "wilson" for a percentage, and for a rate whose measure
    cannot exceed its whole base (a max_value of at most the scale: pupils
    suspended per 1,000 pupils); "byar" for every other rate (events that can
    outnumber the base: incidents per 1,000 young people) and for a count;
    "normal" for a score. The figures of one measure never switch model from
    one period to the next."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}")
    if unit == "percent":
        return "wilson"
    if unit in UNIT_SCALE:
        return "wilson" if max_value is not None and max_value <= UNIT_SCALE[unit] else "byar"
    return "byar" if unit == "count" else "normal"


def rate_interval(unit: str, numerator: float, denominator: float, model: str, z: float = Z95) -> tuple[float, float] | None:
    """The interval of a percent or rate from its numerator and denominator (docs/methods.md, "Confidence intervals").

    Wilson's interval for a measure whose figures are shares of their base;
    for a measure of events, the numerator modelled as a Poisson count: Byar's
    interval divided by the denominator, "the numerator of a rate when that is
    the better model" in docs/methods.md. A share with more in it than its base
    has no interval."""
    scale = UNIT_SCALE[unit]
    if model == "wilson":
        return wilson_interval(numerator, denominator, scale=scale, z=z) if numerator <= denominator else None
    lower, upper = byar_interval(numerator, z=z)
    return lower / denominator * scale, upper / denominator * scale


def figure_interval(unit: str, fig: Figure, model: str | None = None) -> tuple[float, float] | None:
    """The 95% interval of one figure, by its measure's model; None where none is defined (docs/methods.md, "Confidence intervals").

    A publisher's own interval (Fingertips publishes one with every figure) is
    used as given: it may rest on counts the publisher rounded before
    publishing, so recomputing it here would give a different, wrong interval.
    Otherwise: percent / rates: Wilson or Byar on numerator and denominator,
    by `model` (`interval_model` of the measure; without one, the unit's
    model for a measure with no ceiling); a row with only a value has no
    interval; count: Byar on the value; score: mean -+ z sd/sqrt(n) when the
    standard deviation is known.
    """
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}")
    if fig.published_interval is not None:
        return fig.published_interval
    if unit in UNIT_SCALE:
        if not has_ratio_parts(fig) or fig.numerator < 0:  # type: ignore[operator]
            return None
        if unit == "percent" and fig.numerator > fig.denominator:  # type: ignore[operator]
            return None
        return rate_interval(unit, fig.numerator, fig.denominator, model or interval_model(unit))  # type: ignore[arg-type]
    if fig.value is None:
        return None
    if unit == "count":
        return byar_interval(fig.value) if fig.value >= 0 else None
    return mean_interval(fig.value, fig.std_dev, fig.sample_size)
