"""The one gate for everything public (docs/methods.md, "What we publish").

The public progress page, the static site and published_figures.csv read
only what `public_site` returns: public goals, their measures' series for the
goal's scope (with the neighbourhood breakdown for partnership goals),
benchmark series, notes with public consent that a steward approved (in the
approved wording only), the methods, each goal's public history and the date
of the data. Nothing else reaches public output: no internal goals, no
unapproved or non-public notes, no actions.

Every figure passes disclosure control (`metrics.disclosure`: primary
suppression, then linked-table suppression over everything published for a
measure, computed on all public goals whatever part of the site is asked
for, so two publications can never be differenced against each other), and
leaves rounded to the precision the pages show. Everything derived from the
figures here (the projection, the chart's process limits, the status of a
hidden latest figure, the "why") uses only what is published. What this
module returns holds public types only, so it can be written to disk as the
app's snapshot (`site_to_json`) and published later by another process.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import duckdb
import pandas as pd
import pyarrow as pa

from metrics.methods.disclosure import Cell, LinkedCell, status_gives_nothing_away, suppression_with_earlier
from metrics.methods.explain import break_sentence, format_day, format_month, format_value
from metrics.methods.intervals import INTERVAL_MODEL_LABELS
from metrics.methods.series import BREAK, PHASE, SeriesChange
from metrics.methods.spc import SpcLimits, XmrChart, phase_groups, xmr_chart
from metrics.methods.stamp import MethodsStamp, methods_stamp
from metrics.methods.status import Point, projected_value
from metrics.read import health, readmodel, views
from metrics.read.health import BoardHealth, PromiseAge
from metrics.read.readmodel import GoalResult, SeriesPoint
from metrics.store import as_of_day, as_of_filter, dict_rows
from metrics.vocab import PUBLIC_STATUS_LABELS, public_status_text

TOO_FEW = "too_few_to_publish"
DECIMALS = 1  # docs/methods.md, "What we publish": figures carry the precision the page shows


@dataclass(frozen=True, slots=True)
class PublicFigure:
    place_id: str
    place_name: str
    period_start: dt.date
    period_end: dt.date
    value: float | None  # None when suppressed or not available; else at the page's precision
    ci_low: float | None
    ci_high: float | None
    suppressed: bool
    provisional: bool
    note: str = ""  # e.g. "incomplete (2 of 3 neighbourhoods)"


@dataclass(frozen=True)
class PublicSeries:
    role: str  # scope | neighbourhood | benchmark
    place_id: str
    place_name: str
    figures: list[PublicFigure]

    @functools.cached_property
    def by_period(self) -> dict[tuple[dt.date, dt.date], PublicFigure]:
        """Each period's figure (the first, should two share one): a page's
        tables look up every period of every series."""
        out: dict[tuple[dt.date, dt.date], PublicFigure] = {}
        for f in self.figures:
            out.setdefault((f.period_start, f.period_end), f)
        return out


@dataclass(frozen=True)
class PublicNote:
    wording: str
    voice: str
    recorded_on: dt.date
    place_name: str | None


@dataclass(frozen=True)
class PublicProjection:
    """"On the current trend": a straight line from the latest published figure
    to the value the least-squares line through the published figures reaches
    at the target date."""

    from_date: dt.date
    from_value: float
    to_date: dt.date
    value: float


@dataclass(frozen=True)
class PublicMarker:
    """A public event on a public goal's chart (never an action, never an internal event)."""

    date: dt.date
    title: str


@dataclass(frozen=True)
class PublicBreak:
    """A series break as published: its date and its reason from the closed
    list. Who recorded it, and when, are the board's record and stay internal."""

    date: dt.date
    reason: str

    @property
    def change(self) -> SeriesChange:
        return SeriesChange(self.date, BREAK, self.reason)


