"""Sign-in, roles and drafts as people meet them: a real OpenID Connect provider on 127.0.0.1
(tests/oidc.py), the app's own st.login, and Debian's Chromium. Nothing is patched.

The demo database has four registered users and FY2569 round 2 back to draft: the secretariat and an
executive see it marked as a draft, the inspector of 1001 and 1002 sees those units' drafts, the unit
user of 1001 (not allowed its own drafts) sees none, by any page, link or download.
"""
from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from pathlib import Path

import pytest
from oidc import OidcProvider, write_auth_secrets
from playwright.sync_api import expect

from bench.browser import BrowserPage, StreamlitServer, free_port
from saisaat import auth, store
from saisaat.db import Database
from saisaat.demo import build_demo

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "signin"
SETUP = auth.cli_user("setup")
USERS = {   # e-mail → role, units
    "sec@bma.go.th": ("secretariat", []),
    "exec@bma.go.th": ("executive", []),
    "u1001@bma.go.th": ("unit", ["1001"]),
    "insp@bma.go.th": ("inspector", ["1001", "1002"]),
}
NAV = {   # the Thai page titles in the sidebar, per role
    "secretariat": ["ภาพรวม", "เปรียบเทียบหน่วยงาน", "แนวโน้ม", "ความครอบคลุมตัวชี้วัด", "จำลองการคิดคะแนน", "รายงาน",
                    "ข้อมูล", "ค่ากำหนด", "ผู้ใช้และสิทธิ์", "บันทึกการเปลี่ยนแปลง"],
    "executive": ["ภาพรวม", "เปรียบเทียบหน่วยงาน", "แนวโน้ม", "ความครอบคลุมตัวชี้วัด", "รายงาน"],
    "unit": ["ภาพรวม", "เปรียบเทียบหน่วยงาน", "แนวโน้ม", "ความครอบคลุมตัวชี้วัด", "รายงาน"],
    "inspector": ["ภาพรวม", "เปรียบเทียบหน่วยงาน", "แนวโน้ม", "ความครอบคลุมตัวชี้วัด", "ข้อมูล"],
}
DRAFT = "ร่าง: ผลของ ปีงบประมาณ 2569 รอบที่ 2 ยังไม่ได้เผยแพร่"
UNSEEN = "ผลของ ปีงบประมาณ 2569 รอบที่ 2 ยังไม่ได้เผยแพร่: ไม่รวมในสิ่งที่แสดง"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("signin")
    db_path = folder / "demo.duckdb"
    build_demo(db_path)
    with Database(db_path) as db:
        for email, (role, units) in USERS.items():
            store.save_user(db, email, role, units, by=SETUP)
        store.unpublish(db, 2569, 2, by=SETUP, reason="late corrections")
        scores = {scope: db.viewing(scope).query("unit_scores", fiscal_year=2569, inspection_round=None)
                  for scope in (auth.PUBLISHED_ONLY, auth.EVERYTHING)}   # FY2569 without and with the draft
        names = dict(zip(*db.query("units_by_code")[["name_th", "unit_code"]].T.values))   # Thai name → code
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with OidcProvider() as idp:
        secrets = write_auth_secrets(folder / "secrets.toml", idp, port)
        with StreamlitServer(ROOT / "app.py", env={"SAISAAT_DB": str(db_path)}, port=port,
                             args=("--secrets.files", str(secrets))) as server:
            server.scores = {scope: dict(zip(f["unit_code"], f["score_pct"].astype(float))) for scope, f in scores.items()}
            server.unit_codes = names
            yield server


@contextmanager
def signed_in(app, email: str, beside: BrowserPage | None = None):
    """A new browser context (its own cookies; `beside`: sharing that one's browser) signed in as
    `email` through the provider's form."""
    with BrowserPage(app.url, of=beside) as browser:
        browser.goto("/")
        expect(browser.page.locator("h1").first).to_have_text("ลงชื่อเข้าใช้ ใสสะอาด")
        browser.page.get_by_role("button", name="ลงชื่อเข้าใช้").click()
        browser.page.wait_for_url("**/oauth2/authorize**")
        browser.page.locator('input[name="sub"]').fill(email)
        browser.wait_for_rerun(lambda: browser.page.get_by_role("button", name="Authorize").click())
        yield browser


