"""Every query in queries/ against the tiny database (tests/fixture.py): exact, hand-computed rows.

Numbers are compared as Decimal: DECIMAL columns arrive as Decimal, DOUBLE columns (score_pct,
coverage_pct) as float, which is turned into the Decimal of its shortest repr, so 91.67 matches
91.67 but 91.66666666666667 (an unrounded percentage) does not. Decimal('3.00') equals 3.
The scenario queries (a ruleset as registered relations) are read through Database.query_with's
DataFrame, where a null arrives as NaN and is compared as None.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal

import duckdb
import numpy as np
import pandas as pd
import pytest

import fixture
from fixture import REWARD, RULESET_SPECS
from saisaat import scoring, store
from saisaat.db import load_query, query_names

N = None

# The units as every unit-level query shows them: code, name_th, name_en, kind, zone.
D01 = ("D01", "สำนักงานเขตทดสอบหนึ่ง", "Test District One", "district", "Z1")
D02 = ("D02", "สำนักงานเขตทดสอบสอง", "Test District Two", "district", "Z1")
DEPA = ("DEPA", "สำนักทดสอบ ก", "Test Department A", "department", None)
DEPN = ("DEPN", "สำนักทดสอบใหม่", "Test Department New", "department", None)


def _kind(unit):
    """code, kind, zone: the unit columns of the per-unit breakdowns."""
    return (unit[0], unit[3], unit[4])


def norm(value):
    if value is pd.NA:
        return None
    if isinstance(value, float):   # NaN: a null that came through a DataFrame
        return None if value != value else Decimal(repr(float(value)))
    if isinstance(value, np.integer):
        return int(value)
    return value


def norm_rows(rows):
    return [tuple(norm(v) for v in row) for row in rows]


# ---------------------------------------------------------------------------------------------
# Expected rows, one constant per query and parameter set, computed by hand from tests/fixture.py.
# Framework 1 (official-f1): binary 1 pt; count >=1 -> 1; percent min(1, v/100) to 2 decimals.
# Framework 2 (official-f2): binary 3 pts; count >=2 -> 1, >=3 -> 2, >=4 -> 3;
#                            percent min(3, 3*v/80) to 2 decimals.
# ---------------------------------------------------------------------------------------------

# Points stored per result row (fiscal_year, round, unit, indicator, value, points, batch_id).
STORED_RESULTS = [
    # FY2560 round 1
    (2560, 1, "D01", "T1-1.01", 1, 1, 1),
    (2560, 1, "D01", "T1-1.02", 2, 1, 1),           # 2 >= 1
    (2560, 1, "D01", "T1-2.01", 66.67, 0.67, 1),    # 66.67/100 = 0.6667 -> 0.67
    (2560, 1, "D02", "T1-1.01", 0, 0, 1),
    (2560, 1, "D02", "T1-1.02", 0, 0, 1),           # below the only step: 0
    (2560, 1, "D02", "T1-2.01", 100, 1, 1),
    (2560, 1, "DEPA", "T1-1.01", 1, 1, 1),
    (2560, 1, "DEPA", "T1-1.02", 1, 1, 1),          # exactly on the step threshold 1
    (2560, 1, "DEPA", "T1-2.01", 50, 0.50, 1),
    # FY2560 round 2
    (2560, 2, "D01", "T1-1.01", 1, 1, 1),
    (2560, 2, "D01", "T1-1.02", 3, 1, 1),           # max 1
    (2560, 2, "D01", "T1-2.01", 75, 0.75, 1),
    (2560, 2, "D02", "T1-1.01", 1, 1, 1),
    (2560, 2, "D02", "T1-1.02", 0, 0, 1),
    (2560, 2, "D02", "T1-2.01", 40, 0.40, 1),
    (2560, 2, "DEPA", "T1-1.01", 0, 0, 1),
    (2560, 2, "DEPA", "T1-1.02", 1, 1, 1),
    (2560, 2, "DEPA", "T1-2.01", 90, 0.90, 1),
    # FY2561, D01 only
    (2561, 1, "D01", "T1-1.01", 1, 1, 1),
    (2561, 1, "D01", "T1-1.02", 0, 0, 1),
    (2561, 1, "D01", "T1-2.01", 80, 0.80, 1),
    (2561, 2, "D01", "T1-1.01", 1, 1, 1),
    (2561, 2, "D01", "T1-1.02", 1, 1, 1),
    (2561, 2, "D01", "T1-2.01", 92, 0.92, 1),
    # FY2562 round 1 (framework 2)
    (2562, 1, "D01", "T2-1.01", 1, 3, 2),
    (2562, 1, "D01", "T2-1.02", 3, 2, 2),           # exactly on threshold 3 -> 2
    (2562, 1, "D01", "T2-2.01", 95, 3, 2),          # 3*95/80 = 3.5625, capped at 3
    (2562, 1, "D01", "T2-2.02", 1, 3, 2),
    (2562, 1, "D02", "T2-1.01", 0, 0, 2),
    (2562, 1, "D02", "T2-1.02", 1, 0, 2),           # below the first step (2): 0
    (2562, 1, "D02", "T2-2.01", 45, 1.69, 2),       # 3*45/80 = 1.6875 -> 1.69
    (2562, 1, "D02", "T2-2.02", 1, 3, 2),
    (2562, 1, "DEPA", "T2-1.01", 1, 3, 2),
    (2562, 1, "DEPA", "T2-1.02", 5, 3, 2),          # above the top step (4): 3
    (2562, 1, "DEPN", "T2-1.01", 1, 3, 2),
    (2562, 1, "DEPN", "T2-1.02", 2, 1, 2),          # exactly on threshold 2 -> 1
    (2562, 1, "DEPN", "T2-2.01", 80, 3, 2),         # exactly the target: 3*80/80 = 3
    (2562, 1, "DEPN", "T2-2.02", 0, 0, 2),
    # FY2562 round 2 (D02 T2-2.01 missing, DEPA missing the whole round)
    (2562, 2, "D01", "T2-1.01", 1, 3, 2),
    (2562, 2, "D01", "T2-1.02", 4, 3, 2),
    (2562, 2, "D01", "T2-2.01", 60, 2.25, 2),       # 3*60/80 = 2.25
    (2562, 2, "D01", "T2-2.02", 1, 3, 2),
    (2562, 2, "D02", "T2-1.01", 1, 3, 2),
    (2562, 2, "D02", "T2-1.02", 2, 1, 2),
    (2562, 2, "D02", "T2-2.02", 0, 0, 2),
    (2562, 2, "DEPN", "T2-1.01", 0, 0, 2),
    (2562, 2, "DEPN", "T2-1.02", 3, 2, 2),
    (2562, 2, "DEPN", "T2-2.01", 20, 0.75, 2),      # 3*20/80 = 0.75
    (2562, 2, "DEPN", "T2-2.02", 1, 3, 2),
]

UNIT_SCORES_COLUMNS = ["unit_code", "name_th", "name_en", "unit_kind", "peer_group_code", "num_expected",
                       "num_scored", "points", "max_points", "score_pct", "rank_in_kind"]
# FY2560 round 1: 3 indicators of 1 pt each; DEPN (active from 2562) is not listed.
UNIT_SCORES_2560_R1 = [
    D01 + (3, 3, 2.67, 3, 89.00, 1),     # 1 + 1 + 0.67 = 2.67; 267/3 = 89.00
    D02 + (3, 3, 1.00, 3, 33.33, 2),     # 0 + 0 + 1 = 1; 100/3 = 33.33
    DEPA + (3, 3, 2.50, 3, 83.33, 1),    # 1 + 1 + 0.5 = 2.5; 250/3 = 83.33
]
# FY2561 both rounds: expected 3 x 2 = 6; only D01 reported; the others are null, never 0.
UNIT_SCORES_2561_BOTH = [
    D01 + (6, 6, 4.72, 6, 78.67, 1),     # (1 + 0 + 0.80) + (1 + 1 + 0.92) = 4.72; 472/6 = 78.67
    D02 + (6, 0, N, N, N, N),
    DEPA + (6, 0, N, N, N, N),
]
# FY2562 round 1: districts and DEPN answer for 4 indicators (max 12), DEPA for 2 (max 6).
UNIT_SCORES_2562_R1 = [
    D01 + (4, 4, 11.00, 12, 91.67, 1),   # 3 + 2 + 3 + 3 = 11; 1100/12 = 91.67
    D02 + (4, 4, 4.69, 12, 39.08, 2),    # 0 + 0 + 1.69 + 3 = 4.69; 469/12 = 39.08
    DEPA + (2, 2, 6.00, 6, 100.00, 1),   # 3 + 3 = 6 of 6
    DEPN + (4, 4, 7.00, 12, 58.33, 2),   # 3 + 1 + 3 + 0 = 7; 700/12 = 58.33
]
# FY2562 round 2: D02 scored on 3 (max 9); DEPA has no result at all: null points, no rank.
UNIT_SCORES_2562_R2 = [
    D01 + (4, 4, 11.25, 12, 93.75, 1),   # 3 + 3 + 2.25 + 3 = 11.25; 1125/12 = 93.75
    D02 + (4, 3, 4.00, 9, 44.44, 2),     # 3 + 1 + 0 = 4; 400/9 = 44.44
    DEPA + (2, 0, N, N, N, N),
    DEPN + (4, 4, 5.75, 12, 47.92, 1),   # 0 + 2 + 0.75 + 3 = 5.75; 575/12 = 47.92
]
# FY2562 both rounds: expected doubles; points and max add up over the scored rounds.
UNIT_SCORES_2562_BOTH = [
    D01 + (8, 8, 22.25, 24, 92.71, 1),   # 11 + 11.25; 2225/24 = 92.708
    D02 + (8, 7, 8.69, 21, 41.38, 2),    # 4.69 + 4; 12 + 9 = 21; 869/21 = 41.381
    DEPA + (4, 2, 6.00, 6, 100.00, 1),
    DEPN + (8, 8, 12.75, 24, 53.13, 2),  # 7 + 5.75; 1275/24 = 53.125 -> 53.13
]
# FY2563 (no results yet): every active unit is listed with nothing scored.
UNIT_SCORES_2563_BOTH = [
    D01 + (8, 0, N, N, N, N),
    D02 + (8, 0, N, N, N, N),
    DEPA + (4, 0, N, N, N, N),
    DEPN + (8, 0, N, N, N, N),
]

UNIT_OBJECTIVE_SCORES_COLUMNS = ["unit_code", "unit_kind", "peer_group_code", "objective_no", "theme_code",
                                 "num_scored", "points", "max_points", "score_pct"]
# FY2560 round 2, framework 1: objective 1 (environment) has 2 indicators, objective 2 has 1.
UNIT_OBJECTIVE_SCORES_2560_R2 = [
    _kind(D01) + (1, "environment", 2, 2, 2, 100.00),   # 1 + 1
    _kind(D01) + (2, "conscience", 1, 0.75, 1, 75.00),
    _kind(D02) + (1, "environment", 2, 1, 2, 50.00),    # 1 + 0
    _kind(D02) + (2, "conscience", 1, 0.40, 1, 40.00),
    _kind(DEPA) + (1, "environment", 2, 1, 2, 50.00),   # 0 + 1
    _kind(DEPA) + (2, "conscience", 1, 0.90, 1, 90.00),
]
# FY2562 round 1, framework 2: 2 indicators of 3 pts per objective.
UNIT_OBJECTIVE_SCORES_2562_R1 = [
    _kind(D01) + (1, "conscience", 2, 5, 6, 83.33),     # 3 + 2; 500/6 = 83.33
    _kind(D01) + (2, "audit", 2, 6, 6, 100.00),         # 3 + 3
    _kind(D02) + (1, "conscience", 2, 0, 6, 0.00),      # 0 + 0: scored, so 0 (not null)
    _kind(D02) + (2, "audit", 2, 4.69, 6, 78.17),       # 1.69 + 3; 469/6 = 78.17
    _kind(DEPA) + (1, "conscience", 2, 6, 6, 100.00),
    _kind(DEPN) + (1, "conscience", 2, 4, 6, 66.67),    # 3 + 1
    _kind(DEPN) + (2, "audit", 2, 3, 6, 50.00),         # 3 + 0
]
# FY2562 both rounds.
UNIT_OBJECTIVE_SCORES_2562_BOTH = [
    _kind(D01) + (1, "conscience", 4, 11, 12, 91.67),   # (3 + 2) + (3 + 3)
    _kind(D01) + (2, "audit", 4, 11.25, 12, 93.75),     # (3 + 3) + (2.25 + 3)
    _kind(D02) + (1, "conscience", 4, 4, 12, 33.33),    # (0 + 0) + (3 + 1)
    _kind(D02) + (2, "audit", 3, 4.69, 9, 52.11),       # (1.69 + 3) + (0); 469/9 = 52.11
    _kind(DEPA) + (1, "conscience", 2, 6, 6, 100.00),
    _kind(DEPN) + (1, "conscience", 4, 6, 12, 50.00),   # (3 + 1) + (0 + 2)
    _kind(DEPN) + (2, "audit", 4, 6.75, 12, 56.25),     # (3 + 0) + (0.75 + 3)
]

UNIT_INDICATOR_POINTS_COLUMNS = ["unit_code", "unit_kind", "peer_group_code", "indicator_code", "objective_no",
                                 "max_points_expected", "num_rounds_scored", "value", "points", "max_points"]
# FY2561 round 1: D01 scored; D02 and DEPA listed with null (not submitted); DEPN not yet active.
UNIT_INDICATOR_POINTS_2561_R1 = [
    _kind(D01) + ("T1-1.01", 1, 1, 1, 1, 1, 1),
    _kind(D01) + ("T1-1.02", 1, 1, 1, 0, 0, 1),
    _kind(D01) + ("T1-2.01", 2, 1, 1, 80, 0.80, 1),
    _kind(D02) + ("T1-1.01", 1, 1, 0, N, N, N),
    _kind(D02) + ("T1-1.02", 1, 1, 0, N, N, N),
    _kind(D02) + ("T1-2.01", 2, 1, 0, N, N, N),
    _kind(DEPA) + ("T1-1.01", 1, 1, 0, N, N, N),
    _kind(DEPA) + ("T1-1.02", 1, 1, 0, N, N, N),
    _kind(DEPA) + ("T1-2.01", 2, 1, 0, N, N, N),
]
# FY2562 round 2: D02's missing T2-2.01 and DEPA's missing round show null points.
UNIT_INDICATOR_POINTS_2562_R2 = [
    _kind(D01) + ("T2-1.01", 1, 3, 1, 1, 3, 3),
    _kind(D01) + ("T2-1.02", 1, 3, 1, 4, 3, 3),
    _kind(D01) + ("T2-2.01", 2, 3, 1, 60, 2.25, 3),
    _kind(D01) + ("T2-2.02", 2, 3, 1, 1, 3, 3),
    _kind(D02) + ("T2-1.01", 1, 3, 1, 1, 3, 3),
    _kind(D02) + ("T2-1.02", 1, 3, 1, 2, 1, 3),
    _kind(D02) + ("T2-2.01", 2, 3, 0, N, N, N),
    _kind(D02) + ("T2-2.02", 2, 3, 1, 0, 0, 3),
    _kind(DEPA) + ("T2-1.01", 1, 3, 0, N, N, N),
    _kind(DEPA) + ("T2-1.02", 1, 3, 0, N, N, N),
    _kind(DEPN) + ("T2-1.01", 1, 3, 1, 0, 0, 3),
    _kind(DEPN) + ("T2-1.02", 1, 3, 1, 3, 2, 3),
    _kind(DEPN) + ("T2-2.01", 2, 3, 1, 20, 0.75, 3),
    _kind(DEPN) + ("T2-2.02", 2, 3, 1, 1, 3, 3),
]
# FY2562 both rounds: 2 x 3 = 6 possible; value, points and max add up over the scored rounds.
UNIT_INDICATOR_POINTS_2562_BOTH = [
    _kind(D01) + ("T2-1.01", 1, 6, 2, 2, 6, 6),           # 1 + 1; 3 + 3
    _kind(D01) + ("T2-1.02", 1, 6, 2, 7, 5, 6),           # 3 + 4; 2 + 3
    _kind(D01) + ("T2-2.01", 2, 6, 2, 155, 5.25, 6),      # 95 + 60; 3 + 2.25
    _kind(D01) + ("T2-2.02", 2, 6, 2, 2, 6, 6),
    _kind(D02) + ("T2-1.01", 1, 6, 2, 1, 3, 6),           # 0 + 1; 0 + 3
    _kind(D02) + ("T2-1.02", 1, 6, 2, 3, 1, 6),           # 1 + 2; 0 + 1
    _kind(D02) + ("T2-2.01", 2, 6, 1, 45, 1.69, 3),       # round 1 only
    _kind(D02) + ("T2-2.02", 2, 6, 2, 1, 3, 6),           # 1 + 0; 3 + 0
    _kind(DEPA) + ("T2-1.01", 1, 6, 1, 1, 3, 3),          # round 1 only
    _kind(DEPA) + ("T2-1.02", 1, 6, 1, 5, 3, 3),
    _kind(DEPN) + ("T2-1.01", 1, 6, 2, 1, 3, 6),          # 1 + 0; 3 + 0
    _kind(DEPN) + ("T2-1.02", 1, 6, 2, 5, 3, 6),          # 2 + 3; 1 + 2
    _kind(DEPN) + ("T2-2.01", 2, 6, 2, 100, 3.75, 6),     # 80 + 20; 3 + 0.75
    _kind(DEPN) + ("T2-2.02", 2, 6, 2, 1, 3, 6),          # 0 + 1; 0 + 3
]

UNIT_SCORES_BY_YEAR_COLUMNS = ["fiscal_year", "inspection_round", "unit_code", "framework_id",
                               "num_scored", "points", "max_points", "score_pct"]
# Every year with results, per round and for the year (round null), across the framework change.
UNIT_SCORES_BY_YEAR = [
    (2560, 1, "D01", 1, 3, 2.67, 3, 89.00),
    (2560, 2, "D01", 1, 3, 2.75, 3, 91.67),     # 1 + 1 + 0.75; 275/3 = 91.67
    (2560, N, "D01", 1, 6, 5.42, 6, 90.33),     # 2.67 + 2.75; 542/6 = 90.33
    (2560, 1, "D02", 1, 3, 1.00, 3, 33.33),
    (2560, 2, "D02", 1, 3, 1.40, 3, 46.67),     # 1 + 0 + 0.40; 140/3 = 46.67
    (2560, N, "D02", 1, 6, 2.40, 6, 40.00),
    (2560, 1, "DEPA", 1, 3, 2.50, 3, 83.33),
    (2560, 2, "DEPA", 1, 3, 1.90, 3, 63.33),    # 0 + 1 + 0.90; 190/3 = 63.33
    (2560, N, "DEPA", 1, 6, 4.40, 6, 73.33),    # 440/6 = 73.33
    (2561, 1, "D01", 1, 3, 1.80, 3, 60.00),     # 1 + 0 + 0.80
    (2561, 2, "D01", 1, 3, 2.92, 3, 97.33),     # 1 + 1 + 0.92; 292/3 = 97.33
    (2561, N, "D01", 1, 6, 4.72, 6, 78.67),
    (2562, 1, "D01", 2, 4, 11.00, 12, 91.67),
    (2562, 2, "D01", 2, 4, 11.25, 12, 93.75),
    (2562, N, "D01", 2, 8, 22.25, 24, 92.71),
    (2562, 1, "D02", 2, 4, 4.69, 12, 39.08),
    (2562, 2, "D02", 2, 3, 4.00, 9, 44.44),
    (2562, N, "D02", 2, 7, 8.69, 21, 41.38),
    (2562, 1, "DEPA", 2, 2, 6.00, 6, 100.00),   # no round-2 row: DEPA had no result there
    (2562, N, "DEPA", 2, 2, 6.00, 6, 100.00),
    (2562, 1, "DEPN", 2, 4, 7.00, 12, 58.33),
    (2562, 2, "DEPN", 2, 4, 5.75, 12, 47.92),
    (2562, N, "DEPN", 2, 8, 12.75, 24, 53.13),
]

UNIT_INDICATOR_SCORES_BY_YEAR_COLUMNS = ["fiscal_year", "inspection_round", "unit_code", "indicator_code",
                                         "framework_id", "value", "points", "max_points", "score_pct"]
# One indicator over a span, both rounds added: framework 1's percent indicator (target 100, max 1) …
T1_201_2560_2561 = [
    (2560, N, "D01", "T1-2.01", 1, 141.67, 1.42, 2, 71.00),     # 66.67 → 0.67, 75 → 0.75
    (2560, N, "D02", "T1-2.01", 1, 140.00, 1.40, 2, 70.00),     # 100 → 1, 40 → 0.40
    (2560, N, "DEPA", "T1-2.01", 1, 140.00, 1.40, 2, 70.00),    # 50 → 0.50, 90 → 0.90
    (2561, N, "D01", "T1-2.01", 1, 172.00, 1.72, 2, 86.00),     # 80 → 0.80, 92 → 0.92
]
# … and framework 2's (target 80, max 3): D02 has no round-2 result, so 3 points possible, not 6.
T2_201_2562 = [
    (2562, N, "D01", "T2-2.01", 2, 155.00, 5.25, 6, 87.50),     # 95 → 3 (capped), 60 → 2.25
    (2562, N, "D02", "T2-2.01", 2, 45.00, 1.69, 3, 56.33),      # 45 → 1.6875 → 1.69; 169/3
    (2562, N, "DEPN", "T2-2.01", 2, 100.00, 3.75, 6, 62.50),    # 80 → 3, 20 → 0.75
]

UNIT_THEME_SCORES_BY_YEAR_COLUMNS = ["fiscal_year", "unit_code", "theme_code", "framework_id",
                                     "points", "max_points", "score_pct"]
# Both rounds per theme; "conscience" is objective 2 in framework 1 and objective 1 in framework 2.
UNIT_THEME_SCORES_BY_YEAR = [
    (2560, "D01", "conscience", 1, 1.42, 2, 71.00),      # 0.67 + 0.75
    (2560, "D01", "environment", 1, 4, 4, 100.00),       # 1 + 1 + 1 + 1
    (2560, "D02", "conscience", 1, 1.40, 2, 70.00),      # 1.00 + 0.40
    (2560, "D02", "environment", 1, 1, 4, 25.00),        # 0 + 0 + 1 + 0
    (2560, "DEPA", "conscience", 1, 1.40, 2, 70.00),     # 0.50 + 0.90
    (2560, "DEPA", "environment", 1, 3, 4, 75.00),       # 1 + 1 + 0 + 1
    (2561, "D01", "conscience", 1, 1.72, 2, 86.00),      # 0.80 + 0.92
    (2561, "D01", "environment", 1, 3, 4, 75.00),        # 1 + 0 + 1 + 1
    (2562, "D01", "audit", 2, 11.25, 12, 93.75),
    (2562, "D01", "conscience", 2, 11, 12, 91.67),
    (2562, "D02", "audit", 2, 4.69, 9, 52.11),
    (2562, "D02", "conscience", 2, 4, 12, 33.33),
    (2562, "DEPA", "conscience", 2, 6, 6, 100.00),
    (2562, "DEPN", "audit", 2, 6.75, 12, 56.25),
    (2562, "DEPN", "conscience", 2, 6, 12, 50.00),
]

COVERAGE_BY_ROUND_COLUMNS = ["fiscal_year", "inspection_round", "num_expected", "num_received",
                             "coverage_pct", "num_units_expected", "num_units_reporting"]
# Expected: 3 units x 3 indicators in framework 1; 4 + 4 + 2 + 4 = 14 in framework 2.
COVERAGE_BY_ROUND = [
    (2560, 1, 9, 9, 100.00, 3, 3),
    (2560, 2, 9, 9, 100.00, 3, 3),
    (2561, 1, 9, 3, 33.33, 3, 1),     # 300/9 = 33.33
    (2561, 2, 9, 3, 33.33, 3, 1),
    (2562, 1, 14, 14, 100.00, 4, 4),
    (2562, 2, 14, 11, 78.57, 4, 3),   # 1100/14 = 78.571
    (2563, 1, 14, 0, 0.00, 4, 0),
    (2563, 2, 14, 0, 0.00, 4, 0),
]

UNITS_BY_CODE_COLUMNS = ["unit_code", "name_th", "name_en", "unit_kind", "peer_group_code", "peer_group_name_th",
                         "peer_group_name_en", "abbrev_th", "active_from_fy", "active_to_fy"]
# District offices first, then departments, each by code.
UNITS_BY_CODE = [
    D01 + ("กลุ่มเขตทดสอบ", "Test zone", N, 2560, N),
    D02 + ("กลุ่มเขตทดสอบ", "Test zone", N, 2560, N),
    DEPA + (N, N, "สทก.", 2560, N),
    DEPN + (N, N, N, 2562, N),
]

INDICATORS_BY_CODE_COLUMNS = ["indicator_code", "framework_id", "objective_no", "theme_code",
                              "objective_name_th", "objective_name_en", "name_th", "name_en",
                              "measure", "applies_to", "max_points"]
_ENV = ("environment", "สภาพแวดล้อมใสสะอาด", "A clean environment")
_CON1 = ("conscience", "จิตสำนึกใสสะอาด", "A clean conscience")
_CON2 = ("conscience", "จิตสำนึกและวัฒนธรรม", "Conscience and culture")
_AUD = ("audit", "พร้อมรับการตรวจสอบ", "Ready to be audited")


def _ind(code, fw, obj, objective, measure, applies, max_points):
    return (code, fw, obj) + objective + (f"ตัวชี้วัดทดสอบ {code}", f"Test indicator {code}",
                                          measure, applies, max_points)


# max_points from the official ruleset only (1 in framework 1, 3 in framework 2; never draft-f2's 5).
INDICATORS_BY_CODE = [
    _ind("T1-1.01", 1, 1, _ENV, "binary", "core", 1),
    _ind("T1-1.02", 1, 1, _ENV, "count", "core", 1),
    _ind("T1-2.01", 1, 2, _CON1, "percent", "core", 1),
    _ind("T2-1.01", 2, 1, _CON2, "binary", "core", 3),
    _ind("T2-1.02", 2, 1, _CON2, "count", "core", 3),
    _ind("T2-2.01", 2, 2, _AUD, "percent", "service", 3),
    _ind("T2-2.02", 2, 2, _AUD, "binary", "service", 3),
]

OBJECTIVES_BY_FRAMEWORK_COLUMNS = ["framework_id", "objective_no", "theme_code", "name_th", "name_en",
                                   "num_indicators"]
# Objectives with their indicator counts (2 + 1 in framework 1, 2 + 2 in framework 2).
OBJECTIVES_BY_FRAMEWORK = [
    (1, 1) + _ENV + (2,),
    (1, 2) + _CON1 + (1,),
    (2, 1) + _CON2 + (2,),
    (2, 2) + _AUD + (2,),
]

# Units per kind.
UNITS_BY_KIND = [("department", 2), ("district", 2)]

# Fiscal years: 1 Oct – 30 Sep (CE = BE - 543), framework, result rows and reporting units.
FISCAL_YEARS_BY_STATUS = [
    # units expected: D01, D02, DEPA from FY2560; DEPN too from FY2562
    (2560, 1, date(2016, 10, 1), date(2017, 9, 30), 18, 3, 3),   # 2 rounds x 3 units x 3
    (2561, 1, date(2017, 10, 1), date(2018, 9, 30), 6, 1, 3),    # D01 only
    (2562, 2, date(2018, 10, 1), date(2019, 9, 30), 25, 4, 4),   # 14 + 11
    (2563, 2, date(2019, 10, 1), date(2020, 9, 30), 0, 0, 4),
]

# Frameworks with their objective and indicator counts.
FRAMEWORKS_BY_ID = [
    (1, "กรอบทดสอบที่ 1", "Test framework 1", 2560, 2561, 2, 3),
    (2, "กรอบทดสอบที่ 2", "Test framework 2", 2562, N, 2, 4),
]

# Assignment sizes: in framework 2, DEPA (core only) answers for 2, DEPN and districts for 4.
# DEPN (active from FY2562) has framework-1 assignments but no framework-1 year: not counted there.
ASSIGNMENT_SIZES_BY_KIND = [
    (1, "department", 3, 1),
    (1, "district", 3, 2),
    (2, "department", 2, 1),
    (2, "department", 4, 1),
    (2, "district", 4, 2),
]

# Import batches with the result rows each still carries (24, 25 and an empty one).
# (added / replaced / unchanged counts default to 0 for batches written directly, not imported)
IMPORT_BATCHES_BY_ID = [
    (1, "import", "fy2560-2561.csv", "a" * 64, datetime(2018, 11, 5, 9, 30), "secretariat", 24, N,
     0, 0, 0, N, N, N, 24),
    (2, "import", "fy2562.csv", "b" * 64, datetime(2019, 11, 6, 10, 0), "secretariat", 25,
     "round 2 late", 0, 0, 0, N, N, N, 25),
    (3, "import", "empty.csv", "c" * 64, datetime(2019, 11, 7, 8, 15), "secretariat", 0, N,
     0, 0, 0, N, N, N, 0),
]

# The warehouse tables (no views, no leftover staging table).
TABLES_IN_SCHEMA = [(t,) for t in sorted((
    "assignments", "evaluation_components", "fiscal_years", "frameworks", "import_batches",
    "indicators", "objectives", "plan_steps", "results", "results_history", "rule_steps", "rules",
    "organisation", "peer_groups", "rulesets", "scenarios", "unit_kinds", "units", "configuration_versions",
    "users", "user_units", "publications", "audit_log",
    "inspection_calendar", "plan_deadlines"))]

# The default calendar the tiny database holds (data/inspection_calendar.csv), by step name: dates as day,
# month and year against the fiscal year (round 1 is inspected 1–20 April of the fiscal year's own year).
INSPECTION_CALENDAR_BY_STEP = [
    ("circular", 1, 10, -1, 31, 10, -1), ("circulate_report", 1, 11, 0, 30, 11, 0),
    ("compile_scores", 1, 10, 0, 31, 10, 0), ("evaluations_due", 1, 10, 0, 31, 10, 0),
    ("round1_visits", 1, 4, 0, 20, 4, 0), ("round1_work", 1, 10, -1, 30, 3, 0),
    ("round2_visits", 1, 8, 0, 31, 8, 0), ("round2_work", 1, 4, 0, 31, 8, 0)]
# The default plan deadlines (data/plan_deadlines.csv), by kind and step: all in the year before (-1).
PLAN_DEADLINES_BY_STEP = [
    ("action", "approved", 31, 8, -1), ("action", "drafted", 31, 7, -1), ("action", "in_progress", 30, 11, -1),
    ("action", "published", 31, 10, -1), ("action", "submitted", 30, 9, -1),
    ("strategic", "approved", 15, 8, -1), ("strategic", "drafted", 30, 6, -1),
    ("strategic", "in_progress", 30, 11, -1), ("strategic", "published", 31, 10, -1),
    ("strategic", "submitted", 30, 9, -1)]


class ConfigurationSnapshot:
    """Equal to a snapshot (JSON) holding every part of the configuration with the tiny database's row
    counts: 13 organisation items (8 names, 5 for the memo), 2 kinds, 1 peer group, 4 units, 2 frameworks,
    4 objectives, 7 indicators,
    26 assignments, 6 official rules (3 measures × 2 frameworks), 22 settings (11 per framework), 8 calendar
    steps and 10 plan deadlines (5 steps × 2 plan kinds)."""
    COUNTS = {"organisation": 13, "unit_kinds": 2, "peer_groups": 1, "units": 4, "frameworks": 2, "objectives": 4,
              "indicators": 7, "assignments": 26, "rules": 6, "settings": 22, "calendar": 8, "plan_deadlines": 10}

    def __eq__(self, other):
        return {k: len(v) for k, v in json.loads(other).items()} == self.COUNTS


# Version 1 is the configuration the tiny database was built with.
CONFIGURATION_VERSIONS = [(1, datetime(2018, 10, 1, 8, 0), "tests/fixture.py", N, N, N, N, N, ConfigurationSnapshot())]
# What stored results refer to: the 4 units, the 7 indicators (with framework and measure) and 3 years
# (with the framework of the indicators answered in each).
STORED_RESULT_FACTS = (
    [("fiscal_year", str(fy), fw, N) for fy, fw in ((2560, 1), (2561, 1), (2562, 2))]
    + [("indicator", code, fw, measure) for code, fw, _, measure, _ in fixture.INDICATORS]
    + [("unit", code, N, N) for code in ("D01", "D02", "DEPA", "DEPN")]
)
# Each unit × indicator with stored results, its first and last fiscal year: D01 reported framework 1 in
# 2560 and 2561, the others only in 2560; every framework-2 result is from 2562 (DEPA: core only).
STORED_RESULT_SPANS = (
    [("D01", code, 2560, 2561) for code in fixture.CORE_F1]
    + [("D01", code, 2562, 2562) for code in ("T2-1.01", "T2-1.02", "T2-2.01", "T2-2.02")]
    + [("D02", code, 2560, 2560) for code in fixture.CORE_F1]
    + [("D02", code, 2562, 2562) for code in ("T2-1.01", "T2-1.02", "T2-2.01", "T2-2.02")]
    + [("DEPA", code, 2560, 2560) for code in fixture.CORE_F1]
    + [("DEPA", code, 2562, 2562) for code in ("T2-1.01", "T2-1.02")]
    + [("DEPN", code, 2562, 2562) for code in ("T2-1.01", "T2-1.02", "T2-2.01", "T2-2.02")]
)
# Each fiscal year with results, the framework of its indicators and how many: batch 1 holds 18 results in
# 2560 and 6 in 2561 (framework 1), batch 2 the 25 of 2562 (framework 2).
STORED_RESULT_YEARS = [(2560, 1, 18), (2561, 1, 6), (2562, 2, 25)]
# The stored rows behind two keys (the inspectors' visit day and team come from the fixture).
RESCORE_KEYS = pd.DataFrame({"fiscal_year": [2562, 2560], "inspection_round": [1, 2], "unit_code": ["D01", "D02"],
                             "indicator_code": ["T2-2.01", "T1-2.01"]})
STORED_RESULTS_FOR_KEYS = [
    (2560, 2, "D02", "T1-2.01", 40.00, pd.Timestamp(2017, 8, 15), "ชุดตรวจที่ 2", N),   # through a DataFrame
    (2562, 1, "D01", "T2-2.01", 95.00, pd.Timestamp(2019, 4, 10), "ชุดตรวจที่ 1", N),
]
# Every period with results, published by the fixture on 20 November of the year after (counted from
# RESULTS_BATCH_1 and _2: results, units reporting; a published-only viewer sees them all).
PUBLICATIONS_BY_PERIOD = [
    (fy, rnd, n, units, n, True, datetime(fy - 542, 11, 20), "secretariat")
    for fy, rnd, n, units in ((2560, 1, 9, 3), (2560, 2, 9, 3), (2561, 1, 3, 1), (2561, 2, 3, 1),
                              (2562, 1, 14, 4), (2562, 2, 11, 3))]
# The kinds of unit in the configuration's order, with how many units each has.
UNIT_KINDS_BY_ORDER = [("district", "สำนักงานเขต", "District office", 1, True, 2),
                       ("department", "สำนัก/สำนักงาน", "Department / office", 2, False, 2)]
# The organisation's names, one row per item in item order (fixture.ORGANISATION).
ORGANISATION_ITEMS = [
    ("centre_name", "ศูนย์ทดสอบ", "Test centre"), ("chair", "ประธานทดสอบ", "Test chair"),
    ("contact_phone", "0 1234 5678", "+66 1234 5678"),
    ("division", "กองทดสอบ", "Test division"), ("doc_number_prefix", "ทส", "TS"),
    ("org_name", "องค์กรทดสอบ", "Test organisation"),
    ("org_short", "อท.", "TO"), ("peer_group", "กลุ่มทดสอบ", "test group"),
    ("report_to", "หน่วยรับรายงานทดสอบ", "the Test recipient"),
    ("secretariat", "สำนักเลขานุการทดสอบ", "Test secretariat"), ("secretariat_short", "สลท.", "TS"),
    ("signer_name", "นายทดสอบ ลงนาม", "Mr Test Signer"), ("signer_position", "ผู้อำนวยการกองทดสอบ", "Director, Test division"),
]


# Every ruleset kept, official ones first within a framework; spec_json is the file as given.
RULESETS_BY_CODE = [
    ("official-f1", 1, "เกณฑ์ทดสอบ 1", "Test rules 1", "score_each_round", True,
     json.dumps(RULESET_SPECS[0], ensure_ascii=False)),
    ("official-f2", 2, "เกณฑ์ทดสอบ 2", "Test rules 2", "score_each_round", True,
     json.dumps(RULESET_SPECS[1], ensure_ascii=False)),
    ("draft-f2", 2, "draft-f2", "draft-f2", "sum_values", False,   # no names given: the code
     json.dumps(RULESET_SPECS[2], ensure_ascii=False)),
]

# The queries that read a ruleset as registered relations (scenario_rules, scenario_steps, …) get
# the official framework-2 ruleset of the tiny database, as saisaat.scoring registers it.
SCENARIO_QUERIES = ("unit_reward_scores", "result_points_by_ruleset")

# What the importer registers as `incoming`: one stored key (D01 T2-1.01 in round 1 of 2562, value
# 1 from batch 2), the missing D02 T2-2.01 of round 2, and a year with no results.
INCOMING = pd.DataFrame({
    "fiscal_year": [2562, 2562, 2563], "inspection_round": [1, 2, 1],
    "unit_code": ["D01", "D02", "D01"], "indicator_code": ["T2-1.01", "T2-2.01", "T2-1.01"],
    "value": [0.0, 50.0, 1.0],
})
STORED_RESULTS_FOR_INCOMING = [(2562, 1, "D01", "T2-1.01", Decimal("1.00"), 2)]

# What each unit answers for, each year it is active: framework 1 (2560, 2561) the three core
# indicators for D01, D02, DEPA (DEPN starts in 2562); framework 2 (2562, 2563) all four for D01,
# D02 and DEPN, the two core ones for DEPA.
F1_CODES = ["T1-1.01", "T1-1.02", "T1-2.01"]
F2_CODES = ["T2-1.01", "T2-1.02", "T2-2.01", "T2-2.02"]
ASSIGNED_BY_UNIT = (
    [(fy, u, c) for fy in (2560, 2561) for u in ("D01", "D02", "DEPA") for c in F1_CODES]
    + [(fy, u, c) for fy in (2562, 2563) for u in ("D01", "D02", "DEPA", "DEPN")
       for c in (F2_CODES if u != "DEPA" else F2_CODES[:2])]
)
# The template's matrix for 2562: every unit of the year × every framework-2 indicator.
MEASURES = {"T2-1.01": "binary", "T2-1.02": "count", "T2-2.01": "percent", "T2-2.02": "binary"}
ASSIGNMENT_MATRIX_2562 = [(u, c, MEASURES[c], not (u == "DEPA" and c in ("T2-2.01", "T2-2.02")))
                          for u in ("D01", "D02", "DEPA", "DEPN") for c in F2_CODES]
# Framework 2's indicators with the number of district offices and departments answering for them.
INDICATOR_RESPONSIBILITY_F2 = [   # per indicator × kind: 2 districts; departments DEPA (core) and DEPN
    (1, "T2-1.01", "ตัวชี้วัดทดสอบ T2-1.01", "Test indicator T2-1.01", "binary", "core", "department", 2),
    (1, "T2-1.01", "ตัวชี้วัดทดสอบ T2-1.01", "Test indicator T2-1.01", "binary", "core", "district", 2),
    (1, "T2-1.02", "ตัวชี้วัดทดสอบ T2-1.02", "Test indicator T2-1.02", "count", "core", "department", 2),
    (1, "T2-1.02", "ตัวชี้วัดทดสอบ T2-1.02", "Test indicator T2-1.02", "count", "core", "district", 2),
    (2, "T2-2.01", "ตัวชี้วัดทดสอบ T2-2.01", "Test indicator T2-2.01", "percent", "service", "department", 1),
    (2, "T2-2.01", "ตัวชี้วัดทดสอบ T2-2.01", "Test indicator T2-2.01", "percent", "service", "district", 2),
    (2, "T2-2.02", "ตัวชี้วัดทดสอบ T2-2.02", "Test indicator T2-2.02", "binary", "service", "department", 1),
    (2, "T2-2.02", "ตัวชี้วัดทดสอบ T2-2.02", "Test indicator T2-2.02", "binary", "service", "district", 2),
]
RELATION_QUERIES = {"stored_results_for_incoming": lambda db: {"incoming": INCOMING},
                    "stored_results_for_keys": lambda db: {"replaced_keys": RESCORE_KEYS}}


def official_f2_relations(db):
    return scoring.relations(scoring.stored_ruleset(db, framework_id=2))


# The reward part of the tiny rulesets (fixture.REWARD) as the query's parameters.
REWARD_PARAMS = {"framework_id": 2, "levels": REWARD["levels"],
                 "transparency_weight": REWARD["transparency_weight"],
                 "tier_basis": REWARD["tier_basis"], "pool_baht": REWARD["pool_baht"]}

UNIT_REWARD_SCORES_COLUMNS = ["fiscal_year", "unit_code", "unit_kind", "points", "max_points", "score_pct",
                              "reward_score", "overall_score", "rank_in_kind", "rank_overall", "tier",
                              "multiplier", "reward_baht"]
# FY2562, rounds scored each and added: points and max as UNIT_SCORES_2562_BOTH.
# reward on levels 50/60/70/80/90: 92.71 -> 5; 41.38 -> 1; 100 -> 5; 53.13 -> 1 + 3.13/10 = 1.313.
# overall = 0.2 reward + 0.8 mission (D01 4.0, D02 3.0, DEPN 2.5, DEPA none): 4.2, 2.6, -, 2.2626.
# tiers A >= 4 (x2), B >= 3 (x1), C (x0): D01 A takes the whole pool 1000 x 2/2. rank_overall by
# overall; DEPA has no overall score, so no overall rank.
UNIT_REWARD_SCORES_2562 = [
    (2562, "D01", "district", 22.25, 24, 92.71, 5, 4.2, 1, 1, "A", 2, 1000),
    (2562, "D02", "district", 8.69, 21, 41.38, 1, 2.6, 2, 2, "C", 0, 0),
    (2562, "DEPA", "department", 6, 6, 100, 5, N, 1, N, N, N, N),   # no overall score: no overall rank
    (2562, "DEPN", "department", 12.75, 24, 53.13, 1.313, 2.2626, 2, 3, "C", 0, 0),
]
# Every year of framework 2 (only FY2562 has results), rounds' values combined first: counts added,
# binary done in either round, percents averaged; each indicator scored once (max 3):
#   D01  3 + (3+4=7 -> 3) + ((95+60)/2 = 77.5 -> 2.90625 -> 2.91) + 3 = 11.91/12 = 99.25 -> 5; 4.2 A
#   D02  (max 0,1 -> 3) + (1+2=3 -> 2) + (45 -> 1.69) + (max 1,0 -> 3) = 9.69/12 = 80.75
#        -> 4 + 0.75/10 = 4.075; 0.815 + 2.4 = 3.215 B
#   DEPA 3 + 3 = 6/6 = 100
#   DEPN (max 1,0 -> 3) + (2+3=5 -> 3) + ((80+20)/2 = 50 -> 1.875 -> 1.88) + (max 0,1 -> 3)
#        = 10.88/12 = 90.67 -> 5; 1 + 2.0 = 3.0, exactly B
#   money: 2 + 1 + 1 = 4 -> 500, 250, 250
UNIT_REWARD_SCORES_SUM_VALUES = [
    (2562, "D01", "district", 11.91, 12, 99.25, 5, 4.2, 1, 1, "A", 2, 500),
    (2562, "D02", "district", 9.69, 12, 80.75, 4.075, 3.215, 2, 2, "B", 1, 250),
    (2562, "DEPA", "department", 6, 6, 100, 5, N, 1, N, N, N, N),   # no overall score: no overall rank
    (2562, "DEPN", "department", 10.88, 12, 90.67, 5, 3.0, 2, 3, "B", 1, 250),
]

# FY2562 under framework 2 as the scoring engine reads it (unit_value_counts): units numbered in code order
# (D01 1, D02 2, DEPA 3, DEPN 4), each indicator's values numbered in order: T2-1.01 0, 1 -> pairs 1, 2;
# T2-1.02 1..5 -> 3..7; T2-2.01 20, 45, 60, 80, 95 -> 8..12; T2-2.02 0, 1 -> 13, 14. num_results: how many of
# the unit's results have that value (D01's yes in both rounds: 2).
UNIT_VALUE_COUNTS_COLUMNS = ["fiscal_year", "unit_no", "unit_code", "unit_kind", "objective_no", "pair_no",
                             "indicator_code", "value", "framework_id", "num_results"]


def _counts(unit_no, unit, kind, rows):
    return [(2562, unit_no, unit, kind, objective, pair, indicator, value, 2, n)
            for objective, pair, indicator, value, n in rows]


UNIT_VALUE_COUNTS_2562 = (
    _counts(1, "D01", "district", [(1, 2, "T2-1.01", 1, 2), (1, 5, "T2-1.02", 3, 1), (1, 6, "T2-1.02", 4, 1),
                                   (2, 10, "T2-2.01", 60, 1), (2, 12, "T2-2.01", 95, 1), (2, 14, "T2-2.02", 1, 2)])
    + _counts(2, "D02", "district", [(1, 1, "T2-1.01", 0, 1), (1, 2, "T2-1.01", 1, 1), (1, 3, "T2-1.02", 1, 1),
                                     (1, 4, "T2-1.02", 2, 1), (2, 9, "T2-2.01", 45, 1), (2, 13, "T2-2.02", 0, 1),
                                     (2, 14, "T2-2.02", 1, 1)])
    + _counts(3, "DEPA", "department", [(1, 2, "T2-1.01", 1, 1), (1, 7, "T2-1.02", 5, 1)])
    + _counts(4, "DEPN", "department", [(1, 1, "T2-1.01", 0, 1), (1, 2, "T2-1.01", 1, 1), (1, 4, "T2-1.02", 2, 1),
                                        (1, 5, "T2-1.02", 3, 1), (2, 8, "T2-2.01", 20, 1), (2, 11, "T2-2.01", 80, 1),
                                        (2, 13, "T2-2.02", 0, 1), (2, 14, "T2-2.02", 1, 1)])
)
# The rounds' values combined first (sum_values): one value per unit and indicator (see
# UNIT_REWARD_SCORES_SUM_VALUES): T2-1.01 1 -> pair 1; T2-1.02 3, 5, 7 -> 2, 3, 4; T2-2.01 45, 50, 77.5 -> 5, 6,
# 7; T2-2.02 1 -> 8.
UNIT_VALUE_COUNTS_2562_SUM_VALUES = (
    _counts(1, "D01", "district", [(1, 1, "T2-1.01", 1, 1), (1, 4, "T2-1.02", 7, 1), (2, 7, "T2-2.01", 77.5, 1),
                                   (2, 8, "T2-2.02", 1, 1)])
    + _counts(2, "D02", "district", [(1, 1, "T2-1.01", 1, 1), (1, 2, "T2-1.02", 3, 1), (2, 5, "T2-2.01", 45, 1),
                                     (2, 8, "T2-2.02", 1, 1)])
    + _counts(3, "DEPA", "department", [(1, 1, "T2-1.01", 1, 1), (1, 3, "T2-1.02", 5, 1)])
    + _counts(4, "DEPN", "department", [(1, 1, "T2-1.01", 1, 1), (1, 3, "T2-1.02", 5, 1), (2, 6, "T2-2.01", 50, 1),
                                        (2, 8, "T2-2.02", 1, 1)])
)

RESULT_POINTS_BY_RULESET_COLUMNS = ["fiscal_year", "inspection_round", "unit_code", "indicator_code", "value",
                                    "stored_points", "ruleset_points", "max_points"]
# The official framework-2 ruleset gives every FY2562 result the points it was stored with (max 3).
RESULT_POINTS_BY_RULESET_2562 = [
    (fy, rnd, unit, ind, value, points, points, 3)
    for fy, rnd, unit, ind, value, points, _batch in STORED_RESULTS if fy == 2562
]

# No scenario is saved in the tiny database.
SCENARIOS_BY_NAME_COLUMNS = ["scenario_id", "name", "framework_id", "created_by", "created_at", "description",
                             "spec_json"]


# name -> (columns, [(params, expected rows), ...]); its keys must be exactly the files in queries/.
RESULT_INTEGRITY_PROBLEMS_COLUMNS = ["problem", "fiscal_year", "inspection_round", "unit_code", "indicator_code",
                                     "batch_id", "num_results"]

QUERIES = {
    "unit_scores": (UNIT_SCORES_COLUMNS, [
        ({"fiscal_year": 2560, "inspection_round": 1}, UNIT_SCORES_2560_R1),
        ({"fiscal_year": 2561, "inspection_round": None}, UNIT_SCORES_2561_BOTH),
        ({"fiscal_year": 2562, "inspection_round": 1}, UNIT_SCORES_2562_R1),
        ({"fiscal_year": 2562, "inspection_round": 2}, UNIT_SCORES_2562_R2),
        ({"fiscal_year": 2562, "inspection_round": None}, UNIT_SCORES_2562_BOTH),
        ({"fiscal_year": 2563, "inspection_round": None}, UNIT_SCORES_2563_BOTH),
    ]),
    "unit_objective_scores": (UNIT_OBJECTIVE_SCORES_COLUMNS, [
        ({"fiscal_year": 2560, "inspection_round": 2}, UNIT_OBJECTIVE_SCORES_2560_R2),
        ({"fiscal_year": 2562, "inspection_round": 1}, UNIT_OBJECTIVE_SCORES_2562_R1),
        ({"fiscal_year": 2562, "inspection_round": None}, UNIT_OBJECTIVE_SCORES_2562_BOTH),
        ({"fiscal_year": 2563, "inspection_round": None}, []),
    ]),
    "unit_indicator_points": (UNIT_INDICATOR_POINTS_COLUMNS, [
        ({"fiscal_year": 2561, "inspection_round": 1}, UNIT_INDICATOR_POINTS_2561_R1),
        ({"fiscal_year": 2562, "inspection_round": 2}, UNIT_INDICATOR_POINTS_2562_R2),
        ({"fiscal_year": 2562, "inspection_round": None}, UNIT_INDICATOR_POINTS_2562_BOTH),
    ]),
    "unit_scores_by_year": (UNIT_SCORES_BY_YEAR_COLUMNS, [({}, UNIT_SCORES_BY_YEAR)]),
    "unit_indicator_scores_by_year": (UNIT_INDICATOR_SCORES_BY_YEAR_COLUMNS, [
        ({"indicator_code": "T1-2.01", "from_fy": 2560, "to_fy": 2561}, T1_201_2560_2561),
        ({"indicator_code": "T1-2.01", "from_fy": 2561, "to_fy": 2563}, T1_201_2560_2561[3:]),
        ({"indicator_code": "T2-2.01", "from_fy": 2560, "to_fy": 2563}, T2_201_2562),
    ]),
    "unit_theme_scores_by_year": (UNIT_THEME_SCORES_BY_YEAR_COLUMNS, [({}, UNIT_THEME_SCORES_BY_YEAR)]),
    "coverage_by_round": (COVERAGE_BY_ROUND_COLUMNS, [({}, COVERAGE_BY_ROUND)]),
    "units_by_code": (UNITS_BY_CODE_COLUMNS, [({}, UNITS_BY_CODE)]),
    "indicators_by_code": (INDICATORS_BY_CODE_COLUMNS, [({}, INDICATORS_BY_CODE)]),
    "objectives_by_framework": (OBJECTIVES_BY_FRAMEWORK_COLUMNS, [({}, OBJECTIVES_BY_FRAMEWORK)]),
    "units_by_kind": (["unit_kind", "num_units"], [({}, UNITS_BY_KIND)]),
    "fiscal_years": (
        ["fiscal_year", "framework_id", "starts_on", "ends_on", "num_results", "num_units_reported",
         "num_units_expected"],
        [({}, FISCAL_YEARS_BY_STATUS)]),
    "frameworks_by_id": (
        ["framework_id", "name_th", "name_en", "first_fy", "last_fy", "num_objectives", "num_indicators"],
        [({}, FRAMEWORKS_BY_ID)]),
    "assignment_sizes_by_kind": (["framework_id", "unit_kind", "num_indicators", "num_units"],
                                 [({}, ASSIGNMENT_SIZES_BY_KIND)]),
    "import_batches_by_id": (
        ["batch_id", "source", "file_name", "sha256", "imported_at", "imported_by", "row_count", "note",
         "num_added", "num_replaced", "num_unchanged", "replace_reason", "undone_at", "undone_by",
         "num_results"],
        [({}, IMPORT_BATCHES_BY_ID)]),
    "tables_in_schema": (["table_name"], [({}, TABLES_IN_SCHEMA)]),
    # the tiny database's file is tiny.duckdb, opened read-write
    "current_database": (["database_name", "is_read_only"], [({}, [("tiny", False)])]),
    "rulesets_by_code": (["ruleset_code", "framework_id", "name_th", "name_en", "round_aggregation",
                          "is_official", "spec_json"], [({}, RULESETS_BY_CODE)]),
    "unit_reward_scores": (UNIT_REWARD_SCORES_COLUMNS, [
        (dict(REWARD_PARAMS, _values=(2562, "score_each_round")), UNIT_REWARD_SCORES_2562),
        (dict(REWARD_PARAMS, _values=(None, "sum_values")), UNIT_REWARD_SCORES_SUM_VALUES),
        (dict(REWARD_PARAMS, _values=(2563, "score_each_round")), []),   # a year without results
    ]),
    "unit_value_counts": (UNIT_VALUE_COUNTS_COLUMNS, [
        ({"framework_id": 2, "fiscal_year": 2562, "round_aggregation": "score_each_round"}, UNIT_VALUE_COUNTS_2562),
        ({"framework_id": 2, "fiscal_year": 2562, "round_aggregation": "sum_values"},
         UNIT_VALUE_COUNTS_2562_SUM_VALUES),
        ({"framework_id": 1, "fiscal_year": 2562, "round_aggregation": "score_each_round"}, []),   # not framework 1's
        # every year of framework 2: only FY2562 has results
        ({"framework_id": 2, "fiscal_year": None, "round_aggregation": "score_each_round"}, UNIT_VALUE_COUNTS_2562),
    ]),
    "unit_component_scores": (["fiscal_year", "unit_code", "component_code", "score"], [
        ({"framework_id": 2, "fiscal_year": 2562}, [(2562, "D01", "mission", 4.0), (2562, "D02", "mission", 3.0),
                                                    (2562, "DEPN", "mission", 2.5)]),
        ({"framework_id": 1, "fiscal_year": 2561}, []),
        ({"framework_id": 1, "fiscal_year": None}, [(2560, "D01", "mission", 3.5), (2560, "D02", "mission", 3.5),
                                                    (2560, "DEPA", "mission", 4.0)]),
        ({"framework_id": 2, "fiscal_year": 2560}, []),   # framework 1's year
    ]),
    "result_points_by_ruleset": (RESULT_POINTS_BY_RULESET_COLUMNS, [
        ({"framework_id": 2, "fiscal_year": 2562}, RESULT_POINTS_BY_RULESET_2562),
        ({"framework_id": 2, "fiscal_year": None}, RESULT_POINTS_BY_RULESET_2562),   # no results in 2563
        ({"framework_id": 2, "fiscal_year": 2563}, []),
    ]),
    "scenarios_by_name": (SCENARIOS_BY_NAME_COLUMNS, [({}, [])]),
    "assigned_indicators_by_unit": (["fiscal_year", "unit_code", "indicator_code"], [({}, ASSIGNED_BY_UNIT)]),
    "assignment_matrix": (["unit_code", "indicator_code", "measure", "is_assigned"], [
        ({"fiscal_year": 2562}, ASSIGNMENT_MATRIX_2562),
        ({"fiscal_year": 2560}, [(u, c, {"T1-1.01": "binary", "T1-1.02": "count", "T1-2.01": "percent"}[c], True)
                                 for u in ("D01", "D02", "DEPA") for c in F1_CODES]),
    ]),
    "batches_replacing_batch": (["batch_id"], [({"batch_id": 1}, []), ({"batch_id": 2}, [])]),
    "stored_results_for_incoming": (["fiscal_year", "inspection_round", "unit_code", "indicator_code",
                                     "stored_value", "stored_batch_id"], [({}, STORED_RESULTS_FOR_INCOMING)]),
    "plan_steps_by_unit": (["unit_code", "plan_kind", "plan_year", "step", "done_on", "recorded_by",
                            "recorded_at"], [({}, [])]),
    "configuration_versions_by_id": (["version_id", "applied_at", "applied_by", "reason", "file_name", "sha256",
                                      "undoes", "rescore_batch", "snapshot"], [({}, CONFIGURATION_VERSIONS)]),
    "stored_result_facts": (["kind", "code", "framework_id", "measure"], [({}, STORED_RESULT_FACTS)]),
    "stored_result_spans": (["unit_code", "indicator_code", "first_fy", "last_fy"], [({}, STORED_RESULT_SPANS)]),
    "stored_result_years": (["fiscal_year", "framework_id", "num_results"], [({}, STORED_RESULT_YEARS)]),
    # the tiny database as its writer left it: no problem in any year (problems: test_result_integrity_problems)
    "result_integrity_problems": (RESULT_INTEGRITY_PROBLEMS_COLUMNS, [
        ({"first_fy": None, "last_fy": None}, []), ({"first_fy": 2562, "last_fy": 2562}, [])]),
    "stored_results_for_keys": (["fiscal_year", "inspection_round", "unit_code", "indicator_code", "value",
                                 "inspected_on", "inspector", "note"], [({}, STORED_RESULTS_FOR_KEYS)]),
    "unit_kinds_by_order": (["unit_kind", "name_th", "name_en", "sort_order", "grouped", "num_units"],
                            [({}, UNIT_KINDS_BY_ORDER)]),
    "organisation_items": (["item", "value_th", "value_en"], [({}, ORGANISATION_ITEMS)]),
    "inspection_calendar_by_step": (["step", "start_day", "start_month", "start_year", "end_day", "end_month",
                                     "end_year"], [({}, INSPECTION_CALENDAR_BY_STEP)]),
    "plan_deadlines_by_step": (["plan_kind", "step", "due_day", "due_month", "due_year"],
                               [({}, PLAN_DEADLINES_BY_STEP)]),
    "indicator_responsibility": (["objective_no", "indicator_code", "name_th", "name_en", "measure", "applies_to",
                                  "unit_kind", "num_units"],
                                 [({"framework_id": 2}, INDICATOR_RESPONSIBILITY_F2)]),
    "publications_by_period": (["fiscal_year", "inspection_round", "num_results", "num_units_reporting",
                                "num_visible", "is_published", "published_at", "published_by"],
                               [({}, PUBLICATIONS_BY_PERIOD)]),
    "users_by_email": (["email", "role", "unit_codes", "own_drafts", "added_at", "added_by"], [({}, [])]),
    "audit_log_by_id": (["audit_id", "acted_at", "actor", "role", "source", "action", "fiscal_year",
                         "inspection_round", "batch_id", "scenario_id", "configuration_version", "subject",
                         "detail", "reason"], [({}, [])]),
}

# The queries that read results for people take the viewer's scope; every period of the tiny database
# is published, so a published-only viewer sees exactly the rows above (drafts: tests/test_auth.py).
PUBLISHED_ONLY = {"drafts_all": False, "draft_units": []}
SCOPED = ("unit_scores", "unit_objective_scores", "unit_indicator_points", "unit_scores_by_year",
          "unit_indicator_scores_by_year", "unit_theme_scores_by_year", "coverage_by_round", "fiscal_years",
          "publications_by_period")
for _name in SCOPED:
    QUERIES[_name] = (QUERIES[_name][0], [(dict(params, **PUBLISHED_ONLY), rows) for params, rows in QUERIES[_name][1]])


def run_frame(db, name, params):
    """The query's DataFrame; a scenario query with the official framework-2 relations registered, and
    unit_reward_scores with the year's values its case names as "_values" (fiscal year, round aggregation),
    read by saisaat.scoring.year_values (the query runs on their in-memory database)."""
    params = dict(params)
    values = params.pop("_values", None)
    if values is not None:
        fiscal_year, round_aggregation = values
        year = scoring.year_values(db, 2, fiscal_year, round_aggregation)
        return year.values_db.query_with(name, official_f2_relations(db), **params)
    if name in SCENARIO_QUERIES:
        return db.query_with(name, official_f2_relations(db), **params)
    if name in RELATION_QUERIES:
        return db.query_with(name, RELATION_QUERIES[name](db), **params)
    return db.query(name, **params)


def run_rows(db, name, params):
    """The query's rows: fetched as tuples, or through the DataFrame for a scenario query."""
    if name in SCENARIO_QUERIES or name in RELATION_QUERIES:
        return list(run_frame(db, name, params).itertuples(index=False, name=None))
    return db.rows(name, **params)

