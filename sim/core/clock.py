"""Clock times: files speak in quoted "HH:MM" strings, the model in seconds from opening.

YAML 1.1 reads an unquoted ``10:30`` as the sexagesimal integer 630, so a number where a
clock time belongs is refused with a hint to quote it instead of being read silently wrong.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def unquoted_hint(value: int | float) -> str:
    """Explain how YAML turned an unquoted clock time into ``value``."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        hours, minutes = divmod(value, 60)
        return (
            f"got the number {value}: YAML reads an unquoted {hours}:{minutes:02d} as "
            f'{value}; write the time in quotes, "{hours:02d}:{minutes:02d}"'
        )
    return f'got the number {value!r}; write clock times as quoted "HH:MM" strings'


def parse_clock(value: object) -> int:
    """Return minutes after midnight for a quoted ``"HH:MM"`` string.

    Raises:
        ValueError: if ``value`` is not such a string (numbers get a quoting hint).

    Examples:
        >>> parse_clock("10:30")
        630
    """
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(unquoted_hint(value))
        raise ValueError(f'expected a quoted clock time "HH:MM", got {value!r}')
    match = _CLOCK.match(value.strip())
    if match is None:
        raise ValueError(f'expected a clock time "HH:MM" (00:00-23:59), got {value!r}')
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
