"""A saved what-if scenario adopted as the official rules (configuration.adopt_scenario + store.apply_configuration)."""
from __future__ import annotations

import copy

import pytest

from fixture import acting
from saisaat import configuration, scoring, store
from saisaat.i18n import MessageError


@pytest.fixture
def tiny(tiny_db, monkeypatch):
    monkeypatch.setenv("SAISAAT_TODAY", "2020-06-01")   # the tiny database's calendar: FY2563
    return tiny_db


def binary_worth_two(db) -> dict:
    spec = copy.deepcopy(scoring.stored_ruleset(db, framework_id=2).spec)
    spec["by_measure"]["binary"]["max_points"] = 2
    return spec


# From FY2563 (no results yet): framework 2 ends in 2562 and framework 3 begins, with framework 2's
# 2 objectives, its 4 indicators under new codes (T2-1.01 → T2-1.01.3: the tiny codes have no F2- prefix),
# their 14 assignments and the scenario's rules; no stored point changes.
def test_adopt_from_a_year_without_results_starts_a_framework(tiny):
    plan = configuration.adopt_scenario(tiny, binary_worth_two(tiny), 2563, "binary worth 2")
    assert plan.problems == []
    assert (plan.summary["frameworks_added"], plan.summary["indicators_added"], plan.summary["assignments_added"],
            plan.summary["results_rescored"]) == (1, 4, 14, 0)
    before = tiny.query("unit_scores", fiscal_year=2562, inspection_round=None)
    store.apply_configuration(tiny, plan, by=acting("secretariat"), reason="binary worth 2 from FY2563")
    frameworks = tiny.query("frameworks_by_id")
    assert frameworks[["framework_id", "first_fy", "last_fy"]].astype(object).where(frameworks.notna(), None) \
        .values.tolist() == [[1, 2560, 2561], [2, 2562, 2562], [3, 2563, None]]
    years = tiny.query("fiscal_years")
    assert dict(zip(years["fiscal_year"], years["framework_id"])) == {2560: 1, 2561: 1, 2562: 2, 2563: 3}
    assert scoring.stored_ruleset(tiny, framework_id=3).spec["by_measure"]["binary"]["max_points"] == 2
    assert scoring.stored_ruleset(tiny, framework_id=2).spec["by_measure"]["binary"]["max_points"] == 3
    after = tiny.query("unit_scores", fiscal_year=2562, inspection_round=None)
    assert after["score_pct"].tolist() == before["score_pct"].tolist()
    versions = tiny.query("configuration_versions_by_id")
    assert versions[["version_id", "applied_by", "reason", "file_name"]].values.tolist()[-1] == [
        2, "secretariat", "binary worth 2 from FY2563", "binary worth 2"]


# From the framework's first year: its 9 stored binary results in framework 2 are rescored (3 → 2 points
# each when done), which needs a confirmation and a reason; undoing the version restores the old points.
def test_adopt_from_the_first_year_rescores_and_undoes(tiny):
    plan = configuration.adopt_scenario(tiny, binary_worth_two(tiny), 2562, "binary worth 2")
    assert plan.summary["results_rescored"] == 5 + 4   # done in FY2562: 5 × T2-1.01, 4 × T2-2.02 (3 → 2)
    points = tiny.query("unit_indicator_points", fiscal_year=2562, inspection_round=None)
    with pytest.raises(MessageError):
        store.apply_configuration(tiny, plan, by=acting("secretariat"), reason="x")   # no rescore confirmation
    version = store.apply_configuration(tiny, plan, by=acting("secretariat"), reason="binary worth 2", rescore=True)
    rescored = tiny.query("unit_indicator_points", fiscal_year=2562, inspection_round=None)
    d01 = rescored[(rescored["unit_code"] == "D01") & (rescored["indicator_code"] == "T2-1.01")]
    assert float(d01["points"].iloc[0]) == 4.0 and float(d01["max_points"].iloc[0]) == 4.0   # 2 rounds × 2
    store.undo_configuration(tiny, configuration.plan_undo(tiny, version), version, by=acting("secretariat"))
    restored = tiny.query("unit_indicator_points", fiscal_year=2562, inspection_round=None)
    assert restored[["unit_code", "indicator_code", "points", "max_points"]].values.tolist() == \
        points[["unit_code", "indicator_code", "points", "max_points"]].values.tolist()


# The years offered: the framework's first year, and those after its last year with results.
def test_adoption_years(tiny):
    assert configuration.adoption_years(tiny, 2) == [2562, 2563]
    assert configuration.adoption_years(tiny, 1) == [2560]
