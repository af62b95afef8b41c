"""Every page, run from the entrypoint under AppTest: defaults, interactions, URL restore."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
import streamlit as st
from streamlit import config
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from fixture import acting, build_provincial, build_tiny
from saisaat.auth import SYSTEM_USER
from saisaat.demo import build_demo

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ("overview", "compare", "trends", "coverage", "whatif", "reports", "data", "settings", "users", "audit")
TITLES = {  # words each page's title starts with, per language
    "overview": ("ภาพรวมผลการประเมิน", "Results at a glance"),
    "compare": ("เปรียบเทียบหน่วยงาน", "Unit comparison"),
    "trends": ("แนวโน้มคะแนน", "Score trends"),
    "coverage": ("ความครอบคลุมตัวชี้วัด", "Indicator coverage"),
    "whatif": ("จำลองการคิดคะแนน", "What-if scoring"),
    "reports": ("รายงาน ปีงบประมาณ", "Reports, fiscal year"),
    "data": ("ข้อมูลและการนำเข้า", "Data and imports"),
    "settings": ("ค่ากำหนดขององค์กร", "The organisation's configuration"),
    "users": ("ผู้ใช้และสิทธิ์", "Users and roles"),
    "audit": ("บันทึกการเปลี่ยนแปลง", "Audit trail"),
}


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path)
    return path


@pytest.fixture(scope="module")
def tiny_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny") / "tiny.duckdb"
    build_tiny(path)
    return path


@pytest.fixture(scope="module")
def provincial_path(tmp_path_factory):
    """The provincial example (data/examples/provincial_centre.xlsx) after init and one results import."""
    path = tmp_path_factory.mktemp("province") / "province.duckdb"
    build_provincial(path)
    return path


def open_page(db_path, monkeypatch, page, **params) -> AppTest:
    """The page run from the entrypoint in a new session (caches cleared), with `params` in the URL."""
    monkeypatch.setenv("SAISAAT_DB", str(db_path))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def values(array) -> list:
    """Plotly sends numeric arrays as {"dtype", "bdata"} (base64); lists stay lists."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def metric(at: AppTest, label_start: str) -> str:
    found = [m.value for m in at.metric if m.label.startswith(label_start)]
    assert found, [m.label for m in at.metric]
    return found[0]


def metric_under(at: AppTest, label_start: str) -> str:
    """The line under a metric's value (its delta), e.g. a rank's group size."""
    found = [m.proto.delta for m in at.metric if m.label.startswith(label_start)]
    assert found, [m.label for m in at.metric]
    return found[0]


# Every page runs from the entrypoint in both languages, on the demo, the tiny database and the provincial
# example (another agency's configuration, never demo data).
@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("db", ["demo", "tiny", "provincial"])
def test_page_runs(page, lang, db, demo_path, tiny_path, provincial_path, monkeypatch):
    at = open_page({"demo": demo_path, "tiny": tiny_path, "provincial": provincial_path}[db], monkeypatch, page,
                   lang=lang)
    title = at.title[0].value
    assert title.startswith(TITLES[page][0 if lang == "th" else 1])
    if db == "demo":   # synthetic data says so on every page
        banner = "ข้อมูลสาธิตสังเคราะห์" if lang == "th" else "Synthetic demo data"
        assert any(banner in i.value for i in at.info)


# The overview opens on the latest fiscal year with results, and follows the year filter.
def test_overview_default_year_and_change(demo_path, monkeypatch):
    at = open_page(demo_path, monkeypatch, "overview")
    assert at.selectbox(key="fy").value == 2569
    assert "2569" in at.title[0].value
    assert metric(at, "หน่วยงานที่ประเมิน") == "70"
    mean_2569 = metric(at, "คะแนนเฉลี่ย")
    at.selectbox(key="fy").select(2552).run()
    assert not at.exception
    assert "2552" in at.title[0].value
    assert metric(at, "คะแนนเฉลี่ย") != mean_2569
    at.selectbox(key="fy").select(2570).run()   # the year under way has no results yet
    assert any("2570" in w.value for w in at.warning)


