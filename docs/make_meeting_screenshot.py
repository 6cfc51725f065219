"""Regenerate the guide's picture of the meeting page: `.venv/bin/python docs/make_meeting_screenshot.py`.

Serves a copy of the Northbridge example on a free loopback port, makes two
changes with the page's own controls (the Neighbourhood Renewal Fund kept
out of the LAA pot; the Supporting People housing ring-fence dropped) and
photographs the page in the same headless Chromium the tests use.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from laa.models.load import load_scenario  # noqa: E402
from laa.scenarios.meeting.server import serving  # noqa: E402
from laa.scenarios.meeting.session import Meeting  # noqa: E402

from tests.scenarios.meeting.driver import act, choose, console_errors, open_page, tab  # noqa: E402
from tests.scenarios.report.browser import chromium, have_chromium, install_chromium, screenshot  # noqa: E402

OUT = ROOT / "docs" / "meeting-example.png"
WIDTH, HEIGHT = 1360, 1500


def main() -> int:
    if not have_chromium() and (why := install_chromium()):
        print(f"no Chromium: {why}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "northbridge.yaml"
        shutil.copyfile(ROOT / "examples" / "northbridge.yaml", path)
        with serving(Meeting.open(path, load_scenario(path))) as server, chromium() as driver:
            driver.set_window_size(WIDTH, HEIGHT)
            open_page(driver, server.url)
            choose(driver, "stream", "nrf")
            act(driver, "stream-pooled")
            tab(driver, "rules")
            choose(driver, "rule", "sp-housing-support")
            act(driver, "drop-rule")
            errors = console_errors(driver)
            if errors:
                print(f"the page is not clean: {errors}", file=sys.stderr)
                return 1
            screenshot(driver, OUT, WIDTH, HEIGHT)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
