"""Regenerate the README's and the guide's pictures: `.venv/bin/python docs/make_screenshots.py`.

- The Northbridge report (with a sweep of the PCT's public health money), photographed in the same
  headless Chromium the tests use: the top of the page, the money flows, and the sweep.
- The grouped breaches of a large agreement's silo plan (the generated L area: 150 outcomes), as
  the report shows them: grouped by what is broken, the largest gap first, the full list folded.
- The results workbook as LibreOffice prints it (Summary and Checks sheets, with their print set-up
  and their PASS/FAIL colours), through Calc's PDF and poppler's pdftoppm.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from benchmarks.generate import generate  # noqa: E402
from tests.models.workbook.libreoffice import have_libreoffice, install_libreoffice, render_sheet  # noqa: E402
from tests.scenarios.report.browser import chromium, have_chromium, install_chromium, load, screenshot  # noqa: E402

DOCS = ROOT / "docs"
LAA = Path(sys.executable).parent / "laa"
WIDTH = 1360


def laa(*args: object) -> None:
    done = subprocess.run([LAA, *map(str, args)], cwd=ROOT)
    if done.returncode not in (0, 3):  # 3: some arrangement infeasible, still written
        raise SystemExit(f"laa {' '.join(map(str, args))} exited {done.returncode}")


def main() -> int:
    for have, install, what in ((have_chromium, install_chromium, "Chromium"),
                                (have_libreoffice, install_libreoffice, "LibreOffice")):
        if not have() and (why := install()):
            print(f"no {what}: {why}", file=sys.stderr)
            return 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        page, large, workbook = folder / "report.html", folder / "large.html", folder / "results.xlsx"
        laa("report", "examples/northbridge.yaml", "-o", page, "--sweep-stream", "pct_ph")
        area = Path(tmp) / "large-area.yaml"
        area.write_text(yaml.safe_dump(generate("L", 1)))
        laa("report", area, "-o", large, "-a", "silo", "--freedoms", "0")
        laa("run", "examples/northbridge.yaml", "--format", "xlsx", "--out", workbook)
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
            load(driver, large)
            tall = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(WIDTH, tall)  # an element is photographed whole only when all of it shows
            driver.find_element(By.ID, "infeasible").screenshot(str(DOCS / "report-breaches.png"))
            print("wrote docs/report-breaches.png")
        sheets = (("Summary", "results-workbook-summary.png"), ("Checks", "results-workbook-checks.png"))
        for sheet, name in sheets:
            render_sheet(workbook, sheet, DOCS / name)
            print(f"wrote docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
