"""Read layouts and scenarios from YAML files, with one clear message per problem.

A message names the file, the line, the key path and what is wrong, e.g.
``layouts/x.yaml:14: passages[3].width_m: must be > 0, got -1``. A scenario may be a variant:
``based_on: other.yaml`` and only the keys it changes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from sim.core.problems import InputError, Problem, problem, refuse
from sim.io.messages import line_of, problems_of, with_lines
from sim.io.yamltext import read_bytes, read_yaml
from sim.model.drill import Drill
from sim.model.layout import Layout
from sim.model.layout_checks import check_layout
from sim.model.scenario import Scenario
from sim.model.scenario_checks import check_pair, check_scenario

MAX_BASES = 5  # based_on chains longer than this are refused (and cycles with them)
KINDS: dict[str, type[BaseModel]] = {"layout": Layout, "scenario": Scenario}
Model = TypeVar("Model", bound=BaseModel)


def parse(model: type[Model], data: Any, node: yaml.Node | None, source: str) -> Model:
    """Validate parsed YAML against the layout or scenario model and its cross-checks.

    Raises:
        InputError: with every problem found.
    """
    name = "layout" if model is Layout else "scenario"
    if data is None:
        raise refuse("", "empty_file", source, kind=name)
    if not isinstance(data, dict):
        raise refuse("", "not_a_mapping_of", source, kind=name, found=type(data).__name__)
    obj = parse_model(model, data, node, source)
    problems = (
        check_layout(obj)
        if isinstance(obj, Layout)
        else check_scenario(obj)
        if isinstance(obj, Scenario)
        else []
    )
    if problems:
        raise InputError(with_lines(problems, node), source)
    return obj


def parse_model(model: type[Model], data: Any, node: yaml.Node | None, source: str) -> Model:
    """Validate data against any model (a drill file, say); raise InputError with line numbers."""
    if not isinstance(data, dict):
        raise refuse("", "not_a_mapping", source, found=type(data).__name__)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_of(exc, node), source) from None


def read_model_file(path: Path, model: type[Model]) -> Model:
    """A YAML file (a drill or sweep file) validated against ``model``; an empty file is an empty mapping."""
    data, node = read_yaml(read_bytes(path), str(path))
    return parse_model(model, data if data is not None else {}, node, str(path))


def _load(path: str | Path, model: type[Model]) -> tuple[Model, yaml.Node | None]:
    path = Path(path)
    data, node = read_yaml(read_bytes(path), str(path))
    if model is Scenario and isinstance(data, dict) and data.get("based_on") is not None:
        data = with_base(data, path)
    return parse(model, data, node, str(path)), node


def with_base(data: dict[str, Any], path: Path, depth: int = 0) -> dict[str, Any]:
    """A scenario variant: its ``based_on`` file, with this file's keys merged over it.

    Mappings merge key by key; lists and values replace. The base's layout path stays relative
    to the base file.
    """
    if depth >= MAX_BASES:
        raise refuse("based_on", "too_deep", str(path), most=MAX_BASES)
    if not isinstance(data["based_on"], str):
        raise refuse("based_on", "not_a_file_name", str(path), value=repr(data["based_on"]))
    base_path = path.parent / data["based_on"]
    try:
        base, _ = read_yaml(read_bytes(base_path), str(base_path))
    except InputError as exc:  # said at the variant's key, with what went wrong in the base
        reason = exc.problems[0].render() if exc.problems else ""
        raise refuse(
            "based_on", "cannot_read_base", str(path), base=data["based_on"], reason=reason
        ) from None
    if not isinstance(base, dict):
        raise refuse("", "not_a_scenario_mapping", str(base_path))
    if base.get("based_on") is not None:
        base = with_base(base, base_path, depth + 1)
    if isinstance(base.get("layout"), str):
        base["layout"] = os.path.relpath(base_path.parent / base["layout"], path.parent)
    merged = _merge(base, {k: v for k, v in data.items() if k != "based_on"})
    merged["based_on"] = data["based_on"]
    return merged


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        return {**base, **{k: _merge(base.get(k), v) for k, v in over.items()}}
    return over


def file_data(path: str | Path) -> Any:
    """A layout or scenario file's data as read, a scenario's ``based_on`` merged (for records)."""
    path = Path(path)
    data, _ = read_yaml(read_bytes(path), str(path))
    if isinstance(data, dict) and data.get("based_on") is not None:
        data = with_base(data, path)
    return data


def load_layout(path: str | Path) -> Layout:
    """Read and validate a layout file."""
    return _load(path, Layout)[0]


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (on its own, without its layout)."""
    return _load(path, Scenario)[0]


