import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True, scope="session")
def _run_store_in_tmp(tmp_path_factory):
    """Commands record their runs; in the suite they do it in a temporary store, never in results/."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ANCHANG_STORE", str(tmp_path_factory.mktemp("store") / "runs.duckdb"))
        yield
