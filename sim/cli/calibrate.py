"""``anchang calibrate`` and ``anchang synthetic-log`` (front end only)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from sim.cli.common import Seed, console, count_option, lang, say, settings
from sim.plan.calibration import CalibrationStudy


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
    from sim.plan.calibration import calibrate as estimate
    from sim.store.outputs import write_frames

    wanted = [d.strip() for d in days.split(",") if d.strip()] if days else None
    study = estimate(log=log, base=base, out=out, day_type=day_type, days=wanted)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(study.scenario_text, encoding="utf-8")
    folder = report or out.parent / f"{out.stem}_calibration"
    write_frames(study.tables, folder)
    if as_json:
        typer.echo(json.dumps(_document(study, out), ensure_ascii=False, indent=2, default=float))
        return
    _print(study, out, folder)


def _document(study: CalibrationStudy, out: Path) -> dict[str, Any]:
    from sim.plan.calibration import fit_row

    cal = study.calibration
    mean, low, high = cal.parties_per_day
    return {
        "scenario": str(out),
        "day_type": cal.day_type,
        "days": cal.days,
        "parties_per_day": {"mean": mean, "ci95": [low, high]},
        "profile": cal.profile.to_dict("records"),
        "party_size": cal.party_size.to_dict("records"),
        "stages": cal.stages.to_dict("records"),
        "fits": {c: None if f is None else fit_row(f) for c, f in cal.fits.items()},
        "patience": None if cal.patience is None else fit_row(cal.patience),
        "dropped": study.dropped.drop(columns=["params"]).to_dict("records"),
    }


def _print(study: CalibrationStudy, out: Path, folder: Path) -> None:
    from rich.table import Table

    from sim.core.text import text

    screen, cal, dropped, reader = console(), study.calibration, study.dropped, lang()
    if len(cal.day_types) > 1:
        for row in cal.day_types.itertuples():
            screen.print(say("console.calibrate.day_type", day_type=row.day_type, days=row.days,
                             parties=f"{row.parties_per_day:.1f}"))  # fmt: skip
        screen.print(say("console.calibrate.day_types"))
    mean, low, high = cal.parties_per_day
    screen.print(say("console.calibrate.heading", day_type=cal.day_type, days=len(cal.days), mean=f"{mean:.1f}",
                     low=f"{low:.1f}", high=f"{high:.1f}", used=study.rows - len(dropped), rows=study.rows))  # fmt: skip
    if len(dropped):
        view = Table(
            say("console.calibrate.dropped"),
            say("console.calibrate.reason"),
            title=say("console.calibrate.left_out"),
        )
        for _code, group in dropped.groupby("code", sort=False):
            first = group.iloc[0]
            reason = text(f"dropped.{first['code']}", reader, **first["params"])
            view.add_row(str(len(group)), say("console.calibrate.at_line", reason=reason, line=first["line"]))
        screen.print(view)
    screen.print(_fits(study))
    screen.print(say("console.calibrate.done", out=out, folder=folder))


def _fits(study: CalibrationStudy) -> Any:
    from rich.table import Table

    cal = study.calibration
    heads = ("what", "parties", "probability", "fit", "mean", "cv", "ks")
    view = Table(
        *(say(f"console.calibrate.column.{h}") for h in heads), title=say("console.calibrate.stages")
    )
    for row in cal.stages.itertuples():
        fit = cal.fits.get(row.column)
        view.add_row(
            row.column, f"{row.parties}/{row.eligible}", f"{row.probability:.3f}",
            fit.dist if fit else say("console.calibrate.too_few"), f"{fit.mean_min:.1f}" if fit else "",
            f"{fit.cv:.2f}" if fit and fit.cv is not None else "", f"{fit.ks_p:.2f}" if fit and fit.ks_p is not None else "",
        )  # fmt: skip
    if cal.patience is not None:
        p = cal.patience
        left = say("console.calibrate.censored", left=cal.unserved, censored=p.censored)
        view.add_row(
            say("console.calibrate.patience"), left, "", p.dist, f"{p.mean_min:.1f}", f"{p.cv:.2f}", ""
        )
    return view


def synthetic_log(
    scenario: Annotated[Path, typer.Argument(help="the known scenario to simulate")],
    out: Annotated[Path, typer.Option(help="CSV to write; put SYNTHETIC in its name")],
    days: Annotated[int, count_option("weekdays to simulate", least=1)] = 30,
    seed: Seed = None,
) -> None:
    """Simulate a visitor log from a known scenario, to test calibration against the truth."""
    from sim.io.files import load_pair
    from sim.plan.calibration import synthetic_log as simulate_log

    layout, known = load_pair(scenario)
    frame = simulate_log(layout=layout, scenario=known, days=days, settings=settings(record=False, seed=seed))
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False, encoding="utf-8")
    typer.echo(say("console.calibrate.synthetic", parties=len(frame), days=days, out=out))
