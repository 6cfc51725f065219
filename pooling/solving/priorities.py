"""What a plan is chosen for among equally good ones, in the order a user gives (canonical.py).

A module of its own because the solve options carry the order (so every
plan an analysis makes keeps the user's order) and the solvers must not
import what chooses among plans.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from laa.models.errors import LaaError


class Priority(StrEnum):
    """One thing a plan may be chosen for."""

    SCORE = "score"  # MODEL.md's objective
    TARGETS = "targets"  # how many outcomes reach their target
    REWARD = "reward"  # the performance reward grant earned on stretch targets


DEFAULT_PRIORITIES: tuple[Priority, ...] = (Priority.SCORE, Priority.TARGETS, Priority.REWARD)


def parse_priorities(text: str | Sequence[str]) -> tuple[Priority, ...]:
    """`score,targets,reward` as priorities. Score is always among them (added last when left out):
    a plan that gives up score for nothing in return is no plan."""
    parts = [p.strip().lower() for p in (text.split(",") if isinstance(text, str) else text) if p.strip()]
    known = {p.value for p in Priority}
    wrong = [p for p in parts if p not in known]
    if wrong:
        raise LaaError(
            f"unknown priority {', '.join(repr(w) for w in wrong)}: expected a comma-separated list of "
            "score, targets, reward (for example score,targets,reward)"
        )
    if len(set(parts)) != len(parts):
        raise LaaError(f"a priority is named twice in {','.join(parts)!r}")
    chosen = tuple(Priority(p) for p in parts)
    return chosen if Priority.SCORE in chosen else (*chosen, Priority.SCORE)
