"""What the pages keep between runs (a period's coverage and objective profiles, shared by every session until the
data changes) and the downloads built only when clicked: the same figures and files as computed afresh."""
from __future__ import annotations

import io
import shutil

import pandas as pd
import pytest
import streamlit as st
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from test_pages import chart_specs, demo_path, metric, open_page, values  # noqa: F401 (demo_path: a fixture)

import ui
from fixture import acting
from saisaat import analytics, importer
from saisaat.db import Database


@pytest.fixture
def built_on_click(monkeypatch) -> dict:
    """Each download button's file as it would be built on a click, by the button's key (its element id's end);
    its file name under the key + "_name"."""
    callables = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, *, element_id=""):
        key = element_id.rsplit("-", 1)[-1]
        callables[key], callables[f"{key}_name"] = data_callable, file_name
        return original(self, data_callable, mimetype, coordinates, file_name, element_id=element_id)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return callables


def profile_of(at: AppTest) -> dict[str, float]:
    """The objective profile chart's unit bars: objective label → score %."""
    spec = next(s for s in chart_specs(at) if s["data"][0]["type"] == "bar" and len(s["data"]) == 2)
    return dict(zip(spec["data"][0]["x"], values(spec["data"][0]["y"])))


# Unit 1002 (a district in the centre zone) lacks round 2 of F2-2.05 in FY2569 (round 1: 0 of 3 points), so its
# objective 2 is 36 of 39 points, 92.31 %. The coverage and the profile are kept until the data changes; once round
# 2's result comes in (value 1: 3 of 3 points) and the data version moves, as every write through the pages does,
# one result fewer is missing, the matrix and the list to chase drop the pair, and objective 2 reads 39 of 42 = 92.86 %.
def test_kept_figures_follow_the_data(demo_path, tmp_path, monkeypatch):  # noqa: F811
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_path, path)
    at = open_page(path, monkeypatch, "coverage", lang="en", unit="1002", cov_filter="incomplete")
    missing = int(metric(at, "Missing").replace(",", ""))
    heatmap = next(s for s in chart_specs(at) if s["data"][0]["type"] == "heatmap")
    name = at.selectbox(key="unit").format_func("1002").rsplit(" (", 1)[0]
    assert name in heatmap["data"][0]["y"]
    chase = at.dataframe[0].value
    assert ((chase["Code"] == "1002") & (chase["Indicator code"] == "F2-2.05")).sum() == 1
    at.switch_page("views/compare.py").run()
    before = profile_of(at)
    assert sorted(before.values()) == [91.67, 92.31, 100.0]

    csv = "fiscal_year,inspection_round,unit_code,indicator_code,value\n2569,2,1002,F2-2.05,1\n"
    database = ui._database(str(path))   # the app's own connection (one process, as a page's write)
    importer.commit(database, importer.plan_import(database, csv.encode(), "late.csv"), by=acting("test"))
    ui.data_changed()

    at.run()
    assert sorted(profile_of(at).values()) == [91.67, 92.86, 100.0]
    at.switch_page("views/coverage.py").run()
    assert int(metric(at, "Missing").replace(",", "")) == missing - 1
    heatmap = next(s for s in chart_specs(at) if s["data"][0]["type"] == "heatmap")
    assert name not in heatmap["data"][0]["y"]   # complete now: not among the incomplete units
    chase = at.dataframe[0].value
    assert ((chase["Code"] == "1002") & (chase["Indicator code"] == "F2-2.05")).sum() == 0


# The coverage matrix's download is built on the click (every unit, statuses in words, each indicator's code and
# wording as its column): 70 units, 1002's F2-2.05 "Not submitted", and the Excel file holds the same table as the CSV.
def test_matrix_download_built_on_click(demo_path, monkeypatch, built_on_click):  # noqa: F811
    from saisaat import analytics
    monkeypatch.setattr(analytics, "MATRIX_PAGE", 30)   # the page shows 30 units; the file has all 70
    at = open_page(demo_path, monkeypatch, "coverage", lang="en")
    table = pd.read_csv(io.BytesIO(built_on_click["csv_chart_matrix"]()), encoding="utf-8-sig", dtype=str)
    assert len(table) == 70 and table.columns[0] == "Unit"
    column = next(c for c in table.columns if c.startswith("F2-2.05 "))
    row = table[table["Unit"] == at.selectbox(key="unit").format_func("1002").rsplit(" (", 1)[0]]
    assert row[column].tolist() == ["Not submitted"]
    excel = pd.read_excel(io.BytesIO(built_on_click["xlsx_chart_matrix"]()), dtype=str)
    pd.testing.assert_frame_equal(excel, table)


