"""The static public site: `python -m metrics publish --out DIR`.

Plain HTML, one stylesheet and no JavaScript, so a trust can put it on any
static host: it works offline and behind a strict content security policy,
and the same data gives the same bytes. Everything on it comes through
`metrics.outputs.public.public_site`, the one gate for public output; the live
public page renders the same templates (`live_fragment`), so the two cannot
drift apart.

Publishing while the app runs: DuckDB lets one process open a database file
for writing and no other process open it at all, so while the app serves the
database the command line cannot read it. The app therefore keeps the public
site (the gate's output: nothing in it is private) as a snapshot beside the
database, rewritten whenever the data changes (`metrics.snapshot`), and
`publish_from_db` falls back to that snapshot when the database is in use.
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import functools
import io
import json
import logging
import os
import shutil
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import jinja2
import markdown
import pyarrow as pa

from metrics import access
from metrics.access import Permissions
from metrics.contract.csvsafe import csv_fields, write_rows
from metrics.contract.importer import default_actor
from metrics.methods import TEXT as METHODS_TEXT
from metrics.methods.explain import break_sentence, format_month
from metrics.outputs.charts import goal_chart_spec, public_goal_chart
from metrics.outputs.public import (
    PublicGoal,
    PublicSite,
    cell_text,
    chart_summary,
    figure_text,
    latest_text,
    neighbourhood_periods,
    number_text,
    public_gate,
    range_text,
    site_from_dict,
    site_to_dict,
)
from metrics.outputs.ledger import record_publication, write_cells
from metrics.outputs.svg import figure_to_svg
from metrics.outputs.templating import TEMPLATE_DIR, environment
from metrics.store import DatabaseInUse, StoreError, connect, data_version, resolve_db_path, utc_now, within_memory, write_batch
from metrics.vocab import PUBLIC_STATUS_ICONS

log = logging.getLogger(__name__)
SITE_DIR = TEMPLATE_DIR
VOICE_WORDS = {"young_person": "A young person", "parent_carer": "A parent or carer", "resident": "A resident", "staff": "A member of staff", "partner": "A partner organisation"}
FIGURE_COLUMNS = [
    "partnership_id", "goal_id", "measure_id", "place_id", "place_name", "series", "period_start", "period_end",
    "value", "ci_low", "ci_high", "unit", "provisional", "status",
]


# DuckDB's memory while a site is built (store.within_memory): a national
# site's reads and its ledger's writes fit in it (the rest spills), so a
# national publish stays under 500 MB; a larger one gets DuckDB's usual limit.
PUBLISH_MEMORY_LIMIT = "80MB"
ROLE_ORDER = {"scope": 0, "neighbourhood": 1, "benchmark": 2}


def published_figure_lines(site: PublicSite) -> Iterator[str]:
    """Every figure the site shows (open data) as lines of CSV, at the
    precision the pages show: suppressed values and their intervals as c;
    periods with no figure at all are left out. The status is the public one.
    In order of partnership, goal, series (scope, neighbourhoods, benchmarks),
    place and period, one line at a time: a national site has some 520,000,
    too many to hold as a list. A goal's and a series' own fields are the same
    on each of their lines, so each is made safe once (metrics.contract.csvsafe)."""
    for g in sorted(site.goals, key=lambda g: (g.partnership_id, g.goal_id)):
        status = csv_fields([g.status])
        for s in sorted(g.series, key=lambda s: (ROLE_ORDER[s.role], s.place_id)):
            head = csv_fields([g.partnership_id, g.goal_id, g.measure_id, s.place_id, s.place_name, s.role])
            for f in sorted(s.figures, key=lambda f: (f.period_start, f.period_end)):
                if f.value is None and not f.suppressed:
                    continue
                value = "c" if f.suppressed else number_text(f.value, g.unit)
                lo = "c" if f.suppressed else number_text(f.ci_low, g.unit)
                hi = "c" if f.suppressed else number_text(f.ci_high, g.unit)
                own = csv_fields([
                    f.period_start.isoformat(), f.period_end.isoformat(), value, lo, hi, g.unit,
                    "true" if f.provisional else "false",
                ])
                yield f"{head},{own},{status}\n"


def write_published_figures(site: PublicSite, file: IO[str]) -> None:
    """published_figures.csv into an open text file, every cell through the
    one rule for CSV people open (metrics.contract.csvsafe)."""
    write_rows(file, [FIGURE_COLUMNS])
    file.writelines(published_figure_lines(site))


def goal_svg(g: PublicGoal) -> str:
    return figure_to_svg(goal_chart_spec(public_goal_chart(g)), chart_summary(g), chart_id=f"chart-{g.goal_id}")


def static_link(kind: str, ident: str | None = None) -> str:
    """Where a page of the static site lives."""
    return {"goal": f"goal-{ident}.html", "partnership": f"partnership-{ident}.html", "index": "index.html", "methods": "methods.html"}[kind]


@functools.cache
def _environment() -> jinja2.Environment:
    return environment(
        icons=PUBLIC_STATUS_ICONS, voices=VOICE_WORDS,
        latest_text=latest_text, figure_text=figure_text, range_text=range_text, cell_text=cell_text, chart_summary=chart_summary,
        neighbourhood_periods=neighbourhood_periods, any_provisional=lambda g: any(f.provisional for s in g.series for f in s.figures),
        break_sentence=break_sentence,
    )


def live_fragment(name: str, link: Callable[..., str], **context) -> str:
    """One part of a site page (`_promises.html`, `_goal_top.html`, ...) as
    autoescaped HTML for the live page: every name, statement, description and
    note is text, never markup."""
    return _environment().get_template(name).render(link=link, **context)


def site_pages(site: PublicSite, site_name: str = "Partnership progress") -> Iterator[tuple[str, str]]:
    """Every page of the site, as (file name, text), one at a time: a national
    site's 1,800 pages held at once took 60 MB."""
    env = _environment()
    data_date_text = format_month(site.data_date) if site.data_date else "no figures yet"
    common = {
        "site_name": site_name, "root": "", "illustrative": site.illustrative, "data_date_text": data_date_text, "link": static_link,
        "stamp": site.stamp,
    }
    yield "index.html", env.get_template("index.html").render(
        title="Our promises", partnerships=site.partnerships, goal_count=len(site.goals), **common
    )
    for p in site.partnerships:
        yield f"partnership-{p.partnership_id}.html", env.get_template("partnership.html").render(title=p.name, p=p, **common)
        for g in p.goals:
            yield f"goal-{g.goal_id}.html", env.get_template("goal.html").render(
                title=g.statement, g=g, partnership=p, chart_svg=goal_svg(g), **common,
            )
    yield "methods.html", env.get_template("methods.html").render(title="How we measure", methods_html=methods_html(), **common)
    yield "accessibility.html", env.get_template("accessibility.html").render(title="Accessibility statement", **common)


