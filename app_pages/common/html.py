"""The dashboard's server-side HTML: summary rows and cards, the tartan rug,
the trustees' grid, small multiples and the charts, drawn from what
metrics.outputs.dashboard computed.

One `st.html` element per block is much faster for the browser than a
Streamlit element per cell, and lays out with CSS grid and container queries
(dashboard.css), so it reflows from rows to cards on a phone. Jinja's
autoescaping writes every statement, name and label as text; links are
relative addresses of internal pages. Streamlit sanitises st.html with
DOMPurify's HTML profile, which drops inline <svg>: charts go in as <img>
data: URIs, icons as background images in the stylesheet (metrics.outputs.icons
draws both), and none makes a request. No Streamlit import here, so the
markup can be tested on its own.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2

from metrics.methods.explain import format_day, variation_high
from metrics.outputs import icons
from metrics.outputs.dashboard import GoalCard, GoalPanel
from metrics.outputs.svg import promise_chart_svg
from metrics.vocab import BENCHMARK_LABELS, STATUS_LABELS

TEMPLATES = Path(__file__).parent / "templates"
CSS = Path(__file__).parent / "dashboard.css"


# The icons are drawn once, into the stylesheet, as background images of
# classes (od-ico-<status>, od-mdc-v-<variation>, od-mdc-a-<assurance>): a
# page with hundreds of statuses then carries each drawing once, not once per
# use. Status and clock icons are decorative (the words are beside them); an
# SPC icon is a role="img" with its label (macros.html).
def variation_key(code: str | None, direction: str) -> str:
    if code is None:
        return "none"
    if code == "common_cause":
        return code
    return f"{code}-{'high' if variation_high(code, direction) else 'low'}"


def _icon_rule(selector: str, svg: str) -> str:
    return f'{selector} {{ background-image: url("{icons.data_uri(svg)}"); }}'


@lru_cache(maxsize=1)
def icon_css() -> str:
    rules = [_icon_rule(f".od-ico-{code}", icons.status_icon_svg(code)) for code in STATUS_LABELS]
    rules.append(_icon_rule(".od-ico-stale", icons.stale_icon_svg()))
    for code in (None, "common_cause", "improvement", "concern"):
        for direction in ("higher_is_better", "lower_is_better"):
            rules.append(_icon_rule(f".od-mdc-v-{variation_key(code, direction)}", icons.variation_icon_svg(code, direction)))
    for code in (None, "consistently_passing", "consistently_failing", "hit_and_miss"):
        rules.append(_icon_rule(f".od-mdc-a-{code or 'none'}", icons.assurance_icon_svg(code)))
    return "\n".join(dict.fromkeys(rules))


def sparkline(card: GoalCard) -> str:
    return icons.data_uri(promise_chart_svg(list(card.points), card.baseline_point, card.target_point, card.summary))


def small_multiple(panel: GoalPanel) -> str:
    c = panel.card
    return icons.data_uri(promise_chart_svg(
        list(c.points), c.baseline_point, c.target_point, c.summary,
        width=360, height=190, axes=True, band=panel.band, benchmark=panel.benchmark,
    ))


WIDE_CHART = (760, 420)
NARROW_CHART = (360, 560)  # one legend entry a line: 12px text at a phone's width


def chart_images(fig, summary: str, wide: tuple[int, int] = WIDE_CHART, narrow: tuple[int, int] = NARROW_CHART) -> dict:
    """A plotly figure (metrics.outputs.charts) as two SVG images, one laid out for a
    wide column and one for a phone (CSS shows the one that fits), and their
    sizes, for the chart.html template."""
    from metrics.outputs.svg import figure_to_svg

    return {
        "wide": icons.data_uri(figure_to_svg(fig, summary, width=wide[0], height=wide[1])), "wide_height": wide[1],
        "narrow": icons.data_uri(figure_to_svg(fig, summary, width=narrow[0], height=narrow[1], legend_columns=1)), "narrow_height": narrow[1],
        "summary": summary,
    }


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every user's string is text, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        variation_key=variation_key, sparkline=sparkline, small_multiple=small_multiple, day=format_day, STATUS_LABELS=STATUS_LABELS,
        BENCHMARK_LABELS=BENCHMARK_LABELS,
    )
    return env


def render(template: str, **context) -> str:
    """A template of app_pages/common/templates, autoescaped."""
    return environment().get_template(template).render(**context)


# Two repairs to Streamlit 1.67's navigation on a narrow screen, where it
# folds into a sidebar. (1) It draws the menu as a list whose sections are
# <div>s directly inside the <ul> (axe-core: "list" and "listitem", WCAG
# 1.3.1): each section gets the listitem role and the links' <li>s lose theirs.
# (2) Opening the folded menu from the keyboard leaves the focus nowhere (the
# button that had it is gone), and the menu comes before it in the page: the
# focus moves to the menu's first link. Whenever the menu is drawn again. A
# constant of ours, never built from data: the only script on any page.
NAV_FIX = """<script>
(() => {
  if (window.odNavFix) return;
  window.odNavFix = true;
  let folded = null;
  const fix = () => {
    document.querySelectorAll('ul[data-testid="stSidebarNavItems"] > :not(li)').forEach(section => {
      if (section.getAttribute('role') !== 'listitem') section.setAttribute('role', 'listitem');
      section.querySelectorAll(':scope > li:not([role])').forEach(li => li.setAttribute('role', 'none'));
    });
    const bar = document.querySelector('section[data-testid="stSidebar"]');
    if (!bar) return;
    const now = bar.getAttribute('data-collapsed') === 'true';
    if (folded === true && !now && (!document.activeElement || document.activeElement === document.body)) {
      const first = bar.querySelector('a[data-testid="stSidebarNavLink"]');
      if (first) setTimeout(() => first.focus(), 0);
    }
    folded = now;
  };
  fix();
  new MutationObserver(fix).observe(document.body, {childList: true, subtree: true, attributes: true, attributeFilter: ['data-collapsed']});
})();
</script>"""


@lru_cache(maxsize=1)
def page_head() -> str:
    """The stylesheet (its comments left out) and the navigation's repairs, once per page."""
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.S)
    return "<style>" + css + icon_css() + "</style>" + NAV_FIX
