"""Exact event logs on a tiny deterministic layout (fixed dwells, hand-made parties)."""

import math

import pytest
from helpers import line_layout, scenario

from sim.engine.day import run_day
from sim.engine.demand import Party, Visit


def party(pid, at, persons, patience=math.inf, priority=1, show=False):
    visits = [Visit("register", "reception", 120.0, False), Visit("sand", "sand", 600.0, True)]
    if show:
        visits.append(Visit("show", "show", 300.0, True))
    return Party(pid, "walk_in", at, persons, "door", priority, patience, tuple(visits))


def log_of(layout, sc, parties):
    return [(round(t, 6), p, e, place, g) for t, p, e, place, _n, g in run_day(layout, sc, parties)]


def test_two_parties_one_guide_exact_log():
    rows = log_of(line_layout(), scenario(), [party(0, 0.0, 2), party(1, 60.0, 1)])
    assert rows == [
        (0.0, -1, "guide_on", "", 0),
        (0.0, 0, "arrive", "door", -1),
        (0.0, 0, "admit", "door", -1),
        (0.0, 0, "enter", "door>reception", -1),
        (10.0, 0, "leave", "door>reception", -1),
        (10.0, 0, "enter", "reception", -1),
        (10.0, 0, "start", "reception", -1),
        (60.0, 1, "arrive", "door", -1),
        (60.0, 1, "admit", "door", -1),
        (60.0, 1, "enter", "door>reception", -1),
        (70.0, 1, "leave", "door>reception", -1),
        (70.0, 1, "enter", "reception", -1),
        (130.0, 0, "end", "reception", -1),
        (130.0, 0, "leave", "reception", -1),
        (130.0, 0, "enter", "reception>lounge", -1),
        (130.0, 1, "start", "reception", -1),  # the one desk frees as party 0 leaves it
        (135.0, 0, "leave", "reception>lounge", -1),
        (135.0, 0, "enter", "lounge", -1),
        (135.0, 0, "wait_guide", "lounge", -1),
        (135.0, 0, "greet", "lounge", 0),
        (135.0, 0, "leave", "lounge", -1),  # the guide joins at the lounge door
        (135.0, 0, "enter", "lounge>sand", 0),
        (140.0, 0, "leave", "lounge>sand", 0),
        (140.0, 0, "enter", "sand", 0),
        (140.0, 0, "start", "sand", 0),
        (250.0, 1, "end", "reception", -1),
        (250.0, 1, "leave", "reception", -1),
        (250.0, 1, "enter", "reception>lounge", -1),
        (255.0, 1, "leave", "reception>lounge", -1),
        (255.0, 1, "enter", "lounge", -1),
        (255.0, 1, "wait_guide", "lounge", -1),
        (740.0, 0, "end", "sand", 0),
        (740.0, 0, "leave", "sand", 0),
        (740.0, 0, "enter", "sand>out", 0),
        (750.0, 0, "leave", "sand>out", 0),
        (750.0, 0, "goodbye", "out", 0),
        (750.0, 0, "exit", "out", -1),
        (750.0, 1, "greet", "lounge", 0),  # the only guide, back from party 0's goodbye
        (750.0, 1, "leave", "lounge", -1),
        (750.0, 1, "enter", "lounge>sand", 0),
        (755.0, 1, "leave", "lounge>sand", 0),
        (755.0, 1, "enter", "sand", 0),
        (755.0, 1, "start", "sand", 0),
        (1355.0, 1, "end", "sand", 0),
        (1355.0, 1, "leave", "sand", 0),
        (1355.0, 1, "enter", "sand>out", 0),
        (1365.0, 1, "leave", "sand>out", 0),
        (1365.0, 1, "goodbye", "out", 0),
        (1365.0, 1, "exit", "out", -1),
    ]


