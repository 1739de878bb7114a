"""Build the illustrative demo data set (fictional places, people and figures).

Run from the repository root:

    .venv/bin/python data/demo/build_demo.py

It writes the import files of docs/data-contract.md next to this script
(places, partnerships, measures, goals, observations, notes, actions) and a
later import in `revisions/` (late register corrections and one moved goal
date, with its reason in `revisions/REASON.txt`). It then checks the files
with `check_demo.py` (every format rule, and every goal status of docs/methods.md, "How we decide a goal's status" present before and after the revisions) and exits non-zero if a
check fails.

Everything is deterministic: the only randomness is Python's `random.Random`
with a fixed seed, using only `random()` (the one method whose sequence Python
promises not to change), so the same script writes the same bytes.

Only the England figures are anchored to published statistics (DfE, "Pupil
attendance in schools" and "Pupil absence in schools in England"); their
monthly profile is illustrative. Every other name and number is made up.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261123
RNG = random.Random(SEED)

DEMO_SOURCE = "Fictional demo data"

# ---------------------------------------------------------------------------
# Small deterministic helpers (only RNG.random(), see the module docstring)
# ---------------------------------------------------------------------------


def normal(mean: float = 0.0, sd: float = 1.0) -> float:
    """A normal draw by Box-Muller, from two uniform draws."""
    u1 = 1.0 - RNG.random()  # in (0, 1]
    u2 = RNG.random()
    return mean + sd * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def poisson(lam: float) -> int:
    """A Poisson draw by inversion (fine for the small means used here)."""
    u = RNG.random()
    k, p = 0, math.exp(-lam)
    cum = p
    while u > cum and k < 1000:
        k += 1
        p *= lam / k
        cum += p
    return k


def binomial(n: int, p: float) -> int:
    """A binomial draw: exact for small n, normal approximation for large n."""
    if n <= 400:
        return sum(1 for _ in range(n) if RNG.random() < p)
    x = round(normal(n * p, math.sqrt(n * p * (1 - p))))
    return max(0, min(n, x))


def month_end(d: dt.date) -> dt.date:
    nxt = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def fmt(x: float, dp: int = 2) -> str:
    return f"{x:.{dp}f}"


# ---------------------------------------------------------------------------
# Calendar: school months and terms, school days per month
# ---------------------------------------------------------------------------

EASTER = {2024: dt.date(2024, 3, 31), 2025: dt.date(2025, 4, 20), 2026: dt.date(2026, 4, 5)}
SCHOOL_YEARS = (2023, 2024, 2025)  # starting September; plus Sep-Oct 2026


def _monday_between(year: int, month: int, first: int, last: int) -> dt.date:
    for day in range(first, last + 1):
        d = dt.date(year, month, day)
        if d.weekday() == 0:
            return d
    raise ValueError("no Monday")


def school_holidays(start_year: int) -> set[dt.date]:
    """An illustrative English school calendar for the year starting in September."""
    y, y1 = start_year, start_year + 1
    days: set[dt.date] = set()

    def add(a: dt.date, b: dt.date) -> None:
        d = a
        while d <= b:
            days.add(d)
            d += dt.timedelta(days=1)

    add(dt.date(y, 8, 1), dt.date(y, 9, 3))  # summer, then INSET
    oct_half = _monday_between(y, 10, 21, 27)
    add(oct_half, oct_half + dt.timedelta(days=4))
    add(dt.date(y, 12, 21), dt.date(y1, 1, 3))  # Christmas
    feb_half = _monday_between(y1, 2, 12, 18)
    add(feb_half, feb_half + dt.timedelta(days=4))
    if y1 in EASTER:
        e = EASTER[y1]
        add(e - dt.timedelta(days=6), e + dt.timedelta(days=5))
    may_bank = _monday_between(y1, 5, 1, 7)
    days.add(may_bank)
    may_half = _monday_between(y1, 5, 25, 31)
    add(may_half, may_half + dt.timedelta(days=4))
    add(dt.date(y1, 7, 23), dt.date(y1, 8, 31))
    return days


def school_days(month_start: dt.date) -> int:
    start_year = month_start.year if month_start.month >= 9 else month_start.year - 1
    hols = school_holidays(start_year)
    d, n = month_start, 0
    end = month_end(month_start)
    while d <= end:
        if d.weekday() < 5 and d not in hols:
            n += 1
        d += dt.timedelta(days=1)
    return n


def school_months() -> list[dt.date]:
    """First days of the school months Sep 2023 - Jul 2026, then Sep and Oct 2026."""
    months = []
    for y in SCHOOL_YEARS:
        for m in (9, 10, 11, 12):
            months.append(dt.date(y, m, 1))
        for m in range(1, 8):
            months.append(dt.date(y + 1, m, 1))
    months += [dt.date(2026, 9, 1), dt.date(2026, 10, 1)]
    return months


def terms() -> list[tuple[str, dt.date, dt.date]]:
    """Survey terms (autumn, spring, summer) 2023/24 - 2025/26. Autumn 2026 is not in yet."""
    out = []
    for y in SCHOOL_YEARS:
        out.append((f"autumn {y}", dt.date(y, 9, 1), dt.date(y, 12, 31)))
        out.append((f"spring {y + 1}", dt.date(y + 1, 1, 1), dt.date(y + 1, 3, 31)))
        out.append((f"summer {y + 1}", dt.date(y + 1, 4, 1), dt.date(y + 1, 7, 31)))
    return out


def school_year_of(d: dt.date) -> int:
    return d.year if d.month >= 9 else d.year - 1


# ---------------------------------------------------------------------------
# Places, partnerships, measures
# ---------------------------------------------------------------------------

NATION = ("england", "England", "nation", "", "E92000001")
REGION = ("northvale", "Northvale", "region", "england", "")
LOCAL_AREAS = [
    ("carrowfield", "Carrowfield", "local_area", "northvale", ""),
    ("kestrel-bridge", "Kestrel Bridge", "local_area", "northvale", ""),
    ("hollinsmere", "Hollinsmere", "local_area", "northvale", ""),
]

# Neighbourhood parameters:
#   pupils on roll (Sep 2023), local area,
#   attendance level by school year (2023/24, 2024/25, 2025/26, 2026/27),
#   persistent absence (year to date, July) by school year,
#   youth violence incidents a month by school year,
#   feel safe % by school year, survey respondents per term,
#   SWEMWBS mean by school year, sd, respondents per term.
NEIGHBOURHOODS: dict[str, dict] = {
    # Carrowfield East: post-industrial estate; attendance and safety focus.
    "pitbank": dict(name="Pitbank", area="carrowfield", pupils=2650,
                    att=(90.1, 90.6, 91.6, 92.4), pa=(25.8, 25.0, 23.2, 22.0),
                    yv=(6.0, 5.6, 5.0, 4.6), safe=(63, 65, 68), safe_n=110,
                    swb=(22.1, 22.3, 22.6), swb_sd=4.6, swb_n=120),
    "furnace-row": dict(name="Furnace Row", area="carrowfield", pupils=1950,
                        att=(90.7, 91.3, 92.2, 92.9), pa=(25.4, 24.1, 22.5, 21.4),
                        yv=(4.5, 4.2, 3.6, 3.3), safe=(66, 67, 70), safe_n=80,
                        swb=(22.4, 22.6, 22.8), swb_sd=4.4, swb_n=90),
    "coldwater-lane": dict(name="Coldwater Lane", area="carrowfield", pupils=1520,
                           att=(91.4, 91.8, 92.3, 92.8), pa=(23.8, 23.1, 22.0, 21.2),
                           yv=(2.2, 2.1, 1.9, 1.8), safe=(64, 65, 67), safe_n=38,
                           swb=(22.8, 22.9, 23.1), swb_sd=4.3, swb_n=55),
    "stoney-heath": dict(name="Stoney Heath", area="carrowfield", pupils=3450,
                         att=(89.8, 90.3, 91.1, 91.7), pa=(26.6, 25.8, 24.9, 24.0),
                         yv=(7.0, 6.8, 6.1, 5.8), safe=(64, 66, 68), safe_n=150,
                         swb=(21.9, 22.0, 22.2), swb_sd=4.65, swb_n=160),
    # Lockgate: inner-city ward; youth violence and feeling safe.
    "lockgate": dict(name="Lockgate", area="kestrel-bridge", pupils=3850,
                     att=(91.5, 91.6, 91.9, 92.0), pa=(23.0, 22.8, 22.4, 22.2),
                     yv=(9.5, 8.8, 7.0, 6.0), safe=(61, 64, 71), safe_n=190,
                     swb=(22.7, 22.8, 23.0), swb_sd=4.5, swb_n=200),
    "tanners-yard": dict(name="Tanners Yard", area="kestrel-bridge", pupils=2300,
                         att=(92.0, 92.1, 91.9, 91.8), pa=(21.5, 21.6, 22.0, 22.3),
                         yv=(5.0, 6.5, 9.0, 11.0), safe=(66, 64, 62), safe_n=120,
                         swb=(23.0, 22.9, 22.7), swb_sd=4.4, swb_n=130),
    "mercer-green": dict(name="Mercer Green", area="kestrel-bridge", pupils=1700,
                         att=(92.4, 92.6, 92.8, 93.0), pa=(20.6, 20.2, 19.8, 19.5),
                         yv=(7.5, 7.0, 6.0, 5.5), safe=(68, 69, 71), safe_n=45,
                         swb=(23.2, 23.3, 23.4), swb_sd=4.2, swb_n=60),
    # Hollinsmere: market town and suburbs; wellbeing focus.
    "wrenfield": dict(name="Wrenfield", area="hollinsmere", pupils=2900,
                      att=(94.2, 94.0, 93.5, 93.1), pa=(17.0, 17.6, 18.7, 19.4),
                      yv=(1.8, 1.9, 2.0, 2.0), safe=(76, 76, 77), safe_n=140,
                      swb=(22.9, 23.4, 23.9), swb_sd=4.1, swb_n=195),
    "saltmarsh-end": dict(name="Saltmarsh End", area="hollinsmere", pupils=1560,
                          att=(94.6, 94.6, 94.7, 94.8), pa=(15.8, 15.7, 15.5, 15.4),
                          yv=(0.8, 0.8, 0.7, 0.7), safe=(77, 77, 78), safe_n=50,
                          swb=(23.6, 23.3, 23.0), swb_sd=3.9, swb_n=70),
    "hollins-north": dict(name="Hollins North", area="hollinsmere", pupils=3100,
                          att=(93.7, 93.8, 94.0, 94.1), pa=(18.4, 18.2, 17.9, 17.7),
                          yv=(2.6, 2.5, 2.4, 2.4), safe=(74, 75, 76), safe_n=160,
                          swb=(22.6, 23.1, 23.7), swb_sd=4.4, swb_n=205),
}

# Pupils in each local area's other schools (outside the partnership neighbourhoods),
# with their attendance level (2023/24 onwards) and persistent absence.
OTHER_SCHOOLS = {
    "carrowfield": dict(pupils=21400, att=(91.6, 91.8, 92.1, 92.3), pa=(22.4, 21.9, 21.2, 20.9)),
    "kestrel-bridge": dict(pupils=38600, att=(92.3, 92.5, 92.7, 92.8), pa=(20.8, 20.3, 19.9, 19.7)),
    "hollinsmere": dict(pupils=17900, att=(93.9, 94.0, 94.0, 94.1), pa=(17.6, 17.5, 17.6, 17.5)),
}

PARTNERSHIPS = [
    dict(
        partnership_id="carrowfield-east",
        name="Carrowfield East Delivery Board",
        places=["pitbank", "furnace-row", "coldwater-lane", "stoney-heath"],
        review_every_weeks=8,
        members=[
            "Larkspur Learning Trust", "Pitbank Primary Academy", "Furnace Row Academy",
            "Coldwater Lane Primary School", "Stoney Heath Community College",
            "Carrowfield Council", "Northvale Integrated Care Board", "Northvale Police",
            "Carrowfield Youth Works", "Pitbank Community Pantry",
        ],
        description=(
            "Schools, the council, health, police and community groups on the estates of "
            "Carrowfield East, where the pits and the foundry closed a generation ago. The "
            "board meets every eight weeks and has promised to get more children into school "
            "every day and to make the walk to school safer. A fictional partnership in the "
            "demo data set."
        ),
    ),
    dict(
        partnership_id="lockgate-youth-safety",
        name="Lockgate Youth Safety Partnership",
        places=["lockgate", "tanners-yard", "mercer-green"],
        review_every_weeks=8,
        members=[
            "Meridian Schools Trust", "Lockgate Academy", "Tanners Yard Primary School",
            "Mercer Green School", "Kestrel Bridge City Council",
            "Kestrel Bridge Youth Justice Service", "Northvale Police",
            "Kestrel Bridge NHS Foundation Trust", "Safe Passage Youth Project",
            "Lockgate Boxing and Fitness Club",
        ],
        description=(
            "Schools, youth workers, the council, the hospital and the police in Lockgate ward "
            "in inner-city Kestrel Bridge, working together so that fewer young people are "
            "hurt or drawn into violence and more of them feel safe on their streets. A "
            "fictional partnership in the demo data set."
        ),
    ),
    dict(
        partnership_id="hollinsmere-convening",
        name="Hollinsmere Convening Partnership",
        places=["wrenfield", "saltmarsh-end", "hollins-north"],
        review_every_weeks=6,
        members=[
            "Larkspur Learning Trust", "Hollinsmere Schools Cooperative Trust",
            "Wrenfield Academy", "Saltmarsh End Primary School", "Hollins North High School",
            "Hollinsmere District Council", "Northvale Integrated Care Board",
            "Northvale Mental Health NHS Trust", "Hollinsmere Young Carers",
            "Open Door Counselling Hollinsmere",
        ],
        description=(
            "Trusts, schools, the district council and mental health services in Hollinsmere, "
            "convened around one shared goal: children and young people who feel well and "
            "have someone to turn to. It meets every six weeks. A fictional partnership in "
            "the demo data set."
        ),
    ),
]

MEASURES = [
    dict(
        measure_id="attendance", name="Attendance rate", domain="attendance", unit="percent",
        direction="higher_is_better", min_value="0", max_value="100", suppress_below="10",
        definition=(
            "Sessions attended as a percentage of possible sessions in the month, in state-funded "
            "schools serving the place (two sessions a day, morning and afternoon). A session "
            "counts as attended when the pupil is present, late before the register closed, or "
            "at an approved educational activity, as in DfE's attendance statistics."
        ),
        source="School registers (MIS export by each school's attendance lead, collated monthly by the partnership's data steward)",
    ),
    dict(
        measure_id="persistent-absence", name="Persistent absence", domain="attendance",
        unit="percent", direction="lower_is_better", min_value="0", max_value="100",
        suppress_below="10",
        definition=(
            "Pupils on roll who have missed 10% or more of their possible sessions in the school "
            "year so far, as a percentage of pupils on roll, counted at the end of each month. "
            "Early in the school year a few days off can make a pupil persistently absent, so "
            "autumn figures run higher than the final figure for the year."
        ),
        source="School registers (MIS export, year to date at month end, collated by the partnership's data steward)",
    ),
    dict(
        measure_id="youth-violence", name="Youth violence incidents", domain="safety",
        unit="count", direction="lower_is_better", min_value="0", max_value="500",
        suppress_below="3",
        definition=(
            "Police-recorded violence against the person, robbery and possession of weapons "
            "offences in the month where the victim or the suspect was aged 10 to 24, located in "
            "the place. Small numbers go up and down a lot from month to month."
        ),
        source="Police-recorded crime extract shared monthly under the partnership's data-sharing agreement",
    ),
    dict(
        measure_id="feel-safe", name="Young people who feel safe", domain="safety",
        unit="percent", direction="higher_is_better", min_value="0", max_value="100",
        suppress_below="20",
        definition=(
            "Pupils in Years 6 to 11 answering 'always' or 'most of the time' to 'I feel safe "
            "in my area outside school', as a percentage of pupils who answered, in the termly "
            "pupil survey. Surveys with fewer than 20 respondents are not published."
        ),
        source="Termly pupil voice survey run by the partnership's schools",
    ),
    dict(
        measure_id="wellbeing", name="Mental wellbeing (SWEMWBS)", domain="wellbeing",
        unit="score", direction="higher_is_better", min_value="7", max_value="35",
        suppress_below="10",
        definition=(
            "Average score of pupils in Years 7 to 11 on the Short Warwick-Edinburgh Mental "
            "Wellbeing Scale: seven statements such as 'I've been feeling optimistic about the "
            "future', each scored 1 to 5, so a total from 7 to 35; higher means better "
            "wellbeing. Raw scores, not converted to metric scores."
        ),
        source="Termly pupil wellbeing survey (SWEMWBS, used under licence) run by the partnership's schools",
    ),
]
MEASURE_BY_ID = {m["measure_id"]: m for m in MEASURES}

# ---------------------------------------------------------------------------
# Observations
# ---------------------------------------------------------------------------

OBS_COLUMNS = ["measure_id", "place_id", "period_start", "period_end", "value", "numerator",
               "denominator", "sample_size", "std_dev", "source", "provisional"]

# Attendance: percentage points above or below the year's level, by calendar month
# (high in September, winter illness in December, tired July).
ATT_SEASON = {9: 1.5, 10: 0.4, 11: -0.1, 12: -1.4, 1: -0.3, 2: 0.0, 3: 0.1, 4: 0.3,
              5: 0.3, 6: 0.0, 7: -0.9}
# Persistent absence is counted over the school year to date: high early in the
# year (a few days off is already 10%), settling to the year's figure by July.
PA_SEASON = {9: 1.6, 10: 1.3, 11: 1.0, 12: 1.1, 1: 0.9, 2: 0.7, 3: 0.5, 4: 0.4,
             5: 0.2, 6: 0.1, 7: 0.0}
# Youth violence: more in the long light evenings of late spring and summer.
YV_SEASON = {9: 1.0, 10: 1.05, 11: 0.95, 12: 0.9, 1: 0.85, 2: 0.9, 3: 1.0, 4: 1.05,
             5: 1.1, 6: 1.15, 7: 1.2}
TERM_SAFE = {"autumn": -1.0, "spring": 0.0, "summer": 1.5}
TERM_SWB = {"autumn": 0.2, "spring": -0.3, "summer": 0.1}

# The latest month is still provisional: schools correct registers for weeks.
PROVISIONAL_FROM = dt.date(2026, 10, 1)

# Rows a steward exported without the (derived) value column: percent figures
# for these neighbourhoods in the autumn term of 2023.
VALUE_LEFT_EMPTY = {"furnace-row", "tanners-yard", "saltmarsh-end"}

# Feel-safe surveys with too few respondents, suppressed at source (GSS `c`).
SUPPRESSED_SURVEYS = {("coldwater-lane", "summer 2024"), ("coldwater-lane", "summer 2026")}


def level_at(levels: tuple[float, ...], d: dt.date) -> float:
    """A yearly level, moving in a straight line between school years.

    levels[i] is the level of school year 2023+i, placed at the middle of
    that year (1 February); before the first and after the last it is flat.
    """
    knots = [dt.date(2024 + i, 2, 1) for i in range(len(levels))]
    if d <= knots[0]:
        return levels[0]
    if d >= knots[-1]:
        return levels[-1]
    for i in range(len(knots) - 1):
        if knots[i] <= d <= knots[i + 1]:
            w = (d - knots[i]).days / (knots[i + 1] - knots[i]).days
            return levels[i] + w * (levels[i + 1] - levels[i])
    raise AssertionError


def obs_row(measure_id, place_id, start, end, *, value="", numerator="", denominator="",
            sample_size="", std_dev="", source="", provisional=None) -> dict:
    if provisional is None:
        provisional = start >= PROVISIONAL_FROM
    return dict(measure_id=measure_id, place_id=place_id, period_start=start.isoformat(),
                period_end=end.isoformat(), value=value, numerator=numerator,
                denominator=denominator, sample_size=sample_size, std_dev=std_dev,
                source=source, provisional="true" if provisional else "false")


def percent_row(measure_id, place_id, start, end, num, den, source, with_value=True, **kw):
    value = fmt(100.0 * num / den) if with_value else ""
    return obs_row(measure_id, place_id, start, end, value=value, numerator=str(num),
                   denominator=str(den), source=source, **kw)


def neighbourhood_monthly() -> tuple[list[dict], dict]:
    """Monthly attendance, persistent absence and youth violence for each neighbourhood.

    Also returns the raw figures by (measure, place, month) so the local-area
    rows can add their neighbourhoods up.
    """
    rows, raw = [], {}
    for place_id, p in NEIGHBOURHOODS.items():
        for m0 in school_months():
            m1 = month_end(m0)
            year = school_year_of(m0)
            mid = m0 + dt.timedelta(days=14)
            days = school_days(m0)
            roll = round(p["pupils"] * (1 + 0.006 * (year - 2023)) * (1 + normal(0, 0.003)))
            possible = round(roll * 2 * days * (0.984 + 0.004 * RNG.random()))
            rate = level_at(p["att"], mid) + ATT_SEASON[m0.month] + normal(0, 0.22)
            attended = round(possible * rate / 100.0)
            pa_rate = p["pa"][year - 2023] + PA_SEASON[m0.month] + normal(0, 0.35)
            pa_num = binomial(roll, pa_rate / 100.0)
            incidents = poisson(level_at(p["yv"], mid) * YV_SEASON[m0.month])
            with_value = not (place_id in VALUE_LEFT_EMPTY and m0 < dt.date(2024, 1, 1))
            src = f"{DEMO_SOURCE}: school registers, monthly return"
            rows.append(percent_row("attendance", place_id, m0, m1, attended, possible, src, with_value))
            rows.append(percent_row("persistent-absence", place_id, m0, m1, pa_num, roll,
                                    f"{DEMO_SOURCE}: school registers, year to date at month end",
                                    with_value))
            rows.append(obs_row("youth-violence", place_id, m0, m1, value=str(incidents),
                                source=f"{DEMO_SOURCE}: police-recorded crime extract"))
            raw[("attendance", place_id, m0)] = (attended, possible)
            raw[("persistent-absence", place_id, m0)] = (pa_num, roll)
    return rows, raw


def neighbourhood_termly() -> list[dict]:
    """Termly feel-safe and wellbeing surveys for each neighbourhood."""
    rows = []
    for place_id, p in NEIGHBOURHOODS.items():
        for label, t0, t1 in terms():
            season = label.split()[0]
            year = school_year_of(t0)
            n_safe = round(p["safe_n"] * (0.8 + 0.4 * RNG.random()))
            p_safe = (p["safe"][year - 2023] + TERM_SAFE[season] + normal(0, 1.0)) / 100.0
            if (place_id, label) in SUPPRESSED_SURVEYS:
                rows.append(obs_row("feel-safe", place_id, t0, t1, value="c", numerator="c",
                                    denominator="c",
                                    source=f"{DEMO_SOURCE}: pupil survey, {label}; fewer than 20 respondents, suppressed at source"))
            else:
                yes = binomial(n_safe, p_safe)
                rows.append(percent_row("feel-safe", place_id, t0, t1, yes, n_safe,
                                        f"{DEMO_SOURCE}: pupil survey, {label}",
                                        not (place_id in VALUE_LEFT_EMPTY and label == "autumn 2023")))
            n = round(p["swb_n"] * (0.8 + 0.4 * RNG.random()))
            sd = p["swb_sd"] + normal(0, 0.15)
            mean = p["swb"][year - 2023] + TERM_SWB[season] + normal(0, sd / math.sqrt(n))
            rows.append(obs_row("wellbeing", place_id, t0, t1, value=fmt(mean), sample_size=str(n),
                                std_dev=fmt(sd), source=f"{DEMO_SOURCE}: SWEMWBS pupil survey, {label}"))
    return rows


def local_area_monthly(raw: dict) -> list[dict]:
    """Attendance and persistent absence for each local area: its neighbourhoods plus its other schools."""
    rows = []
    for area_id, o in OTHER_SCHOOLS.items():
        members = [pid for pid, p in NEIGHBOURHOODS.items() if p["area"] == area_id]
        for m0 in school_months():
            m1 = month_end(m0)
            year = school_year_of(m0)
            mid = m0 + dt.timedelta(days=14)
            roll = round(o["pupils"] * (1 + 0.004 * (year - 2023)) * (1 + normal(0, 0.002)))
            possible = round(roll * 2 * school_days(m0) * 0.987)
            rate = level_at(o["att"], mid) + ATT_SEASON[m0.month] + normal(0, 0.12)
            attended = round(possible * rate / 100.0)
            pa_num = binomial(roll, (o["pa"][year - 2023] + PA_SEASON[m0.month] + normal(0, 0.2)) / 100.0)
            att_num = attended + sum(raw[("attendance", pid, m0)][0] for pid in members)
            att_den = possible + sum(raw[("attendance", pid, m0)][1] for pid in members)
            pa_n = pa_num + sum(raw[("persistent-absence", pid, m0)][0] for pid in members)
            pa_d = roll + sum(raw[("persistent-absence", pid, m0)][1] for pid in members)
            src = f"{DEMO_SOURCE}: council attendance team, all state-funded schools in the area"
            rows.append(percent_row("attendance", area_id, m0, m1, att_num, att_den, src))
            rows.append(percent_row("persistent-absence", area_id, m0, m1, pa_n, pa_d, src))
    return rows


# England. 2025/26: DfE "Pupil attendance in schools", 2025/26 to date, national
# 'Total' row for state-funded schools (tests/fixtures/real). 2023/24: DfE
# "Pupil absence in schools in England 2023/24" (overall absence 7.1%, persistent
# absence 20.0%). 2024/25 and 2026/27: approximate, illustrative.
DFE_2025_26_POSSIBLE = 2_445_419_687
DFE_2025_26_ATTENDED = 2_277_095_382
DFE_2025_26_PA = 18.78
ENGLAND_YEARS = {
    # year: (attendance %, persistent absence %, pupils, exact session totals or None, source)
    2023: (92.9, 20.0, 7_180_000, None,
           "DfE Pupil absence in schools in England 2023/24 (state-funded schools): annual national "
           "rate (overall absence 7.1%, persistent absence 20.0%); monthly profile illustrative, "
           "scaled to the published annual rate"),
    2024: (93.1, 19.0, 7_215_000, None,
           "Approximate, illustrative: annual national rate for 2024/25 taken as attendance 93.1% "
           "and persistent absence 19.0%; monthly profile illustrative, scaled to that annual rate"),
    2025: (100.0 * DFE_2025_26_ATTENDED / DFE_2025_26_POSSIBLE, DFE_2025_26_PA, 7_230_000,
           (DFE_2025_26_POSSIBLE, DFE_2025_26_ATTENDED),
           "DfE Pupil attendance in schools, 2025/26 to date (state-funded schools, total): annual "
           "national rate (possible sessions 2445419687, attended 2277095382, persistent absence "
           "18.78%); monthly profile illustrative, scaled so the months sum to the published totals"),
    2026: (93.1, 18.8, 7_225_000, None,
           "Illustrative: 2026/27 autumn months assume the 2025/26 national rate (DfE, 2025/26 to "
           "date); monthly profile illustrative, not a published figure"),
}


def split_total(total: int, weights: list[float]) -> list[int]:
    """Whole numbers proportional to weights that add up to total exactly (largest remainder)."""
    raw = [total * w / sum(weights) for w in weights]
    out = [math.floor(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def england_monthly() -> list[dict]:
    """England attendance and persistent absence, monthly, at DfE's annual national rates."""
    rows = []
    for year, (att, pa, pupils, totals, source) in ENGLAND_YEARS.items():
        months = [m for m in school_months() if school_year_of(m) == year]
        days = [school_days(m) for m in months]
        if totals:
            possible = split_total(totals[0], days)
        else:
            # Possible sessions a school day as in 2025/26, a little higher in the
            # earlier years (rolls are falling in primary schools).
            per_day = DFE_2025_26_POSSIBLE / sum(school_days(m) for m in school_months()
                                                 if school_year_of(m) == 2025)
            scale = {2023: 1.006, 2024: 1.003, 2026: 0.998}[year]
            possible = [round(per_day * scale * d) for d in days]
        # Shift the seasonal profile so that, over a whole school year, the ratio
        # of sums is the annual rate (2026/27 has only two months so far: use
        # the whole of 2025/26 to place its profile).
        whole = [m for m in school_months() if school_year_of(m) == min(year, 2025)]
        w_days = [school_days(m) for m in whole]
        shift = att - sum(d * ATT_SEASON[m.month] for d, m in zip(w_days, whole)) / sum(w_days)
        rates = [shift + ATT_SEASON[m.month] for m in months]
        if totals:
            attended = split_total(totals[1], [p * r for p, r in zip(possible, rates)])
        else:
            attended = [round(p * r / 100.0) for p, r in zip(possible, rates)]
        for i, m0 in enumerate(months):
            m1 = month_end(m0)
            rows.append(percent_row("attendance", "england", m0, m1, attended[i], possible[i], source))
            roll = pupils + (i - 5) * 1500
            pa_num = round(roll * (pa + PA_SEASON[m0.month]) / 100.0)
            rows.append(percent_row("persistent-absence", "england", m0, m1, pa_num, roll, source))
    return rows


