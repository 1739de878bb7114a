"""Characters refused in imported text: controls and direction overrides.

A right-to-left override (U+202E) makes "Paid <U+202E>0001<U+202C> pounds" display as
"Paid 1000 pounds" while the stored text says 0001; embeddings and isolates
do the same more quietly ("Trojan Source", CVE-2021-42574). NUL and the other
C0 and C1 controls are never typed by a person: they come from a corrupted
file or a text mis-decoded from another encoding, and they break the CSV and
HTML written from the data. Every cell of every import is refused when it
holds one, with the character named (models.py for the row-by-row check,
observations_sql.py for the bulk one).

Kept: tab, line feed and carriage return (a note may have lines); the
zero-width joiners (emoji, Indic and Persian scripts need them); and the
implicit direction marks U+200E, U+200F and U+061C, which cannot reorder
letters or digits, only neutral punctuation next to them, and which people
writing Arabic, Hebrew or Urdu beside English need.
"""

from __future__ import annotations

import re
import unicodedata

# Inclusive ranges of refused code points.
REFUSED_RANGES: tuple[tuple[int, int], ...] = (
    (0x00, 0x08),  # C0 controls before tab
    (0x0B, 0x0C),  # line tabulation, form feed
    (0x0E, 0x1F),  # the rest of C0
    (0x7F, 0x9F),  # DEL and the C1 controls
    (0x202A, 0x202E),  # embeddings, pop, overrides
    (0x2066, 0x2069),  # isolates and pop isolate
)

# Python's re and RE2 (DuckDB, Arrow) spell a code point differently.
REFUSED_RE = re.compile("[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in REFUSED_RANGES) + "]")
REFUSED_RE2 = "[" + "".join(f"\\x{{{lo:X}}}-\\x{{{hi:X}}}" for lo, hi in REFUSED_RANGES) + "]"

# unicodedata has no names for the controls; these are their Unicode aliases.
_CONTROL_NAMES = {
    0x00: "NULL", 0x01: "START OF HEADING", 0x02: "START OF TEXT", 0x03: "END OF TEXT", 0x04: "END OF TRANSMISSION",
    0x05: "ENQUIRY", 0x06: "ACKNOWLEDGE", 0x07: "BELL", 0x08: "BACKSPACE", 0x0B: "LINE TABULATION", 0x0C: "FORM FEED",
    0x0E: "SHIFT OUT", 0x0F: "SHIFT IN", 0x10: "DATA LINK ESCAPE", 0x11: "DEVICE CONTROL ONE", 0x12: "DEVICE CONTROL TWO",
    0x13: "DEVICE CONTROL THREE", 0x14: "DEVICE CONTROL FOUR", 0x15: "NEGATIVE ACKNOWLEDGE", 0x16: "SYNCHRONOUS IDLE",
    0x17: "END OF TRANSMISSION BLOCK", 0x18: "CANCEL", 0x19: "END OF MEDIUM", 0x1A: "SUBSTITUTE", 0x1B: "ESCAPE",
    0x1C: "INFORMATION SEPARATOR FOUR", 0x1D: "INFORMATION SEPARATOR THREE", 0x1E: "INFORMATION SEPARATOR TWO",
    0x1F: "INFORMATION SEPARATOR ONE", 0x7F: "DELETE", 0x85: "NEXT LINE", 0x9B: "CONTROL SEQUENCE INTRODUCER",
}


def name(char: str) -> str:
    """"U+202E (RIGHT-TO-LEFT OVERRIDE)": a character as a person can read it."""
    code = ord(char)
    label = _CONTROL_NAMES.get(code) or unicodedata.name(char, "") or ("C1 CONTROL" if 0x80 <= code <= 0x9F else "CONTROL")
    return f"U+{code:04X} ({label})"


def first_refused(text: str) -> tuple[int, str] | None:
    """(position from 1, the character) of the first refused character, or None."""
    m = REFUSED_RE.search(text)
    return None if m is None else (m.start() + 1, m.group())


def make_visible(text: str) -> str:
    """The text with each refused character replaced by its code (<U+202E>), so
    that showing it (in a problem message, say) cannot reorder what is around it."""
    return REFUSED_RE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def problem_message(text: str) -> tuple[str, str] | None:
    """(message, fix) for a cell holding a refused character, or None."""
    found = first_refused(text)
    if found is None:
        return None
    position, char = found
    return (
        f"has an invisible control character, {name(char)}, at character {position}: it can make the text "
        "show differently from what is stored.",
        "Delete the character (retype the text, or paste it as plain text) and import again.",
    )
