"""Read layouts and scenarios from YAML, with one clear message per problem.

Files are read with a safe loader that also refuses duplicate keys (PyYAML would silently keep
the last one) and remembers line numbers, so a message reads
``layouts/x.yaml:14: passages[3].width_m: must be > 0, got -1``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sim.core.problems import InputError, Problem, join_path
from sim.model.layout import Layout
from sim.model.layout_checks import check_layout
from sim.model.scenario import Scenario
from sim.model.scenario_checks import check_pair, check_scenario

MAX_BYTES = 2_000_000  # a layout or scenario is a few kB; refuse anything absurd

_KIND_OF_MODEL = {"layout": Layout, "scenario": Scenario}


class _Loader(yaml.SafeLoader):
    """Safe loader that refuses duplicate keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {seen[key] + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(text: str | bytes, source: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML text safely; return the data and its node tree (for line numbers)."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise InputError(
                [Problem("", f"file is {len(text)} bytes; expected a YAML text under {MAX_BYTES}")], source
            )
        if b"\x00" in text:
            raise InputError([Problem("", "binary content, not a YAML text file")], source)
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                [Problem("", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")], source
            ) from None
    try:
        data = yaml.load(text, Loader=_Loader)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or str(exc)
        if "could not determine a constructor" in what:
            tag = what.split("for the tag")[-1].strip(" '").replace("tag:yaml.org,2002:", "!!")
            what = f"unsupported YAML tag {tag}; only plain data (mappings, lists, text, numbers) is allowed"
        raise InputError([Problem("", f"YAML error: {what}", line)], source) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem("", f"YAML error: {exc}")], source) from None
    return data, node


def _line_of(node: yaml.Node | None, loc: tuple) -> int | None:
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


def _path_parts(path: str) -> tuple:
    parts: list[str | int] = []
    for chunk in path.replace("]", "").split("."):
        for i, piece in enumerate(chunk.split("[")):
            if piece:
                parts.append(int(piece) if i else piece)
    return tuple(parts)


def _fmt(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _message(error: dict) -> str:
    kind, value = error["type"], error.get("input")
    ctx = {k: _fmt(v) for k, v in (error.get("ctx") or {}).items()}
    got = f", got {value!r}" if not isinstance(value, dict | list) else ""
    templates = {
        "missing": "required key is missing",
        "extra_forbidden": "unknown key (a typo?)",
        "greater_than": f"must be > {ctx.get('gt')}{got}",
        "greater_than_equal": f"must be >= {ctx.get('ge')}{got}",
        "less_than": f"must be < {ctx.get('lt')}{got}",
        "less_than_equal": f"must be <= {ctx.get('le')}{got}",
        "literal_error": f"must be one of {ctx.get('expected')}{got}",
        "int_type": f"must be a whole number{got}",
        "int_parsing": f"must be a whole number{got}",
        "int_from_float": f"must be a whole number{got}",
        "float_type": f"must be a number{got}",
        "float_parsing": f"must be a number{got}",
        "bool_type": f"must be true or false{got}",
        "bool_parsing": f"must be true or false{got}",
        "string_type": f"must be text{got}",
        "dict_type": f"must be a mapping (key: value){got}",
        "list_type": f"must be a list{got}",
        "too_short": f"needs at least {ctx.get('min_length')} item(s)",
        "string_pattern_mismatch": f"may use only letters, digits, _ and -{got}",
        "union_tag_invalid": f"unknown kind {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}",
        "union_tag_not_found": f"needs a '{ctx.get('discriminator', 'dist').strip(chr(39))}' key",
    }
    if kind in templates:
        return templates[kind]
    message = str(error.get("msg", kind))
    return message.removeprefix("Value error, ")


# Pydantic puts the chosen member of a tagged union into an error's location; users never wrote it.
_TAGS = {"exponential", "lognormal", "triangular", "uniform", "fixed", "empirical"}


def _problems(exc: ValidationError, node: yaml.Node | None) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p in _TAGS))
        loc = tuple(p for p in loc if p != "[key]")
        problems.append(Problem(join_path(*loc), _message(error), _line_of(node, loc)))
    return problems


def _with_lines(problems: list[Problem], node: yaml.Node | None) -> list[Problem]:
    return [Problem(p.path, p.message, _line_of(node, _path_parts(p.path))) for p in problems]


def parse(model: type[BaseModel], data: Any, node: yaml.Node | None, source: str) -> BaseModel:
    """Validate parsed YAML against a model and its cross-checks; raise InputError."""
    name = "layout" if model is Layout else "scenario"
    if data is None:
        raise InputError([Problem("", f"file is empty; expected a {name} mapping")], source)
    if not isinstance(data, dict):
        raise InputError(
            [Problem("", f"expected a {name} mapping at the top level, got {type(data).__name__}")], source
        )
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        raise InputError(_problems(exc, node), source) from None
    check = check_layout if model is Layout else check_scenario
    problems = check(obj)
    if problems:
        raise InputError(_with_lines(problems, node), source)
    return obj


