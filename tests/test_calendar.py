"""The calendar moves by itself: today (or SAISAAT_TODAY) decides the fiscal year under way, and from
1 October the new fiscal year exists in the database without anyone adding it."""
from __future__ import annotations

from datetime import date

import pytest

from saisaat import auth, store
from saisaat.auth import SYSTEM_USER
from saisaat.fiscal import current_fiscal_year, format_date_long, today


# SAISAAT_TODAY sets today; the fiscal year turns on 1 October (FY2571 begins 1 Oct 2027).
@pytest.mark.parametrize("day, fiscal_year", [("2027-09-30", 2570), ("2027-10-01", 2571), ("2026-12-01", 2570)])
def test_today_and_fiscal_year_follow_saisaat_today(monkeypatch, day, fiscal_year):
    monkeypatch.setenv("SAISAAT_TODAY", day)
    assert today() == date.fromisoformat(day)
    assert current_fiscal_year() == fiscal_year


# A mistyped SAISAAT_TODAY says what is wrong instead of silently using the real date.
def test_bad_saisaat_today_is_refused(monkeypatch):
    monkeypatch.setenv("SAISAAT_TODAY", "1/10/2027")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        today()


# The tiny database's framework 2 is in force (no last year) and its years run to FY2563: extending
# through FY2565 adds 2564 and 2565 to framework 2, once; a closed framework never grows.
def test_extend_fiscal_years(tiny_db):
    assert store.extend_fiscal_years(tiny_db, 2563, by=SYSTEM_USER) == []
    assert store.extend_fiscal_years(tiny_db, 2565, by=SYSTEM_USER) == [2564, 2565]
    assert store.extend_fiscal_years(tiny_db, 2565, by=SYSTEM_USER) == []
    years = tiny_db.query("fiscal_years")
    assert years["fiscal_year"].tolist() == [2560, 2561, 2562, 2563, 2564, 2565]
    assert years["framework_id"].tolist() == [1, 1, 2, 2, 2, 2]
    row = years[years["fiscal_year"] == 2564].iloc[0]
    assert (row["starts_on"].date(), row["ends_on"].date()) == (date(2020, 10, 1), date(2021, 9, 30))


# An official date is written in full: the month's whole name, the Buddhist era in Thai; in English the
# common era (the documents say which fiscal year that is).
@pytest.mark.parametrize("day, th, en", [
    (date(2026, 12, 1), "1 ธันวาคม 2569", "1 December 2026"),
    (date(2025, 10, 1), "1 ตุลาคม 2568", "1 October 2025"),
    (date(2026, 2, 28), "28 กุมภาพันธ์ 2569", "28 February 2026"),
])
def test_format_date_long(day, th, en):
    assert (format_date_long(day, "th"), format_date_long(day, "en")) == (th, en)


def fy2571_csv() -> bytes:
    """One FY2571 result of the BMA default configuration: the first unit, its first yes/no indicator."""
    from saisaat import configuration
    config = configuration.default_configuration()
    binary = set(config["indicators"].query("framework_id == 2 and measure == 'binary'")["indicator_code"])
    unit, indicator = next((r.unit_code, r.indicator_code) for r in config["assignments"].itertuples()
                           if r.indicator_code in binary)
    return f"fiscal_year,inspection_round,unit_code,indicator_code,value\n2571,1,{unit},{indicator},1\n".encode()


# The command line follows the calendar as the app does: a database made on 30 September 2027 ends at
# FY2570; an FY2571 results file is refused that day, located at its fiscal-year cell and saying when the
# year begins (nothing written), and imported from 1 October 2027, when the import adds FY2571 itself.
def test_cli_import_adds_the_new_fiscal_year(tmp_path, monkeypatch, capsys):
    from saisaat import cli
    from saisaat.db import Database
    monkeypatch.setenv("SAISAAT_TODAY", "2027-09-30")
    path, results = tmp_path / "centre.duckdb", tmp_path / "fy2571.csv"
    results.write_bytes(fy2571_csv())
    assert cli.main(["init", "--db", str(path)]) == 0
    capsys.readouterr()
    assert cli.main(["import", str(results), "--db", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[1] == ("- fy2571, row 2, column A ('2571'): ปีงบประมาณ 2571 ยังไม่เริ่ม (เริ่ม 1 ต.ค. 2570; ค.ศ. 2027) "
                      "นำเข้าผลของปีงบประมาณได้ตั้งแต่วันแรกของปี ตรวจปี พ.ศ. / fiscal year 2571 has not begun yet "
                      "(it begins 1 Oct 2027; B.E. 2570): a fiscal year's results can be imported from its first day; "
                      "check the Buddhist-era year")
    with Database(path, read_only=True) as db:
        assert max(db.query("fiscal_years")["fiscal_year"]) == 2570
        assert db.query("import_batches_by_id").empty
    monkeypatch.setenv("SAISAAT_TODAY", "2027-10-01")
    assert cli.main(["import", str(results), "--db", str(path)]) == 0
    with Database(path, read_only=True) as db:
        years = db.query("fiscal_years").set_index("fiscal_year")
        assert years.index.max() == 2571 and years.loc[2571, "framework_id"] == 2
        scores = db.viewing(auth.EVERYTHING).query("unit_scores", fiscal_year=2571, inspection_round=1)
        assert scores["num_scored"].sum() == 1