def build_observations() -> list[dict]:
    RNG.seed(SEED)  # the same rows however often this is called
    monthly, raw = neighbourhood_monthly()
    rows = monthly + neighbourhood_termly() + local_area_monthly(raw) + england_monthly()
    rows.sort(key=lambda r: (r["measure_id"], r["place_id"], r["period_start"]))
    return rows


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

COLUMNS = {
    "places": ["place_id", "name", "level", "parent_id", "code"],
    "partnerships": ["partnership_id", "name", "places", "review_every_weeks", "members",
                     "description"],
    "measures": ["measure_id", "name", "domain", "unit", "direction", "min_value", "max_value",
                 "suppress_below", "definition", "source"],
    "observations": OBS_COLUMNS,
    "goals": ["goal_id", "partnership_id", "measure_id", "scope", "statement",
              "baseline_value", "baseline_date", "target_value", "target_date", "stated_on",
              "visibility", "owner"],
    "notes": ["note_id", "recorded_on", "partnership_id", "place_id", "goal_id", "domain",
              "voice", "text", "source", "consent", "approved_wording", "approved_by",
              "approved_on"],
    "actions": ["action_id", "partnership_id", "goal_id", "description", "owner", "agreed_on",
                "due_on", "status"],
    "events": ["event_id", "partnership_id", "goal_id", "date", "title", "visibility"],
    "spc_phases": ["measure_id", "place_id", "start_date", "reason"],
    "measure_breaks": ["measure_id", "date", "reason"],
    "reviews_held": ["partnership_id", "review_date"],
    "recorded_on": ["kind", "key", "recorded_on"],
}


