"""Headless Chromium from Debian's packages, driven by Selenium through Debian's chromedriver.

Shared by the report tests and `docs/make_screenshots.py`. The browser is
started with everything that would reach for the network switched off,
and each page is loaded with the network emulated offline, so a report
that needed a CDN would fail here rather than in a meeting room.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

from tests.system import SystemProgram, one_install_at_a_time

# found on PATH, where Debian's packages put them (/usr/bin), so a PATH without them means "not installed"
CHROMIUM, CHROMEDRIVER = "chromium", "chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--window-size=1360,1000",
)
NETWORK_SCHEMES = ("http:", "https:", "ws:", "wss:", "ftp:")


def have_chromium() -> bool:
    return shutil.which(CHROMIUM) is not None and shutil.which(CHROMEDRIVER) is not None


def install_chromium() -> str:
    """Install Debian's chromium and chromium-driver once, whoever asks first; '' or why it failed.

    A lock file serialises parallel test processes: the first installs, the
    others wait on the lock and then find the binaries in place.
    """
    with one_install_at_a_time("chromium"):
        if have_chromium():
            return ""
        if shutil.which("apt-get") is None:
            return "apt-get is not available"
        command = (
            "apt-get update -q && DEBIAN_FRONTEND=noninteractive "
            "apt-get install -y -q --no-install-recommends chromium chromium-driver"
        )
        done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=900)
        if done.returncode != 0 or not have_chromium():
            return f"apt-get failed ({done.returncode}): {done.stderr.strip()[-800:]}"
        return ""


CHROMIUM_PROGRAM = SystemProgram("Chromium", "chromium chromium-driver", have_chromium, install_chromium)


@dataclass
class Loaded:
    """What a page did while it loaded: console messages and the URLs it asked for."""

    console: list[dict[str, object]]
    requests: list[str]

    @property
    def errors(self) -> list[dict[str, object]]:
        return [m for m in self.console if m.get("level") == "SEVERE"]

    @property
    def network(self) -> list[str]:
        return [u for u in self.requests if u.lower().startswith(NETWORK_SCHEMES)]


@contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    with tempfile.TemporaryDirectory(prefix="laa-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = str(shutil.which(CHROMIUM))
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        driver = webdriver.Chrome(service=Service(str(shutil.which(CHROMEDRIVER))), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def load(driver: webdriver.Chrome, path: Path, timeout: float = 30) -> Loaded:
    """Open the file offline and wait until every plotly chart on it has drawn its SVG."""
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get_log("performance")
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
    )
    driver.get(path.resolve().as_uri())
    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script(
            "const charts = document.querySelectorAll('div.plotly-graph-div');"
            "return document.readyState === 'complete' && "
            "[...charts].every(c => c.querySelector('svg.main-svg') !== null);"
        )
    )
    requests = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    return Loaded(driver.get_log("browser"), requests)


def screenshot(driver: webdriver.Chrome, path: Path, width: int = 1360, height: int | None = None) -> Path:
    """The page at `width`, as tall as `height` or the whole page."""
    full = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, height or full)
    driver.execute_script("window.scrollTo(0, 0); window.dispatchEvent(new Event('resize'));")
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState === 'complete'"))
    path.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))
    return path
