"""The command line: `python -m metrics VERB`.

Each verb is a few lines over a function in `metrics/` that the tests call
directly. Exit code 0 on success, 1 on any problem the user can fix, with a
message saying what to do; never a traceback for a user's mistake.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from metrics.store import StoreError


class UsageError(Exception):
    """A mistake in the command line itself."""


class Parser(argparse.ArgumentParser):
    """argparse, but usage mistakes exit with 1 (docs/architecture.md: exit codes 0/1)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


DB_HELP = "the database file (default: $OUTCOMES_DB, else data/outcomes.duckdb); created on first use"


def build_parser() -> Parser:
    common = Parser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=DB_HELP)

    parser = Parser(
        prog="python -m metrics",
        description="Outcomes dashboard for place-based partnerships: data store, import, methods and publishing.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=Parser)

    p = sub.add_parser(
        "init",
        parents=[common],
        help="create an empty database (or the demo one)",
        description="Create the database (an empty one, or with --demo the illustrative demo data set). "
        "An existing database is upgraded to the current schema and left otherwise unchanged.",
    )
    p.add_argument("--demo", action="store_true", help="load the illustrative demo data set (fictional places and figures) into a new, empty database")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser(
        "import",
        parents=[common],
        help="import CSV/XLSX files in one transaction",
        description="Import CSV or XLSX files (formats: README.md, 'Import formats'). All files are one transaction: "
        "if any row of any file is wrong, every problem is listed and nothing is written. "
        "The kind of a CSV comes from its name (observations.csv, goals_2026.csv, ...); a workbook has one sheet per kind.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="CSV or XLSX files")
    p.add_argument("--kind", metavar="K", help="the kind of every CSV given (places, place_areas, measures, partnerships, goals, observations, notes, actions), overriding the file names")
    p.add_argument("--reason", metavar="TEXT", help="why a goal's baseline, target or dates change (required for such a change; kept in the goal's history)")
    p.add_argument("--dry-run", action="store_true", help="check the files and say what would change, without writing")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "export",
        parents=[common],
        help="write the current data as CSV files in the import formats",
        description="Write the current data as one CSV per kind, rows sorted by key, in the import formats: "
        "`init` then `import DIR/*.csv` rebuilds the same data.",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the CSV files into (created if missing)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "import-dfe-attendance",
        parents=[common],
        help="import DfE's published attendance file as England, region and local authority benchmarks",
        description="Import DfE's 'Pupil attendance in schools' CSV (explore-education-statistics tidy format), unchanged, "
        "as places (England, regions, local authorities with GSS codes), measures (attendance and persistent absence by phase) "
        "and figures, in one transaction. Suppressed cells (c) are kept as unavailable. Importing it again changes nothing.",
    )
    p.add_argument("path", metavar="FILE", help="DfE's attendance CSV as downloaded")
    p.add_argument("--period-start", metavar="D", help="first day the figures cover (default: 1 September of the academic year)")
    p.add_argument("--period-end", metavar="D", help="last day the figures cover (default: 31 July of the academic year)")
    p.add_argument("--dry-run", action="store_true", help="check the file and say what would change, without writing")
    p.set_defaults(func=cmd_import_dfe_attendance)

    p = sub.add_parser(
        "sources",
        help="list the source adapters: what each reads, gives and filters on",
        description="List the source adapters import-source runs: the published files each reads, the measure it fills, its filters and options.",
    )
    p.set_defaults(func=cmd_sources)

    p = sub.add_parser(
        "import-source",
        parents=[common],
        help="import a published file (police.uk, Met ward crime, Fingertips, explore-education-statistics) as downloaded",
        description="Read a publisher's files as downloaded, map them onto the partnership's places through their GSS codes and "
        "place_areas, and write the figures of one existing measure through the one import path (one transaction: every problem, "
        "named by the file's row, and nothing written; importing again changes nothing; a changed figure becomes a revision). "
        "Rows that reach no place are counted in the summary. See: python -m metrics sources.",
    )
    p.add_argument("source", metavar="SOURCE", help="police-uk-street, met-ward-crime, fingertips or ees (python -m metrics sources)")
    p.add_argument("paths", nargs="+", metavar="FILE", help="the published CSV files, unchanged")
    p.add_argument("--measure", required=True, metavar="ID", help="the measure the figures are for (it must exist, in a unit the source gives)")
    p.add_argument("--filter", action="append", default=[], metavar='"COLUMN=VALUE"', dest="filters",
                   help="keep rows whose COLUMN holds VALUE; repeat it: values for one column are alternatives (OR), different columns all apply (AND)")
    p.add_argument("--reason", metavar="TEXT", help="why, kept with the import in the audit trail")
    p.add_argument("--dry-run", action="store_true", help="read, map and check everything and say what would change, without writing")
    p.add_argument("--value-column", metavar="COLUMN", help="ees: the column holding the figures")
    p.add_argument("--numerator-column", metavar="COLUMN", help="ees: the column holding a rate's numerator (with --denominator-column)")
    p.add_argument("--denominator-column", metavar="COLUMN", help="ees: the column holding a rate's denominator (with --numerator-column)")
    p.add_argument("--period-start", metavar="D", help="ees: first day every figure covers, for periods without fixed dates (terms, reporting years)")
    p.add_argument("--period-end", metavar="D", help="ees: last day every figure covers (with --period-start)")
    p.set_defaults(func=cmd_import_source)

    p = sub.add_parser(
        "areas",
        help="list the area codes and names a publisher's file holds (to build place_areas)",
        description="List every area a publisher's file names: its GSS code, its name as published, its kind (ward, LSOA, "
        "local authority, ...), the larger area the file puts it in, and how many of the file's rows name it. "
        "The file is read exactly as import-source reads it; nothing is written.",
        epilog='example: python -m metrics areas met-ward-crime met_ward_crime_release_2026-01.csv --search "kentish town"',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("source", metavar="SOURCE", help="police-uk-street, met-ward-crime, fingertips or ees (python -m metrics sources)")
    p.add_argument("paths", nargs="+", metavar="FILE", help="the published CSV files, unchanged")
    p.add_argument("--search", metavar="TEXT", help="only areas whose name, code or larger area holds TEXT (any case)")
    p.set_defaults(func=cmd_areas)

    p = sub.add_parser(
        "places",
        parents=[common],
        help="list every place: id, name, level and code, benchmarks included",
        description="List every place in the database, England, regions and local authorities included: its id (what "
        "place_areas, partnerships and goals name), its name, level, GSS code, how many official areas it is made of and "
        "the partnerships that list it. Benchmark places an import creates are named by their GSS code in lower case "
        "(e09000007 for Camden), England as england.",
        epilog='example: python -m metrics places --search camden',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--search", metavar="TEXT", help="only places whose id, name or code holds TEXT (any case)")
    p.add_argument("--json", action="store_true", help="one JSON object per place (place_id, name, level, code, parent_id, areas, partnerships) instead of a table")
    p.set_defaults(func=cmd_places)

    p = sub.add_parser(
        "status",
        parents=[common],
        help="every goal's status (docs/methods.md, how we decide a goal's status)",
        description="Judge every goal: status, latest value and interval, expected value on the straight line, "
        "progress ratio, share of the gap closed, SPC icons, comparison with England and the projection.",
    )
    p.add_argument("--partnership", metavar="P", help="only this partnership's goals")
    p.add_argument("--as-of", metavar="DATE_OR_TIME", help="what was known then: a date means the end of that day (UK time); default now")
    p.add_argument("--json", action="store_true", help="one JSON object per goal (keys as in docs/architecture.md), instead of a table")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser(
        "board-pack",
        parents=[common],
        help="the delivery board's pack for a review, as one self-contained HTML file",
        description="Write the board pack for a review: cover, every goal's status, changes since the last review, "
        "each goal's chart and why, new notes, the actions log and the methods used. The first pack of a review freezes its "
        "as-of time and is archived in the database (its bytes, methods version and as-of time), so the same command later "
        "gives the same bytes, whatever the code says since.",
    )
    p.add_argument("--partnership", required=True, metavar="P", help="the partnership")
    p.add_argument("--review-date", required=True, metavar="D", help="the review's date (YYYY-MM-DD)")
    p.add_argument("--out", required=True, metavar="FILE.html", help="where to write the pack")
    p.add_argument("--recompute", action="store_true", help="write what today's methods say about the review's data, beside what the archived pack said (the archive is not changed)")
    p.add_argument("--draft", action="store_true", help="a draft to read before the meeting, marked \"Draft: figures may still change\" on every page: it freezes and archives nothing")
    p.set_defaults(func=cmd_board_pack)

    p = sub.add_parser(
        "publish",
        parents=[common],
        help="write the static public site (index.html, pages, assets, published_figures.csv)",
        description="Write the public progress site: public goals only, approved notes only, every figure under "
        "disclosure control (small numbers shown as c). Plain HTML and CSS with no JavaScript and no external requests; "
        "the same data gives the same bytes.",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the site into (created if missing)")
    p.add_argument("--partnership", metavar="P", help="only this partnership's public goals")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser(
        "backup",
        parents=[common],
        help="copy everything, history and audit included, into a folder of Parquet files",
        description="Write every table of the database, superseded rows, batches and reviews included, as Parquet files "
        "(DuckDB's EXPORT DATABASE, readable without this app) with schema.sql, load.sql and manifest.json "
        "(schema version, rows per table, a checksum per file). The database is only read. "
        "DuckDB lets one program open a database file at a time: stop the app first.",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="a new or empty folder for the backup")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "restore",
        parents=[common],
        help="make the database a copy of a backup (a database holding data only with --force)",
        description="Restore a folder made by `backup`: its files are checked against the manifest, loaded into a new file "
        "beside the database, counted again, upgraded when the backup is from an older version, and only then moved into "
        "place in one step, so a failed restore leaves the database as it was. A database that already holds data is "
        "replaced only with --force. Stop the app first.",
    )
    p.add_argument("backup_dir", metavar="DIR", help="the backup folder (made by: python -m metrics backup --out DIR)")
    p.add_argument("--force", action="store_true", help="replace a database that already holds data (all of it; back it up first)")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser(
        "access",
        parents=[common],
        help="who may see and change what: grant, revoke or list roles",
        description="Manage the access list used when sign-in is configured. Roles: viewer (read a partnership's internal "
        "pages), steward (also import, edit goals, record and approve notes, update actions), admin (also manage the "
        "partnership and its access list), each for one partnership (--partnership) or all (--all); or trustee of a trust "
        "(--trust), who reads every partnership that trust is a member of. Every change is recorded in the audit trail.",
    )
    access_sub = p.add_subparsers(dest="access_verb", metavar="grant|revoke|list", parser_class=Parser, help="what to do")
    for name, text in (("grant", "give a role"), ("revoke", "take a role away")):
        q = access_sub.add_parser(name, parents=[common], help=text, description=f"{text.capitalize()}.")
        q.add_argument("email", metavar="EMAIL", help="the address the person signs in with")
        q.add_argument("--role", required=True, choices=["viewer", "steward", "admin", "trustee"], help="the role")
        where = q.add_mutually_exclusive_group(required=True)
        where.add_argument("--partnership", metavar="P", help="for this partnership")
        where.add_argument("--all", action="store_true", help="for every partnership")
        where.add_argument("--trust", metavar="T", help="with --role trustee: the trust (a member organisation)")
        q.set_defaults(func=cmd_access)
    q = access_sub.add_parser("list", parents=[common], help="list every current grant", description="List every current grant.")
    q.set_defaults(func=cmd_access)
    p.set_defaults(func=cmd_access)

    p = sub.add_parser(
        "bench",
        parents=[common],
        help="the scale benchmark: a synthetic national data set, timed",
        description="Generate a synthetic England (full: 7,000 neighbourhoods in 150 local areas, 8 measures, 60 months, "
        "2,000 goals; --quick: a tenth) into a temporary database with the importer, then time a partnership page's "
        "data through metrics/ (app_ms), one hand-written DuckDB query (bare_duckdb_ms), pandas (pandas_ms), every "
        "goal's status (status_all_ms) and the observations import (import_rows_per_s), medians of --repeats runs. "
        "The three partnership paths must return the same figures or the bench fails. "
        "Without --db the database is temporary; with --db it is built at that new path and kept (e.g. to open the app on it).",
    )
    p.add_argument("--quick", action="store_true", help="a tenth of the national scale (under a minute on 2 cores)")
    p.add_argument("--json", action="store_true", help="one JSON object (keys in README, 'Scale and speed') instead of a summary")
    p.add_argument("--repeats", type=int, default=5, metavar="N", help="runs of each timing; the median is reported (default 5)")
    p.add_argument("--browser", action="store_true", help="also time the app in Debian's Chromium: goal page to chart drawn (each way of drawing it, beside the text-only methods page), neighbourhood switch to chart redrawn, Overview opened, and the server's memory")
    p.add_argument("--browser-before", metavar="REF", help="with --browser: also serve the app as it was at this git commit (e.g. main) on a copy of the database and time it in the same runs, for a before and after")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser(
        "templates",
        help="write blank import templates (CSV per kind and one XLSX workbook)",
        description="Write a blank CSV per import kind and outcomes_templates.xlsx (a sheet per kind and a _guide sheet explaining each column).",
    )
    p.add_argument("--out", default="data/templates", metavar="DIR", help="folder to write into (default data/templates)")
    p.set_defaults(func=cmd_templates)

    return parser


def cmd_status(args: argparse.Namespace) -> int:
    import json

    from metrics import store
    from metrics.read.readmodel import goal_results
    from metrics.vocab import STATUS_LABELS

    from metrics.read.views import why_no_figure

    as_of = store.parse_as_of(args.as_of) if args.as_of else None
    con = store.connect(args.db, read_only=True)
    try:
        if args.partnership:
            known_partnership(con, args.partnership)
        results = goal_results(con, as_of=as_of, partnership=args.partnership)
        why = {} if args.json else {r.goal.goal_id: why_no_figure(con, r) for r in results}
    finally:
        con.close()
    if args.json:
        print(json.dumps([r.status_json() for r in results], indent=2))
        return 0
    if not results:
        print("No goals yet. Import a goals file: python -m metrics import goals.csv")
    for r in results:
        print(f"{r.goal.goal_id}: {STATUS_LABELS[r.assessment.status]}. {r.explanation}")
        if why.get(r.goal.goal_id):
            print(f"  Why no figure: {why[r.goal.goal_id]}")
    return 0


def cmd_areas(args: argparse.Namespace) -> int:
    from metrics.contract.problems import summarise_problems
    from metrics.contract.sources.areas import areas_text, file_areas

    result = file_areas(args.source, args.paths, args.search)
    if not result.ok:
        print(f"Cannot list the areas: {len(result.problems)} problem{'s' if len(result.problems) != 1 else ''}.", file=sys.stderr)
        for line in summarise_problems(result.problems):
            print(f"- {line}", file=sys.stderr)
        return 1
    print("\n".join(areas_text(result, args.search)))
    return 0


def cmd_places(args: argparse.Namespace) -> int:
    import json

    from metrics import store
    from metrics.read.views import place_listing

    con = store.connect(args.db, read_only=True)
    try:
        rows = place_listing(con, args.search)
    finally:
        con.close()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        what = f' matching "{args.search}"' if args.search else ""
        print(f"No places{what}. Import a places file (python -m metrics import places.csv), or a source that creates benchmarks.")
        return 0
    id_w = max(len(r["place_id"]) for r in rows)
    name_w = max(len(r["name"]) for r in rows)
    for r in rows:
        extra = []
        if r["areas"]:
            extra.append(f"{r['areas']} area{'s' if r['areas'] != 1 else ''}")
        if r["partnerships"]:
            extra.append("in " + ", ".join(r["partnerships"]))
        print(f"{r['place_id']:<{id_w}}  {r['name']:<{name_w}}  {r['level']:<13}  {r['code'] or '-':<9}  {'; '.join(extra)}".rstrip())
    return 0


def cmd_board_pack(args: argparse.Namespace) -> int:
    import datetime as dt

    from metrics import store
    from metrics.contract.importer import default_actor
    from metrics.outputs.boardpack import write_board_pack

    try:
        review_date = dt.date.fromisoformat(args.review_date)
    except ValueError:
        raise UsageError(f'--review-date "{args.review_date}" is not a date: write it as YYYY-MM-DD, e.g. 2026-11-26.') from None
    con = store.connect(args.db)
    try:
        if args.draft and args.recompute:
            raise UsageError("Give --draft or --recompute, not both: a draft shows the data as known now; --recompute shows an archived pack beside today's methods.")
        path = write_board_pack(con, args.partnership, review_date, args.out, actor=default_actor(), recompute=args.recompute, draft=args.draft)
    finally:
        con.close()
    if args.draft:
        print(f"Wrote a draft of the board pack for {args.partnership}, review of {review_date}, to {path} (nothing frozen or archived).")
    elif args.recompute:
        print(f"Wrote today's methods beside the archived pack for {args.partnership}, review of {review_date}, to {path}.")
    else:
        print(f"Wrote the board pack for {args.partnership}, review of {review_date}, to {path}.")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from metrics.outputs.publish import publish_from_db

    written, note = publish_from_db(args.db, args.out, partnership=args.partnership)  # the app's snapshot while it runs
    if note:
        print(note)
    print(f"Wrote the public site to {args.out}: {len(written)} files (open {args.out}/index.html).")
    return 0


def known_partnership(con, partnership: str) -> None:
    """Refuse an unknown --partnership with the list of real ones."""
    from metrics.access import no_such_partnership

    known = [r[0] for r in con.execute("SELECT partnership_id FROM partnerships WHERE superseded_at IS NULL ORDER BY 1").fetchall()]
    if partnership not in known:
        raise UsageError(no_such_partnership(partnership, known))


def cmd_access(args: argparse.Namespace) -> int:
    from metrics import access, store
    from metrics.contract.importer import default_actor

    verb = getattr(args, "access_verb", None)
    if verb is None:
        raise UsageError("Say what to do: python -m metrics access grant|revoke|list (see --help).")
    con = store.connect(args.db)
    try:
        if verb == "list":
            rows = access.grants(con)
            if not rows:
                print("No one has access yet. Grant it with: python -m metrics access grant EMAIL --role admin --all")
            for g in rows:
                print(f"{g.email}\t{g.role}\t{'every partnership' if g.scope == access.EVERY else g.scope}")
            return 0
        if args.role == "trustee" and not args.trust:
            raise UsageError("A trustee's grant names their trust: --trust \"Name of the trust\".")
        if args.role != "trustee" and args.trust:
            raise UsageError("--trust goes with --role trustee; give viewer, steward and admin --partnership P or --all.")
        scope = args.trust or (access.EVERY if args.all else args.partnership)
        fn = access.grant if verb == "grant" else access.revoke
        changed = fn(con, args.email, args.role, scope, actor=default_actor())
    finally:
        con.close()
    where = "every partnership" if scope == access.EVERY else scope
    if verb == "grant":
        print(f"Granted {args.role} on {where} to {args.email.lower()}." if changed else f"{args.email.lower()} already has {args.role} on {where}.")
    else:
        print(f"Revoked {args.role} on {where} from {args.email.lower()}." if changed else f"{args.email.lower()} did not have {args.role} on {where}.")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    import json

    from tools.bench.bench import format_report, run_bench

    if args.repeats < 1:
        raise UsageError("--repeats must be 1 or more.")
    browser = None
    if args.browser_before and not args.browser:
        raise UsageError("--browser-before needs --browser.")
    if args.browser:
        import functools

        from tools.bench.browser import browser_timings

        browser = functools.partial(browser_timings, before=args.browser_before)
    result = run_bench(quick=args.quick, repeats=args.repeats, db_path=args.db, browser=browser)
    print(json.dumps(result, indent=2) if args.json else format_report(result))
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from metrics.contract.templates import write_templates

    for path in write_templates(args.out):
        print(path)
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from metrics import store

    path = store.resolve_db_path(args.db)
    existed = path.exists()
    con = store.connect(path)
    try:
        if args.demo:
            if not store.is_empty(con):
                print(f"{path} already holds data, so the demo data set was not loaded. Use a new --db path for the demo.", file=sys.stderr)
                return 1
            from metrics.contract.demo import seed_demo

            result = seed_demo(con)
            print(f"Created {path} with the illustrative demo data set (fictional places and figures).")
            for line in result:
                print(f"  {line}")
            return 0
        state = "upgraded and ready" if existed else "created"
        print(f"Database {path} {state}. Import data with: python -m metrics import FILES --db {path}")
        return 0
    finally:
        con.close()


def cmd_import(args: argparse.Namespace) -> int:
    from metrics import store
    from metrics.contract.importer import import_paths

    con = store.connect(args.db)
    try:
        result = import_paths(con, args.paths, kind=args.kind, reason=args.reason, dry_run=args.dry_run, in_parts=True)
    finally:
        con.close()
    return report_import(result)


def cmd_import_dfe_attendance(args: argparse.Namespace) -> int:
    from metrics import store
    from metrics.contract.sources.dfe import import_dfe_attendance

    con = store.connect(args.db)
    try:
        result = import_dfe_attendance(con, args.path, args.period_start, args.period_end, dry_run=args.dry_run)
    finally:
        con.close()
    return report_import(result)


def cmd_sources(args: argparse.Namespace) -> int:
    from metrics.contract.sources import sources_text

    print("\n".join(sources_text()))
    return 0


def cmd_import_source(args: argparse.Namespace) -> int:
    from metrics import store
    from metrics.contract.sources import import_source

    con = store.connect(args.db)
    try:
        result = import_source(
            con, args.source, args.paths, args.measure, args.filters, reason=args.reason, dry_run=args.dry_run,
            value_column=args.value_column, numerator_column=args.numerator_column, denominator_column=args.denominator_column,
            period_start=args.period_start, period_end=args.period_end,
        )
    finally:
        con.close()
    return report_import(result)


def report_import(result) -> int:
    """Print an import's summary (exit 0) or every problem (exit 1)."""
    from metrics.contract.problems import summarise_problems

    if not result.ok:
        n = len(result.problems)
        print(f"Nothing was imported: {n} problem{'s' if n != 1 else ''} to fix.", file=sys.stderr)
        for line in summarise_problems(result.problems):
            print(f"- {line}", file=sys.stderr)
        return 1
    for line in result.summary_lines():
        print(line)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from metrics.store import resolve_db_path
    from metrics.store.backup import backup

    for line in backup(resolve_db_path(args.db), args.out).summary_lines():
        print(line)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from metrics.store.backup import restore

    for line in restore(args.backup_dir, args.db, force=args.force).summary_lines():
        print(line)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from metrics import store
    from metrics.contract.export import export_csv

    con = store.connect(args.db)
    try:
        counts = export_csv(con, args.out)
    finally:
        con.close()
    print(f"Wrote {len(counts)} files to {args.out}: " + ", ".join(f"{k} ({v:,} rows)" for k, v in counts.items()))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # --db may come before or after the verb; set_defaults(db=None) would reach the
    # verb's copy of the option too (parents share it) and undo a --db before the verb.
    if not hasattr(args, "db"):
        args.db = None
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 1
    try:
        return func(args)
    except (StoreError, UsageError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopped. Nothing half-written: an interrupted import is rolled back.", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug, not a user mistake: say so plainly
        if os.environ.get("OUTCOMES_DEBUG"):
            traceback.print_exc()
        print(
            f"Internal error ({type(exc).__name__}: {exc}). This is a fault in the program, not in your data. "
            "Run again with OUTCOMES_DEBUG=1 to see the details, and report them.",
            file=sys.stderr,
        )
        return 1