@dataclass
class PublicGoal:
    goal_id: str
    partnership_id: str
    statement: str
    stated_on: dt.date
    scope_name: str
    owner: str | None
    measure_id: str
    measure_name: str
    unit: str
    direction: str
    definition: str
    source: str | None
    baseline_value: float
    baseline_date: dt.date
    target_value: float
    target_date: dt.date
    status: str  # a public status code: the internal one, or too_few_to_publish
    status_label: str
    status_text: str
    explanation: str
    latest: PublicFigure | None
    expected_value: float | None
    series: list[PublicSeries]
    notes: list[PublicNote]
    changes: list[str]
    original_promise: str | None
    latest_data: dt.date | None
    projection: PublicProjection | None = None
    spc: XmrChart | None = None  # from the published figures, only when none of them is hidden
    markers: list[PublicMarker] = dataclasses.field(default_factory=list)  # its public events, by date
    breaks: list[PublicBreak] = dataclasses.field(default_factory=list)  # its measure's breaks (reasons from a closed list)
    phase_starts: list[dt.date] = dataclasses.field(default_factory=list)  # where the limits start again (the reasons stay internal)
    age: PromiseAge | None = None  # how old its latest figure is (metrics.read.health)
    interval_model: str = ""  # how its intervals are worked out (methods.intervals.interval_model)

    @property
    def interval_text(self) -> str:
        return INTERVAL_MODEL_LABELS.get(self.interval_model, "")

    @property
    def scope_series(self) -> PublicSeries:
        return next(s for s in self.series if s.role == "scope")

    @property
    def benchmarks(self) -> list[PublicSeries]:
        """The series the chart and table compare with (readmodel.benchmark_places,
        in that order: England, then the local area), where any figure is published."""
        return [s for s in self.series if s.role == "benchmark" and s.place_id != self.scope_series.place_id and any(f.value is not None for f in s.figures)]

    @property
    def neighbourhoods(self) -> list[PublicSeries]:
        return [s for s in self.series if s.role == "neighbourhood"]


@dataclass
class PublicPartnership:
    partnership_id: str
    name: str
    description: str | None
    members: list[str]
    neighbourhoods: list[str]
    goals: list[PublicGoal]
    board: BoardHealth | None = None  # is the board still meeting? (metrics.read.health)

    @property
    def stale_goals(self) -> list[PublicGoal]:
        return [g for g in self.goals if g.age is not None and g.age.stale]


@dataclass
class PublicSite:
    partnerships: list[PublicPartnership]
    data_date: dt.date | None
    as_of: dt.datetime | None
    illustrative: bool
    stamp: MethodsStamp | None = None  # the methods version and parameters that made it
    today: dt.date | None = None  # the day its accountability health is judged on

    @property
    def goals(self) -> list[PublicGoal]:
        return [g for p in self.partnerships for g in p.goals]

    def goal(self, goal_id: str | None) -> PublicGoal | None:
        return next((g for g in self.goals if g.goal_id == goal_id), None)

    def only(self, partnership: str | None) -> PublicSite:
        """The same site (same suppression) with one partnership's goals."""
        if partnership is None:
            return self
        parts = [p for p in self.partnerships if p.partnership_id == partnership]
        return PublicSite(parts, _data_date(parts), self.as_of, self.illustrative, self.stamp, self.today)


# --- precision -----------------------------------------------------------------


