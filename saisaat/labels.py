"""Names and labels shown to people, in their language: units, indicators, objectives, unit kinds,
and the facts pages and documents both label by (a fiscal year's framework, whether data is the demo).

Every function takes a `source`: anything with `.query(name, **params)` returning a DataFrame (the
Database, or the pages' cached wrapper of it), so pages and documents share one set of lookups.
"""
from __future__ import annotations

from saisaat.i18n import known, t


def _name_column(lang: str) -> str:
    return "name_th" if lang == "th" else "name_en"


def unit_names(source, lang: str) -> dict[str, str]:
    u = source.query("units_by_code")
    return dict(zip(u["unit_code"], u[_name_column(lang)]))


def indicator_names(source, lang: str) -> dict[str, str]:
    i = source.query("indicators_by_code")
    return dict(zip(i["indicator_code"], i[_name_column(lang)]))


def theme_names(source, lang: str) -> dict[str, str]:
    """theme_code → its name, in the order themes first appear (framework, then objective number). The
    BMA's four themes have short names in the catalogue; any other theme is named by the objective that
    carries it in the latest framework (as the configuration words it)."""
    o = source.query("objectives_by_framework").sort_values(["framework_id", "objective_no"])
    latest = o.drop_duplicates("theme_code", keep="last").set_index("theme_code")[_name_column(lang)]
    return {code: t(f"theme_{code}", lang) if known(f"theme_{code}") else latest[code]
            for code in o["theme_code"].drop_duplicates()}


def objective_names(source, framework_id: int, lang: str) -> dict[int, str]:
    """objective_no → '2. จิตสำนึกและวัฒนธรรมใสสะอาด' (its number and its theme's name) for the objectives of
    one framework."""
    themes = theme_names(source, lang)
    o = source.query("objectives_by_framework")
    o = o[o["framework_id"] == framework_id]
    return {int(r.objective_no): f"{r.objective_no}. {themes[r.theme_code]}" for r in o.itertuples()}


def objective_themes(source, framework_id: int) -> dict[int, str]:
    """objective_no → theme_code (the theme that links the same objective across frameworks)."""
    o = source.query("objectives_by_framework")
    o = o[o["framework_id"] == framework_id]
    return dict(zip(o["objective_no"].astype(int), o["theme_code"]))


def kind_labels(source, lang: str) -> dict[str, str]:
    """unit_kind → its name, in the configuration's order (the BMA: district offices, then departments)."""
    k = source.query("unit_kinds_by_order")
    return dict(zip(k["unit_kind"], k[_name_column(lang)]))


def kind_label(source, kind: str, lang: str) -> str:
    return kind_labels(source, lang).get(kind, kind)


def organisation(source, lang: str) -> dict[str, str]:
    """The organisation's own names (org_name, org_short, centre_name, secretariat, secretariat_short,
    division, chair, peer_group), from its configuration."""
    o = source.query("organisation_items")
    names = dict.fromkeys(("report_to", "doc_number_prefix", "signer_name", "signer_position", "contact_phone"), "")
    return names | dict(zip(o["item"], o["value_th" if lang == "th" else "value_en"]))


def peer_group_names(source, lang: str) -> dict[str, str]:
    """peer_group_code → its name (the BMA's district zones)."""
    u = source.query("units_by_code").dropna(subset=["peer_group_code"])
    return dict(zip(u["peer_group_code"], u["peer_group_name_th" if lang == "th" else "peer_group_name_en"]))


def proper_names(source, lang: str) -> tuple[str, ...]:
    """The names a document never breaks across lines, in `lang`: every unit, kind of unit and peer
    group, and the organisation's own names (the documents' word breaking keeps them whole)."""
    names = (list(unit_names(source, lang).values()) + list(kind_labels(source, lang).values())
             + list(peer_group_names(source, lang).values()) + list(organisation(source, lang).values()))
    return tuple(sorted({n for n in names if n}, key=lambda n: (-len(n), n)))


def indicator_number(indicator_code: str) -> str:
    """An indicator's number within its framework, as a reader cites it: F2-1.04 → 1.04."""
    return indicator_code.split("-", 1)[1] if "-" in indicator_code else indicator_code


def unit_option(names: dict[str, str]):
    """The label of a unit in a picker: 'เขตพระนคร (1001)'."""
    return lambda code: f"{names.get(code, code)} ({code})"


PICKER_ALL_UP_TO = 500   # a unit picker lists every unit up to this many; past it, the matches of a search


