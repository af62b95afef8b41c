"""The scoring engine (one DuckDB statement) against an independent pandas implementation of the
same model (bench/scoring_pandas.py, also the benchmark's comparison): the same table, to 1e-9."""
from __future__ import annotations

import copy

import pytest

from bench import scoring_pandas
from saisaat import scoring
from saisaat.db import Database
from saisaat.demo import build_demo
from saisaat.rulesets import parse_ruleset, preset


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("pandas") / "demo.duckdb"
    build_demo(path)
    db = Database(path)
    yield db, scoring_pandas.load_frames(db)
    db.close()


def variant(official: dict, name: str) -> dict:
    """Rulesets that exercise every part of the model: presets, round aggregation, weights, tiers."""
    if name in ("official", "binary", "grades"):
        return preset(name, official)
    spec = copy.deepcopy(preset("official", official))
    if name == "sum_values":
        spec["round_aggregation"] = "sum_values"
    elif name == "objective_weights":
        spec["objective_weights"] = {"1": 0.5, "2": 0.25, "3": 0.25} if official["framework_id"] == 2 \
            else {"1": 0.1, "2": 0.3, "3": 0.3, "4": 0.3}
    elif name == "zero_weight_component":   # a component no unit has, weighted 0: not needed
        spec["reward"]["component_weights"]["peer_review"] = 0
    elif name == "score_pct_tiers":
        spec["reward"]["tier_basis"] = "score_pct"
        spec["reward"]["tiers"] = [{"tier": "A", "min_value": 90, "multiplier": 2},
                                   {"tier": "B", "min_value": 70, "multiplier": 1},
                                   {"tier": "C", "min_value": 0, "multiplier": 0.25}]
    return spec


# Both frameworks, one year and every year, and each kind of rule change: identical results.
@pytest.mark.parametrize("name", ["official", "binary", "grades", "sum_values", "objective_weights",
                                  "zero_weight_component", "score_pct_tiers"])
@pytest.mark.parametrize("framework_id, fiscal_year", [(2, 2569), (2, None), (1, 2550)])
def test_pandas_and_duckdb_agree(demo, name, framework_id, fiscal_year):
    db, frames = demo
    official = scoring.stored_ruleset(db, framework_id=framework_id).spec
    ruleset = parse_ruleset(variant(official, name), db.query("indicators_by_code"))
    duck = scoring.unit_scores(db, ruleset, fiscal_year)
    pandas = scoring_pandas.unit_scores(frames, ruleset, fiscal_year)
    assert len(duck) > 60   # the units with results that year (FY2550: 69, before the Digital department)
    assert scoring_pandas.differences(duck, pandas) == []


# The comparison itself notices a difference (so the test above can fail).
def test_differences_notices_a_changed_value(demo):
    db, frames = demo
    ruleset = scoring.stored_ruleset(db, framework_id=2)
    duck = scoring.unit_scores(db, ruleset, 2569)
    other = duck.copy()
    other.loc[0, "score_pct"] = float(other.loc[0, "score_pct"]) + 0.01
    assert scoring_pandas.differences(duck, other) == ["score_pct: 1 rows"]
