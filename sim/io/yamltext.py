"""YAML text in and out: a safe loader that refuses duplicate keys, and a writer that quotes clock times.

PyYAML would silently keep the last of two equal keys; this loader refuses the file instead and
remembers line numbers for the messages. Only plain data is allowed: mappings, lists, text, numbers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from sim.core.problems import InputError, problem, refuse

MAX_BYTES = 2_000_000  # a layout or scenario is a few kB; refuse anything absurd


class _DuplicateKey(yaml.constructor.ConstructorError):
    """A mapping with the same key twice."""

    def __init__(self, key: Any, first_line: int, mark: yaml.Mark) -> None:
        super().__init__(None, None, f"duplicate key {key!r}", mark)
        self.key, self.first_line = key, first_line


class _Loader(yaml.SafeLoader):
    """Safe loader that refuses duplicate keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise _DuplicateKey(key, seen[key] + 1, key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _decode(text: bytes, source: str) -> str:
    if len(text) > MAX_BYTES:
        raise refuse("", "too_big", source, size=len(text), limit=MAX_BYTES)
    if b"\x00" in text:
        raise refuse("", "binary", source)
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse("", "not_utf8", source, byte=exc.start) from None


def read_yaml(text: str | bytes, source: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML text safely; return the data and its node tree (for line numbers).

    Raises:
        InputError: for text that is too big, binary, not UTF-8, or not plain YAML data.
    """
    if isinstance(text, bytes):
        text = _decode(text, source)
    try:
        data = yaml.load(text, Loader=_Loader)
        node = yaml.compose(text, Loader=_Loader)
    except _DuplicateKey as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise InputError(
            [problem("", "duplicate_key", line, key=repr(exc.key), first=exc.first_line)], source
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or str(exc)
        if "could not determine a constructor" in what:
            tag = what.split("for the tag")[-1].strip(" '").replace("tag:yaml.org,2002:", "!!")
            raise InputError([problem("", "yaml_tag", line, tag=tag)], source) from None
        raise InputError([problem("", "yaml_error", line, what=what)], source) from None
    except yaml.YAMLError as exc:
        raise refuse("", "yaml_error", source, what=str(exc)) from None
    return data, node


def read_bytes(path: Path) -> bytes:
    """A file's bytes, or one clear message why it cannot be read.

    Raises:
        InputError: if the file is missing, a directory, or unreadable.
    """
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise refuse("", "file_not_found", str(path)) from None
    except IsADirectoryError:
        raise refuse("", "is_directory", str(path)) from None
    except OSError as exc:
        raise refuse("", "cannot_read", str(path), reason=exc.strerror) from None


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
