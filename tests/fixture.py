"""The tiny hand-written database the tests run against.

It is built through saisaat.store (the app's own write path), so the points in `results` are
computed by the official rulesets on insert, never typed in here. Every expected value in the
tests is worked out by hand from the values below.

    organisation  "Test organisation" (องค์กรทดสอบ), secretariat "Test secretariat"
    unit kinds    district (grouped into peer groups), department
    peer group    Z1
    units     D01, D02  district offices in Z1, missions 'service', active from FY2560
              DEPA      department, no mission tags: only the 'core' indicators, active from FY2560
              DEPN      department, missions 'service', active only from FY2562 (it has framework 1
                        assignments too, which must be ignored before it existed)
    frameworks 1: FY2560–2561, objectives 1 environment, 2 conscience
                  T1-1.01 binary, T1-1.02 count, T1-2.01 percent (all 'core')
               2: FY2562–, objectives 1 conscience, 2 audit
                  T2-1.01 binary, T2-1.02 count ('core'); T2-2.01 percent, T2-2.02 binary ('service')
    fiscal years 2560–2563; no results in 2563
    calendar  the BMA default inspection calendar and plan deadlines (data/inspection_calendar.csv,
              data/plan_deadlines.csv): round-1 visits 1–20 April, round-2 visits 1–31 August, …
    rulesets  official-f1: binary 1 pt; count steps [1 -> 1] max 1; percent proportional target 100 max 1
              official-f2: binary 3 pts; count steps [2 -> 1, 3 -> 2, 4 -> 3] max 3;
                           percent proportional target 80 max 3
              draft-f2 (not official): every indicator worth 5; must never score anything
    batches   1: FY2560–2561 results (24 rows), 2: FY2562 results (25 rows), 3: empty import
    published every period with results (FY2560–2562, both rounds); no users, no audit entries
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd

from saisaat import reference, store
from saisaat.auth import User
from saisaat.configuration import initial_snapshot
from saisaat.db import connect
from saisaat.rulesets import parse_ruleset

ORGANISATION = [
    ("org_name", "องค์กรทดสอบ", "Test organisation"), ("org_short", "อท.", "TO"),
    ("centre_name", "ศูนย์ทดสอบ", "Test centre"), ("secretariat", "สำนักเลขานุการทดสอบ", "Test secretariat"),
    ("secretariat_short", "สลท.", "TS"), ("division", "กองทดสอบ", "Test division"),
    ("chair", "ประธานทดสอบ", "Test chair"), ("peer_group", "กลุ่มทดสอบ", "test group"),
    ("report_to", "หน่วยรับรายงานทดสอบ", "the Test recipient"), ("doc_number_prefix", "ทส", "TS"),
    ("signer_name", "นายทดสอบ ลงนาม", "Mr Test Signer"), ("signer_position", "ผู้อำนวยการกองทดสอบ", "Director, Test division"),
    ("contact_phone", "0 1234 5678", "+66 1234 5678"),
]
UNIT_KINDS = [("district", "สำนักงานเขต", "District office", 1, True),
              ("department", "สำนัก/สำนักงาน", "Department / office", 2, False)]
PEER_GROUPS = [("Z1", "กลุ่มเขตทดสอบ", "Test zone")]

UNITS = [
    # unit_code, name_th, name_en, unit_kind, peer_group_code, abbrev_th, missions, active_from_fy
    ("D01", "สำนักงานเขตทดสอบหนึ่ง", "Test District One", "district", "Z1", None, "service", 2560),
    ("D02", "สำนักงานเขตทดสอบสอง", "Test District Two", "district", "Z1", None, "service", 2560),
    ("DEPA", "สำนักทดสอบ ก", "Test Department A", "department", None, "สทก.", "", 2560),
    ("DEPN", "สำนักทดสอบใหม่", "Test Department New", "department", None, None, "service", 2562),
]

FRAMEWORKS = [
    (1, "กรอบทดสอบที่ 1", "Test framework 1", 2560, 2561),
    (2, "กรอบทดสอบที่ 2", "Test framework 2", 2562, None),
]

FISCAL_YEARS = [
    # FY2560 runs 1 Oct 2016 – 30 Sep 2017 (BE = CE + 543)
    (2560, 1, date(2016, 10, 1), date(2017, 9, 30)),
    (2561, 1, date(2017, 10, 1), date(2018, 9, 30)),
    (2562, 2, date(2018, 10, 1), date(2019, 9, 30)),
    (2563, 2, date(2019, 10, 1), date(2020, 9, 30)),
]

OBJECTIVES = [
    (1, 1, "environment", "สภาพแวดล้อมใสสะอาด", "A clean environment"),
    (1, 2, "conscience", "จิตสำนึกใสสะอาด", "A clean conscience"),
    (2, 1, "conscience", "จิตสำนึกและวัฒนธรรม", "Conscience and culture"),
    (2, 2, "audit", "พร้อมรับการตรวจสอบ", "Ready to be audited"),
]

INDICATORS = [
    # indicator_code, framework_id, objective_no, measure, applies_to
    ("T1-1.01", 1, 1, "binary", "core"),
    ("T1-1.02", 1, 1, "count", "core"),
    ("T1-2.01", 1, 2, "percent", "core"),
    ("T2-1.01", 2, 1, "binary", "core"),
    ("T2-1.02", 2, 1, "count", "core"),
    ("T2-2.01", 2, 2, "percent", "service"),
    ("T2-2.02", 2, 2, "binary", "service"),
]

CORE_F1 = ["T1-1.01", "T1-1.02", "T1-2.01"]
ASSIGNMENTS = (
    [("D01", c) for c in CORE_F1 + ["T2-1.01", "T2-1.02", "T2-2.01", "T2-2.02"]]
    + [("D02", c) for c in CORE_F1 + ["T2-1.01", "T2-1.02", "T2-2.01", "T2-2.02"]]
    + [("DEPA", c) for c in CORE_F1 + ["T2-1.01", "T2-1.02"]]
    + [("DEPN", c) for c in CORE_F1 + ["T2-1.01", "T2-1.02", "T2-2.01", "T2-2.02"]]
)

# The reward part of every tiny ruleset: numbers chosen to be easy to compute by hand.
REWARD = {
    "levels": [50, 60, 70, 80, 90],
    "transparency_weight": 0.2,
    "component_weights": {"mission": 0.8},
    "tier_basis": "overall_score",
    "tiers": [
        {"tier": "A", "min_value": 4, "multiplier": 2},
        {"tier": "B", "min_value": 3, "multiplier": 1},
        {"tier": "C", "min_value": 0, "multiplier": 0},
    ],
    "pool_baht": 1000,
}

# fiscal_year, unit_code, component_code, score: the other evaluation component (DEPA has none in
# 2562, so it has no overall score there)
COMPONENTS = [
    (2560, "D01", "mission", 3.5), (2560, "D02", "mission", 3.5), (2560, "DEPA", "mission", 4.0),
    (2562, "D01", "mission", 4.0), (2562, "D02", "mission", 3.0), (2562, "DEPN", "mission", 2.5),
]

RULESET_SPECS = [
    {
        "ruleset_code": "official-f1", "framework_id": 1, "is_official": True,
        "name_th": "เกณฑ์ทดสอบ 1", "name_en": "Test rules 1",
        "by_measure": {
            "binary": {"rule_type": "binary", "max_points": 1},
            "count": {"rule_type": "steps", "max_points": 1, "steps": [[1, 1]]},
            "percent": {"rule_type": "proportional", "max_points": 1, "target_value": 100},
        },
        "reward": REWARD,
    },
    {
        "ruleset_code": "official-f2", "framework_id": 2, "is_official": True,
        "name_th": "เกณฑ์ทดสอบ 2", "name_en": "Test rules 2",
        "by_measure": {
            "binary": {"rule_type": "binary", "max_points": 3},
            "count": {"rule_type": "steps", "max_points": 3, "steps": [[2, 1], [3, 2], [4, 3]]},
            "percent": {"rule_type": "proportional", "max_points": 3, "target_value": 80},
        },
        "reward": REWARD,
    },
    {
        # A proposal under test: it must never change stored points nor duplicate any view row.
        "ruleset_code": "draft-f2", "framework_id": 2, "is_official": False,
        "round_aggregation": "sum_values",
        "by_measure": {
            "binary": {"rule_type": "binary", "max_points": 5},
            "count": {"rule_type": "steps", "max_points": 5, "steps": [[1, 5]]},
            "percent": {"rule_type": "proportional", "max_points": 5, "target_value": 10},
        },
        "reward": REWARD,
    },
]

# fiscal_year, inspection_round, unit_code, indicator_code, value
RESULTS_BATCH_1 = [
    (2560, 1, "D01", "T1-1.01", 1), (2560, 1, "D01", "T1-1.02", 2), (2560, 1, "D01", "T1-2.01", 66.67),
    (2560, 1, "D02", "T1-1.01", 0), (2560, 1, "D02", "T1-1.02", 0), (2560, 1, "D02", "T1-2.01", 100),
    (2560, 1, "DEPA", "T1-1.01", 1), (2560, 1, "DEPA", "T1-1.02", 1), (2560, 1, "DEPA", "T1-2.01", 50),
    (2560, 2, "D01", "T1-1.01", 1), (2560, 2, "D01", "T1-1.02", 3), (2560, 2, "D01", "T1-2.01", 75),
    (2560, 2, "D02", "T1-1.01", 1), (2560, 2, "D02", "T1-1.02", 0), (2560, 2, "D02", "T1-2.01", 40),
    (2560, 2, "DEPA", "T1-1.01", 0), (2560, 2, "DEPA", "T1-1.02", 1), (2560, 2, "DEPA", "T1-2.01", 90),
    # FY2561: only D01 reported (D02 and DEPA have no result in the whole year)
    (2561, 1, "D01", "T1-1.01", 1), (2561, 1, "D01", "T1-1.02", 0), (2561, 1, "D01", "T1-2.01", 80),
    (2561, 2, "D01", "T1-1.01", 1), (2561, 2, "D01", "T1-1.02", 1), (2561, 2, "D01", "T1-2.01", 92),
]

RESULTS_BATCH_2 = [
    (2562, 1, "D01", "T2-1.01", 1), (2562, 1, "D01", "T2-1.02", 3),
    (2562, 1, "D01", "T2-2.01", 95), (2562, 1, "D01", "T2-2.02", 1),
    (2562, 1, "D02", "T2-1.01", 0), (2562, 1, "D02", "T2-1.02", 1),
    (2562, 1, "D02", "T2-2.01", 45), (2562, 1, "D02", "T2-2.02", 1),
    (2562, 1, "DEPA", "T2-1.01", 1), (2562, 1, "DEPA", "T2-1.02", 5),
    (2562, 1, "DEPN", "T2-1.01", 1), (2562, 1, "DEPN", "T2-1.02", 2),
    (2562, 1, "DEPN", "T2-2.01", 80), (2562, 1, "DEPN", "T2-2.02", 0),
    (2562, 2, "D01", "T2-1.01", 1), (2562, 2, "D01", "T2-1.02", 4),
    (2562, 2, "D01", "T2-2.01", 60), (2562, 2, "D01", "T2-2.02", 1),
    # D02 did not submit T2-2.01 in round 2; DEPA missed round 2 entirely
    (2562, 2, "D02", "T2-1.01", 1), (2562, 2, "D02", "T2-1.02", 2),
    (2562, 2, "D02", "T2-2.02", 0),
    (2562, 2, "DEPN", "T2-1.01", 0), (2562, 2, "DEPN", "T2-1.02", 3),
    (2562, 2, "DEPN", "T2-2.01", 20), (2562, 2, "DEPN", "T2-2.02", 1),
]

BATCHES = [
    # batch_id, source, file_name, sha256, imported_at, imported_by, row_count, note
    (1, "import", "fy2560-2561.csv", "a" * 64, datetime(2018, 11, 5, 9, 30), "secretariat", 24, None),
    (2, "import", "fy2562.csv", "b" * 64, datetime(2019, 11, 6, 10, 0), "secretariat", 25, "round 2 late"),
    (3, "import", "empty.csv", "c" * 64, datetime(2019, 11, 7, 8, 15), "secretariat", 0, None),
]

PUBLICATIONS = [(fy, rnd, datetime(fy - 542, 11, 20), "secretariat") for fy in (2560, 2561, 2562) for rnd in (1, 2)]

VISIT_DAY = {1: (4, 10), 2: (8, 15)}   # month, day of the inspectors' visit in each round


def acting(name: str = "secretariat", role: str = "secretariat", units: tuple[str, ...] = (),
           own_drafts: bool = False) -> User:
    """The acting user a test writes as (the command line's kind: the secretariat, recorded by name)."""
    return User(email=name, role=role, units=tuple(units), own_drafts=own_drafts, source="cli")


def _frame(rows, columns) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def _staged(rows) -> pd.DataFrame:
    return pd.DataFrame([{
        "fiscal_year": fy, "inspection_round": rnd, "unit_code": unit, "indicator_code": ind,
        "value": float(value),
        "inspected_on": date(fy - 543, *VISIT_DAY[rnd]),
        "inspector": f"ชุดตรวจที่ {rnd}", "note": None,
    } for fy, rnd, unit, ind, value in rows])


def build_tiny(path: Path | str) -> None:
    """Write the tiny database at `path` (which must not exist yet)."""
    indicators = _frame(
        [(code, fw, obj, f"ตัวชี้วัดทดสอบ {code}", f"Test indicator {code}",
          measure, applies) for code, fw, obj, measure, applies in INDICATORS],
        ["indicator_code", "framework_id", "objective_no", "name_th", "name_en", "measure", "applies_to"])
    units = _frame(UNITS, ["unit_code", "name_th", "name_en", "unit_kind", "peer_group_code", "abbrev_th",
                           "missions", "active_from_fy"])
    units["active_to_fy"] = pd.array([None] * len(units), dtype="Int64")
    frameworks = _frame(FRAMEWORKS, ["framework_id", "name_th", "name_en", "first_fy", "last_fy"])
    frameworks["last_fy"] = frameworks["last_fy"].astype("Int64")
    rulesets = [parse_ruleset(spec, indicators, source=spec["ruleset_code"]) for spec in RULESET_SPECS]

    con = connect(path)
    try:
        with store.transaction(con) as cur:
            store.create_schema(cur)
            store.append(cur, "organisation", _frame(ORGANISATION, ["item", "value_th", "value_en"]))
            store.append(cur, "unit_kinds", _frame(UNIT_KINDS, ["unit_kind", "name_th", "name_en", "sort_order",
                                                                "grouped"]))
            store.append(cur, "peer_groups", _frame(PEER_GROUPS, ["peer_group_code", "name_th", "name_en"]))
            store.append(cur, "units", units)
            store.append(cur, "frameworks", frameworks)
            store.append(cur, "fiscal_years",
                         _frame(FISCAL_YEARS, ["fiscal_year", "framework_id", "starts_on", "ends_on"]))
            store.append(cur, "objectives",
                         _frame(OBJECTIVES, ["framework_id", "objective_no", "theme_code", "name_th", "name_en"]))
            store.append(cur, "indicators", indicators)
            store.append(cur, "assignments", _frame(ASSIGNMENTS, ["unit_code", "indicator_code"]))
            calendar, deadlines = reference.inspection_calendar(), reference.plan_deadlines()
            store.append(cur, "inspection_calendar", calendar)
            store.append(cur, "plan_deadlines", deadlines)
            for rs in rulesets:
                store.append(cur, "rulesets", rs.ruleset)
                store.append(cur, "rules", rs.rules)
                store.append(cur, "rule_steps", rs.rule_steps)
            config = {"organisation": _frame(ORGANISATION, ["item", "value_th", "value_en"]),
                      "unit_kinds": _frame(UNIT_KINDS, ["unit_kind", "name_th", "name_en", "sort_order", "grouped"]),
                      "peer_groups": _frame(PEER_GROUPS, ["peer_group_code", "name_th", "name_en"]),
                      "units": units, "frameworks": frameworks,
                      "objectives": _frame(OBJECTIVES, ["framework_id", "objective_no", "theme_code", "name_th",
                                                        "name_en"]),
                      "indicators": indicators, "assignments": _frame(ASSIGNMENTS, ["unit_code", "indicator_code"]),
                      "inspection_calendar": calendar, "plan_deadlines": deadlines}
            official = [r for r in rulesets if r.spec.get("is_official")]
            store.add_configuration_version(cur, version_id=1, by=acting("tests/fixture.py"),
                                            applied_at=datetime(2018, 10, 1, 8, 0),
                                            snapshot=initial_snapshot(config, official))
        for batch, rows in zip(BATCHES, (RESULTS_BATCH_1, RESULTS_BATCH_2, [])):
            batch_id, source, file_name, sha256, imported_at, imported_by, row_count, note = batch
            with store.transaction(con) as cur:
                store.add_batch(cur, batch_id=batch_id, source=source, file_name=file_name,
                                sha256=sha256, imported_by=imported_by, row_count=row_count,
                                note=note, imported_at=imported_at)
                if rows:
                    store.insert_scored_results(cur, _staged(rows), batch_id=batch_id)
        with store.transaction(con) as cur:
            store.append(cur, "publications", _frame(PUBLICATIONS, ["fiscal_year", "inspection_round",
                                                                   "published_at", "published_by"]))
            store.append(cur, "evaluation_components",
                         _frame(COMPONENTS, ["fiscal_year", "unit_code", "component_code", "score"]))
    finally:
        con.close()


# --- the provincial example (data/examples/provincial_centre.xlsx), with results -----------------------

PROVINCIAL_WORKBOOK = Path(__file__).resolve().parent.parent / "data" / "examples" / "provincial_centre.xlsx"
# The value every unit reports for an indicator of each measure, except A01 (full marks) and A02 (nothing):
# binary 1, count 2, percent 45. Under framework 1 (binary 2 points; count steps 1 → 1, 3 → 2; percent 2 ×
# value ÷ 100) that is 2, 1 and 0.90 points; under framework 2 (binary 3; count 2 → 1, 4 → 2, 6 → 3; percent
# 3 × value ÷ 90; P2-3.01 steps 80 → 1, 90 → 2, 95 → 3) it is 3, 1, 1.50, and 0 for P2-3.01.
PROVINCIAL_VALUES = {"A01": {"binary": 1, "count": 6, "percent": 100}, "A02": {"binary": 0, "count": 0, "percent": 0},
                     None: {"binary": 1, "count": 2, "percent": 45}}
PROVINCIAL_PERIODS = [(2567, 1), (2567, 2), (2568, 1)]   # FY2567 (framework 1) both rounds, FY2568 round 1


def provincial_results_csv(config) -> bytes:
    """One long-layout CSV with every assigned indicator of every unit in PROVINCIAL_PERIODS."""
    indicators = config["indicators"].set_index("indicator_code")
    lines = ["fiscal_year,inspection_round,unit_code,indicator_code,value"]
    for fy, rnd in PROVINCIAL_PERIODS:
        framework = 1 if fy <= 2567 else 2
        for r in config["assignments"].itertuples():
            if indicators.loc[r.indicator_code, "framework_id"] == framework:
                values = PROVINCIAL_VALUES.get(r.unit_code, PROVINCIAL_VALUES[None])
                lines.append(f"{fy},{rnd},{r.unit_code},{r.indicator_code},"
                             f"{values[indicators.loc[r.indicator_code, 'measure']]}")
    return ("\n".join(lines) + "\n").encode()


def build_provincial(path: Path | str) -> int:
    """Make the provincial example's database at `path` as a new centre would (init from the workbook, one
    results import, every period in it published); returns the number of results imported."""
    from saisaat import configuration, importer
    from saisaat.db import Database
    plan = configuration.plan_new(PROVINCIAL_WORKBOOK.read_bytes(), PROVINCIAL_WORKBOOK.name)
    assert plan.problems == [], plan.problems
    store.init_database(path, plan, by=acting("tests/fixture.py"))
    with Database(path) as db:
        incoming = importer.plan_import(db, provincial_results_csv(plan.config), "provincial_results.csv")
        assert incoming.problems == [], incoming.problems[:3]
        importer.commit(db, incoming, by=acting("tests/fixture.py"))
        for fiscal_year, inspection_round in sorted(set(zip(incoming.added["fiscal_year"],
                                                             incoming.added["inspection_round"]))):
            store.publish(db, int(fiscal_year), int(inspection_round), by=acting("tests/fixture.py"))
    return len(incoming.added)


def rename(db, names: dict[str, str], langs=("th", "en")) -> None:
    """Give units and indicators (by code) new names the way a secretariat does: in the configuration
    workbook, imported and applied (names are user input; the tests of every output path use this)."""
    store.apply_configuration(db, renamed(db, names, langs), by=acting("tests/fixture.py"), reason="names")


def renamed(db, names: dict[str, str], langs=("th", "en")):
    """The checked configuration plan that gives units and indicators (by code) new names (see rename)."""
    import io

    import openpyxl

    from saisaat import configuration
    from saisaat.configuration import PART, sheet_title
    from saisaat.exports import keep_as_text
    wb = openpyxl.load_workbook(io.BytesIO(configuration.export_workbook(configuration.current(db))))
    for part in ("units", "indicators"):
        ws, columns = wb[sheet_title(part)], PART[part].columns
        for row in ws.iter_rows(min_row=3):
            code = row[0].value
            for lang in langs if code in names else ():
                cell = row[columns.index(f"name_{lang}")]
                cell.value = names[code]
                keep_as_text(cell)   # text starting with '=' stays text, as a clerk's typed name does
    out = io.BytesIO()
    wb.save(out)
    plan = configuration.plan_configuration(db, out.getvalue(), "names.xlsx")
    assert plan.problems == [], plan.problems[:3]
    return plan
