"""The scenario workbook's layout: which sheet holds which section, and which column holds which field.

One table drives the blank template, the scenario writer and the reader, so
the three cannot drift apart: a column added here is written, read and
explained (in its header's note) at once. Sheets follow SCENARIO.md's
sections, one row per item. Nested data is flattened so a finance lead
never types a bracket: a stream's amounts by year are one column per year,
a response curve is one row per segment on its own sheet, a rule's kind is
a drop-down beside its value, and lists of ids are comma-separated.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from laa.models.scenario import Arrangement, Direction, RuleKind

LIST_SEPARATOR = ","


class Kind(StrEnum):
    """How a cell is read and written."""

    TEXT = "text"  # free text, kept as written
    ID = "id"  # an id: spaces around it are dropped
    CHOICE = "choice"  # one of the column's choices
    NUMBER = "number"
    MONEY = "money"  # GBP
    SHARE = "share"  # 0..1, shown as a percentage
    INT = "int"
    BOOL = "bool"


NUMBER_FORMATS = {Kind.MONEY: "#,##0", Kind.SHARE: "0.00%", Kind.INT: "0"}


@dataclass(frozen=True)
class Column:
    """One column of a scenario workbook sheet: its header, the scenario field it fills, the note
    shown to the finance lead, and the drop-down it offers."""

    header: str  # as written in row 1 (on Area: in column A)
    field: str  # the scenario field it fills
    kind: Kind
    note: str
    required: bool = False
    many: bool = False  # a list: comma-separated ids (on Area: one value per cell along the row)
    per_year: bool = False  # one column per year, headed "<header> <year>"
    choices: tuple[str, ...] = ()
    ids_from: str | None = None  # drop-down of the ids on this sheet
    strict: bool = True  # whether the drop-down refuses other values
    width: int = 14

    def year_header(self, year: int) -> str:
        """The header of this column's copy for `year`, e.g. `Amount 2026`."""
        return f"{self.header} {year}"


@dataclass(frozen=True)
class Sheet:
    """One sheet of a scenario workbook and the scenario section it fills (Area: the top-level fields)."""

    name: str
    section: str  # the scenario's key; Area holds the top-level fields
    note: str
    columns: tuple[Column, ...]
    required: bool = True


def _id(note: str = "Unique on this sheet; how the rest of the workbook names it.") -> Column:
    return Column("id", "id", Kind.ID, note, required=True, width=18)


def _name(note: str = "(opt) Shown on reports.") -> Column:
    return Column("name", "name", Kind.TEXT, note, width=40)


YES_NO = ("TRUE", "FALSE")
ARRANGEMENTS = tuple(a.value for a in Arrangement)
RULE_KINDS = tuple(k.value for k in RuleKind)
# the Rules sheet's pseudo-fields: `kind` names which of the rule's fields `value` fills
RULE_KIND, RULE_VALUE = "kind", "value"
# the Response sheet's link to its outcome, and the outcome field its rows fill
RESPONSE_LINK, RESPONSE_FIELD = "outcome", "response"

AREA = Sheet(
    "Area",
    "",
    "The scenario as a whole: one field per row, its value in column B (lists along the row).",
    (
        Column("name", "name", Kind.TEXT, "Shown on every report.", required=True, width=40),
        Column(
            "years",
            "years",
            Kind.INT,
            "The plan's years, one per cell along the row, in increasing order. The year columns "
            "on Outcomes and Streams ('amounts 2026', ...) must use these years.",
            required=True,
            many=True,
        ),
        Column(
            "arrangements",
            "arrangements",
            Kind.CHOICE,
            "(opt) The arrangements to plan, one per cell along the row. Blank: silo, aligned, "
            "pooled and optimal (and historic when the Historic sheet has rows).",
            many=True,
            choices=ARRANGEMENTS,
        ),
        Column(
            "partial_pooling",
            "partial_pooling",
            Kind.BOOL,
            "(opt) FALSE: the optimal arrangement pools whole streams. TRUE: it may pool part of one.",
            choices=YES_NO,
        ),
        Column(
            "effect_uncertainty",
            "effect_uncertainty",
            Kind.NUMBER,
            "(opt) 0: how uncertain every response effect is, as a coefficient of variation "
            "(0 to 3), for laa sensitivity.",
        ),
        Column(
            "amount_uncertainty",
            "amount_uncertainty",
            Kind.NUMBER,
            "(opt) 0: how uncertain every stream's amounts are, as a coefficient of variation (0 to 3).",
        ),
    ),
)

