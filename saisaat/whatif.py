"""What-if editing: a ruleset file shown as editable tables and back, and the export workbook.

The page edits a draft ruleset spec (a dict, as in a ruleset file); nothing here touches the
database. Errors are RulesetError with catalogue messages, like the rest of ruleset checking.
"""
from __future__ import annotations

import copy
import json

import pandas as pd

from saisaat.exports import xlsx_bytes
from saisaat.i18n import t
from saisaat.rulesets import RULE_TYPES, RulesetError, problem

RULE_COLUMNS = ["scope", "rule_type", "max_points", "target_value", "steps"]
MEASURES = ("binary", "count", "percent")


def steps_text(steps) -> str:
    """[[2, 1], [3, 2]] → '2:1, 3:2' (value at least : points)."""
    return ", ".join(f"{_num(a)}:{_num(b)}" for a, b in (steps or []))


def _num(x) -> str:
    return f"{x:g}" if isinstance(x, (int, float)) else str(x)


def parse_steps(text, where: str) -> list[list[float]]:
    if text is None or (isinstance(text, float) and text != text) or not str(text).strip():
        return []
    steps = []
    for part in str(text).replace(";", ",").split(","):
        if not part.strip():
            continue
        try:
            a, b = part.split(":")
            steps.append([float(a), float(b)])
        except ValueError as exc:
            raise RulesetError(problem(where, "rs_step_text", part=part.strip())) from exc
    return steps


def rules_table(spec: dict) -> pd.DataFrame:
    """One row per measure's rule, then one per indicator override."""
    rows = []
    for scope, rule in [(m, spec.get("by_measure", {}).get(m)) for m in MEASURES] + \
            sorted(spec.get("indicators", {}).items()):
        if rule is None:
            continue
        rows.append({"scope": scope, "rule_type": rule.get("rule_type"),
                     "max_points": rule.get("max_points"), "target_value": rule.get("target_value"),
                     "steps": steps_text(rule.get("steps"))})
    return pd.DataFrame(rows, columns=RULE_COLUMNS).astype({"max_points": float, "target_value": float})


def labelled_rules(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rules table as a person edits it: measures and rule types by their names in `lang` (an indicator
    override keeps its code). `coded_rules` reads it back."""
    out = table.copy()
    out["scope"] = out["scope"].map(lambda s: t(f"measure_{s}", lang) if s in MEASURES else s)
    out["rule_type"] = out["rule_type"].map(lambda r: t(f"rule_type_{r}", lang) if r in RULE_TYPES else r)
    return out


def coded_rules(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    measures = {t(f"measure_{m}", lang): m for m in MEASURES}
    types = {t(f"rule_type_{r}", lang): r for r in RULE_TYPES}
    out = table.copy()
    out["scope"] = out["scope"].map(lambda s: measures.get(s, s))
    out["rule_type"] = out["rule_type"].map(lambda r: types.get(r, r))
    return out


def apply_rules_table(spec: dict, table: pd.DataFrame) -> dict:
    """A new spec whose rules are the edited table's rows (measures, then indicator overrides)."""
    out = copy.deepcopy(spec)
    out["by_measure"], out["indicators"] = {}, {}
    problems = []
    for row in table.itertuples(index=False):
        scope = str(row.scope or "").strip()
        if not scope:
            continue
        rule = {"rule_type": row.rule_type, "max_points": _plain(row.max_points)}
        if row.rule_type == "proportional":
            rule["target_value"] = _plain(row.target_value)
        if row.rule_type == "steps":
            try:
                rule["steps"] = parse_steps(row.steps, scope)
            except RulesetError as exc:
                problems += exc.messages
                continue
        (out["by_measure"] if scope in MEASURES else out["indicators"])[scope] = rule
    if problems:
        raise RulesetError(*problems)
    return out


def _plain(x):
    if x is None or (isinstance(x, float) and x != x):
        return None
    return float(x)


def tiers_table(spec: dict) -> pd.DataFrame:
    return pd.DataFrame(spec["reward"]["tiers"], columns=["tier", "min_value", "multiplier"])


def workbook(spec: dict, comparison: pd.DataFrame, lang: str = "th") -> bytes:
    """The scenario and its comparison as one XLSX in the reader's language: settings, rules, tiers, and
    the comparison (given with its headers as shown on the page). Sheet names, headers and coded values
    (rule types, the round aggregation, the tier basis, the measures) are labels, never identifiers."""
    reward = spec["reward"]
    T = lambda key, **kw: t(key, lang, **kw)   # noqa: E731
    settings = pd.DataFrame([
        (T("wb_ruleset_code"), spec.get("ruleset_code")), (T("wb_framework"), spec.get("framework_id")),
        (T("wb_name_th"), spec.get("name_th")), (T("wb_name_en"), spec.get("name_en")),
        (T("round_aggregation"), T(f"agg_{spec.get('round_aggregation', 'score_each_round')}")),
        (T("wb_objective_weights"), json.dumps(spec.get("objective_weights") or {})),
        (T("levels_title"), json.dumps(reward["levels"])), (T("transparency_weight"), reward["transparency_weight"]),
        (T("wb_component_weights"), json.dumps(reward["component_weights"])),
        (T("tier_basis"), T(f"basis_{reward.get('tier_basis', 'overall_score')}")),
        (T("pool_baht"), reward.get("pool_baht")),
    ], columns=[T("wb_setting"), T("wb_value")])
    settings[T("wb_value")] = settings[T("wb_value")].astype(str)
    rules = labelled_rules(rules_table(spec), lang).rename(columns={"scope": T("col_scope"), "rule_type": T("col_rule_type"),
                                  "max_points": T("col_max_points"), "target_value": T("col_target_value"),
                                  "steps": T("col_steps")})
    tiers = tiers_table(spec).rename(columns={"tier": T("col_tier"), "min_value": T("col_min_value"),
                                              "multiplier": T("col_multiplier")})
    return xlsx_bytes({
        T("wb_settings"): settings,
        T("wb_rules"): rules,
        T("wb_tiers"): tiers,
        T("wb_comparison"): comparison,
    })
