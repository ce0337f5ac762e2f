"""The peak-day report as one self-contained HTML page."""

from __future__ import annotations

import base64
import html
import io
import re

import pandas as pd

from sim.model.layout import Layout
from sim.plan import runsheet
from sim.plan.peakday import PeakDayPlan

TEXT = {
    "zh": {
        "title": "高峰日运营方案与演练手册",
        "answers": "一、三个结论",
        "staffing": "置业顾问与排班",
        "congestion": "拥堵点与时段",
        "evacuation": "高峰时刻疏散",
        "sheet": "二、运行时间表（每半小时）",
        "actions": "三、行动清单（何时做什么，依据是什么）",
        "figures": "四、图表",
        "assumptions": "五、假设与数据来源",
        "method": "六、方法与置信度",
        "time": "时间",
        "action": "行动",
        "because": "依据",
        "no_actions": "没有触发任何行动规则。",
        "sheet_cols": [
            "时段",
            "到访组数",
            "到访人数",
            "馆内最多人数",
            "需要顾问",
            "排班顾问",
            "接待等待P90（分）",
            "目标内接待率 [95%CI]",
            "流失组数",
        ],
        "roster_cols": ["班次", "开始", "结束", "餐休", "人数"],
        "flag_cols": ["位置", "类型", "开始", "结束", "峰值", "出现概率"],
        "method_cols": ["方法", "全部撤离用时"],
        "staff_summary": (
            "按目标（{within:g} 分钟内接待 {share:.0%} 的来访组），高峰需 {peak} 名置业顾问（{peak_slot}），"
            "全天 {hours:g} 顾问小时；最低成本排班付薪 {paid:g} 小时。"
        ),
        "staff_roster_now": "按现排班模拟：{within:g} 分钟内接待率 {share:.0%} [{low:.0%}, {high:.0%}]，流失 {reneged:.0f} 组。",
        "cong_summary": "高/中严重度拥堵点 {n} 处（完整表见 flags.csv）：",
        "evac_summary": (
            "最拥挤时刻约 {clock}，馆内 {persons} 人。全部撤离：模拟 {sim:.0f} 秒 [{low:.0f}, {high:.0f}]，"
            "理论下限 {lb:.0f} 秒，水力法 {hyd:.0f} 秒。控制点：{gov}。"
            "单个出口堵塞最不利：{worst}（模拟 {worst_s:.0f} 秒）。RSET：个体仿真 {rset:.0f} 秒（{ok}），水力法 {rset_h:.0f} 秒（{ok_h}），允许 {allowed} 秒。"
        ),
        "code_fail": "规范校核（GB 50016-2014）未通过 {n} 项：",
        "code_ok": "规范校核（GB 50016-2014）全部通过。",
        "yes": "满足",
        "no": "不满足",
        "actions_text": {
            "guides": "从机动人员增派 {n} 名置业顾问（{from}–{to}）",
            "release": "可安排 {n} 名顾问回访客户或轮休（{from}–{to}）",
            "batch": "改为分批放行：每 {every} 分钟放行 {persons} 人",
            "overflow": "启用备用等候区（{from}–{to}）",
            "usher": "在{zone}门口安排引导员（{from}–{to}），满员时请客户在沙盘区稍候",
            "one_way": "在{zone}实行单向引导（{from}–{to}）",
            "evacuation": "客流最高峰：馆内约 {persons} 人；各安全出口疏散引导员就位，保持{worst_exit}畅通（其堵塞将使撤离多用 {worst_extra_s:.0f} 秒）",
        },
        "because_text": {
            "guides": "计划需 {needed} 名（{slot}），排班 {rostered} 名；按现排班 {within:g} 分钟内接待率 {share:.0%}（目标 {target:.0%}）",
            "release": "{slot} 排班 {rostered} 名，计划只需 {needed} 名",
            "batch": "{element} {start}–{end} 排队峰值 {peak:.3g} 组（{probability:.0%} 的模拟日）；按在岗顾问 15 分钟可接待的人数",
            "overflow": "{element} {start}–{end}：{detail}（峰值 {peak:.3g} {unit}，{probability:.0%} 的模拟日）",
            "usher": "{element} {start}–{end}：{detail}（峰值 {peak:.3g} 组，{probability:.0%} 的模拟日）",
            "one_way": "{element} {start}–{end}：{detail}（{probability:.0%} 的模拟日）",
            "evacuation": "疏散校核：模拟 {simulated_s:.0f} 秒，下限 {lower_bound_s:.0f} 秒，水力法 {hydraulic_s:.0f} 秒；控制点 {governing}",
        },
        "fig_wait": "各时段接待等待（现排班）",
        "fig_staff": "各时段所需顾问与排班",
        "fig_flags": "拥堵点时间线",
        "fig_evac": "疏散曲线",
        "method_text": [
            "所有数字来自离散事件仿真（SimPy），{reps} 个独立模拟日；均值与 95% 置信区间（t 分布）。",
            "需要顾问数：逐时段搜索，每次评估 {staff_reps} 个模拟日（共同随机数），满足目标接待率；排班为整数规划的最低成本解。",
            "拥堵：Fruin 服务水平、排队、对流与交叉；某分钟在至少 {min_share:.0%} 的模拟日出现才计入。",
            "疏散：最拥挤时刻各区人数取各模拟日的 95 分位；水力法（SFPE/IMO）、时间扩展网络最大流下限、个体仿真 {evac_reps} 次。",
            "规范校核条款中标“(?)”者未与正式文本核对，GB 55037-2022 可能覆盖，须由消防工程师确认。",
        ],
        "generated": "场景：{scenario}；布局：{layout}；{reps} 个模拟日，随机种子 {seed}；计算用时 {elapsed:.0f} 秒。",
    },
    "en": {
        "title": "Peak-day plan and rehearsal sheet",
        "answers": "1. The three answers",
        "staffing": "Guides and roster",
        "congestion": "Where and when it crowds",
        "evacuation": "Evacuation at the busiest moment",
        "sheet": "2. Run sheet (per half hour)",
        "actions": "3. Actions (what to do when, and why)",
        "figures": "4. Figures",
        "assumptions": "5. Assumptions and sources",
        "method": "6. Method and confidence",
        "time": "time",
        "action": "action",
        "because": "because",
        "no_actions": "No action rule fired.",
        "sheet_cols": [
            "from",
            "parties arriving",
            "persons arriving",
            "most inside",
            "guides needed",
            "guides rostered",
            "greeting wait p90 (min)",
            "greeted in time [95% CI]",
            "gave up",
        ],
        "roster_cols": ["shift", "start", "end", "meal break", "count"],
        "flag_cols": ["element", "kind", "from", "to", "peak", "share of days"],
        "method_cols": ["method", "everyone out after"],
        "staff_summary": (
            "To greet {share:.0%} of parties within {within:g} min the peak needs {peak} guides ({peak_slot}), "
            "{hours:g} guide-hours in the day; the least-cost roster pays {paid:g} hours."
        ),
        "staff_roster_now": "With the site's roster: {share:.0%} [{low:.0%}, {high:.0%}] greeted within {within:g} min, {reneged:.0f} parties give up.",
        "cong_summary": "{n} high or medium flags (all in flags.csv):",
        "evac_summary": (
            "Busiest moment about {clock}, {persons} persons inside. Everyone out: simulated {sim:.0f} s [{low:.0f}, {high:.0f}], "
            "lower bound {lb:.0f} s, hydraulic {hyd:.0f} s. Governing element: {gov}. "
            "Worst single blocked exit: {worst} (simulated {worst_s:.0f} s). RSET: simulated {rset:.0f} s ({ok}), hydraulic {rset_h:.0f} s ({ok_h}), against {allowed} s allowed."
        ),
        "code_fail": "Code check (GB 50016-2014): {n} failure(s):",
        "code_ok": "Code check (GB 50016-2014): every rule passes.",
        "yes": "met",
        "no": "not met",
        "actions_text": {
            "guides": "call in {n} more guides from the temporary pool ({from}–{to})",
            "release": "{n} guides free for follow-up calls or breaks ({from}–{to})",
            "batch": "switch to batch admission: {persons} persons every {every} min",
            "overflow": "open the overflow lounge ({from}–{to})",
            "usher": "station an usher at the {zone} door ({from}–{to}); when full, hold parties at the sand table",
            "one_way": "direct one-way flow through {zone} ({from}–{to})",
            "evacuation": "busiest moment: about {persons} inside; marshals at every exit; keep {worst_exit} clear (losing it adds {worst_extra_s:.0f} s)",
        },
        "because_text": {
            "guides": "the plan needs {needed} at {slot}, the roster has {rostered}; with the roster {share:.0%} greeted within {within:g} min (target {target:.0%})",
            "release": "at {slot} the roster has {rostered}, the plan needs {needed}",
            "batch": "{element} {start}–{end}: queue peaks at {peak:.3g} parties ({probability:.0%} of days); batch = what the guides on duty greet in 15 min",
            "overflow": "{element} {start}–{end}: {detail} (peak {peak:.3g} {unit}, {probability:.0%} of days)",
            "usher": "{element} {start}–{end}: {detail} (peak {peak:.3g} parties held, {probability:.0%} of days)",
            "one_way": "{element} {start}–{end}: {detail} ({probability:.0%} of days)",
            "evacuation": "evacuation check: simulated {simulated_s:.0f} s, lower bound {lower_bound_s:.0f} s, hydraulic {hydraulic_s:.0f} s; governed by {governing}",
        },
        "fig_wait": "Greeting wait by half hour (site's roster)",
        "fig_staff": "Guides needed and rostered",
        "fig_flags": "Flag timeline",
        "fig_evac": "Evacuation curves",
        "method_text": [
            "Every number comes from a discrete-event simulation (SimPy) of {reps} independent days: means with t-based 95% confidence intervals.",
            "Guides needed: a slot-by-slot search, {staff_reps} simulated days per evaluation on common random numbers, to the greeting target; the roster is the least-cost integer program solution.",
            "Congestion: Fruin levels of service, queues, counter-flow and crossing; a minute counts when at least {min_share:.0%} of days show it.",
            "Evacuation: occupants at the busiest minute, p95 across days; hydraulic (SFPE/IMO), time-expanded max-flow lower bound, {evac_reps} agent simulations.",
            "Code clauses marked (?) are unverified against the official text and GB 55037-2022 may override; a fire engineer confirms.",
        ],
        "generated": "Scenario: {scenario}; layout: {layout}; {reps} simulated days, seed {seed}; computed in {elapsed:.0f} s.",
    },
}


