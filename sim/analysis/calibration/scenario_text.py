"""The calibrated scenario as YAML, with a comment on every estimated number."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.calibration.estimate import Calibration
from sim.analysis.calibration.fit import Fit
from sim.io.yamltext import to_yaml
from sim.model.names import Names


def scenario_text(
    cal: Calibration, base: dict[str, Any], layout: str | None, source: str, dropped: int
) -> str:
    """The calibrated scenario as YAML, with a comment on every estimated number.

    ``base`` is the base scenario's data (its ``based_on`` merged); what the log cannot tell
    (layout, guides, desks, targets, registration) comes from it, and says so. Without a
    ``layout`` the scenario names none (it is then given with ``--layout``).
    """

    def dump(key: str, value: Any) -> str:
        return to_yaml({key: value}, flow=False, width=100)

    mean, low, high = cal.parties_per_day
    lines = [
        f"# Calibrated by `anchang calibrate` from {source}: {int(cal.party_size['parties'].sum())} parties on "
        f"{len(cal.days)} {cal.day_type} day(s), {dropped} row(s) dropped (see the calibration report).",
        "# Demand, stage probabilities and dwells, and patience come from the log, each with its source;",
        "# everything else is the base scenario's.",
        dump("name", _calibrated_name(base.get("name", "scenario"), cal.day_type)).rstrip(),
        *([dump("layout", layout).rstrip()] if layout is not None else []),
    ]
    for key, value in base.items():
        if key in ("name", "layout", "based_on", "description"):
            continue
        if key == "demand":
            lines += _demand_lines(cal, value, mean, low, high)
        elif key == "journey":
            lines += _journey_lines(cal, value)
        elif key == "policies":
            lines += _policy_lines(cal, value)
        else:
            lines.append(dump(key, value).rstrip())
    return "\n".join(lines) + "\n"


def _calibrated_name(name: Any, day_type: str) -> dict[str, str]:
    """The base scenario's name, marked as calibrated, in each language."""
    base = Names.model_validate(name)
    return {"zh": f"{base.zh}（按登记表校准，{day_type}）", "en": f"{base.en} — calibrated ({day_type})"}


def _demand_lines(cal: Calibration, demand: dict, mean: float, low: float, high: float) -> list[str]:
    shares = _rounded_shares(cal.party_size)
    lines = [
        "demand:",
        f"  parties: {mean:.2f}   # mean registered parties per day over {len(cal.days)} day(s), 95% CI [{low:.2f}, {high:.2f}]",
        "  party_size:   # share of parties by size",
    ]
    total = int(cal.party_size["parties"].sum())
    lines += [
        f"    {size}: {share}   # {n} of {total} parties"
        for size, share, n in zip(cal.party_size["size"], shares, cal.party_size["parties"], strict=True)
    ]
    lines.append("  profile:   # relative intensity: mean parties registered in the half hour")
    lines += [
        f'    "{r.start}": {r.mean:.3f}   # 95% CI [{r.ci_low:.2f}, {r.ci_high:.2f}] across {len(cal.days)} day(s)'
        for r in cal.profile.itertuples()
    ]
    dropped = [k for k in ("groups", "appointments", "queue_at_open") if demand.get(k)]
    if dropped:
        lines.append(
            f"  # {', '.join(dropped)} of the base left out: the log counts every party it registered"
        )
    for key in ("entrances",):
        if demand.get(key):
            lines.append(f"  {key}: {demand[key]}   # from the base scenario")
    return lines


def _journey_lines(cal: Calibration, journey: dict) -> list[str]:

    lines = ["journey:"]
    lines += [f"  {k}: {v}   # from the base scenario" for k, v in journey.items() if k != "stages"]
    lines.append("  stages:")
    by_kind = {row.kind: row for row in cal.stages.itertuples()}
    for stage in journey["stages"]:
        row = by_kind.get(stage["kind"])
        fit = cal.fits.get(row.column) if row is not None else None
        stage = dict(stage)
        if row is None or fit is None:
            note = (
                "from the base scenario (not in the log)"
                if row is None
                else f"from the base scenario ({row.parties} parties: too few to fit)"
            )
        else:
            if stage.get("probability", 1.0) != 1.0 or row.probability < 1.0:
                stage["probability"] = round(row.probability, 4)
            stage["dwell"] = fit.as_distribution()
            dropped = [key for key in ("visits", "revisit") if stage.pop(key, None) is not None]
            parent = row.only_if if isinstance(row.only_if, str) else None
            whom = f"of {row.eligible} greeted parties" + (f" that did {parent}" if parent else "")
            note = (
                f"{row.parties} {whom} have a {row.column} time; dwell: {fit.dist}, lowest AIC ({_aics(fit)}) "
                f"on {fit.n} gaps to the next recorded time, KS p = {fit.ks_p:.2f}"
            )
            if dropped:
                note += (
                    f"; the base's {' and '.join(dropped)} left out: the log has one time per stage and party"
                )
        text = to_yaml(stage, flow=True, width=10**6).strip()
        lines.append(f"    - {text}   # {note}")
    return lines


def _policy_lines(cal: Calibration, policies: dict) -> list[str]:
    lines = ["policies:"]
    fit = cal.patience
    for key, value in policies.items():
        if key == "patience" and fit is not None:
            continue
        text = to_yaml({key: value}, flow=True, width=10**6).strip()[1:-1]  # without the braces
        why = f": only {cal.unserved} parties left unserved, too few to estimate" if key == "patience" else ""
        lines.append(f"  {text}   # from the base scenario{why}")
    if fit is not None:
        text = to_yaml(fit.as_distribution(), flow=True).strip()
        lines.append(
            f"  patience: {text}   # censored MLE: {cal.unserved} parties left unserved, {fit.censored} greeted "
            f"(censored at their wait); {fit.dist}, lowest AIC ({_aics(fit)})"
        )
    return lines


def _aics(fit: Fit) -> str:
    return ", ".join(f"{name} {value:.0f}" for name, value in sorted(fit.aic.items(), key=lambda kv: kv[1]))


def _rounded_shares(sizes: pd.DataFrame) -> list[float]:
    """Shares to 4 places that still sum to exactly 1."""
    shares = [round(s, 4) for s in sizes["share"]]
    if shares:
        biggest = int(np.argmax(shares))
        shares[biggest] = round(1.0 - sum(shares) + shares[biggest], 4)
    return shares
