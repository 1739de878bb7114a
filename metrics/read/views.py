"""What the pages show, read from the store: partnerships, places, notes,
actions, series for a place, a goal's history, review dates.

Plain functions over a DuckDB connection returning small frames and records,
so the pages stay thin and every query can be tested without Streamlit.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from metrics.methods.explain import format_day
from metrics.read.readmodel import (
    PARTNERSHIP_COLUMNS,
    Partnership,
    SeriesPoint,
    make_partnership,
    pair_series,
    row_point,
)
from metrics.store import as_of_filter, dict_rows
from metrics.vocab import area_type


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    """A query as a DataFrame that keeps dates as dates (DuckDB's .df() turns
    them into timestamps, which widgets and formatting then trip over)."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return pd.DataFrame(cur.fetchall(), columns=names, dtype=object)


def partnerships(con: duckdb.DuckDBPyConnection, as_of: dt.datetime | None = None) -> list[Partnership]:
    # Rows as tuples, in PARTNERSHIP_COLUMNS order (every page's chooser reads every partnership),
    # sorted here by name: DuckDB's ORDER BY costs more than sorting a few hundred rows in Python.
    rows = con.execute(f"SELECT {PARTNERSHIP_COLUMNS} FROM partnerships WHERE {as_of_filter(as_of)}").fetchall()
    return [make_partnership(*r) for r in sorted(rows, key=lambda r: (r[1], r[0]))]


def places(con: duckdb.DuckDBPyConnection, as_of: dt.datetime | None = None) -> dict[str, dict]:
    rows = dict_rows(con, f"SELECT place_id, name, level, parent_id, code FROM places WHERE {as_of_filter(as_of)} ORDER BY name")
    return {r["place_id"]: r for r in rows}


def place_listing(con: duckdb.DuckDBPyConnection, search: str | None = None) -> list[dict]:
    """Every current place, benchmarks included (`python -m metrics places`):
    id, name, level, code, parent, the partnerships that list it and how many
    official areas it is made of; with `search`, those whose id, name or code
    holds it (any case). Sorted by level (nation first), then name."""
    rows = dict_rows(con, """
        SELECT p.place_id, p.name, p.level, p.code, p.parent_id,
               (SELECT count(*) FROM place_areas a WHERE a.superseded_at IS NULL AND a.place_id = p.place_id) AS areas
        FROM places p WHERE p.superseded_at IS NULL""")
    members: dict[str, list[str]] = {}
    for pid, hoods in con.execute("SELECT partnership_id, places FROM partnerships WHERE superseded_at IS NULL ORDER BY partnership_id").fetchall():
        for hood in hoods or []:
            members.setdefault(hood, []).append(pid)
    order = {"nation": 0, "region": 1, "local_area": 2, "neighbourhood": 3}
    out = []
    needle = (search or "").casefold().strip()
    for r in rows:
        r["partnerships"] = members.get(r["place_id"], [])
        if needle and not any(needle in (r[k] or "").casefold() for k in ("place_id", "name", "code")):
            continue
        out.append(r)
    out.sort(key=lambda r: (order.get(r["level"], 9), r["name"].casefold(), r["place_id"]))
    return out


def place_areas(con: duckdb.DuckDBPyConnection, place_id: str, as_of: dt.datetime | None = None) -> pd.DataFrame:
    """The official areas a place is made of, for its page: each area's GSS
    code, its kind (LSOA, ward, ...) and when it belongs to the place; a place
    whose own code is a GSS code is listed as its own area (docs/data-contract.md,
    place_areas). Empty when the place is not made of official areas."""
    rows = dict_rows(
        con,
        f"""SELECT area_code, valid_from, valid_to, false AS own FROM place_areas WHERE place_id = ? AND {as_of_filter(as_of)}
            UNION ALL
            SELECT code, NULL, NULL, true FROM places WHERE place_id = ? AND {as_of_filter(as_of)} AND regexp_full_match(coalesce(code, ''), '[EKNSW][0-9]{{8}}')
            ORDER BY own DESC, area_code""",
        [place_id, place_id],
    )
    seen: set[str] = set()
    out = []
    for r in rows:
        if r["area_code"] in seen:
            continue
        seen.add(r["area_code"])
        start, end = r["valid_from"], r["valid_to"]
        when = "its own code" if r["own"] else (
            f"{start} to {end}" if start and end else f"from {start}" if start else f"until {end}" if end else "always"
        )
        out.append({"area": r["area_code"], "kind": area_type(r["area_code"]) or "official area", "belongs": when})
    return pd.DataFrame(out, columns=["area", "kind", "belongs"], dtype=object)


