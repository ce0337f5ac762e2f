"""Compare page: the original files as loaded against the current edits, on the same seeds."""

import streamlit as st

from sim.app.state import chosen_settings, digest, lang, recall, remember, t, valid_files
from sim.plan import editing
from sim.plan.compare import compare
from sim.present.tables.day import compare_flag_table, compare_kpi_table

st.caption(t("compare_note"))
layout, scenario = valid_files()
chosen = chosen_settings(scenario)
original_layout, original_scenario = st.session_state["original"]
layout_a, _ = editing.validate_layout(original_layout)
scenario_a, _ = editing.validate_scenario(original_scenario, layout_a)
key = digest(original_layout, original_scenario, st.session_state["layout_data"], st.session_state["scenario_data"],
             chosen.replications, chosen.seed)  # fmt: skip
if st.button(t("compare_run"), key="compare_run", type="primary") and layout_a and scenario_a:
    with st.spinner(t("running")):
        remember("compare", key, compare(a=(layout_a, scenario_a), b=(layout, scenario), settings=chosen))
result = recall("compare", key)
if result is not None and layout_a is not None:
    st.dataframe(compare_kpi_table(result, layout, lang()), hide_index=True)
    st.dataframe(compare_flag_table(result.flags, (layout, layout_a), lang()), hide_index=True)
