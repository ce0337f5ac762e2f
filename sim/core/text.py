"""The text catalogue: every sentence a person reads, keyed, in Chinese and English.

The catalogue is a few YAML files beside this module (``catalogue/*.yaml``). Each entry has a
key and a template per language, with ``str.format`` fields filled from typed results at the last
moment::

    problem:
      must_be_after_open: {en: "must be after hours.open", zh: "必须晚于 hours.open"}

``text("problem.must_be_after_open", "zh")`` gives the Chinese. Keys nest with dots; a test
checks that every entry has both languages with the same fields, and that every key the code
asks for exists. Nothing is ever translated back from English.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
CATALOGUE = Path(__file__).parent / "catalogue"


def _flatten(prefix: str, node: Any, out: dict[str, dict[str, str]]) -> None:
    if isinstance(node, dict) and set(node) <= set(LANGS) and node:
        out[prefix] = {lang: str(node[lang]) for lang in node}
        return
    if not isinstance(node, dict):
        raise ValueError(f"catalogue entry {prefix!r} must map languages to text")
    for key, value in node.items():
        _flatten(f"{prefix}.{key}" if prefix else str(key), value, out)


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every entry: key → {language: template}, from all catalogue files."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOGUE.glob("*.yaml")):
        _flatten(path.stem, yaml.safe_load(path.read_text(encoding="utf-8")) or {}, out)
    return out


def template(key: str, lang: Lang = "en") -> str:
    """The raw template of an entry.

    Raises:
        KeyError: if the catalogue has no such key.
    """
    return catalogue()[key][lang]


def text(key: str, lang: Lang = "en", /, **params: Any) -> str:
    """An entry in a language, with its fields filled.

    Examples:
        >>> text("names.severity.high", "zh")
        '高'
    """
    return template(key, lang).format(**params)


def fields(template_text: str) -> set[str]:
    """The field names a template uses."""
    return {
        name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template_text) if name
    }


def has(key: str) -> bool:
    """Whether the catalogue has this key."""
    return key in catalogue()
