"""Bad input gets one clear message (file, key path, what is wrong) and never a traceback."""

import re
import subprocess
import sys

import pytest
from helpers import ROOT

from sim.core.problems import InputError
from sim.io.files import load_pair, validate_file

GOOD_LAYOUT = (ROOT / "layouts" / "one_floor_gallery.yaml").read_text(encoding="utf-8")
GOOD_SCENARIO = (
    (ROOT / "scenarios" / "weekday.yaml")
    .read_text(encoding="utf-8")
    .replace("../layouts/one_floor_gallery.yaml", "layout.yaml")
)

LAYOUT = """\
name: test
zones:
  - {id: door, kind: entrance, xy: [0, 0]}
  - {id: reception, kind: reception, area_m2: 50, desks: 2, xy: [5, 0]}
  - {id: lounge, kind: lounge, area_m2: 80, xy: [10, 0]}
  - {id: out, kind: exit, xy: [20, 0]}
passages:
  - {from: door, to: reception, kind: door, length_m: 5, width_m: 2}
  - {from: reception, to: lounge, kind: corridor, length_m: 5, width_m: 2}
  - {from: lounge, to: out, kind: door, length_m: 5, width_m: 1.5}
"""


def layout_with(old: str, new: str) -> str:
    assert old in LAYOUT
    return LAYOUT.replace(old, new)


def scenario_with(old: str, new: str) -> str:
    assert old in GOOD_SCENARIO
    return GOOD_SCENARIO.replace(old, new)


