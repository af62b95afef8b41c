"""Plan tracking: each unit's 4-year strategic plan and annual action plan through the OCSC steps
(drafted → approved by the oversight committee → submitted to the Budget Bureau → published → being
carried out), with deadlines (part of the configuration: the plan_deadlines table, illustrative by default)
to tell who is late."""
from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from saisaat import DATA_DIR
from saisaat.fiscal import format_date, gregorian_year, relative_date, today
from saisaat.i18n import Message, t
from saisaat.importer import Problem

PLAN_KINDS = ("action", "strategic")
STEPS = ("drafted", "approved", "submitted", "published", "in_progress")
STRATEGIC_FIRST_YEAR = 2546   # strategic plans run 2546–2549, 2550–2553, … 2570–2573


def plan_structure() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "plan_structure.csv")


def strategic_start(fiscal_year: int) -> int:
    """The first fiscal year of the strategic plan that covers `fiscal_year`."""
    return fiscal_year - (fiscal_year - STRATEGIC_FIRST_YEAR) % 4


def due_date(deadlines: pd.DataFrame, plan_kind: str, plan_year: int, step: str) -> date:
    """The step's deadline for the plan starting in `plan_year`, from the configured deadlines (plan_kind,
    step, due_day, due_month, due_year relative to the plan's first fiscal year)."""
    row = deadlines[(deadlines["plan_kind"] == plan_kind) & (deadlines["step"] == step)].iloc[0]
    return relative_date(plan_year, row["due_day"], row["due_month"], row["due_year"])


def plan_years(fiscal_years, plan_kind: str) -> list[int]:
    """The plans a picker offers, newest first: each fiscal year's action plan, or each 4-year strategic
    plan (named by its first fiscal year) that the fiscal years touch."""
    years = {strategic_start(y) for y in fiscal_years} if plan_kind == "strategic" else set(fiscal_years)
    return sorted(years, reverse=True)


