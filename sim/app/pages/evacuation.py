"""Evacuation page: design or simulated-peak occupants; the three methods, the curves, N−1, the code check."""

import streamlit as st

from sim.app.state import chosen_settings, files_key, lang, recall, remember, t, valid_files
from sim.core.text import text
from sim.plan.evacuation import check_evacuation, occupants_option
from sim.present import figures
from sim.present.findings import occupants_text
from sim.present.names import element_name
from sim.present.tables.evacuation import code_table, n_minus_1_table

layout, scenario = valid_files()
source = st.radio(t("occupants"), ["design", "peak"], format_func=t, key="evac_source", horizontal=True)
chosen = chosen_settings(scenario)
key = files_key(source, chosen.replications, chosen.seed)
if st.button(t("evac_run"), key="evac_run", type="primary"):
    with st.spinner(t("running")):
        report = check_evacuation(
            layout=layout, scenario=scenario, settings=chosen, occupants=occupants_option(source)
        )
        remember("evacuation", key, report)
report = recall("evacuation", key)
if report is not None:
    mean, low, high = report.simulated.clearance
    cards = st.columns(3)
    cards[0].metric(text("names.method.hydraulic", lang()), f"{report.hydraulic.clearance_s:.0f} s")
    cards[1].metric(text("names.method.lower_bound", lang()), f"{report.lower_bound_s:.0f} s")
    cards[2].metric(
        text("names.method.simulated", lang()), f"{mean:.0f} s", help=f"{t('k_ci')} {low:.0f} – {high:.0f} s"
    )
    governing = element_name(layout, report.governing_element, lang()) if report.governing_element else "–"
    st.write(t("governing", element=governing, persons=sum(report.occupants.values())))
    st.caption(occupants_text(report.occupants_source, lang()))
    fig = figures.new_figure(9, 4)
    with figures.chinese_font():
        figures.evacuation_curves(fig.subplots(), report, lang())
        st.pyplot(fig)
    st.subheader(t("n1"))
    st.dataframe(n_minus_1_table(report, layout, lang()), hide_index=True)
    st.subheader(t("code"))
    st.dataframe(code_table(report, layout, lang()), hide_index=True)
