"""`laa serve`: the live meeting page for one scenario file."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click
from laa.cli.common import guarded, load, say, solve_options, solver_option, time_limit_option
from laa.models.scenario import Arrangement
from laa.scenarios.meeting.guard import is_loopback


@click.command("serve")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0: any free port).")  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback shares the page on the network.")  # fmt: skip
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a browser once it is ready.")
@click.option(
    "--arrangement",
    "-a",
    "arrangements",
    multiple=True,
    type=click.Choice([a.value for a in Arrangement]),
    help="Arrangement the page plans at first (repeatable); default: the file's list, or all four.",
)
@solver_option
@time_limit_option
@guarded
def serve(
    file: str,
    port: int,
    host: str,
    open_browser: bool,
    arrangements: tuple[str, ...],
    solver: str,
    time_limit: float | None,
) -> None:
    """Serve a live page for a negotiation meeting: change the scenario, see it re-planned."""
    # the web server is imported only when serving: every other command starts without it
    from laa.scenarios.meeting.server import MeetingServer, bind
    from laa.scenarios.meeting.session import Meeting

    scenario = load(file)
    if not is_loopback(host):
        say(
            f"warning: --host {host} shares the meeting page with every machine that can reach this one: "
            "anyone who opens it sees the scenario and can save variants into its folder",
            err=True,
        )
    sock = bind(host, port)  # before planning, so a taken port is said at once
    say(f"planning the base of {scenario.name}…", err=True)
    chosen = [Arrangement(a) for a in arrangements] or None
    meeting = Meeting.open(Path(file), scenario, chosen, solve_options(solver, time_limit))
    server = MeetingServer(meeting, host, sock)
    say(f"serving the meeting page at {server.url} (Ctrl+C to stop)")
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn has shut down cleanly and passes Ctrl+C on
        server.run(open_browser)
    say("the meeting page has stopped", err=True)
