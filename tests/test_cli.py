"""The command line, as a user runs it: real processes, real files."""

import json
import subprocess
import sys

import pandas as pd
import pytest
from helpers import ROOT

NATIONAL_DAY = ROOT / "scenarios" / "national_day_peak.yaml"


def anchang(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


@pytest.fixture(scope="module")
def national_day_json(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    done = anchang("run", NATIONAL_DAY, "--reps", 3, "--seed", 5, "--workers", 2, "--out", out, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), out


def test_run_json_has_the_promised_keys(national_day_json):
    summary, _ = national_day_json
    assert set(summary["parties"]) >= {"arrived", "served", "reneged"}
    assert set(summary["greet_wait_min"]) >= {"mean", "p90", "ci95"}
    assert len(summary["greet_wait_min"]["ci95"]) == 2
    assert 0 <= summary["greet_within_target_share"] <= 1
    assert summary["time_in_gallery_min"]["mean"] > 0
    assert 0 < summary["guide_utilisation"] <= 1
    show_a = summary["zones"]["show_a"]
    assert set(show_a) >= {"max_persons", "p95_persons", "capacity"}
    assert show_a["capacity"] == 20 and show_a["max_persons"] <= 20
    assert summary["replications"] == 3 and summary["seed"] == 5


def test_run_writes_tables_logs_and_plots(national_day_json):
    summary, out = national_day_json
    for name in (
        "kpis.csv",
        "half_hours.csv",
        "zones.csv",
        "flows.csv",
        "summary.json",
        "greeting_wait.png",
        "zone_occupancy.png",
        "guides_busy.png",
    ):
        assert (out / name).stat().st_size > 0, name
    logs = sorted((out / "events").glob("rep_*.parquet"))
    assert [p.name for p in logs] == ["rep_0000.parquet", "rep_0001.parquet", "rep_0002.parquet"]
    log = pd.read_parquet(logs[0])
    assert (log["event"] == "arrive").sum() > 0
    kpis = pd.read_csv(out / "kpis.csv").set_index("metric")
    assert kpis.loc["parties_arrived", "mean"] == pytest.approx(summary["parties"]["arrived"], rel=1e-3)


def test_run_prints_a_readable_summary(tmp_path):
    done = anchang("run", ROOT / "scenarios" / "weekday.yaml", "--reps", 2, "--workers", 1, "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    for words in ("greeted within target", "By half hour", "Show unit A (89 m²)", "Written to"):
        assert words in done.stdout
    assert "show_a" not in done.stdout  # people read display names; ids stay in the files


def test_run_speaks_chinese_with_lang_zh(tmp_path):
    done = anchang("--lang", "zh", "run", ROOT / "scenarios" / "weekday.yaml", "--reps", 2, "--workers", 1,
                   "--out", tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "样板间A 89㎡" in done.stdout and "show_a" not in done.stdout
    assert "greeted within target" not in done.stdout


def test_a_shorter_rerun_leaves_no_stale_logs(tmp_path):
    for reps in (3, 1):
        assert (
            anchang(
                "run",
                ROOT / "scenarios" / "weekday.yaml",
                "--reps",
                reps,
                "--workers",
                1,
                "--out",
                tmp_path,
                "--json",
            ).returncode
            == 0
        )
    assert [p.name for p in (tmp_path / "events").glob("*.parquet")] == ["rep_0000.parquet"]


def test_validate_accepts_every_shipped_file():
    files = sorted((ROOT / "layouts").glob("*.yaml")) + sorted((ROOT / "scenarios").glob("*.yaml"))
    done = anchang("validate", *files)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(": ok") == len(files)


def test_validate_stops_at_the_first_bad_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nzones: []\npassages: []\n", encoding="utf-8")
    done = anchang(
        "validate", ROOT / "layouts" / "one_floor_gallery.yaml", bad, ROOT / "scenarios" / "weekday.yaml"
    )
    assert done.returncode == 2
    assert done.stdout.count(": ok") == 1 and "weekday" not in done.stdout
    assert "zones: needs at least 1 item(s)" in done.stderr


def test_run_on_a_missing_scenario_is_a_clear_error(tmp_path):
    done = anchang("run", tmp_path / "nope.yaml")
    assert (
        done.returncode == 2 and "nope.yaml: file not found" in done.stderr and "Traceback" not in done.stderr
    )


def test_schema_prints_json_schema():
    done = anchang("schema", "scenario")
    schema = json.loads(done.stdout)
    assert schema["title"] == "Anchang scenario" and "journey" in schema["properties"]
    assert anchang("schema", "floorplan").returncode == 2


def _console_leaks(stdout: str) -> list[str]:
    """Ids of the shipped layouts anywhere in a console's output, and table headers left in English."""
    from zh_scan import ascii_only, ids_in

    headers = [
        cell.strip() for line in stdout.splitlines() if line.startswith("┃") for cell in line.split("┃")
    ]
    return [f"header {h!r}" for h in headers if h and ascii_only(h)] + [f"id {i!r}" for i in ids_in(stdout)]


@pytest.mark.parametrize(
    "command",
    [
        ("run", "scenarios/national_day_peak.yaml", "--reps", 2, "--workers", 1),
        ("staff", "scenarios/weekday.yaml", "--reps", 2, "--verify-days", 20),
        ("evac", "scenarios/national_day_peak.yaml", "--reps", 3),
        ("congestion", "scenarios/launch_day.yaml", "--reps", 2),
    ],
    ids=lambda c: c[0],
)
def test_the_chinese_console_shows_display_names_and_chinese_headers(command, tmp_path):
    done = anchang("--lang", "zh", "--store", "off", *command, "--out", tmp_path, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "┃" in done.stdout and _console_leaks(done.stdout) == []