def published_value(value: float | None) -> float | None:
    """A figure at the precision the pages show: one decimal place (a whole count stays whole)."""
    if value is None:
        return None
    return round(value, DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0


@functools.lru_cache(maxsize=2**16)
def number_text(value: float | None, unit: str) -> str:
    """A published number as open data: '93.7', '12.3', '14' (no extra decimals, no units).
    Remembered: a national file writes a million numbers, a few thousand distinct."""
    if value is None:
        return ""
    value = published_value(value)
    if unit == "count" and float(value).is_integer():
        return str(int(value))
    return f"{value:.{DECIMALS}f}"


# --- text the pages share ------------------------------------------------------


def figure_text(f: PublicFigure, unit: str) -> str:
    if f.suppressed:
        return "c"
    if f.value is None:
        return f.note or "not available"
    return format_value(f.value, unit) + (" (provisional)" if f.provisional else "")


def range_text(f: PublicFigure, unit: str) -> str:
    if f.suppressed:
        return "c"
    if f.ci_low is None:
        return "–"
    return f"{format_value(f.ci_low, unit)} to {format_value(f.ci_high, unit)}"


def latest_text(g: PublicGoal) -> str:
    if g.latest is None:
        return "no figure yet"
    if g.latest.suppressed:
        return f"c ({format_month(g.latest.period_end)})"
    return f"{format_value(g.latest.value, g.unit)} ({format_month(g.latest.period_end)})"


def chart_summary(g: PublicGoal) -> str:
    """The chart in words (its text alternative)."""
    figs = [f for f in g.scope_series.figures if f.value is not None]
    text = f"{g.measure_name} for {g.scope_name}"
    if figs:
        text += f", {format_month(figs[0].period_end)} to {format_month(figs[-1].period_end)}: latest {latest_text(g)}"
    text += f". The promise: from {format_value(g.baseline_value, g.unit)} ({format_month(g.baseline_date)}) to {format_value(g.target_value, g.unit)} by {format_month(g.target_date)}, shown as a dotted straight line."
    if g.projection:
        text += f" On the current trend: {format_value(g.projection.value, g.unit)} by {format_month(g.projection.to_date)}, shown as a dashed line."
    for b in g.breaks:
        text += f" {break_sentence(b.change, baseline=g.baseline_date)}"
    if g.markers:
        text += " Marked on the chart: " + "; ".join(f"{i}. {m.title} ({format_day(m.date)})" for i, m in enumerate(g.markers, start=1)) + "."
    text += f" Status: {g.status_label}."
    return text


def cell_text(s: PublicSeries, period: tuple[dt.date, dt.date], unit: str) -> str:
    f = s.by_period.get(period)
    return "–" if f is None else figure_text(f, unit)


def neighbourhood_periods(g: PublicGoal, count: int = 6) -> list[tuple[dt.date, dt.date]]:
    """The latest `count` periods of the neighbourhood table."""
    periods = {(f.period_start, f.period_end) for s in g.neighbourhoods for f in s.figures}
    return sorted(periods, key=lambda k: (k[1], k[0]))[-count:]


# --- the gate ----------------------------------------------------------------------


def _figure_point(p: SeriesPoint, place_id: str, place_name: str, hidden: bool, same: dict[float, float]) -> PublicFigure:
    """A series point as published. `same` keeps one float object for each
    published number (a national site's million figures are a few thousand
    numbers at one decimal place)."""
    note = ""
    if not p.complete:
        note = f"incomplete ({p.places_with_data} of {p.places_total} neighbourhoods)"
    elif p.value is None:
        note = "not available"
    if hidden:
        value = low = high = None
    else:
        value, low, high = (None if x is None else same.setdefault(x, x) for x in map(published_value, (p.value, p.ci_low, p.ci_high)))
    return PublicFigure(place_id, place_name, p.period_start, p.period_end, value, low, high, hidden, p.provisional, note)


def public_notes(con: duckdb.DuckDBPyConnection, goal_id: str, places: dict, as_of: dt.datetime | None = None) -> list[PublicNote]:
    """Notes a steward approved for publication, with public consent: only the
    approved wording leaves the database, never the original text."""
    return public_notes_by_goal(con, [goal_id], places, as_of)[goal_id]


def public_notes_by_goal(
    con: duckdb.DuckDBPyConnection, goal_ids: Sequence[str], places: dict, as_of: dt.datetime | None = None
) -> dict[str, list[PublicNote]]:
    """`public_notes` of every goal given, newest first, in one statement."""
    out: dict[str, list[PublicNote]] = {g: [] for g in goal_ids}
    rows = dict_rows(
        con,
        f"""SELECT goal_id, approved_wording, voice, recorded_on, place_id FROM notes
            WHERE goal_id IN (SELECT unnest($1::VARCHAR[])) AND consent = 'public' AND approved_wording IS NOT NULL
              AND approved_by IS NOT NULL AND approved_on IS NOT NULL AND {as_of_filter(as_of)}
            ORDER BY goal_id, recorded_on DESC, note_id""",
        [list(out)],
    )
    for r in rows:
        place = places.get(r["place_id"], {}).get("name") if r["place_id"] else None
        out[r["goal_id"]].append(PublicNote(r["approved_wording"], r["voice"], r["recorded_on"], place))
    return out


def public_history(con: duckdb.DuckDBPyConnection, goal_id: str, as_of: dt.datetime | None = None) -> pd.DataFrame:
    """The versions of a goal since it last became public, oldest first
    (docs/methods.md, "What we publish": never a goal's history from before it became public)."""
    return public_histories(con, [goal_id], as_of)[goal_id]


def public_histories(con: duckdb.DuckDBPyConnection, goal_ids: Sequence[str], as_of: dt.datetime | None = None) -> dict[str, pd.DataFrame]:
    """`public_history` of every goal given, in one statement."""
    rows = dict_rows(
        con,
        """SELECT goal_id, recorded_at, superseded_at, statement, baseline_value, baseline_date, target_value, target_date,
                  stated_on, visibility, change_reason
           FROM goals WHERE goal_id IN (SELECT unnest($1::VARCHAR[])) ORDER BY goal_id, recorded_at""",
        [list(goal_ids)],
    )
    versions: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if as_of is None or r["recorded_at"] <= as_of:
            versions[r.pop("goal_id")].append(r)
    out = {}
    for goal_id in goal_ids:
        mine = versions.get(goal_id, [])
        start = max((i + 1 for i, r in enumerate(mine) if r["visibility"] != "public"), default=0)
        out[goal_id] = pd.DataFrame(mine[start:], dtype=object)
    return out


def original_promise(history: pd.DataFrame, unit: str) -> str | None:
    """The promise as first made public, when it has changed since; dated by when it was stated."""
    if len(history) < 2:
        return None
    first = history.iloc[0]
    return (
        f"From {format_value(first['baseline_value'], unit)} ({format_month(first['baseline_date'])}) "
        f"to {format_value(first['target_value'], unit)} by {format_month(first['target_date'])}, "
        f"stated on {format_day(first['stated_on'])}"
    )


def _places_of(cell: Cell, partnership_places: dict[str, frozenset[str]], areas: dict[str, list[tuple]] | None = None) -> frozenset[str]:
    """What a published figure adds up, as the linked tables see it: the
    official areas (place_areas) its places are made of over its period,
    where they are defined, else the places themselves (a partnership's
    neighbourhoods, or the place). Cut at areas, two places built from the
    same wards, or a local area built from its neighbourhoods' wards, are one
    system (issue 22, finding 5)."""
    places = (partnership_places.get(cell.place_id) or frozenset()) if cell.kind == "partnership" else frozenset([cell.place_id])
    if not areas:
        return places
    start, end = cell.period
    out = set()
    for p in places:
        mine = [code for code, vf, vt in areas.get(p, []) if (vf is None or vf <= end) and (vt is None or vt >= start)]
        out |= {f"area:{code}" for code in mine} if mine else {p}
    return frozenset(out)


def _places_memo(partnership_places: dict[str, frozenset[str]], areas: dict[str, list[tuple]]) -> Callable[[Cell], frozenset[str]]:
    """`_places_of`, worked out once for each place and period and shared by
    every measure's cell: a national site has some 350,000 cells over a few
    thousand places, and one set of areas each took 80 MB."""
    memo: dict[tuple, frozenset[str]] = {}
    same: dict[frozenset[str], frozenset[str]] = {}

    def places_of(cell: Cell) -> frozenset[str]:
        key = (cell.kind, cell.place_id, cell.period)
        if key not in memo:
            found = _places_of(cell, partnership_places, areas)
            memo[key] = same.setdefault(found, found)
        return memo[key]

    return places_of


def place_area_map(con: duckdb.DuckDBPyConnection, as_of: dt.datetime | None = None) -> dict[str, list[tuple]]:
    """Every place's official areas (docs/data-contract.md, place_areas) with
    when each belongs to it; a place whose own code is a GSS code is its own area."""
    rows = dict_rows(
        con,
        f"""SELECT place_id, area_code, valid_from, valid_to FROM place_areas WHERE {as_of_filter(as_of)}
            UNION ALL
            SELECT place_id, code, NULL, NULL FROM places WHERE {as_of_filter(as_of)} AND regexp_full_match(coalesce(code, ''), '[EKNSW][0-9]{{8}}')""",
    )
    out: dict[str, list[tuple]] = defaultdict(list)
    for r in rows:
        out[r["place_id"]].append((r["area_code"], r["valid_from"], r["valid_to"]))
    return dict(out)


def _cell(measure_id: str, role: str, place_id: str, partnership_id: str, period: tuple) -> Cell:
    """A figure's key in the gate: a goal's partnership-wide scope is the partnership,
    every other series (neighbourhoods, benchmarks, a neighbourhood's scope) a place."""
    kind = "partnership" if role == "scope" and place_id == partnership_id else "place"
    return Cell(measure_id, place_id, period, kind)


def _public_status(r: GoalResult, latest: PublicFigure | None, raw: dict[Cell, SeriesPoint]) -> str:
    """The internal status, unless the latest figure is hidden and the status would narrow it."""
    status = r.assessment.status
    if latest is None or not latest.suppressed:
        return status
    cell = _cell(r.measure.measure_id, "scope", latest.place_id, r.goal.partnership_id, (latest.period_start, latest.period_end))
    point = raw[cell]
    if status_gives_nothing_away(r.goal.spec(r.measure), status, point.figure, cell.period, r.measure.suppress_below):
        return status
    return TOO_FEW


def _explanation(r: GoalResult, latest: PublicFigure | None, status: str) -> str:
    if latest is None or not latest.suppressed:
        return r.explanation
    hidden = f"The latest figure ({format_month(latest.period_end)}) rests on too few people to publish safely, so it is shown as c."
    if status == TOO_FEW:
        return f"{hidden} Saying how the promise is going would give away roughly what that figure is, so we do not say until a figure we can publish arrives."
    return f"{hidden} The status above would be the same for any figure that small, so it gives nothing away."


def _projection(r: GoalResult, scope: PublicSeries, latest: PublicFigure | None) -> PublicProjection | None:
    """The trend through the published figures only (so it can say nothing about
    hidden ones), drawn only when the latest figure is published, never across
    a break (methods.status.projected_value)."""
    if latest is None or latest.value is None:
        return None
    points = [Point(f.period_start, f.period_end, f.value) for f in scope.figures if f.value is not None]
    projected = projected_value(r.goal.spec(r.measure), points, r.changes)
    if projected is None:
        return None
    return PublicProjection(latest.period_end, latest.value, r.goal.target_date, published_value(projected))


def _rounded(lim: SpcLimits | None) -> SpcLimits | None:
    if lim is None:
        return None
    return SpcLimits(*(published_value(x) for x in (lim.centre, lim.mean_moving_range, lim.lower, lim.upper, lim.lower_near, lim.upper_near)))


def _spc(r: GoalResult, scope: PublicSeries) -> XmrChart | None:
    """Process limits from the published figures, phase by phase at the
    recorded change points and breaks (the dates only); none when any figure
    is hidden (limits and special-cause marks around a gap would sit on
    hidden values)."""
    if any(f.suppressed for f in scope.figures):
        return None
    figs = [f for f in scope.figures if f.value is not None]
    groups = phase_groups([f.period_start for f in figs], [c.date for c in r.changes])
    chart = xmr_chart([f.value for f in figs], r.measure.direction, target=r.goal.target_value, groups=groups)  # type: ignore[misc]
    if chart is None:
        return None
    return replace(chart, phases=tuple(replace(p, limits=_rounded(p.limits)) for p in chart.phases))


def _data_date(parts: list[PublicPartnership]) -> dt.date | None:
    return max((g.latest_data for p in parts for g in p.goals if g.latest_data), default=None)


def public_markers(markers: list[readmodel.Marker]) -> list[PublicMarker]:
    """A public goal's markers that may be published: its public events and its
    partnership's public events. Never an action, never an internal event."""
    return [PublicMarker(m.date, m.title) for m in markers if m.kind == "event" and m.public]


def public_site(con: duckdb.DuckDBPyConnection, partnership: str | None = None, as_of: dt.datetime | None = None) -> PublicSite:
    """Everything the public may see, as of a time, after disclosure control.

    Suppression is decided over every public goal, whichever partnership is
    asked for, so every publication hides the same cells."""
    return public_gate(con, as_of)[0].only(partnership)


def public_gate(con: duckdb.DuckDBPyConnection, as_of: dt.datetime | None = None) -> tuple[PublicSite, list[pa.Table]]:
    """The whole public site and the cells it shows that the ledger of
    published cells (metrics/outputs/ledger.py) does not yet hold with these
    figures, for the publication to record (as ledger tables). What earlier
    publications showed is known to an intruder, so it is part of the linked
    system.

    Read first (a fixed number of statements, none per goal), then measure by
    measure: the neighbourhoods' series of its partnership-wide goals, the
    suppression of its cells, its goals as published. Suppression links only
    the cells of one measure, so one measure's series and cells are let go
    before the next is read (a national site's 350,000 cells at once took
    several hundred MB)."""
    from metrics.contract.demo import is_demo
    from metrics.outputs.ledger import cells_table, earlier_cells

    results = [r for r in readmodel.goal_results(con, as_of=as_of) if r.goal.visibility == "public"]
    benchmarks = readmodel.benchmark_series(con, results, as_of)
    markers = readmodel.goal_markers(con, results, as_of)
    today = as_of_day(as_of)
    places = views.places(con, as_of)
    parts = {p.partnership_id: p for p in views.partnerships(con, as_of)}
    partnership_places = {pid: frozenset(p.places) for pid, p in parts.items()}
    suppress_below = {m.measure_id: m.suppress_below for m in readmodel.measures(con, as_of).values()}
    areas = place_area_map(con, as_of)
    goal_ids = [r.goal.goal_id for r in results]
    histories = public_histories(con, goal_ids, as_of)
    notes = public_notes_by_goal(con, goal_ids, places, as_of)
    earlier: dict[str, list[LinkedCell]] = defaultdict(list)
    for c in earlier_cells(con, as_of):
        earlier[c.cell.measure_id].append(c)

    places_of = _places_memo(partnership_places, areas)
    order = [(r.goal.partnership_id, r.goal.goal_id) for r in results]
    by_measure: dict[str, list[GoalResult]] = defaultdict(list)
    for r in results:
        by_measure[r.measure.measure_id].append(r)
    del results  # each measure's results are let go once its goals are made
    made: dict[str, PublicGoal] = {}
    fresh: list[pa.Table] = []
    same: dict[float, float] = {}
    periods: dict[tuple, tuple] = {}  # one tuple per period, shared by every cell of it
    for measure_id in sorted(by_measure):
        rs = by_measure.pop(measure_id)
        unit = rs[0].measure.unit
        wide = sorted({(h, measure_id) for r in rs if r.goal.partnership_wide for h in parts[r.goal.partnership_id].places})
        hood_series = readmodel.pair_series(con, wide, {measure_id: unit}, as_of)
        # Every series a public goal shows, and every published cell of the
        # measure (once: a benchmark's cell is in every goal of its measure).
        raw: dict[Cell, SeriesPoint] = {}  # the scope's points, for the public status
        linked: dict[Cell, LinkedCell] = {}
        series_by_goal: dict[str, list[tuple[str, str, list[SeriesPoint]]]] = {}
        for r in rs:
            g = r.goal
            entries: list[tuple[str, str, list[SeriesPoint]]] = [("scope", g.scope, r.series)]
            if g.partnership_wide:
                entries += [("neighbourhood", h, hood_series.get((h, measure_id), [])) for h in parts[g.partnership_id].places]
            entries += [("benchmark", bench.place_id, bench.points) for bench in benchmarks.pop(g.goal_id)]
            for role, place_id, points in entries:
                for p in points:
                    period = (p.period_start, p.period_end)
                    cell = _cell(measure_id, role, place_id, g.partnership_id, periods.setdefault(period, period))
                    if role == "scope":
                        raw[cell] = p
                    if p.figure is not None and p.value is not None and cell not in linked:
                        linked[cell] = LinkedCell(cell, places_of(cell), unit, p.figure, suppress_below.get(measure_id))
            series_by_goal[g.goal_id] = entries
        hidden, known = suppression_with_earlier(linked.values(), earlier.pop(measure_id, []))
        fresh.append(cells_table([c for c in linked.values() if c.cell not in hidden and c.cell not in known]))
        del linked, hood_series
        shared: dict[tuple, PublicSeries] = {}  # a benchmark's line, one for every goal of the measure
        for r in rs:
            made[r.goal.goal_id] = _public_goal(
                r, series_by_goal.pop(r.goal.goal_id), hidden, raw, shared, same, parts, places,
                markers.pop(r.goal.goal_id), histories.pop(r.goal.goal_id), notes.pop(r.goal.goal_id),
            )
        del rs, raw, shared

    by_partnership: dict[str, list[PublicGoal]] = defaultdict(list)
    for partnership_id, goal_id in order:
        by_partnership[partnership_id].append(made[goal_id])
    boards = health.board_health(con, [parts[pid] for pid in by_partnership], today, as_of, public_only=True)
    site_parts = []
    for pid, goals in by_partnership.items():
        p = parts[pid]
        site_parts.append(
            PublicPartnership(pid, p.name, p.description, p.members, [places.get(h, {}).get("name", h) for h in p.places], goals, boards[pid])
        )
    site_parts.sort(key=lambda p: p.name)
    return PublicSite(site_parts, _data_date(site_parts), as_of, is_demo(con), methods_stamp(), today), fresh


def _public_goal(
    r: GoalResult, entries: list[tuple[str, str, list[SeriesPoint]]], hidden: set[Cell], raw: dict[Cell, SeriesPoint],
    shared: dict[tuple, PublicSeries], same: dict[float, float], parts: dict, places: dict, markers: list[readmodel.Marker], history: pd.DataFrame,
    notes: list[PublicNote],
) -> PublicGoal:
    """One public goal as published, once its measure's hidden cells are known."""
    g, m, a = r.goal, r.measure, r.assessment
    series = []
    for role, place_id, points in entries:
        key = (place_id, id(points)) if role == "benchmark" else None
        if key in shared:
            series.append(shared[key])
            continue
        name = parts[g.partnership_id].name if role == "scope" and place_id == g.partnership_id else places.get(place_id, {}).get("name", place_id)
        figs = [
            _figure_point(p, place_id, name, _cell(m.measure_id, role, place_id, g.partnership_id, (p.period_start, p.period_end)) in hidden, same)
            for p in points
        ]
        series.append(PublicSeries(role, place_id, name, figs))
        if key:
            shared[key] = series[-1]
    scope = series[0]
    latest = next((f for f in scope.figures if (f.period_start, f.period_end) == (a.latest_period_start, a.latest_period_end)), None)
    status = _public_status(r, latest, raw)
    shown = [f for s in series for f in s.figures if f.value is not None]
    return PublicGoal(
        goal_id=g.goal_id, partnership_id=g.partnership_id, statement=g.statement, stated_on=g.stated_on,
        scope_name=scope.place_name, owner=g.owner, measure_id=m.measure_id, measure_name=m.name, unit=m.unit,
        direction=m.direction, definition=m.definition, source=m.source, baseline_value=g.baseline_value,
        baseline_date=g.baseline_date, target_value=g.target_value, target_date=g.target_date,
        status=status, status_label=PUBLIC_STATUS_LABELS[status], status_text=public_status_text(status),
        explanation=_explanation(r, latest, status), latest=latest, expected_value=a.expected_value, series=series,
        notes=notes, changes=views.goal_changes(history) if len(history) > 1 else [],
        original_promise=original_promise(history, m.unit), latest_data=max((f.period_end for f in shown), default=None),
        projection=_projection(r, scope, latest), spc=_spc(r, scope),
        markers=public_markers(markers),
        # A break's date and reason are public; who recorded it, and when, are the board's record.
        breaks=[PublicBreak(c.date, c.reason) for c in r.changes if c.kind == BREAK],
        phase_starts=[c.date for c in r.changes if c.kind == PHASE],
        age=health.promise_age(r), interval_model=m.interval_model,
    )


# --- the snapshot: the public site as JSON (it holds only what may be published) ---


def _encode(x):
    if dataclasses.is_dataclass(x):
        return {f.name: _encode(getattr(x, f.name)) for f in dataclasses.fields(x)}
    if isinstance(x, (list, tuple)):
        return [_encode(v) for v in x]
    if isinstance(x, (dt.datetime, dt.date)):
        return x.isoformat()
    return x


@functools.cache
def _hints(kind) -> dict:
    """A dataclass's fields and their types (resolved once per class: it is slow)."""
    hints = typing.get_type_hints(kind)
    return {f.name: hints[f.name] for f in dataclasses.fields(kind)}


def _decode(kind, x):
    if x is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        inner = [k for k in typing.get_args(kind) if k is not type(None)]
        return _decode(inner[0], x)
    if origin in (list, tuple):
        (inner, *_) = typing.get_args(kind)
        values = [_decode(inner, v) for v in x]
        return values if origin is list else tuple(values)
    if dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{name: _decode(hint, x[name]) for name, hint in hints.items()})
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(x)
    if kind is dt.date:
        return dt.date.fromisoformat(x)
    if kind is float:
        return float(x)
    return x


def site_to_dict(site: PublicSite) -> dict:
    """The public site as plain JSON values: what the app leaves on disk for a later publish."""
    return _encode(site)


def site_from_dict(data: dict) -> PublicSite:
    return _decode(PublicSite, data)