# ui.chart with its data as a function gives the same files, under the same names, as with the frame itself, in a
# published period and in a draft one (a frame without fiscal years is marked by the sidebar's period).
def chart_both_ways() -> None:
    import pandas as pd
    import plotly.graph_objects as go
    import streamlit as st

    import ui
    from saisaat import auth
    st.session_state["_user"] = auth.local_user("test")   # the local secretariat: sees drafts
    frame = pd.DataFrame({"unit_code": ["1001", "1002"], "score_pct": [87.5, 90.0]})
    ui.chart(go.Figure(), "given", frame, "scores")
    ui.chart(go.Figure(), "built", lambda: frame, "scores")


@pytest.mark.parametrize(("fy", "name"), [(2569, "scores"), (2570, "DRAFT_scores")])
def test_download_built_on_click_is_the_same_file(demo_path, tmp_path, monkeypatch, built_on_click, fy, name):  # noqa: F811
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_path, path)
    database = Database(path)   # FY2570's first result: a draft period
    csv = "fiscal_year,inspection_round,unit_code,indicator_code,value\n2570,1,1001,F2-1.01,1\n"
    importer.commit(database, importer.plan_import(database, csv.encode(), "draft.csv"), by=acting("test"))
    database.close()
    monkeypatch.setenv("SAISAAT_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_function(chart_both_ways, default_timeout=60)
    at.session_state["fy"], at.session_state["lang"] = fy, "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    for kind in ("csv", "xlsx"):
        assert built_on_click[f"{kind}_chart_given_name"] == built_on_click[f"{kind}_chart_built_name"] == \
            f"{name}.{kind}"
    given, built = built_on_click["csv_chart_given"](), built_on_click["csv_chart_built"]()
    assert given == built
    header = "Status,unit_code,score_pct" if fy == 2570 else "unit_code,score_pct"
    assert given.decode("utf-8-sig").splitlines()[0] == header
    pd.testing.assert_frame_equal(pd.read_excel(io.BytesIO(built_on_click["xlsx_chart_given"]())),
                                  pd.read_excel(io.BytesIO(built_on_click["xlsx_chart_built"]())))


def band_2569(at: AppTest) -> tuple[float, float]:
    """The trend chart's peer band in FY2569: (25th, 75th percentile)."""
    spec = chart_specs(at)[0]
    band = next(t for t in spec["data"] if t.get("fill") == "toself" and 2569 in values(t["x"]))
    x, y = values(band["x"]), values(band["y"])
    at_ = x.index(2569)
    return y[len(y) - 1 - at_], y[at_]


# The trend's peer band is kept per peer group until the data changes. The centre zone's 9 districts each get 0 for
# F2-2.05 in FY2569's round 2 (1002's missing result added, the others' replaced): the zone's band moves, and the
# page draws it as computed afresh from the database.
def test_kept_trend_band_follows_the_data(demo_path, tmp_path, monkeypatch):  # noqa: F811
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_path, path)
    at = open_page(path, monkeypatch, "trends", lang="en", unit="1002", peers="group")
    before = band_2569(at)
    database = ui._database(str(path))
    units = database.query("units_by_code")
    zone = units[units["peer_group_code"] == "CEN"]["unit_code"].tolist()
    assert len(zone) == 9
    csv = "fiscal_year,inspection_round,unit_code,indicator_code,value\n" + "".join(
        f"2569,2,{u},F2-2.05,0\n" for u in zone)
    importer.commit(database, importer.plan_import(database, csv.encode(), "zero.csv"), by=acting("test"),
                    replace=True, reason="test")
    ui.data_changed()
    at.run()
    by_year = database.query("unit_scores_by_year")
    band, _ = analytics.trend_bands(analytics.in_span(by_year, 2545, 2569), zone)
    fresh = band[band["fiscal_year"] == 2569][["q25_pct", "q75_pct"]].iloc[0].tolist()
    assert band_2569(at) == tuple(fresh) != before


# On a replica the kept figures follow the published snapshot: the coverage page on the first snapshot, then the
# writer publishes 1002's late round-2 result, and the next run reads the new snapshot (one result fewer missing)
# and lets go of the figures kept for the older one.
def test_replica_kept_figures_follow_the_snapshot(demo_path, tmp_path, monkeypatch):  # noqa: F811
    from saisaat import store
    from saisaat.db import REPLICA_DIR_ENV
    working, folder = tmp_path / "working.duckdb", tmp_path / "published"
    shutil.copyfile(demo_path, working)
    writer = Database(working)
    first = store.write_snapshot(writer.con, folder)
    monkeypatch.setenv(REPLICA_DIR_ENV, str(folder))
    at = open_page(working, monkeypatch, "coverage", lang="en")
    missing = int(metric(at, "Missing").replace(",", ""))
    csv = "fiscal_year,inspection_round,unit_code,indicator_code,value\n2569,2,1002,F2-2.05,1\n"
    importer.commit(writer, importer.plan_import(writer, csv.encode(), "late.csv"), by=acting("test"))
    second = store.write_snapshot(writer.con, folder)
    writer.close()
    assert second != first
    at.run()
    assert not at.exception
    assert int(metric(at, "Missing").replace(",", "")) == missing - 1
    assert ui._newest_snapshot()["path"] == str(second)
