"""The figures the analytics pages show, from tiny hand-written frames with exact expected values."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from saisaat import analytics, reference
from saisaat.fiscal import fiscal_year_bounds, fiscal_year_of, format_date, inspection_cycle, pending_rounds

CALENDAR = reference.inspection_calendar()   # the default calendar (data/inspection_calendar.csv)

N = np.nan

SCORES = pd.DataFrame({   # five units; E has no result (not assessed), never 0
    "unit_code": ["A", "B", "C", "D", "E"],
    "unit_kind": ["district", "district", "district", "department", "department"],
    "peer_group_code": ["Z1", "Z1", "Z2", None, None],
    "score_pct": [90.0, 70.0, 80.0, 60.0, N],
})
PREVIOUS = pd.DataFrame({"unit_code": ["A", "B"], "score_pct": [80.0, 60.0]})


# Headline: only assessed units count; mean (90+70+80+60)/4 = 75, median (70+80)/2 = 75;
# at or above 80: A and C; previous mean (80+60)/2 = 70, so change +5.
def test_headline():
    h = analytics.headline(SCORES, PREVIOUS, 80.0)
    assert (h.units_assessed, h.units_expected, h.mean_pct, h.median_pct) == (4, 5, 75.0, 75.0)
    assert (h.at_or_above_target, h.previous_mean_pct, h.mean_change_pct) == (2, 70.0, 5.0)
    assert analytics.headline(SCORES, None, 80.0).mean_change_pct is None


# The mean of two-decimal figures rounds half up exactly, whether the figures come as a float column (counted
# in whole hundredths at once) or as anything else (Decimal by Decimal): 0.01 and 0.02 average 0.015 -> 0.02,
# where binary floats give 0.015 as 0.01499...; 0.1 + 0.2 is 0.3 exactly; a missing figure is left out; a figure
# with a third decimal is taken as written (1/3 and 2/3 of a percent average 0.5).
@pytest.mark.parametrize(("values", "mean"), [
    ([0.01, 0.02], 0.02), ([0.1, 0.2, N], 0.15), ([33.33, 33.33, 33.34], 33.33), ([-0.01, -0.02], -0.02),
    ([70.0, 80.0, 81.0], 77.0), ([N, N], None), ([], None), ([1 / 3, 2 / 3], 0.5), ([1.005, 1.0], 1.0),
])
def test_mean_pct_exact(values, mean):
    from decimal import Decimal
    assert analytics.mean_pct(pd.Series(values, dtype=float)) == mean
    assert analytics.mean_pct([Decimal(str(v)) for v in values if v == v]) == mean   # the Decimal path
    assert analytics.mean_pct(pd.Series(values, dtype="Float64")) == mean


# The median the same way: the middle figure, or the two middle ones' mean rounded half up (0.01 and 0.02 -> 0.02).
@pytest.mark.parametrize(("values", "median"), [
    ([0.02, 0.01], 0.02), ([0.3, N, 0.1, 0.2], 0.2), ([70.0, 80.0, 81.0, 90.5], 80.5), ([-0.01, -0.02], -0.02),
    ([N], None), ([], None), ([1 / 3, 2 / 3], 0.5), ([1.005, 1.0], 1.0),
])
def test_median_pct_exact(values, median):
    from decimal import Decimal
    assert analytics.median_pct(pd.Series(values, dtype=float)) == median
    assert analytics.median_pct([Decimal(str(v)) for v in values if v == v]) == median


# Top and bottom lists leave out the unit with no result.
def test_top_bottom():
    top, bottom = analytics.top_bottom(SCORES, 2)
    assert top["unit_code"].tolist() == ["A", "C"]
    assert bottom["unit_code"].tolist() == ["D", "B"]


# Peer groups: same kind, same peer group (a unit without one: all of its kind), all.
@pytest.mark.parametrize("unit, group, expected", [
    ("A", "kind", ["A", "B", "C"]),
    ("A", "group", ["A", "B"]),
    ("D", "group", ["D", "E"]),
    ("D", "all", ["A", "B", "C", "D", "E"]),
])
def test_peers(unit, group, expected):
    assert analytics.peers(SCORES, unit, group)["unit_code"].tolist() == expected


# Standing among peers: rank 1 = best; percentile = share of the other assessed peers below.
@pytest.mark.parametrize("unit, rank, of, percentile, median", [
    ("A", 1, 3, 100.0, 80.0),   # districts 90, 80, 70: both others below A
    ("B", 3, 3, 0.0, 80.0),
    ("C", 2, 3, 50.0, 80.0),
])
def test_standing(unit, rank, of, percentile, median):
    s = analytics.standing(SCORES[SCORES["unit_kind"] == "district"], unit)
    assert (s.rank, s.of, s.percentile, s.peer_median_pct) == (rank, of, percentile, median)


# A unit with no result has no rank, and ties share the best rank.
def test_standing_missing_and_ties():
    assert analytics.standing(SCORES, "E").rank is None
    tied = pd.DataFrame({"unit_code": ["P", "Q", "R"], "score_pct": [80.0, 80.0, 70.0]})
    assert analytics.standing(tied, "Q").rank == 1
    assert analytics.standing(tied, "R").rank == 3


POINTS = pd.DataFrame({   # unit × indicator, both rounds: points out of max; B has I2 missing
    "unit_code": ["A", "A", "B", "B", "C", "C"],
    "indicator_code": ["I1", "I2", "I1", "I2", "I1", "I2"],
    "objective_no": [1, 2, 1, 2, 1, 2],
    "value": [4.0, 1.0, 2.0, N, 5.0, 0.0],
    "points": [6.0, 3.0, 2.0, N, 6.0, 0.0],
    "max_points": [6.0, 6.0, 6.0, N, 6.0, 6.0],
    "max_points_expected": [6.0] * 6,
    "num_rounds_scored": [2, 1, 2, 0, 2, 2],
})


# Indicator losses for B: I1 lost 4 of 6; peers A and C both full on I1 (median 6, 100 %);
# I2 has no result: listed last with lost_points null (missing, not zero).
def test_indicator_losses():
    out = analytics.indicator_losses(POINTS, ["A", "B", "C"], "B")
    assert out["indicator_code"].tolist() == ["I1", "I2"]
    assert out.loc[0, ["lost_points", "peer_median_points", "peers_full_pct"]].tolist() == [4.0, 6.0, 100.0]
    assert pd.isna(out.loc[1, "lost_points"])
    assert out.loc[1, "peer_median_points"] == 1.5 and out.loc[1, "peers_full_pct"] == 0.0


FOUR = pd.DataFrame({   # four peers × two indicators; B has no result on I2; ties on I1 (A and C both 6)
    "unit_code": ["A", "A", "B", "B", "C", "C", "D", "D"],
    "indicator_code": ["I1", "I2"] * 4,
    "objective_no": [1, 2] * 4,
    "value": [6.0, 3.0, 2.0, N, 6.0, 0.0, 4.0, 5.0],
    "points": [6.0, 3.0, 2.0, N, 6.0, 0.0, 4.0, 5.0],
    "max_points": [6.0, 6.0, 6.0, N, 6.0, 6.0, 6.0, 6.0],
    "max_points_expected": [6.0] * 8,
    "num_rounds_scored": [2, 2, 2, 0, 2, 2, 2, 2],
})


# The peers' figures computed once for the group (IndicatorLosses, as a report card per unit reads them), each
# unit's own points left out: an odd or even number of others, ties, a unit without a result keeping every
# peer. (indicator, peer median, peers scored, share of them on full points) in the order the card lists them.
@pytest.mark.parametrize("unit, expected", [
    ("A", [("I2", 2.5, 2, 0.0), ("I1", 4.0, 3, 33.3)]),    # I1 others 2, 6, 4; I2 others 0, 5
    ("B", [("I1", 6.0, 3, 66.7), ("I2", 3.0, 3, 0.0)]),    # I1 others 6, 6, 4; I2 missing: last, all 3 peers
    ("C", [("I2", 4.0, 2, 0.0), ("I1", 4.0, 3, 33.3)]),    # I2 others 3, 5; I1 others 6, 2, 4
    ("D", [("I1", 6.0, 3, 66.7), ("I2", 1.5, 2, 0.0)]),    # I1 others 6, 2, 6; I2 others 3, 0
])
def test_indicator_losses_of_each_peer(unit, expected):
    group = analytics.IndicatorLosses(FOUR)
    for out in (group.of(unit), analytics.indicator_losses(FOUR, ["A", "B", "C", "D"], unit)):
        assert list(zip(out["indicator_code"], out["peer_median_points"], out["num_peers"],
                        out["peers_full_pct"])) == expected


OBJECTIVES = pd.DataFrame({   # D has no row for objective 2, B no score on it
    "unit_code": ["A", "B", "C", "D", "A", "B", "C"],
    "objective_no": [1, 1, 1, 1, 2, 2, 2],
    "theme_code": ["t1"] * 4 + ["t2"] * 3,
    "score_pct": [90.0, 80.0, 70.0, 85.5, 50.0, N, 60.0],
})


# The objective profile of each peer from the group's sorted scores: the median of the others (the unit's own left
# out; a missing score is no value), and an objective the unit has no row for still shows its peers' median.
@pytest.mark.parametrize("unit, expected", [
    ("A", [(1, 90.0, 80.0), (2, 50.0, 60.0)]),
    ("B", [(1, 80.0, 85.5), (2, N, 55.0)]),
    ("C", [(1, 70.0, 85.5), (2, 60.0, 50.0)]),
    ("D", [(1, 85.5, 80.0), (2, N, 55.0)]),
])
def test_objective_profile_of_each_peer(unit, expected):
    group = analytics.ObjectiveProfiles(OBJECTIVES)
    for out in (group.of(unit), analytics.objective_profile(OBJECTIVES, ["A", "B", "C", "D"], unit)):
        got = list(zip(out["objective_no"], out["score_pct"], out["peer_median_pct"]))
        assert [tuple(None if pd.isna(x) else x for x in row) for row in got] == \
               [tuple(None if pd.isna(x) else x for x in row) for row in expected]


# Every unit's standing from one sorted copy of the group's scores equals its standing asked alone.
def test_standings_of_every_unit():
    district = SCORES[SCORES["unit_kind"] == "district"]
    group = analytics.Standings(SCORES)
    assert [group.of(u) for u in "ABCDE"] == [analytics.standing(SCORES, u) for u in "ABCDE"]
    assert analytics.Standings(district).of("C") == analytics.Standing(2, 3, 50.0, 80.0)


# Coverage statuses: both rounds due → B/I2 (0 of 2) and A/I2 (1 of 2) are missing;
# if round 2 is not yet due, A/I2 is complete; if nothing is due, B/I2 is pending.
@pytest.mark.parametrize("rounds, pending, expected", [
    (2, 0, ["scored", "missing", "scored", "missing", "scored", "scored"]),
    (2, 1, ["scored", "scored", "scored", "missing", "scored", "scored"]),
    (1, 1, ["scored", "scored", "scored", "pending", "scored", "scored"]),
])
def test_coverage_status(rounds, pending, expected):
    assert analytics.coverage_status(POINTS, rounds, pending)["status"].tolist() == expected


# Coverage matrix marks indicators a unit does not answer for; rates: A 3 of 4 = 75 %.
def test_coverage_matrix_and_rates():
    status = analytics.coverage_status(POINTS, 2, 0)
    m = analytics.coverage_matrix(status.iloc[:4], ["I1", "I2", "I3"])
    assert m.loc["A"].tolist() == ["scored", "missing", "not_assigned"]
    rates = analytics.coverage_rates(status, "unit_code").set_index("unit_code")
    assert rates.loc["A"].tolist() == [4, 3, 75.0]
    assert rates.loc["B"].tolist() == [4, 2, 50.0]


# Coverage headline: both rounds due → 9 of 12 received (75 %), A/I2 and B/I2 missing, only C complete;
# only the incomplete units in the matrix; nothing due yet → no coverage figure at all (not 0 %).
def test_coverage_summary():
    status = analytics.coverage_status(POINTS, 2, 0)
    assert analytics.coverage_summary(status) == analytics.CoverageSummary(
        received=9, expected=12, coverage_pct=75.0, missing=2, units_complete=1, units_total=3)
    assert analytics.coverage_matrix(status, ["I1", "I2"], only_incomplete=True).index.tolist() == ["A", "B"]
    nothing_due = analytics.coverage_summary(analytics.coverage_status(POINTS, 1, 1))
    assert (nothing_due.expected, nothing_due.coverage_pct, nothing_due.missing) == (0, None, 0)


# Rounds pending on a day: FY2570's visits end 20 Apr 2027 (round 1) and 31 Aug 2027 (round 2).
@pytest.mark.parametrize("rnd, today, expected", [
    (None, date(2027, 4, 20), [1, 2]),
    (None, date(2027, 4, 21), [2]),
    (None, date(2027, 9, 1), []),
    (1, date(2027, 4, 21), []),
    (2, date(2027, 4, 21), [2]),
])
def test_pending_rounds(rnd, today, expected):
    assert pending_rounds(reference.inspection_calendar(), 2570, rnd, today) == expected


# Failing indicators: I2 — A 3/6, C 0/6 → 25 % of max, 50 % scoring zero, 100 % below full.
def test_failing_indicators():
    out = analytics.failing_indicators(POINTS).set_index("indicator_code")
    assert out.loc["I2"].tolist() == [2, 50.0, 100.0, 25.0]
    assert out.loc["I1"].tolist() == [3, 0.0, 33.3, 77.8]   # 14/18 = 77.8 %
    assert out.index.tolist() == ["I2", "I1"]


BY_YEAR = pd.DataFrame({
    "fiscal_year": [2550, 2550, 2551, 2551, 2552, 2552],
    "inspection_round": [pd.NA] * 6,
    "unit_code": ["A", "B"] * 3,
    "framework_id": [1, 1, 1, 1, 2, 2],
    "score_pct": [50.0, 70.0, 60.0, 70.0, 40.0, 90.0],
})


# Movers between two years: A +10 (50 → 60) improved, B (70 → 70) neither; 2551 → 2552: B +20
# improved, A −20 (60 → 40) declined. An improver list never holds a decline, nor the reverse.
def test_movers():
    up, down = analytics.movers(BY_YEAR, 2550, 2551)
    assert up[["unit_code", "change_pct"]].values.tolist() == [["A", 10.0]]
    assert down.empty
    up, down = analytics.movers(BY_YEAR, 2551, 2552)
    assert up[["unit_code", "change_pct"]].values.tolist() == [["B", 20.0]]
    assert down[["unit_code", "change_pct"]].values.tolist() == [["A", -20.0]]


# The band per year: mean and quartiles of the yearly scores (linear interpolation).
def test_band_by_year():
    band = analytics.band_by_year(BY_YEAR).set_index("fiscal_year")
    assert band.loc[2552].tolist() == [65.0, 52.5, 77.5, 2]


# A line never joins the last year of one framework to the first of the next.
def test_break_at_framework_change():
    a = BY_YEAR[BY_YEAR["unit_code"] == "A"]
    out = analytics.break_at_framework_change(a)
    assert out["fiscal_year"].tolist() == [2550, 2551, 2551.5, 2552]
    assert out["score_pct"].isna().tolist() == [False, False, True, False]
    years = pd.DataFrame({"fiscal_year": [2550, 2551, 2552, 2553], "framework_id": [1, 1, 2, 2]})
    assert analytics.framework_changes(years, 2550, 2553) == [2552]
    assert analytics.framework_changes(years, 2552, 2553) == []


# Fiscal calendar: FY2570 began 1 Oct 2026 (BE = CE + 543); Thai dates in Buddhist era.
@pytest.mark.parametrize("day, fy", [
    (date(2026, 9, 30), 2569), (date(2026, 10, 1), 2570), (date(2026, 11, 28), 2570),
])
def test_fiscal_year_of(day, fy):
    assert fiscal_year_of(day) == fy


def test_fiscal_calendar():
    assert fiscal_year_bounds(2570) == (date(2026, 10, 1), date(2027, 9, 30))
    assert format_date(date(2026, 11, 28), "th") == "28 พ.ย. 2569"
    assert format_date(date(2026, 11, 28), "en") == "28 Nov 2026"
    steps = {s.key: (s.starts_on, s.ends_on) for s in inspection_cycle(reference.inspection_calendar(), 2569)}
    assert steps["round1_visits"] == (date(2026, 4, 1), date(2026, 4, 20))
    assert steps["round2_visits"] == (date(2026, 8, 1), date(2026, 8, 31))
    assert steps["circulate_report"] == (date(2026, 11, 1), date(2026, 11, 30))


# Trend series: a line per unit, the peer band and the mean, each broken (a gap row at x + 0.5)
# between the last year of framework 1 and the first of framework 2; rounds as lines of their own.
def test_trend_series_breaks_at_framework_change():
    by_year = pd.DataFrame({
        "fiscal_year": [2551, 2551, 2552, 2552, 2551, 2552],
        "inspection_round": [None, None, None, None, 1, 1],
        "unit_code": ["A", "B", "A", "B", "A", "A"],
        "framework_id": [1, 1, 2, 2, 1, 2],
        "score_pct": [80.0, 60.0, 70.0, 50.0, 75.0, 65.0],
    })
    lines, band, mean = analytics.trend_series(by_year, ["A"], {"A": "Unit A"}, ["A", "B"])
    assert list(lines) == ["Unit A"]
    assert lines["Unit A"]["fiscal_year"].tolist() == [2551, 2551.5, 2552]
    assert lines["Unit A"]["score_pct"].tolist()[::2] == [80.0, 70.0]
    assert mean["fiscal_year"].tolist() == [2551, 2551.5, 2552]
    assert mean["mean_pct"].tolist()[::2] == [70.0, 60.0]
    assert band["q25_pct"].tolist()[::2] == [65.0, 55.0]
    by_round, _, _ = analytics.trend_series(by_year, ["A"], {"A": "Unit A"}, ["A"], {1: "R1", 2: "R2"})
    assert list(by_round) == ["Unit A · R1", "Unit A · R2"]
    assert by_round["Unit A · R1"]["score_pct"].tolist()[::2] == [75.0, 65.0]
    assert by_round["Unit A · R2"].empty


# --- readable at any size: a ranking's window, a page of a matrix, the largest changes -------------------

def _scores(pcts: dict[str, float | None]) -> pd.DataFrame:
    return pd.DataFrame({"unit_code": list(pcts), "score_pct": list(pcts.values())})


# Up to the limit, every assessed unit is shown, best first, with competition ranks (equal scores share one).
def test_ranked_window_shows_a_short_ranking_whole():
    window = analytics.ranked_window(_scores({"A": 50.0, "B": 80.0, "C": 80.0, "D": None, "E": 10.0}), "A",
                                     all_up_to=4)
    assert window[["unit_code", "rank", "hidden"]].values.tolist() == [
        ["B", 1, 0], ["C", 1, 0], ["A", 3, 0], ["E", 4, 0]]


# Past the limit: the top and bottom `ends`, `around` either side of the chosen unit, and one gap row for each
# run of units left out, saying how many it stands for.
def test_ranked_window_keeps_the_neighbourhood_and_the_ends():
    pcts = {f"U{i:02d}": float(100 - i) for i in range(20)}     # U00 best (100) … U19 last (81)
    window = analytics.ranked_window(_scores(pcts), "U10", around=2, ends=2, all_up_to=5)
    assert [(r.unit_code, None if pd.isna(r.rank) else r.rank, r.hidden) for r in window.itertuples()] == [
        ("U00", 1, 0), ("U01", 2, 0), (None, None, 6),
        ("U08", 9, 0), ("U09", 10, 0), ("U10", 11, 0), ("U11", 12, 0), ("U12", 13, 0), (None, None, 5),
        ("U18", 19, 0), ("U19", 20, 0)]
    top = analytics.ranked_window(_scores(pcts), "U01", around=2, ends=2, all_up_to=5)   # near the top: no gap there
    assert [r.unit_code or f"gap {r.hidden}" for r in top.itertuples()] == [
        "U00", "U01", "U02", "U03", "gap 14", "U18", "U19"]
    unassessed = analytics.ranked_window(_scores(pcts), "ZZ", around=2, ends=2, all_up_to=5)
    assert [r.unit_code or f"gap {r.hidden}" for r in unassessed.itertuples()] == ["U00", "U01", "gap 16", "U18", "U19"]


# A page of a long frame: its rows, the row numbers shown (from 1) and how many pages; a page past the end is
# the last page.
def test_page_of():
    frame = pd.DataFrame({"n": range(1, 206)})   # 205 rows
    rows, first, last, pages = analytics.page_of(frame, 2, size=100)
    assert (rows["n"].tolist()[:2], first, last, pages) == ([101, 102], 101, 200, 3)
    rows, first, last, pages = analytics.page_of(frame, 9, size=100)
    assert (rows["n"].tolist(), first, last, pages) == ([201, 202, 203, 204, 205], 201, 205, 3)
    assert analytics.page_of(frame.head(0), 1, size=100)[1:] == (0, 0, 1)


# A before → after chart of many units draws the largest rises and falls and the chosen unit only.
def test_largest_changes():
    comparison = pd.DataFrame({"unit_code": ["A", "B", "C", "D", "E", "F"],
                               "x_base": [10.0, 10.0, 10.0, 10.0, 10.0, 10.0],
                               "x_scenario": [15.0, 11.0, 10.0, 2.0, 9.0, 30.0]})
    assert analytics.largest_changes(comparison, "x", "C", n=1, all_up_to=3)["unit_code"].tolist() == ["C", "D", "F"]
    assert analytics.largest_changes(comparison, "x", "C", n=1, all_up_to=6)["unit_code"].tolist() == list("ABCDEF")


# Completeness and the default period. Years: 2568 complete (3 of 3 units, both rounds inspected by
# 1 Dec 2026), 2569 one unit missing, 2570 (under way on 1 Dec 2026: both rounds pending) 1 of 3
# units after a small import, 2571 nothing yet.
YEARS = pd.DataFrame({
    "fiscal_year": [2568, 2569, 2570, 2571],
    "framework_id": [2, 2, 2, 2],
    "num_units_reported": [3, 2, 1, 0],
    "num_units_expected": [3, 3, 3, 3],
})
DAY = date(2026, 12, 1)


@pytest.mark.parametrize("fy, reported, pending, complete", [
    (2568, 3, (), True), (2569, 2, (), False), (2570, 1, (1, 2), False), (2571, 0, (1, 2), False),
])
def test_completeness(fy, reported, pending, complete):
    c = analytics.completeness(YEARS, CALENDAR, fy, DAY)
    assert (c.units_reported, c.units_expected, c.pending_rounds, c.complete) == (reported, 3, pending, complete)


# The latest complete year wins over a later partial one; without any complete year, the latest year
# with results; without results at all, the latest year known.
def test_default_period():
    assert analytics.default_period(YEARS, CALENDAR, DAY) == 2568
    assert analytics.default_period(YEARS[YEARS["fiscal_year"] != 2568], CALENDAR, DAY) == 2570
    assert analytics.default_period(YEARS.assign(num_units_reported=0), CALENDAR, DAY) == 2571
    # once FY2570's round 2 visits are over (31 Aug 2027) and every unit is in, 2570 is the default
    done = YEARS.assign(num_units_reported=[3, 2, 3, 0])
    assert analytics.default_period(done, CALENDAR, date(2027, 9, 1)) == 2570
    assert analytics.default_period(done, CALENDAR, date(2027, 8, 31)) == 2568


# Improvers and decliners compare years within one framework: a span reaching back across a framework
# change starts at the first year of the end year's framework.
def test_comparable_span():
    years = pd.DataFrame({"fiscal_year": range(2545, 2555), "framework_id": [1] * 7 + [2] * 3})
    assert analytics.comparable_span(years, 2545, 2554) == (2552, 2554)
    assert analytics.comparable_span(years, 2553, 2554) == (2553, 2554)
    assert analytics.comparable_span(years, 2545, 2550) == (2545, 2550)


# The peer band is one closed shape per framework: FY2550–2551 (q75 then q25 back) and FY2552–2553,
# never a fill joining the two across the change (which drew a wedge) nor split into slivers.
def test_trend_band_one_shape_per_framework():
    from saisaat import charts
    band = analytics.break_at_framework_change(pd.DataFrame({
        "fiscal_year": [2550, 2551, 2552, 2553], "framework_id": [1, 1, 2, 2],
        "q25_pct": [50.0, 52.0, 40.0, 42.0], "q75_pct": [70.0, 72.0, 60.0, 62.0]}))
    fig = charts.trend({}, band, "band", None, "", [2552], "change", "%", "FY")
    shapes = [tr for tr in fig.data if tr.fill]
    assert [tr.fill for tr in shapes] == ["toself", "toself"]
    assert [list(tr.x) for tr in shapes] == [[2550, 2551, 2551, 2550], [2552, 2553, 2553, 2552]]
    assert [list(tr.y) for tr in shapes] == [[70.0, 72.0, 52.0, 50.0], [60.0, 62.0, 42.0, 40.0]]
    assert [tr.showlegend for tr in shapes] == [True, False]


# Calendar ticks: Thai writes the Buddhist-era year short (ต.ค. 69); English writes the whole CE year, since
# "Oct 69" would read as 1969. Typed dates read day/month/year, a year from 2400 as Buddhist era.
def test_month_ticks_and_typed_dates():
    from saisaat.fiscal import format_day_entry, format_month_tick, parse_day_entry
    assert format_month_tick(date(2026, 10, 1), "th") == "ต.ค. 69"
    assert format_month_tick(date(2026, 10, 1), "en") == "Oct 2026"
    assert format_day_entry(date(2026, 12, 1), "th") == "1/12/2569"
    assert format_day_entry(date(2026, 12, 1), "en") == "1/12/2026"
    assert parse_day_entry("1/12/2569") == parse_day_entry(" 01-12-2026 ") == date(2026, 12, 1)
    for bad in ("2026/12/01", "31/2/2569", "1/12", "", "หนึ่ง/12/2569"):
        with pytest.raises(ValueError):
            parse_day_entry(bad)


# Who did something reads as a person would: a typed name as it is, the program's own runs as the program;
# the import history names each source with a word.
def test_actor_and_batch_history():
    from saisaat import labels
    assert labels.actor("สมหญิง ใจดี", "th") == "สมหญิง ใจดี"
    assert labels.actor("saisaat demo --seed 2545", "th") == "โปรแกรม (สร้างข้อมูลสาธิต)"
    assert labels.actor("saisaat init", "en") == labels.actor("system", "en") == "The program"
    batches = pd.DataFrame({"source": ["demo", "import", "rescore"],
                            "imported_by": ["saisaat demo --seed 2545", "Nok", "Nok"],
                            "file_name": ["saisaat demo --seed 2545", "r.csv", "config.xlsx"]})
    out = labels.batch_history(batches, "en")
    assert out[["source_label", "imported_by", "file_name"]].values.tolist() == [
        ["Demo data", "The program (building the demo)", "Demo data"], ["File import", "Nok", "r.csv"],
        ["Rescoring", "Nok", "config.xlsx"]]


# A unit picker's options: every unit up to the limit; past it, the kept (chosen) units first, then the
# matches of the search (name or code, any case) in code order, at most `limit` of them.
@pytest.mark.parametrize("keep, text, limit, expected", [
    (["B2"], "", 5, ["A1", "B2", "C3"]),                        # at most the limit: every unit, as given
    (["B2"], "", 2, ["B2", "A1", "C3"]),                        # kept first, then the first matches
    (["C3"], "", 1, ["C3", "A1"]),
    (["C3"], "road", 2, ["C3", "A1", "B2"]),                    # a name's words
    ([], "ROAD", 1, ["A1"]),                                    # any case; no unit kept
    (["A1"], "(c3", 2, ["A1", "C3"]),                           # the code as the picker shows it
    (["A1"], "nowhere", 2, ["A1"]),                             # nothing matches: only the kept unit
    (["A1", "ZZ"], "", 2, ["A1", "B2", "C3"]),                  # a kept code that is not a unit is left out
])
def test_unit_choices(keep, text, limit, expected):
    from saisaat import labels
    names = {"A1": "Main Road office", "B2": "Side road office", "C3": "Harbour"}
    assert labels.unit_choices(["A1", "B2", "C3"], names, keep, text, limit) == expected
