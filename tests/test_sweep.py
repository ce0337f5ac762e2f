"""Sweeps: a 2 × 3 grid gives 6 rows with the right values, on common random numbers."""

import pytest
from helpers import ROOT
from test_cli import anchang

from sim.core.problems import InputError
from sim.io.files import load_pair
from sim.io.sweepfile import load_sweep
from sim.model.sweep import SweepSpec
from sim.plan.settings import RunSettings
from sim.plan.sweep import configurations, variant
from sim.plan.sweep_keeper import sweep
from sim.runner.replications import run

BASE = str(ROOT / "scenarios" / "national_day_peak.yaml")  # absolute: the sweep files live in tmp_path


@pytest.fixture
def sweep_file(tmp_path):
    path = tmp_path / "grid.yaml"
    path.write_text(
        f"base: {BASE}\nreplications: 2\nseed: 4\naxes:\n  demand.parties: [100, 150]\n"
        "  guides.schedule.10:00: [20, 26, 32]\n",
        encoding="utf-8",
    )
    return path


def test_a_2_by_3_grid_has_6_rows_with_the_right_values(sweep_file):
    outcome = sweep(file=sweep_file, settings=RunSettings(workers=1))
    spec, table = outcome.spec, outcome.table
    assert len(table) == 6
    assert list(zip(table["demand.parties"], table["guides.schedule.10:00"], strict=True)) == [
        (100, 20), (100, 26), (100, 32), (150, 20), (150, 26), (150, 32)
    ]  # fmt: skip
    # The (150, 26) row is the base scenario itself: it equals a direct run on the same seed.
    layout, scenario = load_pair(ROOT / "scenarios" / "national_day_peak.yaml")
    direct = run(layout, scenario, 2, 4, workers=1).kpis.set_index("metric")
    row = table[(table["demand.parties"] == 150) & (table["guides.schedule.10:00"] == 26)].iloc[0]
    for kpi in spec.kpis:
        assert row[kpi] == direct.at[kpi, "mean"], kpi
    # More guides at 10:00 never greet fewer in time here (same seeds, same parties).
    for parties in (100, 150):
        shares = table[table["demand.parties"] == parties]["greet_within_target_share"].tolist()
        assert shares == sorted(shares)


def test_list_mode_pairs_values_and_needs_equal_lengths():
    spec = SweepSpec(base=BASE, mode="list", axes={"a": [1, 2], "b": [3, 4]})
    assert configurations(spec) == [{"a": 1, "b": 3}, {"a": 2, "b": 4}]
    with pytest.raises(InputError, match="same number of values"):
        configurations(SweepSpec(base=BASE, mode="list", axes={"a": [1, 2], "b": [3]}))


def test_an_invalid_configuration_is_named_before_anything_runs(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(f"base: {BASE}\naxes:\n  demand.parties: [100, -5]\n", encoding="utf-8")
    done = anchang("sweep", path, "--reps", 2, "--out", tmp_path)
    assert done.returncode == 2
    assert "sweep configuration (demand.parties=-5)" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("name", "count"), [("national_day_guides_batch.yaml", 18), ("national_day_50.yaml", 50)]
)
def test_the_shipped_sweep_files_are_valid_in_every_configuration(name, count):
    spec, base, base_path = load_sweep(ROOT / "sweeps" / name)
    configs = configurations(spec)
    assert len(configs) == count
    layout, _ = load_pair(base_path)
    for config in configs:
        variant(base, base_path, config, layout)  # raises on a bad configuration
