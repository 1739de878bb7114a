"""Check the demo data set: the file rules of docs/data-contract.md and the goal statuses.

    .venv/bin/python data/demo/check_demo.py

An independent re-reading of the CSV files written by `build_demo.py`, using
only the standard library and the written contracts (docs/data-contract.md,
docs/methods.md), not the generator's internals. It prints
each goal's status before and after the revision import in `revisions/` and
exits non-zero when a file breaks a rule or when the goals, before or after
the revisions, do not show every status code of docs/methods.md, "How we decide a goal's status".
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
Z = 1.959964

SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
WHOLE = re.compile(r"\d+")
GSS = {"c", "x", "z", "low", ":", "~", "[c]", "[x]", "[z]", "[low]"}

STATUSES = ("awaiting_data", "met", "missed", "on_track", "needs_acceleration",
            "limited_progress", "worsening", "too_uncertain")

COLUMNS = {
    "places": ["place_id", "name", "level", "parent_id", "code"],
    "partnerships": ["partnership_id", "name", "places", "review_every_weeks", "members",
                     "description"],
    "measures": ["measure_id", "name", "domain", "unit", "direction", "min_value", "max_value",
                 "suppress_below", "definition", "source"],
    "observations": ["measure_id", "place_id", "period_start", "period_end", "value",
                     "numerator", "denominator", "sample_size", "std_dev", "source",
                     "provisional"],
    "goals": ["goal_id", "partnership_id", "measure_id", "scope", "statement",
              "baseline_value", "baseline_date", "target_value", "target_date", "stated_on",
              "visibility", "owner"],
    "notes": ["note_id", "recorded_on", "partnership_id", "place_id", "goal_id", "domain",
              "voice", "text", "source", "consent", "approved_wording", "approved_by",
              "approved_on"],
    "actions": ["action_id", "partnership_id", "goal_id", "description", "owner", "agreed_on",
                "due_on", "status"],
}
REQUIRED = {
    "places": {"place_id", "name", "level"},
    "partnerships": {"partnership_id", "name", "places"},
    "measures": {"measure_id", "name", "domain", "unit", "direction", "definition"},
    "observations": {"measure_id", "place_id", "period_start", "period_end"},
    "goals": {"goal_id", "partnership_id", "measure_id", "scope", "statement", "baseline_value",
              "baseline_date", "target_value", "target_date", "stated_on", "visibility"},
    "notes": {"note_id", "recorded_on", "partnership_id", "domain", "voice", "text", "consent"},
    "actions": {"action_id", "partnership_id", "description", "owner", "agreed_on", "due_on",
                "status"},
}
KEYS = {
    "places": ("place_id",), "partnerships": ("partnership_id",), "measures": ("measure_id",),
    "observations": ("measure_id", "place_id", "period_start", "period_end"),
    "goals": ("goal_id",), "notes": ("note_id",), "actions": ("action_id",),
}
LEVELS = ("neighbourhood", "local_area", "region", "nation")
DOMAINS = ("attendance", "safety", "wellbeing", "health", "achievement", "relationships",
           "participation", "other")
UNITS = ("percent", "rate_per_1000", "count", "score")
SCALE = {"percent": 100.0, "rate_per_1000": 1000.0}
DIRECTIONS = ("higher_is_better", "lower_is_better")
VOICES = ("young_person", "parent_carer", "resident", "staff", "partner")
CONSENTS = ("none", "internal", "public")
VISIBILITIES = ("public", "internal")
ACTION_STATUSES = ("open", "done", "dropped")


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def read_kind(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def load(folder: Path) -> dict[str, list[dict]]:
    return {kind: read_kind(folder / f"{kind}.csv")[1] for kind in COLUMNS
            if (folder / f"{kind}.csv").exists()}


def apply_revisions(base: dict[str, list[dict]], revisions: dict[str, list[dict]]) -> dict:
    """The data after a later import: a row for an existing key replaces it."""
    out = {}
    for kind, rows in base.items():
        merged = {tuple(r[k] for k in KEYS[kind]): r for r in rows}
        for r in revisions.get(kind, []):
            merged[tuple(r[k] for k in KEYS[kind])] = r
        out[kind] = list(merged.values())
    return out


def date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# ---------------------------------------------------------------------------
# Validation (docs/data-contract.md)
# ---------------------------------------------------------------------------


class Problems(list):
    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}")


def check_cells(kind: str, header: list[str], rows: list[dict], probs: Problems, name: str) -> None:
    if header != COLUMNS[kind]:
        probs.add(name, f"header {header} is not {COLUMNS[kind]}")
    seen = set()
    for i, r in enumerate(rows, start=2):
        where = f"{name} row {i}"
        for col in COLUMNS[kind]:
            v = r.get(col) or ""
            if v != v.strip():
                probs.add(where, f"{col} has spaces around it")
            if col in REQUIRED[kind] and not v:
                probs.add(where, f"{col} is required")
        for col in ("place_id", "partnership_id", "measure_id", "goal_id", "note_id",
                    "action_id", "scope", "parent_id"):
            v = r.get(col)
            if v and not SLUG.fullmatch(v):
                probs.add(where, f"{col} {v!r} is not a slug")
        for col in ("period_start", "period_end", "baseline_date", "target_date", "stated_on",
                    "recorded_on", "approved_on", "agreed_on", "due_on"):
            v = r.get(col)
            if v:
                try:
                    date(v)
                    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
                        raise ValueError
                except ValueError:
                    probs.add(where, f"{col} {v!r} is not an ISO date")
        for col in ("value", "numerator", "denominator", "std_dev", "baseline_value",
                    "target_value", "min_value", "max_value"):
            v = r.get(col)
            if v and not NUMBER.fullmatch(v) and not (kind == "observations" and v in GSS):
                probs.add(where, f"{col} {v!r} is not a number")
        for col in ("sample_size", "review_every_weeks", "suppress_below"):
            v = r.get(col)
            if v and not WHOLE.fullmatch(v) and not (kind == "observations" and v in GSS):
                probs.add(where, f"{col} {v!r} is not a whole number")
        key = tuple(r[k] for k in KEYS[kind])
        if key in seen:
            probs.add(where, f"duplicate key {key}")
        seen.add(key)


def validate(data: dict[str, list[dict]], probs: Problems, label: str) -> None:
    """Cross-row rules of docs/data-contract.md on a whole data set (after any revisions)."""
    places = {r["place_id"]: r for r in data["places"]}
    for pid, r in places.items():
        if r["level"] not in LEVELS:
            probs.add(label, f"place {pid}: bad level {r['level']}")
        parent = r["parent_id"]
        if parent:
            if parent not in places:
                probs.add(label, f"place {pid}: parent {parent} missing")
            elif LEVELS.index(places[parent]["level"]) <= LEVELS.index(r["level"]):
                probs.add(label, f"place {pid}: parent {parent} is not at a higher level")
        seen, p = set(), pid
        while p:
            if p in seen:
                probs.add(label, f"place {pid}: parents form a cycle")
                break
            seen.add(p)
            p = places.get(p, {}).get("parent_id", "")
    partnerships = {r["partnership_id"]: r for r in data["partnerships"]}
    for ptid, r in partnerships.items():
        for pl in r["places"].split(";"):
            if places.get(pl, {}).get("level") != "neighbourhood":
                probs.add(label, f"partnership {ptid}: {pl!r} is not a neighbourhood")
        if any(not m.strip() or m != m.strip() for m in r["members"].split(";")):
            probs.add(label, f"partnership {ptid}: empty or padded member")
    measures = {r["measure_id"]: r for r in data["measures"]}
    for mid, m in measures.items():
        if m["domain"] not in DOMAINS or m["unit"] not in UNITS or m["direction"] not in DIRECTIONS:
            probs.add(label, f"measure {mid}: bad domain, unit or direction")
        if m["min_value"] and m["max_value"] and float(m["min_value"]) >= float(m["max_value"]):
            probs.add(label, f"measure {mid}: min_value >= max_value")
    for r in data["observations"]:
        where = f"{label} observation {r['measure_id']}/{r['place_id']}/{r['period_start']}"
        m = measures.get(r["measure_id"])
        if m is None or r["place_id"] not in places:
            probs.add(where, "unknown measure or place")
            continue
        if date(r["period_end"]) < date(r["period_start"]):
            probs.add(where, "period_end before period_start")
        if r["provisional"] not in ("", "true", "false"):
            probs.add(where, "provisional must be true or false")
        figs = [r[c] for c in ("value", "numerator", "denominator", "sample_size", "std_dev")]
        if any(f in GSS for f in figs):
            continue
        unit = m["unit"]
        if unit in SCALE:
            if r["sample_size"] or r["std_dev"]:
                probs.add(where, "sample_size/std_dev on a percent row")
            if not (r["numerator"] and r["denominator"]):
                if not r["value"]:
                    probs.add(where, "needs numerator and denominator")
            else:
                num, den = float(r["numerator"]), float(r["denominator"])
                if den <= 0 or num < 0:
                    probs.add(where, "denominator must be positive, numerator >= 0")
                    continue
                if unit == "percent" and num > den:
                    probs.add(where, "numerator above denominator")
                derived = num / den * SCALE[unit]
                if r["value"] and abs(float(r["value"]) - derived) > 0.05:
                    probs.add(where, f"value {r['value']} disagrees with {derived:.3f}")
                v = derived
        elif unit == "count":
            if not WHOLE.fullmatch(r["value"]):
                probs.add(where, "a count needs a whole number value >= 0")
                continue
            v = float(r["value"])
        else:
            if not (r["value"] and r["sample_size"]):
                probs.add(where, "a score needs value and sample_size")
                continue
            v = float(r["value"])
        if unit not in SCALE or (r["numerator"] and r["denominator"]):
            if (m["min_value"] and v < float(m["min_value"])) or (m["max_value"] and v > float(m["max_value"])):
                probs.add(where, f"value {v} outside the measure's range")

    goals = {r["goal_id"]: r for r in data["goals"]}
    for gid, g in goals.items():
        where = f"{label} goal {gid}"
        pt = partnerships.get(g["partnership_id"])
        m = measures.get(g["measure_id"])
        if pt is None or m is None:
            probs.add(where, "unknown partnership or measure")
            continue
        if g["scope"] != g["partnership_id"] and g["scope"] not in pt["places"].split(";"):
            probs.add(where, f"scope {g['scope']} is not the partnership or one of its neighbourhoods")
        s = 1 if m["direction"] == "higher_is_better" else -1
        if s * (float(g["target_value"]) - float(g["baseline_value"])) <= 0:
            probs.add(where, "target is not an improvement on the baseline")
        if date(g["target_date"]) <= date(g["baseline_date"]):
            probs.add(where, "target_date not after baseline_date")
        if date(g["stated_on"]) < date(g["baseline_date"]):
            probs.add(where, "stated_on before baseline_date")
        if g["visibility"] not in VISIBILITIES:
            probs.add(where, "bad visibility")
        # The baseline is an observed figure: the scope's value for the period ending on baseline_date.
        series = scope_series(data, g)
        at = [p for p in series if p["end"] == date(g["baseline_date"])]
        if not at:
            probs.add(where, f"no observed figure for {g['scope']} ending {g['baseline_date']}")
        elif abs(at[0]["value"] - float(g["baseline_value"])) > 0.006:
            probs.add(where, f"baseline {g['baseline_value']} is not the observed {at[0]['value']:.3f}")

    for r in data["notes"]:
        where = f"{label} note {r['note_id']}"
        pt = partnerships.get(r["partnership_id"])
        if pt is None:
            probs.add(where, "unknown partnership")
            continue
        if r["place_id"] and r["place_id"] not in pt["places"].split(";"):
            probs.add(where, "place is not one of the partnership's neighbourhoods")
        if r["goal_id"] and goals.get(r["goal_id"], {}).get("partnership_id") != r["partnership_id"]:
            probs.add(where, "goal is not one of the partnership's goals")
        if r["domain"] not in DOMAINS or r["voice"] not in VOICES or r["consent"] not in CONSENTS:
            probs.add(where, "bad domain, voice or consent")
        approval = [r["approved_wording"], r["approved_by"], r["approved_on"]]
        if r["consent"] != "public" and any(approval):
            probs.add(where, "approval columns on a note without public consent")
        if any(approval) and not all(approval):
            probs.add(where, "approval columns only partly filled")
        if r["approved_on"] and date(r["approved_on"]) < date(r["recorded_on"]):
            probs.add(where, "approved before it was recorded")
    for r in data["actions"]:
        where = f"{label} action {r['action_id']}"
        if r["partnership_id"] not in partnerships:
            probs.add(where, "unknown partnership")
        if r["goal_id"] and goals.get(r["goal_id"], {}).get("partnership_id") != r["partnership_id"]:
            probs.add(where, "goal is not one of the partnership's goals")
        if r["status"] not in ACTION_STATUSES:
            probs.add(where, "bad status")
        if date(r["due_on"]) < date(r["agreed_on"]):
            probs.add(where, "due before agreed")


# ---------------------------------------------------------------------------
# Goal status (docs/methods.md)
# ---------------------------------------------------------------------------


def figure(row: dict, unit: str) -> dict | None:
    """One observation's figure and what its interval needs; None when unavailable."""
    cells = [row[c] for c in ("value", "numerator", "denominator", "sample_size", "std_dev")]
    if any(c in GSS for c in cells):
        return None
    if unit in SCALE:
        if row["numerator"] and row["denominator"]:
            num, den = float(row["numerator"]), float(row["denominator"])
            return dict(value=num / den * SCALE[unit], num=num, den=den)
        if row["value"]:
            return dict(value=float(row["value"]))
        return None
    if unit == "count":
        return dict(value=float(row["value"])) if row["value"] else None
    if not row["value"]:
        return None
    out = dict(value=float(row["value"]))
    if row["sample_size"]:
        out["n"] = float(row["sample_size"])
    if row["std_dev"]:
        out["sd"] = float(row["std_dev"])
    return out