def methods_html() -> str:
    """docs/methods.md (our own text, not a user's) as HTML for the site."""
    methods = METHODS_TEXT.read_text(encoding="utf-8")
    html = markdown.markdown(methods, extensions=["tables", "sane_lists"])
    # Wide tables scroll inside a focusable region instead of the whole page (320px screens).
    return html.replace(
        "<table>", '<div class="table-wrap" tabindex="0" role="region" aria-label="Table (scroll sideways on a small screen)"><table>'
    ).replace("</table>", "</table></div>")


def write_site(site: PublicSite, out_dir: str | Path) -> list[Path]:
    """Write a public site into `out_dir`: exactly this site, nothing left of an
    earlier one (a goal no longer public has no page). The site is built in a
    new folder beside `out_dir` and swapped into place, so a reader never sees
    half of it; a folder holding a symbolic link, or files that are not a
    published site, is refused rather than written through or deleted."""
    out = Path(out_dir)
    _check_site_folder(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    new = out.parent / f".{out.name}.new-{os.getpid()}"
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    for leftover in (new, old):
        if leftover.exists() and not leftover.is_symlink():
            shutil.rmtree(leftover)
    new.mkdir()
    try:
        names = []
        for name, text in site_pages(site):
            (new / name).write_text(text, encoding="utf-8")
            names.append(name)
        names.sort()
        (new / "assets").mkdir()
        shutil.copyfile(SITE_DIR / "site.css", new / "assets" / "site.css")
        names.append("assets/site.css")
        with (new / "published_figures.csv").open("w", encoding="utf-8", newline="") as f:
            write_published_figures(site, f)
        names.append("published_figures.csv")
        if out.exists():
            os.replace(out, old)
        os.replace(new, out)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return [out / n for n in names]


def _check_site_folder(out: Path) -> None:
    """`publish --out` may name a new folder, an empty one, or one an earlier
    publish wrote (it holds published_figures.csv). Never a link, and never a
    folder holding one: writing through a link would put the site elsewhere."""
    if out.is_symlink():
        raise StoreError(f"{out} is a symbolic link. Publish into a real folder: give a new folder's path with --out.")
    if not out.exists():
        return
    if not out.is_dir():
        raise StoreError(f"{out} is a file, not a folder. Give a new or empty folder with --out.")
    if not _holds_only_sites(out):
        raise StoreError(
            f"{out} holds files that are not a published site. Publishing replaces the whole folder, so give a new or empty folder with --out."
        )
    links = [p for p in out.rglob("*") if p.is_symlink()]
    if links:
        raise StoreError(
            f"{out} holds a symbolic link ({links[0].relative_to(out)}), which publishing would write through. "
            "Remove it, or publish into a new folder."
        )


def _holds_only_sites(folder: Path) -> bool:
    """An empty folder, an earlier site (it holds published_figures.csv), or a
    folder of earlier partnerships' sites (the app publishes one partnership
    into a subfolder of the whole site's folder)."""
    entries = list(folder.iterdir())
    if not entries or (folder / "published_figures.csv").is_file():
        return True
    return all(e.is_dir() and not e.is_symlink() and (e / "published_figures.csv").is_file() for e in entries)


def publish(con, out_dir: str | Path, partnership: str | None = None, as_of: dt.datetime | None = None, actor: str = "publish") -> list[Path]:
    """Write the static site for the database `con` into `out_dir`, and record
    in the ledger what it shows (as of now; a site as of a past time is that
    time's figures, already recorded if they were published then)."""
    site, fresh = within_memory(con, PUBLISH_MEMORY_LIMIT, lambda: public_gate(con, as_of))
    written = write_site(site.only(partnership), out_dir)
    del site  # its pages and series, most of a national publish's memory, freed before the ledger is written
    if as_of is None:
        within_memory(con, PUBLISH_MEMORY_LIMIT, lambda: record_publication(con, fresh, actor=actor, action="publish", files=str(out_dir)))
    return written


def publish_audited(
    con, perms: Permissions, out_dir: str | Path, actor: str, partnership: str | None = None, reason: str | None = None
) -> list[Path]:
    """Publish from the app: an admin's change (of the partnership, or of every
    partnership for the whole site), written inside an audited batch (who, when,
    where to), so the audit trail records it only if it was written."""
    access.require(perms, "admin", partnership or access.EVERY)
    what = f"the public site for {partnership}" if partnership else "the public site"

    def job() -> list[Path]:
        with write_batch(
            con, actor=actor, action="publish", files=str(out_dir), reason=reason or f"published {what}", partnerships=[partnership or access.EVERY]
        ) as batch:
            site, fresh = public_gate(con)
            written = write_site(site.only(partnership), out_dir)
            write_cells(con, fresh, batch.batch_id)
            return written

    return within_memory(con, PUBLISH_MEMORY_LIMIT, job)


def site_folder(db: str | Path | None = None) -> Path:
    """Where the app publishes: $OUTCOMES_SITE_DIR, else `site/` beside the database."""
    env = os.environ.get("OUTCOMES_SITE_DIR")
    return Path(env) if env else resolve_db_path(db).resolve().parent / "site"


def zip_folder(folder: str | Path) -> bytes:
    """A published site as one zip file (to download from the app)."""
    buf = io.BytesIO()
    folder = Path(folder)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(folder).as_posix())
    return buf.getvalue()


