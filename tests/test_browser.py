"""The app as a person sees it: a real `streamlit run` server and Debian's Chromium.

Each page opens without an error box and shows its Thai title; a filter change redraws the chart.
Screenshots are kept in test-artifacts/ for a person to look at.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bench.browser import BrowserPage, StreamlitServer
from saisaat.demo import build_demo

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "browser"
PAGES = {   # url path → Thai text the page must show ("" is the overview: the default page is "/")
    "": "ภาพรวมผลการประเมิน ปีงบประมาณ 2569",
    "compare": "เปรียบเทียบหน่วยงาน ปีงบประมาณ 2569",
    "trends": "แนวโน้มคะแนน ปีงบประมาณ 2545–2569",
    "coverage": "ความครอบคลุมตัวชี้วัด ปีงบประมาณ 2569",
    "whatif": "จำลองการคิดคะแนน ปีงบประมาณ 2569",
    "reports": "รายงาน ปีงบประมาณ 2569",
    "data": "ข้อมูลและการนำเข้า",
}
CHARTED = {"", "compare", "trends", "coverage"}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    build_demo(db)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with StreamlitServer(ROOT / "app.py", env={"SAISAAT_DB": str(db)}) as server, \
            BrowserPage(server.url) as page:
        yield page


# Every page opens (a deep link on a fresh server included), shows its Thai title, the synthetic data
# label and the local-mode notice (no [auth]: bound to 127.0.0.1), draws its charts, and shows no error box.
@pytest.mark.parametrize("path", list(PAGES), ids=lambda p: p or "overview")
def test_page_opens_in_thai(browser, path):
    browser.goto(f"/{path}")
    expect(browser.page.locator("h1").first).to_have_text(PAGES[path])
    expect(browser.page.get_by_text("ข้อมูลสาธิตสังเคราะห์").first).to_be_visible()
    expect(browser.page.get_by_text("โหมดเครื่องนี้ ไม่มีการลงชื่อเข้าใช้", exact=False)).to_be_visible()
    if path in CHARTED:
        browser.wait_for_chart()
    browser.screenshot(ARTIFACTS / f"{path or 'overview'}.png")
    assert browser.error_count() == 0
    expect(browser.page.get_by_text("Page not found")).to_have_count(0)


# Changing the fiscal year in the sidebar redraws the page for that year, charts included, and
# puts the year in the URL so the link reproduces the view.
@pytest.mark.parametrize("path", sorted(CHARTED), ids=lambda p: p or "overview")
def test_filter_change_redraws(browser, path):
    browser.goto(f"/{path}")
    box = browser.page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(0)

    browser.wait_for_rerun(lambda: browser.pick(box, "ปีงบประมาณ 2560"))
    if path != "trends":   # the trends title shows its span, not the sidebar year
        expect(browser.page.locator("h1").first).to_contain_text("2560")
    browser.wait_for_chart()
    assert re.search(r"[?&]fy=2560\b", browser.page.url)
    assert browser.error_count() == 0
    browser.screenshot(ARTIFACTS / f"{path or 'overview'}_fy2560.png")


# The language switch turns the whole page to English and back, and the choice stays in the URL.
def test_language_switch(browser):
    browser.goto("/compare")
    browser.wait_for_rerun(lambda: browser.page.get_by_text("English", exact=True).click())
    expect(browser.page.locator("h1").first).to_have_text("Unit comparison, Fiscal year 2569")
    assert "lang=en" in browser.page.url
    browser.wait_for_chart()
    browser.screenshot(ARTIFACTS / "compare_en.png")
    browser.wait_for_rerun(lambda: browser.page.get_by_text("ไทย", exact=True).click())
    expect(browser.page.locator("h1").first).to_have_text(PAGES["compare"])
    assert browser.error_count() == 0


# The secretariat (local mode) saves a what-if scenario: it is kept with who saved it and offered again by name
# (that saving touches nothing else is tested in test_store.py).
def test_whatif_save_and_reload(browser):
    browser.goto("/whatif?lang=en")
    browser.choose("wi_editor", "Import / save")
    browser.page.get_by_label("Scenario name").fill("Browser proposal")
    browser.page.get_by_label("Scenario name").press("Tab")
    expect(browser.page.get_by_text("Saved as local:", exact=False)).to_be_visible()   # local mode's user
    browser.wait_for_idle()
    browser.wait_for_rerun(lambda: browser.page.get_by_role("button", name="Save").click())
    expect(browser.page.get_by_text("Scenario 'Browser proposal' saved")).to_be_visible()
    browser.page.locator('[data-testid="stSelectbox"]').filter(has_text="Start from").get_by_role("combobox").click()
    expect(browser.page.get_by_role("option", name="Saved scenario: Browser proposal")).to_be_visible()
    browser.page.keyboard.press("Escape")
    assert browser.error_count() == 0


# The secretariat imports a file: a bad one is refused with its problems listed by row and column (in the
# page's language) and nothing saved; a good one with a typed-in points column is refused until she chooses
# to ignore that column, then previewed (the ignored column named), saved as a batch, and listed in the history.
def test_import_in_browser(browser, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("ปีงบประมาณ,รอบการตรวจ,รหัสหน่วยงาน,รหัสตัวชี้วัด,ค่าที่วัดได้\n"
                   "2570,3,9999,F2-1.01,abc\n", encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text("fiscal_year,inspection_round,unit_code,indicator_code,value,คะแนน\n"
                    "2570,1,1001,F2-1.01,1,3\n2570,1,1001,F2-1.03,4,3\n", encoding="utf-8-sig")
    browser.goto("/data?lang=en")
    uploader = browser.page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
    browser.wait_for_rerun(lambda: uploader.set_input_files(str(bad)))
    expect(browser.page.get_by_text("Not imported: 3 problems")).to_be_visible()   # round, unit, value
    expect(browser.page.get_by_text("the inspection round must be 1 or 2")).to_be_attached()   # a grid cell
    expect(browser.page.get_by_text("รอบการตรวจต้องเป็น 1 หรือ 2")).to_have_count(0)            # English only
    browser.wait_for_rerun(lambda: uploader.set_input_files(str(good)))
    expect(browser.page.get_by_text("Not imported: 1 problems")).to_be_visible()
    expect(browser.page.get_by_text("(points are computed from the values)", exact=False)).to_be_attached()
    browser.wait_for_rerun(lambda: browser.page.get_by_text(
        "Ignore the columns that are not in the format (1)").click())
    browser.page.get_by_role("tab", name="Ignored columns").click()
    expect(browser.page.get_by_text("column F 'คะแนน' is ignored: points are computed from the values")).to_be_visible()
    expect(browser.page.get_by_text("Saved as local:", exact=False)).to_be_visible()   # who imports: local mode
    browser.wait_for_rerun(lambda: browser.page.get_by_role("button", name="Save 2 results").click())
    expect(browser.page.get_by_text("Imported as batch 2 (2 results)")).to_be_visible()
    browser.choose("data_section", "Import history")
    expect(browser.page.get_by_text("good.csv")).to_be_attached()
    assert browser.error_count() == 0
    browser.screenshot(ARTIFACTS / "data_imported.png")


# --- a new centre on its own data, and another agency ------------------------------------------------------

NEW_CENTRE_TODAY = "2027-11-15"   # FY2571 under way: FY2570 is over and its results are being circulated
NEW_UNIT = ("1051", "สำนักงานเขตทดสอบใหม่", "New Test District Office")
RETIRED_UNIT = "1050"             # its last fiscal year becomes 2569
NEW_WORDING = "ตัวชี้วัดถ้อยคำใหม่ของศูนย์"
NEW_PAGES = ("", "compare", "trends", "coverage", "whatif", "reports", "data", "settings")


def new_centre_files(db_path: Path, tmp_path: Path) -> tuple[Path, Path, str]:
    """What a clerk brings to a database made by `init`: the configuration workbook edited (the first yes/no
    indicator of framework 2 reworded, unit 1051 added, unit 1050 retired after FY2569, framework 3 from FY2570
    with framework 2's objectives, indicators and rules under new codes, made as the What-if page's adoption
    makes a new version), and one long-layout results file for FY2569 (framework 2) and FY2570 (framework 3),
    both rounds: every value full marks except the reworded indicator, 0 for every unit (so it is the one
    point loss each unit, card and summary names). Returns the two files and the reworded indicator's code."""
    import json

    import pandas as pd

    from saisaat import configuration, reference
    from saisaat.db import Database
    with Database(db_path, read_only=True) as db:
        official = db.query("rulesets_by_code").query("is_official and framework_id == 2").iloc[0]
        config = configuration.adopt_scenario(db, json.loads(official["spec_json"]), 2570, "framework 3").config
    indicators, units = config["indicators"], config["units"]
    reworded = indicators.query("framework_id == 2 and measure == 'binary' and applies_to == 'core'")[
        "indicator_code"].iloc[0]
    copy = "F3-" + reworded.split("-", 1)[1]
    indicators.loc[indicators["indicator_code"].isin([reworded, copy]), "name_th"] = NEW_WORDING
    units.loc[units["unit_code"] == RETIRED_UNIT, "active_to_fy"] = 2569
    new = pd.DataFrame([{"unit_code": NEW_UNIT[0], "name_th": NEW_UNIT[1], "name_en": NEW_UNIT[2],
                         "unit_kind": "district", "peer_group_code": "CEN", "abbrev_th": "", "missions": "service",
                         "active_from_fy": 2570, "active_to_fy": None}])
    config["units"] = pd.concat([units, new], ignore_index=True)
    config["assignments"] = pd.concat([config["assignments"], reference.assignments(
        new, indicators[indicators["framework_id"] == 3])], ignore_index=True)
    workbook = tmp_path / "configuration_edited.xlsx"
    workbook.write_bytes(configuration.export_workbook(
        {p.key: configuration.normalised(p, config[p.key]) for p in configuration.PARTS}))
    full = {"binary": 1, "count": 5, "percent": 100}
    lines = ["fiscal_year,inspection_round,unit_code,indicator_code,value"]
    measure = indicators.set_index("indicator_code")
    for fy, framework in ((2569, 2), (2570, 3)):
        active = config["units"][(config["units"]["active_from_fy"] <= fy) & config["units"]["active_to_fy"].map(
            lambda last, fy=fy: last is None or last != last or last >= fy)]["unit_code"]
        for r in config["assignments"].itertuples():
            if r.unit_code in set(active) and measure.loc[r.indicator_code, "framework_id"] == framework:
                value = 0 if r.indicator_code in (reworded, copy) else full[measure.loc[r.indicator_code, "measure"]]
                lines += [f"{fy},{rnd},{r.unit_code},{r.indicator_code},{value}" for rnd in (1, 2)]
    results = tmp_path / "results_2569_2570.csv"
    results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return workbook, results, reworded


