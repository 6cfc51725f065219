"""Fuzz documents that are requests to the meeting server: `POST /api/plan` bodies, sent chunked.

`POST /api/plan` needs no token, so any program on the machine may send it
anything (issue 21: a chunked 400 MB body was read whole before the 1 MB
limit). A request document is a body made from a few of the example's
changes, then broken as a file is (`mutator.mutate_text`, junk values), given
hostile ids, nested past any change's depth, or grown past the 1 MB limit;
it is cut into chunks of one size (1 byte to 1 MB) and sent to the meeting
app in process with `Transfer-Encoding: chunked` and no `Content-Length`,
each chunk as its own ASGI message, so what the server reads before it
answers is counted. Its outcome is a file's (tests/fuzz/runner.py):

- `valid-planned`: 200 and a results document that parses;
- `refused-located`: 400, 413 or 415 with a message, every problem located
  (`where`), and no character in it that acts on a terminal;
- `refused-unlocated`: a refusal with a problem that says not where;
- `traceback`: a 500, or an exception out of the app;
- `absurd`: the server read more than 1 MB and a chunk before refusing a
  body over the limit, or a problem holding a character that acts.

The name `docN.request` says which it is; the chunk size is the document's
`mutations[0]` (`chunks of 4096`), so a saved finding is re-sent as it was.
"""

from __future__ import annotations

import copy
import json
import random
import re
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from tests.fuzz.mutator import HOSTILE_IDS, Document, mutate_data, mutate_text
from tests.paths import EXAMPLE

REQUEST_SHARE = 0.05  # of a run's documents; decided apart from the files' own draws
REQUEST_SUFFIX = ".request"
CHUNK_SIZES = (1, 7, 512, 4096, 65536, 1 << 20)
CHANGES: list[dict[str, Any]] = [
    {"stream": "nrf", "pooled_share": 0},
    {"rule": "sp-housing-support", "drop": True},
    {"stream": "sscf", "scale": 0.8},
    {"outcome": "neet", "weight": 2},
    {"stream": "pct_ph", "grant": ["SSC"]},
    {"pin": {"stream": "police_cs", "outcomes": ["SSC"], "at_least": 8_000_000}},
    {"rule": "nrf-deprived-areas", "value": 0.3},
]
CHUNK_NOTE = re.compile(r"^chunks of (\d+)$")


def is_request(seed: int, index: int) -> bool:
    """Whether document `index` of seed `seed` is a request (drawn apart, so the files stay as they were)."""
    return random.Random(f"laa-fuzz-request:{seed}:{index}").random() < REQUEST_SHARE


def request_document(seed: int, index: int) -> Document:
    """Request document `index` of seed `seed`: the same body and chunking every time."""
    rng = random.Random(f"laa-fuzz-request-body:{seed}:{index}")
    body: dict[str, Any] = {"changes": copy.deepcopy(rng.sample(CHANGES, rng.randrange(len(CHANGES) + 1)))}
    if rng.random() < 0.8:  # aligned alone plans in a moment; the others now and then
        body["arrangements"] = ["aligned"] if rng.random() < 0.8 else ["silo", "pooled"]
    done: list[str] = []
    kind = rng.randrange(6)
    if kind == 0 and body["changes"]:
        done.append(_hostile_id(rng, body))
    elif kind == 1:
        done.append(mutate_data(rng, body))
    text = json.dumps(body, ensure_ascii=False)
    if kind == 2:
        text, how = mutate_text(rng, text, "json")
        done.append(how)
    elif kind == 3:
        depth = rng.choice([31, 33, 1000, 100_000])
        text = text[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}"
        done.append(f"nest {depth}")
    elif kind == 4:
        extra = (1 << 20) + rng.randrange(1, 2 << 20)
        text = text[:-1] + " " * extra + "}"  # still well-formed: only its size is wrong
        done.append(f"{extra:,} spaces")
    raw = text.encode("utf-8", "surrogatepass")
    sizes = CHUNK_SIZES if len(raw) < 65536 else CHUNK_SIZES[2:]  # a byte at a time is for small bodies
    chunk = rng.choice(sizes)
    return Document(index, f"doc{index}{REQUEST_SUFFIX}", raw, "requests", (f"chunks of {chunk}", *done))


