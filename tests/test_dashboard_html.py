"""The dashboard's server-side HTML (app_pages/common/html.py and its
templates): user text stays text, the only images are our own drawings, the
only links are internal pages, and every status and SPC icon has its words."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re

import pytest
from builders import goal, measure, point, result, rug_inputs

from app_pages.common import html
from metrics.outputs import dashboard, trustees
from metrics.vocab import STATUS_LABELS

HOSTILE = 'Look ![beacon](https://evil.example/md.png) [open](data:text/html,hi) <img src="https://evil.example/x.png"> <a href="javascript:alert(1)">x</a> :red[alarm]'
D = dt.date


def hostile_pages() -> dict[str, str]:
    m = measure(name=HOSTILE)
    g = goal(statement=HOSTILE)
    r = result(g, m, [point(D(2025, 1, 31), 92.0, 91.0, 93.0)])
    p = dashboard.Partnership("p", HOSTILE, ["a"], [HOSTILE], HOSTILE, 8)
    cards = dashboard.overview_cards([p], [r], {"a": {"name": HOSTILE}}, {"p": D(2025, 2, 1)}, {"g1": None})
    rug_args = list(rug_inputs())
    rug_args[0] = dashboard.Partnership("p", HOSTILE, ["a", "b"], [], None, 8)
    rug_args[4] = {"a": {"name": HOSTILE}, "b": {"name": "B"}}
    view = trustees.TrustView("Oak", [p], [r], {"a": HOSTILE})
    return {
        "overview": html.render("overview_partnership.html", block=cards[0]),
        "glance": html.render("overview_glance.html", rows=dashboard.partnership_glance([p], [r])),
        "panels": html.render("partnership_panels.html", panels=[dashboard.goal_panel(r, {}, {})]),
        "rug": html.render("rug.html", rug=dashboard.tartan_rug(*rug_args), partnership=rug_args[0]),
        "grid": html.render("trustee_grid.html", grid=dashboard.trustee_grid(view)),
        "headline": html.render("goal_headline.html", goal=g, status="on_track", explanation=HOSTILE, measure_name=HOSTILE, where=HOSTILE, partnership_name=HOSTILE),
        "numbers": html.render("goal_numbers.html", numbers=dashboard.goal_numbers(r, {}), card=dashboard.goal_card(r, {}, {})),
        "key": html.render("key.html"),
    }


@pytest.mark.parametrize("name", list(hostile_pages()))
def test_user_text_is_text_and_every_image_and_link_is_ours(name):
    page = hostile_pages()[name]
    for src in re.findall(r'<img[^>]*\ssrc="([^"]*)"', page):
        assert src.startswith("data:image/svg+xml;base64,"), src
    for href in re.findall(r'<a[^>]*\shref="([^"]*)"', page):
        assert re.fullmatch(r"(goal\?goal|neighbourhood\?place|partnership\?partnership)=[a-z0-9_-]+", href), href
    assert len(re.findall(r"<img\b", page)) == len(re.findall(r'<img[^>]*\ssrc="data:image/svg\+xml;base64,', page))
    if name not in ("key", "numbers"):  # these hold no user text
        assert "&lt;img src=&#34;https://evil.example/x.png&#34;&gt;" in page  # shown as the characters typed


def test_every_status_in_the_key_has_a_shape_and_a_word():
    key = html.render("key.html")
    for code, label in STATUS_LABELS.items():
        assert f'<span class="od-ico od-ico-{code}" aria-hidden="true"></span>{label}' in key


def test_every_icon_class_the_templates_use_is_drawn_in_the_stylesheet():
    css = html.icon_css()
    page = "".join(hostile_pages().values())
    used = set(re.findall(r"\bod-(?:ico|mdc-[va])-[a-z_-]+", page))
    assert used and all(f".{cls} {{ background-image" in css for cls in used), used - set(re.findall(r"\.(od-[a-z_-]+)", css))


def test_spc_icons_are_images_with_their_words():
    page = hostile_pages()["overview"]
    icons = re.findall(r'<span class="od-mdc [^"]*" role="img" aria-label="([^"]*)"', page)
    assert icons == ["Variation: No SPC icon: fewer than 15 points", "Assurance: No assurance icon: fewer than 15 points"]


def test_the_sparkline_describes_itself():
    page = hostile_pages()["overview"]
    alts = re.findall(r'<img[^>]*alt="([^"]*)"', page)
    assert len(alts) == 1 and htmllib.unescape(alts[0]).startswith("Trend: ")