# --- publishing while the app holds the database --------------------------------

SNAPSHOT_FORMAT = 2  # 2: issue 17's markers, breaks, health and methods stamp


@dataclass
class Snapshot:
    """The public site at one data version, and the partnerships it knew."""

    site: PublicSite
    data_version: int
    taken_at: dt.datetime
    partnerships: list[str]
    fresh: list[pa.Table] = dataclasses.field(default_factory=list)  # ledger rows new to the ledger; not written to the file


def snapshot_path(db: str | Path | None = None) -> Path:
    """The app's snapshot of the public site, beside the database: `outcomes.duckdb.public.json`."""
    path = resolve_db_path(db).resolve()
    return path.with_name(path.name + ".public.json")


def take_snapshot(con) -> Snapshot:
    """The public site as one consistent view: every query runs in one read
    transaction, so a write landing meanwhile is either wholly in it or not at all."""
    cur = con.cursor()
    try:
        cur.execute("BEGIN TRANSACTION")
        version = data_version(cur)
        site, fresh = public_gate(cur)
        partnerships = [r[0] for r in cur.execute("SELECT partnership_id FROM partnerships WHERE superseded_at IS NULL ORDER BY 1").fetchall()]
        cur.execute("ROLLBACK")
    finally:
        cur.close()
    return Snapshot(site, version, utc_now(), partnerships, fresh)


