"""Every shipped layout and scenario loads, validates and runs; the published schemas are current."""

import json

import jsonschema
import pytest
import yaml
from helpers import ROOT

from sim.io.files import json_schema, load_layout, load_pair, with_base
from sim.runner.replications import run

LAYOUTS = sorted((ROOT / "layouts").glob("*.yaml"))
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def test_the_shipped_set_is_complete():
    names = {p.stem for p in SCENARIOS}
    assert {"weekday", "weekend", "national_day_peak", "launch_day"} <= names
    assert len(LAYOUTS) >= 3


@pytest.mark.parametrize("path", LAYOUTS, ids=lambda p: p.stem)
def test_layout_loads_and_says_where_its_numbers_come_from(path):
    layout = load_layout(path)
    assert layout.description and "Source" in layout.description.en and "来源" in layout.description.zh
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), json.loads(json_schema("layout")))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_runs_and_states_its_assumptions(path):
    layout, scenario = load_pair(path)
    assert (
        scenario.description and "ssumption" in scenario.description.en and "假设" in scenario.description.zh
    )
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if data.get("based_on"):  # a variant is partial: the schema applies once it is merged
        data = with_base(data, path)
    jsonschema.validate(data, json.loads(json_schema("scenario")))
    results = run(layout, scenario, replications=2, seed=scenario.run.seed, workers=1)
    kpis = results.kpis.set_index("metric")["mean"]
    assert kpis["parties_arrived"] > 0 and kpis["parties_served"] > 0


@pytest.mark.parametrize("layout_path", LAYOUTS, ids=lambda p: p.stem)
def test_every_layout_runs_the_weekday(layout_path):
    layout, scenario = load_pair(ROOT / "scenarios" / "weekday.yaml", layout_path)
    kpis = run(layout, scenario, replications=1, seed=scenario.run.seed, workers=1).kpis.set_index("metric")[
        "mean"
    ]
    assert kpis["parties_served"] > 0


@pytest.mark.parametrize("kind", ["layout", "scenario"])
def test_published_schema_matches_the_code(kind):
    published = (ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert json.loads(published) == json.loads(json_schema(kind)), "run `make schemas`"
