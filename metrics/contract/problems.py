"""Problems found in a steward's files, worded for the steward.

A problem names the file, the sheet (for a workbook), the row as Excel shows
it (the header is row 1), the column, the value, what is wrong and how to fix
it. Problems are values, not exceptions: an import collects all of them and
writes nothing when there are any.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from metrics.contract.control_chars import make_visible


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    fix: str = ""
    row: int | None = None
    column: str | None = None
    value: str | None = None
    sheet: str | None = None
    code: str = "invalid"

    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return make_visible(", ".join(parts))

    def __str__(self) -> str:
        value = ""
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            value = f' "{shown}"' if shown != "" else " (empty)"
        text = f"{self.where()}:{value} {self.message}"
        if self.fix:
            text += f" Fix: {self.fix}"
        return make_visible(text)  # a direction override in a value must not reorder the message


def summarise_problems(problems: list[Problem], per_group: int = 100) -> list[str]:
    """Lines to show a steward, in file and row order: every problem, except
    that a long run of the same problem in the same column stops after
    `per_group` rows and ends with a count, so a file with a million bad rows
    still gives a readable report."""
    ordered = sorted(problems, key=lambda p: (p.file, p.sheet or "", p.row or 0))
    shown: dict[tuple, int] = defaultdict(int)
    cut: dict[tuple, list[Problem]] = defaultdict(list)
    lines: list[str] = []
    for p in ordered:
        key = (p.file, p.sheet, p.column, p.code)
        if shown[key] < per_group:
            shown[key] += 1
            lines.append(str(p))
        else:
            cut[key].append(p)
    for (file, sheet, column, _), rest in cut.items():
        head = Problem(file=file, sheet=sheet, column=column, message="").where()
        lines.append(
            f"{head}: ... and {len(rest):,} more rows with the same problem (rows {rest[0].row} to {rest[-1].row})."
        )
    return lines