def status_labelled(status_frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """status() with its lists and dates written for people: step names and dates in `lang`."""
    def steps_text(steps) -> str:
        return ", ".join(t(f"plan_step_{x}", lang) for x in steps)
    out = status_frame.copy()
    out["overdue_text"] = out["overdue"].map(steps_text)
    out["late_text"] = out["done_late"].map(steps_text)
    out["reached_text"] = out["reached"].map(lambda s: t(f"plan_step_{s}", lang) if isinstance(s, str) else "—")
    for step_key in STEPS:
        out[step_key] = out[step_key].map(lambda d: format_date(pd.Timestamp(d).date(), lang) if pd.notna(d) else "—")
    return out


def status_counts(status_frame: pd.DataFrame) -> dict[str, int]:
    """The plan tab's headline: plans carried through, plans late now, plans with a step done late."""
    return {"units": len(status_frame),
            "done": int((status_frame["reached"] == "in_progress").sum()),
            "late": int(status_frame["is_late"].sum()),
            "done_late": int(status_frame["done_late"].map(bool).sum())}


def status(units: pd.DataFrame, recorded: pd.DataFrame, deadlines: pd.DataFrame, plan_kind: str, plan_year: int,
           today: date) -> pd.DataFrame:
    """One row per unit: each step's date (or none), the furthest step reached, and the steps that are
    overdue today (due and not recorded) or were done after their `deadlines` (plan_deadlines rows)."""
    mine = recorded[(recorded["plan_kind"] == plan_kind) & (recorded["plan_year"] == plan_year)]
    wide = mine.pivot(index="unit_code", columns="step", values="done_on").reindex(columns=list(STEPS))
    out = units[["unit_code"]].merge(wide, left_on="unit_code", right_index=True, how="left")
    due = {s: due_date(deadlines, plan_kind, plan_year, s) for s in STEPS}
    reached, overdue, done_late = [], [], []
    for row in out.itertuples(index=False):
        dates = dict(zip(STEPS, row[1:]))
        done = [s for s in STEPS if pd.notna(dates[s])]
        reached.append(done[-1] if done else None)
        overdue.append([s for s in STEPS if pd.isna(dates[s]) and due[s] < today])
        done_late.append([s for s in done if pd.Timestamp(dates[s]).date() > due[s]])
    out["reached"] = pd.Series(reached, index=out.index, dtype=object)
    out["overdue"] = overdue
    out["done_late"] = done_late
    out["is_late"] = out["overdue"].map(bool)
    return out


def check_steps(frame: pd.DataFrame, known_units: set[str], existing: pd.DataFrame, sheet: str = "plan") -> list[Problem]:
    """Problems of plan-step rows (a form entry or a CSV): unknown unit or kind or step, a strategic
    year that does not start a plan, a step recorded twice or before the step it follows."""
    problems = []
    keys = set(zip(existing["unit_code"], existing["plan_kind"], existing["plan_year"], existing["step"]))
    dated = {(u, k, int(y), st): pd.Timestamp(d).date()
             for u, k, y, st, d in zip(existing["unit_code"], existing["plan_kind"], existing["plan_year"],
                                       existing["step"], existing["done_on"])}
    for r in frame.itertuples(index=False):
        if isinstance(r.done_on, date):
            dated.setdefault((r.unit_code, r.plan_kind, int(r.plan_year), r.step), r.done_on)
    seen = {}
    for i, r in enumerate(frame.itertuples(index=False), start=2):
        def bad(col, value, key, i=i, **params):
            problems.append(Problem(sheet, i, col, None if value is None else str(value), Message(key, **params)))
        if r.unit_code not in known_units:
            bad("A", r.unit_code, "steps_unknown_unit")
        if r.plan_kind not in PLAN_KINDS:
            bad("B", r.plan_kind, "steps_bad_kind")
        elif r.plan_kind == "strategic" and (int(r.plan_year) - STRATEGIC_FIRST_YEAR) % 4:
            bad("C", r.plan_year, "steps_strategic_start", start=strategic_start(int(r.plan_year)))
        if r.step not in STEPS:
            bad("D", r.step, "steps_bad_step", steps=", ".join(STEPS))
        key = (r.unit_code, r.plan_kind, int(r.plan_year), r.step)
        if key in keys:
            bad("D", r.step, "steps_recorded")
        elif key in seen:
            bad("D", r.step, "steps_duplicate", row=seen[key])
        seen.setdefault(key, i)
        if not isinstance(r.done_on, date):
            bad("E", r.done_on, "steps_date_format")
        elif r.done_on > today():
            bad("E", r.done_on, "steps_date_future")
        elif r.step in STEPS:
            # the steps come in order: none may be dated before a step it follows
            earlier = [(s, dated[(r.unit_code, r.plan_kind, int(r.plan_year), s)])
                       for s in STEPS[:STEPS.index(r.step)] if (r.unit_code, r.plan_kind, int(r.plan_year), s) in dated]
            later_than = [s for s, d in earlier if d > r.done_on]
            if later_than:
                bad("E", r.done_on, "steps_before", steps=", ".join(later_than))
    return problems


def parse_csv(data: bytes) -> pd.DataFrame:
    """unit_code, plan_kind, plan_year, step, done_on (yyyy-mm-dd; a Buddhist-era year is converted)."""
    import io
    frame = pd.read_csv(io.BytesIO(data), dtype=str, encoding="utf-8-sig").fillna("")
    frame.columns = [c.strip() for c in frame.columns]

    def day(text):
        try:
            y, m, d = (int(x) for x in text.strip().split("-"))
            return date(gregorian_year(y), m, d)
        except ValueError:
            return text
    frame["done_on"] = frame["done_on"].map(day)
    frame["plan_year"] = pd.to_numeric(frame["plan_year"], errors="coerce").fillna(0).astype(int)
    return frame


def demo_steps(units: pd.DataFrame, rng: np.random.Generator, today: date, deadlines: pd.DataFrame,
               years=range(2566, 2571)) -> pd.DataFrame:
    """Synthetic plan progress: past plans complete, mostly on time; this year's a few units late."""
    rows = []
    plans = [("action", y) for y in years] + [("strategic", strategic_start(y)) for y in (min(years), max(years))]
    for plan_kind, plan_year in dict.fromkeys(plans):
        dues = {step: due_date(deadlines, plan_kind, plan_year, step) for step in STEPS}   # the same for every unit
        for code in units["unit_code"]:
            delay_unit = rng.random() < 0.12
            previous = date.min
            for step in STEPS:
                due = dues[step]
                lag = int(rng.integers(15, 60)) if delay_unit else -int(rng.integers(0, 20))
                done = max(previous, date.fromordinal(due.toordinal() + lag))   # steps come in order
                previous = done
                if done > today:
                    break
                rows.append({"unit_code": code, "plan_kind": plan_kind, "plan_year": plan_year, "step": step,
                             "done_on": done, "recorded_by": "synthetic demo",
                             "recorded_at": datetime.combine(done, datetime.min.time())})
    return pd.DataFrame(rows)