CSS = """
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "Noto Sans SC", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       font-size: 10.5pt; color: #222; max-width: 190mm; margin: auto; }
h1 { font-size: 17pt; margin-bottom: 2pt; } h2 { font-size: 13pt; border-bottom: 1px solid #999;
margin-top: 16pt; } h3 { font-size: 11pt; margin-bottom: 3pt; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 4pt 0 8pt; }
th, td { border: 1px solid #bbb; padding: 2pt 4pt; text-align: left; vertical-align: top; }
th { background: #eee; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr, figure, img { page-break-inside: avoid; } figure { margin: 6pt 0; }
img { max-width: 100%; } .short { color: #b2182b; font-weight: bold; } .muted { color: #666; }
pre { white-space: pre-wrap; font-family: inherit; font-size: 9pt; }
"""


def _verdict(ok, t: dict) -> str:
    return "–" if ok is None else (t["yes"] if ok else t["no"])


def _e(text) -> str:
    return html.escape(str(text))


def _table(headers: list[str], rows: list[list], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )  # fmt: skip
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def figures(plan: PeakDayPlan) -> dict[str, str]:
    """The report's figures as base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from sim.present import figures as plots

    out = {}
    with plots.chinese_font():
        fig, ax = plt.subplots(figsize=(10, 3.6))
        plots.greeting_wait(ax, plan.results, plan.scenario)
        out["wait"] = _png(fig)
        plt.close(fig)
        fig, ax = plt.subplots(figsize=(10, 3.6))
        plots.staffing_plan(ax, plan.staff.guides.table, plan.staff.roster.coverage, plan.scenario)
        out["staff"] = _png(fig)
        plt.close(fig)
        kinds = plan.congestion.flags[["element", "kind"]].drop_duplicates().shape[0]
        fig, ax = plt.subplots(figsize=(10, max(2.5, 0.25 * kinds + 1.2)))
        plots.flag_timeline(ax, plan.congestion, plan.scenario)
        out["flags"] = _png(fig)
        plt.close(fig)
        evac = plan.evacuation
        fig, ax = plt.subplots(figsize=(9, 3.6))
        curves = {
            f"hydraulic ({evac.hydraulic.clearance_s:.0f} s)": evac.hydraulic.curve,
            f"lower bound ({evac.lower_bound_s:.0f} s)": evac.lower_curve,
            f"simulated ({evac.simulated.clearance[0]:.0f} s)": evac.simulated.curve(),
        }
        plots.evacuation_curves(ax, curves, evac.allowed_s)
        out["evac"] = _png(fig)
        plt.close(fig)
    return out


def action_rows(plan: PeakDayPlan, lang: str = "zh") -> list[tuple[str, str, str]]:
    """(clock, action, because) in the report's language."""
    text = TEXT[lang]
    rows = []
    for action in plan.actions:
        params = {k: _name(plan.layout, v, lang) for k, v in action.params.items()}
        because = {k: _name(plan.layout, v, lang) for k, v in action.because.items()}
        if "detail" in because:
            because["detail"] = _detail(because["detail"], lang)
        rows.append(
            (
                runsheet.clock_of(plan.context, action),
                text["actions_text"][action.rule].format(**params),
                text["because_text"][action.rule].format(**because),
            )
        )
    return rows


