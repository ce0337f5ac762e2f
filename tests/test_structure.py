"""The house stays readable: rooms named by what they hold, no module over 400 lines, no function over 60."""

import ast

from helpers import ROOT

SOURCES = sorted((ROOT / "sim").rglob("*.py"))


def test_no_module_over_400_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in SOURCES
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}


def test_no_function_over_60_lines():
    long = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and node.end_lineno - node.lineno >= 60
            ):
                long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = (
                    node.end_lineno - node.lineno + 1
                )
    assert long == {}


def test_every_subpackage_says_what_it_owns():
    for init in (ROOT / "sim").rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 40, init.relative_to(ROOT)


def test_no_text_cites_a_file_outside_the_repository():
    # Facts carry their original source (a paper, a code clause), never a working note beside the repository.
    outside = (
        [w + "/" for w in ("research", "../shared")]
        + [w + ".md" for w in ("DESIGN", "STYLE")]
        + ["issue " + "brief"]
    )
    kept = [ROOT / "README.md", *SOURCES, *(ROOT / "tests").glob("*.py"), *(ROOT / "notebooks").glob("*.ipynb"),
            *(ROOT / "benchmarks").glob("*.py")]  # fmt: skip
    for folder in ("layouts", "scenarios", "sweeps", "sim/core/catalogue"):
        kept += (ROOT / folder).glob("*.yaml")
    found = [
        (str(p.relative_to(ROOT)), w) for p in kept for w in outside if w in p.read_text(encoding="utf-8")
    ]
    assert found == []
