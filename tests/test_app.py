"""The Streamlit app under AppTest: every page, edits that change results, bad uploads, both languages."""

import pytest
import yaml
from helpers import ROOT
from zh_scan import leaks

from sim.core.text import text
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
    assert not at.exception, [e.value for e in at.exception]
    return at


def page(at, name):
    at.switch_page(f"sim/app/pages/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_entry_is_short_and_every_page_is_a_module_under_150_lines():
    assert len((ROOT / "app.py").read_text(encoding="utf-8").splitlines()) < 60
    for name in PAGES:
        assert (
            len((ROOT / "sim" / "app" / "pages" / f"{name}.py").read_text(encoding="utf-8").splitlines())
            < 150
        )


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
    assert [m.label for m in at.metric] == [
        "到访组数",
        "平均等待（分钟）",
        "目标内接待率",
        "放弃离开",
        "高峰时馆内人数",
    ]
    assert all("95% 置信区间" in m.proto.help for m in at.metric)
    assert "各日 95 分位" in at.metric[4].proto.help
    assert len(at.image) == 1 and len(at.dataframe) == 1


def visible_texts(at) -> list[str]:
    """Every text a person reads on the page, table headers and cells included (editors excepted)."""
    found = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info",
                                  "success", "warning", "error") for e in getattr(at, kind)]  # fmt: skip
    found += [part for m in at.metric for part in (m.label, m.value, m.proto.help)]
    found += [w.label for kind in ("button", "slider", "radio", "selectbox", "number_input", "toggle")
              for w in getattr(at, kind)]  # fmt: skip
    return found


def test_every_chinese_page_after_its_run_shows_display_names_and_chinese_headers():
    at = app()
    runs = {"simulate": "run", "staffing": "staff_run", "evacuation": "evac_run", "compare": "compare_run"}
    page(at, "simulate").slider(key="reps").set_value(2).run()
    page(at, "staffing").slider(key="staff_reps").set_value(2).run()
    at.slider(key="verify_days").set_value(20).run()
    for name in PAGES:
        page(at, name)
        if name in runs:
            at.button(key=runs[name]).click().run()
            assert not at.exception, [e.value for e in at.exception]
        tables = [df.value for df in at.dataframe if df.proto.editing_mode == 0]  # not the editors
        assert leaks(visible_texts(at), tables) == [], name


def test_the_scan_finds_an_id_and_an_english_header():
    import pandas as pd

    table = pd.DataFrame({"zone": ["样板间A"], "区域": ["入口 door_show_a"]})
    assert leaks(["西侧 west_door 疏散门", "sand_table-display_hall"], [table]) == [
        "id 'west_door' in '西侧 west_door 疏散门'",
        "id 'sand_table-display_hall' in 'sand_table-display_hall'",
        "untranslated header 'zone'",
        "id 'door_show_a' in column '区域': '入口 door_show_a'",
    ]


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
    assert not at.exception and len(at.metric) == 5
    page(at, "staffing")
    at.slider(key="staff_reps").set_value(2).run()
    at.slider(key="verify_days").set_value(20).run()
    at.button(key="staff_run").click().run()
    assert not at.exception and len(at.dataframe) == 3
    page(at, "congestion")
    assert len(at.image) == 1 and len(at.dataframe) == 1
    # Compare with the original on the same seeds: more guides, lower utilisation.
    page(at, "compare")
    at.button(key="compare_run").click().run()
    assert not at.exception
    (comparison,) = at.session_state["compare"].values()
    assert comparison.kpis.set_index("metric").loc["guide_utilisation", "difference"] < 0
    shown = at.dataframe[0].value
    assert text("names.kpi.guide_utilisation", "zh") in set(shown.iloc[:, 0])


def test_the_plan_page_offers_the_report():
    at = page(app(), "simulate")
    at.slider(key="reps").set_value(2).run()
    page(at, "plan")
    at.slider(key="plan_staff_reps").set_value(2).run()
    at.slider(key="plan_verify_days").set_value(20).run()
    at.button(key="plan_run").click().run()
    assert not at.exception
    assert at.download_button(key="plan_dl").label == "下载报告 HTML"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.yaml", b"zones: [", "bad.yaml:1: YAML 错误"),
        ("big.yaml", b"#" * (600 * 1024), "512 KiB"),
        ("list.yaml", b"- 1\n- 2\n", "布局或场景"),
    ],
    ids=["broken", "too big", "not a mapping"],
)
def test_a_bad_upload_shows_the_message_not_a_traceback(name, content, message):
    at = page(app(), "layout")
    assert hasattr(at, "file_uploader"), "this Streamlit's AppTest cannot upload"
    at.file_uploader[0].set_value((name, content, "text/yaml")).run()
    assert not at.exception
    assert any(message in e.value for e in at.error), [e.value for e in at.error]


def test_an_invalid_upload_keeps_what_was_loaded():
    at = page(app(), "layout")
    before = at.session_state["layout_data"]
    at.file_uploader[0].set_value(
        ("broken.yaml", b"name: x\nzones: [1, 2]\npassages: []\n", "text/yaml")
    ).run()
    assert not at.exception
    assert any("broken.yaml: zones[0]" in e.value for e in at.error), [e.value for e in at.error]
    assert at.session_state["layout_data"] == before


def test_an_uploaded_variant_of_a_shipped_scenario_is_applied():
    at = page(app(), "scenario")
    variant = (ROOT / "scenarios" / "national_day_batch.yaml").read_bytes()
    at.file_uploader[0].set_value(("national_day_batch.yaml", variant, "text/yaml")).run()
    assert not at.exception
    data = at.session_state["scenario_data"]
    assert data["policies"]["batch_admission"] == {"persons": 30, "every_min": 15}  # the variant's own key
    assert (
        data["demand"]
        == yaml.safe_load((ROOT / "scenarios" / "national_day_peak.yaml").read_text("utf-8"))["demand"]
    )


def test_an_upload_may_not_reach_for_another_file():
    at = page(app(), "scenario")
    before = at.session_state["scenario_data"]
    at.file_uploader[0].set_value(("x.yaml", b"based_on: /etc/passwd\nname: x\n", "text/yaml")).run()
    assert not at.exception
    assert any("an upload may only be a variant of a shipped scenario" in e.value or "内置场景的变体" in e.value
               for e in at.error)  # fmt: skip
    assert at.session_state["scenario_data"] == before


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
    page(at, "simulate").slider(key="reps").set_value(2).run()
    at.button(key="run").click().run()
    assert at.metric[0].label == text("app.k_parties", "en")
