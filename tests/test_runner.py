"""Replications: identical whatever the number of workers; logs go to disk, summaries come back."""

import pandas as pd
from helpers import ROOT

from sim.engine.day import simulate
from sim.io.files import load_pair
from sim.runner.replications import run
from sim.store.outputs import read_events


def test_results_do_not_depend_on_the_number_of_workers(tmp_path):
    layout, sc = load_pair(ROOT / "scenarios" / "weekend.yaml")
    serial = run(layout, sc, replications=4, seed=9, workers=1, log_dir=tmp_path / "a")
    parallel = run(layout, sc, replications=4, seed=9, workers=2, log_dir=tmp_path / "b")
    pd.testing.assert_frame_equal(serial.kpis, parallel.kpis)
    pd.testing.assert_frame_equal(serial.half_hours, parallel.half_hours)
    pd.testing.assert_frame_equal(serial.zones, parallel.zones)
    pd.testing.assert_frame_equal(read_events(tmp_path / "a"), read_events(tmp_path / "b"))


def test_a_replication_is_the_same_day_alone_or_in_a_batch(tmp_path):
    layout, sc = load_pair(ROOT / "scenarios" / "weekday.yaml")
    run(layout, sc, replications=3, seed=4, workers=1, log_dir=tmp_path)
    alone = simulate(layout, sc, seed=4, replication=2)
    on_disk = read_events(tmp_path, 2)
    pd.testing.assert_frame_equal(alone, on_disk)


def test_progress_is_reported_per_replication():
    layout, sc = load_pair(ROOT / "scenarios" / "weekday.yaml")
    seen = []
    run(
        layout, sc, replications=3, seed=1, workers=1, progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]
