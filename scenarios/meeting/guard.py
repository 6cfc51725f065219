"""Who may talk to the meeting server: its own page, and programs on this machine that ask plainly.

Three checks, each against a known attack on a local web server:
- the Host header must name this server (loopback, the address it was told
  to listen on, or any IP address when it listens on all of them), so a
  web page whose domain was re-pointed at 127.0.0.1 (DNS rebinding) is
  refused before it can read or change anything;
- a POST from a browser must come from this server's own origin (its
  `Origin` and `Sec-Fetch-Site` say so) and carry JSON, which a form on
  another site cannot send;
- a request that changes the meeting or writes the file must carry the
  token the page was served with, which no other origin can read.
A program without a browser (curl, a script) sends no Origin; it may plan
(`POST /api/plan` changes nothing), but not change the meeting without the token.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
WILDCARDS = frozenset({"0.0.0.0", "::", "[::]", ""})
TOKEN_HEADER = "x-laa-token"
SAFE_METHODS = frozenset({"GET", "HEAD"})
PORT = re.compile(r"[0-9]{1,5}")


def is_loopback(host: str) -> bool:
    """Whether listening on `host` keeps the page on this machine."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Audience:
    """The names this server answers to, on its port, and the token its page carries."""

    listen: str
    port: int
    token: str
    token_paths: tuple[str, ...] = ("/api/session/",)

    def host_allowed(self, host: str) -> bool:
        """Whether a request's Host header names this server (loopback, or any IP when listening on all),
        so a page on another site cannot reach the meeting through a rebound name."""
        name, port = _split_host(host)
        if name is None or port != self.port:
            return False
        if name in LOOPBACK_NAMES or name == _bracketed(self.listen.lower()):
            return True
        return self.listen.lower() in WILDCARDS and _is_ip(name)

    def needs_token(self, path: str) -> bool:
        """Whether requests to `path` must carry the page's token (those that change the session)."""
        return any(path.startswith(p) for p in self.token_paths)


class Guard:
    """ASGI middleware refusing, before the app sees it, any request the checks above refuse."""

    def __init__(self, app: App, audience: Audience):
        self.app = app
        self.audience = audience

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        status, message = refusal
        body = json.dumps({"error": message, "problems": []}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        """(status, why) for a request to refuse; None to let it through."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if not self.audience.host_allowed(host):
            return 400, f"this server does not answer to host {host!r}"
        if scope["method"] in SAFE_METHODS:
            return None
        origin = headers.get("origin")
        if origin is not None and origin.lower() != f"http://{host.lower()}":
            return 403, f"requests from {origin} are refused: only this server's own page may send them"
        if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return 403, "cross-site requests are refused"
        if headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            return 415, "send the request body as JSON (Content-Type: application/json)"
        if self.audience.needs_token(scope["path"]):
            given = headers.get(TOKEN_HEADER, "")
            if not hmac.compare_digest(given.encode(), self.audience.token.encode()):
                return 403, "this request changes the meeting and needs the page's token (X-LAA-Token)"
        return None


def _split_host(host: str) -> tuple[str | None, int | None]:
    """('name', port) from a Host header; port 80 when none is given; (None, None) if malformed."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        if end < 0:
            return None, None
        name, rest = host[: end + 1], host[end + 1 :]
        port_text = rest[1:] if rest.startswith(":") else ("" if not rest else None)
    else:
        name, _, port_text = host.partition(":")
    if not name or port_text is None:
        return None, None
    if not port_text:
        return name, 80
    # ASCII digits only: `str.isdigit` takes '²' too (which `int` refuses) and '٨٧' (which it reads as 87)
    return (name, int(port_text)) if PORT.fullmatch(port_text) else (None, None)


def _bracketed(name: str) -> str:
    return f"[{name}]" if ":" in name and not name.startswith("[") else name


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True
