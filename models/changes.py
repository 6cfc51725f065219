"""What a variant may change, as typed objects: the `variants` block of SCENARIO.md, key for key.

A change names one thing (a rule, a stream, an outcome, or a pin on a stream) and
says what happens to it. These models check what one change can know (a share
within 0..1, a stream change doing one thing); whether the ids exist and the
values fit the scenario is checked when the changes are applied
(`laa.models.variants.apply_changes`), because changes are applied in order and a
rule dropped by one change is unknown to the next.

They live apart from `laa.models.variants` so that `Scenario` can hold its
variants without the module that applies them importing it back.
"""

from __future__ import annotations

from typing import Annotated, Any

from laa.models.ranges import Money, check_id, check_name
from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

# the same field types and strictness as `laa.models.scenario` (which imports this module for
# `Scenario.variants`, so this one cannot import them from there); money has the file's range, and an
# id (a variant's own among them) the rule of every other id: visible text (issue 21)
Id = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(check_id)]
Share = Annotated[float, Field(ge=0, le=1)]


class Strict(BaseModel):
    """Unknown fields and NaN/inf refused, as in every scenario section."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)

STREAM_ACTIONS = ("grant", "scale", "amounts", "pooled_share")
OUTCOME_FIELDS = ("weight", "target", "stretch", "min_spend", "spend_at_least", "spend_at_most")
SUBJECTS = ("rule", "stream", "outcome", "pin")


class RuleChange(Strict):
    """`{rule: id, drop: true}` or `{rule: id, value: v}`: the rule's min_share/.../match value."""

    rule: Id
    drop: bool | None = None
    value: Annotated[float, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _one_action(self) -> RuleChange:
        if (self.drop is None) == (self.value is None):
            found = "both" if self.drop is not None else "neither"
            raise ValueError(f"a rule change has either drop: true or value; found {found}")
        if self.drop is False:
            raise ValueError("drop: true takes the rule out; to keep it, leave the change out")
        return self


class StreamChange(Strict):
    """One of: `grant` (outcome/block ids added to `eligible`), `scale` (every year's amount times
    it), `amounts` (the given years' amounts replaced), `pooled_share` (0 takes the stream out of
    its pot; otherwise the share it pays in when pooled, at most its max_pool_share)."""

    stream: Id
    grant: Annotated[list[Id], Field(min_length=1)] | None = None
    scale: Annotated[float, Field(ge=0)] | None = None
    amounts: Annotated[dict[int, Money], Field(min_length=1)] | None = None
    pooled_share: Share | None = None

    @model_validator(mode="after")
    def _one_action(self) -> StreamChange:
        given = [a for a in STREAM_ACTIONS if getattr(self, a) is not None]
        if len(given) != 1:
            found = ", ".join(given) or "none"
            raise ValueError(f"a stream change has exactly one of {', '.join(STREAM_ACTIONS)}; found {found}")
        return self

    @property
    def action(self) -> str:
        """The one change this names (the field that was given)."""
        return next(a for a in STREAM_ACTIONS if getattr(self, a) is not None)


class OutcomeChange(Strict):
    """Any of an outcome's weight, target, stretch, min_spend (a number, or per year), and floors or
    caps on its total spend over the period (`spend_at_least` / `spend_at_most`).

    A field left out or null is left as it is, so a change dumped with its nulls reads back as the
    same change (a stretch target is not removed by a change: that would need a null to mean
    something, and a dump's nulls would then remove stretches nobody asked to remove)."""

    outcome: Id
    weight: Annotated[float, Field(gt=0)] | None = None
    target: float | None = None
    stretch: float | None = None
    min_spend: Money | dict[int, Money] | None = None
    spend_at_least: Money | None = None
    spend_at_most: Money | None = None

    @model_validator(mode="after")
    def _something_changes(self) -> OutcomeChange:
        if not self.changed:
            raise ValueError(f"an outcome change sets at least one of {', '.join(OUTCOME_FIELDS)}")
        low, high = self.spend_at_least, self.spend_at_most
        if low is not None and high is not None and low > high:
            raise ValueError(f"spend_at_least {low:,.0f} is more than spend_at_most {high:,.0f}")
        return self

    @property
    def changed(self) -> list[str]:
        """The fields this change sets, in the contract's order."""
        return [f for f in OUTCOME_FIELDS if getattr(self, f) is not None]


class Pin(Strict):
    """A stream's spend on outcomes (and/or blocks) over the period: `at`, or `at_least` and/or `at_most`."""

    stream: Id
    outcomes: Annotated[list[Id], Field(min_length=1)]
    at: Money | None = None
    at_least: Money | None = None
    at_most: Money | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Pin:
        if self.at is not None and (self.at_least is not None or self.at_most is not None):
            raise ValueError("a pin has at, or at_least and/or at_most; not both")
        if self.at is None and self.at_least is None and self.at_most is None:
            raise ValueError("a pin needs at, at_least or at_most")
        if self.at_least is not None and self.at_most is not None and self.at_least > self.at_most:
            raise ValueError(f"at_least {self.at_least:,.0f} is more than at_most {self.at_most:,.0f}")
        return self

    @property
    def least(self) -> float | None:
        """The fewest pounds the pin allows (`at` when pinned exactly; None: no floor)."""
        return self.at if self.at is not None else self.at_least

    @property
    def most(self) -> float | None:
        """The most pounds the pin allows (`at` when pinned exactly; None: no cap)."""
        return self.at if self.at is not None else self.at_most


class PinChange(Strict):
    """`{pin: {stream, outcomes, at | at_least | at_most}}`."""

    pin: Pin


def _subject(value: Any) -> str | None:
    """Which kind of change a mapping is, by the one subject key it names (None: not exactly one)."""
    if isinstance(value, BaseModel):
        return next((k for k in SUBJECTS if k in type(value).model_fields), None)
    if not isinstance(value, dict):
        return None
    named = [k for k in SUBJECTS if k in value]
    return named[0] if len(named) == 1 else None


Change = Annotated[
    Annotated[RuleChange, Tag("rule")]
    | Annotated[StreamChange, Tag("stream")]
    | Annotated[OutcomeChange, Tag("outcome")]
    | Annotated[PinChange, Tag("pin")],
    Discriminator(
        _subject,
        custom_error_type="change_subject",
        custom_error_message="a change is a mapping naming exactly one of rule, stream, outcome or pin",
    ),
]


class Variant(Strict):
    """A named set of changes to the base scenario, applied in order."""

    id: Id
    name: Annotated[str, AfterValidator(check_name)] = ""
    changes: list[Change] = []
