"""System programs some tests drive (Chromium, LibreOffice): skipped where missing, required in CI.

Anyone may run the README's test command, root or not: where a program is not installed, the tests
that need it skip, saying which program and the line that installs it, and the session's summary
names them again at the end (`tests/conftest.py`). CI sets LAA_REQUIRE_SYSTEM_TOOLS=1 (`.ci/run`
does): there a missing program is installed with apt-get, and an install that fails fails the tests,
so CI never passes by skipping what it was meant to prove.
"""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REQUIRE = "LAA_REQUIRE_SYSTEM_TOOLS"
# how a skip for a missing program reads, so the session's summary can find and group them
SKIP = re.compile(r"needs (?P<program>.+?), which is not installed: (?P<install>sudo apt-get [^(]+?) \(CI")


@dataclass(frozen=True)
class SystemProgram:
    name: str
    packages: str  # Debian's packages that provide it
    present: Callable[[], bool]
    install: Callable[[], str]  # '' when installed, else why not

    @property
    def install_line(self) -> str:
        return f"sudo apt-get install {self.packages}"


def required() -> bool:
    return os.environ.get(REQUIRE) == "1"


def need(program: SystemProgram) -> None:
    """Return when the program is there; else skip the test, or under CI install it or fail."""
    if program.present():
        return
    if not required():
        pytest.skip(
            f"needs {program.name}, which is not installed: {program.install_line} "
            f"(CI sets {REQUIRE}=1, which installs it or fails)"
        )
    why = program.install()
    if why:
        pytest.fail(f"{program.name} is needed ({REQUIRE}=1) and could not be installed: {why}",
                    pytrace=False)  # fmt: skip


@contextmanager
def one_install_at_a_time(program: str) -> Iterator[None]:
    """Parallel test processes wait on one lock: the first installs, the others then find it in place.

    The lock file is opened read-only (flock needs no more) and created writable by anyone, so a lock
    left by one user's run never stops another user's with a PermissionError.
    """
    lock = Path(tempfile.gettempdir()) / f"laa-{program}-install.lock"
    descriptor = os.open(lock, os.O_RDONLY | os.O_CREAT, 0o666)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
