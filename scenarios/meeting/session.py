"""The meeting itself: the base scenario, the changes made so far, undo, and the plans they give.

One meeting, one screen: the state lives in the server, so a page reloaded
mid-meeting (or opened on a second screen) shows the same changes. Every
change is checked, applied and planned before the state moves; a change that
cannot be made leaves the meeting as it was and says why, located as in a
file (`changes[2].rule: unknown rule 'sp-housing'`).

A control set twice (an amount slid to +10%, then to +20%) replaces its
earlier change rather than stacking on it, so the list reads as the table's
current position and a slider always means "against the base".

On a large area some arrangements take seconds to re-plan (silo is a plan
per funder; optimal a mixed-integer program). The page is answered as soon
as the quickest arrangements, within `QUICK_SECONDS` by their last times,
are planned; the others are `pending` and are planned one at a time by
`catch_up`, which the page asks for until none is left. A pending
arrangement shows no numbers, never the numbers of an earlier change.

Meetings go back and forth ("and with the police money back?"), so the plans
of the latest lists of changes are kept: undoing, or setting a control back,
shows the plans already made at once.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from laa.models.errors import InputError
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement, Scenario
from laa.models.variants import apply_changes, parse_changes, read_changes
from laa.models.visible import printable
from laa.pooling.plans.plan import Plan
from laa.pooling.solving.solvers import SolveOptions
from laa.scenarios.meeting.planners import Planners

WHERE = "changes"
QUICK_SECONDS = 0.6  # planned before the page is answered, by each arrangement's last planning time
REMEMBERED_LISTS = 12  # lists of changes whose plans are kept, so going back to one costs nothing
Change = dict[str, Any]


def normalised(data: list[Any], where: str = WHERE) -> list[Change]:
    """Changes in the variants' form, checked one by one and written the one way the file writes them."""
    return [c.model_dump(exclude_unset=True) for c in parse_changes(data, where)]


def slot(change: Change) -> tuple[Any, ...] | None:
    """What a change sets, so that setting it again replaces it; None for a change that adds (a grant)."""
    if "rule" in change:
        return ("rule", change["rule"])
    if "pin" in change:
        pin = change["pin"]
        return ("pin", pin["stream"], tuple(sorted(pin["outcomes"])))
    if "stream" in change:
        action = next(k for k in change if k != "stream")
        return None if action == "grant" else ("stream", change["stream"], action)
    return ("outcome", change["outcome"], tuple(sorted(k for k in change if k != "outcome")))


def with_change(changes: list[Change], change: Change) -> list[Change]:
    """The list with `change` in the place of the one it replaces, or at the end; a repeat is no change."""
    if change in changes:
        return list(changes)
    key = slot(change)
    updated = list(changes)
    for i, earlier in enumerate(updated):
        if key is not None and slot(earlier) == key:
            updated[i] = change
            return updated
    return [*updated, change]


