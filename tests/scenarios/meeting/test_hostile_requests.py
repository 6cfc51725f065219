"""Requests built to hurt the meeting server (issue 21): each a located 4xx, never a 500 or a full memory.

`POST /api/plan` needs no token, so anything a program on this machine can
send it must be answered cheaply: a body refused at 1 MB however it is
framed, JSON nested past any change's depth, a Host header whose port is a
digit only to `str.isdigit`.
"""

from __future__ import annotations

from typing import Any

import anyio
from laa.models.visible import invisible, printable
from laa.scenarios.meeting.app import MAX_BODY_BYTES
from starlette.testclient import TestClient

from tests.scenarios.meeting.conftest import PORT

CHUNK = b" " * 65536


Headers = list[tuple[bytes, bytes]]


def _asgi(app: Any, method: str, headers: Headers, chunks: int = 0) -> tuple[list[Any], int]:
    """A request to `/api/plan` straight to the ASGI app, no client in between to gather the body
    first or re-encode a header: the messages sent back, and how many body messages the app pulled.
    A POST sends a body of `chunks` 64 KB chunks after an opening `{"changes": [`."""
    pulled = 0

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        if pulled > chunks + 1:
            return {"type": "http.disconnect"}
        body = b'{"changes": [' if pulled == 1 else CHUNK
        return {"type": "http.request", "body": body, "more_body": pulled <= chunks}

    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": "/api/plan", "raw_path": b"/api/plan", "query_string": b"", "root_path": "",
        "headers": headers, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", PORT),
    }  # fmt: skip
    anyio.run(app, scope, receive, send)
    return sent, pulled


HOST = (b"host", f"127.0.0.1:{PORT}".encode())
JSON = (b"content-type", b"application/json")


def test_a_chunked_body_is_refused_at_the_limit_without_being_read_whole(shared_client: TestClient):
    """A chunked body has no Content-Length: it is read only until it passes 1 MB, then refused
    with 413 and the connection closed, so a 400 MB body never sits in the server's memory."""
    chunks = 8 * 16  # 8 MB
    sent, pulled = _asgi(shared_client.app, "POST", [HOST, JSON, (b"transfer-encoding", b"chunked")], chunks)
    assert pulled * len(CHUNK) <= MAX_BODY_BYTES + 2 * len(CHUNK)  # stopped at the limit, not at the end
    assert sent[0]["status"] == 413
    assert (b"connection", b"close") in sent[0]["headers"]
    assert b"at most 1,048,576 bytes" in sent[1]["body"]


def test_json_nested_far_past_any_change_is_a_located_400(shared_client: TestClient):
    deep = 100_000
    raw = b'{"changes": ' + b"[" * deep + b"]" * deep + b"}"
    answer = shared_client.post("/api/plan", content=raw, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text
    (problem,) = answer.json()["problems"]
    assert problem["where"] == "body"
    assert problem["message"].startswith("is nested more than 32 levels deep at line 1")
    assert shared_client.get("/api/health").json()["status"] == "ready"


def test_a_port_that_is_a_digit_only_to_isdigit_is_a_bad_host_not_a_server_error(shared_client: TestClient):
    for port in ("\u00b2", "87\u00b3"):  # '²', '³': digits to str.isdigit, not to int
        host = (b"host", f"127.0.0.1:{port}".encode("latin-1"))  # a header's bytes, read as Latin-1
        for method, headers in (("GET", [host]), ("POST", [host, JSON])):
            sent, _ = _asgi(shared_client.app, method, headers)
            assert sent[0]["status"] == 400, (port, method)
            assert b"does not answer to host" in sent[1]["body"]


def test_variant_ids_without_visible_text_are_refused_by_the_page_and_the_file_is_untouched(client, meeting):
    """Issue 21: these were saved through the page and validated, to be printed raw by the CLI."""
    before = meeting.path.read_bytes()
    client.post("/api/session/change", json={"change": {"stream": "nrf", "pooled_share": 0}})
    for ident in ("a\r\nb", "\u202egnp.exe", "x\u2028y", " "):
        answer = client.post("/api/session/save", json={"id": ident, "name": "hostile"})
        assert answer.status_code == 400, (ident, answer.text)
        (problem,) = answer.json()["problems"]
        assert problem["where"] == f"variants[{printable(ident, lines=False)}].id", problem
        assert not any(invisible(c) for c in problem["text"])
    assert meeting.path.read_bytes() == before
    unknown = client.post("/api/session/start", json={"variant": "\u202egnp.exe"})
    assert unknown.status_code == 400
    assert unknown.json()["error"].startswith("variants[\\u202egnp.exe]: no such variant in the file")
