"""The dashboard's views of the judgements (metrics/outputs/dashboard.py): the
Overview's cards, the "no new data since the last review" flag, the tartan
rug's comparisons and links, the trustees' grid, the goal page's numbers.
Expected values are worked out by hand in each test."""

from __future__ import annotations

from builders import D, goal, measure, point, result, rug_inputs

from metrics.outputs import dashboard, trustees
from metrics.read.views import Partnership

# "No new data since the last review" is metrics.read.reviews.new_data_flags, the
# board pack's rule: tests/test_read_model.py pins it; a card carries its answer.


# --- the Overview's cards ------------------------------------------------------------------------


def test_a_card_says_latest_and_target_in_the_measures_unit_and_links_the_statement():
    m = measure()
    g = goal(statement="Attendance <b>rises</b>")
    r = result(g, m, [point(D(2025, 1, 31), 92.0, 91.0, 93.0)])
    card = dashboard.goal_card(r, {}, {"p": "The Partnership"}, D(2025, 3, 1), True)
    assert (card.latest, card.latest_month, card.target, card.target_month, card.baseline) == ("92.0%", "Jan 2025", "95.0%", "Jan 2026", "90.0%")
    assert card.statement == "Attendance <b>rises</b>"  # text, escaped where it is drawn
    assert card.href == "goal?goal=g1"
    assert card.where == "The Partnership"  # readmodel.scope_name: the partnership's name
    assert card.new_data is True and not card.stale
    assert card.variation is None and "fewer than 15 points" in card.variation_label  # the minimum of docs/methods.md, "Variation over time"


def test_a_card_without_a_figure_after_the_baseline_awaits_data():
    r = result(goal(), measure(), [point(D(2024, 1, 31), 90.0)])  # the baseline period only
    card = dashboard.goal_card(r, {}, {}, None, None)
    assert card.status == "awaiting_data" and card.latest == "no figure" and card.latest_month is None
    assert card.new_data is None


def test_cards_put_the_most_worrying_status_first():
    m = measure()
    on_track = result(goal("a", statement="A"), m, [point(D(2025, 1, 31), 94.0, 93.9, 94.1)])
    worsening = result(goal("b", statement="B"), m, [point(D(2025, 1, 31), 85.0, 84.9, 85.1)])
    met = result(goal("c", statement="C"), m, [point(D(2025, 1, 31), 96.0, 95.9, 96.1)])
    assert [r.assessment.status for r in (on_track, worsening, met)] == ["on_track", "worsening", "met"]
    cards = dashboard.goal_cards([on_track, met, worsening], {}, {}, {}, {})
    assert [c.goal_id for c in cards] == ["b", "a", "c"]


def test_status_counts_follow_the_vocabulary_order_and_leave_out_zeros():
    assert dashboard.status_counts(["met", "worsening", "met", "awaiting_data"]) == [("awaiting_data", 1), ("met", 2), ("worsening", 1)]


def test_the_glance_lists_partnerships_with_the_worst_goal_first():
    m = measure()
    parts = [Partnership("p1", "Alpha", ["x"], [], None, 8), Partnership("p2", "Beta", ["y"], [], None, 8), Partnership("p3", "Gamma", ["z"], [], None, 8)]
    rs = [
        result(goal("a", "p1", "p1"), m, [point(D(2025, 1, 31), 96.0, 95.9, 96.1)]),  # met
        result(goal("b", "p2", "p2"), m, [point(D(2025, 1, 31), 85.0, 84.9, 85.1)]),  # worsening
    ]
    rows = dashboard.partnership_glance(parts, rs)
    assert [(r.partnership.name, r.worst, r.goals) for r in rows] == [("Beta", "worsening", 1), ("Alpha", "met", 1), ("Gamma", None, 0)]
    assert rows[0].href == "partnership?partnership=p2"


def test_the_sparkline_summary_names_the_span_the_extremes_and_the_promise():
    series = [point(D(2024, 3, 31), 91.0), point(D(2024, 4, 30), None), point(D(2024, 5, 31), 89.5), point(D(2024, 6, 30), 93.25)]
    text = dashboard.series_summary("Attendance rate", series, "percent", 90.0, D(2024, 1, 31), 95.0, D(2026, 1, 31))
    assert text == (
        "Attendance rate, 3 figures from Mar 2024 to Jun 2024: latest 93.2%, lowest 89.5% (May 2024), highest 93.2% (Jun 2024); "
        "the promise: from 90.0% (Jan 2024) to 95.0% by Jan 2026."
    )


# --- the tartan rug -------------------------------------------------------------------------------


def test_the_rug_compares_each_neighbourhood_with_the_partnership_and_england():
    rug = dashboard.tartan_rug(*rug_inputs())
    att = next(i for i, c in enumerate(rug.columns) if c.measure_id == "attendance")
    col = rug.columns[att]
    assert col.period == (D(2025, 10, 1), D(2025, 10, 31)) and col.period_text == "Oct 2025"
    assert col.partnership.text == "94.7%" and col.england == "96.5%"
    assert col.partnership.vs_england == "worse"  # 96.5 is above the partnership's upper limit, about 95.7
    a, b = (next(r for r in rug.rows if r.place_id == h).cells[att] for h in ("a", "b"))
    assert (a.text, a.vs_partnership, a.vs_england) == ("90.0%", "worse", "worse")  # 94.67 and 96.5 above 92.4
    assert (b.text, b.vs_partnership, b.vs_england) == ("97.0%", "better", "similar")  # 94.67 below 95.7; 96.5 inside
    assert [r.name for r in rug.rows] == ["Ayton", "Beeford"]


