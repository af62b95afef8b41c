"""The November documents' content: the cabinet / OCSC summary and the unit report cards.

Every number comes from the same queries and analytics the pages use (a test compares them); the
renderers in documents.py only lay them out.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from saisaat import analytics, labels
from saisaat.db import Database
from saisaat.fiscal import cycle_status, format_date, pending_rounds, today
from saisaat.i18n import t
from saisaat.labels import framework_of, is_demo

TARGET_PCT = 80.0
BANDS = [(0, 60), (60, 70), (70, 80), (80, 90), (90, 100.01)]
TREND_YEARS = 5


@dataclass
class CabinetSummary:
    fiscal_year: int
    lang: str
    demo: bool
    headline: analytics.Headline
    completeness: pd.DataFrame          # per round: expected, received, coverage, units
    bands: pd.DataFrame                 # score band → number of units
    by_kind: pd.DataFrame
    by_objective: pd.DataFrame
    top: pd.DataFrame
    improved: pd.DataFrame
    needs_improvement: pd.DataFrame     # bottom units with the indicators they missed
    by_year: pd.DataFrame               # BMA mean per fiscal year (the last five)
    scores: pd.DataFrame                # every unit (annex), with its kind's and peer group's names
    organisation: dict                  # the organisation's own names in `lang` (labels.organisation)
    proper_names: tuple[str, ...] = ()  # names never broken across lines (labels.proper_names)
    draft: bool = False                 # includes results not yet published (a draft watermark)


def cabinet_summary(db: Database, fiscal_year: int, lang: str = "th", n: int = 10) -> CabinetSummary:
    names = labels.unit_names(db, lang)
    ind_names = labels.indicator_names(db, lang)
    kinds = labels.kind_labels(db, lang)
    scores = db.query("unit_scores", fiscal_year=fiscal_year, inspection_round=None)
    scores["unit_name"] = scores["unit_code"].map(names)
    scores["kind"] = scores["unit_kind"].map(kinds)
    scores["peer_group"] = scores["peer_group_code"].map(labels.peer_group_names(db, lang))
    previous = db.query("unit_scores", fiscal_year=fiscal_year - 1, inspection_round=None)
    head = analytics.headline(scores, previous if len(previous) else None, TARGET_PCT)

    completeness = db.query("coverage_by_round")
    completeness = completeness[completeness["fiscal_year"] == fiscal_year].reset_index(drop=True)

    assessed = analytics.assessed(scores)["score_pct"].astype(float)
    bands = pd.DataFrame([{"band": band_label(lo, hi, lang),
                           "num_units": int(((assessed >= lo) & (assessed < hi)).sum())} for lo, hi in BANDS])

    by_kind = analytics.mean_by(scores, "unit_kind")
    by_kind["kind"] = by_kind["unit_kind"].map(kinds)

    objective_scores = db.query("unit_objective_scores", fiscal_year=fiscal_year, inspection_round=None)
    by_objective = analytics.mean_by(objective_scores, "objective_no")
    by_objective["objective"] = by_objective["objective_no"].map(
        labels.objective_names(db, framework_of(db, fiscal_year), lang))

    top, bottom = analytics.top_bottom(scores, n)
    top.insert(0, "rank", range(1, len(top) + 1))
    by_year_all = db.query("unit_scores_by_year")
    improved, _ = analytics.movers(by_year_all, fiscal_year - 1, fiscal_year, n)
    improved["unit_name"] = improved["unit_code"].map(names)

    points = db.query("unit_indicator_points", fiscal_year=fiscal_year, inspection_round=None)
    missed = points[points["points"].notna() & (points["points"] < points["max_points"])].copy()
    missed["lost"] = missed["max_points"] - missed["points"]
    missed_by_unit = (missed.sort_values(["unit_code", "lost", "indicator_code"], ascending=[True, False, True])
                      .groupby("unit_code")["indicator_code"]
                      .apply(lambda codes: list(codes)[:3]))
    needs = bottom[["unit_code", "unit_name", "score_pct"]].copy()
    # each indicator as a reader cites it (its number and wording), one per line of the cell
    needs["missed_indicators"] = needs["unit_code"].map(
        lambda c: [f"{labels.indicator_number(code)} {ind_names[code]}" for code in missed_by_unit.get(c, [])])

    band = analytics.band_by_year(by_year_all)
    by_year = band[(band["fiscal_year"] > fiscal_year - TREND_YEARS) & (band["fiscal_year"] <= fiscal_year)]

    return CabinetSummary(
        fiscal_year=fiscal_year, lang=lang, demo=is_demo(db), headline=head, completeness=completeness,
        bands=bands, by_kind=by_kind, by_objective=by_objective, top=top, improved=improved,
        needs_improvement=needs, by_year=by_year.reset_index(drop=True), scores=scores,
        organisation=labels.organisation(db, lang), proper_names=labels.proper_names(db, lang),
        draft=labels.is_draft_year(db, fiscal_year),
    )


def band_label(lo: float, hi: float, lang: str) -> str:
    """A score band whose ends no other band shares (scores have two decimals): ต่ำกว่า 60,
    60–69.99, …, 90 ขึ้นไป."""
    if lo <= 0:
        return t("band_below", lang, hi=f"{hi:g}")
    if hi > 100:
        return t("band_from", lang, lo=f"{lo:g}")
    return t("band_between", lang, lo=f"{lo:g}", hi=f"{hi - 0.01:.2f}")


@dataclass
class ReportCard:
    unit_code: str
    unit_name: str
    unit_kind: str
    score_pct: float | None
    standing: analytics.Standing
    peer_label: str
    profile: pd.DataFrame        # objective, score_pct, peer_median_pct
    losses: pd.DataFrame         # indicators where points were lost (top ones)
    trend: pd.DataFrame          # fiscal_year, score_pct (last five years)
    previous_pct: float | None
    change_pct: float | None
    objective_changes: pd.DataFrame   # objective, previous, now, change
    num_losses: int = 0               # indicators where points were lost (losses holds the largest)
    points: float | None = None       # the year's points and points possible
    max_points: float | None = None
    num_indicators: int = 0           # indicators the unit answers for this year
    max_points_per_round: float | None = None   # every indicator's full mark in one round (None: they differ)
    missing_rounds: tuple[int, ...] = ()        # rounds inspected for the unit's peers but not for it
    organisation: dict = field(default_factory=dict)
    proper_names: tuple[str, ...] = ()
    draft: bool = False               # the year's results shown include drafts (a draft watermark)


def report_cards(db: Database, fiscal_year: int, lang: str = "th", units: list[str] | None = None,
                 max_losses: int = 10) -> list[ReportCard]:
    """One card per unit assessed in the year (or the units asked for), peers = same kind."""
    return list(report_cards_one_by_one(db, fiscal_year, lang, units, max_losses)[1])


def report_cards_one_by_one(db: Database, fiscal_year: int, lang: str = "th", units: list[str] | None = None,
                            max_losses: int = 10) -> tuple[int, Iterator[ReportCard]]:
    """report_cards() as (how many, the cards one at a time): the year's scores are read now, each card's
    figures when the iterator reaches it, so that rendering the first cards need not wait for the last
    (documents.cards_zip). `db` stays open until the iterator is done."""
    names = labels.unit_names(db, lang)
    ind_names = labels.indicator_names(db, lang)
    unit_table = db.query("units_by_code")
    scores = db.query("unit_scores", fiscal_year=fiscal_year, inspection_round=None)
    objective_scores = db.query("unit_objective_scores", fiscal_year=fiscal_year, inspection_round=None)
    previous_objectives = db.query("unit_objective_scores", fiscal_year=fiscal_year - 1, inspection_round=None)
    points = db.query("unit_indicator_points", fiscal_year=fiscal_year, inspection_round=None)
    by_year = db.query("unit_scores_by_year")
    by_year = by_year[by_year["inspection_round"].isna()
                      & (by_year["fiscal_year"] > fiscal_year - TREND_YEARS)
                      & (by_year["fiscal_year"] <= fiscal_year)]
    objective_labels = labels.objective_names(db, framework_of(db, fiscal_year), lang)
    same_framework = framework_of(db, fiscal_year - 1) == framework_of(db, fiscal_year)
    organisation, proper_names = labels.organisation(db, lang), labels.proper_names(db, lang)
    # each round's results, to see which rounds a unit is missing (a round not yet inspected is not missing)
    calendar = db.query("inspection_calendar_by_step")
    inspected = [r for r in (1, 2) if r not in pending_rounds(calendar, fiscal_year, None, today())]
    round_scores = {r: db.query("unit_scores", fiscal_year=fiscal_year, inspection_round=r) for r in inspected}
    wanted = units or analytics.assessed(scores)["unit_code"].tolist()
    draft = labels.is_draft_year(db, fiscal_year)
    kind_names = labels.kind_labels(db, lang)
    kind_of = dict(zip(unit_table["unit_code"].tolist(), unit_table["unit_kind"].tolist()))
    mine_scores, mine_objectives, mine_previous, mine_trend = (
        analytics.RowsByUnit(frame) for frame in (scores, objective_scores, previous_objectives, by_year))
    scored_in_round = {r: dict(zip(frame["unit_code"].tolist(), frame["num_scored"].tolist()))
                       for r, frame in round_scores.items()}
    # each kind's figures once (its units' scores, medians and ranks), then each of its cards reads its own:
    # thousands of units of a kind at national scale
    kinds: dict[str, _KindFigures] = {}
    round_losses: dict[tuple[str, int], analytics.IndicatorLosses] = {}
    round_points: dict[int, pd.DataFrame] = {}

    def each() -> Iterator[ReportCard]:
        for code in wanted:
            kind = kind_of[code]
            if kind not in kinds:
                kinds[kind] = _KindFigures(unit_table[unit_table["unit_kind"] == kind]["unit_code"], scores,
                                           objective_scores, points, scored_in_round)
            figures = kinds[kind]
            mine = mine_scores.of(code)
            pct = float(mine["score_pct"].iloc[0]) if len(mine) and pd.notna(mine["score_pct"].iloc[0]) else None
            profile = figures.profiles.of(code)
            profile["objective"] = _labelled(profile["objective_no"], objective_labels)
            missing = tuple(r for r in round_scores
                            if scored_in_round[r].get(code, 0) == 0 and figures.scored_in_round[r] > 0)
            scored_rounds = [r for r in inspected if r not in missing]
            # a unit with one round of results is compared with its peers' points in that round
            losses_of = figures.losses
            if missing and len(scored_rounds) == 1:
                r = scored_rounds[0]
                if r not in round_points:
                    round_points[r] = db.query("unit_indicator_points", fiscal_year=fiscal_year, inspection_round=r)
                if (kind, r) not in round_losses:
                    round_losses[kind, r] = analytics.IndicatorLosses(round_points[r], figures.peers)
                losses_of = round_losses[kind, r]
            all_losses = losses_of.of(code)
            all_losses = all_losses[all_losses["lost_points"] > 0]
            losses = all_losses.head(max_losses).copy()
            losses["indicator"] = _labelled(losses["indicator_code"], ind_names)
            mine_points = figures.points.of(code)
            per_round = (mine_points["max_points_expected"] / 2).unique()
            trend = mine_trend.of(code)[["fiscal_year", "score_pct", "framework_id"]]
            prev = trend[trend["fiscal_year"] == fiscal_year - 1]["score_pct"]
            prev_pct = float(prev.iloc[0]) if len(prev) else None
            changes = pd.DataFrame(columns=["objective", "previous_pct", "score_pct", "change_pct"])
            if same_framework:
                changes = _objective_changes(mine_objectives.of(code), mine_previous.of(code), objective_labels)
            yield ReportCard(
                unit_code=code, unit_name=names.get(code, code), unit_kind=kind, score_pct=pct,
                standing=figures.standings.of(code), peer_label=kind_names.get(kind, kind),
                profile=profile, losses=losses, trend=trend.reset_index(drop=True), previous_pct=prev_pct,
                change_pct=None if pct is None or prev_pct is None or not same_framework else round(pct - prev_pct, 2),
                objective_changes=changes, num_losses=len(all_losses),
                points=_number(mine["points"]), max_points=_number(mine["max_points"]),
                num_indicators=len(mine_points),
                max_points_per_round=float(per_round[0]) if len(per_round) == 1 else None,
                missing_rounds=missing, organisation=organisation, proper_names=proper_names,
                draft=draft,
            )

    return len(wanted), each()


class _KindFigures:
    """What every card of one kind compares with, computed once for the kind: its units' standings, objective
    medians and indicator figures (each card's own value left out of its peers'), and each round's results."""

    def __init__(self, peers: pd.Series, scores: pd.DataFrame, objective_scores: pd.DataFrame,
                 points: pd.DataFrame, scored_in_round: dict[int, dict[str, int]]):
        self.peers = peers
        codes = set(peers.tolist())
        in_kind = lambda frame: frame[frame["unit_code"].isin(codes)]  # noqa: E731
        self.standings = analytics.Standings(in_kind(scores))
        self.profiles = analytics.ObjectiveProfiles(in_kind(objective_scores))
        kind_points = in_kind(points)
        self.losses = analytics.IndicatorLosses(kind_points)
        self.points = analytics.RowsByUnit(kind_points)
        # results in each round among the kind (a round none of them has is not yet inspected for them)
        self.scored_in_round = {r: sum(n for c, n in scored.items() if c in codes) for r, scored in scored_in_round.items()}