def _hostile_id(rng: random.Random, body: dict[str, Any]) -> str:
    """One change's subject (its stream, rule, outcome or pinned stream) given a hostile id."""
    change = rng.choice(body["changes"])
    ident = rng.choice(HOSTILE_IDS)
    if "pin" in change:
        change["pin"]["stream"] = ident
        return f"pin stream {ident!r}"
    subject = next(k for k in ("stream", "rule", "outcome") if k in change)
    change[subject] = ident
    return f"{subject} {ident!r}"


@cache
def _app() -> Any:
    """The meeting app on a copy of the example, aligned planned: one per worker process."""
    from laa.models.load import load_scenario
    from laa.models.scenario import Arrangement
    from laa.scenarios.meeting.app import meeting_app
    from laa.scenarios.meeting.guard import Audience
    from laa.scenarios.meeting.session import Meeting

    folder = Path(tempfile.mkdtemp(prefix="laa-fuzz-meeting-"))
    path = folder / EXAMPLE.name
    shutil.copyfile(EXAMPLE, path)
    meeting = Meeting.open(path, load_scenario(path), [Arrangement.ALIGNED])
    return meeting_app(meeting, Audience("127.0.0.1", 8765, "t"))


def chunk_size(doc: Document) -> int:
    """The size the document's body is sent in, from its first note (64 KB for a body saved without one)."""
    found = CHUNK_NOTE.match(doc.mutations[0]) if doc.mutations else None
    return int(found[1]) if found else 65536


def send(doc: Document) -> tuple[int, bytes, int]:
    """Send the document's body to `POST /api/plan` in its chunks: (status, answer, bytes the app read)."""
    import anyio

    size = chunk_size(doc)
    parts = [doc.data[i : i + size] for i in range(0, len(doc.data), size)] or [b""]
    pulled = 0
    read = 0

    async def receive() -> dict[str, Any]:
        nonlocal pulled, read
        if pulled >= len(parts):
            return {"type": "http.disconnect"}
        part = parts[pulled]
        pulled += 1
        read += len(part)
        return {"type": "http.request", "body": part, "more_body": pulled < len(parts)}

    sent: list[Any] = []

    async def reply(message: Any) -> None:
        sent.append(message)

    headers = [(b"host", b"127.0.0.1:8765"), (b"content-type", b"application/json")]
    headers.append((b"transfer-encoding", b"chunked"))  # and no Content-Length: the size is unknown
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/api/plan", "raw_path": b"/api/plan", "query_string": b"", "root_path": "",
        "headers": headers, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8765),
    }  # fmt: skip
    anyio.run(_app(), scope, receive, reply)
    answer = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], answer, read


def examine_request(doc: Document) -> tuple[str, str]:
    """(outcome, detail) of one request document, as `runner.examine` classifies a file."""
    from laa.models.visible import invisible
    from laa.scenarios.meeting.app import MAX_BODY_BYTES

    status, answer, read = send(doc)
    if len(doc.data) > MAX_BODY_BYTES and read > MAX_BODY_BYTES + chunk_size(doc):
        return "absurd", f"{status}: read {read:,} bytes of a {len(doc.data):,}-byte body before answering"
    if status >= 500:
        return "traceback", f"{status}: {answer[:300]!r}"
    content = json.loads(answer)
    if status == 200:
        return "valid-planned", ", ".join(r["status"] for r in content["arrangements"])
    problems = content.get("problems") or []
    shown = content.get("error", "") + "".join(p["text"] for p in problems)
    if any(invisible(c) for c in shown):
        return "absurd", f"{status}: a problem holds a character that acts on a terminal: {shown[:200]!r}"
    said = f"{status}: {content.get('error', '')}: " + " | ".join(p["text"] for p in problems)
    if status in (400, 413, 415) and content.get("error") and all(p["where"] for p in problems):
        return "refused-located", said[:500]
    return "refused-unlocated", said[:500]
