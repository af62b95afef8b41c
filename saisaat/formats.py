"""How every number reads: the same decimals for the same measure on every page, table, metric and chart,
and thousands separators everywhere (8,000 units; 50,000,000.00 baht). Fiscal years are names, not
amounts: they never get a separator.

A column's measure is read from its name (the project names columns for their unit: score_pct, points,
reward_baht, num_units, rank_...), so a table needs no format of its own.
"""
from __future__ import annotations

import math

DECIMALS = {
    "pct": 2,            # a score percent, a mean or median of them, coverage; a change in percentage points
    "share_pct": 1,      # a share of units (on full points, scoring zero, below full)
    "points": 2,         # points earned, possible or lost; a measured value
    "score_1_5": 4,      # the 1–5 reward score, the overall evaluation score and its parts
    "baht": 2,           # reward money
    "count": 0,          # units, results, rounds, ranks, rows
}
SHARE_COLUMNS = {"peers_full_pct", "zero_pct", "below_full_pct", "mean_points_pct"}
PLAIN_COLUMNS = {"fiscal_year", "from_fy", "to_fy", "plan_year", "batch_id", "version_id", "objective_no",
                 "inspection_round", "undoes", "rescore_batch"}


def measure_of(column: str) -> str | None:
    """The measure a column holds, from its name; None for identifiers and years (shown as they are)."""
    c = column.lower()
    for side in ("_base", "_scenario", "_change"):   # the what-if comparison's two sides and the change
        c = c.removesuffix(side)
    if c in PLAIN_COLUMNS or c.endswith("_fy"):
        return None
    if "baht" in c:
        return "baht"
    if "reward_score" in c or "overall_score" in c or "other_components" in c:
        return "score_1_5"
    if c.endswith("_pct"):
        return "share_pct" if c in SHARE_COLUMNS else "pct"
    if "points" in c or c in ("value", "old_value"):
        return "points"
    if c.startswith("num_") or c.startswith("rank") or c in ("row", "excel_row", "units", "row_count"):
        return "count"
    return None


def is_signed(column: str) -> bool:
    """A change is shown with its sign (+1.50, −0.25)."""
    return column.endswith("_change") or column == "change_pct" or column == "rank_change"


def number(value, measure: str, signed: bool = False) -> str:
    """`value` as text: its measure's decimals, thousands separators, a sign for a change; "—" if missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{float(value):{'+' if signed else ''},.{DECIMALS[measure]}f}"


def pct(value, signed: bool = False) -> str:
    """A score percent with its sign: 82.13%."""
    text = number(value, "pct", signed)
    return text if text == "—" else f"{text}%"


def count(value) -> str:
    return number(value, "count")


def column_format(column: str) -> tuple[str, float] | None:
    """(format, step) for a Streamlit NumberColumn showing `column`, or None to leave it as it is.

    Streamlit's printf-style formats cannot group thousands; its "localized" format does (with the step
    giving the decimals), but shows no "+": changes keep a printf sign, and are small enough to need no
    separator, except money, which is grouped (a fall keeps its minus sign)."""
    measure = measure_of(column)
    if measure is None:
        return None
    places = DECIMALS[measure]
    if is_signed(column) and measure != "baht":
        return f"%+.{places}f", 10.0 ** -places
    return "localized", 10.0 ** -places