def aggregate(figs: list[dict], unit: str) -> dict | None:
    """A partnership figure from its neighbourhoods' figures (docs/methods.md, "Figures for a whole partnership")."""
    if unit in SCALE:
        if any("num" not in f for f in figs):
            return None
        num, den = sum(f["num"] for f in figs), sum(f["den"] for f in figs)
        return dict(value=num / den * SCALE[unit], num=num, den=den)
    if unit == "count":
        return dict(value=sum(f["value"] for f in figs))
    if any("n" not in f for f in figs):
        return None
    n = sum(f["n"] for f in figs)
    mean = sum(f["n"] * f["value"] for f in figs) / n
    out = dict(value=mean, n=n)
    if all("sd" in f for f in figs):
        ss = sum((f["n"] - 1) * f["sd"] ** 2 for f in figs) + sum(f["n"] * (f["value"] - mean) ** 2 for f in figs)
        out["sd"] = math.sqrt(ss / (n - 1))
    return out


def scope_series(data: dict, goal: dict) -> list[dict]:
    """The goal's measure for its scope, one point per period with a figure, by period_end."""
    measure = next(m for m in data["measures"] if m["measure_id"] == goal["measure_id"])
    unit = measure["unit"]
    rows = [r for r in data["observations"] if r["measure_id"] == goal["measure_id"]]
    partnership = next(p for p in data["partnerships"] if p["partnership_id"] == goal["partnership_id"])
    if goal["scope"] == goal["partnership_id"]:
        hoods = partnership["places"].split(";")
        by_period: dict[tuple, dict] = {}
        for r in rows:
            if r["place_id"] in hoods:
                by_period.setdefault((r["period_start"], r["period_end"]), {})[r["place_id"]] = r
        points = []
        for (start, end), got in by_period.items():
            if len(got) < len(hoods):
                continue  # incomplete period: not used for status
            figs = [figure(got[h], unit) for h in hoods]
            if any(f is None for f in figs):
                continue  # a row without a usable figure makes the period not aggregable
            agg = aggregate(figs, unit)
            if agg is not None:
                points.append(dict(agg, start=date(start), end=date(end)))
    else:
        points = []
        for r in rows:
            if r["place_id"] == goal["scope"]:
                f = figure(r, unit)
                if f is not None:
                    points.append(dict(f, start=date(r["period_start"]), end=date(r["period_end"])))
    return sorted(points, key=lambda p: p["end"])


