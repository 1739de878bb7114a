"""The dashboard's drawings (metrics/outputs/icons.py, metrics/outputs/svg.py promise charts):
a distinct shape for every status, Making Data Count's icons with their words,
colours that keep 3:1 on white, and sparklines that say what they show."""

from __future__ import annotations

import base64
import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from metrics.outputs import icons
from metrics.outputs.svg import PROMISE_COLOUR, SERIES_COLOUR, promise_chart_svg
from metrics.vocab import ASSURANCE_LABELS, STATUS_LABELS, VARIATION_LABELS

SVG = "{http://www.w3.org/2000/svg}"


def contrast_on_white(hex_colour: str) -> float:
    """WCAG 2.x contrast ratio with white, written out from the definition."""
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (lum + 0.05)


def test_every_status_has_its_own_shape():
    drawings = {code: icons.status_icon_svg(code) for code in STATUS_LABELS}
    assert len(set(drawings.values())) == len(STATUS_LABELS)
    for code, svg in drawings.items():
        root = ET.fromstring(svg)  # well formed
        assert root.get("aria-hidden") == "true", code  # decorative: the word is always beside it


def test_statuses_of_the_same_colour_differ_in_shape_not_only_colour():
    """on_track and met are both green, needs_acceleration and limited_progress
    both amber: their drawings must differ once colour is taken out."""
    def shape(code):
        return re.sub(r"#[0-9a-fA-F]{6}", "#000000", icons.status_icon_svg(code))

    for a, b in [("met", "on_track"), ("needs_acceleration", "limited_progress"), ("worsening", "missed"), ("too_uncertain", "awaiting_data")]:
        assert shape(a) != shape(b)


def test_icon_colours_keep_three_to_one_on_white():
    colours = set(icons.STATUS_COLOURS.values()) | {icons.MDC_IMPROVEMENT, icons.MDC_CONCERN, icons.MDC_COMMON, PROMISE_COLOUR, SERIES_COLOUR}
    for colour in colours:
        assert contrast_on_white(colour) >= 3.0, colour


@pytest.mark.parametrize("code,direction,high", [
    ("improvement", "higher_is_better", True),
    ("improvement", "lower_is_better", False),
    ("concern", "higher_is_better", False),
    ("concern", "lower_is_better", True),
])
def test_special_cause_is_high_or_low_by_the_measures_direction(code, direction, high):
    assert icons.variation_high(code, direction) is high
    svg = icons.variation_icon_svg(code, direction)
    letters = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert letters == ["H" if high else "L"]


def test_mdc_icons_carry_their_words():
    for code, label in VARIATION_LABELS.items():
        title = ET.fromstring(icons.variation_icon_svg(code, "higher_is_better")).find(f"{SVG}title").text
        assert title.startswith(label)
    for code, label in ASSURANCE_LABELS.items():
        root = ET.fromstring(icons.assurance_icon_svg(code))
        assert root.find(f"{SVG}title").text == label and root.get("role") == "img"
        assert [t.text for t in root.iter(f"{SVG}text")] == [{"consistently_passing": "P", "consistently_failing": "F", "hit_and_miss": "?"}[code]]
    assert "fewer than 15 points" in ET.fromstring(icons.variation_icon_svg(None, "higher_is_better")).find(f"{SVG}title").text


def test_a_data_uri_holds_the_drawing_unchanged():
    svg = icons.status_icon_svg("met")
    uri = icons.data_uri(svg)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode() == svg


D = dt.date


def test_the_promise_chart_is_text_free_and_titled_with_its_words():
    desc = 'Attendance <img src="https://example.org/x.png"> & more'
    svg = promise_chart_svg([(D(2024, 9, 30), 90.0), (D(2024, 10, 31), 91.0)], (D(2024, 9, 30), 90.0), (D(2026, 7, 31), 95.0), desc)
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == desc  # escaped: text, never an element
    assert not list(root.iter(f"{SVG}image")) and not list(root.iter(f"{SVG}text"))


def test_the_promise_chart_runs_to_the_target_and_breaks_where_a_figure_is_missing():
    pts = [(D(2024, 1, 31), 1.0), (D(2024, 2, 29), None), (D(2024, 3, 31), 2.0), (D(2024, 4, 30), 3.0)]
    svg = promise_chart_svg(pts, (D(2024, 1, 31), 1.0), (D(2024, 12, 31), 5.0), "x", width=160, height=44)
    root = ET.fromstring(svg)
    lines = [p for p in root.iter(f"{SVG}path") if p.get("stroke") == SERIES_COLOUR]
    assert len(lines) == 1 and lines[0].get("d").count("L") == 1  # March to April only: January stands alone
    star = next(p for p in root.iter(f"{SVG}polygon") if p.get("fill") == "#F0E442")
    xs = [float(v.split(",")[0]) for v in star.get("points").split()]
    assert max(xs) <= 160 and min(xs) > 140  # the target sits at the right-hand end (31 Dec 2024)
    promise = next(root.iter(f"{SVG}line"))
    assert promise.get("stroke") == PROMISE_COLOUR and float(promise.get("x1")) < float(promise.get("x2"))


def test_the_small_multiple_has_value_ticks_and_years():
    svg = promise_chart_svg([(D(2024, 9, 30), 90.0), (D(2025, 9, 30), 92.0)], (D(2024, 9, 30), 90.0), (D(2026, 7, 31), 95.0), "x",
                            width=360, height=190, axes=True, band=[(D(2024, 9, 30), 89.0, 91.0)], benchmark=[(D(2024, 9, 30), 93.0), (D(2025, 9, 30), 93.5)])
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert {"2025", "2026"} <= set(texts)
    assert "90" in texts and "95" in texts