def _objective_changes(now: pd.DataFrame, before: pd.DataFrame, objective_labels: dict) -> pd.DataFrame:
    """Per objective the unit has both years (one row per unit × objective, in this year's order): last
    year's score_pct, this year's and the change."""
    previous = dict(zip(before["objective_no"].tolist(), before["score_pct"].astype(float).tolist()))
    both = [(no, previous[no], pct) for no, pct in zip(now["objective_no"].tolist(), now["score_pct"].astype(float).tolist())
            if no in previous]
    before_pct = np.array([b for _, b, _ in both], dtype=float)
    now_pct = np.array([n for _, _, n in both], dtype=float)
    return pd.DataFrame({
        "objective": _labelled([no for no, _, _ in both], objective_labels),
        "previous_pct": before_pct,
        "score_pct": now_pct,
        "change_pct": (now_pct - before_pct).round(2),
    })


def _labelled(keys, names: dict) -> pd.Series:
    """Each key's name (missing: NaN), as Series.map(dict) gives, without its per-call cost."""
    return pd.Series([names.get(k) for k in keys], dtype="str",
                     index=keys.index if isinstance(keys, pd.Series) else None)


def _number(column: pd.Series) -> float | None:
    return float(column.iloc[0]) if len(column) and pd.notna(column.iloc[0]) else None


