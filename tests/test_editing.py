"""Tables ↔ files for the app: round trips are exact, edits land where they should, uploads are checked."""

import pytest
import yaml
from helpers import ROOT

from sim.core.problems import InputError
from sim.io.files import load_layout, load_pair
from sim.plan import editing

LAYOUTS = sorted((ROOT / "layouts").glob("*.yaml"))


@pytest.mark.parametrize("path", LAYOUTS, ids=lambda p: p.stem)
def test_a_layout_through_the_tables_is_the_same_layout(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    zones, passages = editing.layout_tables(data)
    layout, problems = editing.validate_layout(editing.layout_from_tables(data, zones, passages))
    assert problems == []
    assert layout == load_layout(path)


def test_a_scenario_through_the_tables_is_the_same_scenario():
    path = ROOT / "scenarios" / "national_day_peak.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    layout, scenario = load_pair(path)
    again = editing.scenario_with(data, editing.profile_table(data), editing.schedule_table(data),
                                  editing.party_table(data), editing.stage_table(data))  # fmt: skip
    checked, problems = editing.validate_scenario(again, layout)
    assert problems == [] and checked == scenario


def test_edits_land_in_the_file_data():
    data = yaml.safe_load((ROOT / "scenarios" / "national_day_peak.yaml").read_text(encoding="utf-8"))
    stages, schedule = editing.stage_table(data), editing.schedule_table(data)
    stages.loc[stages["id"] == "negotiate", "probability"] = 0.5
    stages.loc[stages["id"] == "negotiate", "mean_min"] = 40.0
    schedule.loc[schedule["clock"] == "10:00", "guides"] = 28
    edited = editing.scenario_with(data, schedule=schedule, stages=stages)
    negotiate = next(s for s in edited["journey"]["stages"] if s["id"] == "negotiate")
    assert negotiate["probability"] == 0.5 and negotiate["dwell"]["mean_min"] == 40.0
    assert negotiate["dwell"]["cv"] == 0.6  # untouched
    assert edited["guides"]["schedule"]["10:00"] == 28


def test_a_rooms_size_goes_through_the_tables_and_one_side_alone_is_refused():
    data = yaml.safe_load((ROOT / "layouts" / "one_floor_gallery.yaml").read_text(encoding="utf-8"))
    data["zones"][1]["size_m"] = [12.5, 8.0]
    zones, passages = editing.layout_tables(data)
    layout, problems = editing.validate_layout(editing.layout_from_tables(data, zones, passages))
    assert problems == [] and layout is not None and layout.zones[1].size_m == (12.5, 8.0)
    zones.loc[1, "size_y"] = None
    layout, problems = editing.validate_layout(editing.layout_from_tables(data, zones, passages))
    assert layout is None and any("zones[1].size_m" in p for p in problems)


def test_a_bad_edit_is_reported_with_its_key_path():
    data = yaml.safe_load((ROOT / "layouts" / "one_floor_gallery.yaml").read_text(encoding="utf-8"))
    zones, passages = editing.layout_tables(data)
    passages.loc[0, "to"] = "nowhere"
    layout, problems = editing.validate_layout(editing.layout_from_tables(data, zones, passages))
    assert layout is None and any("nowhere" in p for p in problems)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("x.txt", b"a: 1", "only YAML files"), ("x.yaml", b"#" * 600_000, "at most 512 KiB"),
     ("x.yaml", b"!!python/object:os.system {}", "x.yaml"), ("x.yaml", b"- 1", "mapping")],
    ids=["type", "size", "python tag", "list"],
)  # fmt: skip
def test_uploads_are_checked(name, content, message):
    with pytest.raises(InputError, match=message):
        editing.read_upload(name, content)
