"""Anchang planner app (Streamlit). Thin front end: widgets → ``sim`` functions → tables and figures.

This first version runs a shipped scenario and shows the day's KPIs; the layout editor, staffing,
congestion, evacuation and comparison pages arrive with their issues.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import streamlit as st
from matplotlib import pyplot as plt

import sim
from sim import plots

ROOT = Path(__file__).parent
SCENARIOS = {p.stem: p for p in sorted((ROOT / "scenarios").glob("*.yaml"))}


@st.cache_data(show_spinner=False, max_entries=16)
def simulate_scenario(path: str, replications: int, seed: int):
    """Run replications; every input is an argument, so the cache key is honest."""
    layout, scenario = sim.load_pair(path)
    return layout, scenario, sim.run(layout, scenario, replications=replications, seed=seed, workers=1)


st.set_page_config(page_title="案场 Anchang", layout="wide")
st.title("案场客流仿真 Anchang — gallery visitor flow")
name = st.selectbox(
    "场景 Scenario", list(SCENARIOS), index=list(SCENARIOS).index("national_day_peak"), key="scenario"
)
left, right = st.columns(2)
replications = left.slider("仿真次数 Replications", 2, 50, 10, key="reps")
seed = right.number_input("随机种子 Seed", min_value=0, value=20261002, step=1, key="seed")

if st.button("运行仿真 Run", key="run", type="primary"):
    try:
        with st.spinner("仿真中 Simulating…"):
            st.session_state["result"] = simulate_scenario(str(SCENARIOS[name]), int(replications), int(seed))
    except sim.InputError as exc:
        st.error(exc.render())

if "result" in st.session_state:
    layout, scenario, results = st.session_state["result"]
    kpis = results.kpis.set_index("metric")

    def card(column, label, metric, scale=1.0, unit=""):
        """A KPI card: the mean, with its 95% confidence interval on hover."""
        row = kpis.loc[metric]
        column.metric(
            label,
            f"{row['mean'] * scale:.1f}{unit}",
            help=f"95% CI {row['ci_low'] * scale:.1f} – {row['ci_high'] * scale:.1f}{unit}",
        )

    cols = st.columns(4)
    card(cols[0], "到访组数 Parties", "parties_arrived")
    card(cols[1], "平均等待 Mean wait (min)", "greet_wait_mean_min")
    card(
        cols[2],
        f"{scenario.targets.greet_within_min:g}分钟内接待 Greeted in target",
        "greet_within_target_share",
        100,
        " %",
    )
    card(cols[3], "放弃离开 Gave up", "parties_reneged")
    with plots.chinese_font():
        fig, ax = plt.subplots(figsize=(10, 4))
        plots.greeting_wait(ax, results, scenario)
        st.pyplot(fig)
        plt.close(fig)
    st.dataframe(results.half_hours, hide_index=True)
