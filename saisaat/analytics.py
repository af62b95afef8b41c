"""Figures the analytics pages show, computed from query results (no streamlit here).

Every score is points earned / points possible on the indicators a unit answers for, so units
with different numbers of indicators compare fairly. Missing results are left out, never 0.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from saisaat.fiscal import pending_rounds_by_year

PEER_GROUPS = ("kind", "group", "all")
MAX_COMPARED_UNITS = 5


CENT = Decimal("0.01")


def _exact(values) -> list[Decimal]:
    return [Decimal(str(v)) for v in values if pd.notna(v)]


def _cents(values) -> np.ndarray | None:
    """Numbers (missing ones left out) as whole hundredths, when every one is a two-decimal figure stored as a
    binary float (the float nearest to it, as the queries give score_pct): the same exact values as _exact,
    computed for 8,000 units at once. None when they are not numbers or one has more decimals."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return None
    floats = series.to_numpy(dtype=float, na_value=np.nan)
    floats = floats[~np.isnan(floats)]
    cents = np.rint(floats * 100)
    if not (np.abs(cents) < 2 ** 52).all() or not (cents / 100 == floats).all():
        return None
    return cents.astype(np.int64)


def mean_pct(values) -> float | None:
    """The mean of two-decimal figures, rounded half up to 0.01 exactly (as every figure shown)."""
    cents = _cents(values)
    if cents is not None:
        if not len(cents):
            return None
        total = Decimal(int(cents.sum())).scaleb(-2)   # the exact sum, as sum() of _exact's values
        return float((total / len(cents)).quantize(CENT, ROUND_HALF_UP))
    vals = _exact(values)
    return float((sum(vals) / len(vals)).quantize(CENT, ROUND_HALF_UP)) if vals else None


