"""Which Host headers the meeting server answers to: its own names only, so DNS rebinding fails."""

from __future__ import annotations

import pytest
from laa.scenarios.meeting.guard import Audience, is_loopback

ANSWERS = [
    ("127.0.0.1", "127.0.0.1:8765", True),
    ("127.0.0.1", "localhost:8765", True),
    ("127.0.0.1", "LOCALHOST:8765", True),
    ("127.0.0.1", "[::1]:8765", True),
    ("127.0.0.1", "127.0.0.1:8766", False),  # another port: another server
    ("127.0.0.1", "127.0.0.1", False),  # no port is port 80
    ("127.0.0.1", "evil.example:8765", False),  # a rebound domain
    ("127.0.0.1", "localhost.evil.example:8765", False),
    ("127.0.0.1", "192.168.1.5:8765", False),  # not listening there
    ("127.0.0.1", "", False),
    ("127.0.0.1", "127.0.0.1:87x5", False),
    ("127.0.0.1", "127.0.0.1:\u00b2", False),  # '²' is a digit to str.isdigit, not to int (issue 21)
    ("127.0.0.1", "127.0.0.1:\u0668\u0667\u0666\u0665", False),  # Arabic-Indic 8765: int() reads it
    ("0.0.0.0", "192.168.1.5:8765", True),  # listening everywhere: any address by number
    ("0.0.0.0", "[fe80::1]:8765", True),
    ("0.0.0.0", "meeting-room.example:8765", False),  # but never a name that could be re-pointed
    ("192.168.1.5", "192.168.1.5:8765", True),
    ("192.168.1.5", "192.168.1.6:8765", False),
    ("meeting-pc.local", "meeting-pc.local:8765", True),
    ("::1", "[::1]:8765", True),
    ("::", "[2001:db8::7]:8765", True),
]


@pytest.mark.parametrize(("listen", "host", "answers"), ANSWERS)
def test_the_server_answers_only_to_its_own_names(listen: str, host: str, answers: bool):
    assert Audience(listen, 8765, "t").host_allowed(host) is answers


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.9.9.9", True), ("localhost", True), ("::1", True), ("[::1]", True),
     ("0.0.0.0", False), ("192.168.1.5", False), ("meeting-pc.local", False), ("::", False)],
)  # fmt: skip
def test_only_loopback_keeps_the_page_on_this_machine(host: str, loopback: bool):
    assert is_loopback(host) is loopback
