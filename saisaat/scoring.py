"""The scoring engine: a ruleset (official or a what-if) applied to stored results, set-based in
DuckDB. Nothing is written: the ruleset travels as relations registered on one query's cursor.

A unit's yearly score: indicator points from the rules, rounds combined as the ruleset says,
points / possible points (or objective-weighted), turned into the 1–5 reward scale by five target
levels with linear interpolation, weighted with the other evaluation components into the overall
score, then tiers by cut-offs and a share of the reward pool by tier multipliers.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from saisaat.db import Database
from saisaat.i18n import Message
from saisaat.rulesets import Ruleset, parse_ruleset

SCORE_COLUMNS = ["fiscal_year", "unit_code", "unit_kind", "points", "max_points", "score_pct",
                 "reward_score", "overall_score", "rank_in_kind", "rank_overall", "tier",
                 "multiplier", "reward_baht"]


def relations(ruleset: Ruleset) -> dict[str, pa.Table]:
    """The ruleset as the relations the queries read: scenario_rules shaped like the official_rules
    view and scenario_steps like the rule_steps table (what points_under takes), and the reward parts.
    Arrow tables (`.to_pandas()` for a DataFrame): DuckDB registers one in half the time of a DataFrame."""
    def frame(table: pd.DataFrame, texts: list[str], numbers: list[str], integers: tuple[str, ...] = (),
              **constants) -> pa.Table:
        # built from plain arrays: a what-if builds these on every change, and astype() on each small frame
        # cost more than the rest of the call's Python
        columns = {c: pa.array(table[c].to_numpy(dtype=object), pa.string()) for c in texts}
        columns.update({c: pa.array(table[c].to_numpy(dtype="int64"), pa.int64()) for c in integers})
        columns.update({c: pa.array(table[c].to_numpy(dtype=float), pa.float64()) for c in numbers})
        columns.update({c: pa.array(np.full(len(table), v), pa.int64()) for c, v in constants.items()})
        return pa.table(columns)

    steps = ruleset.rule_steps.sort_values(["indicator_code", "min_value"])
    return {
        "scenario_rules": frame(ruleset.rules, ["ruleset_code", "indicator_code", "rule_type"],
                                ["max_points", "target_value"], framework_id=ruleset.framework_id),
        "scenario_steps": frame(steps, ["ruleset_code", "indicator_code"], ["min_value", "points"]),
        "scenario_objective_weights": frame(ruleset.objective_weights, [], ["weight"],
                                            integers=("framework_id", "objective_no")),
        "scenario_component_weights": frame(ruleset.component_weights, ["component_code"], ["weight"]),
        "scenario_tiers": frame(ruleset.tiers, ["tier"], ["min_value", "multiplier"]),
    }


@dataclass(frozen=True)
class YearValues:
    """A fiscal year's results (or every year's of a framework: fiscal_year None) as the scoring engine reads
    them, for one framework and round aggregation: the tables unit_reward_scores reads (value_cells,
    value_pairs, value_units, value_components; see its header), stored in a private in-memory database
    (`values_db`, Database.in_memory) that the query runs on. Read once (`year_values`), then scored under any
    number of rulesets: a what-if change then costs the rules and the sums, not reading and joining the
    year's results again. Nothing ever changes the tables, so sessions may share one while the data does not
    change (each query runs on its own cursor, its ruleset registered there)."""
    framework_id: int
    fiscal_year: int | None
    round_aggregation: str
    values_db: Database
    num_cells: int      # value_cells rows: (unit, objective, indicator value) counts
    num_pairs: int      # value_pairs rows: distinct (indicator, value) pairs, each scored once a change


def year_values(db: Database, framework_id: int, fiscal_year: int | None, round_aggregation: str) -> YearValues:
    """The year's values (unit_value_counts) split into their tables, with its other evaluation
    components (unit_component_scores), read in one transaction. fiscal_year None: every year of the
    framework (about 60 MB for the national demo's 18 years of one framework)."""
    years = {"framework_id": framework_id, "fiscal_year": fiscal_year}
    read = db.tables({
        "counts": ("unit_value_counts", {**years, "round_aggregation": round_aggregation}),
        "components": ("unit_component_scores", years),
    })
    counts = read["counts"]
    units = counts.group_by(["unit_no", "fiscal_year", "unit_code", "unit_kind"]).aggregate([])
    tables = {
        "value_cells": counts.select(["unit_no", "objective_no", "pair_no", "num_results"]),
        "value_pairs": counts.group_by(["pair_no", "framework_id", "indicator_code", "value"]).aggregate([]),
        "value_units": units,
        # a unit's components by its number (only units with results are scored)
        "value_components": read["components"].join(units, ["fiscal_year", "unit_code"], join_type="inner")
                                              .select(["unit_no", "component_code", "score"]),
    }
    return YearValues(framework_id, fiscal_year, round_aggregation, Database.in_memory(tables),
                      tables["value_cells"].num_rows, tables["value_pairs"].num_rows)


def unit_scores(db: Database, ruleset: Ruleset, fiscal_year: int | None,
                values: YearValues | None = None) -> pd.DataFrame:
    """One row per unit with results in `fiscal_year` (None: every year of the ruleset's framework), scored
    under `ruleset`. `values`: the year's values already read (year_values), for the same framework, year
    and round aggregation; without them they are read first."""
    if values is None:
        values = year_values(db, ruleset.framework_id, fiscal_year, ruleset.round_aggregation)
    elif (values.framework_id, values.fiscal_year, values.round_aggregation) != (
            ruleset.framework_id, fiscal_year, ruleset.round_aggregation):
        raise ValueError(f"values of FY{values.fiscal_year} (framework {values.framework_id}, "
                         f"{values.round_aggregation}) given for FY{fiscal_year} under {ruleset.code}")
    return values.values_db.query_with(
        "unit_reward_scores", relations(ruleset),
        framework_id=ruleset.framework_id, levels=ruleset.levels,
        transparency_weight=ruleset.transparency_weight, tier_basis=ruleset.tier_basis,
        pool_baht=ruleset.pool_baht,
    )


def result_points(db: Database, ruleset: Ruleset, fiscal_year: int | None) -> pd.DataFrame:
    """Every stored result of the year(s) with its stored points and its points under `ruleset`."""
    rel = relations(ruleset)
    return db.query_with("result_points_by_ruleset",
                         {k: rel[k] for k in ("scenario_rules", "scenario_steps")},
                         framework_id=ruleset.framework_id, fiscal_year=fiscal_year)


def stored_ruleset(db: Database, ruleset_code: str | None = None, framework_id: int | None = None) -> Ruleset:
    """A ruleset kept in the database: by code, or the official one of a framework."""
    table = db.query("rulesets_by_code")
    if ruleset_code is not None:
        row = table[table["ruleset_code"] == ruleset_code]
    else:
        row = table[(table["framework_id"] == framework_id) & table["is_official"]]
    if row.empty:
        raise KeyError(ruleset_code or f"official ruleset of framework {framework_id}")
    return parse_ruleset(json.loads(row["spec_json"].iloc[0]), db.query("indicators_by_code"),
                         source=row["ruleset_code"].iloc[0])


def resolve_ruleset(db: Database, fiscal_year: int, name: str | None) -> Ruleset:
    """The ruleset a user names for a fiscal year: nothing (the official one), a ruleset file, a
    preset (official, binary, grades), a stored ruleset code or a saved scenario's name."""
    from pathlib import Path

    from saisaat.rulesets import PRESETS, RulesetError, preset, read_ruleset_file
    years = db.query("fiscal_years")
    match = years.loc[years["fiscal_year"] == fiscal_year, "framework_id"]
    if match.empty:
        raise RulesetError(Message("rs_fiscal_year_unknown", fy=fiscal_year, first=int(years["fiscal_year"].min()),
                                   last=int(years["fiscal_year"].max())))
    framework_id = int(match.iloc[0])
    indicators = db.query("indicators_by_code")
    official = stored_ruleset(db, framework_id=framework_id)
    if name is None:
        return official
    if Path(name).is_file():
        found = read_ruleset_file(Path(name), indicators)
    elif name in PRESETS:
        found = parse_ruleset(preset(name, official.spec), indicators, source=name)
    elif name in set(db.query("rulesets_by_code")["ruleset_code"]):
        found = stored_ruleset(db, ruleset_code=name)
    else:
        saved = db.query("scenarios_by_name")
        row = saved[saved["name"] == name]
        if row.empty:
            raise RulesetError(Message("rs_not_found", name=name, presets=", ".join(PRESETS)))
        found = parse_ruleset(json.loads(row["spec_json"].iloc[0]), indicators, source=name)
    if found.framework_id != framework_id:
        raise RulesetError(Message("rs_other_framework", name=name, got=found.framework_id, fy=fiscal_year,
                                   want=framework_id))
    return found


def compare(base: pd.DataFrame, scenario: pd.DataFrame,
            transparency_weights: tuple[float, float] | None = None) -> pd.DataFrame:
    """Per unit: baseline and scenario figures side by side, with the change in each.

    A unit scored on one side only keeps nulls on the other (it is not a change to zero). With the
    two sides' transparency weights, also each side's other components (other_components_base,
    _scenario): the overall score less weight × the 1–5 score, which explains a unit at 100 % ranked low."""
    keep = ["score_pct", "reward_score", "overall_score", "rank_overall", "rank_in_kind", "tier", "reward_baht"]
    out = base[["fiscal_year", "unit_code", "unit_kind"] + keep].merge(
        scenario[["fiscal_year", "unit_code"] + keep], on=["fiscal_year", "unit_code"], how="outer",
        suffixes=("_base", "_scenario"))
    for col in ("score_pct", "reward_score", "overall_score", "reward_baht"):
        out[f"{col}_change"] = (out[f"{col}_scenario"].astype(float) - out[f"{col}_base"].astype(float)).round(4)
    for col in ("rank_overall_base", "rank_overall_scenario", "rank_in_kind_base", "rank_in_kind_scenario"):
        out[col] = out[col].astype(float)   # no rank (no overall score) is NaN, not 0
    out["rank_change"] = out["rank_overall_base"] - out["rank_overall_scenario"]   # + = moved up
    out["tier_changed"] = out["tier_base"].fillna("") != out["tier_scenario"].fillna("")
    for side, weight in zip(("base", "scenario"), transparency_weights or ()):
        out[f"other_components_{side}"] = (out[f"overall_score_{side}"].astype(float)
                                           - weight * out[f"reward_score_{side}"].astype(float)).round(4)
    return out.sort_values(["fiscal_year", "unit_code"]).reset_index(drop=True)


def who_moves(comparison: pd.DataFrame, n: int = 10) -> dict[str, pd.DataFrame]:
    """Tier changes, the biggest rank moves up and down (and both in one list, ups first)."""
    c = comparison
    up = c[c["rank_change"] > 0].sort_values(["rank_change", "unit_code"], ascending=[False, True]).head(n)
    down = c[c["rank_change"] < 0].sort_values(["rank_change", "unit_code"]).head(n)
    return {
        "tier_changes": c[c["tier_changed"]].sort_values("overall_score_change", ascending=False),
        "rank_up": up,
        "rank_down": down,
        "rank_moves": pd.concat([up, down]),
    }


def summary(comparison: pd.DataFrame) -> dict:
    """Counts for the headline: units, tier changes, units whose overall score rises or falls,
    and the reward money that changes hands."""
    c = comparison
    moved = c["reward_baht_change"].fillna(0)
    score = c["overall_score_change"].fillna(0)
    return {
        "units": int(len(c)),
        "tier_changes": int(c["tier_changed"].sum()),
        "gainers": int((score > 0).sum()),
        "losers": int((score < 0).sum()),
        "money_moved_baht": float(np.round(moved[moved > 0].sum(), 2)),
        "mean_score_change": (float(np.round(c["score_pct_change"].mean(), 2))
                              if c["score_pct_change"].notna().any() else 0.0),
    }
