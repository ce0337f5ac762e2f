"""The planner app (Streamlit): the entry, shared state, and one script per page.

A thin front end: widgets → one ``sim.plan`` use case → a people's table or a figure. The pages
are scripts run by ``st.navigation`` (``sim/app/pages/*.py``), never imported; the state they
share (the files being edited, results kept per input, the language) is in ``sim.app.state``.
May import ``sim.plan``, ``sim.present``, ``sim.io``, ``sim.model``, ``sim.core`` and the column
names of ``sim.metrics.columns``; never
``sim.engine``, ``sim.runner`` or ``sim.analysis`` (an import-linter contract).
"""

from __future__ import annotations

from pathlib import Path

PAGES = ("layout", "scenario", "simulate", "staffing", "congestion", "evacuation", "plan", "compare")
FOLDER = Path(__file__).parent / "pages"


def main() -> None:
    """The sidebar (language, pages) and the chosen page."""
    import streamlit as st

    from sim.app.state import init, t

    st.set_page_config(page_title="案场 Anchang", layout="wide")
    init()
    st.sidebar.radio("语言 Language", ["zh", "en"], format_func=lambda x: {"zh": "中文", "en": "English"}[x],
                     key="lang", horizontal=True)  # fmt: skip
    pages = [st.Page(FOLDER / f"{name}.py", title=t(f"page.{name}"), url_path=name) for name in PAGES]
    chosen = st.navigation(pages)
    st.title(t("title"))
    chosen.run()
