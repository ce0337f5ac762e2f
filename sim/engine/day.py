"""The discrete-event engine (the only module that imports SimPy).

A party's visit reads top to bottom like the visit it models: arrive, pass the admission gate,
register at reception, wait in the lounge for a guide (or give up), walk with the guide through
the sand table, show units, negotiation and signing, and leave. The engine writes a flat event
log (``sim.eventlog``) and computes no statistics.

Modelling rules (DESIGN §1, refined here):
- A guide is held from the greeting to the goodbye at the exit; walking back is not modelled.
- Guides are handed out by rotation (轮接制): the guide idle longest takes the next party;
  appointment parties go before walk-ins.
- When the guide schedule drops, idle guides go off duty first; a guide on a tour finishes it
  and goes off duty at the goodbye (nobody is dropped mid-tour).
- A zone with ``max_persons`` admits a party only when there is room for all of it (and its
  guide), first come first served; the party queues at the door, holding nothing else.
- Walking follows the quickest visitor route at the scenario's pace (stairs slower).
- A shuttle runs vehicles back and forth on a fixed round trip; waiting parties board in
  order when the whole party fits.
- Outside zones (entrance forecourt, exits) are not occupancy: the queue outside is the time
  between ``arrive`` and ``admit``.
- A closed zone (``policies.closures``, e.g. show units in a power cut): a party that would
  start a visit there during the closure skips that visit; parties already inside finish.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Generator
from typing import Any, TypeVar, cast

import pandas as pd
import simpy

from sim.core.problems import refuse
from sim.engine.demand import Party, Visit, draw_parties
from sim.engine.resources import Gate, Pool, Room, Shuttle
from sim.model import eventlog as ev
from sim.model.eventlog import to_frame
from sim.model.journey import wait_zone
from sim.model.layout import SAFE_KINDS, Layout
from sim.model.routes import route_table, travel_time_s
from sim.model.scenario import Scenario

T = TypeVar("T")
Process = Generator[simpy.Event, Any, T]  # a SimPy process: yields events, returns a T

_OVERRUN_S = 24 * 3600.0  # hard stop after closing, in case a policy can never admit someone


class Day:
    """One simulated day: the shared resources and the event log."""

    def __init__(self, layout: Layout, scenario: Scenario):
        self.env = simpy.Environment()
        self.layout = layout
        self.scenario = scenario
        self.rows: list[ev.Row] = []
        self.log = self.rows.append
        journey = scenario.journey
        self.routes = route_table(layout, journey.walk_speed_mps, journey.stair_speed_factor)
        self.walk_s = {
            (u, v): travel_time_s(d["passage"], journey.walk_speed_mps, journey.stair_speed_factor)
            for u, v, d in layout.graph.edges(data=True)
        }
        self.wait_zone = wait_zone(layout, scenario) or ""  # none only when no stage is guided
        self.exit_for = self._nearest_exits()
        policies = scenario.policies
        batch = policies.batch_admission
        self.gate = Gate(self.env, policies.max_inside_persons, batch.persons if batch else None)
        self.guides = Pool(self.env, self._guide_duty)
        self.service: dict[str, Pool] = {}
        self.rooms: dict[str, Room] = {}
        self.shuttles: dict[str, Shuttle] = {}
        self.closures: dict[str, list[tuple[float, float]]] = {}
        for closure in policies.closures:
            for zone_id in closure.zones:
                window = (scenario.seconds(closure.start), scenario.seconds(closure.end))
                self.closures.setdefault(zone_id, []).append(window)
        self._set_up_zones()
        self._set_up_schedules()
        self.outside = {z.id for z in layout.zones if z.kind in SAFE_KINDS}  # not occupancy
        self._leg_cache: dict[tuple[str, str], tuple] = {}
        self._held: dict[tuple[int, str], int] = {}  # (party, zone) -> room places taken
        self._stay_guide: dict[tuple[int, str], int] = {}  # (party, zone) -> guide on entering
        self.active = 0
        self.all_arrived = False
        self.done = self.env.event()

    def _nearest_exits(self) -> dict[str, str]:
        exits = [z.id for z in self.layout.zones if z.kind == "entrance" or z.visitor_exit]
        nearest = {}
        for zone, paths in self.routes.items():
            reachable = [e for e in exits if e in paths]
            if reachable:
                nearest[zone] = min(reachable, key=lambda e: self._route_s(paths[e]))
        return nearest

    def _route_s(self, path: list[str]) -> float:
        return sum(self.walk_s[edge] for edge in itertools.pairwise(path))

    def _set_up_zones(self) -> None:
        for zone in self.layout.zones:
            units = zone.desks or zone.places or zone.tables
            if units:
                pool = Pool(self.env)
                pool.set_capacity(units)
                self.service[zone.id] = pool
            if zone.max_persons is not None:
                self.rooms[zone.id] = Room(self.env, zone.max_persons)
        for passage in self.layout.passages:
            if passage.kind == "shuttle":
                self.shuttles[passage.pid] = Shuttle(self.env, passage)

    def _set_up_schedules(self) -> None:
        s = self.scenario
        self.env.process(self._schedule(self.guides, s.guides.schedule))
        for zone_id, schedule in s.desks.items():
            self.env.process(self._schedule(self.service[zone_id], schedule))
        if s.policies.batch_admission is not None:
            self.env.process(self._batches(60.0 * s.policies.batch_admission.every_min))

    def _schedule(self, pool: Pool, schedule: dict[int, int]) -> Process[None]:
        for clock, units in sorted(schedule.items()):
            delay = self.scenario.seconds(clock) - self.env.now
            if delay > 0:
                yield self.env.timeout(delay)
            pool.set_capacity(units)

    def _batches(self, every_s: float) -> Process[None]:
        while True:
            self.gate.refill()
            yield self.env.timeout(every_s)

    def _guide_duty(self, guide: int, on: bool) -> None:
        self.log((self.env.now, -1, ev.GUIDE_ON if on else ev.GUIDE_OFF, "", 0, guide))

    def run(self, parties: list[Party]) -> list[ev.Row]:
        """Simulate the day for these parties; return the event log rows.

        Raises:
            InputError: if parties are still inside a day after closing (inputs that can
                never serve them); a silently truncated log would give wrong numbers.
        """
        self.env.process(self._arrivals(parties))
        limit = self.env.timeout(self.scenario.day_s + _OVERRUN_S)
        self.env.run(until=self.env.any_of([self.done, limit]))
        if not self.done.triggered:
            raise refuse("", "never_served", parties=self.active, hours=f"{_OVERRUN_S / 3600:.0f}")
        return self.rows

    def _arrivals(self, parties: list[Party]) -> Process[None]:
        for party in parties:
            if party.arrive_s > self.env.now:
                yield self.env.timeout(party.arrive_s - self.env.now)
            self.active += 1
            self.env.process(self._visit(party))
        self.all_arrived = True
        self._maybe_done()

    def _maybe_done(self) -> None:
        if self.all_arrived and self.active == 0 and not self.done.triggered:
            self.done.succeed()

    # --- the visit -------------------------------------------------------------------------

    def _visit(self, party: Party) -> Process[None]:
        env, log, pid, n = self.env, self.log, party.id, party.persons
        log((env.now, pid, ev.ARRIVE, party.entrance, n, -1))
        if not self.gate.enter_now(n):
            yield self.gate.request(n)
        log((env.now, pid, ev.ADMIT, party.entrance, n, -1))
        here, guide = party.entrance, -1
        for visit in party.visits:
            if self._closed(visit.zone):
                continue  # the zone is shut (a power cut): the party skips it
            if visit.guided and guide < 0:
                here = yield from self._walk(party, here, self.wait_zone, -1)
                guide = yield from self._wait_for_guide(party)
                if guide < 0:
                    break
            here = yield from self._walk(party, here, visit.zone, guide)
            yield from self._stay(party, visit, guide)
        yield from self._see_out(party, here, guide)

    def _closed(self, zone: str) -> bool:
        return any(start <= self.env.now < end for start, end in self.closures.get(zone, ()))

    def _wait_for_guide(self, party: Party) -> Process[int]:
        env, log = self.env, self.log
        log((env.now, party.id, ev.WAIT_GUIDE, self.wait_zone, party.persons, -1))
        taken = self.guides.take()
        if taken is not None:
            guide = taken
        else:
            request = self.guides.request(party.priority)
            if math.isinf(party.patience_s):
                yield request
            else:
                yield request | env.timeout(party.patience_s)
                if not request.triggered:
                    self.guides.cancel(request)
                    log((env.now, party.id, ev.RENEGE, self.wait_zone, party.persons, -1))
                    return -1
            guide = cast(int, request.value)  # the pool's event succeeds with a unit id
        log((env.now, party.id, ev.GREET, self.wait_zone, party.persons, guide))
        return guide

    def _stay(self, party: Party, visit: Visit, guide: int) -> Process[None]:
        pool = self.service.get(visit.zone)
        if pool is None:
            yield self.env.timeout(visit.dwell_s)
            return
        unit = pool.take()
        if unit is None:
            unit = yield pool.request(party.priority)
        self.log((self.env.now, party.id, ev.START, visit.zone, party.persons, guide))
        yield self.env.timeout(visit.dwell_s)
        pool.release(unit)
        self.log((self.env.now, party.id, ev.END, visit.zone, party.persons, guide))

    def _see_out(self, party: Party, here: str, guide: int) -> Process[None]:
        out = self.exit_for[here]
        yield from self._walk(party, here, out, guide)
        if guide >= 0:
            # Log before releasing: a guide whose shift has ended goes off duty on release.
            self.log((self.env.now, party.id, ev.GOODBYE, out, party.persons, guide))
            self.guides.release(guide)
        self.log((self.env.now, party.id, ev.EXIT, out, party.persons, -1))
        self.gate.leave(party.persons)
        self.active -= 1
        self._maybe_done()

    def _walk(self, party: Party, here: str, there: str, guide: int) -> Process[str]:
        """Leave ``here``, walk the quickest route and step into ``there``; return ``there``."""
        if here == there:
            return there
        env, log, pid, n = self.env, self.log, party.id, party.persons
        if here not in self.outside:
            # The guide logged on entering, so a stay's enter and leave rows match.
            log((env.now, pid, ev.LEAVE, here, n, self._stay_guide.pop((pid, here), guide)))
            room = self.rooms.get(here)
            if room is not None:
                room.put(self._held.pop((pid, here)))
        for key, walk_s, shuttle, origin in self._legs(here, there):
            if shuttle is None:
                log((env.now, pid, ev.ENTER, key, n, guide))
                if walk_s > 0:
                    yield env.timeout(walk_s)
            else:
                log((env.now, pid, ev.QUEUE, key, n, guide))
                board, alight = shuttle.wait(origin, n + (guide >= 0))
                yield board
                log((env.now, pid, ev.ENTER, key, n, guide))
                yield alight
            log((env.now, pid, ev.LEAVE, key, n, guide))
        if there in self.outside:
            return there
        room = self.rooms.get(there)
        if room is not None:
            people = n + (guide >= 0)
            if not room.take(people):
                log((env.now, pid, ev.QUEUE, there, n, guide))
                yield room.request(people)
            self._held[(pid, there)] = people
        self._stay_guide[(pid, there)] = guide
        log((env.now, pid, ev.ENTER, there, n, guide))
        return there

    def _legs(self, here: str, there: str) -> tuple[tuple[str, float, Shuttle | None, str], ...]:
        """The passages of the quickest route: (place key, walking seconds, shuttle, origin)."""
        legs = self._leg_cache.get((here, there))
        if legs is None:
            edges = self.layout.graph.edges
            legs = tuple(
                (ev.passage_key(u, v), self.walk_s[u, v], self.shuttles.get(edges[u, v]["pid"]), u)
                for u, v in itertools.pairwise(self.routes[here][there])
            )
            self._leg_cache[(here, there)] = legs
        return legs


def run_day(layout: Layout, scenario: Scenario, parties: list[Party]) -> list[ev.Row]:
    """Simulate one day for the given parties and return the event-log rows."""
    return Day(layout, scenario).run(parties)


def simulate(layout: Layout, scenario: Scenario, seed: int = 0, replication: int = 0) -> pd.DataFrame:
    """Simulate one day and return its event log.

    Examples:
        >>> from sim.io import load_pair
        >>> layout, scenario = load_pair("scenarios/weekday.yaml")
        >>> log = simulate(layout, scenario, seed=1)
        >>> sorted(log.columns)
        ['event', 'guide', 'party', 'persons', 'place', 't']
    """
    parties = draw_parties(layout, scenario, seed, replication)
    return to_frame(run_day(layout, scenario, parties))
