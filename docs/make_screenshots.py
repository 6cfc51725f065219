"""Regenerate the README's screenshots of the example report: `.venv/bin/python docs/make_screenshots.py`.

Builds the Northbridge report (with a sweep of the PCT's public health
money) and photographs it in the same headless Chromium the tests use:
the top of the page, the money flows, and the sweep.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from selenium.webdriver.common.by import By  # noqa: E402

from tests.scenarios.report.browser import chromium, have_chromium, install_chromium, load, screenshot  # noqa: E402

DOCS = ROOT / "docs"
LAA = Path(sys.executable).parent / "laa"
WIDTH = 1360


def main() -> int:
    if not have_chromium() and (why := install_chromium()):
        print(f"no Chromium: {why}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        args = ["report", "examples/northbridge.yaml", "-o", page, "--sweep-stream", "pct_ph"]
        subprocess.run([LAA, *map(str, args)], cwd=ROOT, check=True)
        with chromium() as driver:
            driver.set_window_size(WIDTH, 1000)
            loaded = load(driver, page)
            if loaded.errors or loaded.network:
                print(f"the page is not clean: {loaded.errors} {loaded.network}", file=sys.stderr)
                return 1
            for section, name in (("flows", "report-flows.png"), ("sweep", "report-sweep.png")):
                driver.find_element(By.ID, section).screenshot(str(DOCS / name))
                print(f"wrote docs/{name}")
            screenshot(driver, DOCS / "report-example.png", WIDTH, 1480)
            print("wrote docs/report-example.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
