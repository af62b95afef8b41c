"""Properties of the scoring engine over many generated rulesets and values (hypothesis), on the
tiny database (tests/fixture.py), built once per module: stricter rules never give more points, more measured value never
gives fewer, and a scenario equal to the baseline changes nothing.
"""
from __future__ import annotations

import copy
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fixture
from saisaat import scoring
from saisaat.db import Database
from saisaat.rulesets import parse_ruleset, preset

F1, F2 = fixture.RULESET_SPECS[0], fixture.RULESET_SPECS[1]
PROPERTY = settings(max_examples=40, deadline=None)
# The FY2562 results of the tiny database: (round, unit, indicator) -> value.
FY2562_VALUES = {(rnd, unit, ind): value for _fy, rnd, unit, ind, value in fixture.RESULTS_BATCH_2}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The tiny database, built once; value-changing examples work on copies of this file."""
    path = tmp_path_factory.mktemp("tiny-properties") / "tiny.duckdb"
    fixture.build_tiny(path)
    return path


@pytest.fixture(scope="module")
def tiny(template):
    with Database(template, read_only=True) as db:
        yield db


@pytest.fixture(scope="module")
def changeable(template, tmp_path_factory):
    """A copy of the tiny database whose stored values an example may change (and puts back)."""
    path = tmp_path_factory.mktemp("tiny-changeable") / "tiny.duckdb"
    shutil.copyfile(template, path)
    with Database(path) as db:
        yield db


def set_value(db: Database, key: tuple, value: float) -> None:
    cur = db.cursor()
    try:
        cur.execute("update results set value = ? where fiscal_year = 2562 and inspection_round = ? "
                    "and unit_code = ? and indicator_code = ?", [value, *key])
        assert cur.fetchone()[0] == 1
    finally:
        cur.close()


@pytest.fixture(scope="module")
def indicators(tiny):
    return tiny.query("indicators_by_code")


def whatif(base: dict, by_measure: dict, aggregation: str, **reward) -> dict:
    spec = copy.deepcopy(base)
    spec.update(ruleset_code="whatif", is_official=False, round_aggregation=aggregation,
                by_measure={**spec["by_measure"], **by_measure})
    spec["reward"].update(reward)
    return spec


def unit_points(db: Database, ruleset, fiscal_year=None) -> dict:
    frame = scoring.unit_scores(db, ruleset, fiscal_year)
    return dict(zip(zip(frame["fiscal_year"], frame["unit_code"]), frame["points"]))


def result_points(db: Database, ruleset) -> dict:
    frame = scoring.result_points(db, ruleset, None)
    keys = zip(frame["fiscal_year"], frame["inspection_round"], frame["unit_code"], frame["indicator_code"])
    return dict(zip(keys, frame["ruleset_points"]))


# ---- Strategies: rules given in hundredths, as a ruleset file can write them ---------------------

def rising(n: int, top: int):
    """n strictly rising hundredths in 0..top."""
    return st.lists(st.integers(0, top), min_size=n, max_size=n, unique=True).map(sorted)


@st.composite
def steps_and_raised(draw, top: int):
    """A steps rule (max 3) and the same rule with every threshold raised or kept: the pointwise
    maximum of two strictly rising lists still rises strictly."""
    n = draw(st.integers(1, 3))
    low = draw(rising(n, top))
    high = [max(a, b) for a, b in zip(low, draw(rising(n, top)))]
    points = sorted(draw(st.lists(st.integers(0, 300), min_size=n, max_size=n)))
    rule = lambda mins: {"rule_type": "steps", "max_points": 3,
                         "steps": [[m / 100, p / 100] for m, p in zip(mins, points)]}
    return rule(low), rule(high)


@st.composite
def target_and_raised(draw):
    """A proportional rule (max 3) and the same rule with its target raised or kept."""
    target = draw(st.integers(1, 15000))
    higher = target + draw(st.integers(0, 5000))
    rule = lambda t: {"rule_type": "proportional", "max_points": 3, "target_value": t / 100}
    return rule(target), rule(higher)


# count thresholds 0..8 (the tiny counts are 0..5, summed up to 7); percent 0..100
RULE_PAIRS = st.tuples(steps_and_raised(800), st.one_of(target_and_raised(), steps_and_raised(10000)))
AGGREGATIONS = st.sampled_from(["score_each_round", "sum_values"])


# Raising any step threshold or a proportional target never raises any result's or unit's points
# (every year of framework 2, both ways of combining rounds).
@PROPERTY
@given(pair=RULE_PAIRS, aggregation=AGGREGATIONS)
def test_stricter_rules_never_give_more_points(tiny, indicators, pair, aggregation):
    (count_low, count_high), (percent_low, percent_high) = pair
    low = parse_ruleset(whatif(F2, {"count": count_low, "percent": percent_low}, aggregation), indicators)
    high = parse_ruleset(whatif(F2, {"count": count_high, "percent": percent_high}, aggregation), indicators)
    before, after = result_points(tiny, low), result_points(tiny, high)
    assert before.keys() == after.keys() and len(before) == 25
    assert all(after[k] <= before[k] for k in before)
    units_before, units_after = unit_points(tiny, low), unit_points(tiny, high)
    assert units_before.keys() == units_after.keys() and len(units_before) == 4
    assert all(units_after[k] <= units_before[k] for k in units_before)


# Adding to one stored value (written with SQL into a copy of the tiny database, not through any
# ruleset, and put back after each example) never lowers that result's points, leaves every other
# result's points alone, and never lowers any unit's points, under generated rules and either way
# of combining rounds.
@PROPERTY
@given(pair=RULE_PAIRS, aggregation=AGGREGATIONS, which=st.sampled_from(sorted(FY2562_VALUES)),
       added=st.integers(1, 10000))
def test_more_value_never_gives_fewer_points(tiny, changeable, indicators, pair, aggregation, which, added):
    (count_rule, _), (percent_rule, _) = pair
    ruleset = parse_ruleset(whatif(F2, {"count": count_rule, "percent": percent_rule}, aggregation), indicators)
    original = FY2562_VALUES[which]
    set_value(changeable, which, original + added / 100)
    try:
        rows_before, rows_after = result_points(tiny, ruleset), result_points(changeable, ruleset)
        units_before, units_after = unit_points(tiny, ruleset), unit_points(changeable, ruleset)
    finally:
        set_value(changeable, which, original)
    key = (2562, *which)
    assert rows_after[key] >= rows_before[key]
    assert {k: v for k, v in rows_after.items() if k != key} == {k: v for k, v in rows_before.items() if k != key}
    assert units_before.keys() == units_after.keys()
    assert all(units_after[k] >= units_before[k] for k in units_before)


# ---- A scenario equal to the baseline changes nothing -------------------------------------------

@st.composite
def reward_parts(draw):
    """Valid target levels, tiers (on either basis), pool and objective weights."""
    levels = [v / 100 for v in draw(rising(5, 10000))]
    basis = draw(st.sampled_from(["overall_score", "score_pct"]))
    top = 500 if basis == "overall_score" else 10000
    cut_offs = sorted(draw(st.lists(st.integers(101, top), min_size=2, max_size=2, unique=True)), reverse=True)
    multipliers = sorted(draw(st.lists(st.integers(0, 300), min_size=3, max_size=3)), reverse=True)
    tiers = [{"tier": name, "min_value": m / 100, "multiplier": x / 100}
             for name, m, x in zip("ABC", cut_offs + [0], multipliers)]
    weight = draw(st.one_of(st.none(), st.integers(5, 95)))
    weights = {} if weight is None else {"1": weight / 100, "2": (100 - weight) / 100}
    return {"levels": levels, "tier_basis": basis, "tiers": tiers,
            "pool_baht": draw(st.integers(0, 10**8)) / 100}, weights


# The 'official' preset of any (generated) official ruleset scores exactly like it: every change is
# 0 (null only where the baseline figure is null), no rank moves, no tier changes, no money moves.
@PROPERTY
@given(base=st.sampled_from([F1, F2]), pair=RULE_PAIRS, aggregation=AGGREGATIONS, reward=reward_parts())
def test_official_preset_changes_nothing(tiny, indicators, base, pair, aggregation, reward):
    (count_rule, _), (percent_rule, _) = pair
    reward_changes, weights = reward
    official = whatif(base, {"count": count_rule, "percent": percent_rule}, aggregation, **reward_changes)
    official.update(ruleset_code=base["ruleset_code"], is_official=True, objective_weights=weights)
    baseline = scoring.unit_scores(tiny, parse_ruleset(official, indicators), None)
    scenario = scoring.unit_scores(tiny, parse_ruleset(preset("official", official), indicators), None)
    c = scoring.compare(baseline, scenario)
    assert len(c) == len(baseline) == 4   # FY2560 3 units + FY2561 1; or FY2562 4 units
    for col in ("score_pct", "reward_score", "overall_score", "reward_baht"):
        change = c[f"{col}_change"]
        assert (change.isna() == c[f"{col}_base"].isna()).all(), col
        assert (change.dropna() == 0).all(), col
    assert (c["rank_change"].isna() == c["rank_overall_base"].isna()).all()   # no rank: no change either
    assert (c["rank_change"].dropna() == 0).all()
    assert not c["tier_changed"].any()
    s = scoring.summary(c)
    assert (s["tier_changes"], s["gainers"], s["losers"], s["money_moved_baht"]) == (0, 0, 0, 0.0)
    moves = scoring.who_moves(c)
    assert moves["rank_up"].empty and moves["rank_down"].empty and moves["tier_changes"].empty
