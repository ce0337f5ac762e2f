"""The Streamlit app runs headless (AppTest), with the same sim functions the CLI uses."""

import pytest
from helpers import ROOT

streamlit = pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_cache():
    streamlit.cache_data.clear()


def test_app_runs_a_scenario_and_shows_kpis():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    at.selectbox(key="scenario").set_value("weekday")
    at.slider(key="reps").set_value(2)
    at.button(key="run").click().run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert len(labels) == 4 and any("Parties" in label for label in labels)
    assert len(at.image) == 1 and len(at.dataframe) == 1
