"""The scale benchmark (issue 8): a synthetic national data set, imported
into a temporary database, and the time each way of reading a partnership's
figures takes.

`generate` writes import files (docs/data-contract.md) for England at a chosen
scale: the nation, 9 regions, local areas, neighbourhoods (MSOA-sized), 8
measures of every unit, partnerships of 3 to 10 neighbourhoods within one
local area, goals on them, and a monthly figure for every place and measure.
It is seeded, so the same scale gives the same bytes.

`run_bench` imports the files with the steward's own import path and times,
in one run, medians of several repeats:

- `app_ms`: what the partnership page asks `metrics/` for, caches cold
  (app_pages/internal/partnership.py through app_pages/common/ui.py);
- `bare_duckdb_ms`: one hand-written DuckDB query giving the same figures;
- `pandas_ms`: the naive way: the observations table into pandas, filtered
  and aggregated there;
- `status_all_ms`: every goal's status (`goal_results` for all goals);
- `import_rows_per_s`: the observations files through `import_paths` (one import).

The app and the bare query take turns at running first after the pandas
path, which leaves the machine's caches cold, so neither is favoured.

The three partnership paths must return the same figures (within 1e-9), or
the bench fails: a fast wrong path cannot win. Browser timings are measured
by the browser harness and reported under the `browser_*` keys (see the
`browser` argument of `run_bench`).
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import math
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

# --- scales -------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """How big the synthetic data set is. Observations are about
    (neighbourhoods + local areas + regions + 1) x 8 measures x months,
    less school holidays and missing returns."""

    name: str
    neighbourhoods: int
    local_areas: int
    months: int
    partnerships: int
    goals: int
    seed: int = 8


SCALES: dict[str, Scale] = {
    # England has about 6,800 MSOAs in about 150 upper-tier local authorities.
    "full": Scale("full", neighbourhoods=7000, local_areas=150, months=60, partnerships=430, goals=2000),
    "quick": Scale("quick", neighbourhoods=700, local_areas=15, months=60, partnerships=43, goals=200),
    "tiny": Scale("tiny", neighbourhoods=40, local_areas=4, months=24, partnerships=5, goals=20),
}

FIRST_MONTH = dt.date(2021, 1, 1)
REGIONS = (
    ("north-east", "North East", "E12000001"),
    ("north-west", "North West", "E12000002"),
    ("yorkshire-and-the-humber", "Yorkshire and The Humber", "E12000003"),
    ("east-midlands", "East Midlands", "E12000004"),
    ("west-midlands", "West Midlands", "E12000005"),
    ("east-of-england", "East of England", "E12000006"),
    ("london", "London", "E12000007"),
    ("south-east", "South East", "E12000008"),
    ("south-west", "South West", "E12000009"),
)
_NAME_STARTS = ("Ash", "Brook", "Carr", "Dun", "Elm", "Fair", "Glen", "Hart", "Ivy", "Kings",
                "Lark", "Mill", "North", "Oak", "Pen", "Red", "Stan", "Thorn", "Wey", "Wold")
_NAME_ENDS = ("ford", "field", "ley", "ton", "bury", "wick", "ham", "moor")
# School days in each calendar month (two sessions a day); none in August,
# so school measures have no August figures, as in DfE's data.
SCHOOL_DAYS = np.array([19, 19, 21, 15, 19, 20, 15, 0, 20, 21, 19, 14])
SOURCE = "Synthetic benchmark data (tools.bench.bench)"


@dataclass(frozen=True)
class MeasureSpec:
    measure_id: str
    name: str
    domain: str
    unit: str
    direction: str
    min_value: float | None
    max_value: float | None
    definition: str
    missing: float  # share of neighbourhood returns that never arrive
    school: bool  # no figures in August


MEASURES: tuple[MeasureSpec, ...] = (
    MeasureSpec("attendance", "Attendance rate", "attendance", "percent", "higher_is_better", 0, 100,
                "Sessions attended as a percentage of possible sessions in the month.", 0.01, True),
    MeasureSpec("persistent-absence", "Persistent absence", "attendance", "percent", "lower_is_better", 0, 100,
                "Pupils who missed 10% or more of possible sessions so far this year, as a percentage of pupils on roll.", 0.01, True),
    MeasureSpec("feel-safe", "Young people who feel safe", "safety", "percent", "higher_is_better", 0, 100,
                "Pupils answering 'always' or 'most of the time' to 'I feel safe in my area', as a percentage of those who answered.", 0.04, False),
    MeasureSpec("suspensions", "Suspensions per 1,000 pupils", "participation", "rate_per_1000", "lower_is_better", 0, None,
                "Suspensions in the month per 1,000 pupils on roll.", 0.01, True),
    MeasureSpec("camhs-referrals", "CAMHS referrals per 1,000 children", "health", "rate_per_1000", "lower_is_better", 0, None,
                "Referrals to children's mental health services in the month per 1,000 children aged 0 to 17.", 0.01, False),
    MeasureSpec("youth-violence", "Youth violence incidents", "safety", "count", "lower_is_better", 0, None,
                "Police-recorded violence where the victim or suspect was aged 10 to 24.", 0.01, False),
    MeasureSpec("asb-incidents", "Anti-social behaviour incidents", "safety", "count", "lower_is_better", 0, None,
                "Police-recorded anti-social behaviour incidents in the month.", 0.01, False),
    MeasureSpec("wellbeing", "Mental wellbeing (SWEMWBS)", "wellbeing", "score", "higher_is_better", 7, 35,
                "Mean Short Warwick-Edinburgh Mental Wellbeing Scale score of pupils in Years 7 to 11.", 0.04, False),
)
MEASURE_BY_ID = {m.measure_id: m for m in MEASURES}
FIGURE_COLUMNS = ("value", "numerator", "denominator", "sample_size", "std_dev")
# Suppressed cells (GSS "c") per observation row, capped: every such row takes
# the importer's careful per-row check.
SUPPRESSED_SHARE = 0.0003
SUPPRESSED_CAP = 1000
OBSERVATIONS_PER_FILE = 500_000  # about 50 MB of CSV: half the import's limit for one file


@dataclass(frozen=True)
class Generated:
    """What `generate` wrote: the files by kind and the facts the bench needs."""

    files: dict[str, Path]  # "observations": the first (or only) observations file
    scale: Scale
    observations: int
    places: int
    partnerships: int
    goals: int
    partnership_id: str  # the partnership whose page is timed: the largest, with both kinds of goal
    observation_files: tuple[Path, ...] = ()  # every observations file, imported together


# --- the synthetic data set ---------------------------------------------------


def _month_ends(months: int) -> tuple[list[str], list[str], np.ndarray]:
    starts, ends, cal = [], [], []
    y, m = FIRST_MONTH.year, FIRST_MONTH.month
    for _ in range(months):
        start = dt.date(y, m, 1)
        ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
        end = dt.date(ny, nm, 1) - dt.timedelta(days=1)
        starts.append(start.isoformat())
        ends.append(end.isoformat())
        cal.append(m - 1)
        y, m = ny, nm
    return starts, ends, np.array(cal)


def _split_sizes(rng: np.random.Generator, total: int, parts: int, least: int) -> np.ndarray:
    """`parts` whole sizes of at least `least` summing to `total`, lognormally uneven."""
    if total < parts * least:
        raise ValueError(f"{total} cannot be split into {parts} parts of at least {least}")
    w = rng.lognormal(0.0, 0.6, parts)
    raw = w / w.sum() * (total - parts * least)
    sizes = np.floor(raw).astype(np.int64)
    short = int(total - parts * least - sizes.sum())
    sizes[np.argsort(raw - sizes)[::-1][:short]] += 1
    return sizes + least


def _figures(spec: MeasureSpec, rng: np.random.Generator, hood: dict[str, np.ndarray], cal: np.ndarray) -> dict[str, np.ndarray]:
    """Each neighbourhood's figures for every month: arrays (places x months),
    NaN where the unit has no such column. Ranges follow published English data."""
    n, months = hood["pupils"].shape[0], cal.shape[0]
    dep = hood["deprivation"][:, None]
    pupils = hood["pupils"][:, None]
    trend = (np.arange(months) / max(months - 1, 1))[None, :]
    days = SCHOOL_DAYS[cal][None, :]
    winter = np.isin(cal, (0, 1, 11))[None, :]
    noise = rng.normal(0.0, 1.0, (n, months))
    out: dict[str, np.ndarray] = {}
    if spec.measure_id == "attendance":
        possible = np.broadcast_to(pupils * 2 * days, (n, months))
        p = np.clip(0.935 - 0.012 * dep + 0.006 * trend - 0.01 * winter + 0.006 * noise, 0.75, 0.995)
        out["numerator"] = rng.binomial(possible, p)
        out["denominator"] = possible
    elif spec.measure_id == "persistent-absence":
        autumn = np.isin(cal, (8, 9, 10))[None, :]
        roll = np.broadcast_to(pupils, (n, months))
        p = np.clip(0.20 + 0.045 * dep - 0.03 * trend + 0.04 * autumn + 0.012 * noise, 0.02, 0.7)
        out["numerator"] = rng.binomial(roll, p)
        out["denominator"] = roll
    elif spec.measure_id == "feel-safe":
        asked = rng.poisson(np.broadcast_to(0.08 * pupils, (n, months))) + 12
        p = np.clip(0.74 - 0.05 * dep + 0.03 * trend + 0.02 * noise, 0.2, 0.98)
        out["numerator"] = rng.binomial(asked, p)
        out["denominator"] = asked
    elif spec.measure_id == "suspensions":
        roll = np.broadcast_to(pupils, (n, months))
        out["numerator"] = rng.poisson(roll * 0.0055 * np.exp(0.35 * dep - 0.2 * trend) * days / 19)
        out["denominator"] = roll
    elif spec.measure_id == "camhs-referrals":
        children = np.broadcast_to(np.round(pupils * 1.45), (n, months)).astype(np.int64)
        out["numerator"] = rng.poisson(children * 0.0018 * np.exp(0.2 * dep + 0.25 * trend))
        out["denominator"] = children
    elif spec.measure_id == "youth-violence":
        out["value"] = rng.poisson(2.5 * np.exp(0.45 * dep) * pupils / 1100 * (1 + 0.15 * np.isin(cal, (5, 6, 7))[None, :]))
    elif spec.measure_id == "asb-incidents":
        out["value"] = rng.poisson(11.0 * np.exp(0.3 * dep) * pupils / 1100 * (1 - 0.1 * trend))
    elif spec.measure_id == "wellbeing":
        asked = rng.poisson(np.broadcast_to(0.06 * pupils, (n, months))) + 8
        mean = 23.6 - 0.5 * dep + 0.4 * trend + 2.2 / np.sqrt(asked) * noise
        out["value"] = np.round(np.clip(mean, 8, 34), 2)
        out["sample_size"] = asked
        out["std_dev"] = np.round(np.clip(4.6 + 0.3 * rng.normal(0.0, 1.0, (n, months)), 2.5, 7.0), 2)
    else:  # pragma: no cover - every measure above has a generator
        raise ValueError(spec.measure_id)
    return {k: np.asarray(v) for k, v in out.items()}


def _grouped(spec: MeasureSpec, figs: dict[str, np.ndarray], starts: np.ndarray) -> dict[str, np.ndarray]:
    """Figures of groups of consecutive rows (local areas, regions, the nation)
    by the unit's rule: sums, or a sample-weighted mean with the pooled sd."""
    if spec.unit == "score":
        n = figs["sample_size"].astype(np.float64)
        x, s = figs["value"], figs["std_dev"]
        total = np.add.reduceat(n, starts, axis=0)
        mean = np.add.reduceat(n * x, starts, axis=0) / total
        within = np.add.reduceat((n - 1) * s * s, starts, axis=0)
        rows = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, n.shape[0])))
        between = np.add.reduceat(n * (x - mean[rows]) ** 2, starts, axis=0)
        sd = np.sqrt((within + between) / (total - 1))
        return {"value": np.round(mean, 2), "sample_size": total.astype(np.int64), "std_dev": np.round(sd, 2)}
    return {k: np.add.reduceat(v, starts, axis=0) for k, v in figs.items()}