def median_pct(values) -> float | None:
    """The median, rounded half up to 0.01 exactly (the mean of the two middle values when even)."""
    cents = _cents(values)
    if cents is not None:   # the middle ones found among whole hundredths, then taken exactly
        middle = np.sort(cents)[(len(cents) - 1) // 2:len(cents) // 2 + 1]
        return _median_exact([Decimal(int(c)).scaleb(-2) for c in middle])
    return _median_exact(sorted(_exact(values)))


def _exact_or_none(values) -> list[Decimal | None]:
    return [Decimal(str(v)) if pd.notna(v) else None for v in values]


def _median_exact(vals: list[Decimal]) -> float | None:
    """median_pct() of sorted exact values."""
    if not vals:
        return None
    mid = len(vals) // 2
    m = vals[mid] if len(vals) % 2 else (vals[mid - 1] + vals[mid]) / 2
    return float(m.quantize(CENT, ROUND_HALF_UP))


def assessed(scores: pd.DataFrame) -> pd.DataFrame:
    """Units with a score (at least one result in the period)."""
    return scores[scores["score_pct"].notna()]


@dataclass(frozen=True)
class Headline:
    units_assessed: int
    units_expected: int
    mean_pct: float | None
    median_pct: float | None
    at_or_above_target: int
    target_pct: float
    previous_mean_pct: float | None   # the previous fiscal year, same round choice
    mean_change_pct: float | None


def headline(scores: pd.DataFrame, previous: pd.DataFrame | None, target_pct: float) -> Headline:
    s = assessed(scores)["score_pct"].astype(float)
    prev = None if previous is None else assessed(previous)["score_pct"]
    mean = mean_pct(s)
    prev_mean = mean_pct(prev) if prev is not None else None
    change = round(mean - prev_mean, 2) if mean is not None and prev_mean is not None else None
    return Headline(
        units_assessed=int(len(s)),
        units_expected=int(len(scores)),
        mean_pct=mean,
        median_pct=median_pct(s),
        at_or_above_target=int((s >= target_pct).sum()),
        target_pct=target_pct,
        previous_mean_pct=prev_mean,
        mean_change_pct=change,
    )


@dataclass(frozen=True)
class Completeness:
    """How complete a fiscal year's results are on a given day."""
    fiscal_year: int
    units_reported: int            # units with at least one result
    units_expected: int            # units answering for indicators in the year
    pending_rounds: tuple[int, ...]   # rounds whose inspection visits have not ended yet

    @property
    def complete(self) -> bool:
        return 0 < self.units_expected <= self.units_reported and not self.pending_rounds

    @property
    def has_results(self) -> bool:
        return self.units_reported > 0


def completeness(years: pd.DataFrame, calendar: pd.DataFrame, fiscal_year: int, today) -> Completeness:
    """`years`: rows of the fiscal_years query; `calendar`: the inspection calendar (which rounds are due)."""
    return completeness_by_year(years[years["fiscal_year"] == fiscal_year], calendar, today)[int(fiscal_year)]


def completeness_by_year(years: pd.DataFrame, calendar: pd.DataFrame, today) -> dict[int, Completeness]:
    """completeness() of every fiscal year in `years` (what every page asks: the default year, which years are
    incomplete), the calendar read once."""
    fiscal_years = years["fiscal_year"].astype(int).tolist()
    pending = pending_rounds_by_year(calendar, fiscal_years, today)
    return {fy: Completeness(fy, int(reported), int(expected), tuple(pending[fy]))
            for fy, reported, expected in zip(fiscal_years, years["num_units_reported"].tolist(),
                                              years["num_units_expected"].tolist())}


def default_period(years: pd.DataFrame, calendar: pd.DataFrame, today) -> int:
    """The fiscal year a visitor lands on: the latest complete one (every expected unit reported, both
    rounds inspected), else the latest with any results, else the latest known. A small import into the
    year under way never makes it the default."""
    by_year = completeness_by_year(years, calendar, today)
    ordered = sorted(by_year, reverse=True)
    states = [by_year[fy] for fy in ordered]
    for wanted in (lambda c: c.complete, lambda c: c.has_results):
        found = [c.fiscal_year for c in states if wanted(c)]
        if found:
            return found[0]
    return ordered[0]


def top_bottom(scores: pd.DataFrame, n: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Top and bottom n assessed units by score_pct (ties broken by unit_code)."""
    s = assessed(scores).sort_values(["score_pct", "unit_code"], ascending=[False, True])
    bottom = assessed(scores).sort_values(["score_pct", "unit_code"], ascending=[True, True])
    return s.head(n).reset_index(drop=True), bottom.head(n).reset_index(drop=True)


def mean_by(scores: pd.DataFrame, column: str) -> pd.DataFrame:
    """Mean, median and count of score_pct per value of `column` (assessed rows only)."""
    s = assessed(scores)
    return (s.groupby(column, observed=True)["score_pct"]
            .agg(mean_pct=mean_pct, median_pct=median_pct, num_units="count").reset_index())


def peers(units: pd.DataFrame, unit_code: str, group: str) -> pd.DataFrame:
    """The unit's peer group (the unit included): same kind, same peer group, or all units."""
    return peers_of(units, peer_key(units, unit_code, group))


def peer_key(units: pd.DataFrame, unit_code: str, group: str) -> tuple:
    """What the unit's peer group is: (column, value) of units (its kind, or its peer group), or () for all
    units. Units with the same key have the same peers, so a figure of a peer group can be kept by its key."""
    me = units.loc[units["unit_code"] == unit_code]
    if me.empty:
        raise KeyError(unit_code)
    me = me.iloc[0]
    if group == "kind":
        return ("unit_kind", me["unit_kind"])
    if group == "group":
        if pd.isna(me["peer_group_code"]):   # a kind without peer groups: its peers are the whole kind
            return ("unit_kind", me["unit_kind"])
        return ("peer_group_code", me["peer_group_code"])
    if group == "all":
        return ()
    raise ValueError(group)


def peers_of(units: pd.DataFrame, key: tuple) -> pd.DataFrame:
    """The units of a peer group named by peer_key."""
    return units[units[key[0]] == key[1]] if key else units


@dataclass(frozen=True)
class Standing:
    rank: int | None        # 1 = best; ties share the best rank
    of: int                 # units assessed in the group
    percentile: float | None  # share of the other assessed peers scoring below the unit, percent
    peer_median_pct: float | None


def standing(group_scores: pd.DataFrame, unit_code: str) -> Standing:
    return Standings(group_scores).of(unit_code)


class Standings:
    """standing() of every unit of one group, the group's scores sorted once (a report card per unit of
    a kind of thousands asks for each of them)."""

    def __init__(self, group_scores: pd.DataFrame):
        s = assessed(group_scores)
        self._median = median_pct(s["score_pct"])
        self._sorted = np.sort(s["score_pct"].astype(float).to_numpy())
        self._scores: dict[str, float] = {}
        for code, pct in zip(s["unit_code"].tolist(), s["score_pct"].astype(float).tolist()):
            self._scores.setdefault(code, pct)   # a unit's first row, as a filter's iloc[0]

    def of(self, unit_code: str) -> Standing:
        n = len(self._sorted)
        mine = self._scores.get(unit_code)
        if mine is None:
            return Standing(None, n, None, self._median)
        rank = n - int(np.searchsorted(self._sorted, mine, side="right")) + 1   # peers scoring more, + 1
        below = int(np.searchsorted(self._sorted, mine, side="left"))
        others = n - 1
        pct = round(100 * float(below) / others, 1) if others else None
        return Standing(rank, n, pct, self._median)


RANKED_ALL_UP_TO = 100  # a ranking this long or shorter is drawn whole (the BMA: 70 units)
RANKED_AROUND = 10      # otherwise: this many above and below the chosen unit,
RANKED_ENDS = 5         # the top and bottom this many, and the distribution


def ranked_window(group_scores: pd.DataFrame, unit_code: str | None, *, around: int | None = None,
                  ends: int | None = None, all_up_to: int | None = None) -> pd.DataFrame:
    """The rows of a ranking a person can read, best first: every assessed unit when there are at most
    `all_up_to`; otherwise the top and bottom `ends`, and `around` above and below the chosen unit, with
    one gap row (unit_code None, `hidden` = how many units it stands for) wherever units are left out.
    `rank` is the competition rank (1 = best; equal scores share a rank); ties are listed by unit code."""
    around = RANKED_AROUND if around is None else around
    ends = RANKED_ENDS if ends is None else ends
    all_up_to = RANKED_ALL_UP_TO if all_up_to is None else all_up_to
    s = assessed(group_scores).sort_values(["score_pct", "unit_code"], ascending=[False, True])
    s = s.reset_index(drop=True)
    scores = s["score_pct"].astype(float)
    s["rank"] = scores.rank(method="min", ascending=False).astype(int)
    s["hidden"] = 0
    if len(s) <= all_up_to:
        return s
    keep = set(range(ends)) | set(range(len(s) - ends, len(s)))
    mine = s.index[s["unit_code"] == unit_code]
    if len(mine):
        at = int(mine[0])
        keep |= set(range(max(0, at - around), min(len(s), at + around + 1)))
    rows, previous = [], -1
    for i in sorted(keep):
        if i - previous > 1:
            rows.append({"unit_code": None, "hidden": i - previous - 1})
        rows.append(s.iloc[i].to_dict())
        previous = i
    out = pd.DataFrame(rows, columns=s.columns)
    gap = out["hidden"].notna() & (out["hidden"] > 0)
    return out.assign(hidden=out["hidden"].fillna(0).astype(int), rank=out["rank"].astype("Int64"),
                      unit_code=out["unit_code"].astype(object).where(~gap, None))


def in_peer_group(frame: pd.DataFrame, units: pd.DataFrame, unit_code: str, group: str) -> pd.DataFrame:
    """The rows of `frame` (any frame with a unit_code) whose unit is in the unit's peer group (see peers)."""
    return in_peers(frame, units, peer_key(units, unit_code, group))


def in_peers(frame: pd.DataFrame, units: pd.DataFrame, key: tuple) -> pd.DataFrame:
    """in_peer_group() for the peer group named by peer_key."""
    return frame[frame["unit_code"].isin(peers_of(units, key)["unit_code"])]


def units_shown(window: pd.DataFrame) -> int:
    """How many units a ranked_window shows (its rows that are not gaps)."""
    return int((window["hidden"] == 0).sum())


def largest_changes(comparison: pd.DataFrame, value: str, unit_code: str | None, n: int = 15,
                    all_up_to: int | None = None) -> pd.DataFrame:
    """The units a chart of before → after can carry: all of them up to `all_up_to`; otherwise the `n`
    largest rises and `n` largest falls of `value` (base → scenario; ties by unit code) and the chosen unit."""
    if len(comparison) <= (RANKED_ALL_UP_TO if all_up_to is None else all_up_to):
        return comparison
    change = (comparison[f"{value}_scenario"].astype(float) - comparison[f"{value}_base"].astype(float))
    ordered = comparison.assign(_change=change).sort_values(["_change", "unit_code"])
    falls = ordered[ordered["_change"] < 0].head(n)
    rises = ordered[ordered["_change"] > 0].sort_values(["_change", "unit_code"], ascending=[False, True]).head(n)
    keep = set(falls["unit_code"]) | set(rises["unit_code"]) | {unit_code}
    return comparison[comparison["unit_code"].isin(keep)]


MATRIX_PAGE = 80   # units per page of a unit × indicator matrix (a centre the BMA's size fits on one)
TABLE_PAGE = 100   # rows per page of a long table


def page_of(frame: pd.DataFrame, page: int, size: int | None = None) -> tuple[pd.DataFrame, int, int, int]:
    """One page of a long frame's rows (MATRIX_PAGE rows unless `size`): (the rows, first and last row
    number counted from 1, pages). A page past the last gives the last page; an empty frame has one empty page."""
    size = MATRIX_PAGE if size is None else size
    pages = max(1, -(-len(frame) // size))
    page = min(max(1, int(page)), pages)
    start = (page - 1) * size
    rows = frame.iloc[start:start + size]
    return rows, (start + 1 if len(rows) else 0), start + len(rows), pages


class RowsByUnit:
    """A frame's rows one unit at a time, found by position: the frame sorted by unit once (each unit's rows
    in their order), so a unit's rows cost a slice, not a filter of the whole frame."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame.sort_values("unit_code", kind="stable")
        codes = self.frame["unit_code"].tolist()
        self._bounds: dict[str, tuple[int, int]] = {}
        start = 0
        for i in range(1, len(codes) + 1):
            if i == len(codes) or codes[i] != codes[start]:
                self._bounds[codes[start]] = (start, i)
                start = i

    def of(self, unit_code: str) -> pd.DataFrame:
        a, b = self._bounds.get(unit_code, (0, 0))
        return self.frame.iloc[a:b]


def _without(values: list, own: list) -> list:
    """Sorted `values` with one occurrence of each of `own` taken out (a unit's own values from its peers')."""
    if not own:
        return values
    rest = list(values)
    for v in own:
        del rest[bisect_left(rest, v)]
    return rest


def objective_profile(objective_scores: pd.DataFrame, peer_codes, unit_code: str) -> pd.DataFrame:
    """Per objective: the unit's score_pct and the median of its peers (the unit excluded)."""
    return ObjectiveProfiles(objective_scores, peer_codes).of(unit_code)


class ObjectiveProfiles:
    """objective_profile() of every unit of one peer group: each objective's scores sorted once, and a unit's
    own score taken out of them by position (the same medians as the others' scores taken afresh)."""

    def __init__(self, objective_scores: pd.DataFrame, peer_codes=None):
        s = objective_scores if peer_codes is None else \
            objective_scores[objective_scores["unit_code"].isin(list(peer_codes))]
        self._rows = RowsByUnit(s[["unit_code", "objective_no", "theme_code", "score_pct"]])
        by_objective = s.groupby("objective_no")["score_pct"]
        self._values = {no: sorted(_exact(v)) for no, v in by_objective}
        self._num_rows = by_objective.size().to_dict()
        self._dtype = s["objective_no"].dtype

    def of(self, unit_code: str) -> pd.DataFrame:
        mine = self._rows.of(unit_code)
        own_nos = mine["objective_no"].tolist()
        # an objective has a peer median when another unit has a row for it (a median of none is None)
        with_peers = {no for no, n in self._num_rows.items() if n > own_nos.count(no)}
        nos = sorted(set(own_nos) | with_peers)
        own = {no: [] for no in nos}
        for no, pct in zip(own_nos, _exact_or_none(mine["score_pct"])):
            if pct is not None:
                own[no].append(pct)
        medians = [_median_exact(_without(self._values[no], own[no])) if no in with_peers else None for no in nos]
        by_no = {no: (theme, pct) for no, theme, pct in
                 zip(own_nos, mine["theme_code"].tolist(), mine["score_pct"].tolist())}
        return pd.DataFrame({
            "objective_no": pd.array(nos, dtype=self._dtype),
            "theme_code": pd.array([by_no[no][0] if no in by_no else None for no in nos],
                                   dtype=mine["theme_code"].dtype),
            "score_pct": pd.array([by_no[no][1] if no in by_no else None for no in nos],
                                  dtype=mine["score_pct"].dtype),
            "peer_median_pct": medians,
        })


def indicator_losses(indicator_points: pd.DataFrame, peer_codes, unit_code: str) -> pd.DataFrame:
    """The unit's indicators with points lost, peer median and share of peers on full points.

    Sorted by points lost (most first); an indicator with no result has lost_points null and
    sorts last: it is missing, not zero.
    """
    return IndicatorLosses(indicator_points, peer_codes).of(unit_code)


class IndicatorLosses:
    """indicator_losses() of every unit of one peer group, computed for all of them at once (one row per unit ×
    indicator, as unit_indicator_points): each indicator's scored points sorted once, each row's peer median
    read from them with the row's own points left out by position, the rows sorted once; a unit's losses
    are then a slice."""

    COLUMNS = ["indicator_code", "objective_no", "value", "points", "max_points", "max_points_expected"]

    def __init__(self, indicator_points: pd.DataFrame, peer_codes=None):
        s = indicator_points if peer_codes is None else \
            indicator_points[indicator_points["unit_code"].isin(list(peer_codes))]
        s = s[["unit_code"] + self.COLUMNS].reset_index(drop=True)
        points = s["points"].to_numpy(dtype=float)
        scored = ~np.isnan(points)
        full = scored & (points >= s["max_points"].to_numpy(dtype=float))
        median = np.full(len(s), np.nan)
        num_peers = np.zeros(len(s))
        num_full = np.zeros(len(s))
        for rows in s.groupby("indicator_code", sort=False).indices.values():
            values = np.sort(points[rows][scored[rows]])
            own = scored[rows]
            num_peers[rows] = len(values) - own
            num_full[rows] = full[rows].sum() - full[rows]
            # the others' values: position j of them is values[j], or values[j + 1] from the row's own onwards
            at = np.where(own, np.searchsorted(values, np.where(own, points[rows], 0.0)), len(values))
            m = (len(values) - own).astype(int)
            others = lambda j, values=values, at=at: values[np.minimum(j + (j >= at), max(len(values) - 1, 0))]  # noqa: E731
            k = m // 2
            if len(values):
                middle = np.where(m % 2 == 1, others(k), (others(np.maximum(k - 1, 0)) + others(k)) / 2)
                median[rows] = np.where(m > 0, middle, np.nan)
        none = num_peers == 0
        out = s.assign(peer_median_points=median.round(2),
                       num_peers=np.where(none, np.nan, num_peers))
        out["lost_points"] = out["max_points"] - out["points"]
        out["peers_full_pct"] = np.where(none, np.nan, 100 * num_full / np.where(none, 1, num_peers)).round(1)
        out = out.sort_values(["unit_code", "lost_points", "indicator_code"], ascending=[True, False, True],
                              na_position="last", kind="stable")
        self._rows = RowsByUnit(out)

    def of(self, unit_code: str) -> pd.DataFrame:
        out = self._rows.of(unit_code).drop(columns="unit_code").reset_index(drop=True)
        if out["num_peers"].notna().all():   # a count, as a count is (none missing)
            out["num_peers"] = out["num_peers"].astype("int64")
        return out


def band_by_year(by_year: pd.DataFrame, codes=None) -> pd.DataFrame:
    """Per fiscal year (whole year rows): mean, 25th and 75th percentile of score_pct."""
    s = by_year[by_year["inspection_round"].isna()]
    if codes is not None:
        s = s[s["unit_code"].isin(list(codes))]
    g = s.groupby("fiscal_year")["score_pct"]
    out = pd.DataFrame({
        "mean_pct": g.agg(mean_pct),
        "q25_pct": g.quantile(0.25).astype(float).round(2),   # the band is drawn, not printed
        "q75_pct": g.quantile(0.75).astype(float).round(2),
        "num_units": g.count(),
    }).reset_index()
    return out


def movers(by_year: pd.DataFrame, from_fy: int, to_fy: int, n: int = 10):
    """Units with the biggest rise and fall of yearly score_pct between two fiscal years."""
    s = by_year[by_year["inspection_round"].isna()]
    a = s[s["fiscal_year"] == from_fy].set_index("unit_code")["score_pct"].astype(float)
    b = s[s["fiscal_year"] == to_fy].set_index("unit_code")["score_pct"].astype(float)
    both = pd.DataFrame({"from_pct": a, "to_pct": b}).dropna()
    both["change_pct"] = (both["to_pct"] - both["from_pct"]).round(2)
    both = both.reset_index()
    up = both[both["change_pct"] > 0].sort_values(["change_pct", "unit_code"], ascending=[False, True]).head(n)
    down = both[both["change_pct"] < 0].sort_values(["change_pct", "unit_code"], ascending=[True, True]).head(n)
    return up.reset_index(drop=True), down.reset_index(drop=True)


def framework_changes(years: pd.DataFrame, start: int, end: int) -> list[int]:
    """First fiscal years of a new framework within (start, end]."""
    y = years.sort_values("fiscal_year")
    changed = y["framework_id"].ne(y["framework_id"].shift()) & y["framework_id"].shift().notna()
    firsts = y.loc[changed, "fiscal_year"]
    return [int(fy) for fy in firsts if start < fy <= end]


def comparable_span(years: pd.DataFrame, start: int, end: int) -> tuple[int, int]:
    """The part of start..end that lies within one framework: the framework in force in `end`, from
    `start` or from that framework's first year, whichever is later. Scores are compared only there
    (the indicators before a framework change are not the same)."""
    y = years[(years["fiscal_year"] >= start) & (years["fiscal_year"] <= end)].sort_values("fiscal_year")
    framework = y.loc[y["fiscal_year"] == end, "framework_id"].iloc[0]
    first = int(y.loc[y["framework_id"] == framework, "fiscal_year"].min())
    return max(int(start), first), int(end)


def break_at_framework_change(series: pd.DataFrame, x: str = "fiscal_year") -> pd.DataFrame:
    """Insert an empty row between the last year of one framework and the first of the next, so a
    line chart does not join points whose indicators are not comparable."""
    if series.empty:
        return series
    parts = []
    for _, part in series.sort_values(x).groupby("framework_id", sort=True):
        parts.append(part)
        gap = {c: np.nan for c in part.columns}
        gap[x] = part[x].max() + 0.5
        parts.append(pd.DataFrame([gap]))
    return pd.concat(parts[:-1], ignore_index=True)


def coverage_status(indicator_points: pd.DataFrame, num_rounds: int, num_pending: int) -> pd.DataFrame:
    """Add each assigned (unit, indicator)'s status for the period.

    `num_rounds` is 1 or 2 (both rounds); `num_pending` of them have not been inspected yet.
    'scored': every inspected round has its result; 'missing': an inspected round has none;
    'pending': nothing is due yet. num_rounds_expected counts only rounds already due.
    """
    out = indicator_points.copy()
    due = num_rounds - num_pending
    out["num_rounds_expected"] = due
    scored = out["num_rounds_scored"]
    out["status"] = np.where(scored < due, "missing", np.where(scored > 0, "scored", "pending"))
    return out


def coverage_matrix(status: pd.DataFrame, all_codes, only_incomplete: bool = False) -> pd.DataFrame:
    """Unit × indicator statuses; indicators a unit does not answer for are 'not_assigned'.
    `only_incomplete`: only the units with at least one missing result."""
    wide = status.pivot(index="unit_code", columns="indicator_code", values="status")
    wide = wide.reindex(columns=list(all_codes)).astype(object).fillna("not_assigned")
    return wide[(wide == "missing").any(axis=1)] if only_incomplete else wide


@dataclass
class CoverageSummary:
    received: int               # results received in the rounds already due
    expected: int               # results due (rounds not yet inspected are not due)
    coverage_pct: float | None  # None when nothing is due yet
    missing: int                # (unit, indicator) pairs with a due result missing
    units_complete: int         # units with every due result in
    units_total: int


def coverage_summary(status: pd.DataFrame) -> CoverageSummary:
    """The headline of the coverage page, from coverage_status rows."""
    received = int(status["num_rounds_scored"].sum())
    expected = int(status["num_rounds_expected"].sum())
    per_unit = coverage_rates(status, "unit_code")
    return CoverageSummary(
        received=received, expected=expected,
        coverage_pct=round(100 * received / expected, 2) if expected else None,
        missing=int((status["status"] == "missing").sum()),
        units_complete=int((per_unit["coverage_pct"] >= 100).sum()), units_total=len(per_unit),
    )


def coverage_rates(status: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per unit or per indicator: results due, received, coverage percent (lowest first)."""
    g = status.groupby(by)
    out = pd.DataFrame({
        "num_expected": g["num_rounds_expected"].sum(),
        "num_received": g["num_rounds_scored"].sum(),
    })
    due = out["num_expected"].where(out["num_expected"] > 0)
    out["coverage_pct"] = (100 * out["num_received"] / due).astype(float).round(2)
    return out.reset_index().sort_values(["coverage_pct", by]).reset_index(drop=True)


def failing_indicators(indicator_points: pd.DataFrame) -> pd.DataFrame:
    """Per indicator, among units with a result: share scoring 0 and share below full points."""
    s = indicator_points[indicator_points["points"].notna()].copy()
    s["zero"] = s["points"] == 0
    s["below_full"] = s["points"] < s["max_points"]
    g = s.groupby("indicator_code")
    out = pd.DataFrame({
        "num_units": g.size(),
        "zero_pct": (100 * g["zero"].mean()).astype(float).round(1),
        "below_full_pct": (100 * g["below_full"].mean()).astype(float).round(1),
        "mean_points_pct": (100 * g["points"].sum() / g["max_points"].sum()).astype(float).round(1),
    }).reset_index()
    return out.sort_values(["mean_points_pct", "indicator_code"]).reset_index(drop=True)


def in_span(frame: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """The rows of fiscal years start..end (inclusive)."""
    return frame[(frame["fiscal_year"] >= start) & (frame["fiscal_year"] <= end)]


def trend_series(by_year: pd.DataFrame, unit_codes, names: dict[str, str], peer_codes,
                 round_names: dict[int, str] | None = None):
    """What a trend chart draws: a line per unit, the peer group's band and the overall mean, each
    broken at a framework change (no line joins years whose indicators are not comparable).

    `by_year`: rows shaped like unit_scores_by_year (score_pct, framework_id; whole-year rows have a
    null inspection_round, or no such column). With `round_names` ({1: …, 2: …}) each round is a line
    of its own, round 1 dotted."""
    band, mean = trend_bands(by_year, peer_codes)
    return trend_lines(by_year, unit_codes, names, round_names), band, mean


def trend_lines(by_year: pd.DataFrame, unit_codes, names: dict[str, str],
                round_names: dict[int, str] | None = None) -> dict[str, pd.DataFrame]:
    """trend_series()'s lines: name → the unit's rows (each round's, with `round_names`), broken at a framework
    change."""
    if "inspection_round" not in by_year:
        by_year = by_year.assign(inspection_round=pd.NA)
    lines = {}
    for code in unit_codes:
        mine = by_year[by_year["unit_code"] == code]
        if round_names:
            for r, dash in ((1, "dot"), (2, None)):
                part = mine[mine["inspection_round"] == r].assign(dash=dash)
                lines[f"{names[code]} · {round_names[r]}"] = break_at_framework_change(part)
        else:
            lines[names[code]] = break_at_framework_change(mine[mine["inspection_round"].isna()])
    return lines


def trend_bands(by_year: pd.DataFrame, peer_codes) -> tuple[pd.DataFrame, pd.DataFrame]:
    """trend_series()'s peer band and overall mean, broken at a framework change (they depend on the rows and
    the peer group only, not on the units drawn)."""
    if "inspection_round" not in by_year:
        by_year = by_year.assign(inspection_round=pd.NA)
    frameworks = by_year[["fiscal_year", "framework_id"]].drop_duplicates()
    band = break_at_framework_change(band_by_year(by_year, peer_codes).merge(frameworks))
    mean = break_at_framework_change(band_by_year(by_year).merge(frameworks))
    return band, mean


def side_by_side(objective_scores: pd.DataFrame, unit_codes, objective_labels: dict[int, str],
                 names: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The chosen units' objective percents: long (one row per unit × objective, labelled, for the
    chart) and wide (one row per objective, a column per unit name, for the download)."""
    side = objective_scores[objective_scores["unit_code"].isin(list(unit_codes))].copy()
    side["objective"] = side["objective_no"].map(objective_labels)
    side["unit_name"] = side["unit_code"].map(names)
    wide = side.pivot(index="objective", columns="unit_name", values="score_pct").reset_index()
    return side, wide