DETAIL_ZH = (  # the congestion flags' details, in Chinese (patterns of sim.congestion)
    (r"^Fruin (\w) or worse$", r"服务水平 \1 级或更差"),
    (r"^full \(max_persons (\d+)\): parties held at the door$", r"满员（限 \1 人）：客户在门口等候"),
    (r"^more than (\d+) parties waiting for a guide$", r"超过 \1 组在等候置业顾问"),
    (
        r"^more than (\d+) parties waiting for a desk, place or table$",
        r"超过 \1 组在等候服务台、沙盘位或洽谈桌",
    ),
    (r"^more than (\d+) parties waiting outside the door$", r"超过 \1 组在门外排队"),
    (r"^more than (\d+) parties waiting (.*)$", r"超过 \1 组在等候"),
    (r"^under (\d+%) greeted within (\S+) min$", r"\2 分钟内接待率低于 \1"),
    (
        r"^(\S+)→(\S+) and \S+→\S+ in the same half hour \(peak: the smaller flow\)$",
        r"同一半小时内 \1 与 \2 之间双向通行",
    ),
    (r"^(\S+) × (\S+) through (\S+) \(crossing\)$", r"\1 与 \2 在 \3 交叉"),
    (r"^(\S+) × (\S+) through (\S+) \(opposing\)$", r"\1 与 \2 在 \3 对向"),
)


