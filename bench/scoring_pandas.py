"""The scoring engine again, in pandas: exactly what queries/unit_reward_scores.sql computes, from
frames already in memory. It exists only as the comparison in scripts/benchmark.py and as an
independent check of the SQL (tests/test_scoring_pandas.py); it lives outside the saisaat package,
which never uses it (saisaat.scoring is the engine).

Inputs: a Ruleset and the tables in FRAMES (results, indicators, fiscal_years, units,
evaluation_components) as frames read once from the database (decimals as floats, as DuckDB hands
them over; code columns str or categorical). Output: saisaat.scoring.SCORE_COLUMNS, one row per
fiscal year × unit with results, ordered as the query orders them.

The SQL's roundings are reproduced, not approximated: money-like decimals are carried as integer
hundredths (points, values, score_pct) or ten-thousandths (reward and overall scores); a double cast
to a decimal rounds half away from zero, `hundredths()` (a double cast to an integer) half to even,
and round() on a decimal half away from zero. Vectorised: merge_asof for steps and tiers, groupby
for the sums, no Python loop over units or rows.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from saisaat.db import Database
from saisaat.rulesets import Ruleset
from saisaat.scoring import SCORE_COLUMNS, relations

FRAMES = {   # the frames unit_scores reads, and the columns it uses of each
    "results": ["fiscal_year", "inspection_round", "unit_code", "indicator_code", "value"],
    "indicators": ["indicator_code", "objective_no", "measure"],
    "fiscal_years": ["fiscal_year", "framework_id"],
    "units": ["unit_code", "unit_kind"],
    "evaluation_components": ["fiscal_year", "unit_code", "component_code", "score"],
}


def _half_away(x, scale: float) -> np.ndarray:
    """A double cast to a decimal with `scale` (10**digits): x × scale rounded half away from zero,
    as an integer count of 1/scale (float array, NaN kept)."""
    v = np.asarray(x, dtype=float) * scale
    t = np.trunc(v)
    return t + np.sign(v) * (np.abs(v - t) >= 0.5)


def _round_decimal(units, step: int) -> np.ndarray:
    """round() of a decimal held as integer units to a multiple of `step` units, half away from zero
    (result in units of `step`)."""
    u = np.asarray(units, dtype=float)
    return np.sign(u) * ((np.abs(u) + step // 2) // step)


def _hundredths(x) -> np.ndarray:
    """The schema's hundredths(): x × 100 cast to an integer (half to even), as int64."""
    return np.rint(np.asarray(x, dtype=float) * 100).astype(np.int64)


