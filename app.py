"""Anchang planner app (Streamlit): try layouts and scenarios, see staffing, congestion and evacuation.

A thin front end: widgets → ``sim`` functions (the same ones the command line calls) → tables and
figures. Edits live in ``st.session_state``; results are kept per (layout, scenario, replications,
seed), so switching pages never reruns a simulation. Chinese by default, English on request.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import pandas as pd
import streamlit as st
import yaml
from matplotlib import pyplot as plt

import sim
from sim.io.files import with_base
from sim.plan import editing
from sim.plan.compare import compare as compare_variants
from sim.present import figures as plots

ROOT = Path(__file__).parent
LAYOUTS = {p.stem: p for p in sorted((ROOT / "layouts").glob("*.yaml"))}
SCENARIOS = {p.stem: p for p in sorted((ROOT / "scenarios").glob("*.yaml"))}
PAGES = ["layout", "scenario", "simulate", "staffing", "congestion", "evacuation", "plan", "compare"]
KEEP = 6  # results kept per kind
WORKERS = 1  # in-process: a Streamlit script must not be re-imported by pool workers

TEXT = {
    "zh": {
        "title": "案场客流仿真与容量规划", "lang": "语言", "page": "页面",
        "pages": {"layout": "布局", "scenario": "场景", "simulate": "仿真", "staffing": "排班", "congestion": "拥堵",
                  "evacuation": "疏散", "plan": "方案报告", "compare": "方案对比"},
        "pick_layout": "选择布局", "pick_scenario": "选择场景（同时载入其布局）", "upload": "上传 YAML（≤512 KB）",
        "zones": "区域", "passages": "通道", "valid": "校验通过", "download": "下载 YAML",
        "profile": "到访强度（相对）", "schedule": "置业顾问排班（自该时刻起在岗人数）", "parties": "预计散客组数",
        "batch": "分批放行", "batch_persons": "每批人数", "batch_every": "间隔（分钟）", "cap": "馆内人数上限（0 = 不限）",
        "within": "接待时限（分钟）", "patience": "平均耐心（分钟，超时离开）", "party_sizes": "每组人数分布", "share": "目标接待率", "stages": "参观环节",
        "reps": "仿真次数", "seed": "随机种子", "run": "运行仿真", "running": "仿真中…",
        "fix_first": "请先修正布局或场景中的问题。", "need_run": "请先在“仿真”页运行。",
        "k_parties": "到访组数", "k_wait": "平均等待（分钟）", "k_share": "目标内接待率", "k_reneged": "放弃离开",
        "k_ci": "95% 置信区间", "staff_run": "计算排班", "staff_reps": "每次评估的仿真次数",
        "minute": "时刻", "flags": "拥堵点", "occupants": "人员", "design": "设计人数（规范密度）",
        "peak": "仿真高峰（各区 95 分位）", "evac_run": "校核疏散", "m_hyd": "水力法", "m_lb": "理论下限",
        "m_sim": "个体仿真", "n1": "单个出口堵塞（N−1）", "code": "规范校核 GB 50016", "plan_run": "生成方案报告",
        "plan_download": "下载报告 HTML", "compare_run": "与原方案对比", "compare_note": "A = 载入时的原方案，B = 当前编辑后的方案，同一随机数。",
        "governing": "控制点",
    },
    "en": {
        "title": "Anchang: gallery visitor flow and capacity", "lang": "Language", "page": "Page",
        "pages": {"layout": "Layout", "scenario": "Scenario", "simulate": "Simulate", "staffing": "Staffing",
                  "congestion": "Congestion", "evacuation": "Evacuation", "plan": "Plan report", "compare": "Compare"},
        "pick_layout": "Layout", "pick_scenario": "Scenario (loads its layout too)", "upload": "Upload YAML (≤512 KB)",
        "zones": "Zones", "passages": "Passages", "valid": "Valid", "download": "Download YAML",
        "profile": "Arrival intensity (relative)", "schedule": "Guide schedule (on duty from each time)",
        "parties": "Expected walk-in parties", "batch": "Batch admission", "batch_persons": "Persons per batch",
        "batch_every": "Every (min)", "cap": "Occupancy cap (0 = none)", "within": "Greeting target (min)", "patience": "Mean patience (min) before leaving",
        "party_sizes": "Party sizes",
        "share": "Target share", "stages": "Journey stages", "reps": "Replications", "seed": "Seed", "run": "Run",
        "running": "Simulating…", "fix_first": "Fix the problems in the layout or scenario first.",
        "need_run": "Run the simulation first (Simulate page).", "k_parties": "Parties", "k_wait": "Mean wait (min)",
        "k_share": "Greeted in target", "k_reneged": "Gave up", "k_ci": "95% CI", "staff_run": "Plan the staff",
        "staff_reps": "Replications per evaluation", "minute": "Time", "flags": "Flags", "occupants": "Occupants",
        "design": "Design occupancy (code densities)", "peak": "Simulated peak (p95 per zone)",
        "evac_run": "Check evacuation", "m_hyd": "Hydraulic", "m_lb": "Lower bound", "m_sim": "Simulated",
        "n1": "One exit blocked (N−1)", "code": "Code check GB 50016", "plan_run": "Build the report",
        "plan_download": "Download the HTML report", "compare_run": "Compare with the original",
        "compare_note": "A = the original as loaded, B = the current edits, on the same seeds.",
        "governing": "Governing element",
    },
}  # fmt: skip


def t(key: str):
    """Interface text in the chosen language."""
    return TEXT[st.session_state.get("lang", "zh")][key]


def load_yaml(path: Path) -> dict:
    """File data as the app edits it (a variant is merged with its base)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if data.get("based_on"):
        data = with_base(data, path)
    return data


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
        set_layout(load_yaml((path.parent / data["layout"]).resolve()))
    st.session_state["original"] = (st.session_state["layout_data"], data)


