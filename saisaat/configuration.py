"""The organisation's configuration as one workbook: its names, unit kinds, peer groups, units,
frameworks, objectives, indicators, assignments, the official point rules of each framework, the
inspection calendar and the plan-step deadlines.

`export_workbook` writes it (one sheet per part, Thai headers with English in a second header row);
`plan_configuration` reads an edited workbook the way the results importer reads results (the same
reader, located problems as catalogue messages, nothing written) and says what would change;
`store.apply_configuration` applies a checked plan in one transaction and records the version.
"""
from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field

import pandas as pd

from saisaat.fiscal import CYCLE_STEPS, ROUND_STEPS, fiscal_year_bounds, relative_date
from saisaat.i18n import Message, t
from saisaat.importer import NO, YES, Formula, Problem, cell_code, cell_text, column_letter, is_blank, read_sheets, rows_text
from saisaat.plans import PLAN_KINDS
from saisaat.plans import STEPS as PLAN_STEPS

HEADER_ROWS = 2   # Thai headers, then English


@dataclass(frozen=True)
class Col:
    name: str
    kind: str = "text"      # text, code, opt_text, int, opt_int, number, opt_number, bool


@dataclass(frozen=True)
class Part:
    key: str                 # the part's name: sheet key, table name where it is one
    cols: tuple[Col, ...]
    row_key: tuple[str, ...]
    table: str | None = None  # the table it is stored in (rules and settings become rulesets)
    order: tuple = ()         # (column, values in the order a clerk reads them): rows sorted so, not by text

    @property
    def columns(self) -> list[str]:
        return [c.name for c in self.cols]


PARTS = (
    Part("organisation", (Col("item", "code"), Col("value_th", "opt_text"), Col("value_en", "opt_text")), ("item",),
         "organisation"),
    Part("unit_kinds", (Col("unit_kind", "code"), Col("name_th"), Col("name_en"), Col("sort_order", "int"),
                        Col("grouped", "bool")), ("unit_kind",), "unit_kinds"),
    Part("peer_groups", (Col("peer_group_code", "code"), Col("name_th"), Col("name_en")), ("peer_group_code",),
         "peer_groups"),
    Part("units", (Col("unit_code", "code"), Col("name_th"), Col("name_en"), Col("unit_kind", "code"),
                   Col("peer_group_code", "opt_text"), Col("abbrev_th", "opt_text"), Col("missions", "opt_text"),
                   Col("active_from_fy", "int"), Col("active_to_fy", "opt_int")), ("unit_code",), "units"),
    Part("frameworks", (Col("framework_id", "int"), Col("name_th"), Col("name_en"), Col("first_fy", "int"),
                        Col("last_fy", "opt_int")), ("framework_id",), "frameworks"),
    Part("objectives", (Col("framework_id", "int"), Col("objective_no", "int"), Col("theme_code", "code"),
                        Col("name_th"), Col("name_en")), ("framework_id", "objective_no"), "objectives"),
    Part("indicators", (Col("indicator_code", "code"), Col("framework_id", "int"), Col("objective_no", "int"),
                        Col("name_th"), Col("name_en"), Col("measure", "code"), Col("applies_to", "code")),
         ("indicator_code",), "indicators"),
    Part("assignments", (Col("unit_code", "code"), Col("indicator_code", "code")), ("unit_code", "indicator_code"),
         "assignments"),
    Part("rules", (Col("framework_id", "int"), Col("scope", "code"), Col("rule_type", "code"),
                   Col("max_points", "number"), Col("target_value", "opt_number"), Col("steps", "opt_text")),
         ("framework_id", "scope")),
    Part("settings", (Col("framework_id", "int"), Col("setting", "code"), Col("value")),
         ("framework_id", "setting")),
    # dates relative to the fiscal year: day, month, and the date's Buddhist-era year minus the fiscal year
    Part("calendar", (Col("step", "code"), Col("start_day", "int"), Col("start_month", "int"), Col("start_year", "int"),
                      Col("end_day", "int"), Col("end_month", "int"), Col("end_year", "int")), ("step",),
         "inspection_calendar", ("step", CYCLE_STEPS)),
    Part("plan_deadlines", (Col("plan_kind", "code"), Col("step", "code"), Col("due_day", "int"),
                            Col("due_month", "int"), Col("due_year", "int")), ("plan_kind", "step"), "plan_deadlines",
         ("step", PLAN_STEPS)),
)
PART = {p.key: p for p in PARTS}
TABLE_PARTS = [p for p in PARTS if p.table]
ORGANISATION_ITEMS = ("org_name", "org_short", "centre_name", "secretariat", "secretariat_short", "division",
                      "chair", "peer_group")
# the covering memo's items: optional (blank when not given)
OPTIONAL_ITEMS = ("report_to", "doc_number_prefix", "signer_name", "signer_position", "contact_phone")
MEASURES = ("binary", "count", "percent")
# parts a workbook made before they were configuration lacks: a missing sheet keeps the part in use
OPTIONAL_PARTS = ("calendar", "plan_deadlines")
# LibreOffice Calc saves a yes/no cell as the formula =TRUE() or =FALSE(): the value it shows
LIBREOFFICE_BOOLEANS = {"=TRUE()": True, "=FALSE()": False, "=TRUE": True, "=FALSE": False}


def header(col: str, lang: str) -> str:
    return t(f"cfg_col_{col}", lang)


def sheet_title(part: str) -> str:
    """'หน่วยงาน (units)': the Thai name a clerk reads, the key the reader relies on."""
    return f"{t(f'cfg_sheet_{part}', 'th')} ({part})"[:31]


# --- the configuration in the database, as frames -------------------------------------------------

Configuration = dict   # part key → DataFrame with the part's columns


def _official_specs(tables: dict[str, pd.DataFrame]) -> dict[int, dict]:
    rs = tables["rulesets"]
    rs = rs[rs["is_official"].astype(bool)]
    return {int(r.framework_id): json.loads(r.spec_json) for r in rs.itertuples()}


