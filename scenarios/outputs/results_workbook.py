"""Results as a workbook for reading: one sheet per question, pounds formatted, headers frozen.

Every cell holds a computed value, never a formula, so what a reader sees
is what the engine worked out, whatever the spreadsheet does. Text comes
from the scenario, which someone else wrote, so every text cell goes
through `models.cells.safe_cell` (a name `=HYPERLINK(...)` is shown,
not run) and loses the control characters a workbook cannot store.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from laa.models.cells import MAX_CELL_CHARS, put_value, safe_cell
from laa.models.errors import LaaError
from laa.models.scenario import Scenario
from laa.models.workbook.writer import book_bytes, new_book, style_header
from laa.pooling.evaluate import Evaluation
from laa.pooling.plan import Plan
from laa.pooling.solvers import SolveOptions
from laa.pooling.units import years_text
from laa.scenarios.analysis.freedoms import FREEDOM_ARRANGEMENTS, Ask, rank_freedoms
from laa.scenarios.analysis.sweep import SweepStep
from laa.scenarios.outputs.results import gbp, plan_record
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

if TYPE_CHECKING:
    from laa.scenarios.analysis.partners import PartnersResult

MONEY, SCORE, SHARE, YEAR = "#,##0", "0.0000", "0.0%", "0"
MIN_WIDTH, MAX_WIDTH = 8, 60
FREEDOMS_TOP = 5
# the results document's money fields, in the order the Summary shows them
MONEY_KEYS = (
    "available",
    "overhead",
    "setup",
    "lapsed",
    "spent",
)  # asks re-solved for their exact gain, per arrangement


@dataclass(frozen=True)
class Col:
    header: str
    fmt: str | None = None  # number format of the column's numbers


def run_workbook(scenario: Scenario, plans: list[Plan], options: SolveOptions | None = None) -> bytes:
    """`laa run --format xlsx`: the plans, and the freedoms worth asking for on each joint plan."""
    asks: dict[str, list[Ask] | str] = {}
    for plan in plans:
        if plan.arrangement in FREEDOM_ARRANGEMENTS and plan.score is not None:
            try:
                asks[plan.arrangement.value] = rank_freedoms(
                    scenario, plan.arrangement, FREEDOMS_TOP, options
                )
            except LaaError as exc:
                asks[plan.arrangement.value] = f"not priced: {exc}"
    return results_workbook(scenario, plans, asks)


def results_workbook(
    scenario: Scenario,
    plans: list[Plan],
    asks: dict[str, list[Ask] | str],
    partners: PartnersResult | None = None,
) -> bytes:
    """The plans' sheets; with `partners` (`laa partners --format xlsx`), the partners' sheets too."""
    records = [plan_record(plan) for plan in plans]  # the JSON results' figures, so the two agree
    book = new_book()
    _summary(book, scenario, records)
    _outcomes(book, scenario, records)
    _allocation(book, scenario, records)
    _money(book, plans)
    _prices(book, plans)
    _freedoms(book, asks)
    _diagnosis(book, plans)
    _checks(book, scenario, plans, records)
    if partners is not None:
        from laa.scenarios.outputs.partners_sheet import add_partners_sheets  # built on add_table here

        add_partners_sheets(book, partners)
    return book_bytes(book)


def sweep_workbook(scenario: Scenario, what: str, steps: list[SweepStep]) -> bytes:
    """`laa sweep --format xlsx`: one row per change and arrangement, with where the money moved."""
    book = new_book()
    columns = [
        Col("scenario"),
        Col("swept"),
        Col("change", SHARE),
        Col("arrangement"),
        Col("status"),
        Col("score", SCORE),
        Col("shifts (spend per outcome against the unchanged plan, GBP)"),
    ]
    rows = [
        [
            scenario.name,
            what,
            s.change,
            s.arrangement,
            s.status,
            s.score,
            "; ".join(f"{scenario.label('outcomes', m.outcome)} {m.amount:+,.0f}" for m in s.shifts),
        ]
        for s in steps
    ]
    add_table(book, "Sweep", columns, rows)
    return book_bytes(book)


# --- sheets ---


def _summary(book: Workbook, scenario: Scenario, records: list[dict[str, Any]]) -> None:
    columns = [
        Col("scenario"),
        Col("arrangement"),
        Col("status"),
        Col("score", SCORE),
        Col("targets met"),
        Col("stretch met"),
        Col("reward", MONEY),
        *(Col(key, MONEY) for key in MONEY_KEYS),
        Col("rules and limits broken"),
        Col("message"),
    ]
    rows = []
    for record in records:
        money = record["money"] or {}
        rows.append(
            [
                scenario.name,
                record["arrangement"],
                record["status"],
                record["score"],
                record["targets_met"],
                record["stretch_met"],
                record["reward"],
                *(money.get(key) for key in MONEY_KEYS),
                len(record["violations"]) if record["money"] is not None else None,
                record["message"],
            ]
        )
    add_table(book, "Summary", columns, rows)


def _outcomes(book: Workbook, scenario: Scenario, records: list[dict[str, Any]]) -> None:
    columns = [
        Col("arrangement"),
        Col("outcome"),
        Col("name"),
        Col("block"),
        Col("direction"),
        Col("baseline"),
        Col("target"),
        Col("stretch"),
        Col("spend", MONEY),
        Col("improvement"),
        Col("projected"),
        Col("target met"),
        Col("stretch met"),
        Col("reward", MONEY),
        Col("score", SCORE),
    ]
    rows = []
    for record in records:
        for o in record["outcomes"]:
            spec = scenario.outcome(o["id"])
            rows.append(
                [
                    record["arrangement"],
                    o["id"],
                    spec.name,
                    spec.block,
                    spec.direction.value,
                    spec.baseline,
                    spec.target,
                    spec.stretch,
                    o["spend"],
                    o["improvement"],
                    o["projected"],
                    o["target_met"],
                    o["stretch_met"],
                    o["reward"],
                    o["score"],
                ]
            )
    add_table(book, "Outcomes", columns, rows)


def _allocation(book: Workbook, scenario: Scenario, records: list[dict[str, Any]]) -> None:
    columns = [
        Col("arrangement"),
        Col("kind"),
        Col("source"),
        Col("source name"),
        Col("funder"),
        Col("outcome"),
        Col("outcome name"),
        Col("block"),
        Col("year", YEAR),
        Col("amount", MONEY),
    ]
    rows = []
    for record in records:
        for r in record["allocation"]:
            stream = r["kind"] == "stream"
            rows.append(
                [
                    record["arrangement"],
                    r["kind"],
                    r["source"],
                    scenario.label("streams" if stream else "pots", r["source"]),
                    scenario.funder_of(r["source"]) if stream else None,
                    r["outcome"],
                    scenario.label("outcomes", r["outcome"]),
                    scenario.outcome(r["outcome"]).block,
                    r["year"],
                    r["amount"],
                ]
            )
    add_table(book, "Allocation", columns, rows)


def _money(book: Workbook, plans: list[Plan]) -> None:
    columns = [
        Col("arrangement"),
        Col("kind"),
        Col("source"),
        Col("year", YEAR),
        Col("money in", MONEY),
        Col("overhead", MONEY),
        Col("setup", MONEY),
        Col("carried in", MONEY),
        Col("spent", MONEY),
        Col("carried out", MONEY),
        Col("lapsed", MONEY),
    ]
    rows = []
    for plan in plans:
        ev = _numbers(plan)
        for s in ev.sources if ev else []:
            rows.append(
                [
                    plan.arrangement.value,
                    s.kind,
                    s.id,
                    s.year,
                    *(
                        gbp(v)
                        for v in (
                            s.gross,
                            s.overhead,
                            s.setup,
                            s.carried_in,
                            s.spent,
                            s.carried_out,
                            s.lapsed,
                        )
                    ),
                ]
            )
    add_table(book, "Money", columns, rows)


def _prices(book: Workbook, plans: list[Plan]) -> None:
    columns = [
        Col("arrangement"),
        Col("kind"),
        Col("id"),
        Col("funder"),
        Col("pot"),
        Col("years"),
        Col("score per GBP 1m", SCORE),
        Col("score per 0.01 of its ratio", SCORE),
    ]
    rows = [
        [
            plan.arrangement.value,
            p.kind,
            p.id,
            p.funder,
            p.pot,
            _years((p.year,) if p.year is not None else p.years),
            p.per_million,
            p.per_point,
        ]
        for plan in plans
        for p in plan.shadow_prices
    ]
    add_table(book, "Shadow prices", columns, rows)


def _freedoms(book: Workbook, asks: dict[str, list[Ask] | str]) -> None:
    columns = [
        Col("arrangement"),
        Col("rank"),
        Col("kind"),
        Col("stream"),
        Col("outcome"),
        Col("rule"),
        Col("score per GBP 1m", SCORE),
        Col("exact gain", SCORE),
        Col("ask"),
    ]
    rows: list[list[object]] = []
    for arrangement, found in asks.items():
        if isinstance(found, str):
            rows.append([arrangement, None, None, None, None, None, None, None, found])
            continue
        for rank, a in enumerate(found, start=1):
            rows.append(
                [arrangement, rank, a.kind, a.stream, a.outcome, a.rule, a.per_million, a.gain, a.ask]
            )
    add_table(book, "Freedoms", columns, rows)


def _diagnosis(book: Workbook, plans: list[Plan]) -> None:
    columns = [
        Col("arrangement"),
        Col("part"),
        Col("kind"),
        Col("id"),
        Col("pot"),
        Col("years"),
        Col("amount", MONEY),
        Col("finding"),
    ]
    rows: list[list[object]] = []
    for plan in plans:
        d = plan.diagnosis
        if d is None:
            continue
        if d.note:
            rows.append([plan.arrangement.value, "note", None, None, None, None, None, d.note])
        parts = {
            "checks before solving": d.checks,
            "cannot all hold together": d.subset,
            "eligibility": d.eligibility,
            "smallest relaxation": d.relaxation,
        }
        for part, findings in parts.items():
            for f in findings:
                amount = None if f.amount is None else gbp(f.amount)
                rows.append(
                    [plan.arrangement.value, part, f.kind, f.id, f.pot, _years(f.years), amount, f.text]
                )
    add_table(book, "Diagnosis", columns, rows)


def _checks(book: Workbook, scenario: Scenario, plans: list[Plan], records: list[dict[str, Any]]) -> None:
    """Every rule and statutory minimum, required against achieved, and every other limit broken."""
    columns = [
        Col("arrangement"),
        Col("kind"),
        Col("id"),
        Col("rule kind"),
        Col("pot"),
        Col("years"),
        Col("bound"),
        Col("required", MONEY),
        Col("achieved", MONEY),
        Col("result"),
        Col("binding"),
        Col("note"),
    ]
    rows: list[list[object]] = []
    for plan, record in zip(plans, records, strict=True):
        name = plan.arrangement.value
        ev = _numbers(plan)
        if ev is None:
            for rule in scenario.rules:
                note = f"{plan.status.value}: not planned, so nothing to check"
                rows.append(
                    [name, "rule", rule.id, rule.kind.value, None, None, None, None, None, "-", None, note]
                )
            continue
        for c in ev.checks:
            kind = scenario.rule(c.id).kind.value if c.kind == "rule" else "min_spend"
            bound = "at least" if c.bound == "min" else "at most"
            result = "PASS" if c.holds else "FAIL"
            required, achieved = gbp(c.required), gbp(c.achieved)
            rows.append(
                [
                    name,
                    c.kind,
                    c.id,
                    kind,
                    c.pot,
                    _years(c.years),
                    bound,
                    required,
                    achieved,
                    result,
                    c.binding,
                    None,
                ]
            )
        for v in record["violations"]:
            if v["kind"] in ("budget", "eligibility"):
                when = _years((v["year"],) if v["year"] is not None else ())
                rows.append(
                    [
                        name,
                        v["kind"],
                        v["id"],
                        None,
                        None,
                        when,
                        "at most",
                        v["required"],
                        v["achieved"],
                        "FAIL",
                        None,
                        v["message"],
                    ]
                )
    add_table(book, "Checks", columns, rows)


# --- the table writer ---


def add_table(book: Workbook, title: str, columns: Sequence[Col], rows: Sequence[Sequence[object]]) -> None:
    """One sheet: a bold frozen header with a filter, formatted numbers, columns as wide as they read."""
    ws = book.create_sheet(title)
    widths = [len(c.header) for c in columns]
    for col, column in enumerate(columns, start=1):
        style_header(put_value(ws, 1, col, safe_cell(column.header)))
    for number, row in enumerate(rows, start=2):
        for col, (column, value) in enumerate(zip(columns, row, strict=True), start=1):
            value = _cell_value(value)
            if value is None:
                continue
            cell = put_value(ws, number, col, value)
            if column.fmt and isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = column.fmt
            widths[col - 1] = max(widths[col - 1], _shown_width(value, column.fmt))
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(rows) + 1, 1)}"


def _cell_value(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value)[: MAX_CELL_CHARS - 1])
    return value


def _shown_width(value: object, fmt: str | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return len(str(value))
    if fmt == MONEY:
        return len(f"{value:,.0f}")
    if fmt in (SCORE, SHARE):
        return len(f"{value:.4f}")
    return len(str(value))


def _numbers(plan: Plan) -> Evaluation | None:
    return plan.evaluation if plan.has_numbers else None


def _years(years: tuple[int, ...]) -> str | None:
    return years_text(years) or None  # blank, not empty text, for no years