def parse_model(model: type[BaseModel], data: Any, node: yaml.Node | None, source: str) -> BaseModel:
    """Validate data against any model (a drill file, say); raise InputError with line numbers."""
    if not isinstance(data, dict):
        raise InputError(
            [Problem("", f"expected a mapping at the top level, got {type(data).__name__}")], source
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(_problems(exc, node), source) from None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem("", "file not found")], str(path)) from None
    except IsADirectoryError:
        raise InputError([Problem("", "is a directory, expected a YAML file")], str(path)) from None
    except OSError as exc:
        raise InputError([Problem("", f"cannot read: {exc.strerror}")], str(path)) from None


MAX_BASES = 5  # based_on chains longer than this are refused (and cycles with them)


def _load(path: str | Path, model: type[BaseModel]) -> tuple[Any, yaml.Node | None]:
    path = Path(path)
    data, node = read_yaml(_read(path), str(path))
    if model is Scenario and isinstance(data, dict) and data.get("based_on") is not None:
        data = with_base(data, path)
    return parse(model, data, node, str(path)), node


def with_base(data: dict, path: Path, depth: int = 0) -> dict:
    """A scenario variant: its ``based_on`` file, with this file's keys merged over it.

    Mappings merge key by key; lists and values replace. The base's layout path stays relative
    to the base file.
    """
    if depth >= MAX_BASES:
        raise InputError([Problem("based_on", f"more than {MAX_BASES} files deep (a cycle?)")], str(path))
    if not isinstance(data["based_on"], str):
        raise InputError([Problem("based_on", f"must be a file name, got {data['based_on']!r}")], str(path))
    base_path = path.parent / data["based_on"]
    base, _ = read_yaml(_read(base_path), str(base_path))
    if not isinstance(base, dict):
        raise InputError([Problem("", "expected a scenario mapping at the top level")], str(base_path))
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


class _Dumper(yaml.SafeDumper):
    """Writes clock times quoted: a YAML 1.1 reader takes an unquoted 09:30 for the number 570."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def to_yaml(data: Any, flow: bool | None = None, width: int = 110) -> str:
    """YAML text of layout or scenario data: UTF-8, Chinese kept readable, clock times quoted."""
    return yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=flow, width=width
    )


def file_data(path: str | Path) -> Any:
    """A layout or scenario file's data as read, a scenario's ``based_on`` merged (for records)."""
    path = Path(path)
    data, _ = read_yaml(_read(path), str(path))
    if isinstance(data, dict) and data.get("based_on") is not None:
        data = with_base(data, path)
    return data


def load_layout(path: str | Path) -> Layout:
    """Read and validate a layout file."""
    return _load(path, Layout)[0]


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (on its own, without its layout)."""
    return _load(path, Scenario)[0]


def layout_path(scenario: Scenario, scenario_path: str | Path) -> Path:
    """The scenario's layout file, relative to the scenario file."""
    if scenario.layout is None:
        raise InputError(
            [Problem("layout", "no layout given: set 'layout:' or pass --layout")], str(scenario_path)
        )
    return Path(scenario_path).parent / scenario.layout


def load_pair(scenario_path: str | Path, layout_file: str | Path | None = None) -> tuple[Layout, Scenario]:
    """Read a scenario and its layout (or ``layout_file``), and check them together."""
    scenario, node = _load(scenario_path, Scenario)
    path = Path(layout_file) if layout_file is not None else layout_path(scenario, scenario_path)
    if not path.is_file():
        where = "--layout" if layout_file is not None else "layout"
        problem = Problem(where, f"layout file {path} not found", _line_of(node, ("layout",)))
        raise InputError([problem], str(scenario_path))
    layout = load_layout(path)
    problems = check_pair(layout, scenario)
    if problems:
        raise InputError(_with_lines(problems, node), str(scenario_path))
    return layout, scenario


def detect_kind(data: Any) -> str:
    """'layout' or 'scenario', from the top-level keys."""
    if isinstance(data, dict) and "zones" in data:
        return "layout"
    return "scenario"


def validate_file(path: str | Path) -> str:
    """Validate a layout or scenario file (a scenario with its layout); return its kind."""
    path = Path(path)
    data, node = read_yaml(_read(path), str(path))
    if data is None:
        raise InputError([Problem("", "file is empty; expected a layout or scenario mapping")], str(path))
    if not isinstance(data, dict):
        problem = f"expected a layout or scenario mapping at the top level, got {type(data).__name__}"
        raise InputError([Problem("", problem)], str(path))
    kind = detect_kind(data)
    if kind == "layout":
        parse(Layout, data, node, str(path))
    else:
        if data.get("based_on") is not None:
            data = with_base(data, path)
        scenario = parse(Scenario, data, node, str(path))
        if scenario.layout is not None:
            load_pair(path)
    return kind


def json_schema(kind: str) -> str:
    """JSON Schema of a file format ('layout' or 'scenario')."""
    model = _KIND_OF_MODEL[kind]
    schema = model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"Anchang {kind}"
    return json.dumps(schema, ensure_ascii=False, indent=2)