def interval(point: dict, unit: str) -> tuple[float, float] | None:
    """95% interval of one figure (docs/methods.md, "Confidence intervals")."""
    if unit in SCALE and "num" in point:
        x, n = point["num"], point["den"]
        root = Z * math.sqrt(Z * Z + 4 * x * (1 - x / n))
        lo = (2 * x + Z * Z - root) / (2 * (n + Z * Z))
        hi = (2 * x + Z * Z + root) / (2 * (n + Z * Z))
        return lo * SCALE[unit], hi * SCALE[unit]
    if unit == "count":
        x = point["value"]
        lo = 0.0 if x == 0 else x * (1 - 1 / (9 * x) - Z / (3 * math.sqrt(x))) ** 3
        hi = (x + 1) * (1 - 1 / (9 * (x + 1)) + Z / (3 * math.sqrt(x + 1))) ** 3
        return lo, hi
    if unit == "score" and "sd" in point and "n" in point:
        half = Z * point["sd"] / math.sqrt(point["n"])
        return point["value"] - half, point["value"] + half
    return None


def goal_status(data: dict, goal: dict) -> dict:
    """docs/methods.md, "How we decide a goal's status", step by step."""
    measure = next(m for m in data["measures"] if m["measure_id"] == goal["measure_id"])
    unit = measure["unit"]
    s = 1 if measure["direction"] == "higher_is_better" else -1
    b, t = float(goal["baseline_value"]), float(goal["target_value"])
    t0, t1 = date(goal["baseline_date"]), date(goal["target_date"])
    out = dict(goal_id=goal["goal_id"], scope=goal["scope"], measure=goal["measure_id"],
               visibility=goal["visibility"], B=b, T=t, t0=t0, t1=t1, V=None, t=None,
               ci=None, expected=None, f=None, R=None, status=None)
    after = [p for p in scope_series(data, goal) if p["end"] > t0]
    if not after:
        out["status"] = "awaiting_data"
        return out
    latest = after[-1]
    v, tt = latest["value"], latest["end"]
    f = (tt - t0).days / (t1 - t0).days
    ci = interval(latest, unit)
    out.update(V=v, t=tt, f=f, ci=ci, expected=b + (t - b) * min(f, 1.0))
    if s * (v - t) >= 0:
        out["status"] = "met"
    elif tt >= t1:
        out["status"] = "missed"
    else:
        r = s * (v - b) / (s * (t - b) * f)
        out["R"] = r
        if r >= 0.95:
            status = "on_track"
        elif r >= 0.6:
            status = "needs_acceleration"
        elif r >= 0:
            status = "limited_progress"
        else:
            status = "worsening"
        expected = b + (t - b) * f
        if ci is not None and ci[0] <= b <= ci[1] and ci[0] <= expected <= ci[1]:
            status = "too_uncertain"
        out["status"] = status
    return out