def place_series(
    con: duckdb.DuckDBPyConnection, place_ids: list[str], measure_id: str, unit: str, as_of: dt.datetime | None = None
) -> dict[str, list[SeriesPoint]]:
    """Each place's figures for one measure, with their 95% intervals."""
    found = pair_series(con, [(p, measure_id) for p in place_ids], {measure_id: unit}, as_of)
    return {p: points for (p, _), points in found.items()}


def place_series_by_measure(
    con: duckdb.DuckDBPyConnection, place_ids: list[str], units: dict[str, str], as_of: dt.datetime | None = None,
) -> dict[str, dict[str, list[SeriesPoint]]]:
    """Every measure with figures for these places: {measure_id: {place_id:
    points}}, measures in id order, as `place_series` gives for one measure.

    One statement for a page's small multiples, where one per measure cost a
    scan each. (The partnership page's grid, each measure's latest period
    only, is read with the page: readmodel.read_goal_series.)
    """
    if not place_ids:
        return {}
    rows = dict_rows(
        con,
        f"""SELECT ob.measure_id, ob.place_id, ob.period_start, ob.period_end, ob.value, ob.numerator, ob.denominator, ob.sample_size,
                   ob.std_dev, ob.ci_low, ob.ci_high, ob.provisional, ob.figure, m.max_value
            FROM observations ob
            LEFT JOIN (SELECT measure_id, max_value FROM measures WHERE {as_of_filter(as_of)}) m ON m.measure_id = ob.measure_id
            WHERE ob.place_id IN (SELECT unnest($1::VARCHAR[])) AND {as_of_filter(as_of, 'ob')}
            ORDER BY ob.measure_id, ob.place_id, ob.period_end, ob.period_start""",
        [list(place_ids)],
    )
    out: dict[str, dict[str, list[SeriesPoint]]] = {}
    for r in rows:
        by_place = out.setdefault(r["measure_id"], {p: [] for p in place_ids})
        by_place[r["place_id"]].append(row_point(units[r["measure_id"]], r))
    return out


def measures_with_data(con: duckdb.DuckDBPyConnection, place_ids: list[str]) -> list[str]:
    if not place_ids:
        return []
    rows = con.execute(
        f"SELECT DISTINCT measure_id FROM observations WHERE superseded_at IS NULL AND place_id IN ({', '.join('?' * len(place_ids))}) ORDER BY 1",
        place_ids,
    ).fetchall()
    return [r[0] for r in rows]


def notes(
    con: duckdb.DuckDBPyConnection,
    partnership: str | None = None,
    place: str | None = None,
    goal: str | None = None,
    domain: str | None = None,
) -> pd.DataFrame:
    """Lived-experience notes (internal view: every consent value)."""
    where = ["superseded_at IS NULL"]
    params: list = []
    for col, val in (("partnership_id", partnership), ("place_id", place), ("goal_id", goal), ("domain", domain)):
        if val:
            where.append(f"{col} = ?")
            params.append(val)
    return _frame(
        con,
        f"""SELECT note_id, recorded_on, partnership_id, place_id, goal_id, domain, voice, text, source, consent,
                   approved_wording, approved_by, approved_on,
                   consent = 'public' AND approved_wording IS NOT NULL AND approved_by IS NOT NULL AND approved_on IS NOT NULL AS publishable
            FROM notes WHERE {' AND '.join(where)} ORDER BY recorded_on DESC, note_id""",
        params,
    )


