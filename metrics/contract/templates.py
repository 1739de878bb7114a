"""Blank import templates, generated from the kinds in `metrics.kinds`.

`python -m metrics templates --out data/templates` writes one CSV per kind
(the header row only) and `outcomes_templates.xlsx`: a sheet per kind plus a
`_guide` sheet explaining every column. A test keeps the committed templates
identical to what this module generates, so they cannot drift from the
import contract.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from metrics.contract.kinds import KINDS
from metrics.vocab import GSS_SYMBOLS

WORKBOOK = "outcomes_templates.xlsx"
# A fixed timestamp makes the workbook's bytes reproducible.
FIXED_TIME = dt.datetime(2026, 1, 1)


def template_csv(kind: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(KINDS[kind].column_names)
    return buf.getvalue()


def guide_rows() -> list[list[str]]:
    rows = [["kind", "column", "required", "what it holds"]]
    for kind in KINDS.values():
        rows.append([kind.name, "", "", kind.help])
        for c in kind.columns:
            rows.append([kind.name, c.name, "yes" if c.required else "no", c.help])
    rows.append([])
    rows.append(["General rules", "", "", "Dates as YYYY-MM-DD. Ids: lower-case letters, digits, - and _. Numbers with . as decimal point; no % signs, thousands separators or spaces."])
    rows.append(["", "", "", "Columns whose name starts with _ and sheets whose name starts with _ (like this one) are ignored: use them for your own notes."])
    rows.append(["", "", "", "One import is one transaction: if any row is wrong, nothing is written and every problem is listed."])
    for sym, meaning in GSS_SYMBOLS.items():
        rows.append(["GSS symbol", sym, "", f"In a figure cell: {meaning}. Stored as not available, not as an error."])
    return rows


def write_templates(out_dir: str | Path) -> list[Path]:
    """Write the CSV templates and the workbook into `out_dir`."""
    import openpyxl
    from openpyxl.styles import Font

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = out / f"{kind}.csv"
        path.write_text(template_csv(kind), encoding="utf-8")
        written.append(path)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    guide = wb.create_sheet("_guide")
    for row in guide_rows():
        guide.append(row)
    guide["A1"].font = guide["B1"].font = guide["C1"].font = guide["D1"].font = Font(bold=True)
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 20
    guide.column_dimensions["D"].width = 100
    for kind in KINDS.values():
        ws = wb.create_sheet(kind.name)
        ws.append(list(kind.column_names))
        for i, c in enumerate(kind.columns, start=1):
            cell = ws.cell(row=1, column=i)
            cell.font = Font(bold=c.required)
            ws.column_dimensions[cell.column_letter].width = max(12, len(c.name) + 2)
            if c.type == "date":
                # Format the column as text-looking dates so Excel keeps ISO dates.
                for r in range(2, 502):
                    ws.cell(row=r, column=i).number_format = "yyyy-mm-dd"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    path = out / WORKBOOK
    wb.save(path)
    _normalise_zip_times(path)
    written.append(path)
    return written


def _normalise_zip_times(path: Path) -> None:
    """Rewrite the workbook with fixed member times, so regenerating it gives
    the same bytes and the committed file only changes when its content does."""
    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the save time into the properties; pin it.
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode(), data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)


def formats_markdown() -> str:
    """The import formats as Markdown tables, for README.md (a test keeps the
    README's copy identical, so the documentation cannot drift either)."""
    out = []
    for kind in KINDS.values():
        out.append(f"### {kind.name}\n")
        out.append(f"{kind.help} Key: {', '.join(kind.key)}.\n")
        out.append("| column | required | meaning |")
        out.append("|---|---|---|")
        for c in kind.columns:
            out.append(f"| {c.name} | {'yes' if c.required else 'no'} | {c.help} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def workbook_bytes() -> bytes:
    """The blank workbook (a sheet per kind and the _guide), for the Data page's download."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        write_templates(folder)
        return (Path(folder) / WORKBOOK).read_bytes()
