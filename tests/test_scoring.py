"""The scoring engine (saisaat.scoring, saisaat.rulesets) on the tiny database (tests/fixture.py).

Every expected value is worked out by hand in the comment beside it. The stored FY2562 points
(official-f2: binary 3; count >=2 -> 1, >=3 -> 2, >=4 -> 3; percent min(3, 3v/80) to a cent):

    round 1  D01  T2-1.01 1 -> 3   T2-1.02 3 -> 2   T2-2.01 95 -> 3      T2-2.02 1 -> 3   = 11
             D02           0 -> 0           1 -> 0           45 -> 1.69          1 -> 3   = 4.69
             DEPA          1 -> 3           5 -> 3   (core only)                          = 6
             DEPN          1 -> 3           2 -> 1           80 -> 3             0 -> 0   = 7
    round 2  D01           1 -> 3           4 -> 3           60 -> 2.25          1 -> 3   = 11.25
             D02           1 -> 3           2 -> 1           (not submitted)     0 -> 0   = 4
             DEPA   (no result at all)
             DEPN          0 -> 0           3 -> 2           20 -> 0.75          1 -> 3   = 5.75

The tiny rulesets' reward part (fixture.REWARD): levels 50/60/70/80/90, transparency weight 0.2,
one other component 'mission' weighted 0.8, tiers A >= 4 (x2), B >= 3 (x1), C >= 0 (x0), pool 1000.
Mission scores: FY2560 D01 3.5, D02 3.5, DEPA 4.0; FY2562 D01 4.0, D02 3.0, DEPN 2.5 (DEPA none).
"""
from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import fixture
from saisaat import scoring
from saisaat.db import Database
from saisaat.demo import build_demo
from saisaat.rulesets import GRADE_BANDS, RulesetError, parse_ruleset, preset

N = None
F1 = fixture.RULESET_SPECS[0]   # official-f1 of the tiny database
F2 = fixture.RULESET_SPECS[1]   # official-f2 of the tiny database


def norm(value):
    """DOUBLE as the Decimal of its shortest repr (91.67 == 91.67, 91.6666… != 91.67); NaN as None."""
    if isinstance(value, float):
        return None if value != value else Decimal(repr(float(value)))
    if value is pd.NA:
        return None
    if isinstance(value, np.integer):
        return int(value)
    return value


def rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(norm(v) for v in row) for row in frame[columns].itertuples(index=False, name=None)]


def expect(expected: list[tuple]) -> list[tuple]:
    return [tuple(norm(v) for v in row) for row in expected]


def variant(base: dict, **changes) -> dict:
    """A deep copy of a ruleset spec with top-level keys replaced; `reward_*` keys change reward."""
    spec = copy.deepcopy(base)
    spec["is_official"] = False
    spec["ruleset_code"] = "whatif"
    for key, value in changes.items():
        if key.startswith("reward_"):
            spec["reward"][key[len("reward_"):]] = value
        else:
            spec[key] = value
    return spec


def parse(db: Database, spec: dict):
    return parse_ruleset(spec, db.query("indicators_by_code"), source="whatif.json")


def scores(db: Database, spec: dict, fiscal_year: int | None = 2562) -> pd.DataFrame:
    return scoring.unit_scores(db, parse(db, spec), fiscal_year)


def one_unit(frame: pd.DataFrame, unit_code: str, fiscal_year: int = 2562) -> pd.Series:
    row = frame[(frame["unit_code"] == unit_code) & (frame["fiscal_year"] == fiscal_year)]
    assert len(row) == 1
    return row.iloc[0]


def table_counts(db: Database) -> dict[str, int]:
    cur = db.cursor()
    try:
        return {t: cur.execute(f'select count(*) from "{t}"').fetchone()[0]
                for (t,) in db.rows("tables_in_schema")}
    finally:
        cur.close()


# ---- The official framework-2 ruleset, FY2562: every column by hand ---------------------------

# points and max add over the rounds (score_each_round); D02's missing round-2 T2-2.01 is left out
# (max 12 + 9 = 21, not 24); DEPA has round 1 only and no mission score, so no overall, tier or money.
# score_pct: 2225/24 = 92.708 -> 92.71; 869/21 = 41.381 -> 41.38; 600/6 = 100; 1275/24 = 53.125 -> 53.13
# reward (levels 50..90): 92.71 >= 90 -> 5; 41.38 < 50 -> 1; 100 -> 5; 1 + (53.13 - 50)/10 = 1.313
# overall = 0.2 reward + 0.8 mission: 1 + 3.2 = 4.2; 0.2 + 2.4 = 2.6; DEPA none; 0.2626 + 2.0 = 2.2626
# tiers: 4.2 -> A (x2), 2.6 -> C, 2.2626 -> C; money 1000 x 2 / 2 = 1000 for D01, 0 for C
# rank_in_kind by score_pct: D01 1, D02 2; DEPA 1, DEPN 2; rank_overall by overall 4.2, 2.6, 2.2626;
# DEPA (no overall score) has no overall rank
FY2562_OFFICIAL = [
    (2562, "D01", "district", 22.25, 24, 92.71, 5, 4.2, 1, 1, "A", 2, 1000),
    (2562, "D02", "district", 8.69, 21, 41.38, 1, 2.6, 2, 2, "C", 0, 0),
    (2562, "DEPA", "department", 6, 6, 100, 5, N, 1, N, N, N, N),   # no overall score: no overall rank
    (2562, "DEPN", "department", 12.75, 24, 53.13, 1.313, 2.2626, 2, 3, "C", 0, 0),
]


def test_official_f2_fy2562_unit_rows(tiny_db):
    official = scoring.stored_ruleset(tiny_db, framework_id=2)
    frame = scoring.unit_scores(tiny_db, official, 2562)
    assert list(frame.columns) == scoring.SCORE_COLUMNS
    assert rows(frame, scoring.SCORE_COLUMNS) == expect(FY2562_OFFICIAL)


# Every year of framework 1 (fiscal_year None): FY2560 and FY2561 each get their own ranks and pool.
# FY2560 points over both rounds: D01 2.67 + 2.75 = 5.42/6 = 90.33; D02 1 + 1.4 = 2.4/6 = 40;
# DEPA 2.5 + 1.9 = 4.4/6 = 73.33. reward: 5; 1; 3 + 3.33/10 = 3.333.
# overall: 1 + 0.8 x 3.5 = 3.8; 0.2 + 2.8 = 3.0 (exactly B's cut-off); 0.6666 + 3.2 = 3.8666.
# All three B (x1): 1000/3 = 333.33 each. FY2561: D01 only, 472/6 = 78.67, 3 + 8.67/10 = 3.867,
# no mission score: no overall, tier or money.
def test_official_f1_every_year(tiny_db):
    frame = scoring.unit_scores(tiny_db, scoring.stored_ruleset(tiny_db, framework_id=1), None)
    assert rows(frame, scoring.SCORE_COLUMNS) == expect([
        (2560, "D01", "district", 5.42, 6, 90.33, 5, 3.8, 1, 2, "B", 1, 333.33),
        (2560, "D02", "district", 2.40, 6, 40.00, 1, 3.0, 2, 3, "B", 1, 333.33),
        (2560, "DEPA", "department", 4.40, 6, 73.33, 3.333, 3.8666, 1, 1, "B", 1, 333.33),
        (2561, "D01", "district", 4.72, 6, 78.67, 3.867, N, 1, N, N, N, N),   # no overall score: no overall rank
    ])


# A year with no results (FY2563) has no rows; a year outside the framework has none either.
@pytest.mark.parametrize("framework_id, fiscal_year", [(2, 2563), (2, 2560), (1, 2562)])
def test_no_rows_without_results_in_the_framework(tiny_db, framework_id, fiscal_year):
    rs = scoring.stored_ruleset(tiny_db, framework_id=framework_id)
    assert scoring.unit_scores(tiny_db, rs, fiscal_year).empty


