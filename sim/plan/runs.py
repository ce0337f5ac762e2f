"""Use case: read the run store back (``anchang runs``): compare two stored runs, export one.

Two runs are compared by what differs in their inputs (dotted key paths of the YAML they ran),
their setup, and their KPIs: side by side with 95% CIs, and — when both ran the same seed —
replication by replication, whose paired CI is far narrower (common random numbers).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sim.io.yamltext import to_yaml
from sim.metrics.stats import ci95
from sim.store.outputs import write_frames
from sim.store.runstore import RunStore

SETUP = ("command", "seed", "replications", "code_version")


@dataclass
class RunComparison:
    """What differs between two stored runs."""

    runs: tuple[int, int]
    commands: tuple[str, str]  # the command each ran (run, staff, evac, plan, sweep)
    setup: dict[str, tuple[Any, Any]]  # setting → (first, second), where they differ
    inputs: dict[str, dict[str, tuple[Any, Any]]]  # input kind → key path → (first, second)
    kpis: pd.DataFrame  # metric, means and CIs of both, difference, overlap; paired columns with one seed
    paired: bool  # whether the KPIs carry the paired difference (same seed, ≥ 2 common replications)


def compare_runs(store: RunStore, first: int, second: int) -> RunComparison:
    """Two stored runs: their input differences, setup differences and KPIs.

    Raises:
        InputError: for a run id not in the store.
    """
    a, b = store.get(first), store.get(second)
    setup = {k: (a[k], b[k]) for k in SETUP if a[k] != b[k]}
    kpis = _kpi_comparison(store, a, b)
    return RunComparison(
        (first, second),
        (a["command"], b["command"]),
        setup,
        input_differences(a, b),
        kpis,
        "paired_low" in kpis,
    )


def input_differences(a: dict, b: dict) -> dict[str, dict[str, tuple[Any, Any]]]:
    """Per input kind, the key paths whose values differ (nothing for identical content)."""
    out = {}
    for kind in sorted(set(a["inputs"]) | set(b["inputs"])):
        x, y = a["inputs"].get(kind), b["inputs"].get(kind)
        if x is None or y is None:
            out[kind] = {"(file)": (x and x["file"], y and y["file"])}
        elif x["hash"] == y["hash"]:
            out[kind] = {}
        else:
            found = _diff(yaml.safe_load(x["text"]), yaml.safe_load(y["text"]))
            out[kind] = {k: v for k, v in found.items() if k != "layout"}  # where the layout file was
    return out


def _diff(x: Any, y: Any, path: str = "") -> dict[str, tuple[Any, Any]]:
    """Dotted paths where two documents differ."""
    if isinstance(x, dict) and isinstance(y, dict):
        found: dict[str, tuple[Any, Any]] = {}
        for key in list(x) + [k for k in y if k not in x]:
            found |= _diff(x.get(key), y.get(key), f"{path}.{key}" if path else str(key))
        return found
    if isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
        found = {}
        for i, (u, v) in enumerate(zip(x, y, strict=True)):
            found |= _diff(u, v, f"{path}[{i}]")
        return found
    return {} if x == y else {path or "(root)": (x, y)}


def _kpi_comparison(store: RunStore, a: dict, b: dict) -> pd.DataFrame:
    if "kpis" not in a["frames"] or "kpis" not in b["frames"]:
        return pd.DataFrame(columns=["metric"])
    x = store.frame(a["run_id"], "kpis")[["metric", "mean", "ci_low", "ci_high"]]
    y = store.frame(b["run_id"], "kpis")[["metric", "mean", "ci_low", "ci_high"]]
    both = x.merge(y, on="metric", suffixes=("_a", "_b"))
    both.columns = ["metric", "mean_a", "low_a", "high_a", "mean_b", "low_b", "high_b"]
    both["difference"] = both["mean_b"] - both["mean_a"]
    both["overlap"] = (both["low_a"] <= both["high_b"]) & (both["low_b"] <= both["high_a"])
    paired = _paired(store, a, b)
    return both.merge(paired, on="metric", how="left") if paired is not None else both


def _paired(store: RunStore, a: dict, b: dict) -> pd.DataFrame | None:
    """B − A replication by replication, when both ran the same seed (common random numbers)."""
    if a["seed"] != b["seed"] or "replications" not in a["frames"] or "replications" not in b["frames"]:
        return None
    x = store.frame(a["run_id"], "replications").set_index("replication")
    y = store.frame(b["run_id"], "replications").set_index("replication")
    common = x.index.intersection(y.index)
    if len(common) < 2:
        return None
    rows = []
    for metric in x.columns.intersection(y.columns):
        mean, low, high = ci95((y.loc[common, metric] - x.loc[common, metric]).to_numpy(dtype=float))
        rows.append({"metric": metric, "paired_difference": mean, "paired_low": low, "paired_high": high,
                     "pairs": len(common)})  # fmt: skip
    return pd.DataFrame(rows)


def export_run(store: RunStore, run_id: int, folder: Path) -> list[str]:
    """Write a run out: scenario.yaml and layout.yaml that run again, run.json, tables and log.

    Returns the names of the files written.
    """
    run = store.get(run_id)
    folder.mkdir(parents=True, exist_ok=True)
    inputs = run["inputs"]
    if "scenario" in inputs:
        scenario = yaml.safe_load(inputs["scenario"]["text"])
        scenario.pop("based_on", None)  # its base is merged in already
        if "layout" in inputs:
            scenario["layout"] = "layout.yaml"
        (folder / "scenario.yaml").write_text(to_yaml(scenario), "utf-8")
    if "layout" in inputs:
        (folder / "layout.yaml").write_text(inputs["layout"]["text"], "utf-8")
    meta = {k: v for k, v in run.items() if k != "inputs"} | {
        "inputs": {k: {"file": v["file"], "sha256": v["hash"]} for k, v in inputs.items()}
    }
    (folder / "run.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2, default=str), "utf-8")
    write_frames(store.frames(run_id), folder)
    if run["total"] is not None:
        children = store.children(run_id)
        pd.DataFrame(list(children["summary"])).to_csv(
            folder / "sweep.csv", index=False, encoding="utf-8-sig"
        )
    if run["events"] and Path(run["events"]).is_file():
        shutil.copyfile(run["events"], folder / "events.parquet")
    return sorted(p.name for p in folder.iterdir())
