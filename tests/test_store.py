"""The run store: lossless round trip, export that runs again, two writers, kill and resume a sweep."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from helpers import ROOT
from test_cli import anchang

from sim.io.files import file_data, load_pair
from sim.plan.settings import RunSettings
from sim.plan.sweep_keeper import sweep
from sim.runner.replications import run
from sim.store.outputs import read_events
from sim.store.provenance import inputs_of
from sim.store.runstore import Record, RunStore, StoreBusy

WEEKDAY = ROOT / "scenarios" / "weekday.yaml"
NATIONAL_DAY = ROOT / "scenarios" / "national_day_peak.yaml"


@pytest.fixture
def store(tmp_path, monkeypatch):
    path = tmp_path / "store" / "runs.duckdb"
    monkeypatch.setenv("ANCHANG_STORE", str(path))
    return RunStore(path)


def test_a_run_round_trips_losslessly(store, tmp_path):
    layout, scenario = load_pair(WEEKDAY)
    results = run(layout, scenario, 3, 11, workers=1, log_dir=tmp_path / "events")
    frames = {
        "kpis": results.kpis, "half_hours": results.half_hours, "zones": results.zones,
        "flows": results.flows, "guides": results.guides, "occupancy": results.occupancy,
    }  # fmt: skip
    summary = {"share": 0.875, "nested": {"list": [1, 2.5, None], "text": "接待"}}
    run_id = store.record(
        Record(
            "run", inputs_of(WEEKDAY), 11, 3, {"reps": 3}, summary, "headline", frames, tmp_path / "events"
        )
    )
    kept = store.get(run_id)
    assert (kept["command"], kept["status"], kept["seed"], kept["replications"]) == ("run", "done", 11, 3)
    assert kept["summary"] == summary and kept["args"] == {"reps": 3}
    assert yaml.safe_load(kept["inputs"]["scenario"]["text"]) == file_data(WEEKDAY)
    assert yaml.safe_load(kept["inputs"]["layout"]["text"]) == file_data(
        ROOT / "layouts" / "one_floor_gallery.yaml"
    )
    back = store.frames(run_id)
    assert set(back) == set(frames)
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(back[name], frame.reset_index(drop=True), check_exact=True, obj=name)
    logs = store.events(run_id)
    assert sorted(logs["replication"].unique()) == [0, 1, 2]
    for rep in range(3):
        mine = _plain(logs[logs["replication"] == rep].drop(columns="replication"))
        pd.testing.assert_frame_equal(mine, _plain(read_events(tmp_path / "events", rep)), check_exact=True)


def _plain(log):
    """Categorical columns as text: each replication has its own categories."""
    return log.reset_index(drop=True).astype({c: str for c in log.select_dtypes("category").columns})


def test_tables_keep_their_columns_and_types_as_the_code_changes(store):
    first = pd.DataFrame({"slot": ["09:00", "09:30"], "guides": [3, 4], "share": [0.5, float("nan")]})
    second = pd.DataFrame(
        {
            "slot": pd.Categorical(["10:00"]),
            "guides": [2.5],  # was whole numbers
            "share": ["n/a"],  # was a number
            "new": [True],
            "odd": [{"a": [1, 2]}],
        }
    )
    one = store.record(Record("run", [], frames={"slots": first}))
    two = store.record(Record("run", [], frames={"slots": second}))
    pd.testing.assert_frame_equal(store.frame(one, "slots"), first, check_exact=True)
    pd.testing.assert_frame_equal(store.frame(two, "slots"), second, check_exact=True)


def test_the_same_content_has_the_same_hash_whatever_its_formatting(tmp_path):
    data = file_data(WEEKDAY)
    reformatted = tmp_path / "weekday.yaml"
    reformatted.write_text(
        "# a comment\n" + yaml.safe_dump(dict(reversed(list(data.items()))), allow_unicode=True), "utf-8"
    )
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump({**data, "name": "other"}, allow_unicode=True), "utf-8")
    hashes = [
        inputs_of(f, ROOT / "layouts" / "one_floor_gallery.yaml")[0].hash
        for f in (WEEKDAY, reformatted, changed)
    ]
    assert hashes[0] == hashes[1] != hashes[2]


def test_an_exported_run_runs_again_to_the_same_numbers(store, tmp_path):
    done = anchang(
        "run", WEEKDAY, "--reps", 2, "--seed", 3, "--workers", 1, "--out", tmp_path / "a", "--json"
    )
    assert done.returncode == 0, done.stderr
    assert "Recorded as run 1" in done.stderr
    done = anchang("runs", "export", 1, "--out", tmp_path / "export")
    assert done.returncode == 0, done.stderr
    again = anchang(
        "run", tmp_path / "export" / "scenario.yaml", "--reps", 2, "--seed", 3, "--workers", 1,
        "--out", tmp_path / "b", "--json",
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["greet_wait_min"] == store.get(1)["summary"]["greet_wait_min"]
    first, second = store.frame(1, "kpis"), store.frame(2, "kpis")
    pd.testing.assert_frame_equal(first, second, check_exact=True)
    comparison = anchang("runs", "compare", 1, 2, "--json")
    assert comparison.returncode == 0, comparison.stderr
    document = json.loads(comparison.stdout)
    assert document["inputs"] == {"layout": {}, "scenario": {}}  # same content; only the path moved
    assert all(row["difference"] == 0 for row in document["kpis"])
    assert all(row["paired_low"] == row["paired_high"] == 0 for row in document["kpis"])  # same seed: paired


def test_compare_pairs_replications_only_on_the_same_seed(store):
    kpis = pd.DataFrame({"metric": ["wait"], "mean": [2.0], "ci_low": [1.0], "ci_high": [3.0]})
    days = pd.DataFrame({"replication": [0, 1, 2, 3], "wait": [1.0, 2.0, 3.0, 2.0]})
    later = days.assign(wait=days["wait"] + [0.5, 0.4, 0.6, 0.5])  # every day a little worse
    for seed, d in ((7, days), (7, later), (8, later)):
        store.record(Record("run", [], seed=seed, replications=4, frames={"kpis": kpis, "replications": d}))
    same = json.loads(anchang("runs", "compare", 1, 2, "--json").stdout)["kpis"][0]
    assert same["paired_difference"] == pytest.approx(0.5) and same["pairs"] == 4
    assert 0 < same["paired_low"] < 0.5 < same["paired_high"]  # clear, though the separate CIs overlap
    assert same["overlap"]
    other = json.loads(anchang("runs", "compare", 1, 3, "--json").stdout)["kpis"][0]
    assert "paired_low" not in other  # different seeds: no pairing


def test_runs_list_show_and_clear_messages(store, tmp_path):
    missing = anchang("runs", "list")
    assert missing.returncode == 2 and "no run store here yet" in missing.stderr
    assert anchang("run", WEEKDAY, "--reps", 2, "--workers", 1, "--out", tmp_path, "--json").returncode == 0
    listed = anchang("runs", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["run_id"], r["command"], r["status"]) for r in rows] == [(1, "run", "done")]
    assert rows[0]["headline"].startswith("greeted ≤5 min")
    shown = anchang("runs", "show", 1)
    assert shown.returncode == 0 and "greet_within_target_share" in shown.stdout and "sha256" in shown.stdout
    nothing = anchang("runs", "show", 99)
    assert nothing.returncode == 2 and "no run 99" in nothing.stderr and "Traceback" not in nothing.stderr


WRITER = """
import sys
from sim.store.runstore import Record, RunStore
store = RunStore(sys.argv[1])
for i in range(int(sys.argv[2])):
    store.record(Record("run", [], seed=i, summary={"writer": sys.argv[3], "i": i}))