def _detail(text: str, lang: str) -> str:
    if lang != "zh":
        return text
    for pattern, replacement in DETAIL_ZH:
        if re.match(pattern, text):
            return re.sub(pattern, replacement, text)
    return text


KINDS_ZH = {"density": "密度", "capacity": "满员", "queue": "排队", "wait": "接待等待", "counter_flow": "对流",
            "crossing": "交叉"}  # fmt: skip


UNITS_ZH = {"parties": "组", "persons/30 min": "人/30分钟", "persons/m²": "人/㎡", "share": "接待率"}


def _name(layout: Layout, value, lang: str):
    """A zone id as the reader knows it (its Chinese name in Chinese), units in the language."""
    if isinstance(value, str) and lang == "zh":
        if value in layout.zone:
            return layout.zone[value].label.split(" ")[0]
        return UNITS_ZH.get(value, value)
    return value


def render_html(plan: PeakDayPlan, lang: str = "zh", images: dict[str, str] | None = None) -> str:
    """The whole report as one self-contained HTML page."""
    t = TEXT[lang]
    images = images if images is not None else figures(plan)
    s, staff, evac = plan.scenario, plan.staff, plan.evacuation
    table = staff.guides.table
    peak_i = int(table["guides"].idxmax())
    kpi = plan.results.kpis.set_index("metric")
    share = kpi.loc["greet_within_target_share"]
    parts = [f"<h1>{_e(t['title'])}</h1>", f"<p class='muted'>{_e(s.name)} · {_e(plan.layout.name)}</p>"]
    parts.append(f"<h2>{_e(t['answers'])}</h2><h3>{_e(t['staffing'])}</h3>")
    parts.append(
        "<p>"
        + _e(t["staff_summary"].format(share=s.targets.greet_share, within=s.targets.greet_within_min,
                                       peak=int(table["guides"].max()), peak_slot=table.at[peak_i, "start"],
                                       hours=float(table["guides"].sum() / 2), paid=staff.roster.paid_hours))
        + " "
        + _e(t["staff_roster_now"].format(share=share["mean"], low=share["ci_low"], high=share["ci_high"],
                                          within=s.targets.greet_within_min,
                                          reneged=kpi.loc["parties_reneged", "mean"]))
        + "</p>"
    )  # fmt: skip
    parts.append(
        _table(
            t["roster_cols"],
            [[_e(r.shift), r.start, r.end, _e(r.meal_break or "–"), int(r.count)] for r in staff.roster.shifts.itertuples()],
            {4},
        )
    )  # fmt: skip
    severe = plan.congestion.flags[plan.congestion.flags["severity"].isin(runsheet.SEVERE)]
    parts.append(f"<h3>{_e(t['congestion'])}</h3><p>{_e(t['cong_summary'].format(n=len(severe)))}</p>")
    parts.append(
        _table(
            t["flag_cols"],
            [[_e(_name(plan.layout, r.element, lang)), _e(KINDS_ZH.get(r.kind, r.kind) if lang == "zh" else r.kind), r.start, r.end, f"{r.peak:.3g} {_e(_name(plan.layout, r.unit, lang))}",
              f"{r.probability:.0%}"] for r in severe.itertuples()],
            {4, 5},
        )
    )  # fmt: skip
    parts.append(f"<h3>{_e(t['evacuation'])}</h3>")
    ctx = plan.context.evacuation or {}
    mean, low, high = evac.simulated.clearance
    rsets = evac.rset.set_index("method")
    rset, rset_h = rsets.loc["simulated"], rsets.loc["hydraulic"]
    allowed = "–" if evac.allowed_s is None else f"{evac.allowed_s:g}"
    parts.append(
        "<p>"
        + _e(t["evac_summary"].format(
            clock=ctx.get("clock", "–"), persons=sum(evac.occupants.values()), sim=mean, low=low, high=high,
            lb=evac.lower_bound_s, hyd=evac.hydraulic.clearance_s, gov=evac.governing_element or "–",
            worst=_name(plan.layout, ctx.get("worst_exit", "–"), lang),
            worst_s=ctx.get("worst_extra_s", 0.0) + mean, rset=rset["rset_s"], allowed=allowed,
            ok=_verdict(rset["ok"], t), rset_h=rset_h["rset_s"], ok_h=_verdict(rset_h["ok"], t)))
        + "</p>"
    )  # fmt: skip
    fails = [r for r in evac.code_check if not r.ok]
    if fails:
        parts.append(f"<p>{_e(t['code_fail'].format(n=len(fails)))}</p>")
        parts.append(
            _table(["rule", "clause", "element", "value", "limit"],
                   [[_e(r.rule), _e(r.clause), _e(_name(plan.layout, r.element, lang)), f"{r.value:g}",
                     f"{r.limit:g}"] for r in fails], {3, 4})
        )  # fmt: skip
    else:
        parts.append(f"<p>{_e(t['code_ok'])}</p>")
    parts.append(f"<h2>{_e(t['sheet'])}</h2>")
    rows = []
    for r in plan.sheet.itertuples():
        short = r.guides_needed > r.guides_rostered
        rows.append([
            r.start, f"{r.parties_arrived:.1f}", f"{r.persons_arrived:.1f}", f"{r.persons_inside_max:.1f}",
            f"<span class='short'>{r.guides_needed}</span>" if short else str(r.guides_needed), str(r.guides_rostered),
            f"{r.greet_wait_p90_min:.1f}",
            f"{r.greet_within_target_share:.0%} [{r.greet_within_target_share_ci_low:.0%}, {r.greet_within_target_share_ci_high:.0%}]",
            f"{r.reneged:.1f}",
        ])  # fmt: skip
    parts.append(_table(t["sheet_cols"], rows, set(range(1, 9))))
    parts.append(f"<h2>{_e(t['actions'])}</h2>")
    found = action_rows(plan, lang)
    if found:
        parts.append(_table([t["time"], t["action"], t["because"]], [[c, _e(a), _e(b)] for c, a, b in found]))
    else:
        parts.append(f"<p>{_e(t['no_actions'])}</p>")
    parts.append(f"<h2>{_e(t['figures'])}</h2>")
    for key, caption in (
        ("wait", "fig_wait"),
        ("staff", "fig_staff"),
        ("flags", "fig_flags"),
        ("evac", "fig_evac"),
    ):
        if key in images:
            parts.append(
                f"<figure><img alt='{_e(t[caption])}' src='data:image/png;base64,{images[key]}'>"
                f"<figcaption>{_e(t[caption])}</figcaption></figure>"
            )
    parts.append(f"<h2>{_e(t['assumptions'])}</h2>")
    parts.append(f"<h3>{_e(s.name)}</h3><pre>{_e(s.description or '–')}</pre>")
    parts.append(f"<h3>{_e(plan.layout.name)}</h3><pre>{_e(plan.layout.description or '–')}</pre>")
    parts.append(f"<h2>{_e(t['method'])}</h2><ul>")
    fill = {"reps": plan.results.replications, "staff_reps": staff.replications,
            "min_share": s.congestion.min_share, "evac_reps": len(evac.simulated.runs)}  # fmt: skip
    parts.extend(f"<li>{_e(line.format(**fill))}</li>" for line in t["method_text"])
    parts.append("</ul>")
    parts.append(
        "<p class='muted'>"
        + _e(t["generated"].format(scenario=s.name, layout=plan.layout.name, reps=plan.results.replications,
                                   seed=plan.results.seed, elapsed=plan.elapsed_s))
        + "</p>"
    )  # fmt: skip
    return (
        f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
        f"<title>{_e(t['title'])} · {_e(s.name)}</title><style>{CSS}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>"
    )


def actions_table(plan: PeakDayPlan, lang: str = "zh") -> pd.DataFrame:
    """The actions as a table (for CSV)."""
    rows = action_rows(plan, lang)
    return pd.DataFrame(
        [{"time": c, "rule": a.rule, "action": text, "because": why} for (c, text, why), a in
         zip(rows, plan.actions, strict=True)],
        columns=["time", "rule", "action", "because"],
    )  # fmt: skip
