"""Writes data/examples/provincial_centre.xlsx: the configuration workbook of an illustrative provincial
centre, to show (and test) that the dashboard serves an agency other than the BMA.

Every name is made up and the organisation's names say so ("(สมมุติ)", "(illustrative)"): twelve amphoe
(district) offices in three peer groups by size, eight provincial offices of central agencies, two
frameworks of its own (FY2566–2567 with three objectives, and from FY2568 with a fourth objective on
personnel, nine indicators and one indicator scored by its own steps) and its own point rules. The
province weighs no other evaluation component: its reward tiers follow the transparency score alone. Its
inspection calendar is its own (round 1 visited 1–30 April, round 2 1–15 September); its plan deadlines are
the BMA default's.

    python scripts/make_provincial_example.py            # rewrites data/examples/provincial_centre.xlsx
    python -m saisaat init --db /tmp/province.duckdb --config data/examples/provincial_centre.xlsx
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from saisaat import configuration, reference  # noqa: E402
from saisaat.configuration import PART  # noqa: E402

OUT = ROOT / "data" / "examples" / "provincial_centre.xlsx"

ORGANISATION = [
    ("org_name", "จังหวัดตัวอย่าง (สมมุติ)", "Example Province (illustrative)"),
    ("org_short", "จ.ตัวอย่าง (สมมุติ)", "Example Province (illustrative)"),
    ("centre_name", "ศูนย์ประสานราชการใสสะอาด จังหวัดตัวอย่าง (สมมุติ)",
     "Transparent Government Coordination Centre, Example Province (illustrative)"),
    ("secretariat", "สำนักงานจังหวัดตัวอย่าง (สมมุติ)", "Example Provincial Office (illustrative)"),
    ("secretariat_short", "สนจ.ตัวอย่าง", "EPO"),
    ("division", "กลุ่มงานอำนวยการ (สมมุติ)", "General Administration Group (illustrative)"),
    ("chair", "ผู้ว่าราชการจังหวัดตัวอย่าง (สมมุติ)", "Governor of Example Province (illustrative)"),
    ("peer_group", "กลุ่มอำเภอ", "district group"),
    ("report_to", "สำนักงาน ก.พ.", "the Office of the Civil Service Commission (OCSC)"),
    ("doc_number_prefix", "ตย", "EX"),
    ("signer_name", "", ""),
    ("signer_position", "หัวหน้าสำนักงานจังหวัดตัวอย่าง (สมมุติ)", "Head of the Example Provincial Office (illustrative)"),
    ("contact_phone", "", ""),
]
UNIT_KINDS = [("amphoe", "ที่ว่าการอำเภอ", "District (amphoe) office", 1, True),
              ("provincial_office", "ส่วนราชการประจำจังหวัด", "Provincial office of a central agency", 2, False)]
PEER_GROUPS = [("L", "กลุ่มอำเภอขนาดใหญ่", "Large districts"), ("M", "กลุ่มอำเภอขนาดกลาง", "Medium districts"),
               ("S", "กลุ่มอำเภอขนาดเล็ก", "Small districts")]
AMPHOE = [  # code, Thai place name, English place name, peer group
    ("A01", "เมืองตัวอย่าง", "Mueang Tua Yang", "L"), ("A02", "นาตัวอย่าง", "Na Tua Yang", "L"),
    ("A03", "ทุ่งตัวอย่าง", "Thung Tua Yang", "L"), ("A04", "ท่าตัวอย่าง", "Tha Tua Yang", "L"),
    ("A05", "เขาตัวอย่าง", "Khao Tua Yang", "M"), ("A06", "บ่อตัวอย่าง", "Bo Tua Yang", "M"),
    ("A07", "หนองตัวอย่าง", "Nong Tua Yang", "M"), ("A08", "วังตัวอย่าง", "Wang Tua Yang", "M"),
    ("A09", "ห้วยตัวอย่าง", "Huai Tua Yang", "S"), ("A10", "ดอนตัวอย่าง", "Don Tua Yang", "S"),
    ("A11", "โคกตัวอย่าง", "Khok Tua Yang", "S"), ("A12", "ป่าตัวอย่าง", "Pa Tua Yang", "S"),
]
OFFICES = [  # code, Thai name, English name, abbreviation, missions
    ("PVO", "สำนักงานจังหวัดตัวอย่าง", "Provincial Office", "สนจ.", "personnel;budget"),
    ("PHO", "สำนักงานสาธารณสุขจังหวัดตัวอย่าง", "Provincial Public Health Office", "สสจ.", "service;budget"),
    ("PAO", "สำนักงานเกษตรจังหวัดตัวอย่าง", "Provincial Agriculture Office", "กษจ.", "service"),
    ("CDO", "สำนักงานพัฒนาชุมชนจังหวัดตัวอย่าง", "Provincial Community Development Office", "พช.", "service"),
    ("LDO", "สำนักงานที่ดินจังหวัดตัวอย่าง", "Provincial Land Office", "สนง.ที่ดิน", "service"),
    ("TRO", "สำนักงานคลังจังหวัดตัวอย่าง", "Provincial Treasury Office", "คลังจังหวัด", "budget"),
    ("EDO", "สำนักงานศึกษาธิการจังหวัดตัวอย่าง", "Provincial Education Office", "ศธจ.", "personnel"),
    ("LBO", "สำนักงานแรงงานจังหวัดตัวอย่าง", "Provincial Labour Office", "สรจ.", ""),
]
FRAMEWORKS = [(1, "กรอบตัวชี้วัดจังหวัด พ.ศ. 2566 (สมมุติ)", "Provincial framework 2023 (illustrative)", 2566, 2567),
              (2, "กรอบตัวชี้วัดจังหวัด พ.ศ. 2568 (สมมุติ)", "Provincial framework 2025 (illustrative)", 2568, None)]
OBJECTIVES = [
    (1, 1, "integrity", "ผู้บริหารและบุคลากรยึดหลักคุณธรรมและความซื่อสัตย์", "Integrity of executives and staff"),
    (1, 2, "openness", "เปิดเผยข้อมูลการดำเนินงานต่อสาธารณะ", "Open information on the work"),
    (1, 3, "service", "บริการประชาชนอย่างเป็นธรรมและโปร่งใส", "Fair and transparent public service"),
    (2, 1, "integrity", "ผู้บริหารและบุคลากรยึดหลักคุณธรรมและความซื่อสัตย์", "Integrity of executives and staff"),
    (2, 2, "openness", "เปิดเผยข้อมูลการดำเนินงานและงบประมาณต่อสาธารณะ", "Open information on the work and budget"),
    (2, 3, "service", "บริการประชาชนอย่างเป็นธรรมและโปร่งใส", "Fair and transparent public service"),
    (2, 4, "personnel", "บริหารงานบุคคลอย่างโปร่งใส", "Transparent personnel management"),
]
INDICATORS = [  # code, framework, objective, Thai, English, measure, mission tag
    ("P1-1.01", 1, 1, "ผู้บริหารประกาศเจตจำนงสุจริต", "The executive declares an integrity pledge", "binary", "core"),
    ("P1-1.02", 1, 1, "จำนวนกิจกรรมส่งเสริมคุณธรรม", "Number of integrity activities", "count", "core"),
    ("P1-2.01", 1, 2, "ร้อยละของข้อมูลสาธารณะที่เผยแพร่ครบถ้วน", "Percent of public information published",
     "percent", "core"),
    ("P1-2.02", 1, 2, "เผยแพร่แผนการจัดซื้อจัดจ้างประจำปี", "The annual procurement plan is published", "binary",
     "budget"),
    ("P1-3.01", 1, 3, "ร้อยละความพึงพอใจของผู้รับบริการ", "Percent of service users satisfied", "percent", "service"),
    ("P1-3.02", 1, 3, "จำนวนช่องทางรับเรื่องร้องเรียน", "Number of complaint channels", "count", "service"),
    ("P2-1.01", 2, 1, "ผู้บริหารประกาศเจตจำนงสุจริต", "The executive declares an integrity pledge", "binary", "core"),
    ("P2-1.02", 2, 1, "จำนวนกิจกรรมส่งเสริมคุณธรรม", "Number of integrity activities", "count", "core"),
    ("P2-1.03", 2, 1, "ผู้บริหารเปิดเผยการมีส่วนได้เสีย", "The executive discloses conflicts of interest", "binary",
     "core"),
    ("P2-2.01", 2, 2, "ร้อยละของข้อมูลสาธารณะที่เผยแพร่ครบถ้วน", "Percent of public information published",
     "percent", "core"),
    ("P2-2.02", 2, 2, "เผยแพร่แผนการจัดซื้อจัดจ้างประจำปี", "The annual procurement plan is published", "binary",
     "budget"),
    ("P2-2.03", 2, 2, "จำนวนรายงานผลการจัดซื้อจัดจ้างที่เผยแพร่", "Number of procurement reports published", "count",
     "budget"),
    ("P2-3.01", 2, 3, "ร้อยละความพึงพอใจของผู้รับบริการ", "Percent of service users satisfied", "percent", "service"),
    ("P2-3.02", 2, 3, "จำนวนช่องทางรับเรื่องร้องเรียน", "Number of complaint channels", "count", "service"),
    ("P2-4.01", 2, 4, "เผยแพร่หลักเกณฑ์การเลื่อนเงินเดือนและตำแหน่ง", "Promotion and pay-rise rules are published",
     "binary", "personnel"),
]
RULES = [  # framework, scope, rule type, full points, target, steps
    (1, "binary", "binary", 2, None, ""), (1, "count", "steps", 2, None, "1:1, 3:2"),
    (1, "percent", "proportional", 2, 100, ""),
    (2, "binary", "binary", 3, None, ""), (2, "count", "steps", 3, None, "2:1, 4:2, 6:3"),
    (2, "percent", "proportional", 3, 90, ""), (2, "P2-3.01", "steps", 3, None, "80:1, 90:2, 95:3"),
]
SETTINGS = {  # the same reward settings in both frameworks: tiers by the transparency score alone
    "levels": "55, 65, 75, 85, 95", "transparency_weight": "1", "tier_basis": "overall_score",
    "pool_baht": "2000000", "round_aggregation": "score_each_round",
    "tier.1": "A, 4.5, 1.2", "tier.2": "B, 3.5, 1", "tier.3": "C, 0, 0.8",
}


CALENDAR = [  # step, start day, month, year, end day, month, year (years against the fiscal year)
    ("circular", 1, 10, -1, 15, 10, -1), ("round1_work", 1, 10, -1, 31, 3, 0), ("round1_visits", 1, 4, 0, 30, 4, 0),
    ("round2_work", 1, 4, 0, 31, 8, 0), ("round2_visits", 1, 9, 0, 15, 9, 0), ("evaluations_due", 1, 10, 0, 20, 10, 0),
    ("compile_scores", 1, 10, 0, 31, 10, 0), ("circulate_report", 1, 11, 0, 30, 11, 0),
]


def frame(part: str, rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=PART[part].columns)


def example_configuration() -> dict[str, pd.DataFrame]:
    units = [(code, f"ที่ว่าการอำเภอ{th}", f"{en} District Office", "amphoe", group, None, "service", 2566, None)
             for code, th, en, group in AMPHOE]
    units += [(code, th, en, "provincial_office", None, abbrev, missions, 2566, None)
              for code, th, en, abbrev, missions in OFFICES]
    unit_missions = {u[0]: {"core", *filter(None, u[6].split(";"))} for u in units}
    assignments = [(unit, code) for unit in unit_missions for code, *_, tag in INDICATORS if tag in unit_missions[unit]]
    settings = [(fw, "name_th", f"เกณฑ์คะแนนจังหวัดตัวอย่าง กรอบที่ {fw} (สมมุติ)") for fw in (1, 2)]
    settings += [(fw, "name_en", f"Example Province rules, framework {fw} (illustrative)") for fw in (1, 2)]
    settings += [(fw, k, v) for fw in (1, 2) for k, v in SETTINGS.items()]
    rows = {"organisation": ORGANISATION, "unit_kinds": UNIT_KINDS, "peer_groups": PEER_GROUPS, "units": units,
            "frameworks": FRAMEWORKS, "objectives": OBJECTIVES, "indicators": INDICATORS,
            "assignments": assignments, "rules": RULES, "settings": settings, "calendar": CALENDAR,
            "plan_deadlines": reference.plan_deadlines().itertuples(index=False, name=None)}
    return {part: configuration.normalised(PART[part], frame(part, r)) for part, r in rows.items()}


def main() -> None:
    data = configuration.export_workbook(example_configuration())
    plan = configuration.plan_new(data, OUT.name)   # the workbook as init reads it: it must have no problem
    if plan.problems:
        raise SystemExit("\n".join(str(p) for p in plan.problems))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(data)
    c = plan.config
    print(f"{OUT}: {len(c['units'])} units, {len(c['indicators'])} indicators, {len(c['frameworks'])} frameworks")


if __name__ == "__main__":
    main()