# A year's values read once (what the what-if page keeps while the data does not change) give each ruleset
# the scores it gets when they are read afresh: the official rows, then a what-if that makes T2-1.01 worth 1
# instead of 3 (D01, yes in both rounds: 22.25 - 6 + 2 = 18.25 of 24 - 6 + 2 = 20: 91.25). Values read for
# another year or another round aggregation are refused, not scored as if they were the ones asked for.
def test_year_values_read_once_serve_every_ruleset(tiny_db):
    official = scoring.stored_ruleset(tiny_db, framework_id=2)
    values = scoring.year_values(tiny_db, 2, 2562, "score_each_round")
    assert rows(scoring.unit_scores(tiny_db, official, 2562, values), scoring.SCORE_COLUMNS) == expect(
        FY2562_OFFICIAL)
    spec = variant(official.spec, indicators={"T2-1.01": {"rule_type": "binary", "max_points": 1}})
    changed = parse(tiny_db, spec)
    with_values = scoring.unit_scores(tiny_db, changed, 2562, values)
    assert one_unit(with_values, "D01")[["points", "max_points", "score_pct"]].tolist() == [18.25, 20, 91.25]
    pd.testing.assert_frame_equal(with_values, scoring.unit_scores(tiny_db, changed, 2562))
    with pytest.raises(ValueError, match="FY2562"):
        scoring.unit_scores(tiny_db, official, 2560, values)
    with pytest.raises(ValueError, match="sum_values"):
        scoring.unit_scores(tiny_db, official, 2562, scoring.year_values(tiny_db, 2, 2562, "sum_values"))


# The values are shared by every session of the page: sessions scoring them at the same time under different
# rulesets each get their own ruleset's scores (each query runs on its own cursor of the values' in-memory
# database, its ruleset registered there), and the warehouse never sees the values' tables.
def test_year_values_shared_by_sessions_at_once(tiny_db):
    from concurrent.futures import ThreadPoolExecutor
    official = scoring.stored_ruleset(tiny_db, framework_id=2)
    changed = parse(tiny_db, variant(official.spec, indicators={"T2-1.01": {"rule_type": "binary", "max_points": 1}}))
    values = scoring.year_values(tiny_db, 2, 2562, "score_each_round")
    rulesets = [official, changed] * 8
    with ThreadPoolExecutor(4) as pool:
        scored = list(pool.map(lambda rs: scoring.unit_scores(tiny_db, rs, 2562, values), rulesets))
    for rs, frame in zip(rulesets, scored):
        assert one_unit(frame, "D01")["score_pct"] == (91.25 if rs is changed else 92.71)
    assert ("value_cells",) not in tiny_db.rows("tables_in_schema")


# stored_ruleset finds a ruleset by code or the official one of a framework, and refuses others.
def test_stored_ruleset(tiny_db):
    assert scoring.stored_ruleset(tiny_db, framework_id=2).code == "official-f2"
    draft = scoring.stored_ruleset(tiny_db, "draft-f2")
    assert (draft.code, draft.framework_id, draft.round_aggregation) == ("draft-f2", 2, "sum_values")
    with pytest.raises(KeyError):
        scoring.stored_ruleset(tiny_db, "no-such-ruleset")


# ---- Each rule type, one indicator overridden (result_points per result row) -------------------

# (round, unit) -> points of the overridden indicator's results in FY2562.
RULE_CASES = [
    # binary worth 2.5: a value of at least 1 earns it all, 0 earns nothing
    pytest.param("T2-1.01", {"rule_type": "binary", "max_points": 2.5},
                 {(1, "D01"): 2.5, (1, "D02"): 0, (1, "DEPA"): 2.5, (1, "DEPN"): 2.5,
                  (2, "D01"): 2.5, (2, "D02"): 2.5, (2, "DEPN"): 0}, id="binary"),
    # steps [3 -> 1, 5 -> 2.5]: 3 exactly on the first threshold -> 1; 4 between -> 1;
    # 5 exactly on the top threshold -> 2.5; 1 and 2 below the first step -> 0
    pytest.param("T2-1.02", {"rule_type": "steps", "max_points": 3, "steps": [[3, 1], [5, 2.5]]},
                 {(1, "D01"): 1, (1, "D02"): 0, (1, "DEPA"): 2.5, (1, "DEPN"): 0,
                  (2, "D01"): 1, (2, "D02"): 0, (2, "DEPN"): 1}, id="steps"),
    # proportional 2.01 x v / 90, capped at 2.01, half up to a cent in exact arithmetic:
    # 95 -> 2.1217 capped 2.01; 45 -> 1.005 -> 1.01 (a float gives 1.00499…); 80 -> 1.7867 -> 1.79;
    # 60 -> 1.34; 20 -> 0.4467 -> 0.45
    pytest.param("T2-2.01", {"rule_type": "proportional", "max_points": 2.01, "target_value": 90},
                 {(1, "D01"): 2.01, (1, "D02"): 1.01, (1, "DEPN"): 1.79,
                  (2, "D01"): 1.34, (2, "DEPN"): 0.45}, id="proportional-half-up"),
    # proportional 3 x v / 70: 95 and 80 above the target -> capped 3; 60 -> 2.5714 -> 2.57 (down);
    # 45 -> 1.9286 -> 1.93; 20 -> 0.8571 -> 0.86
    pytest.param("T2-2.01", {"rule_type": "proportional", "max_points": 3, "target_value": 70},
                 {(1, "D01"): 3, (1, "D02"): 1.93, (1, "DEPN"): 3,
                  (2, "D01"): 2.57, (2, "DEPN"): 0.86}, id="proportional-capped"),
]


@pytest.mark.parametrize("indicator, rule, expected", RULE_CASES)
def test_rule_types(tiny_db, indicator, rule, expected):
    spec = variant(F2, indicators={indicator: rule})
    frame = scoring.result_points(tiny_db, parse(tiny_db, spec), 2562)
    ours = frame[frame["indicator_code"] == indicator]
    got = {(r.inspection_round, r.unit_code): norm(r.ruleset_points) for r in ours.itertuples()}
    assert got == {k: norm(float(v)) for k, v in expected.items()}
    assert set(ours["max_points"]) == {rule["max_points"]}
    # every other indicator keeps its official (stored) points
    others = frame[frame["indicator_code"] != indicator]
    assert len(others) == 25 - len(expected)
    assert (others["ruleset_points"] == others["stored_points"]).all()


# A by_measure change reaches every indicator of that measure; an override wins over by_measure.
# count steps [1 -> 3] (so T2-1.02 values 1..5 all earn 3) but T2-1.02 overridden by [5 -> 3]:
# only DEPA's 5 earns 3. binary worth 1 instead of 3 for T2-1.01 and T2-2.02.
def test_by_measure_and_override(tiny_db):
    by_measure = copy.deepcopy(F2["by_measure"])
    by_measure["binary"] = {"rule_type": "binary", "max_points": 1}
    by_measure["count"] = {"rule_type": "steps", "max_points": 3, "steps": [[1, 3]]}
    spec = variant(F2, by_measure=by_measure,
                   indicators={"T2-1.02": {"rule_type": "steps", "max_points": 3, "steps": [[5, 3]]}})
    frame = scoring.result_points(tiny_db, parse(tiny_db, spec), 2562)
    count = frame[frame["indicator_code"] == "T2-1.02"]
    assert count.groupby("unit_code")["ruleset_points"].sum().to_dict() == {
        "D01": 0, "D02": 0, "DEPA": 3, "DEPN": 0}
    binary = frame[frame["indicator_code"].isin(["T2-1.01", "T2-2.02"])]
    assert set(binary["max_points"]) == {1}
    # D01 has 1 in all four binary results, DEPN 1, 0, 0, 1
    assert binary.groupby("unit_code")["ruleset_points"].sum().to_dict() == {
        "D01": 4, "D02": 2, "DEPA": 1, "DEPN": 2}


# ---- Round aggregation: score each round, or combine the rounds' values first ------------------

