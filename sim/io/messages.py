"""Validation errors as problems: pydantic's errors turned into catalogue codes at key paths, with lines.

Each pydantic error type has a catalogue entry ``problem.<type>`` (custom errors raised by the
models' own validators too); its context fills the fields, and ``value`` is what the file had.
"""

from __future__ import annotations

import typing
from typing import Any

import yaml
from pydantic import ValidationError

from sim.core.problems import Problem, join_path
from sim.core.text import has
from sim.model.distributions import Distribution

# Pydantic puts the chosen member of a tagged union into an error's location; users never wrote it.
TAGS = frozenset(
    member.model_fields["dist"].annotation.__args__[0]
    for member in typing.get_args(typing.get_args(Distribution)[0])
)
# Error types that mean the same to a user.
ALIASES = {
    "int_parsing": "int_type", "int_from_float": "int_type", "float_parsing": "float_type",
    "bool_parsing": "bool_type",
}  # fmt: skip


def line_of(node: yaml.Node | None, loc: tuple[str | int, ...]) -> int | None:
    """Line (1-based) of the deepest node along ``loc`` that exists."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = [v for k, v in node.value if k.value == str(part)]
            if not match:
                keys = [k for k, _ in node.value if k.value == str(part)]
                return keys[0].start_mark.line + 1 if keys else line
            node = match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


def path_parts(path: str) -> tuple[str | int, ...]:
    """``zones[3].area_m2`` → ``("zones", 3, "area_m2")``."""
    parts: list[str | int] = []
    for chunk in path.replace("]", "").split("."):
        for i, piece in enumerate(chunk.split("[")):
            if piece:
                parts.append(int(piece) if i else piece)
    return tuple(parts)


def _plain(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def problem_of(error: Any, path: str, line: int | None) -> Problem:
    """One pydantic error as a problem (its type the code, its context the fields)."""
    kind = ALIASES.get(error["type"], error["type"])
    params = {k: _plain(v) for k, v in (error.get("ctx") or {}).items()}
    value = error.get("input")
    if not isinstance(value, dict | list):
        shown = repr(value)
        params["value"] = shown if len(shown) <= 80 else f"{shown[:60]}…({len(shown)} characters)"
    if kind == "union_tag_not_found":
        params["discriminator"] = params.get("discriminator", "dist").strip("'")
    if kind == "union_tag_invalid":
        params["tag"] = repr(error["ctx"]["tag"])
    if not has(f"problem.{kind}"):
        kind, params = "invalid", {"message": str(error.get("msg", kind)).removeprefix("Value error, ")}
    return Problem(path, kind, params, line)


def problems_of(exc: ValidationError, node: yaml.Node | None) -> list[Problem]:
    """Every error of a validation, at the key path the user wrote."""
    problems = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p in TAGS) and p != "[key]")
        problems.append(problem_of(error, join_path(*loc), line_of(node, loc)))
    return problems


def with_lines(problems: list[Problem], node: yaml.Node | None) -> list[Problem]:
    """The problems with the line of their key path in the file."""
    return [Problem(p.path, p.code, p.params, line_of(node, path_parts(p.path))) for p in problems]
