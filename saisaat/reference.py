"""Reference tables from data/: the organisation, unit kinds, peer groups, units, frameworks,
objectives, indicators, assignments, rules, the inspection calendar and the plan-step deadlines.

These are the BMA defaults (units from ../shared/reference, illustrative indicators and rules);
real ones replace them by editing the files in data/ or through import.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from saisaat import DATA_DIR
from saisaat.fiscal import current_fiscal_year, fiscal_year_bounds
from saisaat.rulesets import official_ruleset_files, read_ruleset_file


def read_csv(name: str, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    return pd.read_csv(data_dir / name, dtype=str, keep_default_na=False, encoding="utf-8")


def _nullable_int(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.replace("", None), errors="raise").astype("Int64")


def organisation(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    return read_csv("organisation.csv", data_dir)


def unit_kinds(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    df = read_csv("unit_kinds.csv", data_dir)
    df["sort_order"] = df["sort_order"].astype(int)
    df["grouped"] = df["grouped"].str.lower().eq("true")
    return df


def peer_groups(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    return read_csv("peer_groups.csv", data_dir)


def units(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    df = read_csv("units.csv", data_dir)
    for col in ("peer_group_code", "abbrev_th"):
        df[col] = df[col].replace("", None)
    for col in ("active_from_fy", "active_to_fy"):
        df[col] = _nullable_int(df[col])
    return df


def frameworks(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    df = read_csv("frameworks.csv", data_dir)
    for col in ("framework_id", "first_fy", "last_fy"):
        df[col] = _nullable_int(df[col])
    return df


def objectives(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    df = read_csv("objectives.csv", data_dir)
    for col in ("framework_id", "objective_no"):
        df[col] = df[col].astype(int)
    return df


def indicators(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    df = read_csv("indicators.csv", data_dir)
    for col in ("framework_id", "objective_no"):
        df[col] = df[col].astype(int)
    return df


def _whole_numbers(df: pd.DataFrame, key: str) -> pd.DataFrame:
    for col in df.columns:
        if col.startswith(("start_", "end_", "due_")):
            df[col] = df[col].astype(int)
    return df.sort_values(key.split(","), ignore_index=True)


def inspection_calendar(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """The steps of the yearly inspection cycle, each date as day, month and year relative to the fiscal
    year (see saisaat.fiscal.relative_date)."""
    return _whole_numbers(read_csv("inspection_calendar.csv", data_dir), "step")


def plan_deadlines(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """The deadline of each plan step, relative to the plan's first fiscal year (as the calendar's dates)."""
    return _whole_numbers(read_csv("plan_deadlines.csv", data_dir), "plan_kind,step")


def fiscal_years(frames: pd.DataFrame, through_fy: int | None = None) -> pd.DataFrame:
    """One row per fiscal year of each framework; a framework still in force (no last fiscal year)
    runs through `through_fy`, by default the fiscal year under way today."""
    last_fy = current_fiscal_year() if through_fy is None else through_fy
    rows = []
    for fw in frames.itertuples():
        end = last_fy if pd.isna(fw.last_fy) else int(fw.last_fy)
        for fy in range(int(fw.first_fy), end + 1):
            starts_on, ends_on = fiscal_year_bounds(fy)
            rows.append({"fiscal_year": fy, "framework_id": int(fw.framework_id),
                         "starts_on": starts_on, "ends_on": ends_on})
    return pd.DataFrame(rows, columns=["fiscal_year", "framework_id", "starts_on", "ends_on"])


def assignments(unit_frame: pd.DataFrame, indicator_frame: pd.DataFrame) -> pd.DataFrame:
    """Every unit answers for the `core` indicators and for those of its missions' tags."""
    tags = unit_frame[["unit_code", "missions"]].copy()
    tags["tag"] = tags["missions"].str.split(";")
    tags = tags.explode("tag")
    tags = tags[tags["tag"] != ""][["unit_code", "tag"]]
    core = unit_frame[["unit_code"]].assign(tag="core")
    tags = pd.concat([core, tags], ignore_index=True)
    out = tags.merge(indicator_frame[["indicator_code", "applies_to"]],
                     left_on="tag", right_on="applies_to")
    return (out[["unit_code", "indicator_code"]]
            .drop_duplicates()
            .sort_values(["unit_code", "indicator_code"], ignore_index=True))


def official_rulesets(indicator_frame: pd.DataFrame):
    return [read_ruleset_file(p, indicator_frame) for p in official_ruleset_files()]
