"""The Dask backend gives exactly the local numbers (a real LocalCluster with worker processes)."""

import pandas as pd
import pytest
from helpers import ROOT
from test_cli import anchang

from sim.io.files import load_pair
from sim.runner.dask import dask_executor
from sim.runner.replications import run

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as local:
        yield local.scheduler_address


def test_dask_and_local_runs_are_identical(cluster):
    layout, scenario = load_pair(ROOT / "scenarios" / "weekday.yaml")
    local = run(layout, scenario, replications=4, seed=9, workers=1)
    with dask_executor(cluster) as executor:
        remote = run(layout, scenario, replications=4, seed=9, executor=executor)
    pd.testing.assert_frame_equal(local.kpis, remote.kpis)
    pd.testing.assert_frame_equal(local.half_hours, remote.half_hours)


def test_the_cli_runs_on_a_scheduler_and_refuses_a_dead_one(cluster, tmp_path):
    scenario = ROOT / "scenarios" / "weekday.yaml"
    done = anchang("run", scenario, "--reps", 2, "--dask", cluster, "--out", tmp_path, "--json")
    assert done.returncode == 0, done.stderr
    dead = anchang("run", scenario, "--reps", 2, "--dask", "tcp://127.0.0.1:9", "--out", tmp_path)
    assert dead.returncode == 2 and "cannot reach the Dask scheduler" in dead.stderr
