"""Golden outputs: the ``--json`` of the main commands on two shipped scenarios, exactly as recorded.

Recorded before the redesign into subpackages (issue 14), so the move is checked to change no
number. A number may change only where an issue says why; then re-record with
``ANCHANG_RECORD_GOLDEN=1 pytest tests/test_golden.py`` and say so in the commit.
Timings (``elapsed_s``) are the only keys left out of the comparison.
"""

import json
import os
import subprocess
import sys

import pytest
from helpers import ROOT

GOLDEN = ROOT / "tests" / "golden"
SCENARIOS = {"national_day": "scenarios/national_day_peak.yaml", "launch_day": "scenarios/launch_day.yaml"}
COMMANDS = {
    "run": ["run", "{scenario}", "--reps", "3", "--workers", "2", "--out", "{out}", "--json"],
    "staff": ["staff", "{scenario}", "--reps", "3", "--verify-days", "20", "--json"],
    "evac": ["evac", "{scenario}", "--reps", "4", "--day-reps", "3", "--out", "{out}", "--json"],
    "congestion": ["congestion", "{scenario}", "--reps", "3", "--json"],
    "plan": [
        "plan",
        "{scenario}",
        "--reps",
        "3",
        "--staff-reps",
        "3",
        "--verify-days",
        "20",
        "--out",
        "{out}",
        "--json",
    ],
}
VOLATILE = {"elapsed_s"}


def _stable(value):
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_json_output_is_exactly_the_recorded_one(command, scenario, tmp_path):
    args = [a.format(scenario=SCENARIOS[scenario], out=tmp_path) for a in COMMANDS[command]]
    done = subprocess.run(
        [sys.executable, "-m", "sim.cli", "--store", "off", *args],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = _stable(json.loads(done.stdout))
    path = GOLDEN / f"{command}_{scenario}.json"
    if os.environ.get("ANCHANG_RECORD_GOLDEN"):
        path.write_text(json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
    assert found == json.loads(path.read_text("utf-8"))
