"""Variants: the base scenario with a meeting's changes applied ("what if the PCT pools only half?").

A variant is planned as the base file with its changes applied, in order, so
`laa run FILE --variant ID` gives what planning a hand-edited copy of the file
would. Every change is checked against the scenario as the changes before it
left it (a rule dropped by one change is unknown to the next), and every
problem is located at the change that caused it, the way a file's problems are:
`variants[dclg-freedom].changes[2].rule: unknown rule 'sp-housing'` in a file,
`changes[2].rule: ...` for changes sent on their own (a meeting page). Changes
are numbered from 0, as a JSON list is indexed.

How each change reads (the finance lead's reading, tested in tests/models/test_variants.py):

- `{rule: id, drop: true}` takes the rule out; `{rule: id, value: v}` sets its
  min_share / max_share / min_amount / max_amount / match to `v` (a share within 0..1).
- `{stream: id, grant: [ids]}` adds outcome and block ids to what the stream may pay for.
- `{stream: id, scale: f}` multiplies every year's amount by `f`;
  `{stream: id, amounts: {year: GBP}}` replaces the given years' amounts.
- `{stream: id, pooled_share: 0}` takes the stream out of its pot (a pot left with
  no members goes too), as deleting it from `members` would; a share above 0 is what
  the stream pays into its pot when pooled: its `max_pool_share` becomes that
  share, which may not exceed the file's own limit.
- `{outcome: id, weight | target | stretch | min_spend: v}` sets those fields (a field null or left
  out is left as it is); the outcome must still be valid.
- Floors, caps and pins are rules like any other: planned for, checked and named
  in every arrangement, in diagnoses and in violations. Each is a whole-period
  amount rule (`per: period`):
  - `{outcome: o, spend_at_least: A}` is `floor:o`, a min_amount rule over every
    stream on `o` that survives pooling, so pots' spend on `o` counts;
    `spend_at_most` is `cap:o`, the max_amount rule alike.
  - `{pin: {stream: s, outcomes: [o, ...], at_least: A}}` is `pin:s:o:at-least`, a
    min_amount rule over `s` on those outcomes; `at_most` is `pin:s:o:at-most`;
    `at: A` is both. A pin survives pooling too: while `s` is pooled, its pot's
    spend on those outcomes counts, as MODEL.md counts an amount rule that
    survives pooling, so "police money stays put" holds whether or not the police
    stream is pooled. Several outcomes are joined by `+` in the id (`pin:s:a+b:at-most`).
  A later floor, cap or pin on the same thing replaces the earlier one (same id).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from laa.models.changes import (
    Change,
    OutcomeChange,
    Pin,
    PinChange,
    RuleChange,
    StreamChange,
    Variant,
)
from laa.models.errors import InputError, Problem, ScenarioError, item_label
from laa.models.messages import validation_message
from laa.models.scenario import Outcome, Pot, Rule, Scenario, Stream
from pydantic import BaseModel, TypeAdapter, ValidationError

__all__ = [
    "Change",
    "OutcomeChange",
    "Pin",
    "PinChange",
    "RuleChange",
    "StreamChange",
    "Variant",
    "VariantsRead",
    "apply_changes",
    "check_variants",
    "find_variant",
    "parse_changes",
    "read_changes",
    "read_variants",
    "variant_scenario",
]

_Item = TypeVar("_Item", bound=BaseModel)
_CHANGE: TypeAdapter[Change] = TypeAdapter(Change)
_SUBJECT_TAGS = ("rule", "stream", "outcome", "pin")
_UNION_TAGS = ("float", "int", "constrained-float")
_CHANGE_AT = re.compile(r"^changes\[(\d+)\]")
_WHERE = re.compile(r"^(?P<section>[^\[\]]+)\[(?P<item>[^\]]*)\]\.(?P<prefix>.+)$")


@dataclass(frozen=True)
class _Place:
    """Where a list of changes sits: in a file's variant (`variants[id].changes`) or alone (`changes`)."""

    file: str
    section: str | None
    item: str | None
    prefix: str
    index: int | None = None

    @classmethod
    def parse(cls, where: str, source: str) -> _Place:
        found = _WHERE.match(where)
        if found is None:
            return cls(source, None, None, where)
        return cls(source, found["section"], found["item"], found["prefix"])

    def problem(self, change: int | None, field: str | None, message: str) -> Problem:
        path = self.prefix if change is None else f"{self.prefix}[{change}]"
        if field:
            path += f".{field}"
        return Problem(self.file, self.section, self.item, path, message, self.index)