# score_each_round: the stored points added (table above). sum_values: counts added, binary done in
# either round, percents averaged, then scored once (max 3 per indicator, not 6):
#   D01  T2-1.01 max(1,1) -> 3; T2-1.02 3+4=7 -> 3; T2-2.01 (95+60)/2=77.5 -> 3x77.5/80=2.90625 -> 2.91;
#        T2-2.02 -> 3: 11.91/12 = 99.25 -> reward 5, overall 1 + 3.2 = 4.2, A
#   D02  max(0,1) -> 3; 1+2=3 -> 2; 45 (round 1 only) -> 1.69; max(1,0) -> 3: 9.69/12 = 80.75
#        -> reward 4 + 0.75/10 = 4.075, overall 0.815 + 2.4 = 3.215, B
#   DEPA 1 -> 3; 5 -> 3: 6/6 = 100, no overall
#   DEPN max(1,0) -> 3; 2+3=5 -> 3; (80+20)/2=50 -> 1.875 -> 1.88; max(0,1) -> 3: 10.88/12 = 90.67
#        -> reward 5, overall 1 + 2.0 = 3.0 (exactly B's cut-off)
#   money: A x2, B x1, B x1 -> 1000 x 2/4 = 500, 250, 250
@pytest.mark.parametrize("aggregation, expected", [
    ("score_each_round", [
        ("D01", 22.25, 24, 92.71, 5, 4.2, "A", 1000),
        ("D02", 8.69, 21, 41.38, 1, 2.6, "C", 0),
        ("DEPA", 6, 6, 100, 5, N, N, N),
        ("DEPN", 12.75, 24, 53.13, 1.313, 2.2626, "C", 0),
    ]),
    ("sum_values", [
        ("D01", 11.91, 12, 99.25, 5, 4.2, "A", 500),
        ("D02", 9.69, 12, 80.75, 4.075, 3.215, "B", 250),
        ("DEPA", 6, 6, 100, 5, N, N, N),
        ("DEPN", 10.88, 12, 90.67, 5, 3.0, "B", 250),
    ]),
])
def test_round_aggregation(tiny_db, aggregation, expected):
    frame = scores(tiny_db, variant(F2, round_aggregation=aggregation))
    cols = ["unit_code", "points", "max_points", "score_pct", "reward_score", "overall_score",
            "tier", "reward_baht"]
    assert rows(frame, cols) == expect(expected)


# sum_values averages percents and rounds the mean half up to a cent before scoring. FY2560 with
# percent worth 100 x v / 100 (points = the averaged value) and official-f1 otherwise (binary 1,
# count >= 1 -> 1), max 1 + 1 + 100 = 102:
#   D01  binary max(1,1) -> 1; count 2+3 -> 1; (66.67+75)/2 = 70.835 -> 70.84: 72.84/102 = 71.41
#   D02  max(0,1) -> 1; 0+0 -> 0; (100+40)/2 = 70: 71/102 = 69.61
#   DEPA max(1,0) -> 1; 1+1 -> 1; (50+90)/2 = 70: 72/102 = 70.59
@pytest.mark.parametrize("unit, points, score_pct", [
    ("D01", 72.84, 71.41),   # a DOUBLE mean (70.834999…) would give 70.83 and 71.40
    ("D02", 71, 69.61),
    ("DEPA", 72, 70.59),
])
def test_sum_values_percent_mean_rounded_half_up(tiny_db, unit, points, score_pct):
    by_measure = copy.deepcopy(F1["by_measure"])
    by_measure["percent"] = {"rule_type": "proportional", "max_points": 100, "target_value": 100}
    frame = scores(tiny_db, variant(F1, round_aggregation="sum_values", by_measure=by_measure), 2560)
    row = one_unit(frame, unit, 2560)
    assert (norm(row["points"]), row["max_points"], norm(row["score_pct"])) == \
        (norm(float(points)), 102, norm(score_pct))


# ---- Objective weights: the weighted mean of objective percents, or all points pooled ----------

# Objective percents over both rounds:
#   D01  obj 1 (3+2)+(3+3) = 11/12 = 91.6667   obj 2 (3+3)+(2.25+3) = 11.25/12 = 93.75
#   D02  obj 1 (0+0)+(3+1) = 4/12 = 33.3333    obj 2 (1.69+3) = 4.69/9 = 52.1111
#   DEPA obj 1 6/6 = 100 (no objective 2: the weights of the objectives it has, 0.25/0.25)
#   DEPN obj 1 (3+1)+(0+2) = 6/12 = 50         obj 2 (3+0)+(0.75+3) = 6.75/12 = 56.25
# 0.25/0.75: D01 22.9167 + 70.3125 = 93.2292 -> 93.23; D02 8.3333 + 39.0833 = 47.4167 -> 47.42;
#            DEPN 12.5 + 42.1875 = 54.6875 -> 54.69
# 0.5/0.5:   D01 92.7083 -> 92.71 (equal to pooled: same max); D02 42.7222 -> 42.72 (pooled 41.38:
#            the missing submission makes objective 2 smaller); DEPN 53.125 -> 53.13
@pytest.mark.parametrize("weights, expected", [
    ({}, {"D01": 92.71, "D02": 41.38, "DEPA": 100.0, "DEPN": 53.13}),
    ({"1": 0.25, "2": 0.75}, {"D01": 93.23, "D02": 47.42, "DEPA": 100.0, "DEPN": 54.69}),
    ({"1": 0.5, "2": 0.5}, {"D01": 92.71, "D02": 42.72, "DEPA": 100.0, "DEPN": 53.13}),
])
def test_objective_weights(tiny_db, weights, expected):
    frame = scores(tiny_db, variant(F2, objective_weights=weights))
    assert {r.unit_code: norm(r.score_pct) for r in frame.itertuples()} == \
        {k: norm(v) for k, v in expected.items()}
    # points and possible points are the same whatever the weights
    assert rows(frame, ["points", "max_points"]) == expect([(22.25, 24), (8.69, 21), (6, 6), (12.75, 24)])


# The weighted score feeds the reward scale: DEPN 54.69 -> 1 + 4.69/10 = 1.469,
# overall 0.2 x 1.469 + 0.8 x 2.5 = 0.2938 + 2 = 2.2938.
def test_objective_weights_feed_reward(tiny_db):
    row = one_unit(scores(tiny_db, variant(F2, objective_weights={"1": 0.25, "2": 0.75})), "DEPN")
    assert (norm(row["reward_score"]), norm(row["overall_score"])) == (norm(1.469), norm(2.2938))


# A valid ruleset may weight an objective 0 (weights of 0 or more, adding up to 1). DEPA's only
# objective then weighs nothing: it has no score (null, not 0), and the other units are still
# scored on objective 2 alone: D01 11.25/12 = 93.75, D02 4.69/9 = 52.11, DEPN 6.75/12 = 56.25.
def test_zero_objective_weight_does_not_break_the_year(tiny_db):
    frame = scores(tiny_db, variant(F2, objective_weights={"1": 0, "2": 1}))
    assert {r.unit_code: norm(r.score_pct) for r in frame.itertuples()} == \
        {"D01": norm(93.75), "D02": norm(52.11), "DEPA": None, "DEPN": norm(56.25)}


# A unit without a score (DEPA above) gets no reward score either, so no overall score, tier or
# money, even where transparency is the whole evaluation and the lowest tier is paid (x1):
# D01 93.75 -> 5 (A x2), D02 52.11 -> 1 + 2.11/10 = 1.211 (C x1), DEPN 56.25 -> 1.625 (C x1);
# money 2 + 1 + 1 = 4 -> 500, 250, 250.
def test_unit_without_score_gets_no_reward(tiny_db):
    tiers = [{"tier": "A", "min_value": 4, "multiplier": 2},
             {"tier": "C", "min_value": 0, "multiplier": 1}]
    spec = variant(F2, objective_weights={"1": 0, "2": 1}, reward_transparency_weight=1,
                   reward_component_weights={}, reward_tiers=tiers)
    frame = scores(tiny_db, spec)
    assert rows(frame, ["unit_code", "score_pct", "reward_score", "overall_score", "tier", "reward_baht"]) == \
        expect([("D01", 93.75, 5, 5, "A", 500), ("D02", 52.11, 1.211, 1.211, "C", 250),
                ("DEPA", N, N, N, N, N), ("DEPN", 56.25, 1.625, 1.625, "C", 250)])


# ---- Missing evaluation components: only those weighted above 0 are needed ---------------------

# No unit has a 'peer_review' score. Weighted 0, it is not needed: every unit keeps its official
# overall score, tier and money (FY2562_OFFICIAL). Weighted 0.1 (transparency 0.1), every unit lacks
# a component that counts: no overall score, tier or money for anyone (never a missing score as 0).
# Mission weighted 0 and transparency 1: DEPA, which has no mission score, now gets an overall score
# (its reward score 5, tier A): D01 5 A, D02 1 C, DEPA 5 A, DEPN 1.313 C; ranks 1, 4, 1, 3;
# money 1000 x 2 / 4 = 500 for each A.
OVERALL_COLUMNS = ["unit_code", "overall_score", "rank_overall", "tier", "reward_baht"]


