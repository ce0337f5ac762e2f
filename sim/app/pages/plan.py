"""Plan page: build the peak-day report and download it."""

import dataclasses

import streamlit as st

from sim.app.state import chosen_settings, files_key, lang, recall, remember, t, valid_files
from sim.plan.peakday import peak_day_plan
from sim.present.report import render_html

layout, scenario = valid_files()
staff_reps = st.slider(t("staff_reps"), 2, 40, 10, key="plan_staff_reps")
verify_days = st.slider(t("verify_days"), 20, 400, 200, step=20, key="plan_verify_days")
chosen = dataclasses.replace(
    chosen_settings(scenario), staff_replications=int(staff_reps), verification_days=int(verify_days)
)
key = files_key(chosen.replications, chosen.seed, staff_reps, verify_days, lang())
if st.button(t("plan_run"), key="plan_run", type="primary"):
    with st.spinner(t("running")):
        remember(
            "plans",
            key,
            render_html(peak_day_plan(layout=layout, scenario=scenario, settings=chosen), lang()),
        )
page = recall("plans", key)
if page is not None:
    st.download_button(t("plan_download"), page, "report.html", "text/html", key="plan_dl", on_click="ignore")