def write_csv(path: Path, kind: str, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS[kind], lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in COLUMNS[kind]})


def place_rows() -> list[dict]:
    rows = [NATION, REGION, *LOCAL_AREAS]
    rows += [(pid, p["name"], "neighbourhood", p["area"], "") for pid, p in NEIGHBOURHOODS.items()]
    return [dict(zip(COLUMNS["places"], r)) for r in rows]


def partnership_rows() -> list[dict]:
    return [dict(p, places=";".join(p["places"]), members=";".join(p["members"]),
                 review_every_weeks=str(p["review_every_weeks"])) for p in PARTNERSHIPS]


# ---------------------------------------------------------------------------
# Goals
# ---------------------------------------------------------------------------

# Each goal's baseline is the observed figure for its scope at baseline_date
# (read back from the generated observations, so it always agrees); the target,
# dates and wording are the partnership's promise. The comment after each goal
# is the status it is designed to show on this data (docs/methods.md, "How we decide a goal's status");
# check_demo.py recomputes them from the files and fails if any code is missing.
GOALS = [
    # Carrowfield East Delivery Board
    dict(goal_id="ce-attendance", partnership_id="carrowfield-east", measure_id="attendance",
         scope="carrowfield-east", baseline_date="2024-10-31", target_value="93.5",
         target_date="2027-07-31", stated_on="2024-12-05", visibility="public",
         owner="Larkspur Learning Trust",
         statement="Attendance across Carrowfield East's schools rises from {B:.1f}% (October 2024) "
                   "to 93.5% by July 2027, closing most of the gap with England."),
    # -> needs_acceleration
    dict(goal_id="ce-persistent-absence", partnership_id="carrowfield-east",
         measure_id="persistent-absence", scope="carrowfield-east", baseline_date="2024-10-31",
         target_value="23.5", target_date="2027-07-31", stated_on="2024-12-05",
         visibility="public", owner="Larkspur Learning Trust",
         statement="Fewer children persistently absent across Carrowfield East: from {B:.1f}% of "
                   "pupils (October 2024, year to date) to 23.5% by July 2027."),
    # -> on_track
    dict(goal_id="pitbank-attendance", partnership_id="carrowfield-east", measure_id="attendance",
         scope="pitbank", baseline_date="2025-10-31", target_value="94.0",
         target_date="2027-07-31", stated_on="2025-12-04", visibility="public",
         owner="Carrowfield Council",
         statement="With a new attendance hub on the estate, attendance at Pitbank's schools "
                   "rises from {B:.1f}% (October 2025) to 94.0% by July 2027."),
    # -> needs_acceleration; after the revision (target date December 2027) on_track
    dict(goal_id="pitbank-youth-violence", partnership_id="carrowfield-east",
         measure_id="youth-violence", scope="pitbank", baseline_date="2024-10-31",
         target_value="5", target_date="2027-07-31", stated_on="2024-12-05",
         visibility="public", owner="Northvale Police",
         statement="Youth violence in Pitbank halves: from {B:.0f} police-recorded incidents "
                   "involving 10 to 24 year olds in October 2024 to 5 or fewer a month by July 2027."),
    # -> met
    dict(goal_id="stoney-heath-persistent-absence", partnership_id="carrowfield-east",
         measure_id="persistent-absence", scope="stoney-heath", baseline_date="2024-07-31",
         target_value="24.0", target_date="2026-07-31", stated_on="2024-09-19",
         visibility="public", owner="Stoney Heath Community College",
         statement="Persistent absence in Stoney Heath falls from {B:.1f}% (2023/24) to 24.0% "
                   "by July 2026."),
    # -> missed
    dict(goal_id="stoney-heath-attendance", partnership_id="carrowfield-east",
         measure_id="attendance", scope="stoney-heath", baseline_date="2024-10-31",
         target_value="94.0", target_date="2027-07-31", stated_on="2024-12-05",
         visibility="internal", owner="Stoney Heath Community College",
         statement="Attendance in Stoney Heath rises from {B:.1f}% (October 2024) to 94.0% by "
                   "July 2027."),
    # -> limited_progress
    dict(goal_id="coldwater-feel-safe", partnership_id="carrowfield-east", measure_id="feel-safe",
         scope="coldwater-lane", baseline_date="2024-12-31", target_value="72",
         target_date="2027-07-31", stated_on="2025-02-06", visibility="public",
         owner="Carrowfield Youth Works",
         statement="More young people in Coldwater Lane feel safe outside school: from "
                   "{B:.0f}% (autumn 2024 survey) to 72% by summer 2027."),
    # -> too_uncertain (small survey; the summer 2026 survey is suppressed, so the latest figure is spring 2026)
    dict(goal_id="ce-youth-violence", partnership_id="carrowfield-east",
         measure_id="youth-violence", scope="carrowfield-east", baseline_date="2024-10-31",
         target_value="15", target_date="2027-07-31", stated_on="2024-12-05",
         visibility="public", owner="Northvale Police",
         statement="Fewer young people hurt or involved in violence across Carrowfield East: from "
                   "{B:.0f} incidents in October 2024 to 15 or fewer a month by July 2027."),
    # -> too_uncertain (small counts)

    # Lockgate Youth Safety Partnership
    dict(goal_id="lys-youth-violence", partnership_id="lockgate-youth-safety",
         measure_id="youth-violence", scope="lockgate-youth-safety", baseline_date="2024-09-30",
         target_value="18", target_date="2027-07-31", stated_on="2024-11-14",
         visibility="public", owner="Kestrel Bridge City Council",
         statement="Youth violence in Lockgate ward falls by almost half: from {B:.0f} police-recorded "
                   "incidents involving 10 to 24 year olds in September 2024 to 18 or fewer a "
                   "month by July 2027."),
    # -> on_track
    dict(goal_id="lockgate-youth-violence", partnership_id="lockgate-youth-safety",
         measure_id="youth-violence", scope="lockgate", baseline_date="2024-09-30",
         target_value="9", target_date="2027-07-31", stated_on="2024-11-14",
         visibility="public", owner="Northvale Police",
         statement="In Lockgate itself, youth violence falls from {B:.0f} incidents in September "
                   "2024 to 9 or fewer a month by July 2027."),
    # -> met
    dict(goal_id="lys-feel-safe", partnership_id="lockgate-youth-safety", measure_id="feel-safe",
         scope="lockgate-youth-safety", baseline_date="2024-12-31", target_value="73",
         target_date="2027-07-31", stated_on="2025-02-13", visibility="public",
         owner="Safe Passage Youth Project",
         statement="More young people in Lockgate ward feel safe outside school: from {B:.0f}% "
                   "(autumn 2024 survey) to 73% by summer 2027."),
    # -> on_track
    dict(goal_id="lys-attendance", partnership_id="lockgate-youth-safety",
         measure_id="attendance", scope="lockgate-youth-safety", baseline_date="2024-10-31",
         target_value="93.5", target_date="2027-07-31", stated_on="2024-12-12",
         visibility="public", owner="Meridian Schools Trust",
         statement="Attendance across Lockgate ward's schools rises from {B:.1f}% (October 2024) "
                   "to 93.5% by July 2027."),
    # -> limited_progress
    dict(goal_id="tanners-yard-persistent-absence", partnership_id="lockgate-youth-safety",
         measure_id="persistent-absence", scope="tanners-yard", baseline_date="2024-10-31",
         target_value="20.0", target_date="2027-07-31", stated_on="2024-12-12",
         visibility="internal", owner="Tanners Yard Primary School",
         statement="Persistent absence in Tanners Yard falls from {B:.1f}% (October 2024, year "
                   "to date) to 20.0% by July 2027."),
    # -> worsening
    dict(goal_id="mercer-green-feel-safe", partnership_id="lockgate-youth-safety",
         measure_id="feel-safe", scope="mercer-green", baseline_date="2024-12-31",
         target_value="80", target_date="2027-07-31", stated_on="2025-02-13",
         visibility="internal", owner="Mercer Green School",
         statement="Young people in Mercer Green who feel safe outside school: from {B:.0f}% "
                   "(autumn 2024 survey) to 80% by summer 2027."),
    # -> too_uncertain
    dict(goal_id="lys-persistent-absence", partnership_id="lockgate-youth-safety",
         measure_id="persistent-absence", scope="lockgate-youth-safety",
         baseline_date="2026-10-31", target_value="21.0", target_date="2027-07-31",
         stated_on="2026-11-19", visibility="internal", owner="Meridian Schools Trust",
         statement="Persistent absence across Lockgate ward falls from {B:.1f}% (October 2026, "
                   "year to date, provisional) to 21.0% by July 2027."),
    # -> awaiting_data (baseline is the latest month)

    # Hollinsmere Convening Partnership
    dict(goal_id="hc-wellbeing", partnership_id="hollinsmere-convening", measure_id="wellbeing",
         scope="hollinsmere-convening", baseline_date="2024-12-31", target_value="24.5",
         target_date="2027-07-31", stated_on="2025-03-06", visibility="public",
         owner="Hollinsmere Schools Cooperative Trust",
         statement="Young people's mental wellbeing across Hollinsmere improves: the average "
                   "SWEMWBS score rises from {B:.1f} (autumn 2024) to 24.5 by summer 2027."),
    # -> needs_acceleration
    dict(goal_id="wrenfield-wellbeing", partnership_id="hollinsmere-convening",
         measure_id="wellbeing", scope="wrenfield", baseline_date="2024-03-31",
         target_value="24.0", target_date="2027-03-31", stated_on="2024-05-09",
         visibility="public", owner="Wrenfield Academy",
         statement="The average wellbeing (SWEMWBS) score of Wrenfield's young people rises from "
                   "{B:.1f} (spring 2024) to 24.0 by spring 2027."),
    # -> met
    dict(goal_id="wrenfield-attendance", partnership_id="hollinsmere-convening",
         measure_id="attendance", scope="wrenfield", baseline_date="2024-10-31",
         target_value="95.0", target_date="2027-07-31", stated_on="2025-03-06",
         visibility="public", owner="Wrenfield Academy",
         statement="Attendance in Wrenfield rises from {B:.1f}% (October 2024) to 95.0% by "
                   "July 2027."),
    # -> worsening
    dict(goal_id="saltmarsh-end-wellbeing", partnership_id="hollinsmere-convening",
         measure_id="wellbeing", scope="saltmarsh-end", baseline_date="2024-12-31",
         target_value="24.5", target_date="2026-03-31", stated_on="2025-03-06",
         visibility="public", owner="Hollinsmere Young Carers",
         statement="The average wellbeing (SWEMWBS) score of young people in Saltmarsh End rises "
                   "from {B:.1f} (autumn 2024) to 24.5 by spring 2026."),
    # -> missed
    dict(goal_id="hollins-north-wellbeing", partnership_id="hollinsmere-convening",
         measure_id="wellbeing", scope="hollins-north", baseline_date="2026-07-31",
         target_value="24.5", target_date="2027-07-31", stated_on="2026-10-08",
         visibility="public", owner="Hollins North High School",
         statement="The average wellbeing (SWEMWBS) score of young people in Hollins North rises "
                   "from {B:.1f} (summer 2026) to 24.5 by summer 2027."),
    # -> awaiting_data (the autumn 2026 survey is not in yet)
]