def parse_changes(data: Any, where: str, *, source: str = "<changes>") -> list[Change]:
    """Plain data (a list of mappings, as in a file's `changes:`) as typed changes.

    Raises `ScenarioError` listing every problem, each at its change and field
    (`changes[2].pooled_share: ...`). Whether the ids exist is checked by `apply_changes`.
    """
    changes, problems = _typed(data, _Place.parse(where, source))
    if problems:
        raise ScenarioError(problems)
    return [change for _, change in changes]


def read_changes(
    scenario: Scenario, data: Any, where: str = "changes", *, source: str = "<changes>"
) -> tuple[list[Change], Scenario]:
    """Plain data as typed changes and the scenario they make, every problem found at once.

    A file's variant is checked this way (`check_variants`): each change's fields, and the ids and
    values of every well-formed change, so a request with an unknown stream in one change and a
    share of 1.5 in another hears of both, not only of the first kind. Raises `ScenarioError`.
    """
    place = _Place.parse(where, source)
    changes, problems = _typed(data, place)
    try:
        changed = _Applied(scenario, place).run(changes)
    except ScenarioError as exc:
        problems += exc.problems
    if problems:
        raise ScenarioError(sorted(problems, key=_change_order))
    return [change for _, change in changes], changed


def apply_changes(
    scenario: Scenario, changes: Sequence[Change], where: str = "changes", *, source: str = "<changes>"
) -> Scenario:
    """The scenario with `changes` applied in order: a new, valid Scenario without variants.

    The base is never changed. Raises `ScenarioError` listing every change that names an
    unknown rule, stream, outcome, block or year, or a value the scenario cannot take (a share
    above 1 on a share rule, a pooled share above the stream's limit, a target worse than
    the baseline), each located at `{where}[i].field`.
    """
    return _Applied(scenario, _Place.parse(where, source)).run(list(enumerate(changes)))


def variant_scenario(scenario: Scenario, variant_id: str) -> Scenario:
    """The scenario of one of its own variants; `InputError` for an id it does not have."""
    variant = find_variant(scenario, variant_id)
    return apply_changes(scenario, variant.changes, f"variants[{variant.id}].changes")


def find_variant(scenario: Scenario, variant_id: str) -> Variant:
    """The scenario's variant of that id; `InputError` naming the ids it has when it has none such."""
    for variant in scenario.variants or []:
        if variant.id == variant_id:
            return variant
    known = ", ".join(v.id for v in scenario.variants or []) or "none"
    raise InputError(f"unknown variant {variant_id!r}; the scenario's variants are: {known}")


@dataclass(frozen=True)
class VariantsRead:
    """A file's `variants:` section as read, before the rest of the file is known to be valid.

    `variants` is every variant when none has a problem of its own (None otherwise, or when the
    file has no section); `checkable` is every well-formed change at its place, so that once the
    base scenario is valid the ids and values of those changes are checked too, and a file's
    problems are all listed in one pass.
    """

    variants: list[Variant] | None
    problems: list[Problem]
    checkable: list[tuple[_Place, list[tuple[int, Change]]]]


