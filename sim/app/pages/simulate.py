"""Simulate page: replications and seed, KPI cards with their CIs, the wait plot, the half-hour table."""

import streamlit as st

from sim.app.state import current, files_key, lang, recall, remember, settings_row, t
from sim.metrics import columns as c
from sim.plan.day import simulate_day
from sim.present import figures
from sim.present.tables.day import half_hour_table

layout, scenario, problems = current()
chosen = settings_row(scenario)
if problems or layout is None or scenario is None:
    st.error(t("fix_first") + "\n\n" + "\n\n".join(problems))
    st.stop()
key = files_key(chosen.replications, chosen.seed)
if st.button(t("run"), key="run", type="primary") and recall("runs", key) is None:
    bar = st.progress(0.0, text=t("running"))

    def advance(done: int, total: int) -> None:
        """The progress bar after each simulated day."""
        bar.progress(done / total, text=f"{t('running')} {done}/{total}")

    study = simulate_day(layout=layout, scenario=scenario, settings=chosen, progress=advance)
    bar.empty()
    remember("runs", key, study)
if recall("runs", key) is not None:
    st.session_state["last_run"] = key
study = recall("runs", st.session_state.get("last_run"))
if study is not None:
    kpis = study.results.kpis.set_index("metric")
    cards = st.columns(5)
    for card, label, metric, scale, unit in (
        (cards[0], "k_parties", c.PARTIES_ARRIVED, 1.0, ""),
        (cards[1], "k_wait", c.GREET_WAIT_MEAN_MIN, 1.0, ""),
        (cards[2], "k_share", c.GREET_WITHIN_TARGET_SHARE, 100.0, " %"),
        (cards[3], "k_reneged", c.PARTIES_RENEGED, 1.0, ""),
    ):
        row = kpis.loc[metric]
        card.metric(t(label), f"{row['mean'] * scale:.1f}{unit}",
                    help=f"{t('k_ci')} {row['ci_low'] * scale:.1f} – {row['ci_high'] * scale:.1f}{unit}")  # fmt: skip
    peak = study.results.peak
    cards[4].metric(t("k_peak"), f"{peak.mean:.1f}",
                    help=t("k_peak_help", low=f"{peak.ci_low:.1f}", high=f"{peak.ci_high:.1f}", p95=f"{peak.p95:.0f}"))  # fmt: skip
    fig = figures.new_figure(10, 4)
    with figures.chinese_font():
        figures.greeting_wait(fig.subplots(), study.results, scenario, lang())
        st.pyplot(fig)
    st.dataframe(half_hour_table(study.results, scenario, lang()), hide_index=True)