CASES = [
    pytest.param(name, params, expected,
                 id=f"{name}-" + "-".join(f"{v}" for v in params.values()) if params else name)
    for name, (_columns, cases) in QUERIES.items()
    for params, expected in cases
]


# Points are computed on insert by the official ruleset of the year's framework, exactly per row.
def test_stored_points_follow_the_official_rules(tiny_db):
    cur = tiny_db.cursor()
    rows = cur.execute(
        "select fiscal_year, inspection_round, unit_code, indicator_code, value, points, batch_id "
        "from results order by fiscal_year, inspection_round, unit_code, indicator_code").fetchall()
    cur.close()
    assert norm_rows(rows) == norm_rows(STORED_RESULTS)


# The queries whose header says their rows come in no particular order: compared as sets of rows.
UNORDERED = ("unit_value_counts",)


# Every query returns exactly the hand-computed rows, in order (as sets of rows for UNORDERED).
@pytest.mark.parametrize("name, params, expected", CASES)
def test_query_returns_hand_computed_rows(tiny_db, name, params, expected):
    got = norm_rows(run_rows(tiny_db, name, params))
    if name in UNORDERED:
        got = sorted(got, key=repr)
        expected = sorted(expected, key=repr)
    assert got == norm_rows(expected)



def test_unordered_queries_say_so():
    for name in UNORDERED:
        assert "no particular order" in load_query(name).header


