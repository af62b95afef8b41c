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
from saisaat.i18n import Message, MessageError, t

RULESET_DIR = DATA_DIR / "rulesets"
RULE_TYPES = ("binary", "steps", "proportional")
AGGREGATIONS = ("score_each_round", "sum_values")


class RulesetError(MessageError):
    """A ruleset that cannot be applied: one Message per problem, saying where and what to do
    (`text(lang)` for a page; str(): each place once, then Thai / English, for the command line)."""

    def __str__(self) -> str:
        lines = []
        for m in self.messages:
            params = dict(m.params)
            lines.append(f"{params['where']}: {params['problem']}" if m.key == "ruleset_problem" else str(m))
        return "\n".join(lines)


TIER_BASES = ("overall_score", "score_pct")
LOWEST = {"overall_score": 1, "score_pct": 0}   # the lowest score of each tier basis (the 1–5 scale, percent)
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


def problem(where: str, key: str, **params) -> Message:
    """One ruleset problem: where it is (the file and the part of it), and the catalogue's message."""
    return Message("ruleset_problem", where=where, problem=Message(key, **params))


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and x == x


def rule_problems(rule) -> list[tuple[str, Message]]:
    """Every problem of one rule as (field, message): the field it concerns (rule_type, max_points,
    target_value, steps; '' for the rule as a whole), so a table of rules can point at the cell."""
    if not isinstance(rule, dict):
        return [("", Message("rs_rule_not_object"))]
    kind = rule.get("rule_type")
    if kind not in RULE_TYPES:
        return [("rule_type", Message("rs_rule_type_unknown", kind=kind, choices=", ".join(RULE_TYPES)))]
    problems = []
    max_points = rule.get("max_points")
    if not _number(max_points) or max_points <= 0:
        problems.append(("max_points", Message("rs_max_points_positive")))
    if kind == "proportional":
        target = rule.get("target_value")
        if not _number(target) or target <= 0:
            problems.append(("target_value", Message("rs_target_positive")))
    if kind == "steps":
        steps = rule.get("steps") or []
        if not isinstance(steps, list) or any(not isinstance(x, (list, tuple)) or len(x) != 2 for x in steps):
            return problems + [("steps", Message("rs_step_format"))]
        if not steps:
            problems.append(("steps", Message("rs_steps_needed")))
        mins = [s[0] for s in steps]
        pts = [s[1] for s in steps]
        if any(not _number(v) or v < 0 for v in mins + pts):
            problems.append(("steps", Message("rs_step_negative")))
        elif mins != sorted(set(mins)):
            problems.append(("steps", Message("rs_steps_rise")))
        elif pts != sorted(pts):
            problems.append(("steps", Message("rs_steps_points_fall")))
        elif pts and _number(max_points) and max(pts) > max_points:
            problems.append(("steps", Message("rs_step_above_max")))
    return problems


def _check_rule(where: str, rule) -> list[Message]:
    return [Message("ruleset_problem", where=where, problem=m) for _, m in rule_problems(rule)]


def reward_problems(spec: dict, objectives: set[int]) -> list[tuple[str, Message]]:
    """Every problem of the objective weights and the reward part as (field, message): the setting it
    concerns (objective_weights, levels, weights, tier_basis, tiers, pool_baht; reward when the part is
    missing)."""
    problems = []
    weights = spec.get("objective_weights") or {}
    if not isinstance(weights, dict):
        problems.append(("objective_weights", Message("rs_not_object", field="objective_weights")))
    elif weights:
        unknown = [k for k in weights if not str(k).isdigit() or int(k) not in objectives]
        if any(not _number(w) or w < 0 for w in weights.values()):
            problems.append(("objective_weights", Message("rs_objective_weights_negative")))
        elif unknown:
            problems.append(("objective_weights", Message("rs_objective_unknown", objectives=", ".join(map(str, unknown)))))
        elif abs(sum(weights.values()) - 1) > WEIGHT_TOLERANCE:
            problems.append(("objective_weights", Message("rs_objective_weights_sum", total=f"{sum(weights.values()):g}")))
    reward = spec.get("reward")
    if not isinstance(reward, dict):
        return problems + [("reward", Message("rs_reward_missing"))]
    levels = reward.get("levels")
    if (not isinstance(levels, list) or len(levels) != NUM_LEVELS
            or not all(_number(v) for v in levels)):
        problems.append(("levels", Message("rs_levels_format")))
    elif any(b <= a for a, b in zip(levels, levels[1:])) or levels[0] < 0 or levels[-1] > 100:
        problems.append(("levels", Message("rs_levels_rise")))
    tw = reward.get("transparency_weight")
    cw = reward.get("component_weights") or {}
    if not isinstance(cw, dict):
        problems.append(("weights", Message("rs_not_object", field="component_weights")))
    elif not _number(tw) or not 0 <= tw <= 1 or any(not _number(w) or not 0 <= w <= 1 for w in cw.values()):
        problems.append(("weights", Message("rs_weights_range")))
    elif abs(tw + sum(cw.values()) - 1) > WEIGHT_TOLERANCE:
        problems.append(("weights", Message("rs_weights_sum", total=f"{tw + sum(cw.values()):g}")))
    basis = reward.get("tier_basis", "overall_score")
    if basis not in TIER_BASES:
        problems.append(("tier_basis", Message("rs_tier_basis_unknown", basis=basis, choices=", ".join(TIER_BASES))))
    tiers = reward.get("tiers") or []
    if not isinstance(tiers, list) or not all(isinstance(t, dict) for t in tiers):
        tiers = []
    names = [t.get("tier") for t in tiers]
    mins = [t.get("min_value") for t in tiers]
    mults = [t.get("multiplier") for t in tiers]
    if not tiers or any(not n or not isinstance(n, str) for n in names) or len(set(names)) != len(names):
        problems.append(("tiers", Message("rs_tiers_needed")))
    elif not all(_number(v) for v in mins + mults) or any(m < 0 for m in mults):
        problems.append(("tiers", Message("rs_tier_numbers")))
    elif any(b >= a for a, b in zip(mins, mins[1:])):
        problems.append(("tiers", Message("rs_tiers_fall")))
    elif basis in LOWEST and mins[-1] > LOWEST[basis]:
        problems.append(("tiers", Message("rs_last_tier_open", lowest=LOWEST[basis], basis=basis)))
    elif any(b > a for a, b in zip(mults, mults[1:])):
        problems.append(("tiers", Message("rs_multipliers_fall")))
    pool = reward.get("pool_baht", 0)
    if not _number(pool) or pool < 0:
        problems.append(("pool_baht", Message("rs_pool_negative")))
    return problems


