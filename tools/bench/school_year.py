"""The 312-row world of issue 23, finding 9: one partnership's four
neighbourhoods, attendance for every span of months in a school year
(September to August: 78 spans, each neighbourhood), some on small bases.

It is the linked-table suppression's worst case the project has seen: every
span nests in, overlaps or abuts every other, so one measure's cells form one
connected system of 312 cells (plus the partnership's totals). `files()` gives
the import files; `bench` times publishing it beside the demo's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

HOODS = ("sy-north", "sy-south", "sy-east", "sy-west")
FIRST_MONTH = (2024, 9)  # September 2024


def _month(i: int) -> tuple[dt.date, dt.date]:
    """The i-th month of the school year (0 = September) as (first day, last day)."""
    y, m = FIRST_MONTH[0] + (FIRST_MONTH[1] - 1 + i) // 12, (FIRST_MONTH[1] - 1 + i) % 12 + 1
    start = dt.date(y, m, 1)
    nxt = dt.date(y + m // 12, m % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def rows(months: int = 12) -> list[tuple[str, dt.date, dt.date, int, int]]:
    """(place, start, end, numerator, denominator) for every span of months, each
    neighbourhood: a month's pupils-sessions add up over the span. One
    neighbourhood (sy-west) is small: a base of 4 to 8 a month."""
    base = {h: [(600 + 37 * i + 11 * k) if h != "sy-west" else (4 + k % 5) for k in range(months)] for i, h in enumerate(HOODS)}
    present = {h: [round(b * (0.9 + 0.005 * ((k * 7 + i) % 9))) if h != "sy-west" else b - (k % 3) for k, b in enumerate(base[h])] for i, h in enumerate(HOODS)}
    out = []
    for h in HOODS:
        for a in range(months):
            for b in range(a, months):
                out.append((h, _month(a)[0], _month(b)[1], sum(present[h][a : b + 1]), sum(base[h][a : b + 1])))
    return out


def files(months: int = 12) -> dict[str, str]:
    """The import files (places, measures, partnerships, goals, observations) as text."""
    places = ["place_id,name,level,parent_id,code", "sy-england,England,nation,,", "sy-town,Town,local_area,sy-england,"]
    places += [f"{h},{h.replace('sy-', '').title()},neighbourhood,sy-town," for h in HOODS]
    measures = [
        "measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source",
        "sy-attendance,School attendance,attendance,percent,higher_is_better,0,100,10,Sessions attended over sessions possible,Test",
    ]
    parts = ["partnership_id,name,places,review_every_weeks,members,description", f"sy-board,School year board,{';'.join(HOODS)},8,Council,"]
    goals = [
        "goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner",
        "sy-goal,sy-board,sy-attendance,sy-board,Attendance up,90,2024-08-31,95,2026-08-31,2024-09-01,public,",
    ] + [f"sy-goal-{h},sy-board,sy-attendance,{h},Attendance up in {h},90,2024-08-31,95,2026-08-31,2024-09-01,public," for h in HOODS]
    obs = ["measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional"]
    obs += [f"sy-attendance,{h},{s},{e},,{n},{d},,,," for h, s, e, n, d in rows(months)]
    return {
        "places.csv": "\n".join(places) + "\n", "measures.csv": "\n".join(measures) + "\n",
        "partnerships.csv": "\n".join(parts) + "\n", "goals.csv": "\n".join(goals) + "\n",
        "observations.csv": "\n".join(obs) + "\n",
    }


def write(folder: Path, months: int = 12) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in files(months).items():
        (folder / name).write_text(text, encoding="utf-8")
        out.append(folder / name)
    return out
