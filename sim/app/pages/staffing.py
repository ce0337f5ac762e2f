"""Staffing page: guides per half hour, the least-cost roster and the other posts."""

import dataclasses

import streamlit as st

from sim.app.state import chosen_settings, files_key, lang, recall, remember, t, valid_files
from sim.plan.staff import plan_staff
from sim.present import figures
from sim.present.tables.staff import posts_table, roster_table, slot_table, verification_lines

staff_reps = st.slider(t("staff_reps"), 2, 40, 10, key="staff_reps")
verify_days = st.slider(t("verify_days"), 20, 400, 200, step=20, key="verify_days")
layout, scenario = valid_files()
chosen = dataclasses.replace(
    chosen_settings(scenario), staff_replications=int(staff_reps), verification_days=int(verify_days)
)
key = files_key(staff_reps, verify_days, chosen.seed)
if st.button(t("staff_run"), key="staff_run", type="primary"):
    with st.spinner(t("running")):
        remember("staff", key, plan_staff(layout=layout, scenario=scenario, settings=chosen))
plan = recall("staff", key)
if plan is not None:
    st.metric(
        t("peak_guides"),
        int(plan.guides.table["guides"].max()),
        help=t("paid", hours=f"{plan.roster.paid_hours:g}"),
    )
    fig = figures.new_figure(10, 4)
    with figures.chinese_font():
        figures.staffing_plan(fig.subplots(), plan.guides.table, plan.roster.coverage, scenario, lang())
        st.pyplot(fig)
    st.dataframe(slot_table(plan, lang()), hide_index=True)
    for line, ok in verification_lines(plan, scenario, lang()):
        (st.success if ok else st.error)(line)
    st.dataframe(roster_table(plan, lang()), hide_index=True)
    st.dataframe(posts_table(plan, lang()), hide_index=True)