# Unit comparison: picking a unit and a peer group changes the ranking shown.
def test_compare_unit_and_peer_group(demo_path, monkeypatch):
    at = open_page(demo_path, monkeypatch, "compare", lang="en")
    ranked = chart_specs(at)[0]
    assert len(ranked["data"][0]["y"]) == 50          # same kind: the 50 district offices
    at.segmented_control(key="peers").set_value("group").run()
    ranked = chart_specs(at)[0]
    assert len(ranked["data"][0]["y"]) == 9           # Central Bangkok zone has 9 districts
    at.selectbox(key="unit").select("CSC").run()
    assert not at.exception
    ranked = chart_specs(at)[0]
    assert len(ranked["data"][0]["y"]) == 20          # a department's zone peers: all departments
    colours = ranked["data"][0]["marker"]["color"]
    assert colours.count("#D1495B") == 1              # the chosen unit, highlighted once
    assert metric_under(at, "Rank in group") == "of 20 units"


# A copied link restores the view: year, round, unit, peer group and language from the URL.
def test_url_restores_view(demo_path, monkeypatch):
    at = open_page(demo_path, monkeypatch, "compare", lang="en", fy="2560", round="2", unit="1010",
                   peers="all")
    assert at.title[0].value == "Unit comparison, Fiscal year 2560, Round 2"
    assert at.selectbox(key="unit").value == "1010"
    assert at.segmented_control(key="peers").value == "all"
    ranked = chart_specs(at)[0]
    with duckdb.connect(str(demo_path)) as con:   # units with a round-2 result in 2560
        reporting = con.execute("select count(distinct unit_code) from results "
                                "where fiscal_year = 2560 and inspection_round = 2").fetchone()[0]
    assert len(ranked["data"][0]["y"]) == reporting


# Trends: a framework change breaks the line; the level switch shows objective themes.
def test_trends_break_and_levels(demo_path, monkeypatch):
    at = open_page(demo_path, monkeypatch, "trends", unit="1001")
    fig = chart_specs(at)[0]
    unit_line = [d for d in fig["data"] if d.get("mode") == "lines+markers"][0]
    xs, ys = values(unit_line["x"]), values(unit_line["y"])
    gap = xs.index(2551.5)
    assert np.isnan(ys[gap])                          # no line across FY2551 → FY2552
    assert xs[gap - 1] == 2551 and xs[gap + 1] == 2552
    assert any(s.get("x0") == 2551.5 for s in fig["layout"]["shapes"])
    at.segmented_control(key="level").set_value("objective").run()
    assert not at.exception
    assert at.segmented_control(key="theme").options  # themes offered
    at.segmented_control(key="level").set_value("indicator").run()
    assert not at.exception and chart_specs(at)
    at.segmented_control(key="level").set_value("unit").run()
    at.multiselect(key="trend_units").select("1002").run()          # a second unit, a second line
    lines = [d["name"] for d in chart_specs(at)[0]["data"] if d.get("mode") == "lines+markers"]
    assert lines == ["สำนักงานเขตพระนคร", "สำนักงานเขตดุสิต"]


# Coverage: the missing list matches the matrix, and the year under way is pending, not missing.
def test_coverage_missing_and_pending(demo_path, monkeypatch):
    at = open_page(demo_path, monkeypatch, "coverage")
    missing = int(metric(at, "ค้างส่ง").replace(",", ""))
    assert any(s.value == f"รายการที่ต้องติดตาม ({missing} รายการ)" for s in at.header)
    matrix_rows = len(chart_specs(at)[0]["data"][0]["y"])
    at.segmented_control(key="cov_filter").set_value("incomplete").run()
    incomplete_rows = len(chart_specs(at)[0]["data"][0]["y"])
    assert 0 < incomplete_rows < matrix_rows == 70
    at.selectbox(key="fy").select(2570).run()
    assert not at.exception
    assert metric(at, "ค้างส่ง") == "0"
    assert any("ยังไม่ถึงกำหนดตรวจ" in i.value for i in at.info)


# The calendar comes from the database: the provincial example visits round 2 on 1–15 September (the BMA
# default: August), so on 20 August 2025 (FY2568) the overview's cycle chart draws that window, and the
# coverage page calls FY2568's round 2 not yet due with the province's dates.
def test_calendar_from_the_database(provincial_path, monkeypatch):
    monkeypatch.setenv("SAISAAT_TODAY", "2025-08-20")
    at = open_page(provincial_path, monkeypatch, "overview", lang="en", spread="cycle")   # the cycle's chart
    cycle = chart_specs(at)[-1]["data"]
    bars = {d["y"][0]: (d["base"][0], values(d["x"])[0] / 86_400_000) for d in cycle}
    assert bars["Round 2 inspection visits"] == ("2025-09-01", 15)
    assert bars["Round 1 inspection visits"] == ("2025-04-01", 30)
    at = open_page(provincial_path, monkeypatch, "coverage", lang="en", fy="2568", round="2")
    assert [i.value for i in at.info if "not been inspected" in i.value] == [
        "Round 2: This round has not been inspected yet (visits 1 Sep 2025 – 15 Sep 2025), so it has no results "
        "and nothing counts as missing."]


