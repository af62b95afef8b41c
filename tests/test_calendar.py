"""The calendar moves by itself: today (or SAISAAT_TODAY) decides the fiscal year under way, and from
1 October the new fiscal year exists in the database without anyone adding it."""
from __future__ import annotations

from datetime import date

import pytest

from saisaat import store
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
