"""One real-browser test: the app opens in Chromium, a click runs a simulation, the KPI cards appear.

Runs under `make test-browser` (marker `browser`), which .ci/run calls after installing Debian's
chromium and fonts-noto-cjk. Without Chromium it skips, unless ANCHANG_REQUIRE_BROWSER is set
(as in CI), where a missing browser is a failure.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import ROOT

pytestmark = pytest.mark.browser
CHROMIUM = Path(os.environ.get("ANCHANG_CHROMIUM", "/usr/bin/chromium"))
SHOTS = ROOT / "test-output"


def _missing(reason: str):
    if os.environ.get("ANCHANG_REQUIRE_BROWSER"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def app_url():
    if not CHROMIUM.exists():
        _missing(f"no Chromium at {CHROMIUM}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("the Streamlit server did not come up within 60 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_the_app_opens_runs_a_simulation_and_shows_the_kpi_cards(app_url):
    try:
        from playwright import sync_api
    except ImportError:
        _missing("playwright is not installed (make test-browser installs it)")
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=args)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(app_url)
        expect = sync_api.expect
        expect(page.get_by_text("案场客流仿真与容量规划")).to_be_visible(timeout=60_000)
        page.get_by_text("仿真", exact=True).click()
        run = page.get_by_role("button", name="运行仿真")
        expect(run).to_be_visible(timeout=60_000)
        run.click()
        cards = page.get_by_test_id("stMetric")
        expect(cards.first).to_contain_text("到访组数", timeout=120_000)
        assert cards.count() == 5
        expect(page.get_by_test_id("stImage").first).to_be_visible(timeout=60_000)  # the wait plot
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "app_simulate.png"), full_page=True)
        browser.close()
    assert (SHOTS / "app_simulate.png").stat().st_size > 10_000