# The later import: one public goal's date moves, with a reason.
REVISED_GOAL = dict(
    goal_id="pitbank-attendance", target_date="2027-12-31",
    statement="With a new attendance hub on the estate, attendance at Pitbank's schools rises "
              "from {B:.1f}% (October 2025) to 94.0% by December 2027.",
)
REVISION_REASON = (
    "Target date moved from July 2027 to December 2027 after the council's admissions change "
    "delayed the opening of the Pitbank attendance hub by a term"
)

# Late register corrections in the later import: (measure, place, month, change to
# the numerator as a share of the denominator).
REGISTER_CORRECTIONS = [
    ("attendance", "pitbank", dt.date(2026, 9, 1), 0.0021),
    ("attendance", "pitbank", dt.date(2026, 10, 1), 0.0016),
    ("attendance", "furnace-row", dt.date(2026, 10, 1), 0.0009),
    ("attendance", "stoney-heath", dt.date(2026, 7, 1), 0.0012),
    ("persistent-absence", "pitbank", dt.date(2026, 9, 1), -0.0027),
]


def observed_figure(obs: list[dict], partnerships: dict, goal: dict) -> float:
    """The scope's figure for the period ending on the baseline date (docs/methods.md, "Figures for a whole partnership")."""
    unit = MEASURE_BY_ID[goal["measure_id"]]["unit"]
    hoods = partnerships[goal["scope"]] if goal["scope"] in partnerships else [goal["scope"]]
    rows = [r for r in obs if r["measure_id"] == goal["measure_id"]
            and r["place_id"] in hoods and r["period_end"] == goal["baseline_date"]]
    if len(rows) != len(hoods):
        raise ValueError(f"goal {goal['goal_id']}: no complete baseline period")
    if unit == "percent":
        return 100.0 * sum(int(r["numerator"]) for r in rows) / sum(int(r["denominator"]) for r in rows)
    if unit == "count":
        return float(sum(int(r["value"]) for r in rows))
    n = sum(int(r["sample_size"]) for r in rows)
    return sum(int(r["sample_size"]) * float(r["value"]) for r in rows) / n


