"""Sweep files: a base scenario and the axes to vary, read and validated, the base's variant merged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.core.problems import InputError, refuse
from sim.io.files import file_data, read_model_file
from sim.model.sweep import SweepSpec


def load_sweep(path: str | Path) -> tuple[SweepSpec, dict[str, Any], Path]:
    """The sweep file, its base scenario's data (variants merged) and the base path.

    Raises:
        InputError: for an unreadable or invalid sweep file, or a base that cannot be read.
    """
    path = Path(path)
    spec = read_model_file(path, SweepSpec)
    base_path = (path.parent / spec.base).resolve()
    try:
        base = file_data(base_path)
    except InputError as exc:
        reason = exc.problems[0].message() if exc.problems else ""
        raise refuse("base", "cannot_read_base", str(path), base=spec.base, reason=reason) from None
    return spec, base, base_path
