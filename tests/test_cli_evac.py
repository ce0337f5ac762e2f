"""``anchang evac`` as a user runs it: every shipped layout, the JSON promised, and bad input."""

import json

import pytest
from helpers import ROOT
from test_cli import anchang

LAYOUTS = sorted((ROOT / "layouts").glob("*.yaml"))


@pytest.mark.parametrize("path", LAYOUTS, ids=lambda p: p.stem)
def test_evac_on_every_shipped_layout_gives_three_methods_n_minus_1_and_the_code_check(path, tmp_path):
    done = anchang("evac", path, "--reps", 3, "--out", tmp_path, "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    methods = doc["methods"]
    bound = methods["lower_bound"]["clearance_s"]
    assert 0 < bound <= methods["hydraulic"]["clearance_s"]
    assert bound <= methods["simulated"]["clearance_s"]
    low, high = methods["simulated"]["ci95"]
    assert low <= methods["simulated"]["clearance_s"] <= high
    by_exit = methods["simulated"]["by_exit"]
    assert sum(e["persons"] for e in by_exit) == pytest.approx(doc["persons"], abs=0.1)  # means, rounded
    assert isinstance(doc["governing_element"], str)
    safe = {e["exit"] for e in by_exit}
    assert {row["blocked_exit"] for row in doc["n_minus_1"]} == safe
    for row in doc["n_minus_1"]:
        assert set(row) >= {"blocked_exit", "clearance_s", "finding"}
    assert doc["code_check"] and set(doc["code_check"][0]) >= {"rule", "clause", "value", "limit", "ok"}
    assert sum(doc["occupants"].values()) == doc["persons"]
    for name in ("evacuation.json", "curves.png", "map.png", "n_minus_1.csv", "code_check.csv"):
        assert (tmp_path / name).stat().st_size > 0, name


def test_evac_at_the_national_day_peak_prints_a_readable_summary(tmp_path):
    scenario = ROOT / "scenarios" / "national_day_peak.yaml"
    done = anchang("evac", scenario, "--day-reps", 2, "--reps", 3, "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    for text in ("persons inside at the peak", "busiest moments", "hydraulic", "lower bound", "simulated", "Governing",
                 "N−1", "RSET", "allowed", "GB 50016"):  # fmt: skip
        assert text in done.stdout, text


def test_evac_reads_occupants_from_a_csv(tmp_path):
    csv = tmp_path / "people.csv"
    csv.write_text("zone,persons\nlounge,40\nsand_table,60\n", encoding="utf-8")
    layout = ROOT / "layouts" / "one_floor_gallery.yaml"
    done = anchang("evac", layout, "--occupants", csv, "--reps", 2, "--out", tmp_path, "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["occupants"] == {"lounge": 40, "sand_table": 60}
    assert doc["occupants_source"] == f"file {csv}"


BAD_CSV = [
    ("zone,persons\nlounge,900\n", "lounge: 900 persons on 170 m² is 5.3 p/m²"),
    ("zone,persons\nattic,5\n", "attic: no such zone"),
    ("zone,people\nlounge,5\n", "needs columns zone,persons; missing persons"),
    ("zone,persons\nlounge,many\n", "line 2: persons 'many' is not a number"),
    ("zone,persons\nplaza,5\n", "people there are already out"),
]


@pytest.mark.parametrize(("content", "message"), BAD_CSV, ids=range(len(BAD_CSV)))
def test_impossible_occupants_get_one_clear_message(tmp_path, content, message):
    csv = tmp_path / "people.csv"
    csv.write_text(content, encoding="utf-8")
    done = anchang("evac", ROOT / "layouts" / "one_floor_gallery.yaml", "--occupants", csv, "--out", tmp_path)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


ROOM = "  - {id: room, kind: other, area_m2: 100, xy: [0, 0]}\n"
BAD_LAYOUTS = [
    (
        "zones:\n" + ROOM + "  - {id: door, kind: entrance, xy: [5, 0]}\npassages:\n"
        "  - {from: door, to: room, kind: door, length_m: 5, width_m: 1.5}\n",
        "no zone of kind 'exit'",
    ),
    (
        "zones:\n" + ROOM + "  - {id: out, kind: exit, xy: [5, 0]}\npassages:\n"
        "  - {from: room, to: out, kind: door, length_m: 5, width_m: 0}\n",
        "width_m",
    ),
    (
        "zones:\n" + ROOM + "  - {id: out, kind: exit, xy: [5, 0]}\n"
        "  - {id: island, kind: other, area_m2: 10, xy: [9, 9]}\n"
        "  - {id: door, kind: entrance, xy: [0, 5]}\npassages:\n"
        "  - {from: door, to: room, kind: door, length_m: 5, width_m: 1.5}\n"
        "  - {from: room, to: out, kind: door, length_m: 5, width_m: 1.5}\n",
        "island",
    ),
]


@pytest.mark.parametrize(("body", "message"), BAD_LAYOUTS, ids=["no exit", "zero width", "disconnected"])
def test_a_layout_that_cannot_be_evacuated_gets_one_clear_message(tmp_path, body, message):
    layout = tmp_path / "bad.yaml"
    layout.write_text("name: bad\n" + body, encoding="utf-8")
    done = anchang("evac", layout, "--out", tmp_path)
    assert done.returncode == 2, done.stdout
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_peak_occupants_need_a_scenario(tmp_path):
    done = anchang(
        "evac", ROOT / "layouts" / "one_floor_gallery.yaml", "--occupants", "peak", "--out", tmp_path
    )
    assert done.returncode == 2
    assert "peak needs a scenario file" in done.stderr