def status_table(data: dict) -> list[dict]:
    return [goal_status(data, g) for g in sorted(data["goals"], key=lambda g: g["goal_id"])]


def robustness_problems(rows: list[dict]) -> list[str]:
    """Statuses that sit on a knife edge (R within 0.05 of a threshold)."""
    out = []
    for r in rows:
        if r["R"] is not None and r["status"] != "too_uncertain":
            for edge in (0.95, 0.6, 0.0):
                if abs(r["R"] - edge) < 0.05:
                    out.append(f"goal {r['goal_id']}: R={r['R']:.3f} is within 0.05 of {edge}")
    return out


def robustness_problems_ci(rows: list[dict]) -> list[str]:
    """Statuses that hang on an interval edge or on a tie with the target."""
    out = []
    for r in rows:
        if r["V"] is None:
            continue
        s = 1 if r["T"] > r["B"] else -1
        if r["status"] == "met" and s * (r["V"] - r["T"]) <= 0:
            out.append(f"goal {r['goal_id']}: met only by a tie with the target")
        if r["status"] == "missed" and s * (r["T"] - r["V"]) < 0.1:
            out.append(f"goal {r['goal_id']}: missed by less than 0.1")
        if r["R"] is None or r["ci"] is None:
            continue
        lo, hi = r["ci"]
        margin = 0.05 * (hi - lo)
        expected = r["B"] + (r["T"] - r["B"]) * r["f"]
        inside = [lo + margin <= x <= hi - margin for x in (r["B"], expected)]
        outside = [x < lo - margin or x > hi + margin for x in (r["B"], expected)]
        if r["status"] == "too_uncertain" and not all(inside):
            out.append(f"goal {r['goal_id']}: baseline or expected value near the interval edge")
        if r["status"] != "too_uncertain" and not any(outside):
            out.append(f"goal {r['goal_id']}: neither baseline nor expected value clearly outside the interval")
    return out