def goal_rows(obs: list[dict]) -> list[dict]:
    partnerships = {p["partnership_id"]: p["places"] for p in PARTNERSHIPS}
    rows = []
    for g in GOALS:
        b = observed_figure(obs, partnerships, g)
        unit = MEASURE_BY_ID[g["measure_id"]]["unit"]
        baseline = f"{b:.0f}" if unit == "count" else fmt(b)
        rows.append(dict(g, baseline_value=baseline, statement=g["statement"].format(B=b)))
    return rows


def revised_goal_rows(goals: list[dict]) -> list[dict]:
    g = next(dict(r) for r in goals if r["goal_id"] == REVISED_GOAL["goal_id"])
    g["target_date"] = REVISED_GOAL["target_date"]
    g["statement"] = REVISED_GOAL["statement"].format(B=float(g["baseline_value"]))
    return [g]


def revised_observation_rows(obs: list[dict]) -> list[dict]:
    by_key = {(r["measure_id"], r["place_id"], r["period_start"]): r for r in obs}
    out = []
    for measure_id, place_id, month, share in REGISTER_CORRECTIONS:
        r = dict(by_key[(measure_id, place_id, month.isoformat())])
        num, den = int(r["numerator"]), int(r["denominator"])
        num += round(den * share)
        r["numerator"] = str(num)
        if r["value"]:
            r["value"] = fmt(100.0 * num / den)
        r["source"] = r["source"] + "; revised after late register corrections"
        out.append(r)
    return out


