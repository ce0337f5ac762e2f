"""Layout page: pick, upload and edit the layout; see it drawn; download it."""

import streamlit as st

from sim.app.state import LAYOUTS, columns, lang, set_layout, show_problems, t, upload
from sim.io.files import file_data
from sim.plan import editing
from sim.present import figures

choice = st.selectbox(t("pick_layout"), ["—", *LAYOUTS], key="layout_pick")
if choice != "—" and st.session_state.get("layout_picked") != choice:
    st.session_state["layout_picked"] = choice
    set_layout(file_data(LAYOUTS[choice]))
uploaded = upload(f"layout_upload_{st.session_state['layout_version']}", "layout")
if uploaded is not None:
    set_layout(uploaded)
version = st.session_state["layout_version"]
zkey, pkey = f"zones_{version}", f"passages_{version}"
if "layout_frames" not in st.session_state or zkey not in st.session_state:
    st.session_state["layout_frames"] = editing.layout_tables(st.session_state["layout_data"])
zones_base, passages_base = st.session_state["layout_frames"]
st.subheader(t("zones"))
zones = st.data_editor(zones_base, key=zkey, num_rows="dynamic", hide_index=True, width="stretch",
                       column_config=columns(editing.ZONE_COLUMNS))  # fmt: skip
st.subheader(t("passages"))
passages = st.data_editor(passages_base, key=pkey, num_rows="dynamic", hide_index=True, width="stretch",
                          column_config=columns(editing.PASSAGE_COLUMNS))  # fmt: skip
edited = editing.layout_from_tables(st.session_state["layout_data"], zones, passages)
layout, problems = editing.validate_layout(edited, lang=lang())
st.session_state["layout_data"] = edited
show_problems(problems)
if layout is not None:
    fig = figures.new_figure(7, 5.5)
    with figures.chinese_font():
        figures.layout_map(fig.subplots(), layout, {}, layout.name[lang()], lang=lang())
        st.pyplot(fig)
st.download_button(t("download"), editing.to_yaml(edited), "layout.yaml", "text/yaml", key="layout_dl",
                   on_click="ignore")  # fmt: skip