def plain_text(text: str) -> str:
    """Text as compared: NFKC (a PDF reads ำ back as its two glyphs ํ + า, its compatibility decomposition),
    without the spaces, line breaks and joiners layout puts in."""
    import unicodedata
    return re.sub(r"[\s\u200b\u2060]", "", unicodedata.normalize("NFKC", text))


def pdf_text(path: Path) -> str:
    """A PDF's text as pdftotext reads it (plain_text)."""
    import subprocess
    return plain_text(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout)


def download(browser, click) -> Path:
    with browser.page.expect_download(timeout=120_000) as info:
        click()
    return Path(info.value.path())


# The walk of issue 15, as a new user would do it, on a database `init` made (never demo data): the Settings
# page takes the edited configuration workbook (previewed, applied with who and why), the Data page a results
# file (previewed, saved); then every page opens without an error box, naming the new unit in the sidebar;
# the comparison and coverage pages show the new wording, the trends mark the framework change; the cabinet
# summary's PDF and the new unit's report card read back the new wording (and the card the new unit's name).
def test_new_centre_walk(browser, tmp_path):
    import os

    from saisaat import cli
    db_path = tmp_path / "centre.duckdb"
    saved = os.environ.get("SAISAAT_TODAY")
    os.environ["SAISAAT_TODAY"] = NEW_CENTRE_TODAY
    try:
        assert cli.main(["init", "--db", str(db_path)]) == 0
        workbook, results, reworded = new_centre_files(db_path, tmp_path)
    finally:
        os.environ.pop("SAISAAT_TODAY") if saved is None else os.environ.__setitem__("SAISAAT_TODAY", saved)
    out = ARTIFACTS / "new_centre"
    with StreamlitServer(ROOT / "app.py", env={"SAISAAT_DB": str(db_path), "SAISAAT_TODAY": NEW_CENTRE_TODAY}) \
            as server, browser.another(server.url) as browser:
        page = browser.page
        browser.goto("/")
        expect(page.get_by_text("เริ่มต้นใช้งาน").first).to_be_visible()    # the getting-started panel
        expect(page.get_by_text("ข้อมูลสาธิตสังเคราะห์")).to_have_count(0)

        browser.goto("/settings")
        uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
        browser.wait_for_rerun(lambda: uploader.set_input_files(str(workbook)))
        # the preview: units +1 added, 0 renamed, −1 retired; indicators +30 added (framework 3), 1 reworded
        metrics = page.locator('[data-testid="stMetricValue"]')
        expect(metrics.nth(0)).to_have_text("+1 · 0 · −1")
        expect(metrics.nth(1)).to_have_text("+30 · 1")
        expect(metrics.nth(2)).to_have_text("1")
        page.get_by_label("เหตุผล").fill("กรอบที่ 3 จากปีงบประมาณ 2570")
        page.get_by_label("เหตุผล").press("Tab")   # saved as the local secretariat (no name typed)
        browser.wait_for_idle()
        browser.wait_for_rerun(lambda: page.get_by_role("button", name="ใช้ค่ากำหนดนี้").click())
        expect(page.get_by_text("ใช้ค่ากำหนดแล้ว เป็นฉบับที่ 2")).to_be_visible()
        assert browser.error_count() == 0

        browser.goto("/data")
        uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
        browser.wait_for_rerun(lambda: uploader.set_input_files(str(results)))
        save = page.get_by_role("button", name=re.compile(r"^บันทึก [\d,]+ รายการ$"))
        expect(save).to_be_visible()
        browser.wait_for_rerun(lambda: save.click())
        expect(page.get_by_text(re.compile(r"batch 1|ชุดที่ 1")).first).to_be_visible()
        assert browser.error_count() == 0

        sidebar_unit = f"{NEW_UNIT[1]} ({NEW_UNIT[0]})"
        wording_shown = {"compare": "&why=losses", "coverage": "&cov_view=by_indicator"}   # the tables naming them
        for path in NEW_PAGES:
            browser.goto(f"/{path}?unit={NEW_UNIT[0]}{wording_shown.get(path, '')}")
            expect(page.locator('[data-testid="stSidebar"]').get_by_label("หน่วยงานของท่าน")).to_have_value(sidebar_unit)
            if path in ("", "compare", "coverage", "trends"):
                browser.wait_for_chart()
            if path in ("compare", "coverage"):   # the indicators that cost points, by their new wording
                expect(page.get_by_text(NEW_WORDING).first).to_be_attached()
            if path == "trends":
                expect(page.locator('[data-testid="stPlotlyChart"]').get_by_text("เปลี่ยนกรอบตัวชี้วัด").first
                       ).to_be_visible()
            browser.screenshot(out / f"{path or 'overview'}.png")
            assert browser.error_count() == 0, path

        browser.goto(f"/reports?unit={NEW_UNIT[0]}")
        expect(page.locator("h1").first).to_have_text("รายงาน ปีงบประมาณ 2570")
        summary = pdf_text(download(browser, lambda: page.get_by_role("button", name="ดาวน์โหลด PDF").click()))
        assert plain_text(NEW_WORDING) in summary
        browser.choose("reports_section", "บัตรรายงานผลรายหน่วยงาน")
        card = pdf_text(download(browser, lambda: page.get_by_role(
            "button", name="บัตรรายงานของหน่วยงานนี้ (PDF)").click()))
        assert plain_text(NEW_WORDING) in card and plain_text(NEW_UNIT[1]) in card
        assert browser.error_count() == 0


PROVINCE_NAME = "ศูนย์ประสานราชการใสสะอาด จังหวัดตัวอย่าง (สมมุติ)"


# The provincial example (another agency's configuration from `init --config`, then its results): every page
# opens without an error box and shows the province's centre, nothing of the BMA's.
def test_provincial_pages(browser, tmp_path):
    from fixture import build_provincial
    db_path = tmp_path / "province.duckdb"
    build_provincial(db_path)
    with StreamlitServer(ROOT / "app.py", env={"SAISAAT_DB": str(db_path)}) as server, \
            browser.another(server.url) as browser:
        for path in NEW_PAGES:
            browser.goto(f"/{path}")
            expect(browser.page.locator('[data-testid="stSidebar"]').get_by_text(PROVINCE_NAME)).to_be_visible()
            expect(browser.page.get_by_text("กรุงเทพมหานคร")).to_have_count(0)
            browser.screenshot(ARTIFACTS / "province" / f"{path or 'overview'}.png")
            assert browser.error_count() == 0, path
