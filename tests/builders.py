"""Judged goals built by hand for the dashboard's tests (metrics/outputs/dashboard.py,
trustees.py): a measure, a goal, its series points and the judgement, with the
values each test works out by hand. Not a test module: tests import from here."""

from __future__ import annotations

import datetime as dt

from metrics.methods.aggregate import Figure
from metrics.methods.status import GoalSpec, goal_status
from metrics.read.readmodel import Goal, GoalResult, Measure, SeriesPoint
from metrics.read.views import Partnership

D = dt.date


def measure(measure_id="attendance", unit="percent", direction="higher_is_better", domain="attendance", name="Attendance rate") -> Measure:
    return Measure(measure_id, name, domain, unit, direction, None, None, None, "", None)


def goal(goal_id="g1", partnership="p", scope="p", measure_id="attendance", statement="Attendance rises", b=90.0, t=95.0,
         t0=D(2024, 1, 31), t1=D(2026, 1, 31)) -> Goal:
    return Goal(goal_id, partnership, measure_id, scope, statement, b, t0, t, t1, D(2024, 2, 1), "public", None,
                dt.datetime(2024, 2, 1), None)


def result(g: Goal, m: Measure, series: list[SeriesPoint], explanation: str = "Why.") -> GoalResult:
    spec = GoalSpec(g.baseline_value, g.baseline_date, g.target_value, g.target_date, m.direction, m.unit)
    a = goal_status(spec, [p.point() for p in series if p.complete])
    return GoalResult(g, m, a, explanation, series)


def point(end: D, value: float | None, lo: float | None = None, hi: float | None = None, fig: Figure | None = None) -> SeriesPoint:
    return SeriesPoint(D(end.year, end.month, 1), end, value, lo, hi, 1 if value is not None else 0, 1, False, fig)


def rug_inputs():
    """Two neighbourhoods, a percent measure and a count, by hand:
    a: 450/500 = 90.0%, interval (87.1, 92.4); b: 970/1000 = 97.0%, interval (95.7, 97.9).
    The partnership: (450 + 970) / 1500 = 94.67%; its Wilson interval is about
    (93.5, 95.7). England: 96.5%."""
    sep, oct_ = (D(2025, 9, 1), D(2025, 9, 30)), (D(2025, 10, 1), D(2025, 10, 31))
    p = Partnership("p", "The Board", ["a", "b"], [], None, 8)
    pct = {
        "a": [SeriesPoint(*sep, 80.0, 75.0, 85.0, 1, 1, False, Figure(80.0, 400, 500)),
              SeriesPoint(*oct_, 90.0, 87.1, 92.4, 1, 1, False, Figure(90.0, 450, 500))],
        "b": [SeriesPoint(*oct_, 97.0, 95.7, 97.9, 1, 1, False, Figure(97.0, 970, 1000))],
    }
    counts = {
        "a": [SeriesPoint(*oct_, 4.0, 1.1, 10.2, 1, 1, False, Figure(4.0))],
        "b": [SeriesPoint(*sep, 7.0, 2.8, 14.4, 1, 1, False, Figure(7.0))],  # nothing for October
    }
    ms = {"attendance": measure(), "incidents": measure("incidents", "count", "lower_is_better", "safety", "Incidents")}
    england = {"attendance": [SeriesPoint(*sep, 95.0, None, None), SeriesPoint(*oct_, 96.5, None, None)]}
    names = {"a": {"name": "Ayton"}, "b": {"name": "Beeford"}}
    goals = [goal("a-att", "p", "a"), goal("wide-att", "p", "p"), goal("other", "q", "b")]
    return p, ms, {"attendance": pct, "incidents": counts}, england, names, goals