def whatif_metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# What-if: the official preset against the official baseline changes nothing; the old binary
# rules, a moved target level and a moved tier cut-off each change the shown deltas.
def test_whatif_edit_free_flows(demo_path, monkeypatch):
    at = open_page(demo_path, monkeypatch, "whatif", lang="en")
    m = whatif_metrics(at)
    assert (m["Tier changes"], m["Overall score up"], m["Overall score down"]) == ("0", "0", "0")

    at.selectbox(key="wi_start").select("preset:binary").run()
    assert not at.exception
    m = whatif_metrics(at)
    assert int(m["Overall score up"]) + int(m["Overall score down"]) > 0

    at.selectbox(key="wi_start").select("preset:official").run()
    assert whatif_metrics(at)["Tier changes"] == "0"
    at.segmented_control(key="wi_editor").set_value("weights").run()
    level_1 = [n for n in at.number_input if n.key and n.key.startswith("wi_level_0_")][0]
    level_1.set_value(65.0).run()                     # a harder level 1: some reward scores fall
    assert not at.exception
    m = whatif_metrics(at)
    assert int(m["Overall score down"]) > 0 and m["Overall score up"] == "0"

    at.segmented_control(key="wi_editor").set_value("tiers").run()
    cut_a = [n for n in at.number_input if n.key and n.key.startswith("wi_tier_0_min_")][0]
    cut_a.set_value(4.2).run()                        # tier A (was 4.5) open to more units
    assert not at.exception
    assert int(whatif_metrics(at)["Tier changes"]) > 0


# An invalid edit (tier cut-offs that do not fall) is refused with a message in the page's language
# (the other language's text is not shown) and not applied.
@pytest.mark.parametrize("lang, shown, not_shown, tier_changes", [
    ("th", "เกณฑ์ขั้นต่ำของกลุ่มรางวัลต้องลดลง", "tier cut-offs must fall", "เปลี่ยนกลุ่มรางวัล"),
    ("en", "tier cut-offs must fall", "เกณฑ์ขั้นต่ำของกลุ่มรางวัลต้องลดลง", "Tier changes"),
])
def test_whatif_invalid_rules_not_applied(demo_path, monkeypatch, lang, shown, not_shown, tier_changes):
    at = open_page(demo_path, monkeypatch, "whatif", lang=lang, wi_editor="tiers")
    cut_b = [n for n in at.number_input if n.key and n.key.startswith("wi_tier_1_min_")][0]
    cut_b.set_value(4.8).run()                        # B above A: overlapping tiers
    assert not at.exception
    assert any(shown in e.value for e in at.error)
    assert not any(not_shown in e.value for e in at.error)
    assert not any(m.label == tier_changes for m in at.metric)   # no results from bad rules


# One browser session's edits never show in another's, and a what-if writes nothing.
# (Saving a scenario is tested in a real browser: AppTest does not deliver that button's click.)
def test_whatif_sessions_isolated(demo_path, monkeypatch):
    checksum_before = results_checksum(demo_path)
    first = open_page(demo_path, monkeypatch, "whatif", lang="en")
    first.selectbox(key="wi_start").select("preset:grades").run()
    assert int(whatif_metrics(first)["Tier changes"]) > 0

    second = AppTest.from_file(APP, default_timeout=60)   # another session, same process and database
    second.query_params["lang"] = "en"
    second.run()
    second.switch_page("views/whatif.py").run()
    assert second.selectbox(key="wi_start").value == "preset:official"
    assert whatif_metrics(second)["Tier changes"] == "0"
    assert results_checksum(demo_path) == checksum_before


def results_checksum(db_path) -> tuple:
    with duckdb.connect(str(db_path)) as con:
        return con.execute("select count(*), sum(hash(fiscal_year, inspection_round, unit_code, "
                           "indicator_code, value, points, batch_id)) from results").fetchone()



