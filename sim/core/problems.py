"""Input problems: one clear message each, naming the file, the key path and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, at a key path such as ``passages[3].width_m``."""

    path: str
    message: str
    line: int | None = None

    def render(self, source: str | None = None) -> str:
        """Format as ``file:line: path: message``."""
        where = source or ""
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        parts = [p for p in (where, self.path) if p]
        return ": ".join([*parts, self.message])


class InputError(ValueError):
    """Raised when a layout or scenario cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        super().__init__(self.render())

    def render(self) -> str:
        """All problems, one per line."""
        return "\n".join(p.render(self.source) for p in self.problems)


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
