"""Rulesets: how a measured value becomes points, read from a ruleset file (JSON).

A file gives a rule per kind of measure (`by_measure`) and, where an indicator differs, a rule of
its own (`indicators`). The format is documented in README.md ("Ruleset files").
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from saisaat import DATA_DIR

RULESET_DIR = DATA_DIR / "rulesets"
RULE_TYPES = ("binary", "steps", "proportional")
AGGREGATIONS = ("score_each_round", "sum_values")


class RulesetError(ValueError):
    """A ruleset that cannot be applied; the message says where and what to do, in Thai and English."""


TIER_BASES = ("overall_score", "score_pct")
NUM_LEVELS = 5
WEIGHT_TOLERANCE = 1e-6


@dataclass
class Ruleset:
    """A parsed, valid ruleset: table rows for the database and relations for the scoring engine."""
    spec: dict                 # the ruleset file, as given
    ruleset: pd.DataFrame      # one row: the rulesets table
    rules: pd.DataFrame        # one row per indicator
    rule_steps: pd.DataFrame   # one row per step of a `steps` rule
    objective_weights: pd.DataFrame   # framework_id, objective_no, weight (empty: points pooled)
    component_weights: pd.DataFrame   # component_code, weight (the other evaluation components)
    tiers: pd.DataFrame               # tier, min_value, multiplier (highest first)
    levels: list[float]               # score_pct of target levels 1..5
    transparency_weight: float
    tier_basis: str
    pool_baht: float

    @property
    def code(self) -> str:
        return self.spec["ruleset_code"]

    @property
    def framework_id(self) -> int:
        return int(self.spec["framework_id"])

    @property
    def round_aggregation(self) -> str:
        return self.spec.get("round_aggregation", "score_each_round")


def _problem(where: str, th: str, en: str) -> str:
    return f"{where}: {th} / {en}"


def _check_rule(where: str, rule: dict) -> list[str]:
    return [_problem(where, th, en) for _, (th, en) in rule_problems(rule)]


def rule_problems(rule: dict) -> list[tuple[str, tuple[str, str]]]:
    """Every problem of one rule as (field, (Thai, English)): the field it concerns (rule_type,
    max_points, target_value, steps; '' for the rule as a whole), so a table of rules can point at
    the cell."""
    problems = []
    if not isinstance(rule, dict):
        return [("", ("เกณฑ์ต้องเป็นออบเจกต์ JSON", "a rule is a JSON object"))]
    kind = rule.get("rule_type")
    if kind not in RULE_TYPES:
        return [("rule_type", (f"ชนิดเกณฑ์ '{kind}' ไม่รู้จัก ใช้ได้เฉพาะ {', '.join(RULE_TYPES)}",
                               f"unknown rule_type '{kind}'; use one of {', '.join(RULE_TYPES)}"))]
    max_points = rule.get("max_points")
    if not isinstance(max_points, (int, float)) or max_points <= 0:
        problems.append(("max_points", ("คะแนนเต็ม (max_points) ต้องเป็นจำนวนบวก",
                                        "max_points must be a positive number")))
    if kind == "proportional":
        target = rule.get("target_value")
        if not isinstance(target, (int, float)) or target <= 0:
            problems.append(("target_value", ("ค่าเป้าหมาย (target_value) ต้องเป็นจำนวนบวก",
                                              "target_value must be a positive number")))
    if kind == "steps":
        steps = rule.get("steps") or []
        if not isinstance(steps, list) or any(not isinstance(x, (list, tuple)) or len(x) != 2 for x in steps):
            return problems + [("steps", ("แต่ละขั้นต้องเขียนเป็น [ค่าขั้นต่ำ, คะแนน]",
                                          "each step is written [min_value, points]"))]
        if not steps:
            problems.append(("steps", ("เกณฑ์ขั้นบันไดต้องมีอย่างน้อยหนึ่งขั้น",
                                       "a steps rule needs at least one step")))
        mins = [s[0] for s in steps]
        pts = [s[1] for s in steps]
        found = None
        if any(not isinstance(v, (int, float)) or v < 0 for v in mins + pts):
            found = ("ค่าขั้นต่ำและคะแนนของแต่ละขั้นต้องไม่ติดลบ",
                     "each step's min_value and points must be 0 or more")
        elif mins != sorted(set(mins)):
            found = ("ค่าขั้นต่ำของขั้นต้องเรียงจากน้อยไปมากและไม่ซ้ำกัน",
                     "step thresholds must rise strictly (no overlap or repeat)")
        elif pts != sorted(pts):
            found = ("ขั้นที่สูงกว่าต้องได้คะแนนไม่น้อยกว่าขั้นที่ต่ำกว่า",
                     "a higher step must not earn fewer points than a lower one")
        elif pts and isinstance(max_points, (int, float)) and max(pts) > max_points:
            found = ("คะแนนของขั้นสูงสุดเกินคะแนนเต็ม", "a step earns more than max_points")
        if found:
            problems.append(("steps", found))
    return problems


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and x == x


def _check_reward(source: str, spec: dict, objectives: set[int]) -> list[str]:
    """Weights, target levels and tiers: every problem, in Thai and English."""
    where = {"objective_weights": f"{source} / objective_weights", "reward": source}
    return [_problem(where.get(field, f"{source} / reward"), th, en)
            for field, (th, en) in reward_problems(spec, objectives)]


def reward_problems(spec: dict, objectives: set[int]) -> list[tuple[str, tuple[str, str]]]:
    """Every problem of the objective weights and the reward part as (field, (Thai, English)): the
    setting it concerns (objective_weights, levels, weights, tier_basis, tiers, pool_baht; reward when
    the part is missing)."""
    problems: list[tuple[str, tuple[str, str]]] = []

    def add(field: str, th: str, en: str) -> None:
        problems.append((field, (th, en)))

    weights = spec.get("objective_weights") or {}
    if weights:
        bad = [k for k, w in weights.items() if not _number(w) or w < 0]
        unknown = [k for k in weights if str(k).isdigit() and int(k) not in objectives or not str(k).isdigit()]
        if bad:
            add("objective_weights", "น้ำหนักวัตถุประสงค์ต้องเป็นจำนวนไม่ติดลบ",
                "objective weights must be numbers of 0 or more")
        elif unknown:
            add("objective_weights",
                f"ไม่มีวัตถุประสงค์ {', '.join(map(str, unknown))} ในกรอบนี้",
                f"no objective {', '.join(map(str, unknown))} in this framework")
        elif abs(sum(weights.values()) - 1) > WEIGHT_TOLERANCE:
            add("objective_weights",
                f"น้ำหนักวัตถุประสงค์รวมกันได้ {sum(weights.values()):g} ต้องรวมเป็น 1",
                f"objective weights add up to {sum(weights.values()):g}; they must add up to 1")
    reward = spec.get("reward")
    if not isinstance(reward, dict):
        add("reward", "ต้องมีส่วน reward (ระดับเป้าหมาย น้ำหนัก และกลุ่มรางวัล)",
            "a reward section (target levels, weights, tiers) is required")
        return problems
    levels = reward.get("levels")
    if (not isinstance(levels, list) or len(levels) != NUM_LEVELS
            or not all(_number(v) for v in levels)):
        add("levels", "ต้องกำหนดค่าเป้าหมาย 5 ระดับเป็นตัวเลข (ร้อยละ)",
            "levels must be 5 numbers (score percent of levels 1 to 5)")
    elif any(b <= a for a, b in zip(levels, levels[1:])) or levels[0] < 0 or levels[-1] > 100:
        add("levels", "ค่าเป้าหมายระดับ 1–5 ต้องเพิ่มขึ้นทีละระดับและอยู่ระหว่าง 0–100",
            "levels 1 to 5 must rise strictly and lie between 0 and 100")
    tw = reward.get("transparency_weight")
    cw = reward.get("component_weights") or {}
    if not _number(tw) or not 0 <= tw <= 1 or any(not _number(w) or w < 0 for w in cw.values()):
        add("weights", "น้ำหนักต้องเป็นจำนวนระหว่าง 0 ถึง 1",
            "weights must be numbers between 0 and 1")
    elif abs(tw + sum(cw.values()) - 1) > WEIGHT_TOLERANCE:
        add("weights", f"น้ำหนักความโปร่งใสรวมกับองค์ประกอบอื่นได้ {tw + sum(cw.values()):g} ต้องรวมเป็น 1",
            f"the transparency weight and the other components' weights add up to "
            f"{tw + sum(cw.values()):g}; they must add up to 1")
    basis = reward.get("tier_basis", "overall_score")
    if basis not in TIER_BASES:
        add("tier_basis", f"ฐานการจัดกลุ่มรางวัล '{basis}' ไม่รู้จัก",
            f"tier_basis must be one of {', '.join(TIER_BASES)}")
    tiers = reward.get("tiers") or []
    names = [t.get("tier") for t in tiers]
    mins = [t.get("min_value") for t in tiers]
    mults = [t.get("multiplier") for t in tiers]
    if not tiers or any(not n for n in names) or len(set(names)) != len(names):
        add("tiers", "ต้องมีกลุ่มรางวัลอย่างน้อยหนึ่งกลุ่ม ชื่อไม่ซ้ำกัน",
            "at least one tier is needed, each with its own name")
    elif not all(_number(v) for v in mins + mults) or any(m < 0 for m in mults):
        add("tiers", "เกณฑ์ขั้นต่ำและตัวคูณของกลุ่มรางวัลต้องเป็นตัวเลข ตัวคูณไม่ติดลบ",
            "tier min_value and multiplier must be numbers, multipliers 0 or more")
    elif any(b >= a for a, b in zip(mins, mins[1:])):
        add("tiers", "เกณฑ์ขั้นต่ำของกลุ่มรางวัลต้องลดลงจากกลุ่มแรกถึงกลุ่มสุดท้าย (ไม่ทับซ้อน)",
            "tier cut-offs must fall strictly from the first tier to the last (no overlap)")
    elif mins[-1] > (1 if basis == "overall_score" else 0):
        add("tiers", "กลุ่มสุดท้ายต้องรับทุกคะแนนที่ต่ำกว่า (ขั้นต่ำ 0)",
            "the last tier must take every lower score (min_value 0)")
    elif any(b > a for a, b in zip(mults, mults[1:])):
        add("tiers", "กลุ่มที่สูงกว่าต้องได้ตัวคูณไม่น้อยกว่ากลุ่มที่ต่ำกว่า",
            "a higher tier must not get a smaller multiplier than a lower one")
    pool = reward.get("pool_baht", 0)
    if not _number(pool) or pool < 0:
        add("pool_baht", "วงเงินรางวัลต้องไม่ติดลบ", "pool_baht must be 0 or more")
    return problems


def parse_ruleset(spec: dict, indicators: pd.DataFrame, source: str = "ruleset") -> Ruleset:
    """Turn a ruleset spec into table rows for the indicators of its framework.

    `indicators` has indicator_code, framework_id, measure. Raises RulesetError listing every problem.
    """
    problems: list[str] = []
    code = spec.get("ruleset_code")
    framework_id = spec.get("framework_id")
    aggregation = spec.get("round_aggregation", "score_each_round")
    if not code or not isinstance(code, str):
        problems.append(_problem(source, "ต้องระบุรหัสชุดเกณฑ์ (ruleset_code)", "ruleset_code is required"))
    if aggregation not in AGGREGATIONS:
        problems.append(_problem(source, f"วิธีรวมรอบ '{aggregation}' ไม่รู้จัก",
                                 f"round_aggregation must be one of {', '.join(AGGREGATIONS)}"))
    ours = indicators[indicators["framework_id"] == framework_id]
    problems += _check_reward(source, spec, set(ours["objective_no"].astype(int)))
    if ours.empty:
        problems.append(_problem(source, f"ไม่พบกรอบตัวชี้วัด {framework_id}",
                                 f"framework_id {framework_id} has no indicators"))
    overrides = spec.get("indicators", {})
    unknown = sorted(set(overrides) - set(ours["indicator_code"]))
    for u in unknown:
        problems.append(_problem(f"{source} / {u}", "ไม่มีตัวชี้วัดนี้ในกรอบ",
                                 "no such indicator in this framework"))
    by_measure = spec.get("by_measure") or {}
    valid = {}   # id(rule) → whether it passed, so a shared rule is judged (and reported) once
    for measure, rule in by_measure.items():
        found = _check_rule(f"{source} / by_measure / {measure}", rule)
        problems += found
        valid[id(rule)] = not found
    for ind_code, rule in overrides.items():
        found = _check_rule(f"{source} / {ind_code}", rule)
        problems += found
        valid[id(rule)] = not found
    rules, steps = [], []
    for ind in ours.itertuples():
        rule = overrides.get(ind.indicator_code) or by_measure.get(ind.measure)
        if rule is None:
            problems.append(_problem(f"{source} / {ind.indicator_code}",
                                     f"ไม่มีเกณฑ์สำหรับตัวชี้วัดชนิด '{ind.measure}'",
                                     f"no rule for measure '{ind.measure}'"))
            continue
        if not valid[id(rule)]:
            continue
        rules.append({
            "ruleset_code": code, "indicator_code": ind.indicator_code,
            "rule_type": rule["rule_type"], "max_points": rule["max_points"],
            "target_value": rule.get("target_value") if rule["rule_type"] == "proportional" else None,
        })
        if rule["rule_type"] == "steps":
            steps += [{"ruleset_code": code, "indicator_code": ind.indicator_code,
                       "min_value": s[0], "points": s[1]} for s in rule["steps"]]
    if problems:
        raise RulesetError("\n".join(problems))
    head = pd.DataFrame([{
        "ruleset_code": code, "framework_id": framework_id,
        "name_th": spec.get("name_th") or code, "name_en": spec.get("name_en") or code,
        "round_aggregation": aggregation, "is_official": bool(spec.get("is_official", False)),
        "official_for": framework_id if spec.get("is_official") else None,
        "spec_json": json.dumps(spec, ensure_ascii=False),
    }])
    reward = spec["reward"]
    weights = spec.get("objective_weights") or {}
    return Ruleset(
        spec=spec, ruleset=head, rules=pd.DataFrame(rules),
        rule_steps=pd.DataFrame(steps, columns=["ruleset_code", "indicator_code", "min_value", "points"]),
        objective_weights=pd.DataFrame(
            [{"framework_id": framework_id, "objective_no": int(k), "weight": float(w)} for k, w in weights.items()],
            columns=["framework_id", "objective_no", "weight"]),
        component_weights=pd.DataFrame(
            [{"component_code": k, "weight": float(w)} for k, w in reward["component_weights"].items()],
            columns=["component_code", "weight"]),
        tiers=pd.DataFrame(reward["tiers"], columns=["tier", "min_value", "multiplier"]),
        levels=[float(v) for v in reward["levels"]],
        transparency_weight=float(reward["transparency_weight"]),
        tier_basis=reward.get("tier_basis", "overall_score"),
        pool_baht=float(reward.get("pool_baht", 0)),
    )


def read_ruleset_bytes(data: bytes, indicators: pd.DataFrame, name: str = "ruleset.json") -> Ruleset:
    try:
        spec = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RulesetError(_problem(name, f"อ่านไฟล์ชุดเกณฑ์ไม่ได้ ต้องเป็น JSON ตามรูปแบบใน README ({exc})",
                                    f"cannot read the ruleset file: it must be JSON in the format the README "
                                    f"gives ({exc})")) from exc
    if not isinstance(spec, dict):
        raise RulesetError(_problem(name, "ไฟล์ชุดเกณฑ์ต้องเป็นออบเจกต์ JSON", "a ruleset file is one JSON object"))
    return parse_ruleset(spec, indicators, source=name)


def read_ruleset_file(path: Path, indicators: pd.DataFrame) -> Ruleset:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RulesetError(_problem(Path(path).name, f"เปิดไฟล์ไม่ได้ ({exc})", f"cannot open the file ({exc})")) from exc
    return read_ruleset_bytes(data, indicators, Path(path).name)


def spec_json(spec: dict) -> str:
    """A ruleset file's text (what export writes and import reads)."""
    return json.dumps(spec, ensure_ascii=False, indent=2) + "\n"


