"""Publishing: only what docs/methods.md, "What we publish" allows reaches the public site,
every small number is hidden (with complementary suppression), and the same
data gives the same bytes."""

from __future__ import annotations

import csv
import datetime as dt
import filecmp
import io
import json
import re
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import BASE_FILES, REPO, write_files
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics import store
from metrics.cli import main
from metrics.contract.importer import import_paths
from metrics.methods.aggregate import Figure
from metrics.methods.disclosure import Cell, LinkedCell, is_primary_suppressed, linked_suppression
from metrics.outputs.publish import publish, zip_folder
from metrics.store import StoreError

NOTE_HEAD = "note_id,recorded_on,partnership_id,place_id,goal_id,domain,voice,text,source,consent,approved_wording,approved_by,approved_on"
SENTINELS = {
    "notes.csv": f"""
        {NOTE_HEAD}
        s1,2024-10-20,shire-board,north,attend-up,attendance,young_person,SENTINEL-CONSENT-NONE talked about it,Forum,none,,,
        s2,2024-10-20,shire-board,north,attend-up,attendance,parent_carer,SENTINEL-CONSENT-INTERNAL said so,Forum,internal,,,
        s3,2024-10-20,shire-board,north,attend-up,attendance,resident,SENTINEL-UNAPPROVED wants it public,Forum,public,,,
        s4,2024-10-20,shire-board,north,attend-up,attendance,resident,SENTINEL-ORIGINAL-WORDS of Jo Bloggs,Forum,public,The approved words <script>alert(1)</script>,Chair,2024-11-02
        """,
    "actions.csv": """
        action_id,partnership_id,goal_id,description,owner,agreed_on,due_on,status
        a9,shire-board,attend-up,SENTINEL-ACTION talk to the bus company,SENTINEL-OWNER,2024-11-01,2024-12-31,open
        """,
    "goals.csv": """
        goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner
        hidden-goal,shire-board,wellbeing,south,SENTINEL-INTERNAL-GOAL wellbeing rises,24,2024-12-31,26,2026-07-31,2025-01-10,internal,Council
        """,
    # Issue 17: an internal event on the public goal, an internal one for the
    # whole partnership, an event of an internal goal marked public (its goal is
    # never published), a change point's reason (the board's record), and one
    # public event, which is published as text.
    "events.csv": """
        event_id,partnership_id,goal_id,date,title,visibility
        e-internal,shire-board,attend-up,2024-10-20,SENTINEL-INTERNAL-EVENT on the public goal,internal
        e-everyone,shire-board,,2024-10-25,SENTINEL-INTERNAL-PARTNERSHIP-EVENT,internal
        e-hidden-goal,shire-board,hidden-goal,2025-02-01,SENTINEL-EVENT-OF-AN-INTERNAL-GOAL,public
        e-public,shire-board,attend-up,2024-10-28,Breakfast club <b>opens</b>,public
        """,
    "spc_phases.csv": """
        measure_id,place_id,start_date,reason
        attendance,shire-board,2024-10-01,SENTINEL-PHASE-REASON new attendance officers
        """,
}


def all_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.fixture
def sentinel_db(seeded_db, tmp_path):
    assert import_paths(seeded_db, write_files(tmp_path / "s", SENTINELS)).ok
    return seeded_db


def test_nothing_private_reaches_any_file_of_the_site(sentinel_db, tmp_path):
    publish(sentinel_db, tmp_path / "site")
    text = all_text(tmp_path / "site")
    assert "SENTINEL" not in text
    assert "Jo Bloggs" not in text
    assert "The approved words" in text  # the approved wording is published...
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # ...as text, never markup
    goal = (tmp_path / "site" / "goal-attend-up.html").read_text(encoding="utf-8")
    assert "Breakfast club &lt;b&gt;opens&lt;/b&gt;" in goal and "<b>opens" not in goal  # a public event, as text


