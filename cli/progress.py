"""A progress bar on stderr for the commands that take seconds to minutes, only on a terminal.

As `laa report`'s status line and `laa batch`'s bar do: drawn by rich on
stderr, so what a command prints or writes stays clean, and only when stderr
is a terminal, so a command under cron or into a log writes nothing but its
result. The bar is transient: once the work is done it is gone, leaving the
command's own output. The analysis says what is under way and how far it has
got (`scenarios.analysis.progress.Advance`); a stage of unknown length (one
large solve) pulses, with the seconds so far still counting.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from laa.scenarios.analysis.progress import Advance, unwatched

if TYPE_CHECKING:
    from rich.console import Console


def terminal() -> Console | None:
    """stderr as a rich console when it is a terminal; None when nobody is watching it."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console

    return Console(stderr=True)


@contextmanager
def progress_bar(command: str) -> Iterator[Advance]:
    """A bar headed `laa COMMAND:` and the stage under way, with its count and the time so far."""
    console = terminal()
    if console is None:
        yield unwatched
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn(f"laa {command}: {{task.description}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("starting", total=None)

        def advance(what: str, done: int, total: int | None) -> None:
            bar.update(task, description=what, completed=done, total=total)

        yield advance