# --- presets to start a what-if from ------------------------------------------------------------

GRADE_BANDS = [   # the national integrity and transparency assessment's 100-point grades
    {"tier": "AA", "min_value": 95, "multiplier": 1.5},
    {"tier": "A", "min_value": 85, "multiplier": 1.3},
    {"tier": "B", "min_value": 75, "multiplier": 1.15},
    {"tier": "C", "min_value": 65, "multiplier": 1.0},
    {"tier": "D", "min_value": 55, "multiplier": 0.7},
    {"tier": "E", "min_value": 50, "multiplier": 0.5},
    {"tier": "F", "min_value": 0, "multiplier": 0},
]
PRESETS = ("official", "binary", "grades")


def preset(name: str, official: dict) -> dict:
    """A what-if starting point derived from the framework's official ruleset file.

    official: as it is. binary: the old has / has-not rules (an activity held, a target reached or
    a yes earns full points). grades: official points, tiers by the 100-point grade bands."""
    spec = json.loads(json.dumps(official))
    spec["is_official"] = False
    if name == "official":
        spec["ruleset_code"] = f"{official['ruleset_code']}-whatif"
    elif name == "binary":
        spec["ruleset_code"] = f"binary-f{spec['framework_id']}"
        spec["name_th"], spec["name_en"] = "เกณฑ์เดิมแบบมี/ไม่มี", "Old has / has-not rules"
        by = spec["by_measure"]
        for measure, rule in by.items():
            top = rule["max_points"]
            if measure == "percent":
                by[measure] = {"rule_type": "steps", "max_points": top,
                               "steps": [[rule.get("target_value", 100), top]]}
            elif measure == "count":
                by[measure] = {"rule_type": "steps", "max_points": top, "steps": [[1, top]]}
            else:
                by[measure] = {"rule_type": "binary", "max_points": top}
        spec["indicators"] = {}
    elif name == "grades":
        spec["ruleset_code"] = f"grades-f{spec['framework_id']}"
        spec["name_th"], spec["name_en"] = "คะแนน 100 คะแนนพร้อมระดับผล (AA–F)", "100-point scale with grades (AA–F)"
        spec["reward"]["tier_basis"] = "score_pct"
        spec["reward"]["tiers"] = json.loads(json.dumps(GRADE_BANDS))
    else:
        raise ValueError(name)
    return spec


def official_ruleset_files() -> list[Path]:
    return sorted(RULESET_DIR.glob("official-*.json"))
