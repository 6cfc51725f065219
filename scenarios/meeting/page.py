"""The meeting page's HTML shell and its three files: plotly.js, the page's script and its style.

Everything is served by the meeting server itself (no CDN: a meeting room
may have no network). The page runs only scripts from its own server, fetches
only from it, and has no inline script at all, so the Content-Security-Policy
needs no hash or nonce (styles may be inline: plotly.js sets its own, and
a style cannot run anything); scenario text reaches the shell escaped as in the
report, and the script sets every other piece of it as text, never markup.
Each file's address carries a hash of its content, so a browser may keep it
for good and still never runs an old copy against a newer server.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from laa.scenarios.report.page import esc
from plotly.offline import get_plotlyjs

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
}


@dataclass(frozen=True)
class Asset:
    """A static file the meeting page serves, at an address holding its content's hash so a browser
    never uses a stale copy."""

    path: str  # the address it is served at, with its content's hash
    body: bytes
    media_type: str


def _asset(stem: str, suffix: str, body: bytes, media_type: str) -> Asset:
    digest = hashlib.sha256(body).hexdigest()[:16]
    return Asset(f"/static/{stem}-{digest}.{suffix}", body, media_type)


@cache
def assets() -> dict[str, Asset]:
    """The page's files by name, read once."""
    static = files("laa.scenarios.meeting") / "static"
    return {
        "plotly": _asset("plotly", "js", get_plotlyjs().encode(), "text/javascript; charset=utf-8"),
        "script": _asset(
            "meeting", "js", (static / "meeting.js").read_bytes(), "text/javascript; charset=utf-8"
        ),
        "style": _asset("meeting", "css", (static / "meeting.css").read_bytes(), "text/css; charset=utf-8"),
    }


def page_html(title: str, token: str) -> str:
    """The shell: the page's script builds the rest from the server's JSON."""
    a = assets()
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="laa-token" content="{esc(token)}"><link rel="icon" href="data:,">'
        f"<title>{esc(title)} · meeting</title>"
        f'<link rel="stylesheet" href="{a["style"].path}">'
        f'<script src="{a["plotly"].path}" defer></script>'
        f'<script src="{a["script"].path}" defer></script></head><body>'
        f'<header class="top"><h1>{esc(title)}</h1>'
        '<div class="meta"><span id="status">Loading the plans…</span></div></header>'
        '<div id="problems" role="alert" hidden></div>'
        '<main class="meeting"><aside id="controls"></aside><div id="results"></div></main>'
        "</body></html>\n"
    )
