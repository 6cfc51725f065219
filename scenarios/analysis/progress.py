"""How far a long analysis has got: what it tells whoever shows a progress bar.

Sensitivity's draws, a robust plan's draws and judgements and the robust
frontier take seconds to minutes. Each calls an `Advance` as its work goes:
what is under way, how many of how many pieces are done (`total` None while
a piece of unknown length runs, such as one large solve). The analysis never
draws anything: the command decides how to show it (`cli.progress`: a bar on
a terminal, nothing in a log or a notebook).
"""

from __future__ import annotations

from typing import Protocol


class Advance(Protocol):
    """Told `what` is under way and that `done` of its `total` pieces are done (`total` None: unknown)."""

    def __call__(self, what: str, done: int, total: int | None) -> None: ...


def unwatched(what: str, done: int, total: int | None) -> None:
    """Nobody is watching: the default, so an analysis called from code shows nothing."""
