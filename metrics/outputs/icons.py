"""Icons as small SVG drawings: a shape for every goal status, and the NHS
"Making Data Count" variation and assurance icons (docs/methods.md, "Variation over time").

Why SVG and not Unicode glyphs: a glyph's look depends on the reader's fonts
(some draw ◑ and ▼ as emoji, some not at all), and a screen reader reads
"black down-pointing triangle". Each icon here is drawn the same everywhere,
and comes with its words: a status icon always sits beside its label (so it is
decorative, `alt=""`), an SPC icon carries its label as its text alternative.

The drawings hold no text from users, only shapes and the letters of Making
Data Count (H, L, P, F, ?), so no icon can carry markup. `data_uri` turns one
into an `<img src>` that Streamlit's HTML sanitiser keeps (it removes inline
<svg> elements) and that makes no request. Deterministic: the same icon
always gives the same bytes.
"""

from __future__ import annotations

import base64
from html import escape

from metrics.methods.explain import assurance_label, variation_high, variation_label
from metrics.vocab import STATUS_LABELS

# Colours with at least 3:1 contrast on white (WCAG 2.2, 1.4.11 non-text
# contrast), from the GOV.UK palette; never the only cue (the words are there).
GOOD = "#00703c"
AMBER = "#b35c00"
BAD = "#d4351c"
NEUTRAL = "#505a5f"
# Making Data Count's blue (improvement), orange (concern) and grey (common
# cause, hit and miss), darkened where needed to reach 3:1 on white.
MDC_IMPROVEMENT = "#0072c6"
MDC_CONCERN = "#d55e00"
MDC_COMMON = "#6f777b"

STATUS_COLOURS: dict[str, str] = {
    "met": GOOD,
    "on_track": GOOD,
    "needs_acceleration": AMBER,
    "limited_progress": AMBER,
    "worsening": BAD,
    "missed": BAD,
    "too_uncertain": NEUTRAL,
    "awaiting_data": NEUTRAL,
}


def _svg(body: str, size: int = 24, label: str | None = None) -> str:
    """A square SVG of `size` user units around `body`; a <title> when labelled."""
    title = f"<title>{escape(label)}</title>" if label else ""
    role = 'role="img"' if label else 'aria-hidden="true"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" height="{size}" {role}>'
        f"{title}{body}</svg>"
    )