def test_nothing_private_reaches_the_live_public_page(sentinel_db, db_path, monkeypatch):
    """The live page (OUTCOMES_MODE=public) of the public goal, as the browser gets it:
    its HTML blocks and the plotly figure's JSON."""
    import streamlit
    from streamlit.testing.v1 import AppTest

    sentinel_db.close()
    monkeypatch.setenv("OUTCOMES_DB", str(db_path))
    monkeypatch.setenv("OUTCOMES_MODE", "public")
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()
    try:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
        at.query_params["goal"] = "attend-up"
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        sent = "\n".join([e.proto.body for e in at.get("html")] + [e.proto.spec for e in at.get("plotly_chart")])
    finally:
        streamlit.cache_data.clear()
        streamlit.cache_resource.clear()
    assert "SENTINEL" not in sent and "Talk to the bus company" not in sent  # no action, no internal event, no phase reason
    assert "Breakfast club &lt;b&gt;opens&lt;/b&gt;" in sent  # the public event, as text (HTML and plotly alike)
    assert "Methods version" in sent


def test_internal_goals_measures_stay_out_unless_a_public_goal_uses_them(sentinel_db, tmp_path):
    publish(sentinel_db, tmp_path / "site")
    rows = list(csv.DictReader((tmp_path / "site" / "published_figures.csv").open(encoding="utf-8")))
    assert {r["measure_id"] for r in rows} == {"attendance"}
    assert {r["goal_id"] for r in rows} == {"attend-up"}
    text = all_text(tmp_path / "site")
    assert "Youth violence incidents" not in text and "Wellbeing score" not in text


def test_published_figures_csv_has_the_contract_columns(seeded_db, tmp_path):
    publish(seeded_db, tmp_path / "site")
    with (tmp_path / "site" / "published_figures.csv").open(encoding="utf-8") as f:
        header = next(csv.reader(f))
    for column in ("partnership_id", "goal_id", "measure_id", "place_id", "period_start", "period_end", "value", "ci_low", "ci_high"):
        assert column in header


