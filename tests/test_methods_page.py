"""The "How we measure" page (docs/methods.md) says what the code does.

Every label the dashboard shows must appear on the page exactly as the app
writes it, every constant of the methods must be stated, and the worked
examples' arithmetic is recomputed here with the functions that decide real
statuses, so the page cannot drift from the code.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from metrics.methods import freshness, intervals, spc, status
from metrics.methods.disclosure import SMALLEST_PUBLISHED_COUNT
from metrics.methods.aggregate import Figure, derived_value, ratio_of_sums
from metrics.methods.explain import format_value
from metrics.methods.freshness import stale_text
from metrics.methods.intervals import Z95, wilson_interval
from metrics.methods.status import GoalSpec, Point
from metrics.vocab import (
    ASSURANCE_LABELS,
    BENCHMARK_LABELS,
    BREAK_REASON_LABELS,
    DEFAULT_SUPPRESS_BELOW,
    GSS_SYMBOLS,
    STATUS_LABELS,
    VARIATION_LABELS,
)

PAGE = Path(__file__).resolve().parent.parent / "docs" / "methods.md"

# The sections the brief asks for, in order.
SECTIONS = (
    "What a goal is",
    "How we decide a goal's status",
    "Units: how each figure is worked out",
    "Figures for a whole partnership",
    "How sure can we be? Confidence intervals",
    "Comparing with England and the local area",
    "The trend line: where things are heading",
    "Variation over time",
    "What we did, on the chart",
    "When the process changed: rebasing the limits",
    "When a series breaks",
    "Is the partnership still holding itself to account?",
    "Which rules made this page?",
    "What did we know on that day?",
    "What we publish, and what we never publish",
    "Choices we made where the rules left room",
)

# The worked example: 92.0% (31 Oct 2024) to 95.0% by 31 Jul 2027, latest
# 93.0% (46,500 of 50,000 sessions) for the period ending 31 Oct 2025.
BASELINE_DATE = date(2024, 10, 31)
TARGET_DATE = date(2027, 7, 31)
LATEST_END = date(2025, 10, 31)
ATTENDANCE = GoalSpec(92.0, BASELINE_DATE, 95.0, TARGET_DATE, "higher_is_better", "percent")
# The too-uncertain example: 75.0% to 85.0%, same dates, latest 40 of 50 pupils.
FEEL_SAFE = GoalSpec(75.0, BASELINE_DATE, 85.0, TARGET_DATE, "higher_is_better", "percent")


@pytest.fixture(scope="module")
def text() -> str:
    assert PAGE.exists(), f"the methods page {PAGE} is missing"
    return PAGE.read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The body of the `##` or `###` section called `heading`, up to the next heading of any level."""
    match = re.search(rf"^#{{2,3}} {re.escape(heading)}\n(.*?)(?=^#{{2,3}} |\Z)", text, re.M | re.S)
    assert match, f"no section {heading!r} on the methods page"
    return match.group(1)


def flat(text: str) -> str:
    """The text with line breaks and indentation folded into single spaces."""
    return re.sub(r"\s+", " ", text)


def pct(value: float) -> str:
    return format_value(value, "percent")


# Shape


def test_page_has_no_top_heading_and_sections_in_order(text):
    assert not re.search(r"^# ", text, re.M), "the page adds its own top heading; use ## only"
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings == list(SECTIONS)


# Labels exactly as the app shows them


@pytest.mark.parametrize("label", list(STATUS_LABELS.values()))
def test_every_status_label_appears_verbatim(text, label):
    assert label in flat(text)


@pytest.mark.parametrize("label", list(STATUS_LABELS.values()))
def test_every_status_label_is_explained_in_the_status_section(text, label):
    assert f"**{label}**" in flat(section(text, "How we decide a goal's status"))


@pytest.mark.parametrize("label", [*VARIATION_LABELS.values(), *ASSURANCE_LABELS.values()])
def test_every_variation_and_assurance_label_appears(text, label):
    assert f"**{label}**" in flat(section(text, "Variation over time"))


@pytest.mark.parametrize("concept", ["common cause", "special cause", "improvement", "concern",
                                     "consistently passing", "consistently failing", "hit and miss"])
def test_variation_and_assurance_concepts_appear(text, concept):
    assert concept in flat(text).lower()


@pytest.mark.parametrize("label", list(BENCHMARK_LABELS.values()))
def test_every_benchmark_label_appears(text, label):
    assert f"**{label}**" in flat(section(text, "Comparing with England and the local area"))


# Constants


def test_thresholds_appear(text):
    body = flat(section(text, "How we decide a goal's status"))
    for threshold in (status.ON_TRACK_RATIO, status.ACCELERATION_RATIO):
        assert re.search(rf"(?<![\d.]){re.escape(str(threshold))}(?![\d])", body), threshold
    assert (status.ON_TRACK_RATIO, status.ACCELERATION_RATIO) == (0.95, 0.6)
    assert "Open SDG" in body and "compound growth" in body