def nav(browser) -> list[str]:
    return [t.split("\n")[-1].strip() for t in browser.page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]


def download_csv(browser, button) -> list[dict]:
    with browser.page.expect_download() as info:
        button.click()
    return list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))


# Each role signs in and sees exactly its pages; every page opens on the latest complete published year
# (FY2568: FY2569's round 2 is a draft); FY2569 shows the draft marked to those who may see it and says it
# is not published to those who may not.
@pytest.mark.parametrize("email", list(USERS))
def test_each_role_sees_its_pages_and_drafts(app, email):
    role = USERS[email][0]
    with signed_in(app, email) as browser:
        expect(browser.page.locator("h1").first).to_have_text("ภาพรวมผลการประเมิน ปีงบประมาณ 2568")
        assert nav(browser) == NAV[role]
        expect(browser.page.get_by_text(f"ลงชื่อเข้าใช้: {email}", exact=False)).to_be_visible()
        browser.goto("/?fy=2569")
        if role == "unit":
            expect(browser.page.get_by_text(UNSEEN)).to_be_visible()
            expect(browser.page.get_by_text(DRAFT)).to_have_count(0)
        else:
            expect(browser.page.get_by_text(DRAFT)).to_be_visible()
        browser.screenshot(ARTIFACTS / f"overview_2569_{role}.png")
        assert browser.error_count() == 0


# The unit user of 1001: every page it may not open, and another unit's details, say so and show nothing;
# its report card only; what it downloads for FY2569 holds round 1 only (the draft round 2 of no unit).
def test_unit_user_sees_no_draft_of_another_unit(app):
    with signed_in(app, "u1001@bma.go.th") as browser:
        for path in ("data", "whatif", "users", "audit"):
            browser.goto(f"/{path}?fy=2569&round=2")
            expect(browser.page.get_by_text("ไม่เปิดให้บทบาทหน่วยงาน จึงไม่แสดงข้อมูลใด ๆ ของหน้านี้")).to_be_visible()
            assert browser.page.locator('[data-testid="stDataFrame"], [data-testid="stPlotlyChart"], '
                                        '[data-testid="stMetric"], [data-testid="stFileUploader"]').count() == 0
        for path in ("compare?unit=1002&fy=2569&round=2", "reports?unit=1002&fy=2569"):
            browser.goto(f"/{path}")
            expect(browser.page.get_by_text("ท่านดูรายละเอียดได้เฉพาะหน่วยงานของท่าน (1001) "
                                            "จึงไม่แสดงข้อมูลของหน่วยงาน 1002")).to_be_visible()
            assert browser.page.locator('[data-testid="stDataFrame"], [data-testid="stPlotlyChart"]').count() == 0
        browser.goto("/reports?fy=2569")
        assert browser.sections("reports_section") == ["บัตรรายงานผลรายหน่วยงาน", "ปฏิทินการตรวจ"]
        browser.goto("/?fy=2569&round=2")
        expect(browser.page.get_by_text("ปีงบประมาณ 2569 ยังไม่มีผลการประเมินสำหรับตัวเลือกนี้")).to_be_visible()
        browser.goto("/?fy=2569&spread=top_bottom")   # the overview's top and bottom 10
        rows = download_csv(browser, browser.page.locator(".st-key-csv_top10").get_by_role("button"))   # top 10
        assert len(rows) == 10 and "สถานะ" not in rows[0]
        shown = {app.unit_codes[r["หน่วยงาน"]]: float(r["คะแนน (ร้อยละ)"]) for r in rows}   # half width: names only
        assert shown == {c: app.scores[auth.PUBLISHED_ONLY][c] for c in shown}
        assert any(shown[c] != app.scores[auth.EVERYTHING][c] for c in shown)   # what the draft would change
        assert browser.error_count() == 0