def rules_rows(specs: dict[int, dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The official rulesets as the workbook's rules and settings rows."""
    from saisaat.whatif import rules_table
    rules, settings = [], []
    for fw, spec in sorted(specs.items()):
        table = rules_table(spec)
        table.insert(0, "framework_id", fw)
        rules.append(table)
        reward = spec.get("reward", {})
        items = [("name_th", spec.get("name_th", "")), ("name_en", spec.get("name_en", "")),
                 ("round_aggregation", spec.get("round_aggregation", "score_each_round")),
                 ("levels", ", ".join(f"{v:g}" for v in reward.get("levels", []))),
                 ("transparency_weight", f"{reward.get('transparency_weight', 1):g}"),
                 ("tier_basis", reward.get("tier_basis", "overall_score")),
                 ("pool_baht", f"{reward.get('pool_baht', 0):g}")]
        items += [(f"component.{c}", f"{w:g}") for c, w in reward.get("component_weights", {}).items()]
        items += [(f"objective_weight.{o}", f"{w:g}") for o, w in (spec.get("objective_weights") or {}).items()]
        items += [(f"tier.{i + 1}", f"{tier['tier']}, {tier['min_value']:g}, {tier['multiplier']:g}")
                  for i, tier in enumerate(reward.get("tiers", []))]
        settings += [{"framework_id": fw, "setting": k, "value": v} for k, v in items]
    rules_frame = pd.concat(rules, ignore_index=True) if rules else pd.DataFrame(columns=PART["rules"].columns)
    return rules_frame[PART["rules"].columns], pd.DataFrame(settings, columns=PART["settings"].columns)


def from_tables(tables: dict[str, pd.DataFrame], official_specs: dict[int, dict]) -> Configuration:
    """The configuration held by these tables (organisation, unit_kinds, …) and official ruleset files."""
    config = {p.key: normalised(p, tables[p.table]) for p in TABLE_PARTS}
    rules, settings = rules_rows(official_specs)
    config["rules"] = normalised(PART["rules"], rules)
    config["settings"] = normalised(PART["settings"], settings)
    return config


def initial_snapshot(frames: dict[str, pd.DataFrame], rulesets: list) -> str:
    """Version 1's snapshot for a database being built from these tables and official rulesets."""
    return snapshot_json(from_tables(frames, {int(rs.framework_id): rs.spec for rs in rulesets}))


def current(db) -> Configuration:
    """The configuration the database holds now."""
    from saisaat.backup import table_frames
    names = tuple(p.table for p in TABLE_PARTS) + ("rulesets",)
    tables = {k: v.to_pandas() for k, v in table_frames(db, names).items()}
    return from_tables(tables, _official_specs(tables))


def normalised(part: Part, frame: pd.DataFrame) -> pd.DataFrame:
    """Values as plain Python types in the part's column order, sorted by key (comparable, JSON-able)."""
    out = {}
    for c in part.cols:
        values = frame[c.name].tolist() if c.name in frame else [None] * len(frame)
        out[c.name] = [_plain(v, c.kind) for v in values]
    frame = pd.DataFrame(out, columns=part.columns, dtype=object)
    if part.order:   # the column's known values in their own order, any other after them
        col, values = part.order
        rank = {v: i for i, v in enumerate(values)}
        return frame.sort_values(list(part.row_key), ignore_index=True, key=lambda s: s.map(
            lambda v: rank.get(v, len(rank))) if s.name == col else s)
    return frame.sort_values(list(part.row_key), ignore_index=True)


def _plain(v, kind: str):
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "" if kind == "opt_text" else None
    if kind in ("int", "opt_int"):
        return int(v)
    if kind in ("number", "opt_number"):
        v = float(v)
        return int(v) if v.is_integer() else v
    if kind == "bool":
        return bool(v)
    return str(v)


def snapshot_json(config: Configuration) -> str:
    return json.dumps({k: config[k].to_dict(orient="records") for k in PART}, ensure_ascii=False, sort_keys=True)


def from_snapshot(text: str) -> Configuration:
    data = json.loads(text)   # (a version from before a part was configuration lacks it: it is kept)
    return {p.key: normalised(p, pd.DataFrame(data[p.key], columns=p.columns)) for p in PARTS if p.key in data}


def with_kept_parts(config: Configuration, base: Configuration) -> Configuration:
    """A configuration without some optional part (an older workbook or version) keeps `base`'s."""
    return dict(config, **{k: base[k] for k in OPTIONAL_PARTS if k not in config})


# --- the workbook ------------------------------------------------------------------------------------

def export_workbook(config: Configuration) -> bytes:
    """One sheet per part: Thai headers in row 1, English in row 2, then the rows; names stay text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    from saisaat.exports import keep_as_text
    wb = Workbook()
    wb.remove(wb.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E8EEF5")
    for part in PARTS:
        ws = wb.create_sheet(sheet_title(part.key))
        for j, col in enumerate(part.columns, start=1):
            for i, lang in enumerate(("th", "en"), start=1):
                cell = ws.cell(row=i, column=j, value=header(col, lang))
                cell.font, cell.fill = bold, fill
        for i, row in enumerate(config[part.key].itertuples(index=False), start=HEADER_ROWS + 1):
            for j, value in enumerate(row, start=1):
                cell = ws.cell(row=i, column=j, value=None if value == "" else value)
                keep_as_text(cell)
        for j, col in enumerate(part.columns, start=1):
            width = max([len(header(col, "en"))] + [len(str(v)) for v in config[part.key][col].tolist()[:500]])
            ws.column_dimensions[column_letter(j - 1)].width = min(60, max(10, width + 2))
        ws.freeze_panes = ws.cell(row=HEADER_ROWS + 1, column=1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass
class ConfigPlan:
    """What applying a configuration workbook would do; nothing is written until the store applies it."""
    file_name: str
    sha256: str
    config: Configuration | None = None
    problems: list[Problem] = field(default_factory=list)
    changes: dict = field(default_factory=dict)        # part → {"added": [...], "removed": [...], "changed": [...]}
    summary: dict = field(default_factory=dict)        # what a person reads first (counts)
    rescored: pd.DataFrame = field(default_factory=pd.DataFrame)   # stored results whose points would change
    rulesets: list = field(default_factory=list)       # parsed official Ruleset per framework

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_changes(self) -> bool:
        return any(c["added"] or c["removed"] or c["changed"] for c in self.changes.values())


def _sheet_part(name: str) -> str | None:
    text = name.strip()
    for part in PART:
        if text == part or text.endswith(f"({part})") or text == t(f"cfg_sheet_{part}", "th") \
                or text.lower() == t(f"cfg_sheet_{part}", "en").lower():
            return part
    return None


def _header_lookup(part: Part) -> dict[str, str]:
    out = {}
    for col in part.columns:
        for form in (col, header(col, "th"), header(col, "en")):
            out[form.strip().lower()] = col
    return out


class _Reader:
    def __init__(self, sheet_name: str):
        self.sheet = sheet_name
        self.problems: list[Problem] = []

    def problem(self, row, col, value, key, **params):
        self.problems.append(Problem(self.sheet, row, col, None if value is None else cell_text(value)[:80],
                                     Message(key, **params)))

    def cell(self, value, kind: str, row: int, col: str, name: str):
        if isinstance(value, Formula):
            if kind == "bool" and value.upper().replace(" ", "") in LIBREOFFICE_BOOLEANS:
                value = LIBREOFFICE_BOOLEANS[value.upper().replace(" ", "")]
            else:   # the workbook must hold what the sheet shows
                self.problem(row, col, value, "imp_formula_cell")
                return None
        if is_blank(value):
            if kind.startswith("opt_"):
                return "" if kind == "opt_text" else None
            self.problem(row, col, None, "cfg_required", column=Message(f"cfg_col_{name}"))
            return None
        text = cell_code(value) if kind in ("code", "int", "opt_int", "number", "opt_number") else cell_text(value)
        if kind in ("int", "opt_int"):
            try:
                number = float(text)
                if not number.is_integer():
                    raise ValueError
                return int(number)
            except ValueError:
                self.problem(row, col, value, "cfg_not_whole_number")
                return None
        if kind in ("number", "opt_number"):
            try:
                number = float(text.replace(",", ""))
                return int(number) if number.is_integer() else number
            except ValueError:
                self.problem(row, col, value, "cfg_not_number")
                return None
        if kind == "bool":
            low = text.lower()
            if low in YES:   # the results importer's words for yes and no
                return True
            if low in NO:
                return False
            self.problem(row, col, value, "cfg_not_yes_no")
            return None
        return text


def read_workbook(data: bytes, file_name: str) -> tuple[Configuration | None, list[Problem], dict]:
    """The workbook's parts as frames, with every problem located; `where` maps (part, key) → Excel row."""
    sheets, _, problems = read_sheets(data, file_name)
    if problems:
        return None, problems, {}
    found: dict[str, object] = {}
    for sheet in sheets:
        part = _sheet_part(sheet.name)
        if part is None:
            problems.append(Problem(sheet.name, None, None, sheet.name, Message(
                "cfg_unknown_sheet", sheets=", ".join(sheet_title(p) for p in PART))))
        elif part in found:
            problems.append(Problem(sheet.name, None, None, None, Message("cfg_sheet_twice", part=part)))
        else:
            found[part] = sheet
    for part in PART:
        if part not in found and part not in OPTIONAL_PARTS:
            problems.append(Problem(file_name, None, None, sheet_title(part), Message("cfg_missing_sheet")))
    config, where = {}, {}
    for key, sheet in found.items():
        part = PART[key]
        reader = _Reader(sheet.name)
        lookup = _header_lookup(part)
        head = sheet.rows[0] if sheet.rows else []
        col_of = {}
        for j, raw in enumerate(head):
            if is_blank(raw):
                continue
            name = lookup.get(cell_text(raw).lower())
            if name is None:
                reader.problem(1, column_letter(j), raw, "cfg_unknown_column",
                               columns=", ".join(header(c, "th") for c in part.columns))
            elif name in col_of:
                reader.problem(1, column_letter(j), raw, "cfg_column_twice")
            else:
                col_of[name] = j
        for col in part.columns:
            if col not in col_of and not part.cols[part.columns.index(col)].kind.startswith("opt_"):
                reader.problem(1, None, None, "cfg_missing_column", column=Message(f"cfg_col_{col}"))
        # the English header row is optional: skip it when it is there
        first = 1
        if len(sheet.rows) > 1 and sheet.rows[1] and any(
                lookup.get(cell_text(v).lower()) for v in sheet.rows[1] if not is_blank(v)):
            first = 2
        rows, seen = [], {}
        kinds = {c.name: c.kind for c in part.cols}
        for i, raw in enumerate(sheet.rows[first:], start=first + 1):
            if all(is_blank(v) for v in raw):
                continue
            rec = {}
            for col in part.columns:
                j = col_of.get(col)
                if j is None:   # (a missing column is reported once, at the header)
                    rec[col] = "" if kinds[col] == "opt_text" else None
                    continue
                value = raw[j] if j < len(raw) else None
                rec[col] = reader.cell(value, kinds[col], i, column_letter(j), col)
            key_value = tuple(rec[k] for k in part.row_key)
            if key_value in seen:
                reader.problem(i, column_letter(col_of.get(part.row_key[-1], 0)), " / ".join(map(str, key_value)),
                               "cfg_duplicate_key", first_row=seen[key_value])
            else:
                seen[key_value] = i
            rows.append(rec)
        problems += reader.problems
        frame = pd.DataFrame(rows, columns=part.columns)
        config[key] = frame
        where[key] = {k: r for k, r in seen.items()}
    if problems:
        return None, problems, where
    return {k: normalised(PART[k], config[k]) for k in PART if k in config}, problems, where


# --- checks ----------------------------------------------------------------------------------------

# The settings a framework's official ruleset reads (and the prefixes of those that come in numbered rows).
SETTINGS = ("name_th", "name_en", "round_aggregation", "levels", "transparency_weight", "tier_basis", "pool_baht")
SETTING_PREFIXES = ("component.", "objective_weight.", "tier.")
# the settings row a reward problem points at (a prefix: the first row that starts with it)
REWARD_SETTING = {"levels": "levels", "weights": "transparency_weight", "tier_basis": "tier_basis",
                  "tiers": "tier.", "pool_baht": "pool_baht", "objective_weights": "objective_weight."}


def _numbers(text) -> list[float]:
    return [float(x) for x in str(text).replace(";", ",").split(",") if x.strip()]


def _setting(spec: dict, setting: str, value) -> None:
    """Put one settings row into a ruleset spec (ValueError: the value cannot be read)."""
    reward = spec["reward"]
    if setting in ("name_th", "name_en", "round_aggregation", "tier_basis"):
        (spec if setting in ("name_th", "name_en", "round_aggregation") else reward)[setting] = str(value)
    elif setting == "levels":
        reward["levels"] = _numbers(value)
    elif setting in ("transparency_weight", "pool_baht"):
        reward[setting] = float(value)
    elif setting.startswith("component."):
        reward["component_weights"][setting.split(".", 1)[1]] = float(value)
    elif setting.startswith("objective_weight."):
        spec["objective_weights"][setting.split(".", 1)[1]] = float(value)
    else:   # tier.N: name, minimum, multiplier
        name, min_value, multiplier = [x.strip() for x in str(value).split(",")]
        if not name:
            raise ValueError(value)
        reward["tiers"].append({"tier": name, "min_value": float(min_value), "multiplier": float(multiplier)})


def _known_setting(setting: str) -> bool:
    if setting in SETTINGS:
        return True
    prefix = next((p for p in SETTING_PREFIXES if setting.startswith(p)), None)
    rest = setting[len(prefix):] if prefix else ""
    return bool(rest) and (rest.isdigit() if prefix in ("tier.", "objective_weight.") else True)


def _specs(config: Configuration, bad) -> dict[int, dict]:
    """The official ruleset spec of each framework from its rules and settings rows; every problem is
    reported through `bad` at its row and cell, and a framework with problems gets no spec."""
    from saisaat.rulesets import AGGREGATIONS, RulesetError, reward_problems, rule_problems
    from saisaat.whatif import apply_rules_table
    frameworks = set(config["frameworks"]["framework_id"])
    for part in ("rules", "settings"):
        for r in config[part].itertuples(index=False):
            if r.framework_id not in frameworks:
                bad(part, tuple(getattr(r, k) for k in PART[part].row_key), "framework_id", r.framework_id,
                    "cfg_unknown_framework")
    indicators, objectives = config["indicators"], config["objectives"]
    specs = {}
    for fw in sorted(frameworks):
        ok = True
        spec = {"ruleset_code": f"official-f{fw}", "framework_id": int(fw), "is_official": True,
                "name_th": f"official-f{fw}", "name_en": f"official-f{fw}", "round_aggregation": "score_each_round",
                "by_measure": {}, "indicators": {}, "objective_weights": {},
                "reward": {"levels": [], "transparency_weight": 1.0, "component_weights": {},
                           "tier_basis": "overall_score", "tiers": [], "pool_baht": 0.0}}
        ours = indicators[indicators["framework_id"] == fw]
        rules = config["rules"][config["rules"]["framework_id"] == fw].drop(columns="framework_id")
        if rules.empty:
            bad("rules", None, "framework_id", fw, "cfg_framework_without_rules")
            continue
        scopes_known = True
        for r in rules.itertuples(index=False):
            key = (fw, r.scope)
            if r.scope not in MEASURES and r.scope not in set(ours["indicator_code"]):
                bad("rules", key, "scope", r.scope, "cfg_unknown_scope", framework=fw, measures=", ".join(MEASURES))
                ok = scopes_known = False
                continue
            if r.target_value is not None and r.rule_type != "proportional":
                bad("rules", key, "target_value", r.target_value, "cfg_rule_value_unused")
                ok = False
            if r.steps and r.rule_type != "steps":
                bad("rules", key, "steps", r.steps, "cfg_rule_value_unused")
                ok = False
            try:
                one = apply_rules_table({}, pd.DataFrame([r._asdict()]))
            except RulesetError:
                bad("rules", key, "steps", r.steps, "cfg_steps_unreadable")
                ok = False
                continue
            rule = {**one["by_measure"], **one["indicators"]}[r.scope]
            for column, message in rule_problems(rule):
                bad("rules", key, column or "rule_type", getattr(r, column or "rule_type"), "cfg_rule_problem",
                    detail=message)
                ok = False
        ruled = set(rules["scope"])
        for measure in sorted((set(ours["measure"]) & set(MEASURES)) - ruled if scopes_known else ()):
            without = ours[(ours["measure"] == measure) & ~ours["indicator_code"].isin(ruled)]["indicator_code"]
            if len(without):
                bad("rules", None, "scope", measure, "cfg_measure_without_rule", framework=fw,
                    indicators=", ".join(without.head(5)))
                ok = False
        settings = config["settings"][config["settings"]["framework_id"] == fw]
        tiers = sorted((r for r in settings.itertuples(index=False) if r.setting.startswith("tier.")
                        and r.setting[5:].isdigit()), key=lambda r: int(r.setting[5:]))
        others = [r for r in settings.itertuples(index=False) if r not in tiers]
        for r in others + tiers:
            key = (fw, r.setting)
            if not _known_setting(r.setting):
                bad("settings", key, "setting", r.setting, "cfg_unknown_setting",
                    settings=", ".join(SETTINGS + tuple(p + "…" for p in SETTING_PREFIXES)))
                ok = False
                continue
            if r.setting == "round_aggregation" and r.value not in AGGREGATIONS:
                bad("settings", key, "value", r.value, "cfg_setting_choice", choices=", ".join(AGGREGATIONS))
                ok = False
                continue
            try:
                _setting(spec, r.setting, r.value)
            except ValueError:
                bad("settings", key, "value", r.value, "cfg_setting_unreadable")
                ok = False
        if not ok:
            continue
        spec = apply_rules_table(spec, rules.assign(target_value=rules["target_value"].astype(float)))
        numbers = set(objectives.loc[objectives["framework_id"] == fw, "objective_no"].astype(int))
        for setting, message in reward_problems(spec, numbers):
            prefix = REWARD_SETTING.get(setting)
            rows = [r for r in settings.itertuples(index=False) if prefix and r.setting.startswith(prefix)]
            row = rows[0] if rows else None
            bad("settings", (fw, row.setting) if row else None, "value" if row else "setting",
                row.value if row else prefix, "cfg_setting_problem", detail=message)
            ok = False
        if ok:
            specs[int(fw)] = spec
    return specs


# Dates relative to the fiscal year are checked in FY2545 (1 Oct 2001 – 30 Sep 2002): its years -1, 0 and 1
# (CE 2001–2003) are not leap years, so a day that is not there every year (29 February) is refused.
CHECK_FY = 2545


def _relative(bad, part: str, key: tuple, row, prefix: str):
    """The date a row's day, month and year columns (`prefix`_day, …) give in CHECK_FY, or None (reported)."""
    day, month, year = (getattr(row, f"{prefix}_{x}") for x in ("day", "month", "year"))
    if not 1 <= month <= 12:
        bad(part, key, f"{prefix}_month", month, "cfg_bad_month")
    elif year not in (-1, 0, 1):
        bad(part, key, f"{prefix}_year", year, "cfg_bad_year_offset")
    else:
        try:
            return relative_date(CHECK_FY, day, month, year)
        except ValueError:
            bad(part, key, f"{prefix}_day", day, "cfg_no_such_day")
    return None


def _check_calendar(config: Configuration, bad) -> None:
    """The inspection calendar and the plan deadlines: known steps, each once and none missing, real days,
    windows that end after they start, rounds inside their fiscal year, dates rising in the steps' order."""
    from datetime import date
    year_start, year_end = fiscal_year_bounds(CHECK_FY)
    latest_end = date(year_end.year + 1, 9, 30)
    calendar, starts = config["calendar"], {}
    for r in calendar.itertuples():
        key = (r.step,)
        if r.step not in CYCLE_STEPS:
            bad("calendar", key, "step", r.step, "cfg_cal_unknown_step", steps=", ".join(CYCLE_STEPS))
            continue
        start, end = _relative(bad, "calendar", key, r, "start"), _relative(bad, "calendar", key, r, "end")
        if start is None or end is None:
            continue
        if end < start:
            bad("calendar", key, "end_day", r.end_day, "cfg_window_ends_before_start")
        elif r.step in ROUND_STEPS and not (year_start <= start and end <= year_end):
            col = "start_day" if start < year_start else "end_day"
            bad("calendar", key, col, getattr(r, col), "cfg_cal_round_outside_year")
        elif start < year_start:
            bad("calendar", key, "start_day", r.start_day, "cfg_cal_before_year")
        elif end > latest_end:
            bad("calendar", key, "end_day", r.end_day, "cfg_cal_too_late")
        else:
            starts[r.step] = start
    for step in CYCLE_STEPS:
        if step not in set(calendar["step"]):
            bad("calendar", None, "step", step, "cfg_cal_step_missing")
    dated = [s for s in CYCLE_STEPS if s in starts]
    for previous, step in zip(dated, dated[1:]):
        if starts[step] < starts[previous]:
            bad("calendar", (step,), "start_day", calendar.set_index("step").loc[step, "start_day"],
                "cfg_cal_not_rising", before=Message(f"cycle_{previous}"))
    deadlines, due = config["plan_deadlines"], {}
    for r in deadlines.itertuples():
        key = (r.plan_kind, r.step)
        if r.plan_kind not in PLAN_KINDS:
            bad("plan_deadlines", key, "plan_kind", r.plan_kind, "cfg_plan_unknown_kind", kinds=", ".join(PLAN_KINDS))
            continue
        if r.step not in PLAN_STEPS:
            bad("plan_deadlines", key, "step", r.step, "cfg_plan_unknown_step", steps=", ".join(PLAN_STEPS))
            continue
        day = _relative(bad, "plan_deadlines", key, r, "due")
        if day is not None and day > year_end:
            bad("plan_deadlines", key, "due_year", r.due_year, "cfg_plan_deadline_after_year")
        elif day is not None:
            due[key] = (day, r.due_day)
    have = set(zip(deadlines["plan_kind"], deadlines["step"]))
    for kind in PLAN_KINDS:
        for step in PLAN_STEPS:
            if (kind, step) not in have:
                bad("plan_deadlines", None, "step", f"{kind} / {step}", "cfg_plan_deadline_missing")
        dated = [s for s in PLAN_STEPS if (kind, s) in due]
        for previous, step in zip(dated, dated[1:]):
            if due[(kind, step)][0] < due[(kind, previous)][0]:
                bad("plan_deadlines", (kind, step), "due_day", due[(kind, step)][1], "cfg_plan_not_rising",
                    before=Message(f"plan_step_{previous}"))


def check(config: Configuration, where: dict, stored: dict[str, set]) -> tuple[list[Problem], list]:
    """Every rule a configuration must keep, each broken one located; and the parsed official rulesets.
    `stored`: what stored results refer to (units, indicators and their framework and measure, the
    fiscal years of each unit × indicator, each fiscal year's framework); empty for a new database."""
    from saisaat.rulesets import RulesetError, parse_ruleset
    problems: list[Problem] = []

    def bad(part, key, col, value, msg, **params):
        row = where.get(part, {}).get(key)
        column = None
        if col in PART[part].columns:
            column = column_letter(PART[part].columns.index(col))
        problems.append(Problem(sheet_title(part), row, column, None if value is None else str(value)[:80],
                                Message(msg, **params)))

    org = config["organisation"]
    for item in ORGANISATION_ITEMS:
        if item not in set(org["item"]):
            bad("organisation", None, "item", item, "cfg_org_item_missing")
    for r in org.itertuples():
        if r.item not in ORGANISATION_ITEMS + OPTIONAL_ITEMS:
            bad("organisation", (r.item,), "item", r.item, "cfg_org_item_unknown",
                items=", ".join(ORGANISATION_ITEMS + OPTIONAL_ITEMS))
    kinds = config["unit_kinds"]
    if kinds.empty:
        bad("unit_kinds", None, "unit_kind", None, "cfg_no_kinds")
    grouped = dict(zip(kinds["unit_kind"], kinds["grouped"]))
    groups = set(config["peer_groups"]["peer_group_code"])
    units = config["units"]
    for r in units.itertuples():
        key = (r.unit_code,)
        if r.unit_kind not in grouped:
            bad("units", key, "unit_kind", r.unit_kind, "cfg_unknown_kind", kinds=", ".join(grouped))
        elif grouped[r.unit_kind] and not r.peer_group_code:
            bad("units", key, "peer_group_code", None, "cfg_needs_group")
        elif not grouped[r.unit_kind] and r.peer_group_code:
            bad("units", key, "peer_group_code", r.peer_group_code, "cfg_kind_not_grouped")
        if r.peer_group_code and r.peer_group_code not in groups:
            bad("units", key, "peer_group_code", r.peer_group_code, "cfg_unknown_group")
        if r.active_to_fy is not None and not pd.isna(r.active_to_fy) and r.active_to_fy < r.active_from_fy:
            bad("units", key, "active_to_fy", r.active_to_fy, "cfg_retired_before_start", start=r.active_from_fy)
        for fy in (r.active_from_fy, r.active_to_fy):
            if fy is not None and not pd.isna(fy) and not 2400 <= fy <= 2700:
                bad("units", key, "active_from_fy", fy, "cfg_fiscal_year_range")
    frameworks = config["frameworks"].sort_values("first_fy")
    previous, gap_years = None, set()
    for r in frameworks.itertuples():
        key = (r.framework_id,)
        last = None if r.last_fy is None or pd.isna(r.last_fy) else int(r.last_fy)
        if last is not None and last < r.first_fy:
            bad("frameworks", key, "last_fy", last, "cfg_framework_ends_before_start")
        if previous is not None:
            prev_last = previous[1]
            if prev_last is None:
                bad("frameworks", (previous[0],), "last_fy", None, "cfg_framework_open_not_last", next=r.framework_id)
            elif r.first_fy <= prev_last:
                bad("frameworks", key, "first_fy", r.first_fy, "cfg_frameworks_overlap", other=previous[0])
            elif r.first_fy > prev_last + 1:
                years = str(prev_last + 1) if r.first_fy == prev_last + 2 else f"{prev_last + 1}–{r.first_fy - 1}"
                gap_years |= set(range(prev_last + 1, r.first_fy))
                bad("frameworks", key, "first_fy", r.first_fy, "cfg_frameworks_gap", years=years)
        previous = (r.framework_id, last)
    framework_ids = set(frameworks["framework_id"])
    objectives = config["objectives"]
    for r in objectives.itertuples():
        if r.framework_id not in framework_ids:
            bad("objectives", (r.framework_id, r.objective_no), "framework_id", r.framework_id, "cfg_unknown_framework")
    objective_keys = set(zip(objectives["framework_id"], objectives["objective_no"]))
    indicators = config["indicators"]
    for r in indicators.itertuples():
        key = (r.indicator_code,)
        if r.framework_id not in framework_ids:
            bad("indicators", key, "framework_id", r.framework_id, "cfg_unknown_framework")
        elif (r.framework_id, r.objective_no) not in objective_keys:
            bad("indicators", key, "objective_no", r.objective_no, "cfg_unknown_objective", framework=r.framework_id)
        if r.measure not in MEASURES:
            bad("indicators", key, "measure", r.measure, "cfg_unknown_measure", measures=", ".join(MEASURES))
    unit_codes, indicator_codes = set(units["unit_code"]), set(indicators["indicator_code"])
    # an unknown unit or indicator in the assignments: one problem per code, at its first row
    assignments = config["assignments"]
    for col, known, msg in (("unit_code", unit_codes, "cfg_assignments_unknown_unit"),
                            ("indicator_code", indicator_codes, "cfg_assignments_unknown_indicator")):
        rows: dict[str, list] = {}
        for r in assignments.itertuples():
            if getattr(r, col) not in known:
                row = where.get("assignments", {}).get((r.unit_code, r.indicator_code))
                rows.setdefault(getattr(r, col), []).append(row)
        for code, found in rows.items():
            first = next(r for r in assignments.itertuples() if getattr(r, col) == code)
            numbers = [n for n in found if n]
            bad("assignments", (first.unit_code, first.indicator_code), col, code, msg,
                rows=rows_text(numbers) if numbers else "—")
    # what stored results refer to must stay, and keep its meaning
    for code in sorted(stored.get("units", set()) - unit_codes):
        bad("units", None, "unit_code", code, "cfg_unit_has_results")
    for code in sorted(stored.get("indicators", set()) - indicator_codes):
        bad("indicators", None, "indicator_code", code, "cfg_indicator_has_results")
    by_code = indicators.set_index("indicator_code")
    for code, (fw, measure) in sorted(stored.get("indicator_facts", {}).items()):
        if code in by_code.index:
            now_fw, now_measure = int(by_code.loc[code, "framework_id"]), by_code.loc[code, "measure"]
            if now_fw != fw:
                bad("indicators", (code,), "framework_id", now_fw, "cfg_indicator_meaning_changed")
            elif now_measure != measure and now_measure in MEASURES:   # (an unknown one is reported above)
                bad("indicators", (code,), "measure", now_measure, "cfg_indicator_meaning_changed")
    spans = stored.get("spans")
    if spans is not None and len(spans):
        per_unit = spans.groupby("unit_code").agg(first_fy=("first_fy", "min"), last_fy=("last_fy", "max"))
        for r in units.itertuples():
            if r.unit_code not in per_unit.index or r.active_from_fy is None or (
                    r.active_to_fy is not None and not pd.isna(r.active_to_fy) and r.active_to_fy < r.active_from_fy):
                continue   # (a period that ends before it starts is reported above)
            first, last = (int(x) for x in per_unit.loc[r.unit_code, ["first_fy", "last_fy"]])
            if r.active_from_fy > first:
                bad("units", (r.unit_code,), "active_from_fy", r.active_from_fy, "cfg_unit_results_before_start",
                    fy=first)
            if r.active_to_fy is not None and not pd.isna(r.active_to_fy) and r.active_to_fy < last:
                bad("units", (r.unit_code,), "active_to_fy", r.active_to_fy, "cfg_unit_results_after_end", fy=last)
        assigned = set(zip(assignments["unit_code"], assignments["indicator_code"]))
        for r in spans.itertuples():
            if (r.unit_code, r.indicator_code) not in assigned and r.unit_code in unit_codes \
                    and r.indicator_code in indicator_codes:
                bad("assignments", None, "indicator_code", f"{r.unit_code} / {r.indicator_code}",
                    "cfg_assignment_has_results", unit=r.unit_code, indicator=r.indicator_code)
    # every fiscal year with results stays in the framework its results were scored in
    stored_years = stored.get("year_frameworks", set())
    latest = max([fy for fy, _ in stored_years], default=0)
    framework_of = {}
    for r in frameworks.itertuples():
        last = int(r.last_fy) if r.last_fy is not None and not pd.isna(r.last_fy) else max(int(r.first_fy), latest)
        framework_of.update({fy: r.framework_id for fy in range(int(r.first_fy), last + 1)})
    spans_of = {r.framework_id: r for r in frameworks.itertuples()}
    for fy, fw in sorted(stored_years):
        now = framework_of.get(fy)
        if now == fw or fy in gap_years:   # (a gap is reported above)
            continue
        if now is None and fw not in spans_of:
            bad("frameworks", None, "first_fy", fy, "cfg_results_outside_frameworks")
            continue
        home = spans_of.get(fw)
        col = "first_fy" if home is None or fy < home.first_fy else "last_fy"
        bad("frameworks", (fw,) if home is not None else None, col,
            fy if home is None else getattr(home, col), "cfg_results_other_framework", fy=fy, framework=fw)
    _check_calendar(config, bad)
    # the official rules of each framework
    specs = _specs(config, bad)
    rulesets = []
    frame = indicators.copy()
    for fw, spec in specs.items():
        if not set(indicators.loc[indicators["framework_id"] == fw, "measure"]) <= set(MEASURES):
            continue   # (an unknown measure is reported at its cell)
        try:
            rulesets.append(parse_ruleset(spec, frame, source=sheet_title("rules")))
        except RulesetError as exc:
            bad("rules", None, "framework_id", fw, "cfg_ruleset_problem", detail=exc)
    return problems, rulesets


def _diff(part: Part, old: pd.DataFrame, new: pd.DataFrame) -> dict:
    key = list(part.row_key)
    o = {tuple(r[k] for k in key): r for r in old.to_dict(orient="records")}
    n = {tuple(r[k] for k in key): r for r in new.to_dict(orient="records")}
    changed = []
    for k in sorted(set(o) & set(n), key=str):
        cols = [c for c in part.columns if not _same(o[k][c], n[k][c])]
        if cols:
            changed.append({"key": k, "columns": cols, "old": {c: o[k][c] for c in cols}, "new": {c: n[k][c] for c in cols}})
    return {"added": sorted(set(n) - set(o), key=str), "removed": sorted(set(o) - set(n), key=str), "changed": changed}


def _same(a, b) -> bool:
    def blank(v):
        return v is None or v == "" or (not isinstance(v, str) and pd.isna(v))
    return (blank(a) and blank(b)) or a == b


def plan_configuration(db, data: bytes, file_name: str) -> ConfigPlan:
    """Read and check a configuration workbook against the database; say what applying it would change."""
    config, problems, where = read_workbook(data, file_name)
    if problems:
        return ConfigPlan(file_name, hashlib.sha256(data).hexdigest(), problems=problems)
    return plan_from(db, config, where, file_name, hashlib.sha256(data).hexdigest())


def plan_from(db, config: Configuration, where: dict, file_name: str, sha256: str) -> ConfigPlan:
    """Check a configuration (from a workbook, or a stored version) and say what applying it would change."""
    from saisaat import scoring
    plan = ConfigPlan(file_name, sha256)
    before = current(db)
    config = with_kept_parts(config, before)
    facts = db.query("stored_result_facts")
    years = db.query("stored_result_years")
    stored = {"units": set(facts.loc[facts["kind"] == "unit", "code"]),
              "indicators": set(facts.loc[facts["kind"] == "indicator", "code"]),
              "indicator_facts": {r.code: (int(r.framework_id), r.measure)
                                  for r in facts[facts["kind"] == "indicator"].itertuples()},
              "spans": db.query("stored_result_spans"),
              "year_frameworks": {(int(r.fiscal_year), int(r.framework_id)) for r in years.itertuples()}}
    plan.problems, plan.rulesets = check(config, where, stored)
    if plan.problems:
        return plan
    # a workbook from before the memo's items were added leaves them as they are (they are optional)
    org, kept = config["organisation"], before["organisation"]
    missing = kept[kept["item"].isin(OPTIONAL_ITEMS) & ~kept["item"].isin(org["item"])]
    if len(missing):
        config = dict(config, organisation=normalised(PART["organisation"], pd.concat([org, missing])))
    plan.config = config
    plan.changes = {p.key: _diff(p, before[p.key], config[p.key]) for p in PARTS}
    frames = []
    for ruleset in plan.rulesets:
        if int(ruleset.framework_id) in set(before["frameworks"]["framework_id"]):
            points = scoring.result_points(db, ruleset, None)
            frames.append(points[points["stored_points"] != points["ruleset_points"]])
    plan.rescored = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    units = plan.changes["units"]
    retired = [c["key"][0] for c in units["changed"] if "active_to_fy" in c["columns"] and c["new"]["active_to_fy"]]
    plan.summary = {
        "units_added": len(units["added"]),
        "units_renamed": sum(1 for c in units["changed"] if {"name_th", "name_en"} & set(c["columns"])),
        "units_retired": len(retired),
        "indicators_added": len(plan.changes["indicators"]["added"]),
        "indicators_reworded": sum(1 for c in plan.changes["indicators"]["changed"]
                                   if {"name_th", "name_en"} & set(c["columns"])),
        "frameworks_added": len(plan.changes["frameworks"]["added"]),
        "assignments_added": len(plan.changes["assignments"]["added"]),
        "assignments_removed": len(plan.changes["assignments"]["removed"]),
        "rules_changed": sum(len(plan.changes[p]["added"]) + len(plan.changes[p]["removed"]) +
                             len(plan.changes[p]["changed"]) for p in ("rules", "settings")),
        "results_rescored": len(plan.rescored),
    }
    return plan


def default_configuration() -> Configuration:
    """The BMA's configuration as shipped in data/ (units from ../shared/reference, illustrative
    frameworks, indicators and rules)."""
    from saisaat import reference
    units, indicators = reference.units(), reference.indicators()
    frames = {"organisation": reference.organisation(), "unit_kinds": reference.unit_kinds(),
              "peer_groups": reference.peer_groups(), "units": units, "frameworks": reference.frameworks(),
              "objectives": reference.objectives(), "indicators": indicators,
              "assignments": reference.assignments(units, indicators),
              "inspection_calendar": reference.inspection_calendar(), "plan_deadlines": reference.plan_deadlines()}
    rulesets = reference.official_rulesets(indicators)
    return from_tables(frames, {int(rs.framework_id): rs.spec for rs in rulesets})


def plan_new(data: bytes | None, file_name: str | None) -> ConfigPlan:
    """The configuration a new database starts with: a workbook's, or the default; checked."""
    if data is None:
        config, where, name, sha = default_configuration(), {}, "data/", ""
    else:
        config, problems, where = read_workbook(data, file_name)
        name, sha = file_name, hashlib.sha256(data).hexdigest()
        if problems:
            return ConfigPlan(name, sha, problems=problems)
        config = with_kept_parts(config, default_configuration())
    plan = ConfigPlan(name, sha)
    plan.problems, plan.rulesets = check(config, where, {})
    plan.config = None if plan.problems else config
    return plan


def plan_undo(db, version_id: int) -> ConfigPlan:
    """Undoing the latest version: the version before it, checked as any configuration is."""
    from saisaat.i18n import MessageError
    versions = db.query("configuration_versions_by_id")
    latest = int(versions["version_id"].max()) if len(versions) else None
    if latest is None or version_id != latest:
        raise MessageError(Message("cfg_undo_not_latest", latest=latest or "—"))
    if len(versions) < 2:
        raise MessageError(Message("cfg_undo_first"))
    previous = versions.iloc[-2]
    return plan_from(db, from_snapshot(previous["snapshot"]), {}, f"undo of version {version_id}",
                     previous["sha256"] or "")


def changes_frame(plan: ConfigPlan, lang: str) -> pd.DataFrame:
    """One row per change, for the preview: the part, what happens, the row's key, the columns changed."""
    rows = []
    for part, change in plan.changes.items():
        for what in ("added", "removed"):
            rows += [{"part": t(f"cfg_sheet_{part}", lang), "change": t(f"cfg_change_{what}", lang),
                      "key": " / ".join(map(str, k)), "detail": ""} for k in change[what]]
        rows += [{"part": t(f"cfg_sheet_{part}", lang), "change": t("cfg_change_changed", lang),
                  "key": " / ".join(map(str, c["key"])),
                  "detail": "; ".join(f"{header(col, lang)}: {c['old'][col]} → {c['new'][col]}" for col in c["columns"])}
                 for c in change["changed"]]
    return pd.DataFrame(rows, columns=["part", "change", "key", "detail"])


def _new_code(code: str, old_framework: int, new_framework: int) -> str:
    """An indicator's code in the next framework version: F2-1.01 → F3-1.01 (else code.3)."""
    prefix = f"F{old_framework}-"
    return f"F{new_framework}-{code[len(prefix):]}" if code.startswith(prefix) else f"{code}.{new_framework}"


def adopt_scenario(db, spec: dict, from_fy: int, name: str) -> ConfigPlan:
    """A saved what-if scenario as the official rules from `from_fy`: from its framework's first year the
    framework's rules are replaced (its stored results rescored); from a later year, a new framework version
    begins then, with the same objectives, indicators (codes of the new version) and assignments, and the
    scenario's rules. Checked and previewed like any configuration; nothing is written here."""
    config = {k: v.copy() for k, v in current(db).items()}
    fw = int(spec["framework_id"])
    frameworks = config["frameworks"]
    row = frameworks[frameworks["framework_id"] == fw].iloc[0]
    adopted = dict(spec, is_official=True)
    if from_fy != int(row["first_fy"]):
        new = int(frameworks["framework_id"].max()) + 1
        frameworks.loc[frameworks["framework_id"] == fw, "last_fy"] = from_fy - 1
        config["frameworks"] = pd.concat([frameworks, pd.DataFrame([{
            "framework_id": new, "name_th": t("cfg_adopted_name", "th", name=row["name_th"], fy=from_fy),
            "name_en": t("cfg_adopted_name", "en", name=row["name_en"], fy=from_fy), "first_fy": from_fy,
            "last_fy": row["last_fy"]}])], ignore_index=True)
        objectives = config["objectives"]
        config["objectives"] = pd.concat([objectives, objectives[objectives["framework_id"] == fw].assign(
            framework_id=new)], ignore_index=True)
        indicators = config["indicators"]
        mine = indicators[indicators["framework_id"] == fw]
        codes = {c: _new_code(c, fw, new) for c in mine["indicator_code"]}
        config["indicators"] = pd.concat([indicators, mine.assign(
            framework_id=new, indicator_code=mine["indicator_code"].map(codes))], ignore_index=True)
        assignments = config["assignments"]
        moved = assignments[assignments["indicator_code"].isin(codes)]
        config["assignments"] = pd.concat([assignments, moved.assign(indicator_code=moved["indicator_code"].map(codes))],
                                          ignore_index=True)
        adopted = dict(adopted, framework_id=new, ruleset_code=f"official-f{new}",
                       indicators={codes.get(k, k): v for k, v in (spec.get("indicators") or {}).items()})
        fw = new
    rules, settings = rules_rows({fw: adopted})
    config["rules"] = pd.concat([config["rules"][config["rules"]["framework_id"] != fw], rules], ignore_index=True)
    config["settings"] = pd.concat([config["settings"][config["settings"]["framework_id"] != fw], settings],
                                   ignore_index=True)
    config = {p.key: normalised(p, config[p.key]) for p in PARTS}
    sha = hashlib.sha256(json.dumps(spec, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return plan_from(db, config, {}, name, sha)


def adoption_years(source, framework_id: int) -> list[int]:
    """The fiscal years a scenario of this framework can become official from: the framework's first year
    (its results are rescored), or a later year of it that has no results yet, nor any year after it."""
    years = source.query("fiscal_years")
    mine = years[years["framework_id"] == framework_id].sort_values("fiscal_year")
    if mine.empty:
        return []
    with_results = mine.loc[mine["num_results"] > 0, "fiscal_year"]
    after = int(with_results.max()) if len(with_results) else int(mine["fiscal_year"].min())
    later = [int(fy) for fy in mine["fiscal_year"] if fy > after]
    return [int(mine["fiscal_year"].min())] + later
