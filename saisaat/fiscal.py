"""The Thai fiscal year (1 Oct – 30 Sep, named by the Buddhist-era year in which it ends) and
the yearly inspection cycle of the centre, dated by the configuration's inspection calendar."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

BE_OFFSET = 543
BE_FROM = 2400   # a year of 2400 or more is Buddhist era (CE 2400 is centuries away; BE 2400 was CE 1857)

THAI_MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                     "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
EN_MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# An official date is written in full (1 ธันวาคม 2569): the documents' date lines use these.
THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
               "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
EN_MONTHS = ("January", "February", "March", "April", "May", "June",
             "July", "August", "September", "October", "November", "December")


def months_short(lang: str) -> tuple[str, ...]:
    return THAI_MONTHS_SHORT if lang == "th" else EN_MONTHS_SHORT


def be_year(ce_year: int) -> int:
    return ce_year + BE_OFFSET


def ce_year(be: int) -> int:
    return be - BE_OFFSET


def gregorian_year(year: int) -> int:
    """A year as written in a date, typed or held by a date cell: Buddhist era from 2400, else CE."""
    return ce_year(year) if year >= BE_FROM else year


def fiscal_year_of(day: date) -> int:
    """The Buddhist-era fiscal year that contains `day` (1 Oct 2026 → 2570)."""
    return be_year(day.year + 1 if day.month >= 10 else day.year)


def today() -> date:
    """Today's date, or the day `SAISAAT_TODAY=YYYY-MM-DD` names (for demos and tests): everything in the
    app and the CLI that depends on the calendar asks here."""
    raw = os.environ.get("SAISAAT_TODAY", "").strip()
    if not raw:
        return date.today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"SAISAAT_TODAY={raw!r} is not a date written YYYY-MM-DD") from None


def current_fiscal_year() -> int:
    """The fiscal year under way today (from 1 October the next one)."""
    return fiscal_year_of(today())


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    end = ce_year(fiscal_year)
    return date(end - 1, 10, 1), date(end, 9, 30)


def format_date(day: date, lang: str = "th") -> str:
    """28 พ.ย. 2569 in Thai (Buddhist era), 28 Nov 2026 in English."""
    if lang == "th":
        return f"{day.day} {THAI_MONTHS_SHORT[day.month - 1]} {be_year(day.year)}"
    return f"{day.day} {EN_MONTHS_SHORT[day.month - 1]} {day.year}"


def format_date_long(day: date, lang: str = "th") -> str:
    """A date as an official document writes it: 1 ธันวาคม 2569 in Thai (Buddhist era), 1 December 2026
    in English."""
    if lang == "th":
        return f"{day.day} {THAI_MONTHS[day.month - 1]} {be_year(day.year)}"
    return f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}"


def format_month_year(day: date, lang: str = "th") -> str:
    """ตุลาคม 2568 / October 2025."""
    months = THAI_MONTHS if lang == "th" else EN_MONTHS
    return f"{months[day.month - 1]} {be_year(day.year) if lang == 'th' else day.year}"


# The steps of the yearly cycle, in order (named by the catalogue, cycle_<step>). Their dates are part of the
# configuration (the inspection_calendar table, the workbook's calendar sheet); the rounds' work and visits
# lie inside the fiscal year, the rest may run into the next one (the evaluations, in October).
CYCLE_STEPS = ("circular", "round1_work", "round1_visits", "round2_work", "round2_visits",
               "evaluations_due", "compile_scores", "circulate_report")
ROUND_STEPS = ("round1_work", "round1_visits", "round2_work", "round2_visits")
VISIT_STEPS = {1: "round1_visits", 2: "round2_visits"}


def relative_date(fiscal_year: int, day: int, month: int, year: int) -> date:
    """A configured date in a fiscal year: `year` is the date's Buddhist-era year minus the fiscal year
    (-1: October–December before it ends, 0: its own calendar year, 1: the year after). FY2570 with
    (1, 10, -1) is 1 Oct 2569 (2026)."""
    return date(ce_year(fiscal_year + int(year)), int(month), int(day))


def format_month_tick(day: date, lang: str = "th") -> str:
    """A calendar axis tick: ต.ค. 69 in Thai (Buddhist era, as Thai writes it short), Oct 2026 in English
    (a two-digit 69 would read as 1969)."""
    if lang == "th":
        return f"{THAI_MONTHS_SHORT[day.month - 1]} {str(be_year(day.year))[-2:]}"
    return f"{EN_MONTHS_SHORT[day.month - 1]} {day.year}"


def format_day_entry(day: date, lang: str = "th") -> str:
    """A date as typed into a field: 1/12/2569 in Thai (Buddhist era), 1/12/2026 in English (day/month/year)."""
    return f"{day.day}/{day.month}/{be_year(day.year) if lang == 'th' else day.year}"


def parse_day_entry(text: str) -> date:
    """A typed date, day/month/year: a year from 2400 is Buddhist era (1/12/2569), else CE (1/12/2026).
    ValueError if it is not a real date in that form."""
    parts = str(text).strip().replace("-", "/").replace(".", "/").split("/")
    if len(parts) != 3 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(text)
    d, m, y = (int(p) for p in parts)
    return date(gregorian_year(y), m, d)


@dataclass(frozen=True)
class CycleStep:
    key: str          # string-catalogue key, cycle_<key>
    starts_on: date
    ends_on: date


CALENDAR_COLUMNS = ("step", "start_day", "start_month", "start_year", "end_day", "end_month", "end_year")


def inspection_cycle(calendar, fiscal_year: int) -> list[CycleStep]:
    """The steps of one fiscal year's cycle, in order, dated by `calendar` (the inspection_calendar rows:
    step, start_day, start_month, start_year, end_day, end_month, end_year)."""
    return list(_dated_cycle(_calendar_rows(calendar), int(fiscal_year)))


def _calendar_rows(calendar) -> tuple:
    """The calendar's rows as plain tuples (hashable: the key of _dated_cycle's cache)."""
    return tuple(zip(*(calendar[c].tolist() for c in CALENDAR_COLUMNS)))


@lru_cache(maxsize=1024)
def _dated_cycle(rows: tuple, fiscal_year: int) -> tuple[CycleStep, ...]:
    # every page asks for each year's cycle many times (completeness, pending rounds, the default year)
    by_step = {row[0]: row for row in rows}
    return tuple(CycleStep(key, relative_date(fiscal_year, *by_step[key][1:4]),
                           relative_date(fiscal_year, *by_step[key][4:7]))
                 for key in CYCLE_STEPS if key in by_step)


def round_visit_dates(calendar, fiscal_year: int, inspection_round: int) -> tuple[date, date]:
    step = VISIT_STEPS[inspection_round]
    return next((s.starts_on, s.ends_on) for s in inspection_cycle(calendar, fiscal_year) if s.key == step)


def pending_rounds_by_year(calendar, fiscal_years, today: date) -> dict[int, list[int]]:
    """pending_rounds of both rounds for each of `fiscal_years`, the calendar read once."""
    rows = _calendar_rows(calendar)
    visits = {key: inspection_round for inspection_round, key in VISIT_STEPS.items()}
    out = {}
    for fy in fiscal_years:
        ends = {visits[s.key]: s.ends_on for s in _dated_cycle(rows, int(fy)) if s.key in visits}
        out[int(fy)] = [r for r in (1, 2) if ends[r] >= today]
    return out


def pending_rounds(calendar, fiscal_year: int, inspection_round: int | None, today: date) -> list[int]:
    """The rounds of the period (one, or both when None) whose inspection visits have not ended on
    `today`: their results are pending, not missing."""
    pending = pending_rounds_by_year(calendar, [fiscal_year], today)[int(fiscal_year)]
    return [r for r in pending if inspection_round in (None, r)]


@dataclass(frozen=True)
class StepStatus:
    step: CycleStep
    state: str                 # upcoming, in_progress, done, late
    received: int | None = None    # units with results (steps that wait for results)
    expected: int | None = None


def cycle_status(calendar, fiscal_year: int, today: date,
                 units_reporting: dict[int, tuple[int, int]]) -> list[StepStatus]:
    """Each step of the year's cycle with its state on `today`, from the dates and the data.

    `units_reporting`: round → (units with results, units due). A step that waits for results
    (the visits, the evaluations, the compilation) is done only when every unit due has results;
    past its end without them it is late."""
    def by_date(step: CycleStep) -> str:
        if today < step.starts_on:
            return "upcoming"
        return "in_progress" if today <= step.ends_on else "done"

    total = tuple(sum(v[i] for v in units_reporting.values()) for i in (0, 1)) if units_reporting else (0, 0)
    waits = {"round1_visits": units_reporting.get(1, (0, 0)), "round2_visits": units_reporting.get(2, (0, 0)),
             "evaluations_due": total, "compile_scores": total}
    out = []
    for step in inspection_cycle(calendar, fiscal_year):
        state = by_date(step)
        if step.key in waits:
            received, expected = waits[step.key]
            complete = expected > 0 and received >= expected
            if state == "done" and not complete:
                state = "late"
            elif state == "in_progress" and complete and step.key != "round1_visits" and step.key != "round2_visits":
                state = "done"
            out.append(StepStatus(step, state, received, expected))
        else:
            out.append(StepStatus(step, state))
    return out