# ---------------------------------------------------------------------------
# Lived experience notes and actions (all fictional)
# ---------------------------------------------------------------------------

BOARD_CHAIR_CE = "Carrowfield East Delivery Board chair"
COMMS_LYS = "Lockgate Youth Safety Partnership coordinator"
CHAIR_HC = "Hollinsmere Convening Partnership chair"

# (note_id, recorded_on, partnership, place, goal, domain, voice, text, source,
#  consent, approved_wording, approved_by, approved_on)
NOTES = [
    ("ce-bus-youth-forum", "2025-03-12", "carrowfield-east", "pitbank", "ce-attendance",
     "attendance", "young_person",
     "The 47 never comes on time and if I miss it I just don't go in. My mum's on earlies at "
     "the warehouse so she can't take me.",
     "Youth forum, Pitbank community centre", "public",
     "The bus never comes on time and if I miss it I just don't go in. My mum starts work early "
     "so she can't take me.", BOARD_CHAIR_CE, "2025-04-02"),
    ("ce-door-knock-parent", "2025-11-18", "carrowfield-east", "furnace-row", "ce-attendance",
     "attendance", "parent_carer",
     "Since Mrs Okafor from the attendance team started knocking on the door instead of sending "
     "letters, Jayden actually wants to go in. The letters just made me feel like a bad mum.",
     "Family listening event, Furnace Row Academy", "public",
     "Since [name] from the attendance team started knocking on the door instead of sending "
     "letters, my son actually wants to go in. The letters just made me feel like a bad mum.",
     "Larkspur Learning Trust, head of family support", "2026-01-20"),
    ("ce-part-time-timetables", "2026-09-24", "carrowfield-east", "stoney-heath",
     "stoney-heath-attendance", "attendance", "staff",
     "Year 9 is where we lose them. We've got forty-odd kids on part-time timetables and I'm "
     "not convinced they're all showing properly in the returns.",
     "Delivery board meeting, September 2026", "internal", "", "", ""),
    ("ce-underpass-resident", "2026-10-07", "carrowfield-east", "pitbank",
     "pitbank-youth-violence", "safety", "resident",
     "The underpass by the old pit head is where it all kicks off. The new lights help but "
     "the kids still won't go through it after dark, and who can blame them.",
     "Residents' association meeting", "public", "", "", ""),
    ("ce-garages-young-person", "2025-06-19", "carrowfield-east", "coldwater-lane",
     "coldwater-feel-safe", "safety", "young_person",
     "I don't walk past the garages on my own any more after what happened to my cousin. I go "
     "the long way round even if it makes me late.",
     "Pupil survey free text, summer 2025", "none", "", "", ""),
    ("ce-police-retail-park", "2026-07-16", "carrowfield-east", "", "ce-youth-violence",
     "safety", "partner",
     "It's quieter round the school gates at home time since the staggered finish, but we're "
     "seeing some of it move to the retail park after six.",
     "Northvale Police neighbourhood inspector, board meeting", "internal", "", "", ""),
    ("ce-hub-parent", "2026-02-11", "carrowfield-east", "pitbank", "pitbank-attendance",
     "attendance", "parent_carer",
     "When the hub opens I'll finally have somewhere to drop him at quarter past eight. Right "
     "now it's my job or his school and I can't be in two places at once.",
     "Family listening event, Pitbank Primary Academy", "public",
     "When the hub opens I'll finally have somewhere to drop him at quarter past eight. Right "
     "now it's my job or his school and I can't be in two places at once.",
     BOARD_CHAIR_CE, "2026-03-03"),
    ("lys-boxing-club", "2025-10-22", "lockgate-youth-safety", "lockgate",
     "lys-youth-violence", "safety", "young_person",
     "Boxing on Tuesdays and Thursdays is the only time I'm not looking over my shoulder. Coach "
     "Dani makes sure we all get home before she locks up.",
     "Safe Passage youth panel", "public",
     "Boxing on Tuesdays and Thursdays is the only time I'm not looking over my shoulder. [Name], "
     "the coach, makes sure we all get home before locking up.",
     COMMS_LYS, "2025-11-12"),
    ("lys-displacement", "2026-09-30", "lockgate-youth-safety", "tanners-yard",
     "lys-youth-violence", "safety", "young_person",
     "Everyone says Lockgate's got better but it's just moved round to ours. There's older lads "
     "on bikes outside the chicken shop every night now.",
     "Safe Passage youth panel", "public", "", "", ""),
    ("lys-phone-taken", "2026-04-15", "lockgate-youth-safety", "mercer-green",
     "mercer-green-feel-safe", "safety", "parent_carer",
     "My daughter had her phone taken off her on the way home in March. She hasn't told school, "
     "she made me promise not to.",
     "Conversation at Mercer Green School parents' evening", "internal", "", "", ""),
    ("lys-walking-bus", "2026-06-25", "lockgate-youth-safety", "lockgate", "lys-feel-safe",
     "safety", "staff",
     "The walking bus at home time started with six Year 7s. We've got thirty now and the "
     "parents take turns on the rota.",
     "Lockgate Academy pastoral team", "public",
     "The walking bus at home time started with six Year 7s. We've got thirty now and the "
     "parents take turns on the rota.", COMMS_LYS, "2026-07-08"),
    ("lys-yjs-referrals", "2026-09-17", "lockgate-youth-safety", "tanners-yard",
     "tanners-yard-persistent-absence", "safety", "partner",
     "Referrals from Tanners Yard have doubled since the spring. Most are first-time, most are "
     "13 or 14, and most of them are out of school more than they're in.",
     "Kestrel Bridge Youth Justice Service, board meeting", "internal", "", "", ""),
    ("lys-launderette", "2026-05-20", "lockgate-youth-safety", "lockgate", "", "safety",
     "resident",
     "I won't have my name on anything. But the flat over the launderette, everyone knows what "
     "goes on there.",
     "Ward councillor's surgery, passed on with permission", "none", "", "", ""),
    ("hc-counsellor-wednesday", "2025-12-03", "hollinsmere-convening", "wrenfield",
     "hc-wellbeing", "wellbeing", "young_person",
     "Having the counsellor in school on a Wednesday means I don't have to explain to my dad "
     "why I need to go to an appointment.",
     "Wellbeing survey free text, autumn 2025", "public",
     "Having the counsellor in school on a Wednesday means I don't have to explain to my family "
     "why I need to go to an appointment.", CHAIR_HC, "2026-01-14"),
    ("hc-young-carer", "2026-03-19", "hollinsmere-convening", "saltmarsh-end",
     "saltmarsh-end-wellbeing", "wellbeing", "young_person",
     "I'm a young carer for my nan. Miss Patel lets me keep my phone on in lessons in case she "
     "falls. Nobody else gets that but nobody minds.",
     "Hollinsmere Young Carers group", "public",
     "I'm a young carer for someone in my family. [Name], my teacher, lets me keep my phone on "
     "in lessons in case something happens. Nobody else gets that but nobody minds.",
     "Hollinsmere Young Carers, service manager", "2026-04-22"),
    ("hc-waiting-list", "2026-10-14", "hollinsmere-convening", "hollins-north",
     "hollins-north-wellbeing", "wellbeing", "parent_carer",
     "The waiting list for CAMHS was fourteen months. The school's wellbeing worker was the "
     "only person who ever rang us back.",
     "Parents' coffee morning, Hollins North High School", "public", "", "", ""),
    ("hc-anxiety-not-truancy", "2026-06-10", "hollinsmere-convening", "wrenfield",
     "wrenfield-attendance", "attendance", "staff",
     "What we're seeing in Year 10 is mostly girls with anxiety, not truancy. Fines won't fix "
     "that, they'll just make the mums dread the post.",
     "Wrenfield Academy attendance lead, partnership meeting", "internal", "", "", ""),
    ("hc-gp-young-carers", "2026-09-09", "hollinsmere-convening", "", "saltmarsh-end-wellbeing",
     "wellbeing", "partner",
     "The GP practices have agreed to tell schools which pupils are young carers, with the "
     "families' consent, from January.",
     "Northvale Integrated Care Board, partnership meeting", "public",
     "The GP practices have agreed to tell schools which pupils are young carers, with the "
     "families' consent, from January.", CHAIR_HC, "2026-09-30"),
]