@dataclass
class Meeting:
    """The state of one meeting; every method that moves it holds the lock while it plans."""

    path: Path
    base: Scenario
    planners: Planners
    arrangements: list[Arrangement]
    focus: Arrangement | None = None  # whose outcomes and money flows are shown; None: the best plan
    changes: list[Change] = field(default_factory=list)
    history: list[list[Change]] = field(default_factory=list)
    scenario: Scenario | None = None  # the base with the changes applied
    plans: dict[Arrangement, Plan] = field(default_factory=dict)
    base_plans: dict[Arrangement, Plan] = field(default_factory=dict)
    seconds: float = 0.0  # the last re-plan, from checked changes to plans
    pending: list[Arrangement] = field(default_factory=list)  # shown, not yet planned for `changes`
    took: dict[Arrangement, float] = field(default_factory=dict)  # each arrangement's last planning time
    quick_seconds: float = QUICK_SECONDS
    memory: OrderedDict[str, dict[Arrangement, Plan]] = field(default_factory=OrderedDict)
    lock: threading.RLock = field(default_factory=threading.RLock)

    @classmethod
    def open(
        cls,
        path: Path,
        base: Scenario,
        arrangements: list[Arrangement] | None = None,
        options: SolveOptions | None = None,
    ) -> Meeting:
        """A meeting on `base` with its base plans made (the slow part, done before serving)."""
        chosen = arrangements or base.arrangements_to_run()
        meeting = cls(path, base, Planners(base, options), chosen)
        meeting._plan_base(chosen)
        meeting.scenario, meeting.plans = base, dict(meeting.base_plans)
        return meeting

    # --- what the page asks for ---

    def change(self, data: Any) -> None:
        """Make one change (variants' form); a change to what an earlier one set replaces it."""
        with self.lock:
            new = normalised([*self.changes, data])[-1]
            self._move(with_change(self.changes, new))

    def remove(self, index: int) -> None:
        """Take back the change at `index` and re-plan (undoable); an index out of range is refused."""
        with self.lock:
            if not 0 <= index < len(self.changes):
                count = len(self.changes)
                raise InputError(f"{WHERE}[{index}]: there is no such change (the list has {count})")
            self._move(self.changes[:index] + self.changes[index + 1 :])

    def clear(self) -> None:
        """Drop every change and re-plan the base (undoable like any change)."""
        with self.lock:
            self._move([])

    def start_from(self, variant_id: str) -> None:
        """The changes of one of the file's variants, in place of the list (undoable like any change)."""
        with self.lock:
            variants = self.base.variants or []
            variant = next((v for v in variants if v.id == variant_id), None)
            if variant is None:
                known = ", ".join(v.id for v in variants) or "none"
                asked = printable(variant_id, lines=False)  # as a file's id is shown: escaped, never acting
                raise InputError(f"variants[{asked}]: no such variant in the file (it has: {known})")
            self._move([c.model_dump(exclude_unset=True) for c in variant.changes])

    def undo(self) -> None:
        """Go back to the list of changes before the last move; refused when there is nothing to undo."""
        with self.lock:
            if not self.history:
                raise InputError("nothing to undo")
            previous = self.history.pop()
            self._replan(previous)

    def show(self, arrangements: list[Arrangement], focus: Arrangement | None) -> None:
        """Which arrangements are planned and shown, and whose flows are drawn."""
        with self.lock:
            if not arrangements:
                raise InputError("arrangements: choose at least one arrangement to plan")
            if focus is not None and focus not in arrangements:
                raise InputError(f"focus: {focus.value} is not among the arrangements shown")
            missing = [a for a in arrangements if a not in self.base_plans]
            self._plan_base(missing)
            self.arrangements, self.focus = list(arrangements), focus
            self._replan(self.changes)

    def catch_up(self) -> None:
        """Plan the next pending arrangement for the changes as they stand (the quickest first)."""
        with self.lock:
            if self.pending:
                start = time.perf_counter()
                self._plan_one(self.scenario or self.base, self.pending.pop(0))
                self.seconds = time.perf_counter() - start

    def saved(self) -> None:
        """The file now holds one more variant: read its variants again (the rest is the base, checked)."""
        with self.lock:
            self.base = self.base.model_copy(update={"variants": load_scenario(self.path).variants})

    def plan(self, data: Any, arrangements: list[Arrangement]) -> tuple[Scenario, list[Plan], list[Change]]:
        """Plan the base with these changes, leaving the meeting as it is (the JSON API)."""
        with self.lock:
            changes, scenario = read_changes(self.base, data, WHERE)
            applied = [c.model_dump(exclude_unset=True) for c in changes]
            return scenario, self.planners.plan(scenario, arrangements), applied

    # --- how the state moves ---

    def _move(self, changes: list[Change]) -> None:
        if changes == self.changes:
            return
        previous = self.changes
        self._replan(changes)
        self.history.append(previous)

    def _replan(self, changes: list[Change]) -> None:
        """Apply `changes` and plan the quickest arrangements; the state moves only when they apply."""
        start = time.perf_counter()
        if not changes:  # back to the base: its plans are at hand
            self.changes, self.scenario, self.pending = [], self.base, []
            self.plans = {a: self.base_plans[a] for a in self.arrangements}
            self.seconds = time.perf_counter() - start
            return
        scenario = apply_changes(self.base, parse_changes(changes, WHERE), WHERE)
        self.changes, self.scenario = list(changes), scenario
        known = self._remembered()
        quickest = sorted(self.arrangements, key=lambda a: 0.0 if a in known else self.took.get(a, 0.0))
        self.pending = []
        for arrangement in quickest:
            if arrangement in known:  # this list was planned before (an undo, a control set back)
                self.plans[arrangement] = known[arrangement]
                continue
            late = time.perf_counter() - start + self.took.get(arrangement, 0.0) > self.quick_seconds
            if arrangement is not quickest[0] and late:
                self.pending.append(arrangement)
                self.plans.pop(arrangement, None)
                continue
            self._plan_one(scenario, arrangement)
        self.pending.sort(key=lambda a: self.took.get(a, 0.0))
        self.seconds = time.perf_counter() - start

    def _plan_one(self, scenario: Scenario, arrangement: Arrangement) -> None:
        start = time.perf_counter()
        (self.plans[arrangement],) = self.planners.plan(scenario, [arrangement])
        self.took[arrangement] = time.perf_counter() - start
        self._remembered()[arrangement] = self.plans[arrangement]

    def _remembered(self) -> dict[Arrangement, Plan]:
        """The plans already made for the list of changes as it stands (the latest lists kept)."""
        key = json.dumps(self.changes, sort_keys=True, default=str)
        found = self.memory.pop(key, {})
        self.memory[key] = found  # the most recent last
        while len(self.memory) > REMEMBERED_LISTS:
            self.memory.popitem(last=False)
        return found

    def _plan_base(self, arrangements: list[Arrangement]) -> None:
        for arrangement in arrangements:
            start = time.perf_counter()
            (self.base_plans[arrangement],) = self.planners.plan(self.base, [arrangement])
            self.took[arrangement] = time.perf_counter() - start

    def current(self) -> list[Plan | None]:
        """Each arrangement's plan for the changes as they stand; None while it is pending."""
        return [None if a in self.pending else self.plans[a] for a in self.arrangements]

    def based(self) -> list[Plan]:
        """The base scenario's plans for the arrangements on show, to set the changed ones against."""
        return [self.base_plans[a] for a in self.arrangements]