# Every query names its columns as the pages expect them (through the DataFrame path, too).
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_columns(tiny_db, name):
    columns, cases = QUERIES[name]
    params, _expected = cases[0]
    assert list(run_frame(tiny_db, name, params).columns) == columns


# A missing submission or a missing round is null in the DataFrame the pages get, never 0.
@pytest.mark.parametrize("name, unit_code, indicator_code", [
    ("unit_scores", "DEPA", None),                 # the whole round missing
    ("unit_indicator_points", "D02", "T2-2.01"),   # one submission missing
    ("unit_indicator_points", "DEPA", "T2-1.01"),
])
def test_missing_results_are_null_not_zero(tiny_db, name, unit_code, indicator_code):
    frame = tiny_db.query(name, fiscal_year=2562, inspection_round=2)
    row = frame[frame["unit_code"] == unit_code]
    if indicator_code:
        row = row[row["indicator_code"] == indicator_code]
    assert len(row) == 1
    assert row["points"].isna().all()


# Rows put in behind the writer's back (raw SQL, as a bug or a hand edit would): the check names each problem, in
# the years asked about only; store.check_results refuses a write on any of them.
def test_result_integrity_problems(tiny_db):
    tiny_db.con.execute("""
        insert into results
        select * from results
        where fiscal_year = 2562 and inspection_round = 1 and unit_code = 'D01' and indicator_code = 'T2-1.01'""")
    tiny_db.con.execute("""
        insert into results values
            (2563, 1, 'XX', 'T2-1.01', 1, 3, null, null, null, 3),
            (2563, 2, 'D01', 'T9-9.99', 1, 3, null, null, null, 3),
            (2563, 2, 'D02', 'T2-1.01', 1, 3, null, null, null, 99),
            (2599, 1, 'D01', 'T2-1.01', 1, 3, null, null, null, 3)""")
    every = [
        ("duplicate_key", 2562, 1, "D01", "T2-1.01", 2, 2),
        ("unknown_batch", 2563, 2, "D02", "T2-1.01", 99, 1),
        ("unknown_fiscal_year", 2599, 1, "D01", "T2-1.01", 3, 1),
        ("unknown_indicator", 2563, 2, "D01", "T9-9.99", 3, 1),
        ("unknown_unit", 2563, 1, "XX", "T2-1.01", 3, 1),
    ]
    assert tiny_db.rows("result_integrity_problems", first_fy=None, last_fy=None) == every
    assert tiny_db.rows("result_integrity_problems", first_fy=2563, last_fy=2563) == every[1:2] + every[3:]
    assert tiny_db.rows("result_integrity_problems", first_fy=2560, last_fy=2561) == []
    with pytest.raises(duckdb.ConstraintException, match=re.escape(
            'Duplicate key in results: "fiscal_year: 2562, inspection_round: 1, unit_code: D01, indicator_code: '
            'T2-1.01, batch_id: 2" (2 results); 4 more problem(s)')):
        with store.transaction(tiny_db.con) as cur:
            store.check_results(cur)


# Meta: the test table above covers exactly the query files that exist.
def test_every_query_file_is_exercised():
    assert sorted(QUERIES) == query_names()


# Meta: each query's header says what one row is and documents each $parameter it uses.
@pytest.mark.parametrize("name", query_names())
def test_query_header_documents_row_and_params(name):
    q = load_query(name)
    assert q.header.startswith("One row per"), q.header
    for param in q.params:
        assert f"${param}:" in q.header, f"{name}: ${param} is not documented in the header"


# Meta: the parameters the tests pass are exactly those the query uses.
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_test_params_match_query_params(name):
    for params, _expected in QUERIES[name][1]:
        assert set(params) - {"_values"} == set(load_query(name).params)
