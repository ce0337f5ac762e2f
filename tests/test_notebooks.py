"""The analyst notebooks: all five present, outputs stripped, public API only (nbmake runs them)."""

import json
import re

import pytest
from helpers import ROOT

import sim

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_five_notebooks_are_there():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_are_stripped_and_only_the_public_api_is_used(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    source = "\n".join("".join(c["source"]) for c in code)
    private = re.findall(
        r"(?:from sim\.\w+ import|import sim\.\w+|sim\.(?:core|model|io|engine|metrics|runner|store|analysis|plan|present|cli|app)\.)",
        source,
    )
    assert private == []
    used = set(re.findall(r"\bsim\.(\w+)", source))
    assert used <= set(sim.__all__), used - set(sim.__all__)
    assert cells[0]["cell_type"] == "markdown" and cells[0]["source"][0].startswith(f"# {path.stem[:2]} ·")
