"""`python -m benchmarks.body_limit --megabytes 400`: the meeting server's memory when sent a huge body.

Issue 21 (row 4): `POST /api/plan` needs no token, and a body sent with
`Transfer-Encoding: chunked` declares no length, so a server that checks
only `Content-Length` reads the whole body before it finds it too large
(400 MB once took it to 966 MB, and it kept 519 MB). This starts `laa serve`
on the example in a process of its own, reads its resident memory (and its
peak, `VmHWM`) from /proc, streams the body in 64 KB chunks, and reads them
again: the body is refused at 1 MB whatever its framing, so memory stays
where it was. Linux only (it reads /proc).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHUNK = b" " * 65536


def memory(pid: int) -> dict[str, float]:
    """The process's resident memory now and at its peak, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def body(megabytes: int) -> Iterator[bytes]:
    """A JSON object's opening, then spaces: well-formed as far as it goes, never finished early."""
    yield b'{"changes": ['
    for _ in range(megabytes * 16):
        yield CHUNK
    yield b"]}"


def send(port: int, megabytes: int) -> tuple[int, str, float, int]:
    """Stream the body; (status, answer, seconds, bytes sent before the server answered or closed)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    sent = 0

    def counted() -> Iterator[bytes]:
        nonlocal sent
        for part in body(megabytes):
            sent += len(part)
            yield part

    start = time.perf_counter()
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    # the server may answer and close while the body is still going: its answer is read all the same
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        connection.request("POST", "/api/plan", body=counted(), headers=headers, encode_chunked=True)
    answer = connection.getresponse()
    text = answer.read().decode()
    return answer.status, text, time.perf_counter() - start, sent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.body_limit", description=__doc__)
    parser.add_argument("--megabytes", type=int, default=400)
    parser.add_argument("--scenario", type=Path, default=ROOT / "examples" / "northbridge.yaml")
    args = parser.parse_args(argv)
    port = free_port()
    laa = Path(sys.executable).with_name("laa")
    server = subprocess.Popen(
        [str(laa), "serve", str(args.scenario), "--port", str(port), "-a", "aligned"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                probe.request("GET", "/api/health")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                print("the server did not start", file=sys.stderr)
                return 1
            time.sleep(0.2)
        before = memory(server.pid)
        status, text, seconds, sent = send(port, args.megabytes)
        time.sleep(1.0)
        after = memory(server.pid)
        said = json.loads(text).get("error", "") if text.startswith("{") else text
        sent_mb = sent / 2**20
        print(f"body: {args.megabytes} MB, chunked; {sent_mb:,.1f} MB sent by the answer, {seconds:.2f} s")
        print(f"answer: {status} {said[:120]}")
        print(f"server memory before: {before['VmRSS']:.0f} MB resident, {before['VmHWM']:.0f} MB peak")
        print(f"server memory after:  {after['VmRSS']:.0f} MB resident, {after['VmHWM']:.0f} MB peak")
        return 0
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    sys.exit(main())
