"""Hostile values and files are refused with one message each, never read, run or hung on.

Non-finite numbers, counts past what a gallery can have, devices, pipes, deep nesting, long
paths, huge sweeps, and input errors raised in a worker process.
"""

import json
import os
import pickle
import subprocess
import sys
import threading

import pytest
from helpers import ROOT
from test_malformed import GOOD_LAYOUT, GOOD_SCENARIO, scenario_with

from sim.core.problems import InputError, refuse
from sim.io.files import load_drill, validate_file
from sim.io.yamltext import MAX_DEPTH
from sim.model import limits
from sim.runner.pool import process_pool

HOSTILE = [
    ("a profile weight of inf", scenario_with('"09:00": 2,', '"09:00": .inf,'),
     "demand.profile.09:00: must be a finite number, got inf"),
    ("a profile weight of nan", scenario_with('"09:00": 2,', '"09:00": .nan,'),
     "demand.profile.09:00: must be a finite number, got nan"),
    ("guides: 1e9", scenario_with('"09:00": 6,', '"09:00": 1000000000,'),
     f"guides.schedule.09:00: must be <= {limits.GUIDES}, got 1000000000"),
    ("10^7 parties", scenario_with("parties: 28", "parties: 10000000"),
     f"demand.parties: must be <= {limits.PARTIES_PER_DAY}, got 10000000"),
    ("a dwell of 1e308 minutes", scenario_with("mean_min: 3,", "mean_min: 1.0e+308,"),
     f"must be <= {limits.MINUTES:g}, got 1e+308"),
    ("a batch every 1e-6 minutes", scenario_with("policies:\n", "policies:\n  batch_admission: {persons: 5, every_min: 1.0e-6}\n"),
     f"policies.batch_admission.every_min: must be >= {limits.BATCH_EVERY_MIN:g}, got 1e-06"),
    ("a thousand groups of 2,000", scenario_with("appointments:", "groups: [" + ", ".join(['{at: "10:00", persons: 2000}'] * 40) + "]\n  appointments:"),
     "demand: the day brings about 80,"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "content", "expected"), HOSTILE, ids=[c[0] for c in HOSTILE])
def test_values_no_gallery_has_are_refused(tmp_path, case, content, expected):
    (tmp_path / "layout.yaml").write_text(GOOD_LAYOUT, encoding="utf-8")
    path = tmp_path / "scenario.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        validate_file(path)
    assert expected in info.value.render(), info.value.render()


def test_an_area_of_1e308_is_refused(tmp_path):
    path = tmp_path / "layout.yaml"
    path.write_text(GOOD_LAYOUT.replace("area_m2: 220,", "area_m2: 1.0e+308,", 1), encoding="utf-8")
    with pytest.raises(InputError, match=rf"area_m2: must be <= {limits.AREA_M2:g}, got 1e\+308"):
        validate_file(path)


def test_the_schemas_state_the_limits():
    layout = json.loads((ROOT / "schemas" / "layout.schema.json").read_text(encoding="utf-8"))
    desks = layout["$defs"]["Zone"]["properties"]["desks"]["anyOf"][0]
    assert desks["maximum"] == limits.DESKS
    scenario = json.loads((ROOT / "schemas" / "scenario.schema.json").read_text(encoding="utf-8"))
    parties = scenario["$defs"]["Demand"]["properties"]["parties"]["anyOf"][0]
    assert parties["maximum"] == limits.PARTIES_PER_DAY


def variant_of(tmp_path, base: str):
    (tmp_path / "layout.yaml").write_text(GOOD_LAYOUT, encoding="utf-8")
    path = tmp_path / "variant.yaml"
    path.write_text(f"based_on: {base}\nname: variant\n", encoding="utf-8")
    return path


def test_dev_zero_as_based_on_is_refused_unread(tmp_path):
    with pytest.raises(InputError, match="is not a regular file"):
        validate_file(variant_of(tmp_path, "/dev/zero"))


def test_a_fifo_as_based_on_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result: list[BaseException | None] = []

    def attempt():
        try:
            validate_file(variant_of(tmp_path, str(fifo)))
            result.append(None)
        except BaseException as exc:
            result.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # unblock the reader before failing
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO blocked")
    assert isinstance(result[0], InputError) and "is not a regular file" in result[0].render()