def test_nine_decimal_places_appear(text):
    assert f"{status.COMPARE_DECIMALS} decimal places" in flat(text)


def test_z_constant_appears(text):
    body = flat(section(text, "How sure can we be? Confidence intervals"))
    assert str(Z95) in body and "1.96" in body
    for method in ("Wilson", "Byar", "PHEindicatormethods"):
        assert method in body
    assert "sessions of the same pupil are not independent" in body
    assert "narrower than the real uncertainty" in body


def test_spc_constants_appear(text):
    body = flat(section(text, "Variation over time"))
    assert f"at least {spc.MIN_POINTS} points" in body
    assert str(spc.LIMIT) in body and str(spc.SCREEN_MULTIPLE) in body
    assert f"{spc.RUN_LENGTH} or more points in a row" in body
    assert "two thirds" in body
    for name in ("Making Data Count", "NHSRplotthedots"):
        assert name in body


def test_gss_symbols_appear(text):
    body = section(text, "What we publish, and what we never publish")
    for symbol in GSS_SYMBOLS:
        assert f"| `{symbol}` |" in body, symbol
    assert f"which is {DEFAULT_SUPPRESS_BELOW}" in flat(body)
    assert f"a count is above 0 but below {SMALLEST_PUBLISHED_COUNT}" in flat(body)


def test_incomplete_periods_are_named(text):
    assert '"incomplete (k of n neighbourhoods)"' in flat(section(text, "Figures for a whole partnership"))


# Worked examples, recomputed with the functions that decide real statuses


def test_worked_example_matches_the_status_functions(text):
    body = flat(section(text, "A worked example"))
    span = (TARGET_DATE - BASELINE_DATE).days
    elapsed = (LATEST_END - BASELINE_DATE).days
    f = status.elapsed_fraction(ATTENDANCE, LATEST_END)
    due = (ATTENDANCE.target_value - ATTENDANCE.baseline_value) * f
    expected = status.expected_value(ATTENDANCE, LATEST_END)
    ratio = status.progress_ratio(ATTENDANCE, 93.0, LATEST_END)
    low, high = wilson_interval(46_500, 50_000)
    latest = Point(date(2025, 9, 1), LATEST_END, derived_value("percent", Figure(None, 46_500, 50_000)), low, high)

    assert (span, elapsed) == (1003, 365)
    assert f"Days from the baseline date to the target date: {span:,}." in body
    assert f"Days from the baseline date to the end of the latest period: {elapsed}." in body
    assert f"{elapsed} ÷ {span:,} = {f:.4f}" in body
    assert f"3.0 × {f:.4f} = {due:.3f}" in body
    assert f"92.0 + {due:.3f} = {expected:.3f}, shown as {pct(expected)}" in body
    assert f"Progress ratio: 1.0 ÷ {due:.3f} = {ratio:.3f}, about {ratio:.2f}." in body
    # the arithmetic as written (rounded inputs) agrees with the exact figures
    assert f"{1.0 / round(due, 3):.3f}" == f"{ratio:.3f}"
    assert f"{92.0 + round(3.0 * round(f, 4), 3):.3f}" == f"{expected:.3f}"
    assert f"from {pct(low)} to {pct(high)}" in body
    assert f"{pct(latest.value)} for the period ending" in body

    code, judged_ratio = status.judge_latest(ATTENDANCE, latest)
    assert judged_ratio == pytest.approx(ratio)
    assert code == "needs_acceleration"
    assert f"So the status is **{STATUS_LABELS[code]}**." in body
    assert status.ACCELERATION_RATIO <= ratio < status.ON_TRACK_RATIO
    assert not status.is_too_uncertain(ATTENDANCE, latest)
    assert status.is_clear_change(ATTENDANCE, latest)
    assert f"{status.gap_closed(ATTENDANCE, 93.0):.0%}" in body
    assert "this is a clear change" in body


def test_too_uncertain_example_matches_the_status_functions(text):
    body = flat(section(text, "An example that is too uncertain to judge"))
    f = status.elapsed_fraction(FEEL_SAFE, LATEST_END)
    expected = status.expected_value(FEEL_SAFE, LATEST_END)
    ratio = status.progress_ratio(FEEL_SAFE, 80.0, LATEST_END)
    low, high = wilson_interval(40, 50)
    latest = Point(date(2025, 9, 1), LATEST_END, 80.0, low, high)

    assert f"75.0 + 10.0 × {f:.4f} = {pct(expected)}" in body
    assert f"5.0 ÷ {10.0 * round(f, 4):.3f} = {ratio:.2f}" in body
    assert f"{pct(low)} to {pct(high)}" in body
    assert status.status_from_ratio(ratio) == "on_track"
    assert f"that would be **{STATUS_LABELS['on_track']}**" in body
    code, _ = status.judge_latest(FEEL_SAFE, latest)
    assert code == "too_uncertain"
    assert f"So the status is **{STATUS_LABELS[code]}**." in body