def test_a_rug_cell_opens_the_neighbourhoods_goal_or_else_its_page():
    rug = dashboard.tartan_rug(*rug_inputs())
    att = next(i for i, c in enumerate(rug.columns) if c.measure_id == "attendance")
    cells = {r.place_id: r.cells[att] for r in rug.rows}
    assert cells["a"].href == "goal?goal=a-att"
    assert cells["b"].href == "neighbourhood?place=b"  # the goal on b is another partnership's
    assert rug.columns[att].partnership.href == "goal?goal=wide-att"


def test_counts_are_never_compared_and_a_missing_neighbourhood_leaves_the_partnership_incomplete():
    rug = dashboard.tartan_rug(*rug_inputs())
    inc = next(i for i, c in enumerate(rug.columns) if c.measure_id == "incidents")
    col = rug.columns[inc]
    assert not col.compared and col.period_text == "Oct 2025"
    assert col.partnership.text == "incomplete (1 of 2)"
    cells = {r.place_id: r.cells[inc] for r in rug.rows}
    assert (cells["a"].text, cells["a"].vs_partnership, cells["a"].vs_england) == ("4", "not_compared", "not_compared")
    assert cells["b"].text == "no figure"


# --- the trustees' grid ----------------------------------------------------------------------------


def test_the_trustee_grid_lists_each_cells_goals_worst_first():
    att, safe = measure(), measure("incidents", "count", "lower_is_better", "safety", "Incidents")
    p = Partnership("p", "The Board", ["a"], ["Oak Trust"], None, 8)
    rs = [
        result(goal("met", "p", "a"), att, [point(D(2025, 1, 31), 96.0, 95.9, 96.1)]),
        result(goal("worse", "p", "a", statement="Worse"), att, [point(D(2025, 1, 31), 85.0, 84.9, 85.1)]),
        result(goal("safe", "p", "a", "incidents", b=10, t=5), safe, [point(D(2025, 1, 31), 4.0)]),
    ]
    grid = dashboard.trustee_grid(trustees.TrustView("Oak Trust", [p], rs, {"a": "Ayton"}))
    assert grid.outcomes == ["Safe", "Achieving"]
    ((place, cells),) = grid.rows
    assert place == "Ayton"
    assert [i.goal_id for i in cells["Achieving"]] == ["worse", "met"]
    assert [i.status for i in cells["Safe"]] == ["met"]


def test_the_trustees_view_opens_on_the_member_of_most_partnerships():
    parts = [
        Partnership("p1", "One", ["a"], ["Council", "Oak Trust"], None, 8),
        Partnership("p2", "Two", ["b"], ["Council", "Oak Trust", "Ash Trust"], None, 8),
        Partnership("p3", "Three", ["c"], ["Ash Trust"], None, 8),
    ]
    assert trustees.likeliest_trust(parts) == "Ash Trust"  # two partnerships, a trust, first by name
    assert trustees.likeliest_trust([]) is None


# --- the goal page's numbers -----------------------------------------------------------------------


def test_the_goal_numbers_say_the_ratio_the_gap_and_whether_the_change_is_clear():
    """B = 90 (31 Jan 2024), T = 95 (31 Jan 2026); V = 92 at 31 Jan 2025, interval (91, 93).
    f = 366 / 731 = 0.5007; expected 90 + 5 f = 92.5; R = 2 / (5 f) = 0.80;
    gap closed 2 / 5 = 40%; the baseline 90 is outside (91, 93): a clear change."""
    r = result(goal(), measure(), [point(D(2025, 1, 31), 92.0, 91.0, 93.0)])
    n = dashboard.goal_numbers(r, {})
    assert n.headline[0] == ("Latest", "92.0%", "period ending 31 January 2025")  # explain.format_day, as every view writes a day
    assert n.headline[3][:2] == ("Expected by now", "92.5%")
    assert "95% interval of the latest value: 91.0% to 93.0% (a clear change from the baseline)." in n.facts
    assert "Progress ratio: 0.80 (1 = exactly on the straight line)." in n.facts
    assert "Share of the gap closed: 40%." in n.facts
    assert "Compared with England: Not compared." in n.facts
    assert n.chart_summary.endswith("Why.")


def test_lines_summary_gives_each_places_latest_figure():
    text = dashboard.lines_summary("Attendance rate", "percent", {
        "Ayton": [(D(2024, 9, 30), 91.0), (D(2024, 10, 31), 92.5)],
        "England": [(D(2024, 9, 30), 94.0), (D(2024, 10, 31), None)],
        "Nowhere": [],
    })
    assert text == "Attendance rate, Sep 2024 to Oct 2024. Latest: Ayton 92.5% (Oct 2024); England 94.0% (Sep 2024); Nowhere no figure."


def test_a_sparkline_stops_at_a_series_break(demo_copy):
    """The Overview's sparkline of a goal on a measure with a break has a gap
    there (the feel-safe survey's new definition in the demo): two runs of line,
    as the goal chart draws it."""
    import duckdb

    from metrics.outputs.dashboard import goal_card
    from metrics.outputs.svg import promise_chart_svg
    from metrics.read import readmodel

    con = duckdb.connect(str(demo_copy), read_only=True)
    (r,) = readmodel.goal_results(con, goal_ids=["lys-feel-safe"])
    con.close()
    card = goal_card(r, {}, {})
    assert (None, None) in card.points
    svg = promise_chart_svg(list(card.points), card.baseline_point, card.target_point, card.summary)
    from metrics.outputs.svg import SERIES_COLOUR

    assert svg.count(f'fill="none" stroke="{SERIES_COLOUR}"') == 2  # the line before the break and the line after it
