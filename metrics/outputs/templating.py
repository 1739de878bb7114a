"""The one Jinja environment the HTML outputs share: the board pack, the
static public site (and the live public page, which renders the site's own
templates) and the trustee summary.

Autoescaping is on for every template, so a note, a name or a statement is
always text, never markup (README, "Security"); an undefined name is an
error, not an empty string; days and months are written the same, locale-free
way everywhere (metrics.methods.explain).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from metrics.methods.explain import format_day, format_month, format_value

TEMPLATE_DIR = Path(__file__).resolve().parent / "site"


def environment(**globals_: Any) -> jinja2.Environment:
    """A Jinja environment over metrics/outputs/site with the shared helpers
    (fmt, month, day) and the output's own globals."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals.update(fmt=lambda v, unit: "–" if v is None else format_value(v, unit), month=format_month, day=format_day)
    env.globals.update(globals_)
    return env
