"""What one import file may hold, and why.

Reading a file costs memory and time in proportion to what it holds, so these
limits, checked before anything is allocated, keep reading any file under
about 500 MB of memory and a few seconds of refusal, whatever the file claims
(tests/test_hostile_files.py measures it). They sit far above what a
partnership sends: a 1,000,000-row observations CSV is about 60 MB and 11
million cells. A file over a limit is refused with the limit in words and
what to do (usually: split it into several files and import them together).

`MAX_FILE_BYTES` is also the app's upload limit: .streamlit/config.toml sets
server.maxUploadSize to the same number of megabytes (MiB, as Streamlit counts).
"""

from __future__ import annotations

MAX_FILE_BYTES = 100 * 1024 * 1024  # one CSV or XLSX file (Streamlit's maxUploadSize = 100)
MAX_ROWS = 2_000_000  # rows of one file or sheet (Excel itself stops at 1,048,576)
MAX_COLUMNS = 100  # columns of one file or sheet: a kind has at most 14, the rest are the steward's _notes
MAX_CELLS = 25_000_000  # rows x columns of one file or workbook: each cell costs memory even when empty
MAX_CELL_CHARS = 100_000  # characters in one cell (Excel's own limit is 32,767)
MAX_PROBLEMS_PER_FILE = 1_000  # problems listed from one file before the rest are counted

# A workbook is a zip of XML parts; these bound what reading one unpacks.
MAX_ZIP_ENTRIES = 1_000  # files inside one workbook (Excel writes about a dozen)
MAX_XML_BYTES = 192 * 1024 * 1024  # XML read from one workbook, unpacked (a 400,000-row sheet is about 150 MB)
MAX_SHARED_STRINGS = 1_000_000  # different texts in one workbook (each is kept in memory while reading)
MAX_TEXT_CHARS = MAX_FILE_BYTES  # text in all the cells of one workbook: as much as the largest CSV holds
MAX_XML_TOKEN_BYTES = 1024 * 1024  # one tag or comment: Excel's are under a kilobyte

# Published files that the source adapters (metrics/contract/sources, the command line
# only: the operator's tool) read whole; not uploads. Their limit as it was.
MAX_SOURCE_FILE_BYTES = 2_000_000_000
# Columns a publisher's file may have beyond those its source reads: real ones have
# a few dozen (an explore-education-statistics file's indicators, the Met's 24
# months); a file with 200,000 made memory grow 30-fold (issue 23, finding 6).
SOURCE_COLUMN_MARGIN = 1_000


def size_in_words(n: int) -> str:
    """A size as a person's computer shows it, and as the app's upload limit is
    counted (1 MB = 1,048,576 bytes): "100 MB", "1.9 GB", "712 bytes"."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"