@pytest.mark.parametrize("transparency, components, expected", [
    (0.2, {"mission": 0.8, "peer_review": 0},
     [(r[1], r[7], r[9], r[10], r[12]) for r in FY2562_OFFICIAL]),
    (0.1, {"mission": 0.8, "peer_review": 0.1},
     [("D01", N, N, N, N), ("D02", N, N, N, N), ("DEPA", N, N, N, N), ("DEPN", N, N, N, N)]),
    (1, {"mission": 0},
     [("D01", 5, 1, "A", 500), ("D02", 1, 4, "C", 0), ("DEPA", 5, 1, "A", 500), ("DEPN", 1.313, 3, "C", 0)]),
])
def test_components_weighted_zero_are_not_needed(tiny_db, transparency, components, expected):
    spec = variant(F2, reward_transparency_weight=transparency, reward_component_weights=components)
    assert rows(scores(tiny_db, spec), OVERALL_COLUMNS) == expect(expected)


# ---- The 1–5 reward scale: linear between the five target levels, four decimals ----------------

# FY2562 score_pct: D01 92.71, D02 41.38, DEPA 100, DEPN 53.13.
@pytest.mark.parametrize("levels, unit, expected", [
    ([50, 60, 70, 92.71, 95], "D01", 4),              # exactly on level 4
    ([41.38, 50, 60, 70, 80], "D02", 1),              # exactly on level 1
    ([50, 60, 70, 80, 90], "D02", 1),                 # below level 1 -> 1
    ([60, 70, 80, 90, 100], "DEPA", 5),               # exactly on level 5
    ([50, 60, 70, 80, 90], "D01", 5),                 # above level 5 -> 5
    ([50, 60, 70, 80, 90], "DEPN", 1.313),            # 1 + 3.13/10
    ([60, 70, 80, 90, 93], "D01", 4.9033),            # 4 + 2.71/3 = 4.90333
    ([60, 70, 80, 90, 98], "D01", 4.3388),            # 4 + 2.71/8 = 4.33875, half up
    ([60, 70, 80, 90, 92.72], "D01", 4.9963),         # 4 + 2.71/2.72 = 4.99632, just below 5
    ([10, 20, 50, 53.13, 60], "DEPN", 4),             # exactly on level 4 again, other spacing
    ([10, 20, 50, 60, 70], "DEPN", 3.313),            # 3 + 3.13/10
])
def test_reward_scale(tiny_db, levels, unit, expected):
    row = one_unit(scores(tiny_db, variant(F2, reward_levels=levels)), unit)
    assert norm(row["reward_score"]) == norm(float(expected))


# ---- Ranks and tiers ----------------------------------------------------------------------------

# Every measure scored has / has not worth 1, tiers on score_pct (A >= 100 x2, B >= 75 x1, C x0):
#   D01 all eight results >= 1: 8/8 = 100; DEPA 2/2 = 100 (a tie at the top)
#   DEPN (1,1,1,0) + (0,1,1,1) = 6/8 = 75 (exactly B's cut-off); D02 (0,1,1,1) + (1,1,0) = 5/7 = 71.43
#   rank_overall: D01 1, DEPA 1, DEPN 3 (2 is skipped), D02 4; rank_in_kind: D01 1, D02 2, DEPA 1, DEPN 2
#   money: 2 + 2 + 1 + 0 = 5 -> 400, 400, 200, 0
# Every measure scored steps [0 -> 1]: every result earns 1, every unit 100: all share rank 1 and
# tier A, and the pool is split 4 ways.
BINARY_1 = {"rule_type": "binary", "max_points": 1}
ANY_1 = {"rule_type": "steps", "max_points": 1, "steps": [[0, 1]]}
SCORE_TIERS = [{"tier": "A", "min_value": 100, "multiplier": 2},
               {"tier": "B", "min_value": 75, "multiplier": 1},
               {"tier": "C", "min_value": 0, "multiplier": 0}]


@pytest.mark.parametrize("rule, expected", [
    (BINARY_1, [("D01", 100, 1, 1, "A", 400), ("D02", 71.43, 2, 4, "C", 0),
                ("DEPA", 100, 1, 1, "A", 400), ("DEPN", 75, 2, 3, "B", 200)]),
    (ANY_1, [("D01", 100, 1, 1, "A", 250), ("D02", 100, 1, 1, "A", 250),
             ("DEPA", 100, 1, 1, "A", 250), ("DEPN", 100, 1, 1, "A", 250)]),
])
def test_tied_scores_share_a_rank(tiny_db, rule, expected):
    spec = variant(F2, by_measure={"binary": rule, "count": rule, "percent": rule},
                   reward_tier_basis="score_pct", reward_tiers=SCORE_TIERS)
    frame = scores(tiny_db, spec)
    cols = ["unit_code", "score_pct", "rank_in_kind", "rank_overall", "tier", "reward_baht"]
    assert rows(frame, cols) == expect(expected)


# Tier cut-offs on the official FY2562 overall scores (D01 4.2, D02 2.6, DEPN 2.2626; DEPA none):
# a score exactly on a min_value is in that tier; 0.0001 short is not.
# A >= 4.2, B >= 2.6: D01 A, D02 B, DEPN C; money 2 + 1 = 3 -> 666.67, 333.33, 0
# A >= 4.2001, B >= 2.6001: D01 B, D02 C, DEPN C; money 1 -> 1000, 0, 0
@pytest.mark.parametrize("a_min, b_min, expected", [
    (4.2, 2.6, [("D01", "A", 666.67), ("D02", "B", 333.33), ("DEPA", N, N), ("DEPN", "C", 0)]),
    (4.2001, 2.6001, [("D01", "B", 1000), ("D02", "C", 0), ("DEPA", N, N), ("DEPN", "C", 0)]),
])
def test_tier_cut_offs(tiny_db, a_min, b_min, expected):
    tiers = [{"tier": "A", "min_value": a_min, "multiplier": 2},
             {"tier": "B", "min_value": b_min, "multiplier": 1},
             {"tier": "C", "min_value": 0, "multiplier": 0}]
    frame = scores(tiny_db, variant(F2, reward_tiers=tiers))
    assert rows(frame, ["unit_code", "tier", "reward_baht"]) == expect(expected)


# ---- Reward money: pool x multiplier / sum of the year's multipliers ----------------------------

# FY2560 (official-f1 points, overall DEPA 3.8666, D01 3.8, D02 3.0), tiers A >= 3.85 x3,
# B >= 3.5 x2, C x1: sum 6 -> DEPA 1000 x 3/6 = 500, D01 2/6 = 333.33, D02 1/6 = 166.67.
# FY2561 (D01, no overall) gets no tier and no money: each year shares its own pool.
# Pool 0: everybody with a tier gets 0.
@pytest.mark.parametrize("pool, expected", [
    (1000, [(2560, "D01", "B", 2, 333.33), (2560, "D02", "C", 1, 166.67),
            (2560, "DEPA", "A", 3, 500), (2561, "D01", N, N, N)]),
    (0, [(2560, "D01", "B", 2, 0), (2560, "D02", "C", 1, 0),
         (2560, "DEPA", "A", 3, 0), (2561, "D01", N, N, N)]),
])
def test_reward_money(tiny_db, pool, expected):
    tiers = [{"tier": "A", "min_value": 3.85, "multiplier": 3},
             {"tier": "B", "min_value": 3.5, "multiplier": 2},
             {"tier": "C", "min_value": 0, "multiplier": 1}]
    frame = scores(tiny_db, variant(F1, reward_tiers=tiers, reward_pool_baht=pool), None)
    assert rows(frame, ["fiscal_year", "unit_code", "tier", "multiplier", "reward_baht"]) == expect(expected)


# The official pool of 50,000,000 baht on score_pct tiers A >= 95 x6.1, B >= 90 x4, C x1 (FY2562:
# DEPA 100 A, D01 92.71 B, D02 and DEPN C): sum 12.1.
# DEPA 50e6 x 6.1/12.1 = 25,206,611.5702 -> .57; D01 50e6 x 4/12.1 = 16,528,925.6198 -> .62;
# D02, DEPN 50e6/12.1 = 4,132,231.40495… -> .40 (half up to a satang of the exact share, rounded
# once: via 4 places it would become .4050 and then .41); the shares then add up to
# 49,999,999.99, never more than the pool.
def test_reward_money_rounds_the_exact_share(tiny_db):
    tiers = [{"tier": "A", "min_value": 95, "multiplier": 6.1},
             {"tier": "B", "min_value": 90, "multiplier": 4},
             {"tier": "C", "min_value": 0, "multiplier": 1}]
    spec = variant(F2, reward_tier_basis="score_pct", reward_tiers=tiers, reward_pool_baht=50_000_000)
    frame = scores(tiny_db, spec)
    assert rows(frame, ["unit_code", "reward_baht"]) == expect([
        ("D01", 16528925.62), ("D02", 4132231.40), ("DEPA", 25206611.57), ("DEPN", 4132231.40)])


