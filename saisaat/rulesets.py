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


@dataclass
class Ruleset:
    ruleset: pd.DataFrame      # one row: the rulesets table
    rules: pd.DataFrame        # one row per indicator
    rule_steps: pd.DataFrame   # one row per step of a `steps` rule


def _problem(where: str, th: str, en: str) -> str:
    return f"{where}: {th} / {en}"


def _check_rule(where: str, rule: dict) -> list[str]:
    problems = []
    kind = rule.get("rule_type")
    if kind not in RULE_TYPES:
        return [_problem(where, f"ชนิดเกณฑ์ '{kind}' ไม่รู้จัก ใช้ได้เฉพาะ {', '.join(RULE_TYPES)}",
                         f"unknown rule_type '{kind}'; use one of {', '.join(RULE_TYPES)}")]
    max_points = rule.get("max_points")
    if not isinstance(max_points, (int, float)) or max_points <= 0:
        problems.append(_problem(where, "คะแนนเต็ม (max_points) ต้องเป็นจำนวนบวก",
                                 "max_points must be a positive number"))
    if kind == "proportional":
        target = rule.get("target_value")
        if not isinstance(target, (int, float)) or target <= 0:
            problems.append(_problem(where, "ค่าเป้าหมาย (target_value) ต้องเป็นจำนวนบวก",
                                     "target_value must be a positive number"))
    if kind == "steps":
        steps = rule.get("steps") or []
        if not steps:
            problems.append(_problem(where, "เกณฑ์ขั้นบันไดต้องมีอย่างน้อยหนึ่งขั้น",
                                     "a steps rule needs at least one step"))
        mins = [s[0] for s in steps]
        pts = [s[1] for s in steps]
        if any(not isinstance(v, (int, float)) or v < 0 for v in mins + pts):
            problems.append(_problem(where, "ค่าขั้นต่ำและคะแนนของแต่ละขั้นต้องไม่ติดลบ",
                                     "each step's min_value and points must be 0 or more"))
        elif mins != sorted(set(mins)):
            problems.append(_problem(where, "ค่าขั้นต่ำของขั้นต้องเรียงจากน้อยไปมากและไม่ซ้ำกัน",
                                     "step thresholds must rise strictly (no overlap or repeat)"))
        elif pts != sorted(pts):
            problems.append(_problem(where, "ขั้นที่สูงกว่าต้องได้คะแนนไม่น้อยกว่าขั้นที่ต่ำกว่า",
                                     "a higher step must not earn fewer points than a lower one"))
        elif isinstance(max_points, (int, float)) and max(pts) > max_points:
            problems.append(_problem(where, "คะแนนของขั้นสูงสุดเกินคะแนนเต็ม",
                                     "a step earns more than max_points"))
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
    if ours.empty:
        problems.append(_problem(source, f"ไม่พบกรอบตัวชี้วัด {framework_id}",
                                 f"framework_id {framework_id} has no indicators"))
    overrides = spec.get("indicators", {})
    unknown = sorted(set(overrides) - set(ours["indicator_code"]))
    for u in unknown:
        problems.append(_problem(f"{source} / {u}", "ไม่มีตัวชี้วัดนี้ในกรอบ",
                                 "no such indicator in this framework"))
    rules, steps = [], []
    for ind in ours.itertuples():
        rule = overrides.get(ind.indicator_code) or spec.get("by_measure", {}).get(ind.measure)
        where = f"{source} / {ind.indicator_code}"
        if rule is None:
            problems.append(_problem(where, f"ไม่มีเกณฑ์สำหรับตัวชี้วัดชนิด '{ind.measure}'",
                                     f"no rule for measure '{ind.measure}'"))
            continue
        found = _check_rule(where, rule)
        problems += found
        if found:
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
    }])
    return Ruleset(head, pd.DataFrame(rules), pd.DataFrame(
        steps, columns=["ruleset_code", "indicator_code", "min_value", "points"]))


def read_ruleset_file(path: Path, indicators: pd.DataFrame) -> Ruleset:
    try:
        spec = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RulesetError(_problem(Path(path).name, f"อ่านไฟล์ชุดเกณฑ์ไม่ได้ ({exc})",
                                    f"cannot read the ruleset file ({exc})")) from exc
    return parse_ruleset(spec, indicators, source=Path(path).name)


def official_ruleset_files() -> list[Path]:
    return sorted(RULESET_DIR.glob("official-*.json"))
