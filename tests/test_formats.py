"""How numbers read (saisaat.formats): one rule per measure, read from the column's name."""
from __future__ import annotations

import math

import pytest

from saisaat import formats


# Each column's measure, from its name; years and identifiers have none (a year never reads "2,569").
@pytest.mark.parametrize("column, measure", [
    ("score_pct", "pct"), ("mean_pct", "pct"), ("coverage_pct", "pct"), ("change_pct", "pct"),
    ("score_pct_base", "pct"), ("peers_full_pct", "share_pct"), ("zero_pct", "share_pct"),
    ("points", "points"), ("max_points", "points"), ("lost_points", "points"), ("value", "points"),
    ("reward_score_scenario", "score_1_5"), ("overall_score_change", "score_1_5"),
    ("other_components_scenario", "score_1_5"), ("reward_baht_change", "baht"), ("pool_baht", "baht"),
    ("num_units", "count"), ("rank_overall_base", "count"), ("rank_change", "count"), ("excel_row", "count"),
    ("fiscal_year", None), ("from_fy", None), ("batch_id", None), ("unit_code", None), ("objective_no", None),
])
def test_measure_of(column, measure):
    assert formats.measure_of(column) == measure


# Text: the measure's decimals, thousands separators, a sign for a change, a dash for nothing.
@pytest.mark.parametrize("value, measure, signed, text", [
    (50_000_000, "baht", False, "50,000,000.00"), (-1234.5, "baht", True, "-1,234.50"),
    (8000, "count", False, "8,000"), (82.125, "pct", False, "82.12"), (6.76, "pct", True, "+6.76"),
    (3.14159, "score_1_5", False, "3.1416"), (100, "share_pct", False, "100.0"),
    (None, "pct", False, "—"), (math.nan, "count", False, "—"),
])
def test_number(value, measure, signed, text):
    assert formats.number(value, measure, signed) == text


def test_pct_and_count():
    assert formats.pct(82.13) == "82.13%"
    assert formats.pct(-0.5, signed=True) == "-0.50%"
    assert formats.pct(None) == "—"
    assert formats.count(1234567) == "1,234,567"


# A table column's Streamlit format: grouped ("localized") with the measure's decimals as the step; a change
# keeps its sign (printf), except money, which needs grouping more; identifiers and years are left alone.
@pytest.mark.parametrize("column, expected", [
    ("score_pct", ("localized", 0.01)), ("num_units", ("localized", 1.0)),
    ("reward_score_scenario", ("localized", 0.0001)), ("zero_pct", ("localized", 0.1)),
    ("change_pct", ("%+.2f", 0.01)), ("rank_change", ("%+.0f", 1.0)),
    ("overall_score_change", ("%+.4f", 0.0001)), ("reward_baht_change", ("localized", 0.01)),
    ("fiscal_year", None), ("unit_code", None),
])
def test_column_format(column, expected):
    got = formats.column_format(column)
    assert got == expected if expected is None else (got[0], pytest.approx(got[1])) == (expected[0], expected[1])