BLOCKS = Sheet(
    "Blocks",
    "blocks",
    "(opt) Blocks of outcomes; a block id may be used wherever outcomes are listed.",
    (_id(), _name()),
    required=False,
)

FUNDERS = Sheet(
    "Funders",
    "funders",
    "The partners whose money is planned.",
    (
        _id(),
        _name(),
        Column(
            "interests",
            "interests",
            Kind.ID,
            "(opt) Outcome and block ids the partner answers for, comma-separated (its own view in "
            "laa partners); blank: what its streams may fund.",
            many=True,
            ids_from="Outcomes",
            strict=False,
            width=30,
        ),
    ),
)

OUTCOMES = Sheet(
    "Outcomes",
    "outcomes",
    "The targets, one row each; each outcome's response curve is on the Response sheet.",
    (
        _id(),
        _name(),
        Column(
            "block",
            "block",
            Kind.ID,
            "The outcome's block (listed on Blocks, if Blocks has rows).",
            required=True,
            ids_from="Blocks",
            strict=False,
        ),
        Column("unit", "unit", Kind.TEXT, "(opt) Free text, such as %."),
        Column(
            "direction",
            "direction",
            Kind.CHOICE,
            "higher or lower: which way is better.",
            required=True,
            choices=tuple(d.value for d in Direction),
        ),
        Column("baseline", "baseline", Kind.NUMBER, "The indicator now.", required=True),
        Column("target", "target", Kind.NUMBER, "Must be better than the baseline.", required=True),
        Column("stretch", "stretch", Kind.NUMBER, "(opt) At least as good as the target."),
        Column("weight", "weight", Kind.NUMBER, "(opt) 1: the outcome's weight in the score."),
        Column("reward", "reward", Kind.MONEY, "(opt) 0: reward grant at stake (GBP)."),
        Column(
            "min_spend",
            "min_spend",
            Kind.MONEY,
            "(opt) 0: statutory minimum spend, each year (GBP). Or leave blank and give each year "
            "its own in the 'min_spend <year>' columns.",
        ),
        Column(
            "min_spend",
            "min_spend",
            Kind.MONEY,
            "(opt) Statutory minimum spend in this year (GBP); blank: none.",
            per_year=True,
        ),
        Column(
            "effect_uncertainty",
            "effect_uncertainty",
            Kind.NUMBER,
            "(opt) This outcome's effect uncertainty (0 to 3); blank: the Area's.",
        ),
    ),
)

RESPONSE = Sheet(
    "Response",
    "outcomes",
    "Each outcome's response curve: one row per segment, in order, diminishing returns.",
    (
        Column(
            RESPONSE_LINK,
            RESPONSE_LINK,
            Kind.ID,
            "The outcome (an id on Outcomes) this segment belongs to.",
            required=True,
            ids_from="Outcomes",
            width=18,
        ),
        Column(
            "spend",
            "spend",
            Kind.MONEY,
            "GBP over the whole period that this segment takes. Blank: no limit (last segment only, "
            "with effect 0).",
        ),
        Column(
            "effect",
            "effect",
            Kind.NUMBER,
            "How far this segment's spend moves the indicator, in its units.",
            required=True,
        ),
    ),
)