def _check_reward(source: str, spec: dict, objectives: set[int]) -> list[Message]:
    """Weights, target levels and tiers: every problem, placed at its part of the ruleset."""
    def where(field: str) -> str:
        part = "objective_weights" if field == "objective_weights" else "reward"
        return source if field == "reward" else f"{source} / {part}"
    return [Message("ruleset_problem", where=where(f), problem=m) for f, m in reward_problems(spec, objectives)]


def parse_ruleset(spec: dict, indicators: pd.DataFrame, source: str = "ruleset") -> Ruleset:
    """Turn a ruleset spec into table rows for the indicators of its framework.

    `indicators` has indicator_code, framework_id, measure. Raises RulesetError listing every problem.
    """
    problems: list[Message] = []
    code = spec.get("ruleset_code")
    framework_id = spec.get("framework_id")
    aggregation = spec.get("round_aggregation", "score_each_round")
    if not code or not isinstance(code, str):
        problems.append(problem(source, "rs_code_required"))
    if aggregation not in AGGREGATIONS:
        problems.append(problem(source, "rs_aggregation_unknown", aggregation=aggregation,
                                choices=", ".join(AGGREGATIONS)))
    ours = indicators[indicators["framework_id"] == framework_id]
    problems += _check_reward(source, spec, set(ours["objective_no"].astype(int)))
    if ours.empty:
        problems.append(problem(source, "rs_framework_unknown", framework_id=framework_id))
    overrides = spec.get("indicators") or {}
    by_measure = spec.get("by_measure") or {}
    for field, value in (("by_measure", by_measure), ("indicators", overrides)):
        if not isinstance(value, dict):
            problems.append(problem(f"{source} / {field}", "rs_not_object", field=field))
    if problems and not (isinstance(overrides, dict) and isinstance(by_measure, dict)):
        raise RulesetError(*problems)
    for u in sorted(set(overrides) - set(ours["indicator_code"])):
        problems.append(problem(f"{source} / {u}", "rs_indicator_unknown"))
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
            problems.append(problem(f"{source} / {ind.indicator_code}", "rs_no_rule_for_measure",
                                    measure=ind.measure))
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
        raise RulesetError(*problems)
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
            [{"component_code": k, "weight": float(w)} for k, w in (reward.get("component_weights") or {}).items()],
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
        raise RulesetError(problem(name, "rs_file_unreadable", detail=str(exc))) from exc
    if not isinstance(spec, dict):
        raise RulesetError(problem(name, "rs_file_not_object"))
    return parse_ruleset(spec, indicators, source=name)


def read_ruleset_file(path: Path, indicators: pd.DataFrame) -> Ruleset:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RulesetError(problem(Path(path).name, "rs_file_cannot_open", detail=str(exc))) from exc
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
        spec["name_th"], spec["name_en"] = t("preset_binary", "th"), t("preset_binary", "en")
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
        spec["name_th"], spec["name_en"] = t("preset_grades", "th"), t("preset_grades", "en")
        spec["reward"]["tier_basis"] = "score_pct"
        spec["reward"]["tiers"] = json.loads(json.dumps(GRADE_BANDS))
    else:
        raise ValueError(name)
    return spec


def official_ruleset_files() -> list[Path]:
    return sorted(RULESET_DIR.glob("official-*.json"))
