"""Running the meeting server: a socket bound first (a taken port is said at once), then uvicorn on it.

The socket is bound before the base plans are made, so `laa serve` on a
taken port fails in a second rather than after a minute of planning, and
port 0 means "any free port" (the tests' way of never colliding).
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from laa.models.errors import InputError
from laa.scenarios.meeting.app import meeting_app
from laa.scenarios.meeting.guard import WILDCARDS, Audience
from laa.scenarios.meeting.session import Meeting


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free one), or why there cannot be one."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]") or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
    except (OSError, UnicodeError) as exc:
        raise InputError(f"--host {host}: not an address this machine can listen on ({exc})") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(64)
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def url_of(host: str, sock: socket.socket) -> str:
    """The address a person types: loopback for a server listening on every address."""
    port = sock.getsockname()[1]
    shown = "127.0.0.1" if host in WILDCARDS else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


class MeetingServer:
    """uvicorn serving one meeting on a bound socket."""

    def __init__(self, meeting: Meeting, host: str, sock: socket.socket, token: str | None = None):
        self.meeting, self.sock = meeting, sock
        self.url = url_of(host, sock)
        self.audience = Audience(host, sock.getsockname()[1], token or secrets.token_urlsafe(24))
        config = uvicorn.Config(
            meeting_app(meeting, self.audience),
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="none",
            http="h11",
            timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)

    def run(self, open_browser: bool = False) -> None:
        """Serve until interrupted (Ctrl+C); with `open_browser`, open the page once it answers."""
        if open_browser:
            threading.Thread(target=self._open_when_up, daemon=True).start()
        self.server.run(sockets=[self.sock])

    def _open_when_up(self) -> None:
        deadline = time.monotonic() + 30
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        if self.server.started:
            webbrowser.open(self.url)


@contextmanager
def serving(meeting: Meeting, host: str = "127.0.0.1") -> Iterator[MeetingServer]:
    """The meeting served from a thread on a free port, for tests and benchmarks; stopped on leaving."""
    server = MeetingServer(meeting, host, bind(host, 0))
    thread = threading.Thread(target=server.server.run, kwargs={"sockets": [server.sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the meeting server did not start")
        time.sleep(0.02)
    try:
        yield server
    finally:
        server.server.should_exit = True
        thread.join(10)
        server.sock.close()