def write_snapshot(con, db: str | Path | None = None) -> Snapshot:
    """Take a snapshot and write it beside the database (atomically: a reader
    sees the old file or the new one, never half of one)."""
    snap = take_snapshot(con)
    path = snapshot_path(db)
    payload = {
        "format": SNAPSHOT_FORMAT, "data_version": snap.data_version, "taken_at": snap.taken_at.isoformat(),
        "partnerships": snap.partnerships, "site": site_to_dict(snap.site),
    }
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return snap


def read_snapshot(db: str | Path | None = None) -> Snapshot:
    path = snapshot_path(db)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        if payload.get("format") != SNAPSHOT_FORMAT:
            raise ValueError(f"format {payload.get('format')}")
        return Snapshot(site_from_dict(payload["site"]), int(payload["data_version"]), dt.datetime.fromisoformat(payload["taken_at"]), list(payload["partnerships"]))
    except FileNotFoundError:
        raise StoreError(
            f"The database is in use by another program (probably the app), and there is no snapshot of the public site at {path}. "
            "The app writes one a few seconds after it starts; publish from the app's Admin page, or try again in a moment."
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"The app's snapshot {path} cannot be read ({exc}). Restart the app to rewrite it, or publish from the app's Admin page.") from None


def publish_from_db(db: str | Path | None, out_dir: str | Path, partnership: str | None = None) -> tuple[list[Path], str | None]:
    """`publish` on the command line: from the database, or, while the app holds
    it, from the app's snapshot. Returns the files written and, when the
    snapshot was used, a line saying so."""
    note = None
    try:
        con = connect(db)
    except DatabaseInUse:
        # The app's keeper recorded this snapshot's figures in the ledger when it wrote it.
        snap = read_snapshot(db)
        note = f"The app has the database open, so this publishes its snapshot of the public site (data version {snap.data_version}, taken {snap.taken_at:%Y-%m-%d %H:%M:%S} UTC)."
        con = None
    else:
        try:
            snap = within_memory(con, PUBLISH_MEMORY_LIMIT, lambda: take_snapshot(con))
        except BaseException:
            con.close()
            raise
    try:
        if partnership and partnership not in snap.partnerships:
            raise StoreError(access.no_such_partnership(partnership, snap.partnerships))
        written = write_site(snap.site.only(partnership), out_dir)
        if con is not None:
            within_memory(
                con, PUBLISH_MEMORY_LIMIT, lambda: record_publication(con, snap.fresh, actor=default_actor(), action="publish", files=str(out_dir))
            )
    finally:
        if con is not None:
            con.close()
    return written, note


class SnapshotKeeper:
    """Keeps the snapshot beside the database up to date while the app runs:
    a daemon thread looks at the data version every few seconds (one tiny
    query) and rewrites the snapshot when it has changed."""

    def __init__(self, con, db: str | Path, every_s: float = 2.0):
        self.con, self.db, self.every_s = con.cursor(), db, every_s
        self.written: int | None = None
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="public-snapshot", daemon=True)

    def _run(self) -> None:
        # Written once at start whatever is on disk (this version of the code may
        # hide differently from the one that wrote it), then on every change.
        while not self.stopped.is_set():
            try:
                if data_version(self.con) != self.written:
                    snap = write_snapshot(self.con, self.db)
                    # The live public page shows this snapshot's figures: a publication.
                    record_publication(self.con, snap.fresh, actor="public page", action="publish-live")
                    self.written = data_version(self.con)
            except OSError as exc:  # a full disk, a folder made read-only: say so, try again next time
                log.warning("Could not write the public site's snapshot beside %s: %s", self.db, exc)
            except Exception as exc:  # the connection closed (a test, the app stopping): stop quietly
                log.info("The public snapshot keeper stopped: %s", exc)
                return
            self.stopped.wait(self.every_s)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop and wait: a thread still inside DuckDB when Python exits aborts the process."""
        self.stopped.set()
        if self.thread.is_alive() and self.thread is not threading.current_thread():
            self.thread.join(timeout)


_KEEPERS: list[SnapshotKeeper] = []


@atexit.register
def _stop_keepers() -> None:
    for keeper in _KEEPERS:
        keeper.stop()


def keep_public_snapshot(con, db: str | Path, every_s: float = 2.0) -> SnapshotKeeper:
    """Start keeping the snapshot for the app's connection (once per process)."""
    keeper = SnapshotKeeper(con, db, every_s)
    _KEEPERS.append(keeper)
    keeper.thread.start()
    return keeper
