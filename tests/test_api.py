"""The public API is small, listed, and loads lazily."""

import subprocess
import sys

import sim


def test_all_names_resolve():
    for name in sim.__all__:
        assert getattr(sim, name) is not None


def test_import_sim_does_no_work():
    code = "import sys, sim; print('pandas' in sys.modules, 'simpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
