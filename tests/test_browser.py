"""The browser view in a real browser: `jangmadang viz` served on localhost, driven by Playwright in Chromium.

Needs Debian's `chromium` (or JANGMADANG_CHROMIUM pointing at a Chromium binary). Without it these tests
skip, unless JANGMADANG_REQUIRE_BROWSER=1 (set by .ci/run), when they fail. The screenshot after 24
steps is kept in outputs/browser/ (or JANGMADANG_SCREENSHOTS).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.core.schedule import month_label, to_month

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = Path(os.environ.get("JANGMADANG_SCREENSHOTS", ROOT / "outputs" / "browser"))
CHROMIUM_FLAGS = [  # headless as root in a closed network: no sandbox, no calls home
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_SECONDS = 120
STEP_SECONDS = 30  # generous: a step and its redraw take under a second at the default scale

pytestmark = pytest.mark.slow


def chromium_path() -> str:
    """The Chromium binary, or skip (fail, where the browser is required) with the reason."""
    path = os.environ.get("JANGMADANG_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    reason = "no Chromium found: install Debian's chromium package or set JANGMADANG_CHROMIUM to a Chromium binary"
    if os.environ.get("JANGMADANG_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " (JANGMADANG_REQUIRE_BROWSER=1: browser tests must run here)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """`jangmadang viz` on a free localhost port, at the default scale; its address."""
    chromium_path()
    port = free_port()
    command = [str(Path(sys.executable).with_name("jangmadang")), "viz", "baseline", "--port", str(port)]
    log = SCREENSHOTS / "server.log"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"`jangmadang viz` did not serve {url}; its output:\n{log.read_text()}")
            time.sleep(0.5)
        yield url
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server: str) -> Iterator:
    """A fresh page (and so a fresh model) on the app, loaded, with the errors it reports collected."""
    page = browser.new_page(viewport={"width": 1500, "height": 950})
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(f"page error: {error}"))
    page.on("console", lambda message: message.type == "error" and page.errors.append(f"console: {message.text}"))
    page.on("requestfailed", lambda request: page.errors.append(f"request failed: {request.url}"))
    page.goto(server, timeout=60_000)
    page.get_by_text("not yet run").wait_for(timeout=60_000)
    yield page
    page.close()


def date_after(steps: int, start: str = "1990-01") -> str:
    return month_label(to_month(start) + steps - 1)


def press_step(page, steps_done: int) -> None:
    page.get_by_role("button", name="Step").click()
    page.get_by_text(date_after(steps_done + 1), exact=True).wait_for(timeout=STEP_SECONDS * 1000)


def figures_drawn(page) -> list[tuple[int, int]]:
    """Sizes of the page's rendered images (the map and the charts are PNGs drawn by matplotlib)."""
    return page.locator("img").evaluate_all("images => images.map(i => [i.naturalWidth, i.naturalHeight])")


def test_page_loads_with_map_and_charts_and_no_errors(page):
    assert "Jangmadang" in page.get_by_text("Jangmadang").first.inner_text()
    for control in ("Sanctions ×", "Border enforcement ×", "Famine severity ×", "Market tolerance ×", "Phones ×",
                    "Remittances ×", "Households (scale)", "Border closes in 2020 (COVID)"):  # fmt: skip
        assert page.get_by_text(control, exact=True).count() == 1, control
    images = figures_drawn(page)
    assert len(images) >= 2 and all(width > 300 and height > 300 for width, height in images), images
    assert page.errors == []


def test_step_advances_the_date(page):
    for done in range(3):
        press_step(page, done)
    assert page.get_by_text(date_after(3), exact=True).is_visible()
    assert page.errors == []


def test_slider_and_reset_rebuild_the_model_with_the_new_parameters(page):
    info = page.get_by_text(re.compile(r"households in \d+ towns"))
    assert "58,875 households" in info.inner_text() and "peak sanctions 1.00" in info.inner_text()
    assert page.get_by_text("Sanctions × 1", exact=True).is_visible()  # each slider's value is shown
    sanctions = page.locator(".v-input", has_text="Sanctions ×").get_by_role("slider")
    sanctions.focus()
    page.keyboard.press("Home")  # the slider's minimum: no sanctions at all
    assert sanctions.get_attribute("aria-valuenow") == "0"
    page.get_by_text("Sanctions × 0", exact=True).wait_for(timeout=5_000)  # shown before Reset applies it
    households = page.locator(".v-input", has_text="Households (scale)").get_by_role("slider")
    households.focus()
    page.keyboard.press("Home")
    page.get_by_role("button", name="Reset").click()
    page.get_by_text(re.compile("5,000 households in")).wait_for(timeout=STEP_SECONDS * 1000)
    assert "peak sanctions 0.00" in info.inner_text()
    press_step(page, 0)
    assert page.errors == []


def test_inspecting_a_town_shows_its_figures(page):
    press_step(page, 0)
    page.locator(".v-select", has_text="Inspect a town").click()
    page.get_by_role("option").first.click()  # the largest town, the capital
    for figure in ("Grain price:", "Traders:", "Stalls:", "Households:", "Grain sold by traders:"):
        page.get_by_text(figure).first.wait_for(timeout=10_000)
    assert "won/kg" in page.get_by_text("Grain price:").first.inner_text()
    page.screenshot(path=SCREENSHOTS / "browser_town_inspected.png", full_page=True)
    assert page.errors == []


def test_screenshot_after_24_steps(page):
    for done in range(24):
        press_step(page, done)
    page.wait_for_timeout(500)  # let the last images decode
    assert len(figures_drawn(page)) >= 2
    path = SCREENSHOTS / "browser_view_after_24_steps.png"
    page.screenshot(path=path, full_page=True)
    assert path.stat().st_size > 50_000  # a real picture, not a blank page
    print(f"screenshot: {path}")
    assert page.errors == []
