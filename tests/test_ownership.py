"""Each run owns its output folder: a second run there is refused, and a killed run never looks finished."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from helpers import ROOT

from sim.io.files import load_pair
from sim.metrics.day import summarise_day
from sim.metrics.stats import aggregate
from sim.store.outputs import LOCK_NAME, read_events

WEEKDAY = ROOT / "scenarios" / "weekday.yaml"


def start(out: Path, reps: int) -> subprocess.Popen:
    args = [sys.executable, "-m", "sim.cli", "--store", "off", "run", str(WEEKDAY), "--reps", str(reps),
            "--workers", "1", "--out", str(out), "--json"]  # fmt: skip
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting")
        time.sleep(0.05)


def holds_lock(out: Path, process: subprocess.Popen) -> bool:
    lock = out / LOCK_NAME
    return lock.exists() and lock.read_text(encoding="utf-8").strip() == str(process.pid)


def test_a_second_run_in_the_same_folder_is_refused_and_the_first_is_whole(tmp_path):
    out = tmp_path / "day"
    first = start(out, 60)
    try:
        wait_for(lambda: holds_lock(out, first))
        second = subprocess.run(
            [sys.executable, "-m", "sim.cli", "--store", "off", "run", str(WEEKDAY), "--reps", "3", "--out", str(out)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert second.returncode == 2, second.stderr
        assert f"another run (process {first.pid}) is writing {out}" in second.stderr
        stdout, stderr = first.communicate(timeout=300)
    finally:
        first.kill()
    assert first.returncode == 0, stderr
    # The first run's KPIs are those its own 60 logs give: nothing of the refused run is mixed in.
    layout, scenario = load_pair(WEEKDAY)
    logs = read_events(out / "events")
    assert sorted(logs["replication"].unique()) == list(range(60))
    days = [
        summarise_day(g.drop(columns="replication"), layout, scenario, int(r))
        for r, g in logs.groupby("replication")
    ]
    mine = aggregate(days, layout, scenario, scenario.run.seed).kpis.set_index("metric")["mean"]
    stored = pd.read_csv(out / "kpis.csv", encoding="utf-8-sig").set_index("metric")["mean"]
    for kpi in ("parties_arrived", "persons_served", "greet_wait_mean_min"):
        assert stored[kpi] == pytest.approx(mine[kpi], rel=1e-3, abs=1e-3), kpi  # CSV keeps 4 digits
    assert json.loads(stdout)["replications"] == 60


def test_a_killed_run_never_looks_finished(tmp_path):
    out = tmp_path / "day"
    done = start(out, 2)
    done.communicate(timeout=300)
    assert (out / "summary.json").exists()  # a finished run says so
    killed = start(out, 200)
    wait_for(lambda: (out / "events" / "rep_0002.parquet").exists())
    os.kill(killed.pid, signal.SIGKILL)
    killed.communicate(timeout=60)
    assert not (out / "summary.json").exists()  # the old summary went when the new run began
    again = start(out, 2)  # the kernel released the killed run's lock
    again.communicate(timeout=300)
    assert again.returncode == 0 and (out / "summary.json").exists()


DRIVER = """
import os, threading, time
from sim.runner.pool import process_pool

def slow(x):
    time.sleep(120)
    return x

if __name__ == "__main__":
    threading.Thread(target=time.sleep, args=(300,), daemon=True).start()  # a threaded host: forkserver
    with process_pool(2) as pool:
        pids = {f.result() for f in [pool.submit(os.getpid) for _ in range(8)]}
        print(" ".join(map(str, pids)), flush=True)
        [pool.submit(slow, i) for i in range(2)]
        time.sleep(300)
"""


def running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forkserver is the Linux start method here")
def test_a_killed_driver_with_a_thread_alive_leaves_no_worker_behind(tmp_path):
    script = tmp_path / "driver.py"
    script.write_text(DRIVER, encoding="utf-8")
    driver = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    workers = [int(p) for p in driver.stdout.readline().split()]
    server = {int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]) for pid in workers}
    assert workers and server != {driver.pid}  # the workers are the forkserver's children
    os.kill(driver.pid, signal.SIGKILL)
    driver.wait(timeout=30)
    wait_for(lambda: not any(running(pid) for pid in [*workers, *server]), seconds=20)


@pytest.mark.parametrize(
    "command",
    [
        ["evac", str(ROOT / "layouts" / "one_floor_gallery.yaml")],
        ["staff", str(WEEKDAY)],
        ["plan", str(WEEKDAY)],
        ["congestion", str(WEEKDAY)],
        ["sweep", str(ROOT / "sweeps" / "national_day_guides_batch.yaml")],
    ],
    ids=lambda c: c[0],
)
def test_every_command_that_writes_a_folder_owns_it(tmp_path, command):
    from sim.store.outputs import owned_folder

    out = tmp_path / "held"
    with owned_folder(out):  # another run holds the folder
        done = subprocess.run([sys.executable, "-m", "sim.cli", "--store", "off", *command, "--out", str(out)],
                              capture_output=True, text=True, check=False, timeout=120)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert f"another run (process {os.getpid()}) is writing {out}" in done.stderr