# ---- Validation: a ruleset with a problem is refused, saying where, in Thai and English ---------
# Each check the parser makes (README "Ruleset files"), with its exact message.

def _steps(steps):
    return lambda s: s["by_measure"].update(count={"rule_type": "steps", "max_points": 3, "steps": steps})


def _tiers(*mins):
    return lambda s: s["reward"].update(tiers=[
        {"tier": name, "min_value": m, "multiplier": 3 - i} for i, (name, m) in enumerate(zip("ABC", mins))])


def _set(path: str, value):
    """A change that sets spec[a][b]... = value (path 'a.b'); value DELETE removes the key."""
    def change(spec):
        *parents, last = path.split(".")
        node = spec
        for key in parents:
            node = node[key]
        if value is DELETE:
            del node[last]
        else:
            node[last] = value
    return change


DELETE = object()
COUNT = "whatif.json / by_measure / count"
REWARD = "whatif.json / reward"


def _count(rule):
    return _set("by_measure.count", rule)


CHECKS = [
    # the ruleset itself
    (_set("ruleset_code", ""), "whatif.json", "ruleset_code is required"),
    (_set("round_aggregation", "weekly"), "whatif.json",
     "unknown round_aggregation 'weekly'; use one of score_each_round, sum_values"),
    (_set("framework_id", 9), "whatif.json", "framework_id 9 has no indicators"),
    (_set("by_measure", "binary"), "whatif.json / by_measure", "by_measure must be a JSON object"),
    (_set("indicators", ["T2-1.01"]), "whatif.json / indicators", "indicators must be a JSON object"),
    (_set("indicators", {"T9-9.99": {"rule_type": "binary", "max_points": 1}}), "whatif.json / T9-9.99",
     "no such indicator in this framework"),
    (_set("by_measure.percent", DELETE), "whatif.json / T2-2.01", "no rule for measure 'percent'"),
    # each rule
    (_count(5), COUNT, "a rule is a JSON object"),
    (_count({"rule_type": "ladder", "max_points": 3}), COUNT,
     "unknown rule_type 'ladder'; use one of binary, steps, proportional"),
    (_set("by_measure.binary.max_points", 0), "whatif.json / by_measure / binary", "max_points must be a positive number"),
    (_set("by_measure.binary.max_points", True), "whatif.json / by_measure / binary",
     "max_points must be a positive number"),
    (_set("by_measure.percent.target_value", 0), "whatif.json / by_measure / percent",
     "target_value must be a positive number"),
    (_count({"rule_type": "steps", "max_points": 3, "steps": [[2, 1, 0]]}), COUNT,
     "each step is written [min_value, points]"),
    (_count({"rule_type": "steps", "max_points": 3, "steps": []}), COUNT, "a steps rule needs at least one step"),
    (_count({"rule_type": "steps", "max_points": 3, "steps": [[-1, 1]]}), COUNT,
     "each step's min_value and points must be 0 or more"),
    (_count({"rule_type": "steps", "max_points": 3, "steps": [[2, 2], [3, 1]]}), COUNT,
     "a higher step must not earn fewer points than a lower one"),
    (_count({"rule_type": "steps", "max_points": 3, "steps": [[2, 1], [3, 4]]}), COUNT,
     "a step earns more than max_points"),
    # objective weights
    (_set("objective_weights", [0.5, 0.5]), "whatif.json / objective_weights",
     "objective_weights must be a JSON object"),
    (_set("objective_weights", {"1": -0.5, "2": 1.5}), "whatif.json / objective_weights",
     "objective weights must be numbers of 0 or more"),
    (_set("objective_weights", {"1": 0.5, "7": 0.5}), "whatif.json / objective_weights",
     "no objective 7 in this framework"),
    (_set("objective_weights", {"1": 0.5, "2": 0.6}), "whatif.json / objective_weights",
     "objective weights add up to 1.1; they must add up to 1"),
    # the reward part
    (_set("reward", DELETE), "whatif.json", "a reward section (target levels, weights, tiers) is required"),
    (_set("reward.levels", [50, 60]), REWARD, "levels must be 5 numbers (score percent of levels 1 to 5)"),
    (_set("reward.levels", [50, 50, 70, 80, 90]), REWARD, "levels 1 to 5 must rise strictly and lie between 0 and 100"),
    (_set("reward.levels", [60, 70, 80, 90, 101]), REWARD, "levels 1 to 5 must rise strictly and lie between 0 and 100"),
    (_set("reward.component_weights", [0.8]), REWARD, "component_weights must be a JSON object"),
    (_set("reward.transparency_weight", 1.5), REWARD, "weights must be numbers between 0 and 1"),
    (_set("reward.component_weights", {"mission": -0.2}), REWARD, "weights must be numbers between 0 and 1"),
    (_set("reward.tier_basis", "rank"), REWARD, "unknown tier_basis 'rank'; use one of overall_score, score_pct"),
    (_set("reward.tiers", []), REWARD, "at least one tier is needed, each with its own name"),
    (_set("reward.tiers", [{"tier": "A", "min_value": 3, "multiplier": 1}, {"tier": "A", "min_value": 0, "multiplier": 0}]),
     REWARD, "at least one tier is needed, each with its own name"),
    (_set("reward.tiers", [{"tier": "A", "min_value": 3, "multiplier": 1},
                           {"tier": "B", "min_value": 0, "multiplier": -1}]),
     REWARD, "tier min_value and multiplier must be numbers, multipliers 0 or more"),
    (_set("reward.tiers", [{"tier": "A", "min_value": "3", "multiplier": 1},
                           {"tier": "B", "min_value": 0, "multiplier": 0}]),
     REWARD, "tier min_value and multiplier must be numbers, multipliers 0 or more"),
    (_set("reward.tiers", [{"tier": "A", "min_value": 3, "multiplier": 1},
                           {"tier": "B", "min_value": 1.5, "multiplier": 0}]),
     REWARD, "the last tier must take every lower score: its min_value at most 1 (the lowest possible overall_score)"),
    (lambda s: (_set("reward.tier_basis", "score_pct")(s), _set("reward.tiers", [
        {"tier": "A", "min_value": 90, "multiplier": 1}, {"tier": "B", "min_value": 0.5, "multiplier": 0}])(s)),
     REWARD, "the last tier must take every lower score: its min_value at most 0 (the lowest possible score_pct)"),
    (_set("reward.tiers", [{"tier": "A", "min_value": 3, "multiplier": 1}, {"tier": "B", "min_value": 0, "multiplier": 2}]),
     REWARD, "a higher tier must not get a smaller multiplier than a lower one"),
    (_set("reward.pool_baht", -1), REWARD, "pool_baht must be a number of 0 or more"),
]
INVALID = [
    pytest.param(_steps([[2, 1], [2, 2]]), "whatif.json / by_measure / count",
                 "step thresholds must rise strictly (no overlap or repeat)", id="overlapping-steps"),
    pytest.param(_steps([[3, 1], [2, 2]]), "whatif.json / by_measure / count",
                 "step thresholds must rise strictly (no overlap or repeat)", id="falling-steps"),
    pytest.param(_steps([[2, -1], [3, 2]]), "whatif.json / by_measure / count",
                 "each step's min_value and points must be 0 or more", id="negative-points"),
    pytest.param(lambda s: s.update(indicators={
        "T2-1.02": {"rule_type": "steps", "max_points": 3, "steps": [[2, 2], [3, 1]]}}),
        "whatif.json / T2-1.02", "a higher step must not earn fewer points than a lower one",
        id="points-falling-in-override"),
    pytest.param(lambda s: s.update(objective_weights={"1": 0.5, "2": 0.4}),
                 "whatif.json / objective_weights", "objective weights add up to 0.9; they must add up to 1",
                 id="objective-weights-0.9"),
    pytest.param(lambda s: s["reward"].update(transparency_weight=0.3), "whatif.json / reward",
                 "the transparency weight and the other components' weights add up to 1.1; they must add up to 1",
                 id="component-weights-1.1"),
    pytest.param(lambda s: s["reward"].update(component_weights={"mission": 0.7}), "whatif.json / reward",
                 "the transparency weight and the other components' weights add up to 0.9; they must add up to 1",
                 id="component-weights-0.9"),
    pytest.param(_tiers(3, 4, 0), "whatif.json / reward",
                 "tier cut-offs must fall strictly from the first tier to the last (no overlap)", id="tiers-rising"),
    pytest.param(_tiers(4, 4, 0), "whatif.json / reward",
                 "tier cut-offs must fall strictly from the first tier to the last (no overlap)", id="tiers-equal"),
    pytest.param(_tiers(4, 3, 2), "whatif.json / reward",
                 "the last tier must take every lower score: its min_value at most 1 (the lowest possible "
                 "overall_score)", id="last-tier-not-open"),
] + [pytest.param(*case) for case in CHECKS]
THAI = "\u0e00-\u0e7f"


