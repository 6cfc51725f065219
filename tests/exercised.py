"""Properties that cannot pass vacuously: each counts the examples that reached its assertions.

A property over generated scenarios that asserts only when a plan is solved
passes when nothing is solved: a change that made every plan infeasible
would have passed `test_invariants.py` (10 of its 25 scenarios were
infeasible for aligned). So every example of a property ends in one of two
ways, said out loud: `checked()` (its assertions ran) or `skipped(why)` (it
cannot exercise the property, and why); an example that says neither fails.
`at_least(share)` goes above `@given`: once hypothesis has run every example,
the share checked must be at least `share`, or the property fails with the
count of each reason it was skipped. Each example's end is also a hypothesis
event, so `pytest --hypothesis-show-statistics` prints the shares.

Hypothesis's `assume` stays for filtering what is drawn (it never reaches
the body's end), never for a result: "the plan was infeasible" is a skip.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import event


@dataclass
class _Tally:
    """One property's run: examples checked, examples skipped by reason, and the current example's mark."""

    name: str = ""
    checked: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    mark: str | None = None  # "checked", or the reason the current example was skipped


_tally: _Tally | None = None


def checked() -> None:
    """This example's assertions ran (call it once they have; more than once is fine)."""
    _current().mark = "checked"


def skipped(why: str) -> None:
    """This example cannot exercise the property, for `why` (the same words for the same reason)."""
    tally = _current()
    if tally.mark != "checked":
        tally.mark = why


def at_least(share: float) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The hypothesis test must check at least `share` of its examples (put it above `@given`)."""

    def wrap(test: Callable[..., Any]) -> Callable[..., Any]:
        inner = test.hypothesis.inner_test  # type: ignore[attr-defined]

        @functools.wraps(inner)
        def one(*args: Any, **kwargs: Any) -> None:
            tally = _current()
            tally.mark = None
            inner(*args, **kwargs)
            if tally.mark is None:
                raise AssertionError(f"{tally.name}: an example ended neither checked() nor skipped()")
            if tally.mark == "checked":
                tally.checked += 1
            else:
                tally.skipped[tally.mark] += 1
            event("checked" if tally.mark == "checked" else f"skipped: {tally.mark}")

        test.hypothesis.inner_test = one  # type: ignore[attr-defined]

        @functools.wraps(test)
        def run(*args: Any, **kwargs: Any) -> None:
            global _tally
            _tally = _Tally(test.__name__)
            try:
                test(*args, **kwargs)
                tally = _tally
                total = tally.checked + sum(tally.skipped.values())
                reasons = ", ".join(f"{why}: {n}" for why, n in tally.skipped.most_common())
                assert total and tally.checked >= share * total, (
                    f"{tally.name} checked {tally.checked} of {total} examples, fewer than {share:.0%} "
                    f"(skipped: {reasons or 'none'})"
                )
            finally:
                _tally = None

        return run

    return wrap


def _current() -> _Tally:
    if _tally is None:
        raise AssertionError("checked() and skipped() belong in a property decorated with at_least()")
    return _tally
