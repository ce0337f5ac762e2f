"""The largest values a sales gallery's files may hold, in one place.

The file formats (so their JSON Schemas and their messages), the app's widgets and the command
line's options read them. Each is far beyond any real gallery, so no real plan meets one, and
each keeps a run bounded in time and memory: the engine makes one object per guide, desk or
table, and one process per party.
"""

from __future__ import annotations

PARTIES_PER_DAY = 20_000  # expected walk-in parties (a launch day draws a few thousand persons)
VISITORS_PER_DAY = 60_000  # expected walk-in persons
GROUP_PERSONS = 2_000  # one scheduled group, or the parties queuing at opening
APPOINTMENT_PARTIES = 1_000  # parties booked for one time
GROUPS = 1_000  # scheduled groups, appointments or closures in one day
GUIDES = 500  # consultants on duty at once
DESKS = 200  # reception, signing or payment desks of one zone
PLACES = 500  # sand-table places, negotiation tables of one zone
SEATS = 5_000  # seats of one zone
ZONE_PERSONS = 10_000  # a zone's person limit or the gallery's occupancy cap
POSTS = 100  # security posts at one zone; marshals per exit
ID_CHARS = 64  # an id of a zone, a passage or a stage
ZONES = 500  # zones of a layout
PASSAGES = 2_000  # passages of a layout
STAGES = 50  # stages of a journey
AREA_M2 = 100_000.0  # one zone's floor
COORD_M = 100_000.0  # a position, from the layout's origin
LENGTH_M = 10_000.0  # one passage (a shuttle's route)
WIDTH_M = 100.0  # one passage's clear width
FLOORS = 200  # storeys above or below ground
VEHICLES = 100  # shuttle vehicles; seats per vehicle
MINUTES = 24 * 60.0  # a dwell, a patience, a spread, a lateness, a delay, a window
WEIGHT = 1e6  # a relative weight: an arrival profile's, an entrance's, a zone's
BATCH_EVERY_MIN = 0.5  # the shortest interval between admission batches
VALUES = 100_000  # values of an empirical distribution
REPLICATIONS = 10_000  # simulated days of a run
SECONDS = 3_600.0  # an evacuation time: alarm, allowed time
SWEEP_CONFIGURATIONS = 1_000  # configurations of one sweep
SEED = 2**63 - 1  # numpy's seed sequence takes any non-negative int; a file's stays in 64 bits
WORKERS = 256  # processes of one run