STREAMS = Sheet(
    "Streams",
    "streams",
    "The partners' money: one row per funding stream.",
    (
        _id(),
        _name(),
        Column(
            "funder", "funder", Kind.ID, "The funder (an id on Funders).", required=True, ids_from="Funders"
        ),
        Column(
            "amounts",
            "amounts",
            Kind.MONEY,
            "One amount for every year (GBP). Or leave blank and fill the 'amounts <year>' columns.",
            required=True,
        ),
        Column("amounts", "amounts", Kind.MONEY, "The stream's money in this year (GBP).", per_year=True),
        Column(
            "eligible",
            "eligible",
            Kind.ID,
            "Outcome and block ids the stream may pay for, comma-separated.",
            required=True,
            many=True,
            ids_from="Outcomes",
            strict=False,
            width=30,
        ),
        Column("admin_rate", "admin_rate", Kind.SHARE, "(opt) 0: overhead while not pooled."),
        Column("carry_forward", "carry_forward", Kind.SHARE, "(opt) 0: share of a year that may roll on."),
        Column("poolable", "poolable", Kind.BOOL, "(opt) TRUE: whether it may join a pot.", choices=YES_NO),
        Column("max_pool_share", "max_pool_share", Kind.SHARE, "(opt) 100%: most of it that may be pooled."),
        Column(
            "amount_uncertainty",
            "amount_uncertainty",
            Kind.NUMBER,
            "(opt) This stream's amount uncertainty (0 to 3); blank: the Area's.",
        ),
    ),
)

RULES = Sheet(
    "Rules",
    "rules",
    "(opt) The funders' rules: ring-fences, caps and match funding.",
    (
        _id(),
        Column(
            "streams",
            "streams",
            Kind.ID,
            "(opt) Stream ids, comma-separated; blank: every stream.",
            many=True,
            ids_from="Streams",
            strict=False,
            width=24,
        ),
        Column(
            "outcomes",
            "outcomes",
            Kind.ID,
            "(opt) Outcome and block ids, comma-separated; blank: every outcome.",
            many=True,
            ids_from="Outcomes",
            strict=False,
            width=24,
        ),
        Column(
            RULE_KIND,
            RULE_KIND,
            Kind.CHOICE,
            "What the rule asks: min_share, max_share (of the streams' money), min_amount, "
            "max_amount (GBP) or match (other funders' spend per pound).",
            required=True,
            choices=RULE_KINDS,
        ),
        Column(
            RULE_VALUE,
            RULE_VALUE,
            Kind.NUMBER,
            "The share (0 to 1), amount (GBP) or match ratio.",
            required=True,
        ),
        Column(
            "per",
            "per",
            Kind.CHOICE,
            "(opt) year: it holds each year; period: over the years together.",
            choices=("year", "period"),
        ),
        Column(
            "years",
            "years",
            Kind.INT,
            "(opt) The years it applies to, comma-separated; blank: every year.",
            many=True,
        ),
        Column(
            "survives_pooling",
            "survives_pooling",
            Kind.BOOL,
            "(opt) FALSE: whether it still binds money moved into a pot.",
            choices=YES_NO,
        ),
    ),
    required=False,
)

POTS = Sheet(
    "Pots",
    "pots",
    "(opt) The pooled funds on the table.",
    (
        _id(),
        _name(),
        Column(
            "members",
            "members",
            Kind.ID,
            "Stream ids, comma-separated; a stream belongs to one pot at most.",
            required=True,
            many=True,
            ids_from="Streams",
            strict=False,
            width=30,
        ),
        Column(
            "scope",
            "scope",
            Kind.ID,
            "(opt) Outcome and block ids it may fund, comma-separated; blank: the members' eligibility.",
            many=True,
            ids_from="Outcomes",
            strict=False,
            width=30,
        ),
        Column("admin_rate", "admin_rate", Kind.SHARE, "(opt) 0: the pot's overhead."),
        Column("setup_cost", "setup_cost", Kind.MONEY, "(opt) 0: charged in the first year if used (GBP)."),
        Column("carry_forward", "carry_forward", Kind.SHARE, "(opt) 100%: share of a year that may roll on."),
    ),
    required=False,
)

HISTORIC = Sheet(
    "Historic",
    "historic",
    "(opt) What each stream actually spent, evaluated as the historic arrangement. No rows: none.",
    (
        Column("stream", "stream", Kind.ID, "A stream id.", required=True, ids_from="Streams"),
        Column("outcome", "outcome", Kind.ID, "An outcome id.", required=True, ids_from="Outcomes"),
        Column("year", "year", Kind.INT, "One of the Area's years.", required=True),
        Column("amount", "amount", Kind.MONEY, "GBP spent.", required=True),
    ),
    required=False,
)