# (action_id, partnership, goal, description, owner, agreed_on, due_on, status)
ACTIONS = [
    ("ce-open-attendance-hub", "carrowfield-east", "pitbank-attendance",
     "Open the Pitbank attendance hub in the former library, with a breakfast club from 8am "
     "and a family support worker", "Carrowfield Council", "2025-12-04", "2026-09-01", "open"),
    ("ce-underpass-lighting", "carrowfield-east", "pitbank-youth-violence",
     "Relight the Pitbank underpass and cut back the hedges on the path to school",
     "Carrowfield Council highways team", "2025-06-12", "2025-10-31", "done"),
    ("ce-report-part-time-timetables", "carrowfield-east", "stoney-heath-attendance",
     "Report pupils on part-time timetables in the monthly attendance return, by year group",
     "Stoney Heath Community College, attendance lead", "2026-09-24", "2026-11-30", "open"),
    ("ce-restore-early-bus", "carrowfield-east", "ce-attendance",
     "Ask the bus operator to restore the 08:05 service from Pitbank (dropped: the operator "
     "withdrew the route; replaced by a school minibus pilot)",
     "Carrowfield Council transport team", "2025-04-10", "2025-07-31", "dropped"),
    ("lys-walking-bus-tanners-yard", "lockgate-youth-safety", "lys-feel-safe",
     "Extend the home-time walking bus to Tanners Yard Primary",
     "Safe Passage Youth Project", "2026-07-09", "2026-10-31", "open"),
    ("lys-share-street-figures", "lockgate-youth-safety", "lys-youth-violence",
     "Share monthly youth violence figures by street block with the schools' safeguarding leads",
     "Northvale Police", "2025-01-16", "2025-03-31", "done"),
    ("lys-detached-youth-work", "lockgate-youth-safety", "lys-youth-violence",
     "Commission a detached youth work team for Tanners Yard on weekday evenings",
     "Kestrel Bridge City Council, youth services", "2026-09-17", "2027-01-31", "open"),
    ("hc-counsellor-every-school", "hollinsmere-convening", "hc-wellbeing",
     "Put a counsellor in every secondary school one day a week",
     "Northvale Mental Health NHS Trust", "2025-03-20", "2025-09-30", "done"),
    ("hc-young-carers-protocol", "hollinsmere-convening", "saltmarsh-end-wellbeing",
     "Sign the data-sharing agreement that lets GP practices tell schools which pupils are "
     "young carers, with the families' consent",
     "Northvale Integrated Care Board", "2026-05-14", "2026-09-30", "open"),
    ("hc-hollins-north-survey", "hollinsmere-convening", "hollins-north-wellbeing",
     "Run the SWEMWBS wellbeing survey in Years 7 to 11 at Hollins North this autumn term",
     "Hollins North High School, pastoral lead", "2026-10-08", "2026-12-18", "open"),
    ("hc-year-10-warning-letters", "hollinsmere-convening", "wrenfield-attendance",
     "Pilot warning letters about fines for Year 10 absence (dropped: the partnership chose "
     "an anxiety-led approach with the school nurse instead)",
     "Wrenfield Academy", "2026-04-30", "2026-07-17", "dropped"),
]


