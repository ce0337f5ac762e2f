"""Input problems: one clear message each, naming the file, the key path and what is wrong.

A problem carries a catalogue code and its parameters, not a sentence; the sentence is made in
the reader's language when it is shown (``problem.<code>`` in the text catalogue).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.core.text import Lang, fields, template, text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, at a key path such as ``passages[3].width_m``."""

    path: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    line: int | None = None

    def message(self, lang: Lang = "en") -> str:
        """What is wrong, in a language (``got`` is filled from a ``value`` parameter)."""
        params = dict(self.params)
        if "got" in fields(template(f"problem.{self.code}", lang)) and "got" not in params:
            params["got"] = text("problem.got", lang, value=params["value"]) if "value" in params else ""
        return text(f"problem.{self.code}", lang, **params)

    def render(self, source: str | None = None, lang: Lang = "en") -> str:
        """Format as ``file:line: path: message``."""
        where = source or ""
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        parts = [p for p in (where, self.path) if p]
        return ": ".join([*parts, self.message(lang)])


def problem(path: str, code: str, /, line: int | None = None, **params: Any) -> Problem:
    """A problem at ``path`` with the catalogue code ``code`` and its parameters."""
    return Problem(path, code, params, line)


class InputError(ValueError):
    """Raised when an input cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        super().__init__(self.render())

    def __reduce__(self) -> tuple[type[InputError], tuple[list[Problem], str | None]]:
        """Pickle by the problems, so an error raised in a worker process reaches the user whole."""
        return (InputError, (self.problems, self.source))

    def render(self, lang: Lang = "en") -> str:
        """All problems, one per line."""
        return "\n".join(p.render(self.source, lang) for p in self.problems)


def refuse(path: str, code: str, /, source: str | None = None, **params: Any) -> InputError:
    """An ``InputError`` with a single problem, to raise."""
    return InputError([problem(path, code, **params)], source)


def join_path(*parts: str | int) -> str:
    """Join key parts into ``zones[3].area_m2`` style."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}"
        else:
            out = str(part)
    return out
