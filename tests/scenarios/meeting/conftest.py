"""A meeting on a copy of the example, and an HTTP client that talks to it as the page does.

The API tests need no listening server: Starlette's TestClient calls the app
in process, with the Host the server would see, so the guard is exercised
as it is in use. Each test that may write gets its own folder.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from laa.models.load import load_scenario
from laa.scenarios.meeting.app import meeting_app
from laa.scenarios.meeting.guard import Audience
from laa.scenarios.meeting.session import Meeting
from selenium import webdriver
from starlette.testclient import TestClient

from tests.paths import EXAMPLE
from tests.scenarios.report.browser import CHROMIUM_PROGRAM, chromium
from tests.system import need

PORT = 8765
TOKEN = "test-token"
ORIGIN = f"http://127.0.0.1:{PORT}"


def open_meeting(folder: Path) -> Meeting:
    """The example's meeting, every arrangement planned before each answer (none left pending), so
    what a test reads does not depend on how busy the machine is."""
    path = folder / "northbridge.yaml"
    shutil.copyfile(EXAMPLE, path)
    meeting = Meeting.open(path, load_scenario(path))
    meeting.quick_seconds = math.inf
    return meeting


def client_of(meeting: Meeting) -> TestClient:
    """A client with the page's token and origin, as the page's own requests carry them."""
    app = meeting_app(meeting, Audience("127.0.0.1", PORT, TOKEN))
    return TestClient(app, base_url=ORIGIN, headers={"X-LAA-Token": TOKEN, "Origin": ORIGIN})


@pytest.fixture
def meeting(tmp_path: Path) -> Meeting:
    return open_meeting(tmp_path)


@pytest.fixture
def client(meeting: Meeting) -> Iterator[TestClient]:
    with client_of(meeting) as c:
        yield c


@pytest.fixture(scope="module")
def shared_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One meeting for tests that only plan (POST /api/plan leaves the meeting as it was)."""
    with client_of(open_meeting(tmp_path_factory.mktemp("meeting"))) as c:
        yield c


@pytest.fixture(scope="session")
def browser() -> Iterator[webdriver.Chrome]:
    """Headless Chromium as the report's tests drive it (skipped where missing, required in CI)."""
    need(CHROMIUM_PROGRAM)
    with chromium() as driver:
        yield driver
