"""`laa serve` as a person starts it: a port, a ready server, a warning off loopback, a clean stop."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from laa.scenarios.meeting import server as served

from tests.paths import EXAMPLE

LAA = Path(sys.executable).parent / "laa"
SERVING = re.compile(r"serving the meeting page at (http://\S+/)")


@contextmanager
def laa_serve(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`laa serve` running until the block ends (stopped with Ctrl+C's signal), and its page's address."""
    process = subprocess.Popen(
        [LAA, "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = SERVING.search(line)
        assert found, (line, process.stderr.read() if process.poll() is not None and process.stderr else "")
        yield process, found.group(1)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(15)


def get(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.loads(answer.read())


def test_serve_answers_when_ready_refuses_a_taken_port_and_stops_on_ctrl_c():
    with laa_serve(str(EXAMPLE), "--port", "0") as (process, url):
        assert url.startswith("http://127.0.0.1:")
        health = get(url + "api/health")
        assert health == {"status": "ready", "scenario": "Northbridge LAA 2026-29 (illustrative)"}
        port = url.rstrip("/").rsplit(":", 1)[1]
        taken = subprocess.run([LAA, "serve", str(EXAMPLE), "--port", port], capture_output=True, text=True,
                               timeout=60)  # fmt: skip
        assert taken.returncode == 2
        assert f"cannot listen on 127.0.0.1:{port}" in taken.stderr and "Traceback" not in taken.stderr
    assert process.returncode == 0
    assert "Traceback" not in (process.stderr.read() if process.stderr else "")


def test_serving_beyond_loopback_warns_and_bad_files_are_located(tmp_path: Path):
    with laa_serve(str(EXAMPLE), "--host", "0.0.0.0", "--port", "0", "-a", "aligned") as (process, url):
        assert get(url + "api/health")["status"] == "ready"
    assert process.stderr is not None
    assert "warning: --host 0.0.0.0 shares the meeting page" in process.stderr.read()
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text().replace("admin_rate: 0.04", "admin_rate: 4", 1))
    refused = subprocess.run(
        [LAA, "serve", str(bad), "--port", "0"], capture_output=True, text=True, timeout=60
    )
    assert refused.returncode == 2 and "bad.yaml: streams[" in refused.stderr


def test_a_browser_is_opened_only_when_asked(monkeypatch, meeting):
    opened: list[str] = []
    monkeypatch.setattr(served.webbrowser, "open", opened.append)
    for asked in (False, True):
        running = served.MeetingServer(meeting, "127.0.0.1", served.bind("127.0.0.1", 0))
        thread = threading.Thread(target=running.run, args=(asked,))
        thread.start()
        deadline = time.monotonic() + 30
        while not running.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)  # time for a browser to have been asked for, had it been
        running.server.should_exit = True
        thread.join(10)
        running.sock.close()
        assert opened == ([running.url] if asked else [])