def cycle_table(source, fiscal_year: int, today: date, lang: str) -> pd.DataFrame:
    """One row per step of the fiscal year's inspection cycle: its name, dates, state on `today` (from the
    dates and the results received) and, for steps that wait for results, how many units are in."""
    rounds = source.query("coverage_by_round")
    rounds = rounds[rounds["fiscal_year"] == fiscal_year]
    reporting = {int(r.inspection_round): (int(r.num_units_reporting), int(r.num_units_expected))
                 for r in rounds.itertuples()}
    calendar = source.query("inspection_calendar_by_step")
    return pd.DataFrame([{
        "step": t(f"cycle_{s.step.key}", lang),
        "when": f"{format_date(s.step.starts_on, lang)} – {format_date(s.step.ends_on, lang)}",
        "state": t(f"state_{s.state}", lang),
        "detail": "" if s.expected is None else t(
            "state_detail" if "visits" in s.step.key else "state_detail_both", lang,
            received=s.received, expected=s.expected),
    } for s in cycle_status(calendar, fiscal_year, today, reporting)], columns=["step", "when", "state", "detail"])


def responsibility(source, framework_id: int, lang: str) -> pd.DataFrame:
    """One row per indicator of a framework: objective, code, wording and measure in `lang`, and a column
    per kind of unit (named in `lang`, in the configuration's order) with how many units answer for it."""
    rows = source.query("indicator_responsibility", framework_id=framework_id)
    kinds = labels.kind_labels(source, lang)
    wide = rows.pivot(index=["objective_no", "indicator_code", "name_th", "name_en", "measure"],
                      columns="unit_kind", values="num_units").reset_index()
    wide["indicator"] = wide["name_th" if lang == "th" else "name_en"]
    wide["measure"] = wide["measure"].map(lambda m: t(f"measure_{m}", lang))
    out = wide[["objective_no", "indicator_code", "indicator", "measure"] + [k for k in kinds if k in wide]]
    return out.rename(columns=kinds).rename_axis(columns=None)
