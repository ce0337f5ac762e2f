"""YAML text in and out: a safe loader that refuses duplicate keys, and a writer that quotes clock times.

PyYAML would silently keep the last of two equal keys; this loader refuses the file instead and
remembers line numbers for the messages. Only plain data is allowed: mappings, lists, text, numbers.
"""

from __future__ import annotations

import re
import stat
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


_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser where PyYAML was built with it
MAX_DEPTH = 40  # nesting of mappings and lists: the formats need under ten


class _Loader(_BASE):  # type: ignore[valid-type,misc]
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
        return _parse(text, source)
    except RecursionError:
        raise refuse("", "too_nested", source, most=MAX_DEPTH) from None
    except _DuplicateKey as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise InputError(
            [problem("", "duplicate_key", line, key=repr(exc.key), first=exc.first_line)], source
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (
            min(mark.line + 1, text.count("\n") + 1) if mark else None
        )  # libyaml marks the end past the last line
        what = exc.problem or str(exc)
        if "maximum nesting depth" in what:  # libyaml's own limit, under ours
            raise InputError([problem("", "too_nested", line, most=MAX_DEPTH)], source) from None
        if "could not determine a constructor" in what:
            tag = what.split("for the tag")[-1].strip(" '").replace("tag:yaml.org,2002:", "!!")
            raise InputError([problem("", "yaml_tag", line, tag=tag)], source) from None
        raise InputError([problem("", "yaml_error", line, what=what)], source) from None
    except yaml.YAMLError as exc:
        raise refuse("", "yaml_error", source, what=str(exc)) from None


def _parse(text: str, source: str) -> tuple[Any, yaml.Node | None]:
    """Parse once: the node tree (for line numbers), its depth checked, then the data built from it."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _depth(node) > MAX_DEPTH:
            raise refuse("", "too_nested", source, most=MAX_DEPTH)
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def _depth(root: yaml.Node) -> int:
    """How deep mappings and lists nest under ``root``, without recursion (an alias counts once)."""
    deepest, stack, seen = 0, [(root, 1)], set()
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        deepest = max(deepest, depth)
        if isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
    return deepest


def read_bytes(path: Path) -> bytes:
    """A file's bytes, or one clear message why it cannot be read.

    Only regular files are read (a FIFO or a device is refused before it is opened), and none
    larger than ``MAX_BYTES``, checked before reading.

    Raises:
        InputError: if the file is missing, a directory, not a regular file, too big, or unreadable.
    """
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise refuse("", "is_directory", str(path))
        if not stat.S_ISREG(info.st_mode):  # a FIFO blocks, a device never ends
            raise refuse("", "not_a_file", str(path))
        if info.st_size > MAX_BYTES:
            raise refuse("", "too_big", str(path), size=info.st_size, limit=MAX_BYTES)
        with path.open("rb") as handle:
            return handle.read(MAX_BYTES + 1)  # a file growing meanwhile is caught by the size check
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
