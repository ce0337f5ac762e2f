"""The public API is small, listed in the README, and loads lazily."""

import re
import subprocess
import sys

from helpers import ROOT

import sim


def test_all_names_resolve():
    for name in sim.__all__:
        assert getattr(sim, name) is not None


def test_the_readme_lists_exactly_the_public_api():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The public API (`import sim`)")[1].split("\n## ")[0]
    listed = section.split("```python")[0]  # the bullet list, not the example
    names = set(re.findall(r"`([A-Za-z_]\w*)`", listed))
    assert names == set(sim.__all__)


def test_the_use_cases_take_keywords_only():
    import inspect

    for name in ("simulate_day", "event_log", "analyse_congestion", "plan_staff", "check_evacuation",
                 "peak_day_plan", "run_drill", "compare", "sweep", "calibrate", "synthetic_log"):  # fmt: skip
        parameters = inspect.signature(getattr(sim, name)).parameters.values()
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters), name


def test_import_sim_does_no_work():
    code = "import sys, sim; print('pandas' in sys.modules, 'simpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