# Demo-specific content the brief asks for, beyond the file rules.
TODAY = dt.date(2026, 11, 23)


def coverage_problems(data: dict) -> list[str]:
    out = []
    notes, actions, goals = data["notes"], data["actions"], data["goals"]
    obs = data["observations"]
    for col, values in (("voice", VOICES), ("consent", CONSENTS)):
        missing = set(values) - {n[col] for n in notes}
        if missing:
            out.append(f"notes: no {col} {sorted(missing)}")
    public = [n for n in notes if n["consent"] == "public"]
    if not any(n["approved_on"] for n in public) or all(n["approved_on"] for n in public):
        out.append("notes: want some public notes approved and some not yet approved")
    if not any(n["goal_id"] for n in notes) or not any(n["place_id"] for n in notes):
        out.append("notes: want some linked to goals and places")
    if missing := set(ACTION_STATUSES) - {a["status"] for a in actions}:
        out.append(f"actions: no status {sorted(missing)}")
    if not any(a["status"] == "open" and date(a["due_on"]) < TODAY for a in actions):
        out.append("actions: want an open action overdue on the demo date")
    if {g["visibility"] for g in goals} != set(VISIBILITIES):
        out.append("goals: want public and internal goals")
    for g in goals:
        if date(g["stated_on"]) > TODAY:
            out.append(f"goal {g['goal_id']}: stated after the demo date")
    for n in notes:
        if date(n["recorded_on"]) > TODAY or (n["approved_on"] and date(n["approved_on"]) > TODAY):
            out.append(f"note {n['note_id']}: dated after the demo date")
    percent = {m["measure_id"] for m in data["measures"] if m["unit"] == "percent"}
    for r in obs:
        if r["measure_id"] in percent and r["numerator"] not in GSS:
            if not (WHOLE.fullmatch(r["numerator"]) and WHOLE.fullmatch(r["denominator"])):
                out.append(f"observation {r['measure_id']}/{r['place_id']}/{r['period_start']}: want whole numerator and denominator")
    if not any(r["value"] == "c" for r in obs):
        out.append("observations: want a suppressed (c) figure")
    if not any(r["measure_id"] in percent and not r["value"] for r in obs):
        out.append("observations: want some percent rows with the derived value left empty")
    latest = max(r["period_end"] for r in obs)
    if any((r["period_end"] == latest) != (r["provisional"] == "true") for r in obs):
        out.append("observations: want exactly the latest month marked provisional")
    return out


