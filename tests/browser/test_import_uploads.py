"""The Import page, with the uploads an attacker (or an unlucky steward) sends.

- An upload is read from memory: no copy of it is left in (or passes
  through, by name) the server's temporary folder, private notes included
  (issue 12, finding 16).
- Two uploads of one name are refused on the page, naming the name; before,
  the second silently replaced the first (finding 15).
- A workbook that claims every cell of a sheet is refused on the page with
  the cell named, at no cost to the server (finding 13).
"""

from __future__ import annotations

import re
import uuid

import pytest
from fixtures import hostile
from playwright.sync_api import expect

from browser.conftest import axe_report, axe_violations, open_page, screenshot

pytestmark = pytest.mark.browser

OBS_HEAD = "measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional"
DROPZONE = "[data-testid='stFileUploaderDropzoneInput']"


def _files_holding(folder, marker: bytes) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            try:
                if marker in path.read_bytes():
                    found.append(str(path))
            except OSError:
                pass
    return found


def test_an_upload_leaves_no_copy_on_disk(page, app_server, demo_copy, tmp_path):
    temp = tmp_path / "server-tmp"
    temp.mkdir()
    marker = f"private-{uuid.uuid4()}"
    base = app_server(demo_copy, env={"TMPDIR": str(temp)})
    open_page(page, base, "import")
    upload = tmp_path / "upload" / "observations.csv"
    upload.parent.mkdir()
    # The steward's own column (_note) holds a private remark: imported nowhere, copied nowhere.
    upload.write_text(f"{OBS_HEAD},_note\nattendance,pitbank,2026-11-01,2026-11-30,,5600,6000,,,,true,{marker} about a named child\n", encoding="utf-8")
    page.locator(DROPZONE).set_input_files(str(upload))
    expect(page.get_by_text("Every row passed the checks")).to_be_visible(timeout=20_000)
    assert _files_holding(temp, marker.encode()) == [], "the preview left a copy of the upload"
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text(re.compile(r"observations: 1 added"))).to_be_visible(timeout=20_000)
    assert _files_holding(temp, marker.encode()) == [], "the import left a copy of the upload"
    assert [p.name for p in temp.rglob("*") if "upload" in p.name] == []


def test_two_uploads_with_one_name_are_refused_naming_it(page, app_server, demo_copy, tmp_path):
    open_page(page, app_server(demo_copy), "import")
    first = tmp_path / "a" / "observations.csv"
    second = tmp_path / "b" / "observations.csv"
    for path, month in ((first, "11"), (second, "12")):
        path.parent.mkdir()
        path.write_text(f"{OBS_HEAD}\nattendance,pitbank,2026-{month}-01,2026-{month}-28,,5600,6000,,,,true\n", encoding="utf-8")
    page.locator(DROPZONE).set_input_files([str(first), str(second)])
    expect(page.get_by_text(re.compile(r"Nothing was saved: 1 problem"))).to_be_visible(timeout=20_000)
    expect(page.get_by_text(re.compile(r"observations\.csv: Two of the files have the same name"))).to_be_visible()
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    screenshot(page, "import-duplicate-names")
    violations = axe_violations(page)
    assert violations == [], axe_report(violations)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "import-duplicate-names-390")


def test_a_workbook_claiming_a_whole_sheet_is_refused_on_the_page(page, app_server, demo_copy):
    open_page(page, app_server(demo_copy), "import")
    page.locator(DROPZONE).set_input_files(str(hostile.HERE / "dimension_claim" / "places_far_cell.xlsx"))
    expect(page.get_by_text(re.compile(r"Nothing was saved: 1 problem"))).to_be_visible(timeout=20_000)
    expect(page.get_by_text(re.compile(r"Cell XFD1048576 of the sheet places has a value"))).to_be_visible()
    screenshot(page, "import-hostile-workbook")