# ---------------------------------------------------------------------------
# What the boards did, when the process changed, where a series breaks, and
# when each board met (issue 17). All fictional.
# ---------------------------------------------------------------------------

# (event_id, partnership, goal or "" for the whole partnership, date, title, visibility)
EVENTS = [
    ("ce-minibus-pilot", "carrowfield-east", "ce-attendance", "2025-09-08",
     "School minibus pilot starts from Pitbank", "public"),
    ("ce-underpass-relit", "carrowfield-east", "pitbank-youth-violence", "2025-10-20",
     "Pitbank underpass relit and hedges cut back", "public"),
    ("ce-new-chair", "carrowfield-east", "", "2026-02-05",
     "New chair of the delivery board", "internal"),
    ("ce-register-audit", "carrowfield-east", "stoney-heath-attendance", "2026-09-28",
     "Audit of part-time timetables in the attendance returns", "internal"),
    ("lys-boxing-evenings", "lockgate-youth-safety", "lys-youth-violence", "2025-04-22",
     "Boxing club opens on weekday evenings", "public"),
    ("lys-walking-bus", "lockgate-youth-safety", "lys-feel-safe", "2026-01-12",
     "Home-time walking bus starts at Lockgate Academy", "public"),
    ("lys-dispersal-order", "lockgate-youth-safety", "lys-youth-violence", "2026-10-02",
     "Police dispersal order around the Tanners Yard shops", "internal"),
    ("hc-counsellors", "hollinsmere-convening", "hc-wellbeing", "2025-09-08",
     "A counsellor in every secondary school one day a week", "public"),
    ("hc-young-carers-protocol", "hollinsmere-convening", "saltmarsh-end-wellbeing", "2026-09-30",
     "GP practices agree to tell schools about young carers", "internal"),
]

# SPC change points a steward recorded, with the reason, and the day they were
# recorded (the board agreed it at its next meeting).
SPC_PHASES = [
    ("youth-violence", "lockgate-youth-safety", "2025-04-01",
     "The ward's violence reduction programme began in April 2025: the walking route to "
     "school, the boxing club's evening sessions and street-by-street policing", "2025-05-08"),
]

# Series breaks (the reason from the closed list) and the day they were recorded.
MEASURE_BREAKS = [
    ("feel-safe", "2025-09-01", "new_definition", "2025-08-20"),
]

# The reviews each board held (recorded in the app as the dates it met).
# Lockgate last met on 17 September 2026: by its 8-week cadence the next was
# due by 12 November, so on the demo date (23 November 2026) it is overdue.
REVIEWS_HELD = {
    "carrowfield-east": ["2025-04-10", "2025-06-12", "2025-10-09", "2025-12-04", "2026-02-05", "2026-04-02",
                         "2026-05-28", "2026-07-16", "2026-09-24", "2026-11-19"],
    "lockgate-youth-safety": ["2025-01-16", "2025-03-13", "2025-05-08", "2025-07-03", "2025-09-25", "2025-11-20",
                              "2026-01-22", "2026-03-19", "2026-05-14", "2026-07-09", "2026-09-17"],
    "hollinsmere-convening": ["2025-03-20", "2025-05-01", "2025-06-12", "2025-09-18", "2025-10-30", "2025-12-11",
                              "2026-01-29", "2026-03-12", "2026-04-30", "2026-06-10", "2026-07-16", "2026-09-09",
                              "2026-10-08", "2026-11-19"],
}


def event_rows() -> list[dict]:
    return [dict(zip(COLUMNS["events"], e)) for e in EVENTS]


def phase_rows() -> list[dict]:
    return [dict(zip(COLUMNS["spc_phases"], p[:4])) for p in SPC_PHASES]


def break_rows() -> list[dict]:
    return [dict(zip(COLUMNS["measure_breaks"], b[:3])) for b in MEASURE_BREAKS]


def recorded_on_rows() -> list[dict]:
    """When each change point and break was recorded (the seed replays them then)."""
    rows = [dict(kind="spc_phases", key=f"{m}|{place}|{start}", recorded_on=on) for m, place, start, _, on in SPC_PHASES]
    rows += [dict(kind="measure_breaks", key=f"{m}|{day}", recorded_on=on) for m, day, _, on in MEASURE_BREAKS]
    return rows


def review_rows() -> list[dict]:
    return [dict(partnership_id=pid, review_date=day) for pid, days in REVIEWS_HELD.items() for day in days]


def note_rows() -> list[dict]:
    return [dict(zip(COLUMNS["notes"], n)) for n in NOTES]


def action_rows() -> list[dict]:
    cols = ["action_id", "partnership_id", "goal_id", "description", "owner", "agreed_on",
            "due_on", "status"]
    return [dict(zip(cols, a)) for a in ACTIONS]


# ---------------------------------------------------------------------------


def build(out: Path = HERE) -> None:
    obs = build_observations()
    goals = goal_rows(obs)
    write_csv(out / "places.csv", "places", place_rows())
    write_csv(out / "partnerships.csv", "partnerships", partnership_rows())
    write_csv(out / "measures.csv", "measures", MEASURES)
    write_csv(out / "observations.csv", "observations", obs)
    write_csv(out / "goals.csv", "goals", goals)
    write_csv(out / "notes.csv", "notes", note_rows())
    write_csv(out / "actions.csv", "actions", action_rows())
    write_csv(out / "events.csv", "events", event_rows())
    write_csv(out / "spc_phases.csv", "spc_phases", phase_rows())
    write_csv(out / "measure_breaks.csv", "measure_breaks", break_rows())
    write_csv(out / "board" / "reviews_held.csv", "reviews_held", review_rows())
    write_csv(out / "board" / "recorded_on.csv", "recorded_on", recorded_on_rows())
    write_csv(out / "revisions" / "observations.csv", "observations", revised_observation_rows(obs))
    write_csv(out / "revisions" / "goals.csv", "goals", revised_goal_rows(goals))
    (out / "revisions" / "REASON.txt").write_text(REVISION_REASON + "\n", encoding="utf-8")


def main() -> int:
    build(HERE)
    sys.path.insert(0, str(HERE))
    import check_demo

    return check_demo.main(HERE)


if __name__ == "__main__":
    sys.exit(main())
