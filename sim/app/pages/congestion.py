"""Congestion page: the map by level of service with a time slider and the flags of that moment."""

import streamlit as st

from sim.app.state import current, lang, recall, t
from sim.present import figures
from sim.present.tables.day import flag_table

layout, scenario, problems = current()
study = recall("runs", st.session_state.get("last_run"))
if problems or study is None or layout is None or scenario is None:
    st.info(t("need_run"))
    st.stop()
report = study.congestion
minutes = int(scenario.day_s // 60)
minute = st.slider(t("minute"), 0, minutes - 1, min(120, minutes - 1), step=5, key="minute", format="%d")
now = report.flags[(report.flags["start_min"] <= minute) & (report.flags["end_min"] > minute)]
fig = figures.new_figure(8, 6.5)
with figures.chinese_font():
    figures.layout_map(fig.subplots(), layout, report.levels_at(minute), scenario.clock_at(minute),
                       flagged=dict(zip(now["element"], now["severity"], strict=True)), lang=lang())  # fmt: skip
    st.pyplot(fig)
st.subheader(t("flags"))
st.dataframe(flag_table(report.flags, layout, lang()), hide_index=True)