def actions(con: duckdb.DuckDBPyConnection, partnership: str | None = None, goal: str | None = None, today: dt.date | None = None) -> pd.DataFrame:
    """Actions with an `overdue` flag: open and past their due date."""
    today = today or dt.date.today()
    where = ["superseded_at IS NULL"]
    params: list = [today]
    for col, val in (("partnership_id", partnership), ("goal_id", goal)):
        if val:
            where.append(f"{col} = ?")
            params.append(val)
    return _frame(
        con,
        f"""SELECT action_id, partnership_id, goal_id, description, owner, agreed_on, due_on, status,
                   status = 'open' AND due_on < ? AS overdue
            FROM actions WHERE {' AND '.join(where)} ORDER BY due_on, action_id""",
        params,
    )


def goal_history(con: duckdb.DuckDBPyConnection, goal_id: str) -> pd.DataFrame:
    """Every version of a goal, oldest first: the original promise and each change with its reason."""
    return _frame(
        con,
        """SELECT recorded_at, superseded_at, statement, baseline_value, baseline_date, target_value, target_date,
                  visibility, change_reason
           FROM goals WHERE goal_id = ? ORDER BY recorded_at""",
        [goal_id],
    )


def review_dates(con: duckdb.DuckDBPyConnection, partnership: Partnership, until: dt.date | None = None) -> list[dt.date]:
    """The partnership's review dates up to `until`.

    The calendar follows the cadence, every `review_every_weeks` weeks from the
    day its first goal was stated (a delivery board meets every two months by
    default). A review recorded in the reviews table (a date the board actually
    met, or a pack that was made) takes the place of any cadence date less than
    half a cadence away from it.
    """
    until = until or dt.date.today()
    recorded = [r[0] for r in con.execute(
        "SELECT review_date FROM reviews WHERE partnership_id = ? AND review_date <= ? ORDER BY 1", [partnership.partnership_id, until]
    ).fetchall()]
    first = con.execute("SELECT min(stated_on) FROM goals WHERE partnership_id = ?", [partnership.partnership_id]).fetchall()[0][0]
    step = dt.timedelta(weeks=partnership.cadence_weeks)
    cadence = []
    if first is not None:
        d = first + step
        while d <= until:
            cadence.append(d)
            d += step
    kept = [d for d in cadence if all(abs((d - r).days) * 2 >= step.days for r in recorded)]
    return sorted(set(kept) | set(recorded))


PROMISE_FIELDS = {"baseline_value": "baseline", "baseline_date": "baseline date", "target_value": "target", "target_date": "target date", "statement": "wording", "visibility": "visibility"}


def goal_changes(history: pd.DataFrame) -> list[str]:
    """Each revision of a goal in words: when, what changed from what to what, and why."""
    out = []
    rows = history.to_dict("records")
    for before, after in zip(rows, rows[1:]):
        changed = [f"{label} from {before[f]} to {after[f]}" for f, label in PROMISE_FIELDS.items() if before[f] != after[f] and f != "statement"]
        if before["statement"] != after["statement"]:
            changed.append("wording")
        when = format_day(after["recorded_at"])
        reason = f" Reason: {after['change_reason']}" if after["change_reason"] else ""
        out.append(f"Changed on {when}: {', '.join(changed) or 'details'}.{reason}")
    return out