@pytest.fixture(scope="module")
def empty_path(tmp_path_factory):
    """A real centre just set up: `python -m saisaat init` (the BMA configuration, no results)."""
    from saisaat import configuration, store
    path = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    store.init_database(path, configuration.plan_new(None, None), by=SYSTEM_USER)
    return path


# A database that never held results: no demo banner anywhere; the analytics pages show the getting-started
# panel (what is configured: 70 units in two kinds, 2 frameworks, 57 indicators; the first steps) instead of
# empty charts; the secretariat pages open.
@pytest.mark.parametrize("page", PAGES)
def test_pages_on_a_new_centre(empty_path, monkeypatch, page):
    at = open_page(empty_path, monkeypatch, page, lang="en")
    assert not [i for i in at.info if "Synthetic demo data" in i.value]
    assert at.title[0].value.startswith(TITLES[page][1])
    if page in ("overview", "compare", "trends", "coverage", "whatif"):
        assert [h.value for h in at.header] == ["Getting started"]
        assert at.markdown[0].value == ("Configured now: Bangkok Metropolitan Administration · 70 units "
                                        "(District office 50, Department / office 20) · 2 frameworks · 57 indicators")
        assert at.get("plotly_chart") == []


# A database made by an earlier version (here: the tiny database without its configuration history) is
# never rebuilt behind anyone's back when it is not the default demo file: the app says what to do.
def test_outdated_database_is_explained_not_rebuilt(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    build_tiny(path)
    con = duckdb.connect(str(path))
    con.execute("drop table configuration_versions")
    con.close()
    monkeypatch.setenv("SAISAAT_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert [e.value for e in at.error] == [
        f"The database {path} was made by an earlier version and lacks the configuration tables this version "
        "uses: make a new one with python -m saisaat init and import the results again (the old file is left as "
        "it is)."]
    con = duckdb.connect(str(path))   # the app's process holds the file: the same configuration shares it
    assert con.execute("select count(*) from results").fetchone()[0] == 49
    con.close()


# Local mode says so on every page, and the local user is the secretariat, who sees every page.
def test_local_mode_notice(tiny_path, monkeypatch):
    at = open_page(tiny_path, monkeypatch, "overview", lang="en")
    assert any(i.value.startswith("Local mode, no sign-in: open to this computer only (127.0.0.1)")
               for i in at.sidebar.info)


# Started on another address without [auth], the app shows published results only, says why it refuses
# every write, and the pages that write (what-if, reports, data, settings, users, audit) say they are not open.
@pytest.mark.parametrize("page", ["whatif", "reports", "data", "settings", "users", "audit"])
def test_open_network_without_sign_in_refuses_writes(tiny_path, monkeypatch, page):
    config.set_option("server.address", "0.0.0.0")
    at = open_page(tiny_path, monkeypatch, "overview", lang="en")
    # The stand-in registered under the page's address, as a deep link reaches it (AppTest's switch_page
    # finds file pages only: the page hash is Streamlit's hash of the url path).
    at._page_hash = calc_hash(page)
    at.run()
    assert not at.exception
    assert any("open to the network (0.0.0.0) without sign-in" in w.value and "refuses every change" in w.value
               for w in at.sidebar.warning)
    assert any("is not open to the visitor (not signed in) role, so nothing of it is shown" in w.value
               for w in at.warning)
    assert not at.metric and not at.get("plotly_chart") and not at.dataframe


# --- readable at any size (issue 12): the same pages with the limits lowered to the BMA demo's size -----------

# A ranking too long to draw whole shows the top and bottom, the chosen unit's neighbourhood with rank numbers,
# a row for each run of units left out (shown + left out = every assessed unit), and the spread as a histogram.
def test_compare_long_ranking_shows_the_neighbourhood(demo_path, monkeypatch):
    from saisaat import analytics
    monkeypatch.setattr(analytics, "RANKED_ALL_UP_TO", 20)
    monkeypatch.setattr(analytics, "RANKED_AROUND", 2)
    monkeypatch.setattr(analytics, "RANKED_ENDS", 1)
    at = open_page(demo_path, monkeypatch, "compare", lang="en", fy="2568", round="0", unit="1030", peers="all")
    ranked = chart_specs(at)[0]
    labels = ranked["data"][0]["y"]
    gaps = [label for label in labels if "more units" in label]
    bars = [label for label in labels if "more units" not in label]
    of = int(metric_under(at, "Rank in group").split()[1].replace(",", ""))
    assert bars[0].startswith("1. ") and len(bars) == 1 + 1 + 5 and len(gaps) in (1, 2)
    assert len(bars) + sum(int(g.split()[1].replace(",", "")) for g in gaps) == of
    mine = [b for b, c in zip(labels, ranked["data"][0]["marker"]["color"]) if c == "#D1495B"]
    rank = int(metric(at, "Rank in group").replace(",", ""))
    assert mine == [f"{rank}. " + at.selectbox(key="unit").format_func("1030").rsplit(" (", 1)[0]]
    assert any(c.value.startswith(f"Showing 7 of {of} units") for c in at.caption)
    at.segmented_control(key="rank_view").set_value("distribution").run()   # the spread: one choice away
    spread = chart_specs(at)[0]
    assert spread["data"][0]["type"] == "histogram"


# A long matrix comes a page at a time, saying which rows of how many; the last page holds the rest.
def test_coverage_matrix_in_pages(demo_path, monkeypatch):
    from saisaat import analytics
    monkeypatch.setattr(analytics, "MATRIX_PAGE", 30)
    at = open_page(demo_path, monkeypatch, "coverage", lang="en", fy="2568", round="0")
    heatmap = next(s for s in chart_specs(at) if s["data"][0]["type"] == "heatmap")
    assert len(heatmap["data"][0]["y"]) == 30
    assert any(c.value.endswith("Units 1–30 of 70 (the download has every unit)") for c in at.caption)
    at.number_input(key="cov_page").set_value(3).run()
    heatmap = next(s for s in chart_specs(at) if s["data"][0]["type"] == "heatmap")
    assert len(heatmap["data"][0]["y"]) == 10
    assert any(c.value.endswith("Units 61–70 of 70 (the download has every unit)") for c in at.caption)
    at.segmented_control(key="cov_peers").set_value("group").run()   # 1001's zone: 9 districts, one page
    heatmap = next(s for s in chart_specs(at) if s["data"][0]["type"] == "heatmap")
    assert len(heatmap["data"][0]["y"]) == 9


# After one small import into the year under way (3 of 70 units for FY2570), a new visitor still lands on
# the latest complete year (FY2569); the sidebar marks FY2570 incomplete, and when chosen, every page that
# shows the year says so (with how many units reported and that the rounds are not inspected yet).
def test_default_period_after_partial_import(demo_path, tmp_path, monkeypatch):
    import shutil

    from saisaat import importer
    from saisaat.db import Database
    path = tmp_path / "partial.duckdb"
    shutil.copyfile(demo_path, path)
    db = Database(path)
    csv = "fiscal_year,inspection_round,unit_code,indicator_code,value\n" + "".join(
        f"2570,1,{u},F2-1.01,1\n" for u in ("1001", "1002", "1003"))
    importer.commit(db, importer.plan_import(db, csv.encode(), "partial.csv"), by=acting("test"))
    db.close()
    at = open_page(path, monkeypatch, "overview")
    fy = at.selectbox(key="fy")
    assert fy.value == 2569
    assert "2569" in at.title[0].value and metric(at, "หน่วยงานที่ประเมิน") == "70"
    assert not [w for w in at.warning if "ยังไม่ครบ" in w.value]
    assert fy.options[:2] == ["ปีงบประมาณ 2570 (ยังไม่ครบ)", "ปีงบประมาณ 2569"]
    notice = ("ปีงบประมาณ 2570 ยังไม่ครบ: มีผลของ 3 จาก 70 หน่วยงาน ค่าเฉลี่ย อันดับ และการเปลี่ยนแปลงของปีนี้ยังเปลี่ยนได้ "
              "ยังไม่ถึงกำหนดตรวจ: รอบที่ 1, รอบที่ 2 ปีล่าสุดที่ครบคือปีงบประมาณ 2569")
    fy.select(2570).run()
    assert [w.value for w in at.warning] == [notice, "ร่าง: ผลของ ปีงบประมาณ 2570 รอบที่ 1 ยังไม่ได้เผยแพร่ ตัวเลขอาจเปลี่ยนได้"]
    for page in ("compare", "coverage", "whatif", "reports"):
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception
        assert notice in [w.value for w in at.warning], page
    at = open_page(path, monkeypatch, "trends", lang="en")
    assert at.title[0].value == "Score trends, fiscal years 2545–2569"   # the span ends at the complete year


# What-if, "grades" preset: tiers and ranks move while no overall score does, and the page says why (the tier
# basis changes from the overall score to the transparency percent). The Fire and Rescue Department (100 %)
# ranks low on the official rules because of its other components, which the comparison shows.
def test_whatif_grades_says_the_basis_changes(demo_path, monkeypatch):
    at = open_page(demo_path, monkeypatch, "whatif", lang="en", wi_view="all_units")   # the table of every unit
    assert not [i for i in at.info if "ranks and tiers units by" in i.value]
    at.selectbox(key="wi_start").select("preset:grades").run()
    assert not at.exception
    assert ("This scenario ranks and tiers units by Transparency score (%), the baseline by Overall evaluation "
            "score (1–5): the overall scores do not change, but ranks and tiers do, because they are ordered on a "
            "different figure.") in [i.value for i in at.info]
    table = next(d.value for d in at.dataframe if "Other components (weighted)" in d.value.columns).set_index("Code")
    fire = table.loc["FIRE"]
    assert (fire["Score % (baseline)"], fire["Rank (baseline)"], fire["Tier (baseline)"]) == (100.0, 67, "E")
    # overall 2.841 = 0.1 (transparency weight) × 5 (its 1–5 score) + 2.341 from the other components (weighted
    # 0.6, 0.15, 0.15): those hold it below tier D's 3.0
    assert (fire["Overall score (scenario)"], fire["Other components (weighted)"]) == (2.841, 2.341)
    assert fire["Overall score change"] == 0


# Coverage for a year whose rounds are not due yet: no "0.00 % (0/0)", no "0/70 complete", no green "nothing
# missing" boxes, no matrix: one line says nothing is due yet.
def test_coverage_nothing_due(demo_path, monkeypatch):
    at = open_page(demo_path, monkeypatch, "coverage", lang="en", fy="2570")
    assert [(m.label, m.value) for m in at.metric] == [
        ("Coverage", "—"), ("Missing", "0"), ("Units complete", "—")]
    assert at.success == [] or [s.value for s in at.success] == []
    assert "Nothing is due yet in this period: the coverage matrix and the list to chase appear once the period's "\
           "first inspection round has ended." in [i.value for i in at.info]
    assert len(at.get("plotly_chart")) == 1   # only the completeness over the years


# A year without any result draws no chart on the unit comparison: it says so instead.
def test_compare_year_without_results(demo_path, monkeypatch):
    at = open_page(demo_path, monkeypatch, "compare", lang="en", fy="2570")
    assert [w.value for w in at.warning] == ["No evaluation results yet for fiscal year 2570 with this choice"]
    assert at.get("plotly_chart") == [] and at.dataframe == []


# Past labels.PICKER_ALL_UP_TO units (national size) a unit picker searches: the sidebar lists the chosen unit and
# the first matches of its search box, says how many of all it lists, and picking a match changes the unit; the
# comparison's and the trends' multiselects search the same way. (The limit lowered to 10 on the 70-unit demo.)
def test_unit_pickers_search_past_the_limit(demo_path, monkeypatch):
    from saisaat import labels
    monkeypatch.setattr(labels, "PICKER_ALL_UP_TO", 10)
    at = open_page(demo_path, monkeypatch, "compare", lang="en", why="side_by_side")   # the units compared shown
    unit = at.selectbox(key="unit")
    assert unit.value == "1001" and len(unit.options) == 11 and unit.options[0].endswith("(1001)")
    assert "11 of 70 units listed: type a name or code to find the others." in [c.value for c in at.caption]
    at.text_input(key="unit_search").input("Dusit").run()
    assert at.selectbox(key="unit").options == ["Phra Nakhon District Office (1001)", "Dusit District Office (1002)"]
    at.selectbox(key="unit").select("1002").run()
    assert not at.exception
    assert at.selectbox(key="unit").value == "1002" and metric_under(at, "Rank in group") == "of 50 units"
    assert at.multiselect(key="compare_units").value == ["1001"]   # chosen on the first run, kept
    at.text_input(key="compare_units_search").input("Dusit").run()
    assert at.multiselect(key="compare_units").options == ["Phra Nakhon District Office (1001)",
                                                           "Dusit District Office (1002)"]
    at.switch_page("views/trends.py").run()
    assert len(at.multiselect(key="trend_units").options) == 11 and not at.exception


# The overview draws one of its two spreads at a time: the distribution first, the scores by kind when chosen
# (and from the link), each under its own heading, with its data downloadable.
def test_overview_spread_choice(demo_path, monkeypatch):
    at = open_page(demo_path, monkeypatch, "overview", lang="en")
    assert [d["type"] for d in chart_specs(at)[0]["data"]][0] == "histogram"
    assert "Distribution of scores" in [h.value for h in at.header]
    at.segmented_control(key="spread").set_value("by_kind").run()
    assert [d["type"] for d in chart_specs(at)[0]["data"]][0] == "box"
    assert "Scores by kind of unit" in [h.value for h in at.header]
    assert "Distribution of scores" not in [h.value for h in at.header]
    at = open_page(demo_path, monkeypatch, "overview", lang="en", spread="by_kind")
    assert [d["type"] for d in chart_specs(at)[0]["data"]][0] == "box"


def widget_keys(node, found=None) -> list[str]:
    """The keys of every keyed element drawn under `node` (AppTest's tree), in order."""
    found = [] if found is None else found
    if getattr(node, "key", None):
        found.append(node.key)
    for child in getattr(node, "children", {}).values():
        widget_keys(child, found)
    return found


# Pages whose parts were tabs draw one part at a time, chosen with a segmented control kept in the URL: its key,
# each part's own widget (a key prefix), the first part by default. Only the chosen part is drawn.
SECTIONS = {
    "reports": ("reports_section", {"summary": "sum_docx", "cards": "card_unit", "cycle": "chart_cycle_calendar",
                                    "plans": "plan_kind"}),
    "data": ("data_section", {"import": "import_file_", "history": "csv_batches", "publication": "csv_publications",
                              "template": "tpl_fy", "backup": "export_zip"}),
    "settings": ("settings_section", {"workbook": "config_download", "history": "csv_config_versions"}),
    "whatif": ("wi_editor", {"rules": "wi_rules_", "weights": "wi_level_0_", "tiers": "wi_tier_0_min_",
                             "share": "wi_name_"}),
}


@pytest.mark.parametrize("page, section", [(p, s) for p, (_, parts) in SECTIONS.items() for s in parts])
def test_one_section_drawn(demo_path, monkeypatch, page, section):
    key, parts = SECTIONS[page]
    first = next(iter(parts))
    at = open_page(demo_path, monkeypatch, page, lang="en", **({} if section == first else {key: section}))
    assert at.segmented_control(key=key).value == section
    drawn = [part for part, prefix in parts.items() if any(k.startswith(prefix) for k in widget_keys(at.main))]
    assert drawn == [section]


# Choosing another part (as a click would) draws it instead and writes it into the URL; the first part leaves
# the URL clean.
@pytest.mark.parametrize("page", SECTIONS)
def test_section_choice_kept_in_url(demo_path, monkeypatch, page):
    key, parts = SECTIONS[page]
    first, last = list(parts)[0], list(parts)[-1]
    at = open_page(demo_path, monkeypatch, page, lang="en")
    assert key not in at.query_params
    at.segmented_control(key=key).set_value(last).run()
    assert not at.exception
    assert at.query_params[key] == last
    assert [p for p, prefix in parts.items() if any(k.startswith(prefix) for k in widget_keys(at.main))] == [last]
    at.segmented_control(key=key).set_value(first).run()
    assert key not in at.query_params


# The what-if's editors are drawn one at a time and the draft keeps what was typed in an editor no longer shown:
# level 1 raised to 65 (some overall scores fall), then the tiers editor opened and tier A's cut-off lowered, the
# draft holds both; back in the weights editor, level 1 still reads 65.
def test_whatif_draft_kept_across_editors(demo_path, monkeypatch):
    at = open_page(demo_path, monkeypatch, "whatif", lang="en", wi_editor="weights")
    [n for n in at.number_input if n.key.startswith("wi_level_0_")][0].set_value(65.0).run()
    down = int(whatif_metrics(at)["Overall score down"])
    assert down > 0
    at.segmented_control(key="wi_editor").set_value("tiers").run()
    assert not [n for n in at.number_input if n.key.startswith("wi_level_0_")]   # not drawn
    assert int(whatif_metrics(at)["Overall score down"]) == down                   # but still in the draft
    tiers_before = whatif_metrics(at)["Tier changes"]
    [n for n in at.number_input if n.key.startswith("wi_tier_0_min_")][0].set_value(4.2).run()
    assert whatif_metrics(at)["Tier changes"] != tiers_before
    at.segmented_control(key="wi_editor").set_value("weights").run()
    assert [n.value for n in at.number_input if n.key.startswith("wi_level_0_")] == [65.0]
    at.segmented_control(key="wi_editor").set_value("tiers").run()
    assert [n.value for n in at.number_input if n.key.startswith("wi_tier_0_min_")] == [4.2]


# The overview sends one view of the year at a time (the distribution, the top and bottom 10, kinds, objectives, the
# inspection cycle), under its own heading, kept in the URL as spread=.
@pytest.mark.parametrize("choice, heading, trace, tables", [
    ("distribution", "Distribution of scores", "histogram", 0), ("top_bottom", "Top and bottom 10", None, 2),
    ("by_kind", "Scores by kind of unit", "box", 0), ("by_objective", "Mean score by objective", "bar", 0),
    ("cycle", "Inspection cycle, fiscal year", "bar", 0)])
def test_overview_one_view_at_a_time(demo_path, monkeypatch, choice, heading, trace, tables):
    at = open_page(demo_path, monkeypatch, "overview", lang="en", spread=choice)
    assert [c["data"][0]["type"] for c in chart_specs(at)] == ([trace] if trace else [])
    assert [h.value for h in at.header if h.value.startswith(heading)]
    assert len(at.dataframe) == tables
    if tables:   # ten units each (the name, then the score), best first and worst first
        assert [s.value for s in at.subheader] == ["Top 10", "Bottom 10"]
        top, bottom = (d.value for d in at.dataframe)
        assert len(top) == len(bottom) == 10
        assert top.iloc[0, 1] >= top.iloc[-1, 1] and bottom.iloc[0, 1] <= bottom.iloc[-1, 1]


# The what-if's results come one view at a time under the headline figures (kept in the URL as wi_view=): the
# largest moves in money, the tiers before and after, who changes tier or rank, every unit with the exports.
@pytest.mark.parametrize("view, charts, tables", [("shift", 1, 0), ("tiers", 1, 0), ("who_moves", 0, 2),
                                                  ("all_units", 0, 1)])
def test_whatif_one_result_view(demo_path, monkeypatch, view, charts, tables):
    at = open_page(demo_path, monkeypatch, "whatif", lang="en", wi_start="preset:binary", wi_view=view,
                   wi_editor="share")   # an editor without a table
    assert at.segmented_control(key="wi_view").value == view
    assert (len(chart_specs(at)), len(at.dataframe)) == (charts, tables)
    assert int(whatif_metrics(at)["Tier changes"]) > 0
    assert any(k.startswith("wi_export_") for k in widget_keys(at.main)) == (view == "all_units")


# Every section's choice on the analytics pages and the what-if's results: opened from the URL on each view, only
# that view is drawn (its own chart or table by key; the movers by their subheading, a table may be empty) and the
# control shows it.
VIEWS = {
    ("overview", "spread"): {"distribution": "chart_distribution", "top_bottom": "csv_top10",
                             "by_kind": "chart_by_kind", "by_objective": "chart_by_objective", "cycle": "chart_cycle"},
    ("compare", "why"): {"profile": "chart_profile", "losses": "csv_losses", "side_by_side": "compare_units"},
    ("coverage", "cov_view"): {"missing": "csv_missing", "by_unit": "csv_by_unit", "by_indicator": "csv_by_indicator",
                               "failing": "csv_failing", "completeness": "chart_completeness"},
    ("trends", "movers"): {"improvers": "Biggest improvers", "decliners": "Biggest decliners"},   # subheadings
    ("whatif", "wi_view"): {"shift": "chart_slope", "tiers": "chart_tiers", "who_moves": "csv_tier_changes",
                            "all_units": "csv_comparison"},
}


SETTING = {"whatif": {"wi_start": "preset:binary"}}   # units change tier: the table of tier changes has rows


@pytest.mark.parametrize("page, key, view", [(p, k, v) for (p, k), views in VIEWS.items() for v in views])
def test_one_view_drawn(demo_path, monkeypatch, page, key, view):
    views = VIEWS[(page, key)]
    at = open_page(demo_path, monkeypatch, page, lang="en", **SETTING.get(page, {}), **{key: view})
    assert at.segmented_control(key=key).value == view
    keys = widget_keys(at.main) + [h.value for h in at.subheader]   # elements' keys, and subheadings
    assert [v for v, prefix in views.items() if any(k.startswith(prefix) for k in keys)] == [view]
