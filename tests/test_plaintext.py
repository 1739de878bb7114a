"""Text from users renders as text (issue: "Text from users is data, never markup").

CommonMark (which Streamlit's renderer follows) makes any ASCII punctuation
character literal when a backslash precedes it (spec section 2.4, "Backslash
escapes"). These tests check that rule on the escaped strings, with a second,
simple reading of the spec as the oracle; tests/browser/test_security.py
checks the outcome in Streamlit's own renderer (no image, no link, no request).
"""

from __future__ import annotations

import re
import string

from hypothesis import given
from hypothesis import strategies as st

from metrics.outputs.plaintext import markdown_literal, markdown_quote

HOSTILE = [
    "![beacon](http://127.0.0.1:9/beacon.png)",
    "[click me](data:text/html,<script>alert(1)</script>)",
    "<img src=x onerror=alert(1)>",
    "**bold** _it_ `code` # heading",
    ":red[alarm] :material/warning: :smile: $x^2$",
    "<https://example.org/auto> www.example.org",
    "back\\slash \\![x](y)",
    "write to jo@example.org or mailto:jo@example.org",
]


def commonmark_unescape(md: str) -> str:
    """What CommonMark shows for a run of text with backslash escapes (spec 2.4),
    less the invisible word joiners that keep an email address from becoming a link."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", md).replace("\u2060", "")


def unescaped_punctuation(md: str) -> list[str]:
    """Punctuation characters not preceded by an escaping backslash."""
    out, i = [], 0
    while i < len(md):
        if md[i] == "\\" and i + 1 < len(md) and md[i + 1] in string.punctuation:
            i += 2
            continue
        if md[i] in string.punctuation:
            out.append(md[i])
        i += 1
    return out


def test_hostile_strings_keep_no_markup_character_unescaped():
    for text in HOSTILE:
        md = markdown_literal(text)
        assert unescaped_punctuation(md) == [], text
        assert commonmark_unescape(md) == text


@given(st.text(max_size=80).filter(lambda t: "\n" not in t and "\r" not in t))
def test_any_single_line_reads_back_exactly(text):
    md = markdown_literal(text)
    assert unescaped_punctuation(md) == []
    assert commonmark_unescape(md) == text


def test_an_email_address_cannot_become_a_link():
    """mdast's GFM autolinks match `name@domain.tld` in text after escapes are
    read; a character that is not a word character after @ breaks the match."""
    gfm_email = re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+")  # mdast-util-gfm-autolink-literal's email pattern
    assert gfm_email.search("jo@example.org")
    text_node = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown_literal("jo@example.org"))  # escapes read, joiner kept
    assert not gfm_email.search(text_node)


def test_line_breaks_stay_line_breaks_and_a_quote_keeps_every_line_quoted():
    assert markdown_literal("a\nb") == "a  \nb"
    md = markdown_quote("first\n![x](http://e/x.png)\nthird")
    assert all(line.startswith("> ") for line in md.split("\n")) and md.count("\n") == 2
    assert unescaped_punctuation(md.replace("> ", "")) == []
