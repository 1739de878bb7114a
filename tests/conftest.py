"""Shared fixtures: small real databases named for the state they give."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from metrics import store
from metrics.contract.importer import import_paths

REPO = Path(__file__).resolve().parent.parent


# Real published files, committed as fixtures with their source and licence
# (tests/fixtures/real/README.md): the suite reads nothing outside the repository.
REAL = REPO / "tests" / "fixtures" / "real"
REAL_DFE = REAL / "dfe_attendance_ytd_2025_26.csv"
REAL_POLICE = REAL / "police_uk" / "2016-07-west-yorkshire-street.csv"
REAL_MET_2025_12 = REAL / "met_ward" / "met_ward_crime_release_2025-12_camden_islington.csv"
REAL_MET_2026_01 = REAL / "met_ward" / "met_ward_crime_release_2026-01_camden_islington.csv"
REAL_FINGERTIPS = REAL / "fingertips" / "fingertips_90284_england_regions.csv"
# A copy of the methods contract the project was given (METHODS.md), for the methods page's own-words test.
CONTRACT = REPO / "tests" / "fixtures" / "contract"
ARTIFACTS = REPO / "tests" / "artifacts"

# A small, valid partnership: two neighbourhoods in one local area, a nation,
# three measures (one per unit family), a goal, a note and an action.
BASE_FILES: dict[str, str] = {
    "places.csv": """
        place_id,name,level,parent_id,code
        england,England,nation,,E92000001
        shire,Shire,local_area,england,
        north,North End,neighbourhood,shire,
        south,South End,neighbourhood,shire,
        """,
    "measures.csv": """
        measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source
        attendance,Attendance rate,attendance,percent,higher_is_better,0,100,,Share of possible sessions attended,School MIS
        incidents,Youth violence incidents,safety,count,lower_is_better,,,,Police-recorded incidents,Police
        wellbeing,Wellbeing score,wellbeing,score,higher_is_better,7,35,,SWEMWBS mean,Survey
        """,
    "partnerships.csv": """
        partnership_id,name,places,review_every_weeks,members,description
        shire-board,Shire Delivery Board,north;south,8,Shire Council;Oak Learning Trust,A board for the estate
        """,
    "goals.csv": """
        goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner
        attend-up,shire-board,attendance,shire-board,Attendance rises to 95% by July 2026,90.75,2024-09-30,95,2026-07-31,2024-10-15,public,Shire Council
        north-safer,shire-board,incidents,north,Fewer incidents in North End,4,2024-09-30,2,2026-07-31,2024-10-15,internal,Police
        """,
    "observations.csv": """
        measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional
        attendance,north,2024-09-01,2024-09-30,,900,1000,,,,
        attendance,south,2024-09-01,2024-09-30,91.5,915,1000,,,,
        attendance,north,2024-10-01,2024-10-31,c,c,c,,,,true
        incidents,north,2024-09-01,2024-09-30,4,,,,,,
        wellbeing,south,2024-09-01,2024-12-31,24.1,,,85,4.2,,
        """,
    "notes.csv": """
        note_id,recorded_on,partnership_id,place_id,goal_id,domain,voice,text,source,consent,approved_wording,approved_by,approved_on
        n1,2024-10-20,shire-board,north,attend-up,attendance,parent_carer,The bus is always late,Listening event,public,The bus is always late,Board chair,2024-11-01
        n2,2024-10-21,shire-board,,,safety,young_person,I avoid the park,Youth forum,none,,,
        """,
    "actions.csv": """
        action_id,partnership_id,goal_id,description,owner,agreed_on,due_on,status
        a1,shire-board,attend-up,Talk to the bus company,Shire Council,2024-11-01,2024-12-31,open
        """,
}


def write_files(folder: Path, files: dict[str, str]) -> list[Path]:
    """Write dedented CSV texts into `folder`; returns the paths in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in files.items():
        path = folder / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        paths.append(path)
    return paths


def snapshot(con) -> dict[str, list[tuple]]:
    """Every row of every table: to prove a failed import changed nothing."""
    tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
    return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture
def fresh_db(db_path: Path):
    con = store.connect(db_path)
    yield con
    con.close()


@pytest.fixture
def base_paths(tmp_path: Path) -> list[Path]:
    return write_files(tmp_path / "base", BASE_FILES)


@pytest.fixture
def seeded_db(fresh_db, base_paths):
    result = import_paths(fresh_db, base_paths)
    assert result.ok, [str(p) for p in result.problems]
    return fresh_db


@pytest.fixture
def two_db(seeded_db, tmp_path):
    """Shire Delivery Board (north, south; public goal attend-up) and Other Board
    (east; internal goal east-goal, with a note and an action): tests/roles.py's OTHER."""
    from roles import OTHER

    result = import_paths(seeded_db, write_files(tmp_path / "other", OTHER))
    assert result.ok, [str(p) for p in result.problems]
    return seeded_db


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data set in a DuckDB file shared by the session: read it, do not
    write to it (copy it first; a served app holds the file, DuckDB allows one writer)."""
    from metrics.contract.demo import seed_demo

    path = tmp_path_factory.mktemp("demo-db") / "demo.duckdb"
    con = store.connect(path)
    seed_demo(con)
    con.close()
    return path


@pytest.fixture
def demo_copy(demo_db_path: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database (the shared one may be held by a
    served app in the browser tests, and DuckDB lets one process open a file)."""
    import shutil

    path = tmp_path / "demo-copy.duckdb"
    shutil.copy(demo_db_path, path)
    return path


@pytest.fixture
def empty_db_path(tmp_path: Path) -> Path:
    """A new database with the schema and no data."""
    path = tmp_path / "empty.duckdb"
    store.connect(path).close()
    return path



@dataclass(frozen=True)
class NationalData:
    """The synthetic national data set (tools.bench.bench) at a small scale, and
    what to open in it: the featured partnership, one of its partnership-wide
    goals, one of its neighbourhoods and a trust that sits on it."""

    db_path: Path
    partnership_id: str
    partnership_name: str
    goals_in_partnership: int
    goal_id: str
    neighbourhood: str
    trust: str


# Enough partnerships (14) for the Overview's national view (more than it
# draws as cards), small enough to import in a second or two.
NATIONAL_TEST_SCALE = dict(name="browser", neighbourhoods=120, local_areas=6, months=36, partnerships=14, goals=50)


@pytest.fixture(scope="session")
def national(tmp_path_factory: pytest.TempPathFactory) -> NationalData:
    """The bench's synthetic England at NATIONAL_TEST_SCALE, imported through
    the steward's import path. Read it; copy it before writing."""
    import csv

    from tools.bench import bench

    folder = tmp_path_factory.mktemp("national")
    generated = bench.generate(folder / "files", bench.Scale(**NATIONAL_TEST_SCALE))
    path = folder / "national.duckdb"
    con = store.connect(path)
    result = import_paths(con, [generated.files[k] for k in ("places", "measures", "partnerships", "goals")] + list(generated.observation_files), actor="test")
    assert result.ok, [str(p) for p in result.problems[:5]]
    pid = generated.partnership_id
    goals = store.scalar(con, "SELECT count(*) FROM goals WHERE partnership_id = ? AND superseded_at IS NULL", [pid])
    con.close()
    with generated.files["partnerships"].open(encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["partnership_id"] == pid)
    trust = next(m for m in row["members"].split(";") if "Trust" in m)
    return NationalData(path, pid, row["name"], goals, f"{pid}-g01", row["places"].split(";")[0], trust)