"""


HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.read()
con.close()
"""


def test_two_processes_writing_at_once_both_land(store):
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(store.path), "15", name]) for name in ("a", "b")
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    kept = store.runs(limit=None)
    assert len(kept) == 30 and kept["run_id"].is_unique
    writers_seen = sorted(
        (store.get(i)["summary"]["writer"], store.get(i)["summary"]["i"]) for i in kept["run_id"]
    )
    assert writers_seen == sorted((w, i) for w in "ab" for i in range(15))


def test_a_writer_waits_for_the_lock_then_says_clearly_it_gave_up(store, tmp_path):
    store.record(Record("run", []))
    holder = subprocess.Popen(  # another process in a long write
        [sys.executable, "-c", HOLDER, str(store.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(StoreBusy, match=r"in use by another process for 0\.5 s"):
            RunStore(store.path, wait_s=0.5).record(Record("run", []))
        waiting = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(store.path), "1", "late"], stderr=subprocess.PIPE, text=True
        )
        time.sleep(1.5)
        assert waiting.poll() is None  # still waiting for the lock
    finally:
        holder.communicate("")  # releases the lock
    assert waiting.wait(timeout=60) == 0, waiting.stderr.read()
    assert len(store.runs()) == 2


def _sweep_file(tmp_path, values=8):
    path = tmp_path / "sweep.yaml"
    guides = list(range(20, 20 + 2 * values, 2))
    path.write_text(
        f"base: {NATIONAL_DAY}\nreplications: 2\nseed: 7\naxes:\n  guides.schedule.10:00: {guides}\n",
        encoding="utf-8",
    )
    return path


def _start_sweep(path, tmp_path, *extra, workers=2):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "sweep",
            str(path),
            "--workers",
            str(workers),
            "--out",
            str(tmp_path / "out"),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_children(store, count, process, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        if store.path.exists():
            parents = store.runs(command="sweep")
            if len(parents) and parents["children"].iloc[0] >= count:
                return int(parents["run_id"].iloc[0])
        time.sleep(0.1)
    raise AssertionError("the sweep kept too few configurations in time")


@pytest.mark.slow
def test_a_killed_sweep_resumes_and_keeps_each_configuration_exactly_once(store, tmp_path):
    path = _sweep_file(tmp_path)
    sweeping = _start_sweep(path, tmp_path)
    parent = _wait_for_children(store, 2, sweeping)
    workers = _children_of(sweeping.pid)
    assert len(workers) == 2  # a process pool, as an analyst's sweep has
    sweeping.send_signal(signal.SIGKILL)
    sweeping.wait(timeout=30)
    deadline = time.monotonic() + 20
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers)  # orphaned workers notice and exit
    killed = store.get(parent)
    kept_before = len(store.children(parent))
    assert killed["status"] == "running" and 2 <= kept_before < 8

    resumed = _start_sweep(path, tmp_path, "--resume")
    _, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, err
    assert f"Resuming run {parent}: {kept_before}/8" in err
    children = store.children(parent)
    assert list(children["config_index"]) == list(range(8))  # each exactly once
    assert store.get(parent)["status"] == "done" and len(store.runs(command="sweep")) == 1

    reference = sweep(file=path, settings=RunSettings(workers=1)).table  # uninterrupted, same seed
    resumed_table = pd.DataFrame(list(children["summary"]))
    pd.testing.assert_frame_equal(resumed_table, reference, check_exact=True, check_dtype=False)


def _children_of(pid):
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_ctrl_c_keeps_the_finished_configurations_and_says_how_to_resume(store, tmp_path):
    path = _sweep_file(tmp_path)
    sweeping = _start_sweep(path, tmp_path)
    parent = _wait_for_children(store, 1, sweeping)
    sweeping.send_signal(signal.SIGINT)
    _, err = sweeping.communicate(timeout=120)
    assert sweeping.returncode == 130, err
    assert "--resume" in err and "Traceback" not in err
    assert store.get(parent)["status"] == "interrupted"
    assert 1 <= len(store.children(parent)) < 8


def test_resume_without_a_store_is_refused(tmp_path):
    path = _sweep_file(tmp_path, values=2)
    done = anchang("--store", "off", "sweep", path, "--resume")
    assert done.returncode == 2 and "needs the run store" in done.stderr


def test_no_run_is_done_before_its_log_has_landed(store, tmp_path, monkeypatch):
    from sim.store import runstore

    layout, scenario = load_pair(WEEKDAY)
    run(layout, scenario, 2, 5, workers=1, log_dir=tmp_path / "events")

    def crash(source, target):
        raise KeyboardInterrupt  # the process stops between gathering the log and landing it

    monkeypatch.setattr(runstore, "_land", crash)
    with pytest.raises(KeyboardInterrupt):
        store.record(Record("run", [], seed=5, replications=2, events=tmp_path / "events"))
    monkeypatch.undo()
    assert store.runs(limit=None).empty  # no row names a log that is not there
    assert not list(store.logs.glob(".gathering-*"))  # and the temporary log is gone
    leftover = store.logs / ".gathering-999999999.parquet"  # one a killed process left behind
    leftover.write_bytes(b"half")
    run_id = store.record(Record("run", [], seed=5, replications=2, events=tmp_path / "events"))
    assert not leftover.exists()
    kept = store.get(run_id)
    assert kept["status"] == "done" and Path(kept["events"]).is_file()
    assert sorted(store.events(run_id)["replication"].unique()) == [0, 1]


def test_the_inputs_kept_are_the_files_as_read_at_the_start(tmp_path):
    from sim.plan.recording import Sources, inputs

    scenario = tmp_path / "weekday.yaml"
    scenario.write_text(
        WEEKDAY.read_text(encoding="utf-8").replace("../layouts", str(ROOT / "layouts")), "utf-8"
    )
    sources = Sources(scenario)  # made as the command starts
    scenario.write_text(scenario.read_text(encoding="utf-8").replace("parties: 28", "parties: 99"), "utf-8")
    kept = {i.kind: i for i in inputs(sources, None, None)}
    assert yaml.safe_load(kept["scenario"].text)["demand"]["parties"] == 28  # not the edit saved meanwhile