def test_ratio_of_sums_example_matches_the_aggregation(text):
    body = flat(section(text, "Figures for a whole partnership"))
    north, south = Figure(None, 9_000, 10_000), Figure(None, 950, 1_000)
    combined = ratio_of_sums("percent", [north, south])
    mean_of_rates = (derived_value("percent", north) + derived_value("percent", south)) / 2
    assert f"9,950 ÷ 11,000 = {pct(combined.value)}" in body
    assert f"is {pct(mean_of_rates)}" in body
    assert pct(combined.value) != pct(mean_of_rates)


def test_units_examples_match_the_derived_values(text):
    body = flat(section(text, "Units: how each figure is worked out"))
    attended = derived_value("percent", Figure(None, 46_500, 50_000))
    incidents = derived_value("rate_per_1000", Figure(None, 36, 12_000))
    assert f"out of 50,000 possible sessions is {format_value(attended, 'percent')}" in body
    assert f"among 12,000 young people is {format_value(incidents, 'rate_per_1000')}" in body
    admissions = derived_value("rate_per_10000", Figure(None, 9_345, 1_582_004))
    deaths = derived_value("rate_per_100000", Figure(None, 30, 250_000))
    assert f"among 1,582,004 children is {format_value(admissions, 'rate_per_10000')}" in body
    assert f"among 250,000 people is {format_value(deaths, 'rate_per_100000')}" in body


def test_areas_roll_up_as_the_adapters_add_them(text):
    from metrics.contract.sources.common import AreaFigure, Origin, combine

    body = flat(section(text, "Neighbourhoods made of official areas"))
    two_wards = combine("count", [AreaFigure(Origin("f", 2), value=41.0), AreaFigure(Origin("f", 3), value=36.0)])
    assert f"41 + 36 = {two_wards.value:.0f}" in body
    for words in ("own code", "ratio of sums", "counts as 0", "counted twice"):
        assert words in body


def test_assurance_examples_match_the_icon_rule(text):
    body = flat(section(text, "Variation over time"))
    # passing: target 90% under a lower limit of 91%; failing: target 95% over an upper limit of 94%
    passing = spc.SpcLimits(centre=92.5, mean_moving_range=0.5, lower=91.0, upper=94.0, lower_near=92.0, upper_near=93.0)
    assert spc.assurance_icon(passing, 90.0, "higher_is_better") == "consistently_passing"
    assert spc.assurance_icon(passing, 95.0, "higher_is_better") == "consistently_failing"
    assert "target of 90% when the lower limit is 91%" in body
    assert "target of 95% when the upper limit is 94%" in body


# Written in our own words


def test_no_sentence_is_copied_from_the_contract(text):
    from conftest import CONTRACT

    contract = CONTRACT / "METHODS.md"
    page = flat(text).lower()
    sentences = re.split(r"(?<=[.:;])\s+", flat(contract.read_text(encoding="utf-8")))
    copied = [s for s in sentences if len(s) >= 40 and s.lower() in page]
    assert not copied, copied


def test_sentences_are_short(text):
    """Reading age about 12: prose sentences of at most 30 words, about 12 on average."""
    chunks: list[list[str]] = [[]]
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("|", "#")) or re.match(r"(- |\d+\. )", stripped):
            chunks.append([])  # a blank line, table, heading or list item ends a sentence
        if stripped and not stripped.startswith(("|", "#")):
            chunks[-1].append(stripped)
    sentences = [
        s
        for chunk in chunks
        for s in re.split(r"(?<=[.?!:])\s+|(?<=[.?!:]\*\*)\s+", " ".join(chunk))
        if len(s.split()) > 2
    ]
    lengths = [len(s.split()) for s in sentences]
    assert max(lengths) <= 30, max(zip(lengths, sentences))
    assert sum(lengths) / len(lengths) <= 14


# Issue 17's features, each explained in words the app uses


@pytest.mark.parametrize("label", list(BREAK_REASON_LABELS.values()))
def test_every_break_reason_is_explained(text, label):
    assert f"**{label}**" in flat(section(text, "When a series breaks"))


def test_the_stale_flag_and_the_overdue_rule_are_explained_with_a_worked_example(text):
    part = flat(section(text, "Is the partnership still holding itself to account?"))
    assert stale_text(7).replace("7", "N") in part
    # By hand: 17 September 2026 + 8 weeks = 12 November 2026.
    assert date(2026, 9, 17) + timedelta(weeks=8) == date(2026, 11, 12)
    assert "17 September 2026" in part and "12 November 2026" in part
    assert f"{freshness.STALE_GRACE_MONTHS} months older than the usual gap" in part


def test_the_methods_stamp_section_names_every_threshold_the_stamp_carries(text):
    part = flat(section(text, "Which rules made this page?"))
    assert f"{status.ON_TRACK_RATIO}" in part and f"{status.ACCELERATION_RATIO}" in part
    assert f"{intervals.Z95:.6f}" in part and f"{spc.MIN_POINTS} points" in part