# the Variants sheet: one row per change; `variant` and `name` say which variant the row's change is in
VARIANT_ID, VARIANT_NAME = "variant", "name"
VARIANTS = Sheet(
    "Variants",
    "variants",
    "(opt) What-ifs for a meeting: one row per change, a variant's changes in row order. Fill the "
    "column of the thing changed (rule, stream, outcome or pin stream) and what changes in it.",
    (
        Column(
            VARIANT_ID,
            VARIANT_ID,
            Kind.ID,
            "The variant the change is in (its id, as laa run --variant names it).",
            required=True,
            width=18,
        ),
        Column(VARIANT_NAME, VARIANT_NAME, Kind.TEXT, "(opt) The variant's name, on any one of its rows."),
        Column("rule", "rule", Kind.ID, "A rule (an id on Rules): with drop or value.", ids_from="Rules"),
        Column("drop", "drop", Kind.BOOL, "TRUE: the rule is dropped.", choices=YES_NO),
        Column("value", "value", Kind.NUMBER, "The rule's new share (0 to 1), amount (GBP) or match ratio."),
        Column(
            "stream",
            "stream",
            Kind.ID,
            "A stream (an id on Streams): with one of grant, scale, amounts or pooled_share.",
            ids_from="Streams",
        ),
        Column(
            "grant",
            "grant",
            Kind.ID,
            "Outcome and block ids the stream may also pay for, comma-separated.",
            many=True,
            ids_from="Outcomes",
            strict=False,
            width=24,
        ),
        Column("scale", "scale", Kind.NUMBER, "Every year's amount times this (0.9: cut by 10%)."),
        Column("amounts", "amounts", Kind.MONEY, "The stream's amount in this year (GBP).", per_year=True),
        Column(
            "pooled_share",
            "pooled_share",
            Kind.SHARE,
            "0%: the stream leaves its pot. Otherwise the share it pays in when pooled (at most its "
            "max_pool_share).",
        ),
        Column(
            "outcome",
            "outcome",
            Kind.ID,
            "An outcome (an id on Outcomes): with any of weight, target, stretch, min_spend, "
            "spend_at_least, spend_at_most.",
            ids_from="Outcomes",
        ),
        Column("weight", "weight", Kind.NUMBER, "The outcome's new weight."),
        Column("target", "target", Kind.NUMBER, "The outcome's new target."),
        Column("stretch", "stretch", Kind.NUMBER, "The outcome's new stretch target."),
        Column("min_spend", "min_spend", Kind.MONEY, "The new statutory minimum, each year (GBP)."),
        Column("min_spend", "min_spend", Kind.MONEY, "The minimum in this year (GBP).", per_year=True),
        Column(
            "spend_at_least",
            "spend_at_least",
            Kind.MONEY,
            "A floor on the outcome's spend over the period, pots' spend included (GBP).",
        ),
        Column(
            "spend_at_most",
            "spend_at_most",
            Kind.MONEY,
            "A cap on the outcome's spend over the period, pots' spend included (GBP).",
        ),
        Column(
            "pin stream",
            "pin.stream",
            Kind.ID,
            "A pin: this stream's spend on the pin outcomes over the period is held (money stays put).",
            ids_from="Streams",
        ),
        Column(
            "pin outcomes",
            "pin.outcomes",
            Kind.ID,
            "The outcome and block ids the pin holds the stream's spend on, comma-separated.",
            many=True,
            ids_from="Outcomes",
            strict=False,
            width=24,
        ),
        Column("pin at", "pin.at", Kind.MONEY, "The pinned spend exactly (GBP, period)."),
        Column("pin at_least", "pin.at_least", Kind.MONEY, "The pinned spend at least (GBP, period)."),
        Column("pin at_most", "pin.at_most", Kind.MONEY, "The pinned spend at most (GBP, period)."),
    ),
    required=False,
)

# in the order written; Outcomes comes before Response, whose rows attach to it
LAYOUT = (AREA, BLOCKS, FUNDERS, OUTCOMES, RESPONSE, STREAMS, RULES, POTS, HISTORIC, VARIANTS)
SHEETS = {s.name: s for s in LAYOUT}