def unit_choices(codes: list[str], names: dict[str, str], keep: list[str], text: str = "",
                 limit: int | None = None) -> list[str]:
    """The units a picker offers: every one of `codes` when there are at most `limit` (PICKER_ALL_UP_TO);
    otherwise those chosen (`keep`, first, in their order) and then, in code order, up to `limit` whose picker
    label (unit_option: name and code) holds `text` (any case). A browser given 8,000 options on every run
    spends about 0.3 s on them."""
    limit = PICKER_ALL_UP_TO if limit is None else limit
    if len(codes) <= limit:
        return list(codes)
    label, needle = unit_option(names), text.strip().casefold()
    known = set(codes)
    kept = [c for c in keep if c in known]
    skip = set(kept)
    found = []
    for c in codes:   # in code order, stopping at `limit` matches (8,000 labels are not built on every run)
        if c not in skip and needle in label(c).casefold():
            found.append(c)
            if len(found) == limit:
                break
    return kept + found


def framework_of(source, fiscal_year: int) -> int | None:
    """The framework a fiscal year belongs to (None: the year is not in the database)."""
    years = source.query("fiscal_years")
    match = years.loc[years["fiscal_year"] == fiscal_year, "framework_id"]
    return int(match.iloc[0]) if len(match) else None


def framework_name(source, framework_id: int, lang: str) -> str:
    f = source.query("frameworks_by_id").set_index("framework_id")
    return f.loc[framework_id, _name_column(lang)]


def actor(by, lang: str) -> str:
    """Who did something, as a person reads it: a name as typed; the program's own command-line runs
    ("saisaat demo --seed 2545") named as the program."""
    if not isinstance(by, str):
        return by
    if by.startswith("saisaat demo"):
        return t("actor_demo", lang)
    if by.startswith("saisaat ") or by == "system":   # auth.SYSTEM_USER: the app itself (calendar, demo)
        return t("actor_program", lang)
    return by


def batch_history(batches, lang: str):
    """import_batches_by_id rows as the history shows them: the source as a word, who as a person reads it,
    the demo's generated file name as the source's word."""
    out = batches.copy()
    out["source_label"] = out["source"].map(lambda s: t(f"source_{s}", lang))
    out["imported_by"] = out["imported_by"].map(lambda by: actor(by, lang))
    out.loc[out["source"] == "demo", "file_name"] = t("source_demo", lang)
    return out


def is_demo(source) -> bool:
    """True while the database's results come from the synthetic demo."""
    b = source.query("import_batches_by_id")
    return bool(((b["source"] == "demo") & (b["num_results"] > 0)).any())


def component_label(component_code: str, lang: str) -> str:
    """The name of an evaluation component; its code where the catalogue has no name for it."""
    try:
        return t(f"component_{component_code}", lang)
    except KeyError:
        return component_code


def framework_indicators(source, framework_id: int) -> list[str]:
    """The indicator codes of one framework, in code order."""
    i = source.query("indicators_by_code")
    return i.loc[i["framework_id"] == framework_id, "indicator_code"].tolist()


def _periods(frame) -> set[tuple[int, int]]:
    return {(int(a), int(b)) for a, b in zip(frame["fiscal_year"], frame["inspection_round"])}


def draft_periods(source) -> set[tuple[int, int]]:
    """(fiscal year, round) of the drafts the source's viewer sees: not published, and some of their
    results visible (a Database alone sees published results only, so none)."""
    p = source.query("publications_by_period")
    return _periods(p[~p["is_published"] & (p["num_visible"] > 0)])


def unseen_periods(source) -> set[tuple[int, int]]:
    """(fiscal year, round) holding results not published yet, none of which the viewer may see."""
    p = source.query("publications_by_period")
    return _periods(p[~p["is_published"] & (p["num_results"] > 0) & (p["num_visible"] == 0)])


def is_draft_year(source, fiscal_year: int) -> bool:
    """Whether what the viewer sees of a fiscal year includes drafts (a document's draft watermark)."""
    return any(fy == fiscal_year for fy, _ in draft_periods(source))


def default_fiscal_year(source, years, calendar, today) -> int:
    """Every page's default view (`years`: the fiscal_years query as the viewer sees it): the latest fiscal
    year whose two rounds are both published and that is complete (analytics.completeness); failing that
    the latest with both rounds published; failing that analytics.default_period (the latest complete
    year the viewer sees, else the latest with results, else the latest known)."""
    from saisaat import analytics
    p = source.query("publications_by_period")
    published = p[p["is_published"]]
    both = sorted((fy for fy in set(years["fiscal_year"].astype(int))
                   if set(published.loc[published["fiscal_year"] == fy, "inspection_round"]) == {1, 2}), reverse=True)
    states = analytics.completeness_by_year(years, calendar, today)
    complete = [fy for fy in both if states[fy].complete]
    if complete:
        return complete[0]
    if both:
        return both[0]
    return analytics.default_period(years, calendar, today)
