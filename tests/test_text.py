"""The text catalogue: complete in both languages, and every key the code asks for exists."""

import ast

import pytest
from helpers import ROOT

from sim.core.text import LANGS, catalogue, fields, text

SOURCES = sorted((ROOT / "sim").rglob("*.py"))


def _calls(name_of_function: str, argument: int):
    """Literal string arguments of calls to a function, across the package."""
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            called = (
                node.func.id if isinstance(node.func, ast.Name) else None
            )  # methods are not the catalogue
            if called == name_of_function and len(node.args) > argument:
                arg = node.args[argument]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    yield path.relative_to(ROOT), arg.value


def test_every_entry_speaks_both_languages_with_the_same_fields():
    for key, entry in catalogue().items():
        assert set(entry) == set(LANGS), key
        assert fields(entry["zh"]) == fields(entry["en"]), key
        assert entry["zh"].strip() and entry["en"].strip(), key


@pytest.mark.parametrize(("function", "argument", "prefix"), [("problem", 1, "problem."), ("refuse", 1, "problem."),
                                                              ("Dropped", 0, "dropped."), ("text", 0, "")])  # fmt: skip
def test_every_key_the_code_asks_for_is_in_the_catalogue(function, argument, prefix):
    asked = list(_calls(function, argument))
    assert asked, function
    missing = [(str(path), key) for path, key in asked if prefix + key not in catalogue()]
    assert missing == []


def test_a_template_fills_in_either_language():
    assert text("problem.sum_to_one", "en", total="0.9") == "probabilities must sum to 1, got 0.9"
    assert "0.9" in text("problem.sum_to_one", "zh", total="0.9")
