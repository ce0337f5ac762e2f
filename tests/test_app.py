"""The Streamlit app under AppTest: every page, edits that change results, bad uploads, both languages."""

import pytest
import yaml
from helpers import ROOT

from sim.plan import editing

streamlit = pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

APP = str(ROOT / "app.py")
PAGES = ["layout", "scenario", "simulate", "staffing", "congestion", "evacuation", "plan", "compare"]


@pytest.fixture(autouse=True)
def fresh_cache():
    streamlit.cache_data.clear()


def app():
    at = AppTest.from_file(APP, default_timeout=300).run()
    assert not at.exception
    return at


def page(at, name):
    at.radio(key="page").set_value(name).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_every_page_runs_and_the_layout_is_drawn():
    at = app()
    for name in PAGES:
        page(at, name)
    page(at, "layout")
    assert len(at.image) == 1  # the layout map
    assert any("校验通过" in s.value for s in at.success)


def test_simulate_shows_kpi_cards_with_confidence_intervals():
    at = page(app(), "simulate")
    at.slider(key="reps").set_value(3).run()
    at.button(key="run").click().run()
    assert not at.exception
    assert [m.label for m in at.metric] == ["到访组数", "平均等待（分钟）", "目标内接待率", "放弃离开"]
    assert all("95% 置信区间" in m.proto.help for m in at.metric)
    assert len(at.image) == 1 and len(at.dataframe) == 1


def west_door_row() -> int:
    data = yaml.safe_load((ROOT / "layouts" / "one_floor_gallery.yaml").read_text(encoding="utf-8"))
    _, passages = editing.layout_tables(data)
    return int(passages.index[passages["id"] == "west_door"][0])


def test_a_planner_widens_a_door_adds_guides_runs_and_compares():
    at = page(app(), "evacuation")
    at.button(key="evac_run").click().run()
    before = at.metric[2].value
    # Layout: widen the west fire exit from 1.5 to 2.4 m.
    page(at, "layout")
    key = f"passages_{at.session_state['layout_version']}"
    at.session_state[key] = {
        "edited_rows": {west_door_row(): {"width_m": 2.4}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception and any("校验通过" in s.value for s in at.success)
    # Scenario: two more guides from 10:00 (26 → 28).
    page(at, "scenario")
    key = f"schedule_{at.session_state['scenario_version']}"
    at.session_state[key] = {"edited_rows": {1: {"guides": 28}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert at.session_state["scenario_data"]["guides"]["schedule"]["10:00"] == 28
    assert (
        next(p for p in at.session_state["layout_data"]["passages"] if p.get("id") == "west_door")["width_m"]
        == 2.4
    )
    # Evacuation changes with the wider door.
    page(at, "evacuation")
    at.button(key="evac_run").click().run()
    assert at.metric[2].value != before
    # Simulate, staffing and congestion run on the edited files.
    page(at, "simulate")
    at.slider(key="reps").set_value(3).run()
    at.button(key="run").click().run()
    assert not at.exception and len(at.metric) == 4
    page(at, "staffing")
    at.slider(key="staff_reps").set_value(2).run()
    at.button(key="staff_run").click().run()
    assert not at.exception and len(at.dataframe) == 3
    page(at, "congestion")
    assert len(at.image) == 1 and len(at.dataframe) == 1
    # Compare with the original on the same seeds: more guides, lower utilisation.
    page(at, "compare")
    at.button(key="compare_run").click().run()
    assert not at.exception
    kpis = at.dataframe[0].value.set_index("metric")
    assert kpis.loc["guide_utilisation", "difference"] < 0


def test_the_plan_page_offers_the_report():
    at = page(app(), "simulate")
    at.slider(key="reps").set_value(2).run()
    page(at, "plan")
    at.slider(key="plan_staff_reps").set_value(2).run()
    at.button(key="plan_run").click().run()
    assert not at.exception
    assert at.download_button(key="plan_dl").label == "下载报告 HTML"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.yaml", b"zones: [", "expected"),
        ("big.yaml", b"#" * (600 * 1024), "at most 512 KiB"),
        ("list.yaml", b"- 1\n- 2\n", "expected a layout or scenario mapping"),
    ],
    ids=["broken", "too big", "not a mapping"],
)
def test_a_bad_upload_shows_the_message_not_a_traceback(name, content, message):
    at = page(app(), "layout")
    at.file_uploader[0].set_value((name, content, "text/yaml")).run() if hasattr(
        at, "file_uploader"
    ) else None
    assert not at.exception
    assert any(message in e.value for e in at.error), [e.value for e in at.error]


def test_an_invalid_edit_shows_the_validation_message():
    at = page(app(), "layout")
    key = f"passages_{at.session_state['layout_version']}"
    at.session_state[key] = {"edited_rows": {0: {"width_m": -1}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert any("width_m" in e.value for e in at.error)
    page(at, "simulate")
    assert any("请先修正" in e.value for e in at.error)


def test_the_interface_speaks_english_on_request():
    at = app()
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value.startswith("Anchang")
