"""Use case: calibrate a scenario from a visitor log (``anchang calibrate``), and simulate a log.

The log is read and cleaned row by row (each dropped row with its reason), one day type is
estimated, and the calibrated scenario's text is made on the base's layout and staffing, every
estimated number with a comment saying where it came from. The text is validated as if it were
already the file it will be written to.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.calibration.estimate import Calibration, profiles_by_day_type
from sim.analysis.calibration.estimate import calibrate as estimate
from sim.analysis.calibration.fit import Fit
from sim.analysis.calibration.scenario_text import scenario_text
from sim.analysis.calibration.synthetic import synthetic_log as simulate_log
from sim.core.problems import refuse
from sim.io.files import file_data, load_scenario, validate_text
from sim.io.visitorlog import STAGE_COLUMNS, clean, normalise, read_log
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.plan.settings import RunSettings


@dataclass
class CalibrationStudy:
    """A calibration and what it rests on."""

    calibration: Calibration
    dropped: pd.DataFrame  # line, party_id, reason (English), code, params
    rows: int  # rows in the log
    scenario_text: str  # the calibrated scenario, to be written to ``out``
    tables: dict[str, pd.DataFrame]  # the report tables


def only_if(base: dict[str, Any]) -> dict[str, str | None]:
    """For each log stage column in the base journey: the column of the stage it depends on."""
    column_of = {kind: column for column, kind in STAGE_COLUMNS.items()}
    stages = base.get("journey", {}).get("stages", [])
    kind_of = {s["id"]: s["kind"] for s in stages}
    found = {}
    for stage in stages:
        if stage["kind"] in column_of:
            depends = stage.get("only_if")
            parent = kind_of.get(depends) if depends is not None else None
            found[column_of[stage["kind"]]] = column_of.get(parent) if parent is not None else None
    return found


def fit_row(fit: Fit) -> dict[str, Any]:
    """A fit as a table row: the family, mean, CV, data and each candidate's AIC."""
    aics = {f"aic_{name}": fit.aic.get(name) for name in ("exponential", "gamma", "lognormal")}
    return {"dist": fit.dist, "mean_min": fit.mean_min, "cv": fit.cv, "n": fit.n, "censored": fit.censored,
            **aics, "ks_p": fit.ks_p}  # fmt: skip


def _tables(cal: Calibration, dropped: pd.DataFrame) -> dict[str, pd.DataFrame]:
    fits = [
        {"what": f"dwell: {column}", **fit_row(fit)} for column, fit in cal.fits.items() if fit is not None
    ]
    if cal.patience is not None:
        fits.append({"what": "patience", **fit_row(cal.patience)})
    return {
        "dropped": dropped.drop(columns=["params"]), "profile": cal.profile, "party_size": cal.party_size,
        "stages": cal.stages, "fits": pd.DataFrame(fits), "day_types": cal.day_types,
    }  # fmt: skip


def calibrate(
    *, log: Path, base: Path, out: Path, day_type: str | None = None, days: list[str] | None = None
) -> CalibrationStudy:
    """Estimate a scenario from a visitor log, on the base scenario's layout and staffing.

    Raises:
        InputError: for an unreadable log, one with no usable row, an unknown day type, or a
            calibrated scenario that does not validate.
    """
    base_scenario = load_scenario(base)
    raw = read_log(log)
    open_s, close_s = base_scenario.hours.open * 60.0, base_scenario.hours.close * 60.0
    parties, dropped = clean(normalise(raw, str(log)), open_s, close_s)
    if days:
        parties = parties[parties["date"].isin(set(days))]
    if parties.empty:
        raise refuse("", "no_usable_parties", str(log), dropped=len(dropped), rows=len(raw))
    counts = parties.groupby("day_type")["date"].nunique()
    chosen = day_type or str(counts.idxmax())
    if chosen not in counts.index:
        raise refuse("--day-type", "no_such_day_type", day_type=repr(chosen), types=", ".join(counts.index))
    data = file_data(base)
    cal = estimate(parties, open_s, close_s, chosen, only_if(data))
    layout_file = Path(base).parent / data["layout"] if isinstance(data.get("layout"), str) else None
    layout_ref = os.path.relpath(layout_file, out.resolve().parent) if layout_file else None
    text = scenario_text(cal, data, layout_ref, log.name, len(dropped))
    validate_text(text, out)  # the scenario to be written loads and checks against its layout
    tables = _tables(cal, dropped) | {"profile_by_day_type": profiles_by_day_type(parties, open_s, close_s)}
    return CalibrationStudy(cal, dropped, len(raw), text, tables)


def synthetic_log(
    *, layout: Layout, scenario: Scenario, days: int, settings: RunSettings | None = None
) -> pd.DataFrame:
    """A visitor log simulated from a known scenario: ``days`` weekdays, one replication each."""
    resolved = (settings or RunSettings()).resolve(scenario)
    return simulate_log(layout, scenario, days, resolved.seed)
