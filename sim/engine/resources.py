"""The engine's resources: guide and desk pools, the admission gate, capped rooms and shuttles."""

from __future__ import annotations

import heapq
import itertools
import math
from collections import deque
from collections.abc import Callable, Generator

import simpy

from sim.model.layout import Passage


class Pool:
    """Units (guides, desks, places, tables) with ids, a priority line and a changing capacity."""

    def __init__(self, env: simpy.Environment, on_duty: Callable[[int, bool], None] | None = None):
        self.env = env
        self.idle: deque[int] = deque()
        self._line: list[list] = []  # heap of [priority, seq, event]; event None when cancelled
        self._entry: dict[simpy.Event, list] = {}
        self._seq = itertools.count()
        self._off: list[int] = []  # off-duty unit ids, lowest first
        self._next_id = 0
        self.staffed = 0
        self.target = 0
        self._on_duty = on_duty

    def take(self) -> int | None:
        """A unit at once if one is idle and nobody is waiting before us, else None."""
        if self.idle and not self._line:
            return self.idle.popleft()
        return None

    def request(self, priority: int = 1) -> simpy.Event:
        """Event that succeeds with a unit id."""
        event = self.env.event()
        entry = [priority, next(self._seq), event]
        self._entry[event] = entry
        heapq.heappush(self._line, entry)
        self._dispatch()
        return event

    def cancel(self, event: simpy.Event) -> None:
        """Leave the line (reneging); a no-op once the event has a unit."""
        entry = self._entry.pop(event, None)
        if entry is not None:
            entry[2] = None

    def release(self, unit: int) -> None:
        """Return a unit; it goes off duty if the schedule has dropped meanwhile."""
        if self.staffed > self.target:
            self._go_off(unit)
        else:
            self.idle.append(unit)
            self._dispatch()

    def set_capacity(self, n: int) -> None:
        """Change the number of units on duty, without taking a busy unit away."""
        self.target = n
        while self.staffed < n:
            unit = heapq.heappop(self._off) if self._off else self._new_id()
            self.staffed += 1
            if self._on_duty:
                self._on_duty(unit, True)
            self.idle.append(unit)
        while self.staffed > n and self.idle:
            self._go_off(self.idle.popleft())
        self._dispatch()

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def _go_off(self, unit: int) -> None:
        self.staffed -= 1
        heapq.heappush(self._off, unit)
        if self._on_duty:
            self._on_duty(unit, False)

    def _dispatch(self) -> None:
        while self.idle and self._line:
            _, _, event = heapq.heappop(self._line)
            if event is None:
                continue
            del self._entry[event]
            event.succeed(self.idle.popleft())


class Gate:
    """The door: batch admission (N persons every M minutes) and the gallery occupancy cap."""

    def __init__(self, env: simpy.Environment, cap: int | None, batch_persons: int | None):
        self.env = env
        self.cap = cap
        self.batch = batch_persons
        self.quota: float = math.inf if batch_persons is None else 0
        self.inside = 0
        self.line: deque[tuple[int, simpy.Event]] = deque()

    def enter_now(self, persons: int) -> bool:
        """Step in at once if nobody is queuing and quota and room allow."""
        if self.line or persons > self.quota or (self.cap is not None and self.inside + persons > self.cap):
            return False
        self.quota -= persons
        self.inside += persons
        return True

    def request(self, persons: int) -> simpy.Event:
        """Event that succeeds when the party may step in."""
        event = self.env.event()
        self.line.append((persons, event))
        self.admit()
        return event

    def leave(self, persons: int) -> None:
        """A party has left the site."""
        self.inside -= persons
        self.admit()

    def refill(self) -> None:
        """A new batch window opens (unused places do not carry over)."""
        self.quota = math.inf if self.batch is None else self.batch
        self.admit()

    def admit(self) -> None:
        """Let parties in, first come first served, while quota and room allow."""
        while self.line:
            persons, event = self.line[0]
            if persons > self.quota or (self.cap is not None and self.inside + persons > self.cap):
                return
            self.line.popleft()
            self.quota -= persons
            self.inside += persons
            event.succeed()


class Room:
    """Places inside a zone with ``max_persons``: a party enters only when all of it fits (FIFO)."""

    def __init__(self, env: simpy.Environment, capacity: int):
        self.env = env
        self.free = capacity
        self.line: deque[tuple[int, simpy.Event]] = deque()

    def take(self, people: int) -> bool:
        """Step in at once if nobody is waiting at the door and there is room."""
        if self.line or people > self.free:
            return False
        self.free -= people
        return True

    def request(self, people: int) -> simpy.Event:
        """Event that succeeds when the party has stepped in."""
        event = self.env.event()
        self.line.append((people, event))
        self.put(0)
        return event

    def put(self, people: int) -> None:
        """People leave; admit from the door, first come first served."""
        self.free += people
        while self.line and self.line[0][0] <= self.free:
            waiting, event = self.line.popleft()
            self.free -= waiting
            event.succeed()


class Shuttle:
    """Vehicles shuttling between the two ends of a passage on a fixed round trip."""

    def __init__(self, env: simpy.Environment, passage: Passage):
        self.env = env
        self.passage = passage
        self.stops: tuple[list, list] = ([], [])  # per end: [people, board event, alight event]
        for k in range(passage.vehicles or 1):
            env.process(self._vehicle(k))

    def wait(self, origin: str, people: int) -> tuple[simpy.Event, simpy.Event]:
        """Join the stop at ``origin``: (board event, alight event)."""
        board, alight = self.env.event(), self.env.event()
        self.stops[0 if origin == self.passage.from_ else 1].append([people, board, alight])
        return board, alight

    def _vehicle(self, k: int) -> Generator:
        ride_s = 30.0 * (self.passage.round_trip_min or 0.0)
        yield self.env.timeout(k * self.passage.headway_s)
        end = 0
        while True:
            free, riding = self.passage.seats or 0, []
            for item in list(self.stops[end]):  # first come first served, skipping who won't fit
                if item[0] <= free:
                    free -= item[0]
                    self.stops[end].remove(item)
                    item[1].succeed()
                    riding.append(item[2])
            yield self.env.timeout(ride_s)
            for alight in riding:
                alight.succeed()
            end = 1 - end
