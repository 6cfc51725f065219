"""`laa sweep --format xlsx`: the sweep as a workbook, every amount a number and every name whole.

The Sweep sheet has a row per step and arrangement (its score, how many
outcomes' spend moved, the largest moves in words); the Spend moved sheet a
row per outcome whose spend moved, in pounds, for a reader to sort, filter
and add up. A workbook has room for names, so none is cut, and a cell of
words starts with the outcome's name, never with a sign a spreadsheet would
take for a formula.
"""

from __future__ import annotations

from laa.models.scenario import Scenario
from laa.models.workbook.writer import book_bytes, new_book
from laa.pooling.units import money_text, solver_dust
from laa.scenarios.analysis.sweep import Shift, SweepStep, swept_words
from laa.scenarios.outputs.sheets import COUNT, MONEY, SCORE, SHARE, Col, Shown, add_table


def sweep_workbook(scenario: Scenario, steps: list[SweepStep], stream: str | None, rule: str | None) -> bytes:
    """`laa sweep --format xlsx`: one row per change and arrangement, and one per outcome whose spend
    moved, each amount a number in pounds and every name whole (a workbook has room for them)."""
    book = new_book()
    swept = swept_words(scenario, stream, rule)
    value_fmt = _value_format(scenario, stream, rule)
    dust = solver_dust(scenario)
    columns = [
        Col("scenario", note="The scenario swept."),
        Col("swept", note="The stream whose amounts, or the rule whose value, moves (its id in brackets)."),
        Col("change", SHARE, "The change to its amounts or value (0% is the scenario as it is)."),
        Col("value", value_fmt, "The rule's value, or the stream's money over the agreement, at this step."),
        Col("arrangement"),
        Col("status", note="optimal, or why there is no plan at this step (infeasible: none can be made)."),
        Col("score", SCORE),
        Col("outcomes moved", COUNT, "Outcomes whose spend moved against the unchanged plan (see Spend "
            "moved); blank where there is no plan to compare."),
        Col(
            "largest moves",
            note="The outcomes whose spend moved most over the agreement against the unchanged plan, largest "
            "first; every move, in pounds, is on the Spend moved sheet. Amounts under the solver's dust are "
            "left out.",
        ),
    ]
    rows = [
        [
            scenario.name,
            swept,
            s.change,
            Shown(s.value, value_fmt) if value_fmt else s.value,
            s.arrangement,
            s.status,
            s.score,
            None if s.shifts is None else len(s.shifts),
            None if s.shifts is None else moves_words(scenario, s.shifts, dust) or "no outcome's spend moves",
        ]
        for s in steps
    ]
    add_table(book, "Sweep", columns, rows, f"{scenario.name}: each arrangement re-planned as {swept} moves.")
    moved_columns = [
        Col("change", SHARE, "The change to the swept stream's amounts or rule's value."),
        Col("arrangement"),
        Col("outcome", note="The outcome's id in the scenario."),
        Col("outcome name"),
        Col("spend moved", MONEY, "Spend on the outcome over the agreement at this step, less the unchanged "
            "plan's."),
    ]
    moved = [
        [s.change, s.arrangement, m.outcome, scenario.label("outcomes", m.outcome), m.amount]
        for s in steps
        for m in s.shifts or []
    ]
    note = f"{scenario.name}: where the money moved at each step of the sweep of {swept}."
    add_table(book, "Spend moved", moved_columns, moved, note)
    return book_bytes(book)


def _value_format(scenario: Scenario, stream: str | None, rule: str | None) -> str | None:
    """Pounds for a stream's money or an amount rule, a percentage for a share; a match ratio as it is."""
    if stream is not None:
        return MONEY
    kind = scenario.rule(rule or "").kind
    return MONEY if kind.is_amount else SHARE if kind.is_share else None


def moves_words(scenario: Scenario, shifts: list[Shift], dust: float, top: int = 5) -> str:
    """'Re-offending by prolific and priority offenders -£2,890,000; ...': a step's largest moves, each
    outcome named whole and first (a cell that starts with a sign would be taken for a formula)."""
    shown = [f"{scenario.label('outcomes', m.outcome)} {money_text(m.amount, dust, signed=True)}"
             for m in shifts[:top]]  # fmt: skip
    more = len(shifts) - top
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