def why_no_figure(con: duckdb.DuckDBPyConnection, result) -> str | None:
    """Why a goal awaiting data has no figure, and what to do (issue 26): its
    measure has no figures at all; or figures only for other places (often
    a local authority's, imported from Fingertips or DfE as a benchmark); or
    some of a partnership's neighbourhoods lack them; or none is after the
    baseline. None when the goal has a figure."""
    if result.assessment.status != "awaiting_data":
        return None
    g, m = result.goal, result.measure
    hoods = list(dict(con.execute(
        "SELECT partnership_id, places FROM partnerships WHERE superseded_at IS NULL AND partnership_id = ?", [g.partnership_id]).fetchall()
    ).get(g.partnership_id) or []) if g.partnership_wide else [g.scope]
    stored = {r[0]: (r[1], r[2], r[3], r[4]) for r in con.execute(
        """SELECT o.place_id, count(*), max(o.period_end), any_value(p.name), any_value(p.level)
           FROM observations o LEFT JOIN places p ON p.place_id = o.place_id AND p.superseded_at IS NULL
           WHERE o.superseded_at IS NULL AND o.measure_id = ? GROUP BY o.place_id""", [m.measure_id]).fetchall()}
    names = {pid: name for pid, name in con.execute(
        "SELECT place_id, name FROM places WHERE superseded_at IS NULL AND place_id IN (SELECT unnest(?))", [hoods]).fetchall()}
    if not stored:
        return f"No figures of {m.name} are stored yet: import them (the Data page's Import, or python -m metrics import-source)."
    have = [h for h in hoods if h in stored]
    if not have:
        others = sorted((v[2] or pid, v[1], pid) for pid, v in stored.items() if pid not in hoods)
        parents = {r[0] for r in con.execute(
            "SELECT parent_id FROM places WHERE superseded_at IS NULL AND place_id IN (SELECT unnest(?))", [hoods]).fetchall()}
        authorities = sorted(((name, pid) for name, _, pid in others if stored[pid][3] == "local_area"), key=lambda a: a[1] not in parents)
        shown = ", ".join(name for name, _, _ in others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        whom = "this goal's neighbourhoods" if len(hoods) != 1 else names.get(hoods[0], hoods[0])
        text = f"{m.name} has figures for {len(others):,} other place{'s' if len(others) != 1 else ''} ({shown}), but none for {whom}."
        if authorities:
            name, pid = authorities[0]
            code = con.execute("SELECT code FROM places WHERE superseded_at IS NULL AND place_id = ?", [pid]).fetchone()
            text += (f" A local authority's published figures (Fingertips, DfE) are stored as a benchmark, for comparison. To judge a goal on "
                     f"them, make a neighbourhood whose area is the authority (place_areas: a new neighbourhood with area_code {code[0] if code else pid.upper()} for {name}), "
                     "add it to the partnership, make it the goal's place, and import the file again.")
        else:
            text += " Check the neighbourhoods' areas (place_areas): the file's areas must be theirs."
        return text
    missing = [h for h in hoods if h not in stored]
    if missing:
        shown = ", ".join(names.get(h, h) for h in missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        return (f"{len(missing)} of the partnership's {len(hoods)} neighbourhoods have no figures of {m.name} ({shown}): a partnership's "
                "figure adds up every neighbourhood in the same period, so it has none until each has one. Check their areas (place_areas) "
                "and import the file again.")
    latest = max(stored[h][1] for h in hoods)
    if latest <= g.baseline_date:
        return f"The latest figure of {m.name} here is for a period ending {format_day(latest)}, not after the baseline ({format_day(g.baseline_date)}): the first later one will be judged."
    return (f"Every neighbourhood has figures of {m.name}, but no period after the baseline has all of them complete: "
            "a partnership's figure needs every neighbourhood in the same period.")


def goal_history_table(con: duckdb.DuckDBPyConnection, goal_id: str, unit: str) -> pd.DataFrame:
    """A goal's versions as a page shows them: headings in words, dates as
    days, figures as the pages write them, "current" instead of an empty end."""
    from metrics.methods.explain import format_value

    h = goal_history(con, goal_id)
    return pd.DataFrame([
        {
            "Recorded": format_day(r["recorded_at"]),
            "Replaced": format_day(r["superseded_at"]) if r["superseded_at"] is not None else "current",
            "The promise": r["statement"],
            "Baseline": f"{format_value(r['baseline_value'], unit)} (period ending {format_day(r['baseline_date'])})",
            "Target": f"{format_value(r['target_value'], unit)} by {format_day(r['target_date'])}",
            "Reason for the change": r["change_reason"] or "",
        }
        for r in h.to_dict("records")
    ])


def actions_table(actions_frame: pd.DataFrame) -> pd.DataFrame:
    """Actions as a page shows them: headings in words, dates as days."""
    return pd.DataFrame([
        {
            "What will be done": r["description"], "Who": r["owner"], "Agreed": format_day(r["agreed_on"]),
            "Due": format_day(r["due_on"]), "Status": str(r["status"]).capitalize() + (" (overdue)" if r["overdue"] else ""),
        }
        for r in actions_frame.to_dict("records")
    ], columns=["What will be done", "Who", "Agreed", "Due", "Status"])
