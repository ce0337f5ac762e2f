"""The event log: the only thing the engine writes and the only thing metrics read.

One row per event, in time order. ``place`` is a zone id, or a directed passage key
``"from>to"`` for walking along a passage (and waiting for a shuttle on it). ``persons`` is
the number of visitors in the party; ``guide`` is the guide id accompanying the party during
that event (-1 if none), so the headcount a row moves is ``persons + (guide >= 0)``.
"""

from __future__ import annotations

import pandas as pd

ARRIVE = "arrive"  # the party reaches the gallery door (outside the admission gate)
ADMIT = "admit"  # passes the gate (batch admission, occupancy cap)
ENTER = "enter"  # steps into a zone or onto a passage
LEAVE = "leave"  # steps out of it
QUEUE = "queue"  # starts waiting at a full zone's door or at a shuttle stop
START = "start"  # starts service at a zone's desk, place or table
END = "end"  # ends that service
WAIT_GUIDE = "wait_guide"  # joins the queue for a guide
GREET = "greet"  # a guide takes the party
RENEGE = "renege"  # gives up waiting for a guide
GOODBYE = "goodbye"  # the guide sees the party out and is free again
EXIT = "exit"  # the party has left the site
GUIDE_ON = "guide_on"  # a guide comes on duty (party = -1)
GUIDE_OFF = "guide_off"  # a guide goes off duty (party = -1)

EVENTS = (
    ARRIVE, ADMIT, ENTER, LEAVE, QUEUE, START, END,
    WAIT_GUIDE, GREET, RENEGE, GOODBYE, EXIT, GUIDE_ON, GUIDE_OFF,
)  # fmt: skip
COLUMNS = ("t", "party", "event", "place", "persons", "guide")

Row = tuple[float, int, str, str, int, int]


def passage_key(origin: str, destination: str) -> str:
    """Directed place key for walking from ``origin`` to ``destination``."""
    return f"{origin}>{destination}"


def split_passage_key(key: str) -> tuple[str, str] | None:
    """Return ``(origin, destination)`` for a passage key, or None for a zone id."""
    if ">" not in key:
        return None
    origin, destination = key.split(">", 1)
    return origin, destination


def to_frame(rows: list[Row]) -> pd.DataFrame:
    """Build the tidy event-log DataFrame with compact dtypes."""
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.astype(
        {
            "t": "float64",
            "party": "int32",
            "event": pd.CategoricalDtype(EVENTS),
            "place": "category",
            "persons": "int16",
            "guide": "int16",
        }
    )