# (case, file name, content, the words (or a pattern) the message must contain)
CASES = [
    ("empty file", "layout.yaml", "", ["file is empty"]),
    ("binary junk", "layout.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["binary content"]),
    ("not UTF-8", "layout.yaml", "name: 售楼处".encode("gb18030"), ["not UTF-8"]),
    ("YAML syntax", "layout.yaml", "name: [unclosed\nzones: 1\n", ["YAML error", ":2"]),
    (
        "python object tag",
        "layout.yaml",
        "!!python/object/apply:os.system ['echo pwned']\n",
        ["unsupported YAML tag !!python/object/apply:os.system"],
    ),
    ("top level is a list", "layout.yaml", "- 1\n- 2\n", ["expected a layout or scenario mapping"]),
    (
        "duplicate key",
        "layout.yaml",
        layout_with("name: test", "name: test\nname: again"),
        ["duplicate key 'name'"],
    ),
    ("missing key", "layout.yaml", layout_with("name: test\n", ""), ["name: required key is missing"]),
    (
        "unknown key",
        "layout.yaml",
        layout_with("name: test", "name: test\ncolour: red"),
        ["colour: unknown key"],
    ),
    (
        "wrong type",
        "layout.yaml",
        layout_with("area_m2: 80", "area_m2: big"),
        ["zones[2].area_m2: must be a number"],
    ),
    (
        "negative area",
        "layout.yaml",
        layout_with("area_m2: 80", "area_m2: -80"),
        ["zones[2].area_m2: must be > 0, got -80"],
    ),
    (
        "zero width",
        "layout.yaml",
        layout_with("width_m: 1.5", "width_m: 0"),
        ["passages[2].width_m: must be > 0"],
    ),
    (
        "negative length",
        "layout.yaml",
        layout_with("length_m: 5, width_m: 1.5", "length_m: -5, width_m: 1.5"),
        ["passages[2].length_m: must be >= 0"],
    ),
    (
        "unknown kind",
        "layout.yaml",
        layout_with("kind: lounge", "kind: lobby"),
        ["zones[2].kind: must be one of"],
    ),
    (
        "unknown zone id",
        "layout.yaml",
        layout_with("to: out", "to: outside"),
        ["passages[2].to: unknown zone id 'outside'"],
    ),
    (
        "duplicate zone id",
        "layout.yaml",
        layout_with("{id: lounge", "{id: reception"),
        ["zones[2].id: duplicate zone id 'reception'"],
    ),
    (
        "no exit",
        "layout.yaml",
        layout_with("kind: exit", "kind: other, area_m2: 5"),
        ["no zone of kind 'exit'"],
    ),
    (
        "no entrance",
        "layout.yaml",
        layout_with("kind: entrance", "kind: exit"),
        ["no zone of kind 'entrance'"],
    ),
    (
        "missing resource",
        "layout.yaml",
        layout_with(", desks: 2", ""),
        ["zones[1].desks: required for a reception zone"],
    ),
    (
        "resource on the wrong kind",
        "layout.yaml",
        layout_with("area_m2: 80,", "area_m2: 80, tables: 4,"),
        ["zones[2].tables: not used by a lounge zone"],
    ),
    (
        "unreachable zone",
        "layout.yaml",
        layout_with(
            "  - {from: reception, to: lounge, kind: corridor, length_m: 5, width_m: 2}\n",
            "  - {from: lounge, to: reception, kind: corridor, length_m: 5, width_m: 2, one_way: true}\n",
        ),
        ["zone 'lounge' cannot be reached from any entrance"],
    ),
    (
        "dead end",
        "layout.yaml",
        layout_with(
            "  - {id: out, kind: exit, xy: [20, 0]}\n",
            "  - {id: out, kind: exit, xy: [20, 0]}\n  - {id: vault, kind: other, area_m2: 9, xy: [5, 5]}\n",
        )
        + "  - {from: reception, to: vault, kind: door, length_m: 3, width_m: 1, one_way: true}\n",
        ["zone 'vault' has no way out"],
    ),
    (
        "unquoted clock time",
        "scenario.yaml",
        scenario_with('hours: {open: "09:00", close: "18:00"}', "hours: {open: 9:00, close: 18:00}"),
        ["hours.open: got the number 540", 'write the time in quotes, "09:00"'],
    ),
    (
        "unquoted clock key",
        "scenario.yaml",
        scenario_with('"10:00": 5, "11:00"', '10:00: 5, "11:00"'),
        ["demand.profile", "got the number 600"],
    ),
    (
        "probabilities do not sum to 1",
        "scenario.yaml",
        scenario_with("{1: 0.15, 2: 0.40, 3: 0.30, 4: 0.15}", "{1: 0.15, 2: 0.40, 3: 0.30, 4: 0.25}"),
        ["demand.party_size: probabilities must sum to 1, got 1.1"],
    ),
    (
        "probability above 1",
        "scenario.yaml",
        scenario_with("probability: 0.95", "probability: 1.5"),
        ["journey.stages[1].probability: must be <= 1"],
    ),
    (
        "unknown distribution",
        "scenario.yaml",
        scenario_with("{dist: lognormal, mean_min: 3, cv: 0.5}", "{dist: weibull, mean_min: 3}"),
        ["journey.stages[0].dwell: unknown kind 'weibull'"],
    ),
    (
        "distribution missing parameter",
        "scenario.yaml",
        scenario_with("{dist: lognormal, mean_min: 3, cv: 0.5}", "{dist: lognormal, mean_min: 3}"),
        ["journey.stages[0].dwell.cv: required key is missing"],
    ),
    (
        "stage kind not in layout",
        "scenario.yaml",
        scenario_with("kind: sand_table", "kind: restroom, zones: {spa: 1}"),
        ["journey.stages[1].zones.spa: no restroom zone with this id"],
    ),
    (
        "stage kind with no zone in the layout",
        "scenario.yaml",
        scenario_with("kind: sand_table", "kind: other"),
        ["journey.stages[1].kind: the layout has no zone of kind 'other'"],
    ),
    (
        "only_if refers to a later stage",
        "scenario.yaml",
        scenario_with(
            "only_if: negotiate, dwell: {dist: lognormal, mean_min: 40",
            "only_if: pay, dwell: {dist: lognormal, mean_min: 40",
        ),
        ["journey.stages[4].only_if: 'pay' is not an earlier stage"],
    ),
    (
        "more desks staffed than exist",
        "scenario.yaml",
        scenario_with('reception: {"09:00": 1}', 'reception: {"09:00": 9}'),
        [re.compile(r"scenario\.yaml:\d+: desks\.reception: more desks staffed than the zone has \(3\)")],
    ),
    (
        "negative guides",
        "scenario.yaml",
        scenario_with('"09:00": 6, "12:00"', '"09:00": -6, "12:00"'),
        ["guides.schedule.09:00: must be >= 0, got -6"],
    ),
    (
        "guides end at zero",
        "scenario.yaml",
        scenario_with('"12:00": 5, "13:00": 7', '"12:00": 5, "13:00": 0'),
        ["guides.schedule: ends with nobody on duty"],
    ),
    (
        "party larger than a show unit",
        "scenario.yaml",
        scenario_with("{1: 0.15, 2: 0.40, 3: 0.30, 4: 0.15}", "{1: 0.15, 2: 0.40, 3: 0.30, 30: 0.15}"),
        ["a party of 30 with its guide can never enter 'show_a'"],
    ),
    (
        "the zones list deleted",
        "layout.yaml",
        LAYOUT[: LAYOUT.index("zones:")] + LAYOUT[LAYOUT.index("passages:") :],
        ["zones: required key is missing"],
    ),
    (
        "a 3,000-character zone id",
        "layout.yaml",
        layout_with("id: lounge,", "id: " + "z" * 3000 + ","),
        ["zones[2].id: must have at most 64 characters, got 'zzz", "(3002 characters)"],
    ),
    (
        "based_on a missing file",
        "scenario.yaml",
        "based_on: nowhere.yaml\nname: variant\n",
        ["based_on: cannot read nowhere.yaml: file not found"],
    ),
    (
        "layout file missing",
        "scenario.yaml",
        GOOD_SCENARIO.replace("layout.yaml", "nowhere.yaml"),
        [re.compile(r"scenario\.yaml:\d+: layout: layout file \S+nowhere\.yaml not found")],
    ),
]


@pytest.mark.parametrize(("case", "name", "content", "expected"), CASES, ids=[c[0] for c in CASES])
def test_malformed_file_gets_one_clear_message(tmp_path, case, name, content, expected):
    (tmp_path / "layout.yaml").write_text(GOOD_LAYOUT, encoding="utf-8")
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(InputError) as info:
        validate_file(path)
    message = info.value.render()
    assert str(tmp_path) in message  # names the file
    for words in expected:
        found = words.search(message) if isinstance(words, re.Pattern) else words in message
        assert found, f"{case}: {message!r}"
    assert "Traceback" not in message


def test_there_are_at_least_twenty_cases():
    assert len(CASES) >= 20


def test_the_command_line_exits_2_with_the_message_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(layout_with("width_m: 1.5", "width_m: -1"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", str(bad)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stderr.strip() == f"{bad}:10: passages[2].width_m: must be > 0, got -1"
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_party_that_cannot_fit_the_shuttle_is_refused(tmp_path):
    layout = (ROOT / "layouts" / "tower_show_units_shuttle.yaml").read_text(encoding="utf-8")
    (tmp_path / "shuttle.yaml").write_text(layout.replace("seats: 8", "seats: 4"), encoding="utf-8")
    with pytest.raises(InputError, match="does not fit the 4 seats of shuttle 'site_shuttle'"):
        load_pair(ROOT / "scenarios" / "weekend.yaml", tmp_path / "shuttle.yaml")
