"""The synthetic demo history: deterministic (fixed seed), plausible, clearly labelled.

Structure, not noise: each unit has a stable level; units improve gradually; scores dip when
framework 2 arrives (new, harder indicators); about a third of units are weak on one theme;
round 2 is a little better than round 1; a few submissions are missing in every round.
Points are never generated: the official ruleset scores the generated values on insert.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from saisaat import auth, plans, reference, store
from saisaat.configuration import initial_snapshot
from saisaat.fiscal import round_visit_dates, today
from saisaat.i18n import t

DEMO_SEED = 2545
LAST_FY_WITH_RESULTS = 2569
NATIONAL_UNITS = 8000
DEMO_FILE_NAME = "synthetic-demo"
DEMO_NOTE = f"{t('demo_note', 'th')} / {t('demo_note', 'en')}"
THEMES = ("environment", "conscience", "systems", "audit")
# How far scores fall in the first years of a new framework (logit scale).
FRAMEWORK_DIP = (-1.0, -0.55, -0.2)

Progress = Callable[[float, str], None]


def _quiet(_fraction: float, _text: str) -> None:
    pass


def national_units(rng: np.random.Generator, bma_units: pd.DataFrame, total: int):
    """Synthetic units to reach `total`, for benchmarks: 70% district-like, in 40 zones."""
    n = total - len(bma_units)
    zones = pd.DataFrame({
        "peer_group_code": [f"S{i:02d}" for i in range(1, 41)],
        "name_th": [t("demo_peer_group_name", "th", n=i) for i in range(1, 41)],
        "name_en": [t("demo_peer_group_name", "en", n=i) for i in range(1, 41)],
    })
    idx = np.arange(1, n + 1)
    is_district = rng.random(n) < 0.7
    missions = np.where(is_district, "service",
                        rng.choice(np.array(["", "procurement", "service", "service;procurement",
                                             "personnel"]), n))
    units = pd.DataFrame({
        "unit_code": [f"N{i:05d}" for i in idx],
        "name_th": [t("demo_unit_name", "th", n=f"{i:05d}") for i in idx],
        "name_en": [t("demo_unit_name", "en", n=f"{i:05d}") for i in idx],
        "unit_kind": np.where(is_district, "district", "department"),
        "peer_group_code": np.where(is_district, zones["peer_group_code"].to_numpy()[idx % 40], None),
        "abbrev_th": None,
        "missions": missions,
        "active_from_fy": 2545,
        "active_to_fy": pd.array([None] * n, dtype="Int64"),
    })
    return zones, units


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def generate_results(rng: np.random.Generator, units: pd.DataFrame, indicators: pd.DataFrame,
                     assignments: pd.DataFrame, fiscal_years: pd.DataFrame,
                     objectives: pd.DataFrame, calendar: pd.DataFrame,
                     last_fy: int = LAST_FY_WITH_RESULTS) -> pd.DataFrame:
    """Measured values for every assigned indicator, fiscal year and round, less a few missing; each
    inspected on a day of its round's visits in `calendar` (the inspection calendar)."""
    n_units = len(units)
    unit_pos = pd.Series(np.arange(n_units), index=units["unit_code"])
    unit_effect = rng.normal(0.35, 0.7, n_units)
    weak_theme = np.where(rng.random(n_units) < 0.33, rng.integers(0, len(THEMES), n_units), -1)
    team = rng.integers(1, 9, n_units)

    ind = indicators.merge(objectives[["framework_id", "objective_no", "theme_code"]],
                           on=["framework_id", "objective_no"])
    ind["theme"] = ind["theme_code"].map({t: i for i, t in enumerate(THEMES)})
    ind["difficulty"] = rng.normal(0.0, 0.6, len(ind)) + np.where(rng.random(len(ind)) < 0.1, 1.0, 0.0)
    ind_pos = pd.Series(np.arange(len(ind)), index=ind["indicator_code"])
    ind_theme = ind["theme"].to_numpy()
    ind_difficulty = ind["difficulty"].to_numpy()
    ind_measure = ind["measure"].to_numpy()
    pair_unit = unit_pos[assignments["unit_code"]].to_numpy()
    pair_ind = ind_pos[assignments["indicator_code"]].to_numpy()
    pair_framework = ind["framework_id"].to_numpy()[pair_ind]
    active_from = units["active_from_fy"].to_numpy(dtype=float)
    active_to = units["active_to_fy"].astype("Float64").fillna(np.inf).to_numpy(dtype=float)
    inspectors = [t("demo_inspector_team", "th", n=n) for n in range(1, 9)]   # stored as the teams write it

    years = fiscal_years[fiscal_years["fiscal_year"] <= last_fy]
    first_fy_of = years.groupby("framework_id")["fiscal_year"].min()
    first_fy = int(years["fiscal_year"].min())
    frames = []
    for fy, framework_id in years[["fiscal_year", "framework_id"]].itertuples(index=False):
        sel = ((pair_framework == framework_id)
               & (active_from[pair_unit] <= fy) & (active_to[pair_unit] >= fy))
        u = pair_unit[sel]
        i = pair_ind[sel]
        since = fy - first_fy
        trend = 1.1 * (1 - np.exp(-since / 9))
        k = fy - int(first_fy_of[framework_id])
        dip = FRAMEWORK_DIP[k] if 0 <= k < len(FRAMEWORK_DIP) and framework_id != 1 else 0.0
        unit_year = rng.normal(0, 0.3, n_units)
        for rnd in (1, 2):
            logit = (0.4 + unit_effect[u] + unit_year[u] + trend + dip + (0.15 if rnd == 2 else 0)
                     - ind_difficulty[i]
                     - np.where(ind_theme[i] == weak_theme[u], 1.3, 0.0))
            p = _sigmoid(logit)
            measure = ind_measure[i]
            value = np.where(
                measure == "binary", (rng.random(len(p)) < p).astype(float),
                np.where(measure == "count", rng.binomial(5, p).astype(float),
                         np.round(np.clip(100 * _sigmoid(logit + rng.normal(0, 0.5, len(p))), 0, 100), 1)))
            # A few units miss a whole round; a few single indicators are not submitted.
            unit_missing = np.zeros(n_units, bool)
            unit_missing[rng.choice(n_units, min(rng.binomial(n_units, 0.01), max(2, n_units // 200)),
                                    replace=False)] = True
            keep = ~unit_missing[u] & (rng.random(len(p)) >= 0.004)
            visit_start, visit_end = round_visit_dates(calendar, fy, rnd)
            span = (visit_end - visit_start).days + 1
            uk, ik = u[keep], i[keep]
            frames.append(pd.DataFrame({
                "fiscal_year": fy,
                "inspection_round": rnd,
                "unit_code": pd.Categorical.from_codes(uk, categories=units["unit_code"]),
                "indicator_code": pd.Categorical.from_codes(ik, categories=ind["indicator_code"]),
                "value": value[keep],
                "inspected_on": np.datetime64(visit_start) + ((uk * 7 + fy) % span).astype("timedelta64[D]"),
                "inspector": pd.Categorical.from_codes(team[uk] - 1, categories=inspectors),
                "note": None,
            }))
    out = pd.concat(frames, ignore_index=True)
    return out


COMPONENTS = ("mission", "efficiency", "development")


def generate_components(rng: np.random.Generator, units: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """The other components of the yearly performance evaluation (1–5), for units with results:
    loosely tied to each unit's stable level, so transparency is one signal among several."""
    unit_years = results[["fiscal_year", "unit_code"]].drop_duplicates()
    n_units = len(units)
    level = pd.Series(rng.normal(3.6, 0.4, n_units), index=units["unit_code"])
    base = level.reindex(unit_years["unit_code"].astype(str)).to_numpy()
    frames = []
    for component in COMPONENTS:
        score = np.clip(base + rng.normal(0, 0.35, len(unit_years)), 1, 5).round(4)
        frames.append(pd.DataFrame({"fiscal_year": unit_years["fiscal_year"].to_numpy(),
                                    "unit_code": unit_years["unit_code"].astype(str).to_numpy(),
                                    "component_code": component, "score": score}))
    return pd.concat(frames, ignore_index=True)


def demo_publications(results: pd.DataFrame) -> pd.DataFrame:
    """Every period of the demo's history published, as the secretariat would have: on 15 November
    after its fiscal year ended (FY2569 ended 30 Sep 2026: published 15 Nov 2026)."""
    periods = results[["fiscal_year", "inspection_round"]].drop_duplicates().sort_values(
        ["fiscal_year", "inspection_round"], ignore_index=True)
    periods["published_at"] = [datetime(int(fy) - 543, 11, 15) for fy in periods["fiscal_year"]]
    periods["published_by"] = "demo"
    return periods


def build_demo(path: Path | str, scale: str = "bma", seed: int = DEMO_SEED,
               progress: Progress = _quiet, *, by: auth.User = auth.SYSTEM_USER) -> dict:
    """Write a new demo database at `path` (replacing any file there), as `by`; its history is
    published. Returns row counts."""
    auth.require(by, "build_demo")
    path = Path(path)
    if scale not in ("bma", "national"):
        raise ValueError("scale must be 'bma' or 'national'")
    rng = np.random.default_rng(seed)
    progress(0.05, "reference")
    organisation, kinds, groups = reference.organisation(), reference.unit_kinds(), reference.peer_groups()
    units = reference.units()
    if scale == "national":
        ngroups, nunits = national_units(rng, units, NATIONAL_UNITS)
        groups = pd.concat([groups, ngroups], ignore_index=True)
        units = pd.concat([units, nunits], ignore_index=True)
    frameworks = reference.frameworks()
    fiscal_years = reference.fiscal_years(frameworks)
    objectives = reference.objectives()
    indicators = reference.indicators()
    assignments = reference.assignments(units, indicators)
    rulesets = reference.official_rulesets(indicators)
    calendar, deadlines = reference.inspection_calendar(), reference.plan_deadlines()
    progress(0.15, "generate")
    results = generate_results(rng, units, indicators, assignments, fiscal_years, objectives, calendar)
    components = generate_components(rng, units, results)
    plan_steps = plans.demo_steps(units.head(len(reference.units())), rng, today(), deadlines)
    progress(0.5, "write")
    with store.new_database(path) as cur:
        for table, frame in (("organisation", organisation), ("unit_kinds", kinds),
                             ("peer_groups", groups), ("units", units), ("frameworks", frameworks),
                             ("fiscal_years", fiscal_years), ("objectives", objectives),
                             ("indicators", indicators), ("assignments", assignments),
                             ("inspection_calendar", calendar), ("plan_deadlines", deadlines)):
            store.append(cur, table, frame)
        for rs in rulesets:
            store.append(cur, "rulesets", rs.ruleset)
            store.append(cur, "rules", rs.rules)
            store.append(cur, "rule_steps", rs.rule_steps)
        store.add_configuration_version(cur, version_id=1, by=by, snapshot=initial_snapshot(
            {"organisation": organisation, "unit_kinds": kinds, "peer_groups": groups, "units": units,
             "frameworks": frameworks, "objectives": objectives, "indicators": indicators,
             "assignments": assignments, "inspection_calendar": calendar, "plan_deadlines": deadlines}, rulesets))
        store.add_batch(cur, batch_id=1, source="demo", file_name=DEMO_FILE_NAME,
                        sha256=hashlib.sha256(f"{DEMO_FILE_NAME}:{scale}:{seed}".encode()).hexdigest(),
                        imported_by=f"saisaat demo --seed {seed}", row_count=len(results), note=DEMO_NOTE)
        store.insert_scored_results(cur, results, batch_id=1)
        store.append(cur, "evaluation_components", components)
        store.append(cur, "plan_steps", plan_steps)
        publications = demo_publications(results)
        store.append(cur, "publications", publications)
        store.audit(cur, by, "build_demo", batch_id=1, subject=DEMO_FILE_NAME,
                    detail={"scale": scale, "seed": seed, "results": len(results),
                            "published_periods": len(publications)})
        progress(0.95, "finish")
    progress(1.0, "done")
    return {"units": len(units), "results": len(results)}