def read_variants(raw: Any, source: str) -> VariantsRead:
    """A file's `variants:` section as typed variants, and the problems with its fields.

    Validated apart from the rest of the file so each problem reads as the change it is in
    (`variants[v1].changes[2].scale`), the same words a page's changes get.
    """
    if raw is None:
        return VariantsRead(None, [], [])
    if not isinstance(raw, list):
        message = f"a list of variants is expected; found {type(raw).__name__}"
        return VariantsRead(None, [Problem(source, "variants", None, None, message)], [])
    variants: list[Variant] = []
    problems: list[Problem] = []
    checkable: list[tuple[_Place, list[tuple[int, Change]]]] = []
    for index, entry in enumerate(raw):
        label = item_label("variants", entry, index)
        if not isinstance(entry, dict):
            message = f"a variant is expected as a mapping of id, name and changes; found {entry!r}"[:200]
            problems.append(Problem(source, "variants", label, None, message, index))
            continue
        place = _Place(source, "variants", label, "changes", index)
        changes, found = _typed(entry.get("changes", []), place)
        checkable.append((place, changes))
        try:
            variant = Variant.model_validate({k: v for k, v in entry.items() if k != "changes"})
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                field = ".".join(str(p) for p in err["loc"]) or None
                found.append(Problem(source, "variants", label, field, validation_message(err), index))
            variant = None
        problems += found
        if variant is not None and not found:
            variants.append(variant.model_copy(update={"changes": [c for _, c in changes]}))
    return VariantsRead(None if problems else variants, problems, checkable)


def check_variants(scenario: Scenario, read: VariantsRead) -> list[Problem]:
    """Every problem of a file's variants on its (valid) base: their fields' and, for each
    well-formed change, its ids' and values', in the order of the variants and their changes."""
    problems = list(read.problems)
    for place, changes in read.checkable:
        try:
            _Applied(scenario, place).run(changes)
        except ScenarioError as exc:
            problems += exc.problems
    return sorted(problems, key=_change_order)


def _change_order(problem: Problem) -> tuple[int, int]:
    """(variant's position, change's position): a variant's own fields before its changes."""
    found = _CHANGE_AT.match(problem.field or "")
    return (problem.index if problem.index is not None else -1, int(found[1]) if found else -1)


def _typed(data: Any, place: _Place) -> tuple[list[tuple[int, Change]], list[Problem]]:
    """Each well-formed change with its position in the list, and the problems of the others."""
    if not isinstance(data, list):
        found = "nothing" if data is None else type(data).__name__
        return [], [place.problem(None, None, f"a list of changes is expected; found {found}")]
    changes: list[tuple[int, Change]] = []
    problems: list[Problem] = []
    for position, item in enumerate(data):
        try:
            changes.append((position, _CHANGE.validate_python(item)))
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                problem = _located({**err, "loc": (position, *err["loc"])}, data, place)
                if problem is not None:
                    problems.append(problem)
    return changes, problems


def _located(err: Any, data: list[Any], place: _Place) -> Problem | None:
    """A pydantic error on a list of changes, at the change (`[2]`) and its field, tags left out.

    None for an error in the branch of `min_spend` (a number, or a mapping of year to number)
    the user did not mean: a mapping is not also told it is not a number.
    """
    loc = list(err["loc"])
    change = loc.pop(0) if loc and isinstance(loc[0], int) else None
    if change is not None and loc and loc[0] in _SUBJECT_TAGS:
        loc.pop(0)  # the kind of change pydantic chose, not a field the user wrote
    union = next((i for i, p in enumerate(loc) if isinstance(p, str) and _is_union_tag(p)), None)
    if union is not None:
        value: Any = data[change] if change is not None and change < len(data) else None
        for part in loc[:union]:
            value = value.get(part) if isinstance(value, dict) else None
        meant_mapping = isinstance(value, dict)
        if loc[union].startswith("dict[") != meant_mapping:
            return None
        if not meant_mapping and not isinstance(value, int | float):
            err = {**err, "type": "union", "msg": "expected a number, or a mapping of year to number"}
        del loc[union]
    field = ".".join(str(p) for p in loc) or None
    return place.problem(change, field, validation_message(err))