def format_table(rows: list[dict]) -> str:
    def num(x, dp=2):
        return "-" if x is None else f"{x:.{dp}f}"

    lines = [f"{'goal_id':34} {'scope':22} {'status':19} {'V':>7} {'95% CI':>15} {'B':>7} "
             f"{'T':>7} {'t':>10} {'f':>5} {'expected':>8} {'R':>6}"]
    for r in rows:
        ci = "-" if r["ci"] is None else f"{r['ci'][0]:.2f}-{r['ci'][1]:.2f}"
        lines.append(
            f"{r['goal_id']:34} {r['scope']:22} {r['status']:19} {num(r['V']):>7} {ci:>15} "
            f"{num(r['B']):>7} {num(r['T']):>7} {str(r['t'] or '-'):>10} {num(r['f']):>5} "
            f"{num(r['expected']):>8} {num(r['R']):>6}")
    return "\n".join(lines)


def main(folder: Path = HERE, quiet: bool = False) -> int:
    probs = Problems()
    for kind in COLUMNS:
        path = folder / f"{kind}.csv"
        if not path.exists():
            probs.add(str(path), "missing")
            continue
        header, rows = read_kind(path)
        check_cells(kind, header, rows, probs, path.name)
    rev_folder = folder / "revisions"
    for path in sorted(rev_folder.glob("*.csv")):
        header, rows = read_kind(path)
        check_cells(path.stem, header, rows, probs, f"revisions/{path.name}")
    reason = rev_folder / "REASON.txt"
    if not reason.exists() or len(reason.read_text(encoding="utf-8").strip().splitlines()) != 1:
        probs.add("revisions/REASON.txt", "must hold one line")
    if probs:
        print("\n".join(probs))
        return 1
    before = load(folder)
    after = apply_revisions(before, load(rev_folder))
    validate(before, probs, "before revisions")
    validate(after, probs, "after revisions")
    for label, data in (("before revisions", before), ("after revisions", after)):
        rows = status_table(data)
        if not quiet:
            print(f"\nGoal statuses {label} (docs/methods.md, how we decide a goal's status):")
            print(format_table(rows))
        missing = [s for s in STATUSES if s not in {r["status"] for r in rows}]
        if missing:
            probs.add(label, f"no goal has status {', '.join(missing)}")
        for p in robustness_problems(rows) + robustness_problems_ci(rows) + coverage_problems(data):
            probs.add(label, p)
    changed_goals = {r["goal_id"] for r in load(rev_folder).get("goals", [])}
    if len(changed_goals) != 1:
        probs.add("revisions/goals.csv", "should change exactly one goal")
    if probs:
        print("\nProblems:\n" + "\n".join(probs))
        return 1
    if not quiet:
        print("\nAll files follow docs/data-contract.md; every status code is present before and after the revisions.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
