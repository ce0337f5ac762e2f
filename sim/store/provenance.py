"""Provenance: which code ran, on which inputs (scenario and layout text with a content hash)."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.model.names import Names


@cache
def code_version() -> str:
    """The package version, with the git commit (and ``.dirty``) when run from a checkout."""
    try:
        version = importlib.metadata.version("anchang")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    root = Path(__file__).resolve().parents[2]  # the checkout: sim/store/provenance.py
    if not (root / ".git").exists():
        return version
    try:
        commit = _git(root, "rev-parse", "--short=12", "HEAD")
        dirty = _git(root, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return version
    return f"{version}+g{commit}{'.dirty' if dirty else ''}" if commit else version


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10)
    return done.stdout.strip() if done.returncode == 0 else ""


@dataclass(frozen=True)
class Input:
    """A scenario or layout as run: its text and the SHA-256 of its content."""

    kind: str
    name: str | None
    file: str | None
    text: str
    hash: str


def input_of(kind: str, data: Any, file: str | Path | None = None) -> Input:
    """The record of one input; the hash ignores formatting, comments and key order.

    A scenario's ``layout`` path is left out of its hash: the layout is hashed on its own.
    """
    hashed = (
        {k: v for k, v in data.items() if k != "layout"}
        if kind == "scenario" and isinstance(data, dict)
        else data
    )
    canonical = json.dumps(hashed, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    from sim.io.yamltext import to_yaml

    text = to_yaml(data)
    name = _name(data.get("name")) if isinstance(data, dict) else None
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return Input(kind, name, None if file is None else str(file), text, digest)


def inputs_of(scenario_file: str | Path | None, layout_file: str | Path | None = None) -> list[Input]:
    """The scenario (``based_on`` merged) and the layout it runs on, as read from their files."""
    from sim.io.files import file_data

    found = []
    if scenario_file is not None:
        data = file_data(scenario_file)
        found.append(input_of("scenario", data, Path(scenario_file).resolve()))
        if layout_file is None and isinstance(data, dict) and isinstance(data.get("layout"), str):
            layout_file = Path(scenario_file).parent / data["layout"]
    if layout_file is not None:
        found.append(input_of("layout", file_data(layout_file), Path(layout_file).resolve()))
    return found


def _name(value: Any) -> str | None:
    """A file's name as one text: both languages' when it has one per language."""
    if value is None:
        return None
    try:
        return str(Names.model_validate(value))
    except ValidationError:
        return str(value)