def test_published_figures_csv_is_in_order_of_partnership_goal_series_place_and_period(demo_db_path, tmp_path):
    """The open data is written a row at a time (a national site's 350,000 rows
    were held in memory twice); its order is still the whole file sorted."""
    import shutil

    shutil.copy(demo_db_path, tmp_path / "demo.duckdb")
    con = store.connect(tmp_path / "demo.duckdb")
    try:
        publish(con, tmp_path / "site")
    finally:
        con.close()
    with (tmp_path / "site" / "published_figures.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    role = {"scope": 0, "neighbourhood": 1, "benchmark": 2}
    key = [(r["partnership_id"], r["goal_id"], role[r["series"]], r["place_id"], r["period_start"], r["period_end"]) for r in rows]
    assert len(rows) > 1000 and len({r["goal_id"] for r in rows}) > 5 and {r["series"] for r in rows} == set(role)
    assert key == sorted(key)


def test_site_has_index_pages_assets_and_no_scripts_or_external_requests(seeded_db, tmp_path):
    written = publish(seeded_db, tmp_path / "site")
    names = {p.relative_to(tmp_path / "site").as_posix() for p in written}
    assert {"index.html", "methods.html", "accessibility.html", "published_figures.csv", "assets/site.css", "goal-attend-up.html", "partnership-shire-board.html"} <= names
    for page in (tmp_path / "site").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html.lower()
        assert not re.search(r"""(src|href)=["']https?://""", html), page.name
        assert "Content-Security-Policy" in html
        for href in re.findall(r'href="([^"#]+)"', html):
            assert (tmp_path / "site" / href).exists(), f"{page.name} links to missing {href}"


def test_publishing_twice_gives_identical_bytes(demo_copy, tmp_path):
    con = store.connect(demo_copy)
    publish(con, tmp_path / "one")
    publish(con, tmp_path / "two")
    con.close()
    names = sorted(p.relative_to(tmp_path / "one").as_posix() for p in (tmp_path / "one").rglob("*") if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "one", tmp_path / "two", names, shallow=False)
    assert mismatch == [] and errors == []


def test_publish_cli_writes_the_site(demo_copy, tmp_path, capsys):
    assert main(["publish", "--out", str(tmp_path / "site"), "--db", str(demo_copy), "--partnership", "lockgate-youth-safety"]) == 0
    rows = list(csv.DictReader((tmp_path / "site" / "published_figures.csv").open(encoding="utf-8")))
    assert rows and {r["partnership_id"] for r in rows} == {"lockgate-youth-safety"}


# --- disclosure control on hand-built small numbers ---------------------------

@pytest.mark.parametrize(
    "unit,fig,threshold,hidden",
    [
        ("percent", Figure(None, 5, 9), 10, True),  # base 9 < 10
        ("percent", Figure(None, 5, 10), 10, False),  # base 10 is enough
        ("percent", Figure(None, 1, 500), 10, True),  # a count of 1
        ("percent", Figure(None, 2, 500), 10, True),  # a count of 2
        ("percent", Figure(None, 0, 500), 10, False),  # 0 of 500 discloses nothing about anyone in particular
        ("rate_per_1000", Figure(None, 3, 20), 25, True),  # the measure's own threshold
        ("count", Figure(2.0), 10, True),
        ("count", Figure(3.0), 10, False),  # a count measure has no base: only 1 or 2 are hidden
        ("score", Figure(24.0, sample_size=9, std_dev=4.0), 10, True),
        ("score", Figure(24.0, sample_size=10, std_dev=4.0), 10, False),
        ("percent", Figure(93.5), 10, False),  # value only: no base, no count to judge
    ],
)
def test_primary_suppression(unit, fig, threshold, hidden):
    assert is_primary_suppressed(unit, fig, threshold) is hidden


JAN = (dt.date(2025, 1, 1), dt.date(2025, 1, 31))


def rate(place: str, numerator: int, denominator: int, places: str | None = None) -> LinkedCell:
    """A percentage published for a place (or a partnership adding up `places`) in January."""
    return LinkedCell(Cell("m", place, JAN), frozenset(places or place), "percent", Figure(None, numerator, denominator), 10)


def count(place: str, value: int, places: str | None = None) -> LinkedCell:
    return LinkedCell(Cell("m", place, JAN), frozenset(places or place), "count", Figure(float(value)), 10)


def hidden_places(cells: list[LinkedCell]) -> set[str]:
    return {c.place_id for c in linked_suppression(cells)}


def test_one_hidden_part_of_a_published_total_hides_the_next_smallest():
    # a: 1 of 5 (a base below 10); the total is published, so b (40, smaller than c's 60) goes too.
    assert hidden_places([rate("a", 1, 5), rate("b", 20, 40), rate("c", 30, 60), rate("T", 51, 105, "abc")]) == {"a", "b"}


def test_nothing_more_is_hidden_when_the_total_is_not_published():
    assert hidden_places([rate("a", 1, 5), rate("b", 20, 40)]) == {"a"}


def test_a_neighbourhood_in_two_partnerships_is_protected_in_both_with_the_fewest_cells():
    """b sits in two partnerships. Hiding b for P1 would leave it recoverable from P2
    (two more cells); hiding P1's total instead protects a with one cell."""
    cells = [rate("a", 1, 3), rate("b", 10, 50), rate("c", 30, 80), rate("d", 20, 70), rate("p1", 11, 53, "ab"), rate("p2", 60, 200, "bcd")]
    assert hidden_places(cells) == {"a", "p1"}


def test_overlapping_partnerships_do_not_publish_the_difference():
    """A = {n1, n2, n3}, B = {n1, n2}: every neighbourhood hidden, so one total must go (A - B = n3)."""
    cells = [count("n1", 1), count("n2", 2), count("n3", 2), count("A", 5, ["n1", "n2", "n3"]), count("B", 3, ["n1", "n2"])]
    hidden = hidden_places(cells)
    assert {"n1", "n2", "n3"} <= hidden and len({"A", "B"} & hidden) == 1


def test_a_difference_that_is_a_small_group_is_hidden_too():
    """No single hidden cell is recoverable, but A - B = {n3, n4} is 2 incidents: a small group."""
    cells = [count(h, v) for h, v in (("n1", 5), ("n2", 6), ("n3", 1), ("n4", 1))]
    cells += [count("A", 13, ["n1", "n2", "n3", "n4"]), count("B", 11, ["n1", "n2"])]
    hidden = hidden_places(cells)
    assert {"n3", "n4"} <= hidden
    assert {"A", "B", "n1", "n2"} & hidden, "A - B (or A - n1 - n2) still gives the pair's 2 incidents"


def test_nested_periods_are_linked_tables_too():
    """January to February beside January gives February."""
    feb = (dt.date(2025, 2, 1), dt.date(2025, 2, 28))
    both = (dt.date(2025, 1, 1), dt.date(2025, 2, 28))
    cells = [
        LinkedCell(Cell("m", "h", JAN), frozenset("h"), "count", Figure(5.0)),
        LinkedCell(Cell("m", "h", feb), frozenset("h"), "count", Figure(2.0)),
        LinkedCell(Cell("m", "h", both), frozenset("h"), "count", Figure(7.0)),
    ]
    hidden = {c.period for c in linked_suppression(cells)}
    assert feb in hidden and (JAN in hidden or both in hidden)


SMALL = {
    "places.csv": """
        place_id,name,level,parent_id,code
        england,England,nation,,
        town,Town,local_area,england,
        a,Ashby,neighbourhood,town,
        b,Brook,neighbourhood,town,
        c,Cole,neighbourhood,town,
        """,
    "measures.csv": """
        measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source
        safe,Feel safe,safety,percent,higher_is_better,0,100,10,Pupils who feel safe,Survey
        """,
    "partnerships.csv": """
        partnership_id,name,places,review_every_weeks,members,description
        p,Town Partnership,a;b;c,8,Council,
        """,
    "goals.csv": """
        goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner
        g,p,safe,p,More pupils feel safe,50,2025-01-31,60,2026-07-31,2025-02-01,public,
        """,
    # January: a has 1 of 50 (a count of 1: hidden); b 20/40 and c 30/60.
    # The total (51/150) is published, so b (smaller base than c) is hidden too.
    # February: a's base is 8 (below 10): hidden; b 20/40, c 35/70: b hidden again.
    # March: nothing small: all shown.
    "observations.csv": """
        measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional
        safe,a,2025-01-01,2025-01-31,,1,50,,,,
        safe,b,2025-01-01,2025-01-31,,20,40,,,,
        safe,c,2025-01-01,2025-01-31,,30,60,,,,
        safe,a,2025-02-01,2025-02-28,,4,8,,,,
        safe,b,2025-02-01,2025-02-28,,20,40,,,,
        safe,c,2025-02-01,2025-02-28,,35,70,,,,
        safe,a,2025-03-01,2025-03-31,,30,50,,,,
        safe,b,2025-03-01,2025-03-31,,20,40,,,,
        safe,c,2025-03-01,2025-03-31,,36,60,,,,
        """,
}


@pytest.fixture
def small_site(fresh_db, tmp_path):
    assert import_paths(fresh_db, write_files(tmp_path / "small", SMALL)).ok
    publish(fresh_db, tmp_path / "site")
    rows = list(csv.DictReader((tmp_path / "site" / "published_figures.csv").open(encoding="utf-8")))
    return {(r["place_id"], r["period_end"]): r for r in rows}, tmp_path / "site"


def test_small_numbers_are_hidden_with_their_intervals(small_site):
    rows, _ = small_site
    for place, end in (("a", "2025-01-31"), ("b", "2025-01-31"), ("a", "2025-02-28"), ("b", "2025-02-28")):
        r = rows[(place, end)]
        assert (r["value"], r["ci_low"], r["ci_high"]) == ("c", "c", "c"), (place, end)
    assert float(rows[("c", "2025-01-31")]["value"]) == pytest.approx(50.0)
    assert float(rows[("p", "2025-01-31")]["value"]) == pytest.approx(51 / 150 * 100)
    for place in "abc":
        assert rows[(place, "2025-03-31")]["value"] != "c"


def test_no_hidden_figure_can_be_recovered_by_subtraction(small_site):
    rows, _ = small_site
    hidden_by_period = defaultdict(list)
    for (place, end), r in rows.items():
        if r["series"] == "neighbourhood" and r["value"] == "c":
            hidden_by_period[end].append(place)
    for (place, end), r in rows.items():
        if r["series"] == "scope" and r["value"] != "c":
            assert len(hidden_by_period[end]) != 1, f"{end}: one hidden neighbourhood under a published total"
    assert hidden_by_period and any(r["series"] == "scope" and r["value"] != "c" for r in rows.values())


def test_hidden_numbers_do_not_appear_on_the_pages(small_site):
    _, site = small_site
    html = (site / "goal-g.html").read_text(encoding="utf-8")
    assert "2.0%" not in html  # a's January 1/50
    assert "50.0%" in html  # c's January 30/60 is published


# --- precision, derived outputs and the status of a hidden latest figure ------


def test_published_figures_carry_one_decimal_like_the_pages(demo_copy, tmp_path):
    con = store.connect(demo_copy)
    publish(con, tmp_path / "site")
    con.close()
    rows = list(csv.DictReader((tmp_path / "site" / "published_figures.csv").open(encoding="utf-8")))
    assert sum(r["unit"] == "percent" and r["value"] not in ("", "c") for r in rows) > 100
    for r in rows:
        for column in ("value", "ci_low", "ci_high"):
            text = r[column]
            if text in ("", "c"):
                continue
            assert re.fullmatch(r"-?\d+(\.\d)?", text), f"{r['place_id']} {r['period_end']} {column}={text}"
            if r["unit"] == "percent":
                assert "." in text  # 93.0, not 93: the page's one decimal place


def test_the_public_projection_is_the_trend_through_published_figures_only(tmp_path, fresh_db):
    """Worked by hand: baseline 10 (31 Dec 2024); published 9, 8, 7, 6 at the ends of
    Jan, Feb, Apr and May 2025; March (a count of 2) is hidden. numpy's own least
    squares through those five points, read at the target date (30 Sep 2025), is
    the projection. Read at 31 Dec 2026 it would be -8.5 incidents: a count is
    never projected below 0 (issue 17)."""
    import numpy as np

    from metrics.outputs.public import public_site

    files = {
        "places.csv": "place_id,name,level,parent_id,code\nh,Hood,neighbourhood,,\n",
        "measures.csv": "measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source\nm,Incidents,safety,count,lower_is_better,,,,Incidents,Police\n",
        "partnerships.csv": "partnership_id,name,places,review_every_weeks,members,description\np,P,h,8,,\n",
        "goals.csv": "goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner\ng,p,m,h,Fewer,10,2024-12-31,4,2025-09-30,2025-01-15,public,\n",
        "observations.csv": "measure_id,place_id,period_start,period_end,value\n"
        + "".join(f"m,h,2025-{i:02d}-01,{e},{v}\n" for i, e, v in ((1, "2025-01-31", 9), (2, "2025-02-28", 8), (3, "2025-03-31", 2), (4, "2025-04-30", 7), (5, "2025-05-31", 6))),
    }
    assert import_paths(fresh_db, write_files(tmp_path / "in", {k: v for k, v in files.items()})).ok
    g = public_site(fresh_db).goal("g")
    days = [dt.date(2024, 12, 31), dt.date(2025, 1, 31), dt.date(2025, 2, 28), dt.date(2025, 4, 30), dt.date(2025, 5, 31)]
    slope, intercept = np.polyfit([d.toordinal() for d in days], [10, 9, 8, 7, 6], 1)
    assert g.projection.value == round(slope * dt.date(2025, 9, 30).toordinal() + intercept, 1) == 3.0
    assert (g.projection.from_date, g.projection.from_value) == (dt.date(2025, 5, 31), 6.0)
    assert g.explanation.startswith("Incidents is 6 (May 2025)")  # the latest figure is published: the usual "why"
    later = files["goals.csv"].replace("2025-09-30,2025-01-15", "2026-12-31,2025-01-15")
    assert import_paths(fresh_db, write_files(tmp_path / "later", {"goals.csv": later}), reason="a later target date").ok
    assert round(slope * dt.date(2026, 12, 31).toordinal() + intercept, 1) == -8.5
    assert public_site(fresh_db).goal("g").projection.value == 0.0


@pytest.mark.parametrize(
    "target,latest,public_status",
    [
        (1, 1, "too_few_to_publish"),  # "met" against 1 would say the hidden count is 0 or 1
        (5, 1, "met"),  # 0, 1 and 2 all meet a target of 5: saying so gives nothing away
        (5, 2, "met"),
    ],
)
def test_a_hidden_latest_count_keeps_its_status_only_when_every_small_count_gives_it(tmp_path, fresh_db, target, latest, public_status):
    from metrics.outputs.public import public_site
    from metrics.read.readmodel import goal_results

    files = {
        "places.csv": "place_id,name,level,parent_id,code\nh,Hood,neighbourhood,,\n",
        "measures.csv": "measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source\nm,Incidents,safety,count,lower_is_better,,,,Incidents,Police\n",
        "partnerships.csv": "partnership_id,name,places,review_every_weeks,members,description\np,P,h,8,,\n",
        "goals.csv": f"goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner\ng,p,m,h,Fewer,8,2024-12-31,{target},2026-12-31,2025-01-15,public,\n",
        "observations.csv": f"measure_id,place_id,period_start,period_end,value\nm,h,2025-01-01,2025-01-31,7\nm,h,2025-02-01,2025-02-28,{latest}\n",
    }
    assert import_paths(fresh_db, write_files(tmp_path / "in", files)).ok
    internal = goal_results(fresh_db)[0].assessment.status
    g = public_site(fresh_db).goal("g")
    assert internal == "met"  # the internal status is unchanged
    assert g.latest.suppressed and g.status == public_status
    assert g.projection is None  # no trend line when the latest figure is hidden
    assert str(latest) not in g.explanation.replace("2025", "")
    if public_status == "too_few_to_publish":
        assert g.status_label == "Too few to publish safely"


def test_the_methods_page_explains_the_public_status():
    from metrics.vocab import PUBLIC_STATUS_LABELS

    text = (Path(__file__).resolve().parent.parent / "docs" / "methods.md").read_text(encoding="utf-8")
    assert f"**{PUBLIC_STATUS_LABELS['too_few_to_publish']}**" in re.sub(r"\s+", " ", text)
    assert "linked tables" in text


# --- publishing while the app holds the database -------------------------------


def test_the_snapshot_holds_exactly_the_public_site(demo_copy):
    from metrics.outputs.public import public_site, site_from_dict, site_to_dict

    con = store.connect(demo_copy)
    site = public_site(con)
    con.close()
    assert site_from_dict(json.loads(json.dumps(site_to_dict(site)))) == site


HOLD_AND_SNAPSHOT = """
import sys, time
from metrics import store
from metrics.outputs.publish import keep_public_snapshot
con = store.connect(sys.argv[1])
keep_public_snapshot(con, sys.argv[1], every_s=0.2)
print("holding", flush=True)
time.sleep(120)
"""


def publish_beside_the_app(db: Path, out: Path) -> None:
    """Wait (up to a minute) for the snapshot the app keeps beside `db`, then run
    `python -m metrics publish` and check it published from the snapshot."""
    import subprocess
    import sys
    import time

    snapshot = db.with_name(db.name + ".public.json")
    deadline = time.monotonic() + 60
    while not snapshot.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    done = subprocess.run(
        [sys.executable, "-m", "metrics", "publish", "--out", str(out), "--db", str(db)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "snapshot of the public site" in done.stdout


def test_the_command_line_publishes_the_apps_snapshot_while_another_process_holds_the_database(demo_copy, tmp_path):
    """As the app does: one process holds the file and keeps the snapshot; `publish`
    then writes the same site it would have written from the database itself."""
    import subprocess
    import sys

    from processes import stop

    con = store.connect(demo_copy)
    publish(con, tmp_path / "direct")
    con.close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_AND_SNAPSHOT, str(demo_copy)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        publish_beside_the_app(demo_copy, tmp_path / "busy")
        status = subprocess.run([sys.executable, "-m", "metrics", "status", "--db", str(demo_copy)], cwd=REPO, capture_output=True, text=True, timeout=120)
        assert status.returncode == 1 and "in use by another program" in status.stderr  # only publish has a snapshot to read
    finally:
        stop(holder)
    names = sorted(p.relative_to(tmp_path / "direct").as_posix() for p in (tmp_path / "direct").rglob("*") if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "direct", tmp_path / "busy", names, shallow=False)
    assert mismatch == [] and errors == []


def test_publishing_with_no_snapshot_while_the_database_is_held_says_what_to_do(demo_copy, tmp_path, capsys):
    import duckdb

    holder = duckdb.connect(str(demo_copy))  # this process holds it; the CLI is another process
    try:
        import subprocess
        import sys

        out = subprocess.run(
            [sys.executable, "-m", "metrics", "publish", "--out", str(tmp_path / "s"), "--db", str(demo_copy)],
            cwd=REPO, capture_output=True, text=True, timeout=120,
        )
    finally:
        holder.close()
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "no snapshot of the public site" in out.stderr and "Admin page" in out.stderr


def test_publishing_from_the_app_is_an_audited_batch(demo_copy, tmp_path, monkeypatch):
    """The Admin page "Publish the site" (local mode: the one user is an admin)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("OUTCOMES_DB", str(demo_copy))
    monkeypatch.setenv("OUTCOMES_SITE_DIR", str(tmp_path / "published"))
    monkeypatch.delenv("OUTCOMES_MODE", raising=False)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/internal/publish_admin.py").run()
    assert at.title[0].value == "Publish the site"
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] == [f"Published {len(list((tmp_path / 'published').rglob('*.*')))} files. It is recorded in the audit trail."]
    assert (tmp_path / "published" / "index.html").exists()
    from app_pages.common import connection  # AppTest ran in this process: read the audit trail through the app's connection

    rows = connection._connection(str(demo_copy)).execute("SELECT actor, action, files FROM batches WHERE action = 'publish'").fetchall()
    assert rows == [("local", "publish", str(tmp_path / "published"))]


@st.composite
def linked_systems(draw):
    """Counts for 2-5 neighbourhoods over 3 months, totals for 1-3 (overlapping)
    partnerships, and two-month figures for some places: one measure's linked tables."""
    hoods = [f"n{i}" for i in range(draw(st.integers(2, 5)))]
    months = [(dt.date(2025, m, 1), dt.date(2025, m + 1, 1) - dt.timedelta(days=1)) for m in (1, 2, 3)]
    value = {(h, m): draw(st.integers(0, 7)) for h in hoods for m in range(3)}
    groups = {h: [h] for h in hoods}
    for j in range(draw(st.integers(1, 3))):
        groups[f"p{j}"] = draw(st.lists(st.sampled_from(hoods), min_size=2, max_size=len(hoods), unique=True)) if len(hoods) > 1 else hoods
    cells = []
    for place, members in groups.items():
        periods = [(months[m], [m]) for m in range(3)]
        if draw(st.booleans()):
            periods.append(((months[0][0], months[1][1]), [0, 1]))
        for period, ms in periods:
            total = sum(value[(h, m)] for h in members for m in ms)
            cells.append(LinkedCell(Cell("m", place, period), frozenset(members), "count", Figure(float(total)), 10))
    return cells


@settings(max_examples=150, deadline=None)
@given(linked_systems())
def test_no_hidden_count_lies_in_the_span_of_the_published_ones(cells):
    """Checked by a second, simpler implementation: numpy's rank over one atom
    per neighbourhood and day. A hidden cell can be worked out exactly when
    adding its row to the published rows does not raise the rank."""
    import numpy as np

    hidden = linked_suppression(cells)
    assert {c.cell for c in cells if c.figure.value in (1.0, 2.0)} <= hidden
    days = sorted({c.cell.period[0] + dt.timedelta(days=i) for c in cells for i in range((c.cell.period[1] - c.cell.period[0]).days + 1)})
    places = sorted({p for c in cells for p in c.places})
    col = {(p, d): i for i, (p, d) in enumerate((p, d) for p in places for d in days)}

    def row(c: LinkedCell) -> np.ndarray:
        v = np.zeros(len(col))
        for p in c.places:
            for d in days:
                if c.cell.period[0] <= d <= c.cell.period[1]:
                    v[col[(p, d)]] = 1.0
        return v

    shown = [row(c) for c in cells if c.cell not in hidden]
    if not shown:
        return
    rank = np.linalg.matrix_rank(np.array(shown))
    for c in cells:
        if c.cell in hidden:
            assert np.linalg.matrix_rank(np.array(shown + [row(c)])) > rank, f"{c.cell} can be worked out from what is published"


# --- each publish is exactly the new site (issue 23, findings 2 and 3) -------------------


def test_publishing_again_removes_the_page_of_a_goal_no_longer_public(seeded_db, tmp_path):
    site = tmp_path / "site"
    publish(seeded_db, site)
    assert (site / "goal-attend-up.html").exists()
    internal = BASE_FILES["goals.csv"].replace("2024-10-15,public,Shire Council", "2024-10-15,internal,Shire Council")
    assert import_paths(seeded_db, write_files(tmp_path / "g", {"goals.csv": internal}), reason="Taken back for review").ok
    (site / "stray.html").write_text("left by hand", encoding="utf-8")
    publish(seeded_db, site)
    assert not (site / "goal-attend-up.html").exists()
    assert not (site / "stray.html").exists()
    assert "attend-up" not in (site / "published_figures.csv").read_text(encoding="utf-8")
    names = zipfile.ZipFile(io.BytesIO(zip_folder(site))).namelist()  # the app's "Publish the site" download
    assert "index.html" in names and "goal-attend-up.html" not in names


def test_publish_never_writes_through_a_symbolic_link(seeded_db, tmp_path):
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere.txt"
    publish(seeded_db, site)
    elsewhere.write_text("mine", encoding="utf-8")
    (site / "index.html").unlink()
    (site / "index.html").symlink_to(elsewhere)
    with pytest.raises(StoreError, match="symbolic link"):
        publish(seeded_db, site)
    assert elsewhere.read_text(encoding="utf-8") == "mine"
    linked = tmp_path / "linked-site"
    linked.symlink_to(tmp_path / "elsewhere-dir", target_is_directory=True)
    with pytest.raises(StoreError, match="symbolic link"):
        publish(seeded_db, linked)


def test_publish_does_not_replace_a_folder_that_is_not_a_site(seeded_db, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "letter.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(StoreError, match="not a published site"):
        publish(seeded_db, home)
    assert (home / "letter.txt").read_text(encoding="utf-8") == "keep me"


def test_the_whole_site_can_be_published_over_a_folder_of_partnership_sites(seeded_db, tmp_path):
    root = tmp_path / "site"
    publish(seeded_db, root / "shire-board", partnership="shire-board")  # the app writes one partnership into a subfolder
    publish(seeded_db, root)
    assert (root / "index.html").exists() and not (root / "shire-board").exists()