# One problem, one line: the place, then the message in the reader's language (exactly); str() (the
# command line) gives the place once, then Thai / English.
@pytest.mark.parametrize("change, where, english", INVALID)
def test_invalid_ruleset_is_refused(tiny_db, change, where, english):
    spec = variant(F2)
    change(spec)
    with pytest.raises(RulesetError) as info:
        parse(tiny_db, spec)
    lines = [line for line in str(info.value).splitlines() if line.startswith(where + ": ")]
    assert len(lines) == 1, str(info.value)
    thai, _, eng = lines[0][len(where) + 2:].partition(" / ")
    assert any(THAI[0] <= ch <= THAI[-1] for ch in thai), lines[0]
    assert english in eng
    assert info.value.text("en") == f"{where}: {english}"
    assert info.value.text("th") == f"{where}: {thai}"
    assert str(info.value) == f"{where}: {thai} / {english}"


# What the parser accepts at the edges: a step worth 0 points (an explicit "below this, nothing"),
# a step worth exactly max_points, a last overall tier starting at 1 (the lowest overall score),
# weights of 0. The 0-point step scores: count 1 -> 0, 2 -> 1, 3 -> 2 under [[0, 0], [2, 1], [3, 2]].
def test_edges_the_parser_accepts(tiny_db):
    spec = variant(F2, objective_weights={"1": 0, "2": 1},
                   reward_tiers=[{"tier": "A", "min_value": 4, "multiplier": 2},
                                 {"tier": "B", "min_value": 1, "multiplier": 0}],
                   reward_transparency_weight=1, reward_component_weights={"mission": 0})
    spec["by_measure"]["count"] = {"rule_type": "steps", "max_points": 2, "steps": [[0, 0], [2, 1], [3, 2]]}
    ruleset = parse(tiny_db, spec)
    frame = scoring.result_points(tiny_db, ruleset, 2562)
    count = frame[frame["indicator_code"] == "T2-1.02"]
    assert {(r.inspection_round, r.unit_code): norm(r.ruleset_points) for r in count.itertuples()} == {
        (1, "D01"): norm(2.0), (1, "D02"): norm(0.0), (1, "DEPA"): norm(2.0), (1, "DEPN"): norm(1.0),
        (2, "D01"): norm(2.0), (2, "D02"): norm(1.0), (2, "DEPN"): norm(2.0)}


# The ruleset files and the names the command line resolves: each refusal's exact message.
def test_file_and_name_messages(tiny_db, tmp_path):
    from saisaat.rulesets import read_ruleset_bytes, read_ruleset_file
    from saisaat.whatif import parse_steps
    indicators = tiny_db.query("indicators_by_code")
    cases = [
        (lambda: read_ruleset_bytes(b"{", indicators, "bad.json"),
         ("bad.json: cannot read the ruleset file: it must be JSON in the format the README gives "
          "(Expecting property name enclosed in double quotes: line 1 column 2 (char 1))")),
        (lambda: read_ruleset_bytes(b"[1]", indicators, "list.json"), "list.json: a ruleset file is one JSON object"),
        (lambda: read_ruleset_file(tmp_path / "none.json", indicators),
         f"none.json: cannot open the file ([Errno 2] No such file or directory: '{tmp_path / 'none.json'}')"),
        (lambda: scoring.resolve_ruleset(tiny_db, 2599, None), "fiscal year 2599 is not in the database (2560–2563)"),
        (lambda: scoring.resolve_ruleset(tiny_db, 2562, "nope"),
         ("no ruleset 'nope': give a ruleset file, a stored ruleset code, a saved scenario's name, "
          "or one of official, binary, grades")),
        (lambda: scoring.resolve_ruleset(tiny_db, 2562, "official-f1"),
         "ruleset 'official-f1' is for framework 1, but fiscal year 2562 uses framework 2"),
        (lambda: parse_steps("2-1", "count"), "count: step '2-1' must read min_value:points, e.g. 2:1, 3:2"),
    ]
    for call, english in cases:
        with pytest.raises(RulesetError) as info:
            call()
        assert info.value.text("en") == english


# Every problem is listed at once, each with its place.
def test_every_problem_listed(tiny_db):
    spec = variant(F2, objective_weights={"1": 0.5, "2": 0.4})
    _steps([[3, 1], [2, 2]])(spec)
    spec["reward"]["transparency_weight"] = 0.3
    with pytest.raises(RulesetError) as info:
        parse(tiny_db, spec)
    places = sorted(line.split(": ")[0] for line in str(info.value).splitlines())
    assert places == ["whatif.json / by_measure / count", "whatif.json / objective_weights",
                      "whatif.json / reward"]


# Refused rulesets and what-if runs write nothing: every table keeps its row count, and the stored
# points stay as they were.
def test_nothing_is_written(tiny_db):
    before = table_counts(tiny_db)
    stored_before = tiny_db.rows("unit_scores", fiscal_year=2562, inspection_round=None)
    for case in INVALID:
        change = case.values[0]
        spec = variant(F2)
        change(spec)
        with pytest.raises(RulesetError):
            parse(tiny_db, spec)
    whatif = parse(tiny_db, preset("binary", F2))
    scoring.unit_scores(tiny_db, whatif, None)
    scoring.result_points(tiny_db, whatif, None)
    assert table_counts(tiny_db) == before
    assert before["results"] == 49 and before["rulesets"] == 3   # the tiny database as built
    assert tiny_db.rows("unit_scores", fiscal_year=2562, inspection_round=None) == stored_before


# ---- The official rulesets reproduce what is stored ---------------------------------------------

# Every stored result (24 in framework 1, 25 in framework 2) gets the same points from the official
# ruleset as it was stored with, at the official max (1 and 3).
@pytest.mark.parametrize("framework_id, num_results, max_points", [(1, 24, 1), (2, 25, 3)])
def test_official_reproduces_stored_points(tiny_db, framework_id, num_results, max_points):
    frame = scoring.result_points(tiny_db, scoring.stored_ruleset(tiny_db, framework_id=framework_id), None)
    assert len(frame) == num_results
    assert (frame["stored_points"] == frame["ruleset_points"]).all()
    assert set(frame["max_points"]) == {max_points}


# The engine's score_pct (official, score_each_round, no weights) equals the one the pages show
# (queries/unit_scores.sql, both rounds) for every scored unit of every year with results.
@pytest.mark.parametrize("framework_id, fiscal_year", [(1, 2560), (1, 2561), (2, 2562)])
def test_engine_matches_unit_scores_page_query(tiny_db, framework_id, fiscal_year):
    engine = scoring.unit_scores(tiny_db, scoring.stored_ruleset(tiny_db, framework_id=framework_id),
                                 fiscal_year)
    page = tiny_db.query("unit_scores", fiscal_year=fiscal_year, inspection_round=None)
    page = page[page["score_pct"].notna()]
    cols = ["unit_code", "points", "max_points", "score_pct", "rank_in_kind"]
    assert rows(engine, cols) == rows(page, cols)
    assert len(engine) == {2560: 3, 2561: 1, 2562: 4}[fiscal_year]


# ---- One rule application: the points_under table macro (saisaat/schema.sql) -------------------