def _share_of(pool: float, weight: np.ndarray, total: np.ndarray) -> np.ndarray:
    """The schema's share_of() where the total weight is above 0 (else NaN): pool × weight / total
    in satang, weights in millionths, rounded half up once; in baht."""
    out = np.full(len(weight), np.nan)
    ok = ~np.isnan(weight) & (total > 0)
    w = _half_away(weight[ok], 1e6).astype(np.int64)
    t = _half_away(total[ok], 1e6).astype(np.int64)
    cents = int(np.rint(pool * 100))
    if w.size and 2 * cents * int(w.max()) + int(t.max()) >= 2 ** 62:   # beyond int64: exact Python ints
        w, t = w.astype(object), t.astype(object)
    out[ok] = ((2 * cents * w + t) // (2 * t)).astype(float) / 100.0
    return out


def _rank(grouped) -> pd.Series:
    """rank() over the group, highest first, nulls unranked: int64, or Int64 when some are null
    (as DuckDB hands an integer column with nulls to pandas)."""
    ranks = grouped.rank(method="min", ascending=False, na_option="keep")
    return ranks.astype("Int64") if ranks.isna().any() else ranks.astype(np.int64)


def _as_key(frame: pd.DataFrame, column: str, like: pd.Series) -> pd.DataFrame:
    """`frame` with `column` in the dtype of `like` (so a merge on categorical codes stays cheap)."""
    if isinstance(like.dtype, pd.CategoricalDtype):
        return frame.assign(**{column: frame[column].astype(like.dtype)})
    return frame


def unit_scores(frames: Mapping[str, pd.DataFrame], ruleset: Ruleset, fiscal_year: int | None) -> pd.DataFrame:
    """One row per unit with results in `fiscal_year` (None: every year of the ruleset's framework)."""
    rel = {name: table.to_pandas() for name, table in relations(ruleset).items()}
    results = frames["results"]
    fy = frames["fiscal_years"]
    years = fy.loc[fy["framework_id"] == ruleset.framework_id, "fiscal_year"].to_numpy()
    if fiscal_year is not None:
        years = years[years == fiscal_year]
    scope = results["fiscal_year"].isin(years) if fiscal_year is None or len(years) == 0 \
        else results["fiscal_year"] == fiscal_year
    r = results.loc[scope, FRAMES["results"]]

    # in_scope + ruled: each result with its rule (looked up by position: no strings on big frames).
    rules = frames["indicators"][["indicator_code", "objective_no", "measure"]].merge(
        rel["scenario_rules"], on="indicator_code")
    rules["rule_id"] = np.arange(len(rules))
    rule_kind = rules["rule_type"].map({"binary": 0, "steps": 1, "proportional": 2}).to_numpy()
    r = r.merge(_as_key(rules[["indicator_code", "rule_id"]], "indicator_code", r["indicator_code"]),
                on="indicator_code")
    value_h = _hundredths(r["value"])   # decimal(12, 2): exact integer hundredths

    # valued: score each round, or combine the rounds' values first.
    if ruleset.round_aggregation == "sum_values":
        keys = ["fiscal_year", "unit_code", "rule_id"]
        g = r.assign(value_h=value_h).groupby(keys, observed=True, sort=False)["value_h"]
        r = g.agg(["sum", "max", "count"]).reset_index()
        measure = rules["measure"].to_numpy()[r["rule_id"].to_numpy()]
        total, n = r["sum"].to_numpy(), r["count"].to_numpy()
        mean = (2 * total + n) // (2 * n)                  # mean_of(), in hundredths
        value_h = np.where(measure == "count", total, np.where(measure == "binary", r["max"], mean))
    value = value_h / 100.0
    rule_id = r["rule_id"].to_numpy()
    kind = rule_kind[rule_id]

    # stepped: the points of the highest step the value reaches (0 when none).
    step_points = np.zeros(len(r))
    is_steps = kind == 1
    if is_steps.any() and len(rel["scenario_steps"]):
        left = pd.DataFrame({"row": np.flatnonzero(is_steps), "value": value[is_steps],
                             "rule_id": rule_id[is_steps]}).sort_values("value", kind="stable")
        steps = rel["scenario_steps"].merge(rules[["indicator_code", "rule_id"]], on="indicator_code")
        hit = pd.merge_asof(left, steps[["rule_id", "min_value", "points"]].sort_values("min_value"),
                            left_on="value", right_on="min_value", by="rule_id", direction="backward")
        step_points[hit["row"].to_numpy()] = hit["points"].fillna(0).to_numpy()

    # indicator_points(): cast to decimal(6, 2), kept as integer hundredths.
    max_points = rules["max_points"].to_numpy()[rule_id]
    is_prop = kind == 2
    proportional = np.full(len(r), np.nan)
    h_max = _hundredths(max_points[is_prop])
    h_target = _hundredths(rules["target_value"].to_numpy()[rule_id[is_prop]])
    proportional[is_prop] = (2 * h_max * value_h[is_prop] + h_target) // (2 * h_target) / 100.0
    earned = np.select([kind == 0, is_steps, is_prop],
                       [np.where(value_h >= 100, max_points, 0.0), np.minimum(step_points, max_points),
                        np.minimum(max_points, proportional)], np.nan)
    points_h = _half_away(earned, 100).astype(np.int64)

    # by_objective, by_unit.
    by_obj = r[["fiscal_year", "unit_code"]].assign(
        objective_no=rules["objective_no"].to_numpy()[rule_id], points_h=points_h, max_points=max_points).groupby(
        ["fiscal_year", "unit_code", "objective_no"], observed=True, sort=False).sum().reset_index()
    weights = rel["scenario_objective_weights"]
    weights = weights.loc[weights["framework_id"] == ruleset.framework_id, ["objective_no", "weight"]]
    by_obj = by_obj.merge(weights, on="objective_no", how="left")
    by_obj["weighted"] = by_obj["weight"] * 100 * (by_obj["points_h"] / 100.0) / by_obj["max_points"]
    u = by_obj.groupby(["fiscal_year", "unit_code"], observed=True, sort=False).agg(
        points_h=("points_h", "sum"), max_points=("max_points", "sum"), n_weights=("weight", "count"),
        weight=("weight", "sum"), weighted=("weighted", "sum")).reset_index()
    part, whole = u["points_h"].to_numpy(), _hundredths(u["max_points"])
    pooled = (20000 * part + whole) // (2 * whole)          # percent_of(), in hundredths
    with np.errstate(invalid="ignore", divide="ignore"):
        weighted = _round_decimal(_half_away(u["weighted"] / u["weight"], 1e6), 10000)
    score_h = np.where(u["n_weights"].to_numpy() == 0, pooled, weighted)
    score_pct = score_h / 100.0

    # rewarded: the 1–5 reward scale by the five target levels, linear in between.
    levels = np.asarray(ruleset.levels, dtype=float)
    reached = (levels[None, :] <= score_pct[:, None]).sum(axis=1)
    k = np.clip(reached, 1, len(levels) - 1)
    between = reached + (score_pct - levels[k - 1]) / (levels[k] - levels[k - 1])
    reward = np.where(np.isnan(score_pct), np.nan,   # no score (only zero-weighted objectives): no reward
                      np.where(reached == 0, 1.0, np.where(reached >= len(levels), float(len(levels)), between)))
    reward_4 = _round_decimal(_half_away(reward, 1e8), 10000)

    # components, overall.
    cw = rel["scenario_component_weights"]
    cw = cw[cw["weight"] > 0]   # a component weighted 0 is not needed for an overall score
    comp = frames["evaluation_components"]
    comp = comp.loc[comp["fiscal_year"].isin(u["fiscal_year"].unique())]
    comp = comp.merge(_as_key(cw, "component_code", comp["component_code"]), on="component_code")
    comp = comp.assign(weighted_score=comp["score"] * comp["weight"]).groupby(
        ["fiscal_year", "unit_code"], observed=True, sort=False).agg(
        weighted_score=("weighted_score", "sum"), num_components=("weight", "size")).reset_index()
    u = u[["fiscal_year", "unit_code", "points_h", "max_points"]].assign(
        score_h=score_h, reward_4=reward_4, unit_code=u["unit_code"].astype(str))
    u = u.merge(frames["units"][["unit_code", "unit_kind"]].astype({"unit_code": str}), on="unit_code")
    u = u.merge(comp.astype({"unit_code": str}), on=["fiscal_year", "unit_code"], how="left")
    complete = u["num_components"].fillna(0).to_numpy() == len(cw)
    overall = ruleset.transparency_weight * (u["reward_4"] / 10000.0) + u["weighted_score"].fillna(0)
    overall_4 = np.where(complete, _round_decimal(_half_away(overall, 1e8), 10000), np.nan)

    out = pd.DataFrame({
        "fiscal_year": u["fiscal_year"].to_numpy(), "unit_code": u["unit_code"].to_numpy(),
        "unit_kind": u["unit_kind"].to_numpy(), "points": u["points_h"].to_numpy() / 100.0,
        "max_points": u["max_points"].to_numpy(), "score_pct": u["score_h"].to_numpy() / 100.0,
        "reward_score": u["reward_4"].to_numpy() / 10000.0, "overall_score": overall_4 / 10000.0,
    })

    # with_tier: the tier of the highest cut-off the tier value reaches.
    out["tier_value"] = out["score_pct"] if ruleset.tier_basis == "score_pct" else out["overall_score"]
    known = out[["tier_value"]].dropna().sort_values("tier_value")
    tiered = pd.merge_asof(known.reset_index(), rel["scenario_tiers"].sort_values("min_value"),
                           left_on="tier_value", right_on="min_value", direction="backward")
    out["tier"] = pd.Series(tiered["tier"].to_numpy(), index=tiered["index"]).reindex(out.index).to_numpy(object)
    out["multiplier"] = pd.Series(tiered["multiplier"].to_numpy(dtype=float), index=tiered["index"]).reindex(out.index)

    # final: ranks (none without a score) and the reward money.
    out["rank_in_kind"] = _rank(out.groupby(["fiscal_year", "unit_kind"], sort=False)["score_pct"])
    out["rank_overall"] = _rank(out.groupby("fiscal_year", sort=False)["tier_value"])
    total = out.groupby("fiscal_year", sort=False)["multiplier"].transform("sum")
    out["reward_baht"] = _share_of(ruleset.pool_baht, out["multiplier"].to_numpy(), total.to_numpy())
    out["fiscal_year"] = out["fiscal_year"].astype(results["fiscal_year"].dtype)
    return out.sort_values(["fiscal_year", "unit_code"]).reset_index(drop=True)[SCORE_COLUMNS]


def load_frames(db: Database) -> dict[str, pd.DataFrame]:
    """The tables scoring_pandas reads, whole, as DataFrames; codes of the big tables categorical
    (what a pandas user would hold 10 M rows in)."""
    cur = db.cursor()
    try:
        frames = {name: cur.table(name).select(*cols).df() for name, cols in FRAMES.items()}
    finally:
        cur.close()
    for name, cols in (("results", ("unit_code", "indicator_code")),
                       ("evaluation_components", ("unit_code", "component_code"))):
        for col in cols:
            frames[name][col] = frames[name][col].astype("category")
    return frames


def differences(duck: pd.DataFrame, pandas: pd.DataFrame, tolerance: float = 1e-9) -> list[str]:
    """What differs between two unit_scores frames: rows (fiscal year, unit, order), text columns
    exactly, numeric columns to `tolerance` with nulls in the same places. Empty: they agree."""
    if list(duck.columns) != list(pandas.columns):
        return [f"columns {list(duck.columns)} vs {list(pandas.columns)}"]
    keys = ["fiscal_year", "unit_code"]
    if len(duck) != len(pandas) or not duck[keys].astype(str).reset_index(drop=True).equals(
            pandas[keys].astype(str).reset_index(drop=True)):
        return [f"rows: {len(duck):,} vs {len(pandas):,} (fiscal year, unit)"]
    found = []
    for col in duck.columns[2:]:
        a, b = duck[col].reset_index(drop=True), pandas[col].reset_index(drop=True)
        if col in ("unit_kind", "tier"):
            bad = (a.isna() != b.isna()) | (a.notna() & (a.astype(object) != b.astype(object)))
        else:
            x, y = a.astype("float64").to_numpy(), b.astype("float64").to_numpy()
            with np.errstate(invalid="ignore"):
                bad = (np.isnan(x) != np.isnan(y)) | (np.abs(x - y) > tolerance)
        if bad.any():
            found.append(f"{col}: {int(bad.sum()):,} rows")
    return found