def _is_union_tag(part: str) -> bool:
    return part.startswith(("dict[", "function-after[")) or part in _UNION_TAGS


class _Applied:
    """The scenario's sections as the changes so far have left them, and the problems found."""

    def __init__(self, base: Scenario, place: _Place):
        self.base = base
        self.place = place
        self.outcomes: dict[str, Outcome] = {o.id: o for o in base.outcomes}
        self.streams: dict[str, Stream] = {s.id: s for s in base.streams}
        self.rules: dict[str, Rule] = {r.id: r for r in base.rules}
        self.pots: dict[str, Pot] = {p.id: p for p in base.pots}
        self.nameable = set(self.outcomes) | base.block_ids
        self.problems: list[Problem] = []
        self.at = 0

    def run(self, changes: Sequence[tuple[int, Change]]) -> Scenario:
        """The scenario with the changes applied in order; each is located by its position in its list."""
        for self.at, change in changes:
            if isinstance(change, RuleChange):
                self._rule(change)
            elif isinstance(change, StreamChange):
                self._stream(change)
            elif isinstance(change, OutcomeChange):
                self._outcome(change)
            elif isinstance(change, PinChange):
                self._pin(change.pin)
            else:
                self._problem(None, f"not a change: {type(change).__name__}")
        if self.problems:
            raise ScenarioError(self.problems)
        return self.base.model_copy(
            update={
                "outcomes": list(self.outcomes.values()),
                "streams": list(self.streams.values()),
                "rules": list(self.rules.values()),
                "pots": list(self.pots.values()),
                "variants": None,
            }
        )

    def _problem(self, field: str | None, message: str) -> None:
        self.problems.append(self.place.problem(self.at, field, message))

    def _known(self, section: dict[str, Any], ident: str, field: str, what: str) -> bool:
        if ident in section:
            return True
        self._problem(field, f"unknown {what} {ident!r}")
        return False

    def _nameable(self, ids: list[str], field: str) -> bool:
        unknown = [i for i in ids if i not in self.nameable]
        for ident in unknown:
            self._problem(field, f"unknown outcome or block {ident!r}")
        return not unknown

    # --- rules ---

    def _rule(self, change: RuleChange) -> None:
        if not self._known(self.rules, change.rule, "rule", "rule"):
            return
        if change.drop:
            del self.rules[change.rule]
            return
        rule = self.rules[change.rule]
        updated = self._revalidated(rule, "value", **{rule.kind.value: change.value})
        if updated is not None:
            self.rules[rule.id] = updated

    def _revalidated(self, item: _Item, field: str, **updates: Any) -> _Item | None:
        """The item with `updates`, validated as the file's own items are (so in the same ranges), or
        None with the problems at the change's `field`, saying which of the item's fields broke."""
        try:
            return type(item).model_validate({**item.model_dump(), **updates})
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                where = ".".join(str(p) for p in err["loc"] if not _is_union_tag(str(p)))
                message = validation_message(err)
                self._problem(field, f"{where}: {message}" if where and where != field else message)
            return None

    def _add_rule(self, field: str, **fields: Any) -> None:
        try:
            rule = Rule.model_validate({"per": "period", "survives_pooling": True, **fields})
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                self._problem(field, f"the rule {fields['id']!r} it makes: {validation_message(err)}")
            return
        self.rules[rule.id] = rule  # a later floor, cap or pin on the same thing replaces the earlier

    # --- streams ---

    def _stream(self, change: StreamChange) -> None:
        if not self._known(self.streams, change.stream, "stream", "stream"):
            return
        stream = self.streams[change.stream]
        years = self.base.years
        updated: Stream | None = None
        if change.grant is not None:
            if self._nameable(change.grant, "grant"):
                added = [i for i in dict.fromkeys(change.grant) if i not in stream.eligible]
                updated = self._revalidated(stream, "grant", eligible=[*stream.eligible, *added])
        elif change.scale is not None:
            factor = change.scale
            amounts: float | dict[int, float]
            if isinstance(stream.amounts, dict):
                amounts = {t: v * factor for t, v in stream.amounts.items()}
            else:
                amounts = stream.amounts * factor
            updated = self._revalidated(stream, "scale", amounts=amounts)
        elif change.amounts is not None:
            unknown = [t for t in change.amounts if t not in years]
            for t in unknown:
                self._problem(f"amounts.{t}", f"year {t} is not one of the years {years}")
            if not unknown:
                given = {t: change.amounts.get(t, stream.amount_in(t)) for t in years}
                updated = self._revalidated(stream, "amounts", amounts=given)
        elif change.pooled_share is not None:
            self._pooled_share(stream, change.pooled_share)
        if updated is not None:
            self.streams[stream.id] = updated

    def _pooled_share(self, stream: Stream, share: float) -> None:
        pot = next((p for p in self.pots.values() if stream.id in p.members), None)
        if share == 0:
            if pot is None:
                return  # already out of every pot
            members = [m for m in pot.members if m != stream.id]
            if members:
                self.pots[pot.id] = pot.model_copy(update={"members": members})
            else:
                del self.pots[pot.id]
            return
        if pot is None:
            message = f"stream {stream.id!r} is in no pot; a pooled share above 0 needs one"
        elif not stream.poolable:
            message = f"stream {stream.id!r} is not poolable (poolable: false); only 0 is possible"
        elif share > stream.max_pool_share:
            limit = stream.max_pool_share
            message = f"at most the stream's max_pool_share {limit:g} is expected; found {share:g}"
        else:
            message = ""
        if message:
            self._problem("pooled_share", message)
        elif (updated := self._revalidated(stream, "pooled_share", max_pool_share=share)) is not None:
            self.streams[stream.id] = updated

    # --- outcomes ---

    def _outcome(self, change: OutcomeChange) -> None:
        if not self._known(self.outcomes, change.outcome, "outcome", "outcome"):
            return
        outcome = self.outcomes[change.outcome]
        fields = [f for f in change.changed if f in ("weight", "target", "stretch", "min_spend")]
        if fields and self._min_spend_years(change):
            # a problem of the outcome as a whole (a target worse than the baseline) is the target's
            field = next((f for f in ("target", "stretch") if f in fields), fields[0])
            updated = self._revalidated(outcome, field, **{f: getattr(change, f) for f in fields})
            if updated is not None:
                self.outcomes[outcome.id] = updated
        on, least, most = [outcome.id], change.spend_at_least, change.spend_at_most
        # over every stream (streams: null), so every pot's spend on the outcome counts too
        if least is not None:
            self._add_rule("spend_at_least", id=f"floor:{outcome.id}", outcomes=on, min_amount=least)
        if most is not None:
            self._add_rule("spend_at_most", id=f"cap:{outcome.id}", outcomes=on, max_amount=most)

    def _min_spend_years(self, change: OutcomeChange) -> bool:
        if not isinstance(change.min_spend, dict):
            return True
        unknown = [t for t in change.min_spend if t not in self.base.years]
        for t in unknown:
            self._problem(f"min_spend.{t}", f"year {t} is not one of the years {self.base.years}")
        return not unknown

    # --- pins ---

    def _pin(self, pin: Pin) -> None:
        known = self._known(self.streams, pin.stream, "pin.stream", "stream")
        if not (self._nameable(pin.outcomes, "pin.outcomes") and known):
            return
        stem = f"pin:{pin.stream}:{'+'.join(pin.outcomes)}"
        common = {"streams": [pin.stream], "outcomes": list(pin.outcomes)}
        if pin.least is not None:
            self._add_rule("pin", id=f"{stem}:at-least", min_amount=pin.least, **common)
        if pin.most is not None:
            self._add_rule("pin", id=f"{stem}:at-most", max_amount=pin.most, **common)
