"""Drills: a fire alarm in the simulated day, and day events against the undisturbed day."""

import json

import pandas as pd
import pytest
from helpers import ROOT
from test_cli import anchang

from sim.engine.day import simulate
from sim.io.files import load_pair
from sim.model.drill import Drill, Rain
from sim.plan.compare import compare
from sim.plan.day import simulate_day
from sim.plan.drill import apply, fire_drill, rain_profile
from sim.plan.settings import RunSettings

NATIONAL_DAY = ROOT / "scenarios" / "national_day_peak.yaml"


@pytest.fixture(scope="module")
def pair():
    layout, scenario = load_pair(NATIONAL_DAY)
    return layout, scenario.model_copy(
        update={"evacuation": scenario.evacuation.model_copy(update={"replications": 3})}
    )


def test_a_fire_at_the_peak_clears_no_faster_than_the_lower_bound_for_the_same_people(pair):
    layout, scenario = pair
    fire = fire_drill(layout, scenario, None, frozenset(), replications=4, seed=3)
    assert fire.at_peak and fire.persons[0] > 50
    for clearance, bound in zip(fire.clearance_s, fire.lower_bound_s, strict=True):
        assert bound <= clearance
    assert fire.by_exit["persons"].sum() == pytest.approx(fire.occupants.sum(axis=1).mean())


def test_a_fire_at_the_peak_evacuates_exactly_the_day_reports_persons_inside_at_the_peak(pair):
    layout, scenario = pair
    fire = fire_drill(layout, scenario, None, frozenset(), replications=4, seed=3)
    day = simulate_day(
        layout=layout, scenario=scenario, settings=RunSettings(replications=4, seed=3, workers=1)
    )
    per_day = [d.peak.persons for d in day.results.days]
    assert fire.occupants.sum(axis=1).tolist() == per_day
    assert fire.persons[0] == pytest.approx(day.results.peak.mean)
    assert fire.clock == scenario.clock_at(day.results.peak.typical_s / 60)


def test_a_drill_with_no_events_is_the_undisturbed_day(pair):
    layout, scenario = pair
    drilled_layout, drilled_scenario, blocked = apply(layout, scenario, Drill())
    assert not blocked
    result = compare(
        a=(layout, scenario),
        b=(drilled_layout, drilled_scenario),
        settings=RunSettings(replications=3, seed=11, workers=1),
    )
    assert (result.kpis["difference"] == 0).all()
    assert set(result.flags["status"]) <= {"same"}


def test_an_unannounced_group_adds_exactly_its_persons(pair):
    layout, scenario = pair
    events = Drill.model_validate({"events": [{"kind": "bus_group", "at": "10:30", "persons": 40}]})
    drilled = apply(layout, scenario, events)
    base = simulate(layout, scenario, seed=5)
    more = simulate(drilled[0], drilled[1], seed=5)
    arrived = lambda log: log.loc[log["event"] == "arrive", "persons"].sum()  # noqa: E731
    assert arrived(more) - arrived(base) == 40


def test_closed_show_units_see_nobody_while_closed(pair):
    layout, scenario = pair
    events = Drill.model_validate({"events": [{"kind": "closure", "zones": ["show_a", "show_b"],
                                               "start": "10:00", "end": "12:00"}]})  # fmt: skip
    drilled = apply(layout, scenario, events)
    log = simulate(drilled[0], drilled[1], seed=5)
    entries = log[(log["event"] == "enter") & log["place"].isin(["show_a", "show_b"])]
    started = entries["t"]
    assert not ((started >= 3600) & (started < 3 * 3600)).any()
    assert len(entries) > 0  # open the rest of the day


def test_a_blocked_exit_is_used_by_nobody(pair):
    layout, scenario = pair
    drilled = apply(
        layout, scenario, Drill.model_validate({"events": [{"kind": "exit_blocked", "exit": "exit_north"}]})
    )
    log = simulate(drilled[0], drilled[1], seed=5)
    assert not (log["place"] == "exit_north").any()
    fire = fire_drill(drilled[0], drilled[1], 11 * 60, drilled[2], replications=2, seed=5)
    assert "exit_north" not in set(fire.by_exit["exit"])


def test_rain_moves_walk_ins_later_and_loses_those_pushed_past_closing():
    profile = {9 * 60: 1.0, 12 * 60: 2.0}
    kept_all, share = rain_profile(
        profile, 9 * 60, 18 * 60, Rain(kind="rain", start="10:00", end="11:00", delay_min=60)
    )
    assert share == pytest.approx(1.0)
    assert kept_all[10 * 60] == 0.0 and kept_all[11 * 60] == 2.0  # the 10:00 hour arrives with the 11:00 hour
    _, late_share = rain_profile(
        profile, 9 * 60, 18 * 60, Rain(kind="rain", start="17:00", end="18:00", delay_min=90)
    )
    assert late_share == pytest.approx(1 - 2 * 60 / (3 * 60 + 2 * 6 * 60))


def test_drill_cli_prints_the_clearance_and_exit_counts(tmp_path):
    done = anchang("drill", NATIONAL_DAY, "--fire", "peak", "--reps", 3, "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    fire = doc["fire"]
    assert fire["clearance_s"] >= fire["lower_bound_s_mean"] > 0
    assert {row["exit"] for row in fire["by_exit"]} == {"plaza", "exit_east", "exit_west", "exit_north"}
    text = anchang("drill", NATIONAL_DAY, "--fire", "11:00", "--reps", 2)
    assert text.returncode == 0, text.stderr
    assert "Fire alarm at 11:00" in text.stdout and "persons inside" in text.stdout


BAD = [
    ("events:\n  - {kind: flood}\n", "events[0]"),
    ("events:\n  - {kind: exit_blocked, exit: attic}\n", "exit_blocked attic: no exit or entrance zone"),
    ("events:\n  - {kind: fire_alarm, at: 21:00}\n", 'write the time in quotes, "21:00"'),
    ('events:\n  - {kind: fire_alarm, at: "21:00"}\n', "21:00 is outside opening hours"),
    (
        'events:\n  - {kind: closure, zones: [vault], start: "10:00", end: "11:00"}\n',
        "unknown zone id 'vault'",
    ),
]


@pytest.mark.parametrize(("content", "message"), BAD, ids=range(len(BAD)))
def test_a_bad_drill_gets_one_clear_message(tmp_path, content, message):
    path = tmp_path / "drill.yaml"
    path.write_text(content, encoding="utf-8")
    done = anchang("drill", NATIONAL_DAY, "--drill", path, "--reps", 2)
    assert done.returncode == 2, done.stdout
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_drill_options_name_the_option():
    done = anchang("drill", NATIONAL_DAY, "--bus", "10:30-40")
    assert done.returncode == 2
    assert "--bus: cannot read '10:30-40'" in done.stderr


def test_plan_cli_writes_the_report(tmp_path):
    done = anchang("plan", ROOT / "scenarios" / "weekday.yaml", "--reps", 3, "--staff-reps", 2, "--verify-days", 20, "--out", tmp_path,
                   "--lang", "en")  # fmt: skip
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "report_en.html").read_text(encoding="utf-8")
    assert "Peak-day plan" in page and "data:image/png;base64," in page
    sheet = pd.read_csv(tmp_path / "run_sheet.csv")
    assert len(sheet) > 0 and "guides_needed" in sheet.columns
    assert "Report:" in done.stdout