def _cells(values: np.ndarray, keep: np.ndarray) -> pa.Array:
    """The kept cells of one figure column as CSV text."""
    return pa.array(values[keep]).cast(pa.string())


def generate(folder: str | os.PathLike[str], scale: Scale | str = "quick") -> Generated:
    """Write places.csv, measures.csv, partnerships.csv, goals.csv and
    observations.csv for a synthetic England at `scale` into `folder`."""
    scale = SCALES[scale] if isinstance(scale, str) else scale
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(scale.seed)
    n_hoods, n_areas, months = scale.neighbourhoods, scale.local_areas, scale.months
    if n_areas > len(_NAME_STARTS) * len(_NAME_ENDS):
        raise ValueError(f"at most {len(_NAME_STARTS) * len(_NAME_ENDS)} local areas")

    # Places: neighbourhoods are numbered consecutively within their local
    # area, as MSOA codes are, and local areas consecutively within regions.
    hood_sizes = _split_sizes(rng, n_hoods, n_areas, 3)
    hood_starts = np.concatenate([[0], np.cumsum(hood_sizes)[:-1]])
    area_of_hood = np.repeat(np.arange(n_areas), hood_sizes)
    area_region = np.repeat(np.arange(len(REGIONS)), [len(a) for a in np.array_split(np.arange(n_areas), len(REGIONS))])
    name_order = rng.permutation(len(_NAME_STARTS) * len(_NAME_ENDS))[:n_areas]
    area_names = [_NAME_STARTS[i // len(_NAME_ENDS)] + _NAME_ENDS[i % len(_NAME_ENDS)] for i in name_order]
    area_ids = [f"la-{i + 1:03d}" for i in range(n_areas)]
    hood_ids = [f"nbh-{i + 1:05d}" for i in range(n_hoods)]
    hood_names = []
    for a in range(n_areas):
        hood_names += [f"{area_names[a]} {k + 1:03d}" for k in range(int(hood_sizes[a]))]
    place_rows = [["england", "England", "nation", "", "E92000001"]]
    place_rows += [[rid, rname, "region", "england", code] for rid, rname, code in REGIONS]
    place_rows += [[area_ids[a], area_names[a], "local_area", REGIONS[area_region[a]][0], f"E10{a + 1:06d}"] for a in range(n_areas)]
    place_rows += [[hood_ids[h], hood_names[h], "neighbourhood", area_ids[area_of_hood[h]], f"E02{h + 1:06d}"] for h in range(n_hoods)]
    _write_rows(folder / "places.csv", ["place_id", "name", "level", "parent_id", "code"], place_rows)

    _write_rows(
        folder / "measures.csv",
        ["measure_id", "name", "domain", "unit", "direction", "min_value", "max_value", "suppress_below", "definition", "source"],
        [[m.measure_id, m.name, m.domain, m.unit, m.direction, _num(m.min_value), _num(m.max_value), "10", m.definition, SOURCE] for m in MEASURES],
    )

    # Partnerships: runs of 3 to 10 consecutive neighbourhoods of one local area.
    blocks: list[tuple[int, int, int]] = []  # (area, first neighbourhood, size)
    for a in range(n_areas):
        h, end = int(hood_starts[a]), int(hood_starts[a] + hood_sizes[a])
        while end - h >= 3:
            size = int(min(rng.integers(3, 11), end - h))
            blocks.append((a, h, size))
            h += size
    if len(blocks) < scale.partnerships:
        raise ValueError(f"only {len(blocks)} partnerships fit in {n_hoods} neighbourhoods")
    chosen = sorted(rng.choice(len(blocks), scale.partnerships, replace=False))
    # The timed partnership is the largest: make sure one has ten neighbourhoods.
    big = [i for i in chosen if blocks[i][2] == 10] or [max(chosen, key=lambda i: blocks[i][2])]
    parts = []
    for k, i in enumerate(chosen):
        a, h, size = blocks[i]
        parts.append({
            "partnership_id": f"pb-{k + 1:04d}",
            "name": f"{area_names[a]} Partnership {k + 1}",
            "area": a,
            "hoods": list(range(h, h + size)),
        })
    featured = next(p for p, i in zip(parts, chosen) if i == big[0])
    _write_rows(
        folder / "partnerships.csv",
        ["partnership_id", "name", "places", "review_every_weeks", "members", "description"],
        [[p["partnership_id"], p["name"], ";".join(hood_ids[h] for h in p["hoods"]), "8",
          f"{area_names[p['area']]} Council;{area_names[p['area']]} Learning Trust;Integrated Care Board;Police",
          f"A synthetic partnership of {len(p['hoods'])} neighbourhoods in {area_names[p['area']]}."] for p in parts],
    )

    # Observations, measure by measure: neighbourhood rows (some returns
    # missing, a few suppressed), then local areas, regions and the nation
    # built from every neighbourhood, as published figures are.
    starts_txt, ends_txt, cal = _month_ends(months)
    hood = {
        "pupils": np.clip(rng.lognormal(math.log(1100), 0.35, n_hoods), 250, 5000).astype(np.int64),
        "deprivation": 0.6 * rng.normal(0.0, 1.0, n_areas)[area_of_hood] + 0.8 * rng.normal(0.0, 1.0, n_hoods),
    }
    area_starts = hood_starts
    region_first_area = np.concatenate([[0], np.cumsum(np.bincount(area_region, minlength=len(REGIONS)))[:-1]])
    live_regions = [r for r in range(len(REGIONS)) if np.any(area_region == r)]
    region_starts = hood_starts[region_first_area[live_regions]]
    bench_ids = np.array(area_ids + [REGIONS[r][0] for r in live_regions] + ["england"])
    all_ids = np.array(hood_ids + list(bench_ids))
    provisional = np.zeros(months, dtype=bool)
    provisional[-2:] = True
    tables: list[pa.Table] = []
    stored: dict[str, dict[str, np.ndarray]] = {}
    masks: dict[str, np.ndarray] = {}
    for spec in MEASURES:
        figs = _figures(spec, rng, hood, cal)
        grouped = [_grouped(spec, figs, area_starts), _grouped(spec, figs, region_starts), _grouped(spec, figs, np.array([0]))]
        allfigs = {k: np.concatenate([figs[k]] + [g[k] for g in grouped]) for k in figs}
        has_month = np.broadcast_to(SCHOOL_DAYS[cal] > 0 if spec.school else np.ones(months, dtype=bool), (len(all_ids), months))
        returned = np.ones((len(all_ids), months), dtype=bool)
        returned[:n_hoods] = rng.random((n_hoods, months)) >= spec.missing
        keep = has_month & returned
        stored[spec.measure_id], masks[spec.measure_id] = figs, keep[:n_hoods]
        place_idx, month_idx = np.nonzero(keep)
        count = len(place_idx)
        cols: dict[str, pa.Array] = {
            "measure_id": pa.array(np.full(count, spec.measure_id)),
            "place_id": pa.array(all_ids[place_idx]),
            "period_start": pc.take(pa.array(starts_txt), pa.array(month_idx)),
            "period_end": pc.take(pa.array(ends_txt), pa.array(month_idx)),
        }
        for c in FIGURE_COLUMNS:
            cols[c] = _cells(allfigs[c], keep) if c in allfigs else pa.nulls(count, pa.string())
        cols["source"] = pa.array(np.full(count, SOURCE))
        cols["provisional"] = pa.array(np.where(provisional[month_idx], "true", "false"))
        tables.append(pa.table(cols))
    obs = pa.concat_tables(tables)
    obs = _suppress(rng, obs)
    # One file holds at most OBSERVATIONS_PER_FILE rows, within the import's
    # size limit (metrics/contract/limits.py); a steward splits a national file the same way.
    parts_n = max(1, math.ceil(obs.num_rows / OBSERVATIONS_PER_FILE))
    obs_files = [folder / "observations.csv"] if parts_n == 1 else [folder / f"observations_{i + 1:02d}.csv" for i in range(parts_n)]
    for i, path in enumerate(obs_files):
        part = obs.slice(i * OBSERVATIONS_PER_FILE, OBSERVATIONS_PER_FILE)
        pacsv.write_csv(part, path, pacsv.WriteOptions(quoting_style="none"))

    goal_rows = _goals(rng, scale, parts, featured, stored, masks, hood_ids, hood_names, ends_txt, cal)
    _write_rows(
        folder / "goals.csv",
        ["goal_id", "partnership_id", "measure_id", "scope", "statement", "baseline_value", "baseline_date",
         "target_value", "target_date", "stated_on", "visibility", "owner"],
        goal_rows,
    )
    files = {k: folder / f"{k}.csv" for k in ("places", "measures", "partnerships", "goals")} | {"observations": obs_files[0]}
    return Generated(files, scale, obs.num_rows, len(place_rows), len(parts), len(goal_rows), featured["partnership_id"], tuple(obs_files))


def _suppress(rng: np.random.Generator, obs: pa.Table) -> pa.Table:
    """Replace the figures of a few survey rows by the GSS symbol c (suppressed)."""
    survey = np.nonzero(pc.is_in(obs["measure_id"], pa.array(["feel-safe", "wellbeing"])).to_numpy(zero_copy_only=False)
                        & pc.starts_with(obs["place_id"], "nbh-").to_numpy(zero_copy_only=False))[0]
    n = min(SUPPRESSED_CAP, int(obs.num_rows * SUPPRESSED_SHARE), len(survey))
    if n == 0:
        return obs
    hit = np.zeros(obs.num_rows, dtype=bool)
    hit[rng.choice(survey, n, replace=False)] = True
    mask = pa.array(hit)
    for c in FIGURE_COLUMNS:
        col = obs[c]
        replaced = pc.if_else(pc.and_(mask, pc.is_valid(col)), pa.scalar("c"), col)
        obs = obs.set_column(obs.schema.get_field_index(c), c, replaced)
    return obs


def _scope_figure(spec: MeasureSpec, figs: dict[str, np.ndarray], keep: np.ndarray, hoods: list[int], t: int) -> float | None:
    """The figure of some neighbourhoods in month t from the rows that were returned."""
    rows = [h for h in hoods if keep[h, t]]
    if not rows:
        return None
    if spec.unit in ("percent", "rate_per_1000"):
        d = figs["denominator"][rows, t].sum()
        return float(figs["numerator"][rows, t].sum() / d * (100 if spec.unit == "percent" else 1000)) if d else None
    if spec.unit == "count":
        return float(figs["value"][rows, t].sum() / len(rows) * len(hoods))
    n = figs["sample_size"][rows, t]
    return float((n * figs["value"][rows, t]).sum() / n.sum())


def _target(spec: MeasureSpec, rng: np.random.Generator, baseline: float) -> tuple[float, float]:
    """A baseline and a target that improves on it, within the measure's range."""
    better = 1 if spec.direction == "higher_is_better" else -1
    if spec.unit == "count":
        b = float(max(round(baseline), 2))
        return b, float(max(min(math.floor(b * (1 - rng.uniform(0.15, 0.4))), b - 1), 0))
    if spec.unit == "percent":
        b = round(min(max(baseline, 1.0), 99.0), 2)
        step = rng.uniform(1.0, 5.0)
        t = min(b + step, 99.9) if better > 0 else max(b - step, 0.1)
        return b, round(t, 2)
    if spec.unit == "rate_per_1000":
        b = round(max(baseline, 0.5), 2)
        return b, round(b * (1 - rng.uniform(0.1, 0.3)), 2)
    b = round(min(max(baseline, 8.0), 33.0), 2)
    return b, round(b + rng.uniform(0.5, 1.8), 2)


def _goals(rng, scale, parts, featured, stored, masks, hood_ids, hood_names, ends_txt, cal) -> list[list[str]]:
    """Goals spread over the partnerships (the timed one gets a full set):
    about 60% partnership-wide, 40% for one neighbourhood, 70% public."""
    counts = np.ones(len(parts), dtype=np.int64)
    fidx = parts.index(featured)
    counts[fidx] = min(8, scale.goals - (len(parts) - 1))
    rest = scale.goals - int(counts.sum())
    if rest < 0:
        raise ValueError(f"{scale.goals} goals are too few for {len(parts)} partnerships")
    others = [i for i in range(len(parts)) if i != fidx]
    counts[others] += rng.multinomial(rest, np.full(len(others), 1 / len(others))) if others else 0
    months = len(ends_txt)
    lo, hi = months // 5, max(months // 2, months // 5 + 1)
    rows = []
    for p, n in zip(parts, counts):
        pid = p["partnership_id"]
        scopes = [pid] + list(p["hoods"])
        taken: set[tuple[str, str]] = set()
        for k in range(int(n)):
            wide = k == 0 or (k > 1 and rng.random() < 0.6)
            for _ in range(50):
                scope = pid if wide else scopes[1 + int(rng.integers(len(p["hoods"])))]
                spec = MEASURES[int(rng.integers(len(MEASURES)))]
                if (scope, spec.measure_id) not in taken:
                    break
            taken.add((scope, spec.measure_id))
            hoods = list(p["hoods"]) if scope == pid else [p["hoods"][scopes.index(scope) - 1]]
            t = int(rng.integers(lo, hi))
            while spec.school and cal[t] == 7:
                t += 1
            base = _scope_figure(spec, stored[spec.measure_id], masks[spec.measure_id], hoods, t)
            b, target = _target(spec, rng, base if base is not None else (spec.min_value or 0) + 10)
            baseline_date = dt.date.fromisoformat(ends_txt[t])
            target_date = dt.date(baseline_date.year + int(rng.integers(2, 4)), 7, 31)
            stated_on = baseline_date + dt.timedelta(days=int(rng.integers(20, 75)))
            where = p["name"] if scope == pid else hood_names[hoods[0]]
            rows.append([
                f"{pid}-g{k + 1:02d}", pid, spec.measure_id, scope if scope == pid else hood_ids[hoods[0]],
                f"{spec.name} in {where} moves from {b:g} ({baseline_date:%B %Y}) to {target:g} by {target_date:%B %Y}.",
                f"{b:g}", baseline_date.isoformat(), f"{target:g}", target_date.isoformat(), stated_on.isoformat(),
                "public" if rng.random() < 0.7 else "internal", f"{p['name'].split(' Partnership')[0]} Council",
            ])
    return rows


def _num(v: float | None) -> str:
    return "" if v is None else f"{v:g}"


def _write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


# --- the three ways of reading a partnership's figures --------------------------


class BenchMismatch(AssertionError):
    """Two paths of the bench returned different figures."""


def app_partnership_page(con: duckdb.DuckDBPyConnection, partnership_id: str, steps: dict[str, list[float]] | None = None) -> dict[str, Any]:
    """What app_pages/internal/partnership.py asks `metrics/` for, in its order,
    with every `st.cache_data` cold (app_pages/common/ui.py passes these calls
    through). `steps` collects each call's milliseconds, to show where the time goes."""
    from metrics.read import pages, views

    def step(name: str, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        out = fn()
        if steps is not None:
            steps.setdefault(name, []).append((time.perf_counter() - start) * 1000.0)
        return out

    parts = step("views.partnerships", lambda: views.partnerships(con))  # the page's chooser
    p = next(x for x in parts if x.partnership_id == partnership_id)
    page = step("pages.partnership_page", lambda: pages.partnership_page(con, p))
    return {"partnership": page.partnership, "places": page.places, "measures": page.measures, "results": page.results,
            "series": page.grid, "benchmark_lines": page.benchmark_lines, "england": page.england}


def bare_duckdb(con: duckdb.DuckDBPyConnection, partnership_id: str) -> list[tuple]:
    """One hand-written query for the same figures: the partnership-wide
    series of its partnership-wide goals' measures (ratio of sums, sum or
    weighted mean, only when every neighbourhood reported), every measure of
    each neighbourhood, and the nation's and local area's series of its goals'
    measures. Rows: kind, place_id, measure_id, period_start, period_end,
    value, places_with_data."""
    return con.execute(BARE_SQL, [partnership_id]).fetchall()


BARE_SQL = """
        WITH pp AS (
            SELECT unnest(places) AS place_id, len(places) AS total FROM partnerships
            WHERE superseded_at IS NULL AND partnership_id = $1
        ), gm AS (
            SELECT DISTINCT measure_id, scope = partnership_id AS wide FROM goals
            WHERE superseded_at IS NULL AND partnership_id = $1
        ), gs AS (
            SELECT DISTINCT scope AS place_id, measure_id FROM goals
            WHERE superseded_at IS NULL AND partnership_id = $1 AND scope <> partnership_id
        ), m AS (
            SELECT measure_id, unit FROM measures WHERE superseded_at IS NULL
        ), ob AS (
            SELECT o.place_id, o.measure_id, o.period_start, o.period_end, o.value, o.numerator, o.denominator,
                   o.sample_size, o.figure, pp.total
            FROM observations o JOIN pp USING (place_id)
            WHERE o.superseded_at IS NULL
        ), benchmark AS (
            SELECT place_id FROM (SELECT place_id FROM places WHERE superseded_at IS NULL AND level = 'nation' ORDER BY place_id LIMIT 1)
            UNION
            SELECT any_value(h.parent_id) FROM places h JOIN places a ON a.place_id = h.parent_id
            WHERE h.superseded_at IS NULL AND a.superseded_at IS NULL AND a.level = 'local_area'
              AND h.place_id IN (SELECT place_id FROM pp)
            HAVING count(DISTINCT h.parent_id) = 1 AND count(*) = (SELECT count(*) FROM pp)
        )
        SELECT 'partnership' AS kind, $1 AS place_id, measure_id, period_start, period_end,
            CASE WHEN count(*) = any_value(total) THEN
                CASE any_value(m.unit)
                    WHEN 'percent' THEN sum(numerator) / sum(denominator) * 100
                    WHEN 'rate_per_1000' THEN sum(numerator) / sum(denominator) * 1000
                    WHEN 'count' THEN sum(value)
                    ELSE sum(sample_size * value) / sum(sample_size) END
            END AS value,
            count(*) AS places_with_data
        FROM ob JOIN m USING (measure_id)
        WHERE figure IS NOT NULL AND measure_id IN (SELECT measure_id FROM gm WHERE wide)
        GROUP BY measure_id, period_start, period_end
        UNION ALL
        SELECT 'place', place_id, measure_id, period_start, period_end, figure, (figure IS NOT NULL)::BIGINT FROM (
            SELECT *, max(CASE WHEN figure IS NOT NULL THEN {'e': period_end, 's': period_start} END) OVER (PARTITION BY measure_id) AS latest
            FROM ob
        ) x
        WHERE latest IS NULL OR {'e': period_end, 's': period_start} = latest
           OR EXISTS (SELECT 1 FROM gs WHERE gs.place_id = x.place_id AND gs.measure_id = x.measure_id)
        UNION ALL
        SELECT 'benchmark', place_id, measure_id, period_start, period_end, figure, (figure IS NOT NULL)::BIGINT
        FROM observations
        WHERE superseded_at IS NULL AND place_id IN (SELECT place_id FROM benchmark)
          AND measure_id IN (SELECT measure_id FROM gm)
"""


def pandas_naive(con: duckdb.DuckDBPyConnection, partnership_id: str) -> dict[str, Any]:
    """The naive way: whole tables into pandas, then filter and aggregate there."""
    import pandas as pd

    obs = con.execute("SELECT * FROM observations").df()
    obs = obs[obs["superseded_at"].isna()]
    parts = con.execute("SELECT * FROM partnerships").df()
    parts = parts[parts["superseded_at"].isna()]
    goals = con.execute("SELECT * FROM goals").df()
    goals = goals[goals["superseded_at"].isna() & (goals["partnership_id"] == partnership_id)]
    ms = con.execute("SELECT * FROM measures").df()
    ms = ms[ms["superseded_at"].isna()]
    places = con.execute("SELECT * FROM places").df()
    places = places[places["superseded_at"].isna()]

    hoods = list(parts.loc[parts["partnership_id"] == partnership_id, "places"].iloc[0])
    mine = obs[obs["place_id"].isin(hoods)]
    # The page's grid: each measure's latest period with a figure (all rows of a
    # measure with none), and every period of a neighbourhood goal's series.
    valued = mine[mine["figure"].notna()]
    latest = valued.sort_values(["period_end", "period_start"]).groupby("measure_id")[["period_start", "period_end"]].last()
    keyed = mine.merge(latest, left_on="measure_id", right_index=True, how="left", suffixes=("", "_latest"))
    in_goal = pd.MultiIndex.from_frame(keyed[["place_id", "measure_id"]]).isin(
        pd.MultiIndex.from_frame(goals.loc[goals["scope"] != goals["partnership_id"], ["scope", "measure_id"]].drop_duplicates())
    )
    keep = keyed["period_end_latest"].isna() | ((keyed["period_end"] == keyed["period_end_latest"]) & (keyed["period_start"] == keyed["period_start_latest"])) | in_goal
    place_rows = keyed.loc[keep, ["place_id", "measure_id", "period_start", "period_end", "figure"]]

    wide_measures = goals.loc[goals["scope"] == goals["partnership_id"], "measure_id"].unique()
    w = mine[mine["measure_id"].isin(wide_measures) & mine["figure"].notna()].merge(ms[["measure_id", "unit"]], on="measure_id")
    w = w.assign(weighted=w["sample_size"] * w["value"])
    g = w.groupby(["measure_id", "period_start", "period_end"], as_index=False).agg(
        unit=("unit", "first"), places_with_data=("place_id", "size"), numerator=("numerator", "sum"),
        denominator=("denominator", "sum"), value_sum=("value", "sum"), weighted=("weighted", "sum"), sample_size=("sample_size", "sum"),
    )
    scale = g["unit"].map({"percent": 100.0, "rate_per_1000": 1000.0})
    value = (g["numerator"] / g["denominator"] * scale).where(scale.notna(), g["value_sum"].where(g["unit"] == "count", g["weighted"] / g["sample_size"]))
    wide = g.assign(value=value.where(g["places_with_data"] == len(hoods)))[["measure_id", "period_start", "period_end", "value", "places_with_data"]]

    nation = places.loc[places["level"] == "nation", "place_id"].sort_values().head(1).tolist()
    la = places.loc[places["place_id"].isin(hoods), "parent_id"].unique()
    la = [x for x in la if x in set(places.loc[places["level"] == "local_area", "place_id"])] if len(la) == 1 else []
    bench = obs[obs["place_id"].isin(nation + la) & obs["measure_id"].isin(goals["measure_id"].unique())]
    bench = bench[["place_id", "measure_id", "period_start", "period_end", "figure"]]
    return {"wide": wide, "places": place_rows, "benchmarks": bench}


# --- the figures each path returned, in one shape --------------------------------

Figures = dict[str, dict[tuple, Any]]


def _f(v: Any) -> float | None:
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) else v


def _d(v: Any) -> dt.date:
    return v.date() if isinstance(v, dt.datetime) or hasattr(v, "to_pydatetime") else v


def app_figures(out: dict[str, Any]) -> Figures:
    """wide: (measure, start, end) -> (value, places_with_data); places:
    (place, measure, start, end) -> value; benchmarks: the nation's and local
    area's figures the app compared each goal with."""
    wide, places, bench = {}, {}, {}
    for r in out["results"]:
        if r.goal.partnership_wide:
            for s in r.series:
                wide[(r.goal.measure_id, s.period_start, s.period_end)] = (_f(s.value), s.places_with_data)
        else:
            for s in r.series:
                places[(r.goal.scope, r.goal.measure_id, s.period_start, s.period_end)] = _f(s.value)
        a = r.assessment
        if a.latest_period_end is not None:
            key = (r.goal.measure_id, a.latest_period_start, a.latest_period_end)
            if r.nation_value is not None:
                bench[("nation", *key)] = _f(r.nation_value)
            if r.local_area_value is not None:
                bench[(r.local_area, *key)] = _f(r.local_area_value)
    for measure_id, by_place in out["series"].items():
        for place_id, points in by_place.items():
            for s in points:
                places[(place_id, measure_id, s.period_start, s.period_end)] = _f(s.value)
    return {"wide": wide, "places": places, "benchmarks": bench}


def bare_figures(rows: list[tuple], nation: str | None) -> Figures:
    wide, places, bench = {}, {}, {}
    for kind, place_id, measure_id, start, end, value, with_data in rows:
        if kind == "partnership":
            wide[(measure_id, start, end)] = (_f(value), with_data)
        elif kind == "place":
            places[(place_id, measure_id, start, end)] = _f(value)
        else:
            bench[("nation" if place_id == nation else place_id, measure_id, start, end)] = _f(value)
    return {"wide": wide, "places": places, "benchmarks": bench}


def pandas_figures(out: dict[str, Any], nation: str | None) -> Figures:
    wide = {(m, _d(s), _d(e)): (_f(v), int(n)) for m, s, e, v, n in out["wide"].itertuples(index=False)}
    places = {(p, m, _d(s), _d(e)): _f(v) for p, m, s, e, v in out["places"].itertuples(index=False)}
    bench = {("nation" if p == nation else p, m, _d(s), _d(e)): _f(v) for p, m, s, e, v in out["benchmarks"].itertuples(index=False)}
    return {"wide": wide, "places": places, "benchmarks": bench}


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, tuple):
        return isinstance(b, tuple) and len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def compare_figures(name: str, expected: Figures, got: Figures) -> int:
    """Raise BenchMismatch unless `got` holds the same figures as `expected`
    (the app's): the same keys for the partnership and neighbourhood series,
    every benchmark figure the app used, and values within 1e-9. Returns the
    number of figures compared."""
    n = 0
    for part in ("wide", "places"):
        e, g = expected[part], got[part]
        if e.keys() != g.keys():
            missing, extra = sorted(e.keys() - g.keys())[:3], sorted(g.keys() - e.keys())[:3]
            raise BenchMismatch(f"{name}: {part} figures differ in what they cover; missing {missing}, extra {extra}")
        n += len(e)
    for part in ("wide", "places", "benchmarks"):
        for key, value in expected[part].items():
            if key not in got[part] or not _close(value, got[part][key]):
                raise BenchMismatch(f"{name}: {part} {key} is {got[part].get(key)!r}, the app says {value!r}")
    return n + len(expected["benchmarks"])


# --- the run ---------------------------------------------------------------------


def _ms(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Milliseconds `fn` takes, after collecting the garbage of earlier runs
    (the pandas path leaves gigabytes of it at full scale)."""
    gc.collect()
    start = time.perf_counter()
    out = fn()
    return (time.perf_counter() - start) * 1000.0, out


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    import pandas

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9, 1)
    except (ValueError, OSError, AttributeError):
        memory_gb = None
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": cpu,
        "memory_gb": memory_gb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "numpy": np.__version__,
        "pandas": pandas.__version__,
        "pyarrow": pa.__version__,
    }


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (OSError, AttributeError):
        return None


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / 1024 / (1024 if sys.platform == "darwin" else 1), 1)


class _CountingConnection:
    """A connection that counts the statements run through it (for the query
    count of the app path, measured apart from the timings)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con
        self.statements = 0

    def execute(self, *args, **kwargs):
        self.statements += 1
        return self._con.execute(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._con, name)


BrowserHook = Callable[[Path, dict[str, Any]], dict[str, Any]]


def publish_worlds(folder: Path, months: int = 12) -> dict[str, Any]:
    """Seconds to publish the demo data set and the school-year world
    (tools/bench/school_year.py: 12 months, 312 rows; fewer months at the tiny
    scale, to keep the test suite quick), each into a fresh database, in this
    run, and how many of each site's published cells are hidden."""
    from metrics import store
    from metrics.contract.demo import seed_demo
    from metrics.contract.importer import import_paths
    from metrics.outputs.publish import publish

    from tools.bench import school_year

    import csv

    out: dict[str, Any] = {"school_year_rows": len(school_year.rows(months))}
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("demo", "school_year"):
        con = store.connect(folder / f"{name}.duckdb")
        try:
            if name == "demo":
                seed_demo(con)
            else:
                result = import_paths(con, school_year.write(folder / "in", months), actor="bench")
                if not result.ok:
                    raise RuntimeError(f"the school-year world did not import: {result.problems[:3]}")
            ms, _ = _ms(lambda: publish(con, folder / f"site-{name}"))
        finally:
            con.close()
        rows = list(csv.DictReader((folder / f"site-{name}" / "published_figures.csv").read_text(encoding="utf-8").splitlines()))
        out[name] = round(ms / 1000.0, 2)
        out[f"{name}_cells_hidden"] = sum(1 for r in rows if r["value"] == "c")
        out[f"{name}_cells"] = len(rows)
    return out


def run_bench(
    quick: bool = False,
    scale: Scale | str | None = None,
    repeats: int = 5,
    db_path: str | os.PathLike[str] | None = None,
    browser: BrowserHook | None = None,
) -> dict[str, Any]:
    """Generate, import and time (see the module docstring); returns the
    JSON-ready result. `scale` overrides `quick` ("full", "quick", "tiny" or a
    Scale). `db_path` keeps the database (it must not exist yet); otherwise
    everything lives in a temporary folder. `browser(db_path, targets)` is
    called once the database is closed, with the partnership, goal and
    neighbourhoods to open; the timings it returns (browser_goal_chart_ms,
    browser_neighbourhood_switch_ms) go into the result."""
    from metrics import store
    from metrics.contract.importer import import_paths
    from metrics.outputs.publish import publish
    from metrics.read.readmodel import goal_results, nation_place

    chosen = SCALES[scale] if isinstance(scale, str) else scale or SCALES["quick" if quick else "full"]
    repeats = max(1, int(repeats))
    load_before = _load_average()
    with tempfile.TemporaryDirectory(prefix="outcomes-bench-") as tmp:
        folder = Path(tmp) / "files"
        path = Path(db_path) if db_path else Path(tmp) / "bench.duckdb"
        if path.exists():
            raise store.StoreError(f"{path} already exists; the bench builds its own database. Give a new --db path, or none.")
        gen_ms, gen = _ms(lambda: generate(folder, chosen))
        con = store.connect(path)
        try:
            small = [gen.files[k] for k in ("places", "measures", "partnerships", "goals")]
            setup_ms, setup = _ms(lambda: import_paths(con, small, actor="bench"))
            if not setup.ok:
                raise RuntimeError(f"the generated files did not import: {setup.problems[:3]}")
            import_ms, imported = _ms(lambda: import_paths(con, list(gen.observation_files), actor="bench"))
            if not imported.ok:
                raise RuntimeError(f"the generated observations did not import: {imported.problems[:3]}")
            observations = store.scalar(con, "SELECT count(*) FROM observations WHERE superseded_at IS NULL")
            goals_total = store.scalar(con, "SELECT count(*) FROM goals WHERE superseded_at IS NULL")
            pid = gen.partnership_id
            nation = nation_place(con)

            runs: dict[str, list[float]] = {"app": [], "bare_duckdb": [], "pandas": [], "status_all": []}
            steps: dict[str, list[float]] = {}
            compared = 0
            for i in range(repeats):
                # The pandas path runs first and leaves the machine's caches cold, so
                # the app and the bare query take turns at following it (ABBA): each
                # is timed in both places equally often.
                t_pandas, pandas_out = _ms(lambda: pandas_naive(con.cursor(), pid))
                if i % 2 == 0:
                    t_app, app_out = _ms(lambda: app_partnership_page(con.cursor(), pid, steps))
                    t_bare, bare_rows = _ms(lambda: bare_duckdb(con.cursor(), pid))
                else:
                    t_bare, bare_rows = _ms(lambda: bare_duckdb(con.cursor(), pid))
                    t_app, app_out = _ms(lambda: app_partnership_page(con.cursor(), pid, steps))
                runs["app"].append(t_app)
                runs["bare_duckdb"].append(t_bare)
                runs["pandas"].append(t_pandas)
                expected = app_figures(app_out)
                compared = compare_figures("bare_duckdb", expected, bare_figures(bare_rows, nation))
                compare_figures("pandas", expected, pandas_figures(pandas_out, nation))
            for _ in range(repeats):
                t_status, every = _ms(lambda: goal_results(con.cursor()))
                runs["status_all"].append(t_status)
                if len(every) != goals_total:
                    raise BenchMismatch(f"status of every goal gave {len(every)} results for {goals_total} goals")

            # Publishing the national data set: the static site and its
            # published_figures.csv, disclosure control over every public goal.
            publish_ms, _ = _ms(lambda: publish(con, Path(tmp) / "site"))
            counting = _CountingConnection(con.cursor())
            app_partnership_page(counting, pid)  # type: ignore[arg-type]
            page = app_out["partnership"]
            wide_goal = next(r.goal.goal_id for r in app_out["results"] if r.goal.partnership_wide)
            targets = {"partnership_id": pid, "goal_id": wide_goal, "neighbourhoods": list(page.places)}
        finally:
            con.close()

        med = {k: round(statistics.median(v), 2) for k, v in runs.items()}
        result: dict[str, Any] = {
            "scale": asdict(chosen),
            "observations": int(observations),
            "places": gen.places,
            "partnerships": gen.partnerships,
            "goals": int(goals_total),
            "partnership": {"partnership_id": pid, "neighbourhoods": len(page.places), "goals": len(app_out["results"]),
                            "measures_drawn": len(app_out["series"])},
            "app_ms": med["app"],
            "bare_duckdb_ms": med["bare_duckdb"],
            "pandas_ms": med["pandas"],
            "status_all_ms": med["status_all"],
            "import_rows_per_s": round(observations / (import_ms / 1000.0)),
            "publish_s": round(publish_ms / 1000.0, 2),
            # Disclosure control's cost on its worst case seen (issue 23, finding 9:
            # 312 rows, every span of months in a school year) beside the demo's.
            "publish_worlds_s": (worlds := publish_worlds(Path(tmp) / "worlds", 6 if chosen.name == "tiny" else 12)),
            "import_observations_s": round(import_ms / 1000.0, 2),
            "import_other_kinds_s": round(setup_ms / 1000.0, 2),
            "generate_s": round(gen_ms / 1000.0, 2),
            "app_statements": counting.statements,
            "app_steps_ms": {k: round(statistics.median(v), 2) for k, v in steps.items()},
            "figures_compared": compared,
            "paths_agree": True,
            "ratios": {
                "app_over_bare": round(med["app"] / med["bare_duckdb"], 2) if med["bare_duckdb"] else None,
                "pandas_over_app": round(med["pandas"] / med["app"], 2) if med["app"] else None,
                "school_year_over_demo": round(worlds["school_year"] / worlds["demo"], 2) if worlds["demo"] else None,
            },
            "repeats": repeats,
            "runs_ms": {k: [round(x, 2) for x in v] for k, v in runs.items()},
            "peak_rss_mb": _peak_rss_mb(),
            # Other work on the machine slows every path: compare runs made at a low load.
            "load_average_1min": {"before": load_before, "after": _load_average()},
            "machine": machine(),
            # Measured in Chromium by the browser harness through `browser`;
            # None when this run did not measure them.
            "browser_goal_chart_ms": None,
            "browser_neighbourhood_switch_ms": None,
        }
        if browser is not None:
            result.update(browser(path, targets))
        return result


def format_report(result: dict[str, Any]) -> str:
    """The bench result in a few lines for people (the JSON has everything)."""
    m = result["machine"]
    lines = [
        f"Scale {result['scale']['name']}: {result['observations']:,} observations, {result['places']:,} places, "
        f"{result['partnerships']:,} partnerships, {result['goals']:,} goals",
        f"Partnership page ({result['partnership']['partnership_id']}, {result['partnership']['neighbourhoods']} neighbourhoods, "
        f"{result['partnership']['goals']} goals), medians of {result['repeats']}:",
        f"  app (metrics/ functions)   {result['app_ms']:10.1f} ms  ({result['app_statements']} statements)",
        *(f"    {name:30s} {ms:8.1f} ms" for name, ms in result["app_steps_ms"].items()),
        f"  bare DuckDB (one query)    {result['bare_duckdb_ms']:10.1f} ms",
        f"  pandas (naive)             {result['pandas_ms']:10.1f} ms",
        f"Status of every goal         {result['status_all_ms']:10.1f} ms",
        f"Import                       {result['import_rows_per_s']:10,} observations/s",
        f"Publish (national)           {result['publish_s']:10.2f} s",
        f"Publish demo / school year   {result['publish_worlds_s']['demo']:10.2f} s / {result['publish_worlds_s']['school_year']:.2f} s "
        f"({result['publish_worlds_s']['school_year_rows']} rows; ratio {result['ratios']['school_year_over_demo']})",
        f"Same figures on all three paths ({result['figures_compared']:,} compared).",
        f"Machine: {m['cpu_model']}, {m['cpus_usable']} CPUs, Python {m['python']}, DuckDB {m['duckdb']}",
    ]
    if result.get("browser_goal_chart_ms") is not None and "browser_text_page_ms" in result:
        by = result["browser_goal_chart_by_approach"]
        lines += [
            f"In Chromium, medians of {result['browser_runs']}:",
            f"  text page (How we measure)   {result['browser_text_page_ms']:8.0f} ms",
            *(f"  goal page to chart, {a:8s} {ms:8.0f} ms  ({result['browser_chart_over_text'][a]:.2f}x the text page)" for a, ms in by.items()),
            f"  neighbourhood switch         {result['browser_neighbourhood_switch_ms']:8.0f} ms",
            f"  Overview                     {result['browser_overview_ms']:8.0f} ms",
        ]
        if result.get("browser_partnership_ms") is not None:
            lines.append(f"  partnership page             {result['browser_partnership_ms']:8.0f} ms")
        before = result.get("browser_before")
        if before:
            lines.append(
                f"  before ({before['ref']}): text page {before['text_page_ms']:.0f} ms, goal chart {before['goal_chart_ms']:.0f} ms, "
                f"switch {before['neighbourhood_switch_ms']:.0f} ms, Overview {before['overview_ms']:.0f} ms"
                + (f", partnership page {before['partnership_ms']:.0f} ms" if before.get("partnership_ms") is not None else "")
            )
    return "\n".join(lines)
