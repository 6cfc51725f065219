"""Hypothesis profiles: `ci` (the default, quick) and `thorough` (HYPOTHESIS_PROFILE=thorough); and the
session's last word on tests skipped because a system program is missing (`tests/system.py`)."""

import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings

from tests.system import REQUIRE, SKIP

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "thorough",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Name what was skipped for want of a system program, and how to install it: without this the
    README's test command ends with a bare "N skipped", easily read as "all of it ran"."""
    missing: Counter[tuple[str, str]] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        message = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        found = SKIP.search(message)
        if found:
            missing[found.group("program"), found.group("install")] += 1
    if not missing:
        return
    terminalreporter.section("system programs not installed")
    for (program, install), count in sorted(missing.items()):
        tests = "test" if count == 1 else "tests"
        terminalreporter.write_line(f"{count} {tests} skipped: {program} is not installed; {install}")
    terminalreporter.write_line(f"(CI sets {REQUIRE}=1: there they are installed, or the tests fail)")