def load_drill(path: str | Path) -> Drill:
    """Read and validate a drill file (a list of events); an empty file is refused, not a drill of none."""
    path = Path(path)
    data, node = read_yaml(read_bytes(path), str(path))
    if data is None:
        raise refuse("", "empty_drill", str(path))
    return parse_model(Drill, data, node, str(path))


def layout_path(scenario: Scenario, scenario_path: str | Path) -> Path:
    """The scenario's layout file, relative to the scenario file."""
    if scenario.layout is None:
        raise refuse("layout", "no_layout", str(scenario_path))
    return Path(scenario_path).parent / scenario.layout


def load_pair(scenario_path: str | Path, layout_file: str | Path | None = None) -> tuple[Layout, Scenario]:
    """Read a scenario and its layout (or ``layout_file``), and check them together."""
    scenario, node = _load(scenario_path, Scenario)
    path = Path(layout_file) if layout_file is not None else layout_path(scenario, scenario_path)
    where = "--layout" if layout_file is not None else "layout"
    found = _no_layout_file(path, where, line_of(node, ("layout",)))
    if found is not None:
        raise InputError([found], str(scenario_path))
    layout = load_layout(path)
    problems = check_pair(layout, scenario)
    if problems:
        raise InputError(with_lines(problems, node), str(scenario_path))
    return layout, scenario


def _no_layout_file(path: Path, where: str, line: int | None) -> Problem | None:
    """Why ``path`` is no layout file to read (missing, or a name the filesystem refuses); None if it is one."""
    try:
        if path.is_file():
            return None
        return problem(where, "layout_not_found", line, path=str(path))
    except OSError as exc:  # a name too long, a loop of links
        shown = str(path) if len(str(path)) <= 120 else f"{str(path)[:100]}…({len(str(path))} characters)"
        return problem(where, "layout_unreadable", line, path=shown, reason=exc.strerror or str(exc))


def detect_kind(data: Any) -> str:
    """'layout' or 'scenario', from the top-level keys."""
    if isinstance(data, dict) and ("zones" in data or "passages" in data):
        return "layout"
    return "scenario"


def validate_file(path: str | Path) -> str:
    """Validate a layout or scenario file (a scenario with its layout); return its kind."""
    path = Path(path)
    return validate_text(read_bytes(path), path)


def validate_text(raw: str | bytes, path: Path) -> str:
    """Validate layout or scenario text as if it were the file ``path`` (its layout found from there).

    Raises:
        InputError: with every problem found, naming ``path``.
    """
    data, node = read_yaml(raw, str(path))
    if data is None:
        raise refuse("", "empty_file_either", str(path))
    if not isinstance(data, dict):
        raise refuse("", "not_either_mapping", str(path), found=type(data).__name__)
    kind = detect_kind(data)
    if kind == "layout":
        parse(Layout, data, node, str(path))
    else:
        if data.get("based_on") is not None:
            data = with_base(data, path)
        scenario = parse(Scenario, data, node, str(path))
        if scenario.layout is not None:
            _check_with_layout(scenario, node, path)
    return kind


def _check_with_layout(scenario: Scenario, node: yaml.Node | None, path: Path) -> None:
    layout_file = layout_path(scenario, path)
    found = _no_layout_file(layout_file, "layout", line_of(node, ("layout",)))
    if found is not None:
        raise InputError([found], str(path))
    problems = check_pair(load_layout(layout_file), scenario)
    if problems:
        raise InputError(with_lines(problems, node), str(path))


def json_schema(kind: str) -> str:
    """JSON Schema of a file format ('layout' or 'scenario')."""
    schema = KINDS[kind].model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"Anchang {kind}"
    return json.dumps(schema, ensure_ascii=False, indent=2)
