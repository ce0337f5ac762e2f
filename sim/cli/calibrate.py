"""``anchang calibrate`` and ``anchang synthetic-log`` (front end only)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer


def calibrate(
    log: Annotated[Path, typer.Argument(help="visitor log CSV (来访登记表), English or Chinese headers")],
    base: Annotated[Path, typer.Option(help="base scenario: layout, guides, targets and what the log lacks")],
    out: Annotated[Path, typer.Option(help="the calibrated scenario YAML to write")],
    day_type: Annotated[
        str | None, typer.Option(help="which days to calibrate (weekday, weekend, … default: the most days)")
    ] = None,
    days: Annotated[str | None, typer.Option(help="only these dates, comma-separated YYYY-MM-DD")] = None,
    report: Annotated[
        Path | None, typer.Option(help="folder for the report tables (default: beside --out)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the estimates as JSON")] = False,
) -> None:
    """Estimate arrivals, party sizes, stage probabilities and dwells, and patience from a visitor log.

    Writes a scenario on the base's layout and staffing with a comment on every estimated number,
    and report tables: dropped rows with reasons, the half-hour profile with CIs, the fits.
    """
    import pandas as pd

    from sim.analysis.calibration.estimate import calibrate as estimate
    from sim.analysis.calibration.estimate import profiles_by_day_type
    from sim.analysis.calibration.scenario_text import scenario_text
    from sim.core.problems import InputError, Problem
    from sim.io.files import file_data, load_scenario, validate_file
    from sim.io.visitorlog import clean, normalise

    base_scenario = load_scenario(base)
    raw = _read_csv(log)
    open_s, close_s = base_scenario.hours.open * 60.0, base_scenario.hours.close * 60.0
    parties, dropped = clean(normalise(raw, str(log)), open_s, close_s)
    if days:
        wanted = {d.strip() for d in days.split(",") if d.strip()}
        parties = parties[parties["date"].isin(wanted)]
    if parties.empty:
        raise InputError(
            [Problem("", f"no usable parties: {len(dropped)} of {len(raw)} rows dropped")], str(log)
        )
    counts = parties.groupby("day_type")["date"].nunique()
    chosen = day_type or str(counts.idxmax())
    if chosen not in counts.index:
        raise InputError(
            [Problem("--day-type", f"no {chosen!r} days in the log; it has {', '.join(counts.index)}")]
        )
    data = file_data(base)
    cal = estimate(parties, open_s, close_s, chosen, _only_if(data))
    layout_file = Path(base).parent / data["layout"] if isinstance(data.get("layout"), str) else None
    layout_ref = os.path.relpath(layout_file, out.resolve().parent) if layout_file else None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(scenario_text(cal, data, layout_ref, log.name, len(dropped)), encoding="utf-8")
    validate_file(out)  # the written scenario loads and checks against its layout
    folder = report or out.parent / f"{out.stem}_calibration"
    tables = _tables(cal, dropped) | {"profile_by_day_type": profiles_by_day_type(parties, open_s, close_s)}
    from sim.store.outputs import write_frames

    write_frames(tables, folder)
    if as_json:
        typer.echo(json.dumps(_document(cal, dropped, out), ensure_ascii=False, indent=2, default=float))
        return
    _print(cal, dropped, len(raw), out, folder, pd)


def _read_csv(path: Path):
    import pandas as pd

    from sim.core.problems import InputError, Problem

    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError([Problem("", "file not found")], str(path)) from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        message = str(exc).splitlines()[0]
        raise InputError([Problem("", f"not a readable UTF-8 CSV: {message}")], str(path)) from None


def _only_if(base: dict) -> dict[str, str | None]:
    """For each log stage column in the base journey: the column of the stage it depends on."""
    from sim.io.visitorlog import STAGE_COLUMNS

    column_of = {kind: column for column, kind in STAGE_COLUMNS.items()}
    stages = base.get("journey", {}).get("stages", [])
    kind_of = {s["id"]: s["kind"] for s in stages}
    found = {}
    for stage in stages:
        if stage["kind"] in column_of:
            parent = kind_of.get(stage.get("only_if"))
            found[column_of[stage["kind"]]] = column_of.get(parent)
    return found


def _tables(cal, dropped) -> dict:
    import pandas as pd

    fits = [
        {"what": f"dwell: {column}", **_fit_row(fit)} for column, fit in cal.fits.items() if fit is not None
    ] + ([{"what": "patience", **_fit_row(cal.patience)}] if cal.patience is not None else [])
    return {
        "dropped": dropped,
        "profile": cal.profile,
        "party_size": cal.party_size,
        "stages": cal.stages,
        "fits": pd.DataFrame(fits),
        "day_types": cal.day_types,
    }


def _fit_row(fit) -> dict:
    aics = {f"aic_{name}": fit.aic.get(name) for name in ("exponential", "gamma", "lognormal")}
    return {"dist": fit.dist, "mean_min": fit.mean_min, "cv": fit.cv, "n": fit.n, "censored": fit.censored,
            **aics, "ks_p": fit.ks_p}  # fmt: skip


def _document(cal, dropped, out: Path) -> dict:
    mean, low, high = cal.parties_per_day
    return {
        "scenario": str(out),
        "day_type": cal.day_type,
        "days": cal.days,
        "parties_per_day": {"mean": mean, "ci95": [low, high]},
        "profile": cal.profile.to_dict("records"),
        "party_size": cal.party_size.to_dict("records"),
        "stages": cal.stages.to_dict("records"),
        "fits": {c: None if f is None else _fit_row(f) for c, f in cal.fits.items()},
        "patience": None if cal.patience is None else _fit_row(cal.patience),
        "dropped": dropped.to_dict("records"),
    }


def _print(cal, dropped, rows: int, out: Path, folder: Path, pd) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if len(cal.day_types) > 1:
        for row in cal.day_types.itertuples():
            console.print(f"  {row.day_type}: {row.days} day(s), {row.parties_per_day:.1f} parties a day")
        console.print("  (each day type's half-hour profile: profile_by_day_type.csv; --day-type picks one)")
    mean, low, high = cal.parties_per_day
    console.print(
        f"[bold]{cal.day_type}[/]: {len(cal.days)} day(s), {mean:.1f} parties a day [{low:.1f}, {high:.1f}]; "
        f"{rows - len(dropped)} of {rows} rows used"
    )
    if len(dropped):
        reasons = dropped["reason"].str.replace(r"\d{1,2}:\d{2}(:\d{2})?|line \d+|'[^']*'", "…", regex=True)
        view = Table("dropped rows", "reason (first line)", title="Rows left out, and why")
        for _reason, group in dropped.groupby(reasons, sort=False):
            view.add_row(str(len(group)), f"{group['reason'].iloc[0]} (line {group['line'].iloc[0]})")
        console.print(view)
    fits = Table(
        "what", "parties", "probability", "fit", "mean min", "cv", "KS p", title="Stages and patience"
    )
    for row in cal.stages.itertuples():
        fit = cal.fits.get(row.column)
        fits.add_row(
            row.column, f"{row.parties}/{row.eligible}", f"{row.probability:.3f}", fit.dist if fit else "too few",
            f"{fit.mean_min:.1f}" if fit else "", f"{fit.cv:.2f}" if fit else "", f"{fit.ks_p:.2f}" if fit else "",
        )  # fmt: skip
    if cal.patience is not None:
        p = cal.patience
        fits.add_row(
            "patience",
            f"{cal.unserved} left, {p.censored} censored",
            "",
            p.dist,
            f"{p.mean_min:.1f}",
            f"{p.cv:.2f}",
            "",
        )
    console.print(fits)
    console.print(f"Scenario: {out} (validated; `anchang run {out}`). Report tables: {folder}/")


def synthetic_log(
    scenario: Annotated[Path, typer.Argument(help="the known scenario to simulate")],
    out: Annotated[Path, typer.Option(help="CSV to write; put SYNTHETIC in its name")],
    days: Annotated[int, typer.Option(min=1, help="weekdays to simulate")] = 30,
    seed: Annotated[int | None, typer.Option(min=0, help="root seed (default: the scenario's)")] = None,
) -> None:
    """Simulate a visitor log from a known scenario, to test calibration against the truth."""
    from sim.analysis.calibration.estimate import synthetic_log as simulate_log
    from sim.io.files import load_pair

    layout, known = load_pair(scenario)
    frame = simulate_log(layout, known, days, known.run.seed if seed is None else seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False, encoding="utf-8")
    typer.echo(f"{len(frame)} parties on {days} days written to {out}")