def test_party_gives_up_after_its_patience_and_walks_out_alone():
    rows = log_of(line_layout(), scenario(), [party(0, 0.0, 2), party(1, 60.0, 1, patience=300.0)])
    mine = [r for r in rows if r[1] == 1 and r[0] >= 255.0]
    assert mine == [
        (255.0, 1, "leave", "reception>lounge", -1),
        (255.0, 1, "enter", "lounge", -1),
        (255.0, 1, "wait_guide", "lounge", -1),
        (555.0, 1, "renege", "lounge", -1),
        (555.0, 1, "leave", "lounge", -1),
        # Back out the way it came: the door and the exit are both 15 m away; the entrance is
        # listed first, so it wins the tie.
        (555.0, 1, "enter", "lounge>reception", -1),
        (560.0, 1, "leave", "lounge>reception", -1),
        (560.0, 1, "enter", "reception>door", -1),
        (570.0, 1, "leave", "reception>door", -1),
        (570.0, 1, "exit", "door", -1),
    ]


def test_appointment_goes_to_the_next_free_guide_first():
    parties = [party(0, 0.0, 2), party(1, 60.0, 1), party(2, 200.0, 3, priority=0)]
    rows = log_of(line_layout(desks=2), scenario(), parties)
    greets = [(t, p) for t, p, e, *_ in rows if e == "greet"]
    assert greets == [(135.0, 0), (750.0, 2), (1365.0, 1)]


def test_show_unit_admits_a_party_only_when_all_of_it_fits():
    sc = scenario(guides={"schedule": {"09:00": 2}})
    layout = line_layout(places=2, show_cap=4)
    rows = log_of(layout, sc, [party(0, 0.0, 2, show=True), party(1, 0.0, 2, show=True)])
    events = [(t, p, e) for t, p, e, place, _ in rows if place == "show"]
    # Party 0 (2 + guide = 3) goes in at 740; party 1 (3 more) must wait at the door until 1040.
    assert (740.0, 0, "enter") in events
    assert (860.0, 1, "queue") in events
    assert (1040.0, 0, "leave") in events and (1040.0, 1, "enter") in events


def test_guides_going_off_duty_finish_their_tour():
    sc = scenario(guides={"schedule": {"09:00": 2, "09:05": 1}})
    rows = log_of(line_layout(places=2, desks=2), sc, [party(0, 0.0, 2), party(1, 0.0, 1)])
    duty = [(t, e, g) for t, p, e, place, g in rows if e.startswith("guide_")]
    goodbyes = {g: t for t, p, e, place, g in rows if e == "goodbye"}
    assert duty[:2] == [(0.0, "guide_on", 0), (0.0, "guide_on", 1)]
    off_time, _, off_guide = duty[2]
    assert duty[2][1] == "guide_off" and off_time == goodbyes[off_guide] > 300.0


def test_batch_admission_lets_in_at_most_n_persons_per_window():
    sc = scenario(
        policies={"batch_admission": {"persons": 3, "every_min": 10}}, guides={"schedule": {"09:00": 3}}
    )
    parties = [party(i, 0.0, 2) for i in range(3)]
    rows = log_of(line_layout(desks=3, places=3), sc, parties)
    admits = [t for t, p, e, *_ in rows if e == "admit"]
    assert admits == [0.0, 600.0, 1200.0]  # two persons fit each window of three


def test_occupancy_cap_holds_parties_outside_until_someone_leaves():
    sc = scenario(policies={"max_inside_persons": 4}, guides={"schedule": {"09:00": 3}})
    parties = [party(0, 0.0, 2), party(1, 0.0, 2), party(2, 0.0, 2)]
    rows = log_of(line_layout(desks=3, places=3), sc, parties)
    admits = {p: t for t, p, e, *_ in rows if e == "admit"}
    exits = sorted(t for t, p, e, *_ in rows if e == "exit")
    assert admits[0] == admits[1] == 0.0 and admits[2] == pytest.approx(exits[0])


def test_a_day_that_can_never_finish_is_an_error_not_a_short_log():
    from sim.core.problems import InputError

    layout = line_layout(show_cap=2)  # two persons and a guide can never fit in the show unit
    with pytest.raises(InputError, match="still inside 24 h after closing"):
        run_day(layout, scenario(), [party(0, 0.0, 2, show=True)])