# Values given as a CTE, scored by the stored official rules (official_rules, rule_steps): the rules
# of the value's own framework only, steps of the matching ruleset only (draft-f2 would give 5 for
# any count), other columns passed through. official-f2 count steps 2 -> 1, 3 -> 2, 4 -> 3 (max 3):
# 1.99 below the first step -> 0; 3 exactly on a threshold -> 2; 3.5 between -> 2; 9 -> 3.
# Percent 3 x 50 / 80 = 1.875 -> 1.88 (half up). T2-1.02 under framework 1 has no rule, nor has an
# unknown code: no max, no points (null, never 0).
POINTS_UNDER_VALUES = """
    with vals as (
        select * from (values
            ('a', 2, 'T2-1.02', 1.99), ('b', 2, 'T2-1.02', 3), ('c', 2, 'T2-1.02', 3.5),
            ('d', 2, 'T2-1.02', 9), ('e', 2, 'T2-2.01', 50), ('f', 2, 'T2-1.01', 0),
            ('g', 1, 'T2-1.02', 3), ('h', 2, 'NO-SUCH', 3)
        ) as t(tag, framework_id, indicator_code, value)
    )
    select tag, max_points, points from points_under('vals', 'official_rules', 'rule_steps') order by tag
"""


def test_points_under_official_rules(tiny_db):
    cur = tiny_db.cursor()
    try:
        got = [tuple(norm(float(v)) if isinstance(v, Decimal) else v for v in row)
               for row in cur.execute(POINTS_UNDER_VALUES).fetchall()]
    finally:
        cur.close()
    assert got == expect([("a", 3.0, 0.0), ("b", 3.0, 2.0), ("c", 3.0, 2.0), ("d", 3.0, 3.0),
                          ("e", 3.0, 1.88), ("f", 3.0, 0.0), ("g", N, N), ("h", N, N)])


# A ruleset registered on one cursor (a session's what-if) is what points_under reads there, and
# no other cursor sees it: steps [1 -> 3] make the count 1.99 worth 3 on the first cursor only.
def test_points_under_reads_relations_of_its_own_cursor(tiny_db):
    spec = variant(F2, by_measure={**F2["by_measure"],
                                   "count": {"rule_type": "steps", "max_points": 3, "steps": [[1, 3]]}})
    rel = scoring.relations(parse(tiny_db, spec))
    sql = POINTS_UNDER_VALUES.replace("'official_rules', 'rule_steps'", "'scenario_rules', 'scenario_steps'")
    mine, other = tiny_db.cursor(), tiny_db.cursor()
    try:
        for name, frame in rel.items():
            mine.register(name, frame)
        assert mine.execute(sql).fetchall()[0] == ("a", 3.0, Decimal("3.00"))
        with pytest.raises(Exception, match="scenario_rules"):
            other.execute(sql)
    finally:
        mine.close()
        other.close()


# The rule application is written once: the queries that score values call points_under, and no
# query file joins steps or computes indicator points itself.
def test_rule_application_written_once():
    queries = sorted(Path(fixture.__file__).resolve().parent.parent.joinpath("queries").rglob("*.sql"))
    calls = {p.stem for p in queries if "points_under(" in p.read_text(encoding="utf-8")}
    assert calls == {"insert_scored_results", "result_points_by_ruleset", "unit_reward_scores"}
    for p in queries:
        text = p.read_text(encoding="utf-8")
        assert "indicator_points(" not in text and "step_ranges" not in text, p.name


# ---- Presets: what-if starting points derived from the official ruleset -------------------------

# 'binary': a yes, one activity or the percent target reached earns full points; nothing else does.
# 'grades': official points, tiers by the 100-point grade bands on score_pct. 'official': as is.
def test_preset_specs(tiny_db):
    official = scoring.stored_ruleset(tiny_db, framework_id=2).spec
    binary = preset("binary", official)
    assert (binary["ruleset_code"], binary["is_official"], binary["indicators"]) == ("binary-f2", False, {})
    assert binary["by_measure"] == {
        "binary": {"rule_type": "binary", "max_points": 3},
        "count": {"rule_type": "steps", "max_points": 3, "steps": [[1, 3]]},
        "percent": {"rule_type": "steps", "max_points": 3, "steps": [[80, 3]]},
    }
    assert binary["reward"] == official["reward"]
    grades = preset("grades", official)
    assert (grades["ruleset_code"], grades["reward"]["tier_basis"]) == ("grades-f2", "score_pct")
    assert [t["tier"] for t in grades["reward"]["tiers"]] == ["AA", "A", "B", "C", "D", "E", "F"]
    assert grades["by_measure"] == official["by_measure"]
    same = preset("official", official)
    assert (same["ruleset_code"], same["is_official"]) == ("official-f2-whatif", False)
    assert {k: v for k, v in same.items() if k not in ("ruleset_code", "is_official")} == \
        {k: v for k, v in official.items() if k not in ("ruleset_code", "is_official")}
    assert official["is_official"] is True   # the official spec itself is left alone
    with pytest.raises(ValueError):
        preset("no-such-preset", official)


# 'binary' in FY2562 (count >= 1 -> 3, percent >= 80 -> 3, binary 3):
#   D01  r1 3+3+3(95)+3 = 12, r2 3+3+0(60)+3 = 9: 21/24 = 87.5 -> reward 4 + 7.5/10 = 4.75,
#        overall 0.95 + 3.2 = 4.15, A, the only multiplier: 1000
#   DEPN r1 3+3+3(80, exactly the target)+0 = 9, r2 0+3+0(20)+3 = 6: 15/24 = 62.5 -> 2.25,
#        overall 0.45 + 2.0 = 2.45, C
# 'grades' (official points, tiers on score_pct): D01 92.71 -> A x1.3, D02 41.38 -> F x0,
#   DEPA 100 -> AA x1.5 (a tier on score_pct needs no overall score), DEPN 53.13 -> E x0.5;
#   sum 3.3: D01 1000 x 1.3/3.3 = 393.94, DEPA 454.55, DEPN 151.52; rank_overall by score_pct
PRESET_COLUMNS = ["points", "max_points", "score_pct", "reward_score", "overall_score", "rank_overall",
                  "tier", "multiplier", "reward_baht"]


@pytest.mark.parametrize("name, unit, expected", [
    ("binary", "D01", (21, 24, 87.5, 4.75, 4.15, 1, "A", 2, 1000)),
    ("binary", "DEPN", (15, 24, 62.5, 2.25, 2.45, 3, "C", 0, 0)),
    ("grades", "D01", (22.25, 24, 92.71, 5, 4.2, 2, "A", 1.3, 393.94)),
    ("grades", "DEPA", (6, 6, 100, 5, N, 1, "AA", 1.5, 454.55)),
    ("grades", "DEPN", (12.75, 24, 53.13, 1.313, 2.2626, 3, "E", 0.5, 151.52)),
])
def test_preset_scores(tiny_db, name, unit, expected):
    official = scoring.stored_ruleset(tiny_db, framework_id=2).spec
    frame = scoring.unit_scores(tiny_db, parse(tiny_db, preset(name, official)), 2562)
    row = frame[frame["unit_code"] == unit]
    assert rows(row, PRESET_COLUMNS) == expect([expected])


# The grade bands are the national assessment's: AA 95, A 85, B 75, C 65, D 55, E 50, F 0.
def test_grade_bands():
    assert [(g["tier"], g["min_value"]) for g in GRADE_BANDS] == [
        ("AA", 95), ("A", 85), ("B", 75), ("C", 65), ("D", 55), ("E", 50), ("F", 0)]


# ---- The command line: a preset (or any resolved ruleset) written as a ruleset file --------------

@pytest.fixture
def tiny_path(tmp_path):
    """The tiny database as a file only (the CLI opens it itself, read-only)."""
    path = tmp_path / "tiny.duckdb"
    fixture.build_tiny(path)
    return path


# The exported file is exactly the preset's spec (ruleset file format), and read back it scores
# exactly like the preset: the same rows as `scores --ruleset NAME`. No name: the official rules.
@pytest.mark.parametrize("name, code", [("binary", "binary-f2"), ("grades", "grades-f2"),
                                        ("official", "official-f2-whatif"), (None, "official-f2")])
