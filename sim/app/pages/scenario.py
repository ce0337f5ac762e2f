"""Scenario page: pick, upload and edit the scenario (demand, guides, policies, targets); download it."""

import streamlit as st

from sim.app.state import SCENARIOS, columns, lang, set_scenario, show_problems, t, upload
from sim.io.files import file_data
from sim.model import limits as L
from sim.plan import editing
from sim.present.names import kind_name

choice = st.selectbox(t("pick_scenario"), ["—", *SCENARIOS], key="scenario_pick")
if choice != "—" and st.session_state.get("scenario_picked") != choice:
    st.session_state["scenario_picked"] = choice
    set_scenario(file_data(SCENARIOS[choice]), SCENARIOS[choice])
uploaded = upload(f"scenario_upload_{st.session_state['scenario_version']}", "scenario")
if uploaded is not None:
    set_scenario(uploaded, None)
data = st.session_state["scenario_data"]
version = st.session_state["scenario_version"]
fkey, gkey, pkey, skey = (f"{name}_{version}" for name in ("profile", "schedule", "party", "stages"))
if "scenario_frames" not in st.session_state or fkey not in st.session_state:
    stages = editing.stage_table(data)
    stages["kind"] = [kind_name("zone_kind", k, lang()) for k in stages["kind"]]  # shown, never read back
    st.session_state["scenario_frames"] = (editing.profile_table(data), editing.schedule_table(data),
                                           editing.party_table(data), stages.drop(columns=["id"]))  # fmt: skip
profile_base, schedule_base, party_base, stage_base = st.session_state["scenario_frames"]

left, right = st.columns(2)
left.subheader(t("profile"))
profile = left.data_editor(profile_base, key=fkey, num_rows="dynamic", hide_index=True,
                           column_config=columns(["clock", "weight"]))  # fmt: skip
left.bar_chart(profile.set_index("clock")["weight"])
right.subheader(t("schedule"))
schedule = right.data_editor(schedule_base, key=gkey, num_rows="dynamic", hide_index=True,
                             column_config=columns(["clock", "guides"]))  # fmt: skip
demand = dict(data.get("demand", {}))
if demand.get("parties") is not None:
    demand["parties"] = right.number_input(
        t("parties"), 0.1, float(L.PARTIES_PER_DAY), float(demand["parties"]), key=f"parties_{version}"
    )

policies = dict(data.get("policies") or {})
batch = policies.get("batch_admission") or {}
if st.checkbox(t("batch"), value=bool(batch), key=f"batch_{version}"):
    a, b = st.columns(2)
    persons = a.number_input(
        t("batch_persons"), 1, L.ZONE_PERSONS, int(batch.get("persons", 30)), key=f"bp_{version}"
    )
    every = b.number_input(
        t("batch_every"), L.BATCH_EVERY_MIN, L.MINUTES, float(batch.get("every_min", 15)), key=f"be_{version}"
    )
    policies["batch_admission"] = {"persons": int(persons), "every_min": float(every)}
else:
    policies.pop("batch_admission", None)
cap = st.number_input(
    t("cap"), 0, L.ZONE_PERSONS, int(policies.get("max_inside_persons") or 0), key=f"cap_{version}"
)
policies["max_inside_persons"] = int(cap) or None
patience = dict(policies.get("patience") or {})
if "mean_min" in patience:
    patience["mean_min"] = st.number_input(t("patience"), 0.1, L.MINUTES, float(patience["mean_min"]),
                                           key=f"patience_{version}")  # fmt: skip
    policies["patience"] = patience
targets = dict(data.get("targets") or {})
a, b = st.columns(2)
targets["greet_within_min"] = a.number_input(t("within"), 0.1, L.MINUTES, float(targets.get("greet_within_min", 5)),
                                             key=f"tw_{version}")  # fmt: skip
targets["greet_share"] = b.slider(
    t("share"), 0.01, 0.99, float(targets.get("greet_share", 0.9)), key=f"ts_{version}"
)

left, right = st.columns([1, 3])
left.subheader(t("party_sizes"))
parties = left.data_editor(party_base, key=pkey, num_rows="dynamic", hide_index=True,
                           column_config=columns(["size", "share"]))  # fmt: skip
right.subheader(t("stages"))
stages = right.data_editor(stage_base, key=skey, hide_index=True, disabled=["kind", "dwell"],
                           column_config=columns(["kind", "probability", "dwell", "mean_min", "cv"]))  # fmt: skip
edited = editing.scenario_with(data, profile, schedule, parties, stages, demand=demand, policies=policies,
                               targets=targets)  # fmt: skip
st.session_state["scenario_data"] = edited
layout, _ = editing.validate_layout(st.session_state["layout_data"], lang=lang())
problems = editing.validate_scenario(edited, layout, lang=lang())[1]
show_problems(problems)
st.download_button(t("download"), editing.to_yaml(edited), "scenario.yaml", "text/yaml", key="scenario_dl",
                   on_click="ignore")  # fmt: skip
