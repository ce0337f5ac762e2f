"""Clock times: files speak in quoted "HH:MM" strings, the model in seconds from opening.

YAML 1.1 reads an unquoted ``10:30`` as the sexagesimal integer 630, so a number where a
clock time belongs is refused with a hint to quote it instead of being read silently wrong.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def clock_error(value: object) -> PydanticCustomError:
    """Why ``value`` is not a clock time, as a validation error with a catalogue code.

    YAML 1.1 reads an unquoted ``10:30`` as the sexagesimal integer 630; that gets a hint to quote it.
    """
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        hours, minutes = divmod(value, 60)
        return PydanticCustomError(
            "clock_unquoted",
            'got the number {number}: YAML reads an unquoted {written} as {number}; write the time in quotes, "{quoted}"',
            {"number": value, "written": f"{hours}:{minutes:02d}", "quoted": f"{hours:02d}:{minutes:02d}"},
        )
    if isinstance(value, int | float) and not isinstance(value, bool):
        return PydanticCustomError(
            "clock_number",
            'got the number {number}; write clock times as quoted "HH:MM" strings',
            {"number": repr(value)},
        )
    if not isinstance(value, str):
        return PydanticCustomError(
            "clock_expected", 'expected a quoted clock time "HH:MM", got {text}', {"text": repr(value)}
        )
    return PydanticCustomError(
        "clock_range", 'expected a clock time "HH:MM" (00:00-23:59), got {text}', {"text": repr(value)}
    )


def parse_clock(value: object) -> int:
    """Return minutes after midnight for a quoted ``"HH:MM"`` string.

    Raises:
        PydanticCustomError: (a ``ValueError``) if ``value`` is not such a string; numbers get a
            quoting hint.

    Examples:
        >>> parse_clock("10:30")
        630
    """
    match = _CLOCK.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise clock_error(value)
    return int(match.group(1)) * 60 + int(match.group(2))


_LONG_CLOCK = re.compile(r"^(\d{1,3}):([0-5]\d)$")


def parse_closing(value: object) -> int:
    """Minutes after the first midnight for a closing time ``"HH:MM"``.

    HH may pass 24 for a study longer than a day (``"72:00"``: three days).

    Examples:
        >>> parse_closing("18:00"), parse_closing("48:00")
        (1080, 2880)
    """
    match = _LONG_CLOCK.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        if isinstance(value, str):
            raise PydanticCustomError(
                "closing_range", 'expected a closing time "HH:MM" (past 24:00 for more than a day), got {text}',
                {"text": repr(value)},
            )  # fmt: skip
        raise clock_error(value)
    return int(match.group(1)) * 60 + int(match.group(2))


def format_clock(minutes_after_midnight: float) -> str:
    """Format minutes after midnight as ``"HH:MM"`` (rounded down to the minute)."""
    total = int(minutes_after_midnight // 1)
    return f"{total // 60:02d}:{total % 60:02d}"


# A clock time in a file: a quoted "HH:MM", minutes after midnight once validated.
Clock = Annotated[
    int,
    BeforeValidator(parse_clock),
    WithJsonSchema({"type": "string", "pattern": r"^([01]?\d|2[0-3]):[0-5]\d$"}),
]


# A closing time: like ``Clock``, but past 24:00 for a steady-state study longer than a day.
ClosingClock = Annotated[
    int,
    BeforeValidator(parse_closing),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,3}:[0-5]\d$"}),
]


def clock_s(seconds_after_midnight: float, with_seconds: bool = False) -> str:
    """``HH:MM`` of seconds after midnight, with ``:SS`` when asked or when not on the minute."""
    whole = round(seconds_after_midnight)
    tail = f":{whole % 60:02d}" if with_seconds or whole % 60 else ""
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}{tail}"