def test_ruleset_export_scores_like_the_preset(tiny_path, tmp_path, capsys, name, code):
    from saisaat import cli
    from saisaat.rulesets import read_ruleset_file, spec_json
    out = tmp_path / "out" / "rules.json"
    named = ["--ruleset", name] if name else []
    assert cli.main(["ruleset", "export", "--fiscal-year", "2562", *named, "--out", str(out),
                     "--db", str(tiny_path)]) == 0
    assert capsys.readouterr().out == f"{code} → {out}\n"
    with Database(tiny_path, read_only=True) as db:
        official = scoring.stored_ruleset(db, framework_id=2).spec
        expected_spec = preset(name, official) if name else official
        assert out.read_text(encoding="utf-8") == spec_json(expected_spec)
        from_file = scoring.unit_scores(db, read_ruleset_file(out, db.query("indicators_by_code")), 2562)
        from_preset = scoring.unit_scores(db, parse(db, expected_spec), 2562)
        assert rows(from_file, scoring.SCORE_COLUMNS) == rows(from_preset, scoring.SCORE_COLUMNS)

    def scores_csv(*ruleset) -> str:
        assert cli.main(["scores", "--fiscal-year", "2562", *ruleset, "--db", str(tiny_path)]) == 0
        return capsys.readouterr().out

    by_name, by_file = scores_csv(*named), scores_csv("--ruleset", str(out))
    assert by_file == by_name
    assert by_name.splitlines()[0] == ",".join(cli.CLI_SCORE_COLUMNS) and len(by_name.splitlines()) == 5


# A name that resolves to nothing usable is refused with exit code 2, both languages on stderr
# (the place once), and no file is written.
@pytest.mark.parametrize("fiscal_year, name, english", [
    ("2562", "nope", "no ruleset 'nope'"),
    ("2562", "official-f1", "ruleset 'official-f1' is for framework 1, but fiscal year 2562 uses framework 2"),
    ("2599", "binary", "fiscal year 2599 is not in the database (2560–2563)"),
])
def test_ruleset_export_refused(tiny_path, tmp_path, capsys, fiscal_year, name, english):
    from saisaat import cli
    out = tmp_path / "rules.json"
    assert cli.main(["ruleset", "export", "--fiscal-year", fiscal_year, "--ruleset", name, "--out", str(out),
                     "--db", str(tiny_path)]) == 2
    err = capsys.readouterr().err
    thai, _, eng = err.strip().partition(" / ")
    assert english in eng and any(THAI[0] <= ch <= THAI[-1] for ch in thai)
    assert not out.exists()


# ---- compare, who_moves, summary on hand-built result frames -----------------------------------

def _frame(rows_: list[tuple]) -> pd.DataFrame:
    cols = ["fiscal_year", "unit_code", "unit_kind", "score_pct", "reward_score", "overall_score",
            "rank_overall", "rank_in_kind", "tier", "reward_baht"]
    return pd.DataFrame(rows_, columns=cols)


NA = np.nan
BASE = _frame([
    (2562, "U1", "district", 80.0, 4.0, 4.0, 1, 1, "A", 400.0),
    (2562, "U2", "district", 70.0, 3.0, 3.2, 2, 2, "B", 200.0),
    (2562, "U3", "department", 60.0, 2.0, 3.1, 3, 1, "B", 200.0),
    (2562, "U4", "department", 50.0, 1.0, NA, 4, 2, None, NA),   # no overall score
    (2562, "U6", "district", 40.0, 1.0, 2.0, 5, 3, "C", 200.0),
])
SCENARIO = _frame([
    (2562, "U1", "district", 75.0, 3.5, 3.6, 3, 2, "B", 200.0),
    (2562, "U2", "district", 72.6, 3.26, 4.2, 1, 1, "A", 400.0),
    (2562, "U3", "department", 61.0, 2.1, 3.7, 2, 1, "B", 200.0),
    (2562, "U4", "department", 56.2, 1.6, NA, 4, 2, None, NA),
    (2562, "U5", "department", 30.0, 1.0, 1.5, 5, 3, "C", 0.0),   # scored in the scenario only
])


# compare: per unit, base and scenario side by side; change = scenario - base; rank_change > 0 is
# a move up (base rank - scenario rank); a unit on one side only keeps nulls (not a change to 0).
#   U1 80 -> 75 = -5; 4.0 -> 3.5 = -0.5; 4.0 -> 3.6 = -0.4; 400 -> 200 = -200; rank 1 -> 3 = -2; A -> B
#   U2 +2.6; +0.26; +1.0; +200; rank 2 -> 1 = +1; B -> A
#   U3 +1; +0.1; +0.6; 0; rank 3 -> 2 = +1; B -> B
#   U4 +6.2; +0.6; overall and money null on both sides: null; rank 0; no tier either side: unchanged
#   U5 scenario only: changes null, tier "" -> C counts as changed; U6 base only: C -> "" changed
def test_compare():
    c = scoring.compare(BASE, SCENARIO)
    cols = ["unit_code", "score_pct_change", "reward_score_change", "overall_score_change",
            "reward_baht_change", "rank_change", "tier_changed"]
    assert rows(c, cols) == expect([
        ("U1", -5.0, -0.5, -0.4, -200.0, -2.0, True),
        ("U2", 2.6, 0.26, 1.0, 200.0, 1.0, True),
        ("U3", 1.0, 0.1, 0.6, 0.0, 1.0, False),
        ("U4", 6.2, 0.6, N, N, 0.0, False),
        ("U5", N, N, N, N, N, True),
        ("U6", N, N, N, N, N, True),
    ])
    assert rows(c, ["unit_code", "tier_base", "tier_scenario", "rank_overall_base", "rank_overall_scenario"]) == \
        expect([("U1", "A", "B", 1, 3), ("U2", "B", "A", 2, 1), ("U3", "B", "B", 3, 2),
                ("U4", N, N, 4, 4), ("U5", N, "C", N, 5), ("U6", "C", N, 5, N)])


# who_moves: tier changes by overall change (U2 +1.0, U1 -0.4, then U5 and U6 with no change figure);
# up by rank gained, ties by code (U2 and U3 both +1); down by rank lost (U1 -2); n cuts each list.
def test_who_moves():
    moves = scoring.who_moves(scoring.compare(BASE, SCENARIO))
    assert moves["tier_changes"]["unit_code"].tolist()[:2] == ["U2", "U1"]
    assert sorted(moves["tier_changes"]["unit_code"].tolist()[2:]) == ["U5", "U6"]
    assert moves["rank_up"]["unit_code"].tolist() == ["U2", "U3"]
    assert moves["rank_down"]["unit_code"].tolist() == ["U1"]
    assert moves["rank_moves"]["unit_code"].tolist() == ["U2", "U3", "U1"]   # the page's one list: ups first
    assert scoring.who_moves(scoring.compare(BASE, SCENARIO), n=1)["rank_up"]["unit_code"].tolist() == ["U2"]


# summary: 6 units; tier changes U1, U2, U5, U6 = 4; gainers by overall score U2 +1.0 and U3 +0.6,
# loser U1 -0.4 (U4, U5, U6 have no change figure: neither); money moved = the positive changes,
# U2's +200; mean score change over the units that have one: (-5 + 2.6 + 1 + 6.2) / 4 = 4.8/4 = 1.2.
def test_summary():
    assert scoring.summary(scoring.compare(BASE, SCENARIO)) == {
        "units": 6, "tier_changes": 4, "gainers": 2, "losers": 1,
        "money_moved_baht": 200.0, "mean_score_change": 1.2,
    }


# The baseline against itself: every change 0 (null where the figure is null), no tier change,
# no money moved.
def test_compare_with_itself(tiny_db):
    base = scoring.unit_scores(tiny_db, scoring.stored_ruleset(tiny_db, framework_id=2), 2562)
    c = scoring.compare(base, base)
    assert c["score_pct_change"].tolist() == [0, 0, 0, 0]
    assert c["rank_change"].fillna(-1).tolist() == [0, 0, -1, 0]   # DEPA: no overall score, no rank
    assert not c["tier_changed"].any()
    assert scoring.summary(c) == {"units": 4, "tier_changes": 0, "gainers": 0, "losers": 0,
                                  "money_moved_baht": 0.0, "mean_score_change": 0.0}


# ---- The BMA demo database: the official rulesets reproduce every stored point ----------------

@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo-scoring") / "demo.duckdb"
    build_demo(path)
    with Database(path, read_only=True) as db:
        yield db


# Both frameworks, every historical year (fiscal_year None): each result's stored points equal its
# points under the official ruleset, and together they cover every result in the database.
def test_demo_official_rulesets_reproduce_every_point(demo_db):
    total = 0
    for framework_id in (1, 2):
        frame = scoring.result_points(demo_db, scoring.stored_ruleset(demo_db, framework_id=framework_id), None)
        assert len(frame) > 0
        mismatched = frame[frame["stored_points"] != frame["ruleset_points"]]
        assert mismatched.empty, mismatched.head()
        total += len(frame)
    assert total == int(demo_db.query("fiscal_years")["num_results"].sum())