def data_uri(svg: str) -> str:
    """An SVG as a data: URI for an <img src> (base64, so no character of it needs escaping)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# --- goal status ---------------------------------------------------------------

# The shape of each status, echoing the glyphs of metrics.vocab.STATUS_ICONS:
# a tick, a full, half or empty circle, a falling triangle, a cross, a
# question mark, an ellipsis. "{c}" is the status's colour.
_STATUS_SHAPES: dict[str, str] = {
    "met": '<circle cx="12" cy="12" r="11" fill="{c}"/><path d="M6.5 12.5l3.8 3.8 7.4-8" fill="none" stroke="#fff" stroke-width="2.8" stroke-linecap="round" stroke-linejoin="round"/>',
    "on_track": '<circle cx="12" cy="12" r="10" fill="{c}"/>',
    "needs_acceleration": '<circle cx="12" cy="12" r="9.5" fill="#fff" stroke="{c}" stroke-width="3"/><path d="M12 2.5a9.5 9.5 0 0 0 0 19z" fill="{c}"/>',
    "limited_progress": '<circle cx="12" cy="12" r="9" fill="#fff" stroke="{c}" stroke-width="3"/>',
    "worsening": '<path d="M2 4h20L12 21z" fill="{c}"/>',
    "missed": '<rect x="1.5" y="1.5" width="21" height="21" rx="2" fill="{c}"/><path d="M7 7l10 10M17 7L7 17" stroke="#fff" stroke-width="3" stroke-linecap="round"/>',
    "too_uncertain": (
        '<circle cx="12" cy="12" r="10" fill="#fff" stroke="{c}" stroke-width="2.5"/>'
        '<path d="M8.8 9.2a3.2 3.2 0 1 1 4.6 2.9c-1 .5-1.4 1.1-1.4 2.2v.6" fill="none" stroke="{c}" stroke-width="2.4" stroke-linecap="round"/>'
        '<circle cx="12" cy="17.8" r="1.5" fill="{c}"/>'
    ),
    "awaiting_data": (
        '<circle cx="12" cy="12" r="10" fill="#fff" stroke="{c}" stroke-width="2" stroke-dasharray="3 2.2"/>'
        + "".join(f'<circle cx="{x}" cy="12" r="1.8" fill="{{c}}"/>' for x in (7, 12, 17))
    ),
}


def _status_body(code: str) -> str:
    if code not in _STATUS_SHAPES:
        raise KeyError(f"unknown status {code!r}; the statuses are {sorted(STATUS_LABELS)}")
    return _STATUS_SHAPES[code].replace("{c}", STATUS_COLOURS[code])


def status_icon_svg(code: str) -> str:
    """The shape of a status (decorative: its label is always written beside it)."""
    return _svg(_status_body(code))


# --- Making Data Count ------------------------------------------------------------

def _mdc_ring(colour: str) -> str:
    return f'<circle cx="20" cy="20" r="17.5" fill="#fff" stroke="{colour}" stroke-width="3"/>'


def _dots(ys: list[float], colours: list[str]) -> str:
    xs = [9, 14.5, 20, 25.5, 31][: len(ys)]
    line = "M" + "L".join(f"{x},{y}" for x, y in zip(xs, ys))
    return f'<path d="{line}" fill="none" stroke="{MDC_COMMON}" stroke-width="1.6"/>' + "".join(
        f'<circle cx="{x}" cy="{y}" r="2.6" fill="{c}"/>' for x, y, c in zip(xs, ys, colours)
    )


def variation_icon_svg(code: str | None, direction: str) -> str:
    """Making Data Count's variation icon: a grey ring and level dots for common
    cause; a blue (improvement) or orange (concern) ring with H or L and the
    last points raised or lowered for special cause; an empty dashed ring when
    there are too few points to tell."""
    label = variation_label(code, direction)
    if code is None:
        body = f'<circle cx="20" cy="20" r="17.5" fill="#fff" stroke="{MDC_COMMON}" stroke-width="2" stroke-dasharray="4 3"/><path d="M12 20h16" stroke="{MDC_COMMON}" stroke-width="2"/>'
        return _svg(body, 40, label)
    if code == "common_cause":
        body = _mdc_ring(MDC_COMMON) + _dots([22, 19, 23, 20, 22], [MDC_COMMON] * 5)
        return _svg(body, 40, label)
    colour = MDC_IMPROVEMENT if code == "improvement" else MDC_CONCERN
    high = variation_high(code, direction)
    ys = [29, 30, 29, 24, 22] if high else [11, 10, 11, 16, 18]
    letter_y = 17 if high else 33
    letter = "H" if high else "L"
    body = (
        _mdc_ring(colour)
        + f'<text x="20" y="{letter_y}" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" font-weight="700" font-size="11" fill="{colour}">{letter}</text>'
        + _dots(ys, [MDC_COMMON, MDC_COMMON, MDC_COMMON, colour, colour])
    )
    return _svg(body, 40, label)


def assurance_icon_svg(code: str | None) -> str:
    """Making Data Count's assurance icon: P (blue, the process passes the target
    every time), F (orange, fails it every time) or ? (grey, hit and miss), with
    the target as a dashed line and the process as a grey line above, below or
    across it; an empty dashed ring when there is no assurance to give."""
    label = assurance_label(code)
    if code is None:
        body = f'<circle cx="20" cy="20" r="17.5" fill="#fff" stroke="{MDC_COMMON}" stroke-width="2" stroke-dasharray="4 3"/><path d="M12 20h16" stroke="{MDC_COMMON}" stroke-width="2"/>'
        return _svg(body, 40, label)
    colour, letter, process = {
        "consistently_passing": (MDC_IMPROVEMENT, "P", "M8 27c3-3 5-3 8-1s5 2 8-1 5-2 8 0"),
        "consistently_failing": (MDC_CONCERN, "F", "M8 30c3-3 5-3 8-1s5 2 8-1 5-2 8 0"),
        "hit_and_miss": (MDC_COMMON, "?", "M8 30c3-9 6-9 8-4s5 5 8-3 5-5 8 1"),
    }[code]
    target_y = 31 if code == "consistently_passing" else 24
    body = (
        _mdc_ring(colour)
        + f'<text x="20" y="17" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" font-weight="700" font-size="12" fill="{colour}">{letter}</text>'
        + f'<path d="M4 {target_y}h32" stroke="{colour}" stroke-width="2" stroke-dasharray="4 2"/>'
        + f'<path d="{process}" fill="none" stroke="{MDC_COMMON}" stroke-width="2"/>'
    )
    return _svg(body, 40, label)


def stale_icon_svg() -> str:
    """A clock for "no new data since the last review" (decorative: the words are beside it)."""
    body = (
        f'<circle cx="12" cy="12" r="10" fill="#fff" stroke="{AMBER}" stroke-width="2.5"/>'
        f'<path d="M12 6.5V12l3.8 2.6" fill="none" stroke="{AMBER}" stroke-width="2.4" stroke-linecap="round"/>'
    )
    return _svg(body)