def init() -> None:
    """Shipped files preloaded: the National Day peak at the one-floor gallery."""
    if "scenario_data" not in st.session_state:
        path = SCENARIOS["national_day_peak"]
        set_scenario(load_yaml(path), path)


def current() -> tuple[sim.Layout | None, sim.Scenario | None, list[str]]:
    """The edited layout and scenario, validated together."""
    layout, problems = editing.validate_layout(st.session_state["layout_data"])
    scenario, more = editing.validate_scenario(st.session_state["scenario_data"], layout)
    return layout, scenario, problems + more


def digest(*parts) -> str:
    """A key for results: the edited files and the run settings."""
    text = "|".join(editing.to_yaml(p) if isinstance(p, dict) else str(p) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def remember(kind: str, key: str, value) -> None:
    """Keep a result, dropping the oldest beyond ``KEEP``."""
    store = st.session_state.setdefault(kind, {})
    store[key] = value
    while len(store) > KEEP:
        store.pop(next(iter(store)))


def upload(key: str) -> dict | None:
    """A YAML upload, or None; a bad file shows its message."""
    file = st.file_uploader(t("upload"), type=["yaml", "yml"], key=key)
    if file is None:
        return None
    try:
        return editing.read_upload(file.name, file.getvalue())
    except sim.InputError as exc:
        st.error(exc.render())
        return None


def show_problems(problems: list[str]) -> None:
    """The validation messages next to the tables, or that all is well."""
    if problems:
        st.error("\n\n".join(problems))
    else:
        st.success(t("valid"))


# ---------------------------------------------------------------- pages


def page_layout() -> None:
    """Pick, upload and edit the layout; see it drawn and download it."""
    names = list(LAYOUTS)
    choice = st.selectbox(t("pick_layout"), ["—", *names], key="layout_pick")
    if choice != "—" and st.session_state.get("layout_picked") != choice:
        st.session_state["layout_picked"] = choice
        set_layout(load_yaml(LAYOUTS[choice]))
    uploaded = upload(f"layout_upload_{st.session_state['layout_version']}")
    if uploaded is not None and "zones" in uploaded:
        set_layout(uploaded)
    version = st.session_state["layout_version"]
    zkey, pkey = f"zones_{version}", f"passages_{version}"
    if "layout_frames" not in st.session_state or zkey not in st.session_state:
        st.session_state["layout_frames"] = editing.layout_tables(st.session_state["layout_data"])
    zones_base, passages_base = st.session_state["layout_frames"]
    data = st.session_state["layout_data"]
    st.subheader(t("zones"))
    zones = st.data_editor(zones_base, key=zkey, num_rows="dynamic", hide_index=True, width="stretch")
    st.subheader(t("passages"))
    passages = st.data_editor(passages_base, key=pkey, num_rows="dynamic", hide_index=True, width="stretch")
    edited = editing.layout_from_tables(data, zones, passages)
    layout, problems = editing.validate_layout(edited)
    st.session_state["layout_data"] = edited
    show_problems(problems)
    if layout is not None:
        with plots.chinese_font():
            fig, ax = plt.subplots(figsize=(7, 5.5))
            plots.layout_map(ax, layout, {}, layout.name)
            st.pyplot(fig)
            plt.close(fig)
    st.download_button(t("download"), editing.to_yaml(edited), "layout.yaml", "text/yaml", key="layout_dl",
                       on_click="ignore")  # fmt: skip


def page_scenario() -> None:
    """Pick, upload and edit the scenario; download it."""
    names = list(SCENARIOS)
    choice = st.selectbox(t("pick_scenario"), ["—", *names], key="scenario_pick")
    if choice != "—" and st.session_state.get("scenario_picked") != choice:
        st.session_state["scenario_picked"] = choice
        set_scenario(load_yaml(SCENARIOS[choice]), SCENARIOS[choice])
    uploaded = upload(f"scenario_upload_{st.session_state['scenario_version']}")
    if uploaded is not None and "hours" in uploaded:
        set_scenario(uploaded, None)
    data = st.session_state["scenario_data"]
    version = st.session_state["scenario_version"]
    fkey, gkey, pkey, skey = (f"{name}_{version}" for name in ("profile", "schedule", "party", "stages"))
    if "scenario_frames" not in st.session_state or fkey not in st.session_state:
        st.session_state["scenario_frames"] = (
            editing.profile_table(data), editing.schedule_table(data), editing.party_table(data),
            editing.stage_table(data),
        )  # fmt: skip
    profile_base, schedule_base, party_base, stage_base = st.session_state["scenario_frames"]
    left, right = st.columns(2)
    left.subheader(t("profile"))
    profile = left.data_editor(profile_base, key=fkey, num_rows="dynamic", hide_index=True)
    left.bar_chart(profile.set_index("clock")["weight"])
    right.subheader(t("schedule"))
    schedule = right.data_editor(schedule_base, key=gkey, num_rows="dynamic", hide_index=True)
    demand = dict(data.get("demand", {}))
    if demand.get("parties") is not None:
        demand["parties"] = right.number_input(
            t("parties"), 1.0, 5000.0, float(demand["parties"]), key=f"parties_{version}"
        )
    policies = dict(data.get("policies") or {})
    batch = policies.get("batch_admission")
    if st.checkbox(t("batch"), value=batch is not None, key=f"batch_{version}"):
        a, b = st.columns(2)
        policies["batch_admission"] = {
            "persons": int(a.number_input(t("batch_persons"), 1, 500, int((batch or {}).get("persons", 30)), key=f"bp_{version}")),
            "every_min": float(b.number_input(t("batch_every"), 1.0, 120.0, float((batch or {}).get("every_min", 15)), key=f"be_{version}")),
        }  # fmt: skip
    else:
        policies.pop("batch_admission", None)
    cap = st.number_input(
        t("cap"), 0, 5000, int(policies.get("max_inside_persons") or 0), key=f"cap_{version}"
    )
    policies["max_inside_persons"] = int(cap) or None
    patience = dict(policies.get("patience") or {})
    if "mean_min" in patience:
        patience["mean_min"] = st.number_input(
            t("patience"), 1.0, 240.0, float(patience["mean_min"]), key=f"patience_{version}"
        )
        policies["patience"] = patience
    targets = dict(data.get("targets") or {})
    a, b = st.columns(2)
    targets["greet_within_min"] = a.number_input(
        t("within"), 0.5, 60.0, float(targets.get("greet_within_min", 5)), key=f"tw_{version}"
    )
    targets["greet_share"] = b.slider(
        t("share"), 0.5, 0.99, float(targets.get("greet_share", 0.9)), key=f"ts_{version}"
    )
    left, right = st.columns([1, 3])
    left.subheader(t("party_sizes"))
    parties = left.data_editor(party_base, key=pkey, num_rows="dynamic", hide_index=True)
    right.subheader(t("stages"))
    stages = right.data_editor(stage_base, key=skey, hide_index=True, disabled=["id", "kind", "dwell"])
    edited = editing.scenario_with(
        data, profile, schedule, parties, stages, demand=demand, policies=policies, targets=targets
    )
    st.session_state["scenario_data"] = edited
    layout, _ = editing.validate_layout(st.session_state["layout_data"])
    _, problems = editing.validate_scenario(edited, layout)
    show_problems(problems)
    st.download_button(t("download"), editing.to_yaml(edited), "scenario.yaml", "text/yaml", key="scenario_dl",
                       on_click="ignore")  # fmt: skip


def simulate(layout, scenario, reps: int, seed: int):
    """Results for the current files and settings: kept, or run with a progress bar."""
    key = digest(st.session_state["layout_data"], st.session_state["scenario_data"], reps, seed)
    done = st.session_state.get("runs", {}).get(key)
    if done is None:
        bar = st.progress(0.0, text=t("running"))
        results = sim.run(layout, scenario, replications=reps, seed=seed, workers=WORKERS,
                          progress=lambda i, n: bar.progress(i / n, text=f"{t('running')} {i}/{n}"))  # fmt: skip
        bar.empty()
        done = results
        remember("runs", key, results)
    st.session_state["last_run"] = key
    return done


def last_results():
    """The latest simulation results, if any."""
    key = st.session_state.get("last_run")
    return st.session_state.get("runs", {}).get(key) if key else None


def settings_row() -> tuple[int, int]:
    """Replications and seed, shared by the pages that simulate."""
    a, b = st.columns(2)
    reps = a.slider(t("reps"), 2, 60, st.session_state.get("reps_value", 20), key="reps")
    seed = b.number_input(t("seed"), 0, 2**31 - 1, st.session_state.get("seed_value", 20261002), key="seed")
    st.session_state["reps_value"], st.session_state["seed_value"] = int(reps), int(seed)
    return int(reps), int(seed)


def page_simulate(layout, scenario, problems) -> None:
    """Run replications; KPI cards with CIs, the wait plot and the half-hour table."""
    reps, seed = settings_row()
    if problems:
        st.error(t("fix_first") + "\n\n" + "\n\n".join(problems))
        return
    if st.button(t("run"), key="run", type="primary"):
        simulate(layout, scenario, reps, seed)
    results = last_results()
    if results is None:
        return
    kpis = results.kpis.set_index("metric")
    cols = st.columns(4)
    for col, label, metric, scale, unit in (
        (cols[0], "k_parties", "parties_arrived", 1.0, ""),
        (cols[1], "k_wait", "greet_wait_mean_min", 1.0, ""),
        (cols[2], "k_share", "greet_within_target_share", 100.0, " %"),
        (cols[3], "k_reneged", "parties_reneged", 1.0, ""),
    ):
        row = kpis.loc[metric]
        col.metric(t(label), f"{row['mean'] * scale:.1f}{unit}",
                   help=f"{t('k_ci')} {row['ci_low'] * scale:.1f} – {row['ci_high'] * scale:.1f}{unit}")  # fmt: skip
    with plots.chinese_font():
        fig, ax = plt.subplots(figsize=(10, 4))
        plots.greeting_wait(ax, results, scenario)
        st.pyplot(fig)
        plt.close(fig)
    st.dataframe(results.half_hours, hide_index=True)


def page_staffing(layout, scenario, problems) -> None:
    """Guides per half hour, the roster and the other posts."""
    staff_reps = st.slider(t("staff_reps"), 2, 40, 10, key="staff_reps")
    if problems:
        st.error(t("fix_first"))
        return
    key = digest(st.session_state["layout_data"], st.session_state["scenario_data"], staff_reps)
    if st.button(t("staff_run"), key="staff_run", type="primary"):
        with st.spinner(t("running")):
            remember("staff", key, sim.plan_staff(layout, scenario, staff_reps, workers=WORKERS))
    plan = st.session_state.get("staff", {}).get(key)
    if plan is None:
        return
    table = plan.guides.table.assign(rostered=list(plan.roster.coverage))
    st.metric(t("pages")["staffing"], int(table["guides"].max()), help=f"{plan.roster.paid_hours:g} h")
    with plots.chinese_font():
        fig, ax = plt.subplots(figsize=(10, 4))
        plots.staffing_plan(ax, plan.guides.table, plan.roster.coverage, scenario)
        st.pyplot(fig)
        plt.close(fig)
    st.dataframe(table, hide_index=True)
    st.dataframe(plan.roster.shifts, hide_index=True)
    st.dataframe(plan.posts.assign(start=plan.guides.table["start"]), hide_index=True)


def page_congestion(layout, scenario, problems) -> None:
    """The map by level of service with a time slider, and the flags."""
    results = last_results()
    if problems or results is None:
        st.info(t("need_run"))
        return
    key = st.session_state["last_run"]
    report = st.session_state.get("congestion", {}).get(key)
    if report is None:
        report = sim.analyse_congestion(results, layout, scenario)
        remember("congestion", key, report)
    minutes = int(scenario.day_s // 60)
    minute = st.slider(t("minute"), 0, minutes - 1, min(120, minutes - 1), step=5, key="minute",
                       format="%d")  # fmt: skip
    flags = report.flags[(report.flags["start_min"] <= minute) & (report.flags["end_min"] > minute)]
    with plots.chinese_font():
        fig, ax = plt.subplots(figsize=(8, 6.5))
        plots.layout_map(ax, layout, report.levels_at(minute), scenario.clock_at(minute),
                         flagged=dict(zip(flags["element"], flags["severity"], strict=True)))  # fmt: skip
        st.pyplot(fig)
        plt.close(fig)
    st.subheader(t("flags"))
    st.dataframe(report.flags.drop(columns=["start_min", "end_min"]), hide_index=True)


def page_evacuation(layout, scenario, problems) -> None:
    """Three methods, the curves, N−1 and the code check."""
    if problems:
        st.error(t("fix_first"))
        return
    source = st.radio(t("occupants"), ["design", "peak"], format_func=t, key="evac_source", horizontal=True)
    reps, seed = st.session_state.get("reps_value", 20), st.session_state.get("seed_value", 20261002)
    key = digest(st.session_state["layout_data"], st.session_state["scenario_data"], source, reps, seed)
    if st.button(t("evac_run"), key="evac_run", type="primary"):
        with st.spinner(t("running")):
            if source == "peak":
                people, peaks = sim.peak_occupants(layout, scenario, reps, seed, WORKERS)
            else:
                people, peaks = sim.check_occupants(layout, sim.design_occupants(layout)), None
            report = sim.analyse_evacuation(layout, people, scenario.evacuation, scenario.targets.evacuation_max_s,
                                            seed, source, peaks)  # fmt: skip
            remember("evacuation", key, report)
    report = st.session_state.get("evacuation", {}).get(key)
    if report is None:
        return
    mean, low, high = report.simulated.clearance
    cols = st.columns(3)
    cols[0].metric(t("m_hyd"), f"{report.hydraulic.clearance_s:.0f} s")
    cols[1].metric(t("m_lb"), f"{report.lower_bound_s:.0f} s")
    cols[2].metric(t("m_sim"), f"{mean:.0f} s", help=f"{t('k_ci')} {low:.0f} – {high:.0f} s")
    st.write(f"{t('governing')}: **{report.governing_element}** · {sum(report.occupants.values())} persons")
    with plots.chinese_font():
        fig, ax = plt.subplots(figsize=(9, 4))
        curves = {"hydraulic": report.hydraulic.curve, "lower bound": report.lower_curve,
                  "simulated": report.simulated.curve()}  # fmt: skip
        plots.evacuation_curves(ax, curves, report.allowed_s)
        st.pyplot(fig)
        plt.close(fig)
    st.subheader(t("n1"))
    st.dataframe(report.n_minus_1, hide_index=True)
    st.subheader(t("code"))
    st.dataframe(pd.DataFrame([r.__dict__ for r in report.code_check]), hide_index=True)


def page_plan(layout, scenario, problems) -> None:
    """Build the peak-day report and download it."""
    if problems:
        st.error(t("fix_first"))
        return
    reps, seed = st.session_state.get("reps_value", 20), st.session_state.get("seed_value", 20261002)
    staff_reps = st.slider(t("staff_reps"), 2, 40, 10, key="plan_staff_reps")
    key = digest(st.session_state["layout_data"], st.session_state["scenario_data"], reps, seed, staff_reps,
                 st.session_state.get("lang", "zh"))  # fmt: skip
    if st.button(t("plan_run"), key="plan_run", type="primary"):
        with st.spinner(t("running")):
            plan = sim.build_plan(layout, scenario, reps, seed, WORKERS, staff_reps)
            remember("plans", key, sim.render_html(plan, st.session_state.get("lang", "zh")))
    page = st.session_state.get("plans", {}).get(key)
    if page is not None:
        st.download_button(
            t("plan_download"), page, "report.html", "text/html", key="plan_dl", on_click="ignore"
        )


def page_compare(layout, scenario, problems) -> None:
    """The original against the current edits, on the same seeds."""
    st.caption(t("compare_note"))
    if problems:
        st.error(t("fix_first"))
        return
    reps, seed = st.session_state.get("reps_value", 20), st.session_state.get("seed_value", 20261002)
    original_layout, original_scenario = st.session_state["original"]
    layout_a, _ = editing.validate_layout(original_layout)
    scenario_a, _ = editing.validate_scenario(original_scenario, layout_a)
    key = digest(original_layout, original_scenario, st.session_state["layout_data"],
                 st.session_state["scenario_data"], reps, seed)  # fmt: skip
    if st.button(t("compare_run"), key="compare_run", type="primary"):
        with st.spinner(t("running")):
            remember(
                "compare", key, compare_variants(layout_a, scenario_a, layout, scenario, reps, seed, WORKERS)
            )
    result = st.session_state.get("compare", {}).get(key)
    if result is None:
        return
    st.dataframe(result.kpis, hide_index=True)
    st.dataframe(result.flags, hide_index=True)


def main() -> None:
    """The sidebar (language, page) and the chosen page."""
    st.set_page_config(page_title="案场 Anchang", layout="wide")
    init()
    st.sidebar.radio("语言 Language", ["zh", "en"], format_func=lambda x: {"zh": "中文", "en": "English"}[x],
                     key="lang", horizontal=True)  # fmt: skip
    page = st.sidebar.radio(t("page"), PAGES, format_func=lambda p: t("pages")[p], key="page")
    st.title(t("title"))
    if page == "layout":
        page_layout()
        return
    if page == "scenario":
        page_scenario()
        return
    layout, scenario, problems = current()
    {
        "simulate": page_simulate,
        "staffing": page_staffing,
        "congestion": page_congestion,
        "evacuation": page_evacuation,
        "plan": page_plan,
        "compare": page_compare,
    }[page](layout, scenario, problems)


main()