def test_a_file_larger_than_the_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "layout.yaml"
    with open(path, "wb") as handle:
        handle.truncate(50_000_000)  # sparse: refused by its size, never read
    with pytest.raises(InputError, match="50000000 bytes"):
        validate_file(path)


def test_deep_nesting_is_refused_with_its_limit(tmp_path):
    path = tmp_path / "layout.yaml"
    path.write_text("name: x\nzones: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"more than {MAX_DEPTH} levels deep"):
        validate_file(path)


def test_a_layout_path_too_long_for_the_filesystem_is_one_message(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(GOOD_SCENARIO.replace("layout.yaml", "x" * 5000 + ".yaml"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "sim.cli", "validate", str(path)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert str(path) in done.stderr and "layout" in done.stderr


def test_too_many_sweep_configurations_are_refused(tmp_path):
    sweep = tmp_path / "sweep.yaml"
    axes = {f"demand.appointment_lateness_sd_min_{i}": list(range(10)) for i in range(4)}
    base = ROOT / "scenarios" / "weekday.yaml"
    sweep.write_text(json.dumps({"base": str(base), "axes": axes}), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "sim.cli", "--store", "off", "sweep", str(sweep)],
                          capture_output=True, text=True, check=False, timeout=60)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert (
        f"the axes make 10000 configurations; a sweep runs at most {limits.SWEEP_CONFIGURATIONS}"
        in done.stderr
    )


def _refused(code: str) -> None:
    raise refuse("demand.parties", "less_than_equal", "scenario.yaml", le=limits.PARTIES_PER_DAY, value=code)


def test_an_input_error_crosses_a_process_boundary_whole():
    error = refuse("demand.parties", "less_than_equal", "scenario.yaml", le=1, value="2")
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, InputError) and again.render() == error.render()
    with process_pool(2) as pool, pytest.raises(InputError) as info:
        pool.submit(_refused, "1e9").result()
    assert (
        info.value.render() == f"scenario.yaml: demand.parties: must be <= {limits.PARTIES_PER_DAY}, got 1e9"
    )


def test_validate_checks_a_sweep_as_a_sweep(tmp_path):
    shipped = ROOT / "sweeps" / "national_day_guides_batch.yaml"
    done = subprocess.run([sys.executable, "-m", "sim.cli", "validate", str(shipped)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0 and "all 18 configurations" in done.stdout, done.stderr
    bad = tmp_path / "sweep.yaml"
    text = shipped.read_text(encoding="utf-8").replace("../scenarios", str(ROOT / "scenarios"))
    bad.write_text(text.replace("[26, 32, 38]", "[26, 32, 1000000000]", 1), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "sim.cli", "validate", str(bad)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "guides.schedule.10:00=1000000000" in done.stderr and f"must be <= {limits.GUIDES}" in done.stderr


def test_an_empty_drill_file_is_refused(tmp_path):
    empty = tmp_path / "drill.yaml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="file is empty; expected a drill"):
        load_drill(empty)
    empty.write_text("events: []\n", encoding="utf-8")
    assert load_drill(empty).events == []  # a day with no events, said so


def test_a_day_that_cannot_end_is_refused_from_a_worker_naming_the_scenario(tmp_path):
    # 645 parties on a weekday of six guides: on this seed some are still inside 24 h
    # after closing. The error is raised in a worker process and reaches the console whole.
    path = tmp_path / "overloaded.yaml"
    path.write_text(
        scenario_with("parties: 28", "parties: 645").replace(
            "layout.yaml", str(ROOT / "layouts" / "one_floor_gallery.yaml")
        ),
        "utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "sim.cli", "--store", "off", "run", str(path), "--reps", "2", "--workers", "2", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    head = f"{path}: 1 parties were still inside 24 h after closing, so the day never ends"
    assert done.stderr.startswith(head)  # replication 0's, however the two workers ran
    assert "BrokenProcessPool" not in done.stderr and "internal error" not in done.stderr
