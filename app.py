"""Anchang planner app (Streamlit): ``streamlit run app.py``. The pages are in ``sim/app``."""

from sim.app import main

main()
