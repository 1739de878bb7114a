"""Text from users, shown as text: never as markup.

Notes, approved wording, goal statements, partnership descriptions, action
descriptions, names: anything a person typed or imported may be shown only as
the characters it holds. Streamlit renders most strings as Markdown (titles,
captions, alerts, labels), where `![x](https://...)` makes every reader's
browser fetch an outside address and `[x](data:...)` is a link; the HTML
outputs (site, packs) escape through Jinja instead.
"""

from __future__ import annotations

# CommonMark lets a backslash escape any ASCII punctuation character, and the
# escaped character is then literal text: no image, link, emphasis, heading,
# HTML, Streamlit colour or icon directive (`:red[...]`, `:material/x:`),
# emoji shortcode or LaTeX can start.
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# GitHub-flavoured Markdown also turns bare addresses into links after
# parsing, escapes or not: an email becomes a mailto: link. A word joiner
# (U+2060, invisible, not a word character) after each @ stops that; bare
# http(s) and www addresses may still become ordinary web links.
_WORD_JOINER = "\u2060"


def markdown_literal(text: object) -> str:
    """`text` escaped so that a Markdown renderer shows exactly its characters.

    Line breaks are kept as line breaks (a Markdown hard break), so a quoted
    note keeps its shape."""
    s = "" if text is None else str(text)
    escaped = "".join("\\" + ch + (_WORD_JOINER if ch == "@" else "") if ch in _ASCII_PUNCTUATION else ch for ch in s)
    lines = escaped.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "  \n".join(line.strip() or "\u00a0" for line in lines) if len(lines) > 1 else escaped


def markdown_quote(text: object) -> str:
    """`text` as a Markdown block quote whose content is literal text."""
    return "\n".join("> " + line for line in markdown_literal(text).split("\n"))