# The secretariat's downloads of FY2569 are marked as drafts, row by row and in the file name.
def test_secretariat_downloads_marked_draft(app):
    with signed_in(app, "sec@bma.go.th") as browser:
        browser.goto("/?fy=2569&spread=top_bottom")   # the overview's top and bottom 10
        button = browser.page.locator(".st-key-csv_top10").get_by_role("button")   # the top 10's CSV
        with browser.page.expect_download() as info:
            button.click()
        assert info.value.suggested_filename == "ร่าง_top10_2569.csv"
        rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
        assert {r["สถานะ"] for r in rows} == {"ร่าง"}


# The inspector of 1001 and 1002 gets the Data page's import, history and templates only; a file with a row
# of unit 1003 (whose FY2569 round 2 is a draft) is refused before any stored value of it is shown.
def test_inspector_imports_only_its_units(app, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("fiscal_year,inspection_round,unit_code,indicator_code,value\n2569,2,1003,F2-1.01,0\n",
                     encoding="utf-8")
    with signed_in(app, "insp@bma.go.th") as browser:
        browser.goto("/data?lang=en")
        assert browser.sections("data_section") == ["Import results", "Import history", "Templates"]
        uploader = browser.page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
        browser.wait_for_rerun(lambda: uploader.set_input_files(str(other)))
        expect(browser.page.get_by_text("You may not import results for unit 1003: it is not one of your units.",
                                        exact=False)).to_be_visible()
        import_part = browser.page.locator('[data-testid="stMain"]')   # the import part is the only one drawn
        assert import_part.locator('[data-testid="stMetric"], [data-testid="stDataFrame"]').count() == 0


# A signed-in address that is not registered sees a polite page and nothing else, on any link.
def test_not_registered_sees_nothing(app):
    with signed_in(app, "stranger@example.org") as browser:
        for path in ("", "compare?unit=1001", "data"):
            browser.goto(f"/{path}")
            expect(browser.page.locator("h1").first).to_have_text("ยังไม่ได้ลงทะเบียน")
            expect(browser.page.get_by_text("stranger@example.org ยังไม่ได้ลงทะเบียนใช้งานแดชบอร์ดนี้")).to_be_visible()
            assert nav(browser) == []
            assert browser.page.locator('[data-testid="stDataFrame"], [data-testid="stPlotlyChart"], '
                                        '[data-testid="stMetric"]').count() == 0


# Two people signed in at once keep their own state: the secretariat's year and language never reach the
# unit user's page. She publishes FY2569 round 2 on the Data page; the audit trail shows it under her
# address, from that page; the unit user then sees round 2 (published now) and nothing marked as a draft.
# (Runs last: it publishes the draft the tests above rely on.)
def test_two_users_at_once_publish_and_audit(app):
    with signed_in(app, "sec@bma.go.th") as sec, signed_in(app, "u1001@bma.go.th", beside=sec) as unit:
        sec.goto("/data?fy=2569&lang=en")
        unit.goto("/")
        expect(unit.page.locator("h1").first).to_have_text("ภาพรวมผลการประเมิน ปีงบประมาณ 2568")
        sec.choose("data_section", "Publication")
        sec.wait_for_rerun(lambda: sec.page.get_by_role("button", name="Publish", exact=True).click())
        expect(sec.page.get_by_text("Fiscal year 2569, Round 2 published")).to_be_visible()
        sec.goto("/audit?lang=en")
        expect(sec.page.get_by_text("publish results", exact=True).first).to_be_attached()   # a grid cell
        expect(sec.page.get_by_text("data", exact=True).first).to_be_attached()              # from the Data page
        expect(sec.page.get_by_text("command line", exact=True).first).to_be_attached()      # the setup, by the CLI
        unit.wait_for_rerun(lambda: unit.page.get_by_text("English", exact=True).click())   # its own session
        expect(unit.page.locator("h1").first).to_have_text("Results at a glance, Fiscal year 2568")
        unit.goto("/?fy=2569")
        expect(unit.page.locator("h1").first).to_have_text("ภาพรวมผลการประเมิน ปีงบประมาณ 2569")
        expect(unit.page.get_by_text(UNSEEN)).to_have_count(0)
        expect(unit.page.get_by_text(DRAFT)).to_have_count(0)
        assert sec.error_count() == 0 and unit.error_count() == 0
