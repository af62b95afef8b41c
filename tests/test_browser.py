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

    def pick_2560():
        box.click()
        browser.page.get_by_role("option", name="ปีงบประมาณ 2560", exact=True).click()

    browser.wait_for_rerun(pick_2560)
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
    browser.page.get_by_role("tab", name="Import / save").click()
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
    browser.page.get_by_role("tab", name="Import history").click()
    expect(browser.page.get_by_text("good.csv")).to_be_attached()
    assert browser.error_count() == 0
    browser.screenshot(ARTIFACTS / "data_imported.png")
