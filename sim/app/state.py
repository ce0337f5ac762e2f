"""What the app's pages share: the files being edited, results kept per input, the language.

Edits live in ``st.session_state``; results are kept per (edited files, settings), so switching
pages never reruns a simulation. Simulations run in the Streamlit process (one worker).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, cast

import streamlit as st

from sim.core.text import Lang, text
from sim.io.files import file_data
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.plan import editing
from sim.plan.settings import RunSettings

ROOT = Path(__file__).resolve().parents[2]
LAYOUTS = {p.stem: p for p in sorted((ROOT / "layouts").glob("*.yaml"))}
SCENARIOS = {p.stem: p for p in sorted((ROOT / "scenarios").glob("*.yaml"))}
FIRST = "national_day_peak"  # preloaded: the National Day peak at the one-floor gallery
KEEP = 6  # results kept per kind
WORKERS = 1  # in-process: a Streamlit script must not be re-imported by pool workers


def lang() -> Lang:
    """The language the interface speaks."""
    return cast(Lang, st.session_state.get("lang", "zh"))


def t(key: str, **fields: Any) -> str:
    """Interface text in the chosen language."""
    return text(f"app.{key}", lang(), **fields)


def columns(names: list[str]) -> dict[str, Any]:
    """Editor column labels in the chosen language (the file keys stay the columns' names)."""
    return {name: st.column_config.Column(t(f"column.{name}")) for name in names}


def set_layout(data: dict) -> None:
    """A new layout to edit: fresh tables."""
    st.session_state["layout_data"] = data
    st.session_state["layout_version"] = st.session_state.get("layout_version", 0) + 1
    st.session_state.pop("layout_frames", None)


def set_scenario(data: dict, path: Path | None) -> None:
    """A new scenario to edit, with its layout; both become the comparison's original."""
    st.session_state["scenario_data"] = data
    st.session_state["scenario_version"] = st.session_state.get("scenario_version", 0) + 1
    st.session_state.pop("scenario_frames", None)
    if path is not None and data.get("layout"):
        set_layout(file_data((path.parent / data["layout"]).resolve()))
    st.session_state["original"] = (st.session_state["layout_data"], data)


def init() -> None:
    """Shipped files preloaded."""
    if "scenario_data" not in st.session_state:
        set_scenario(file_data(SCENARIOS[FIRST]), SCENARIOS[FIRST])


def current() -> tuple[Layout | None, Scenario | None, list[str]]:
    """The edited layout and scenario, validated together (problems in the interface's language)."""
    layout, problems = editing.validate_layout(st.session_state["layout_data"], lang=lang())
    scenario, more = editing.validate_scenario(st.session_state["scenario_data"], layout, lang=lang())
    return layout, scenario, problems + more


def valid_files() -> tuple[Layout, Scenario]:
    """The edited layout and scenario; if they do not validate, say so and stop the page."""
    layout, scenario, problems = current()
    if problems or layout is None or scenario is None:
        st.error(t("fix_first"))
        st.stop()
    return layout, scenario


def digest(*parts: Any) -> str:
    """A key for results: the edited files and the run settings."""
    joined = "|".join(editing.to_yaml(p) if isinstance(p, dict) else str(p) for p in parts)
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


def remember(kind: str, key: str, value: Any) -> None:
    """Keep a result, dropping the oldest beyond ``KEEP``."""
    kept = st.session_state.setdefault(kind, {})
    kept[key] = value
    while len(kept) > KEEP:
        kept.pop(next(iter(kept)))


def recall(kind: str, key: str | None) -> Any:
    """A kept result, or None."""
    return st.session_state.get(kind, {}).get(key) if key else None


def files_key(*settings: Any) -> str:
    """The key of results for the files as edited now, with these settings."""
    return digest(st.session_state["layout_data"], st.session_state["scenario_data"], *settings)


def upload(key: str, kind: str) -> dict | None:
    """A valid uploaded layout or scenario (``kind``), or None.

    A bad file shows its messages, and what was loaded stays.
    """
    file = st.file_uploader(t("upload"), type=["yaml", "yml"], key=key)
    if file is None:
        return None
    data, problems = editing.checked_upload(file.name, file.getvalue(), kind, SCENARIOS, lang())
    if problems:
        st.error("\n\n".join(problems))
    return data


def show_problems(problems: list[str]) -> None:
    """The validation messages next to the tables, or that all is well."""
    if problems:
        st.error("\n\n".join(problems))
    else:
        st.success(t("valid"))


def chosen_settings(scenario: Scenario | None) -> RunSettings:
    """Replications and seed as chosen on the Simulate page (the scenario's own until then)."""
    own = RunSettings().resolve(scenario)
    reps = st.session_state.get("reps_value", own.replications)
    seed = st.session_state.get("seed_value", own.seed)
    return RunSettings(replications=int(reps), seed=int(seed), workers=WORKERS)


def settings_row(scenario: Scenario | None) -> RunSettings:
    """Replications and seed widgets (defaults: the scenario's), shared by the pages that simulate."""
    own = chosen_settings(scenario)
    a, b = st.columns(2)
    reps = a.slider(t("reps"), 2, 60, min(60, max(2, own.replications or 2)), key="reps")
    seed = b.number_input(t("seed"), 0, 2**31 - 1, own.seed or 0, key="seed")
    st.session_state["reps_value"], st.session_state["seed_value"] = int(reps), int(seed)
    return RunSettings(replications=int(reps), seed=int(seed), workers=WORKERS)
