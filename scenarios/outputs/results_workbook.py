"""Results as a workbook a finance lead hands on: one sheet per question, figures as they mean.

About says where the figures came from (the file and its sha256, when,
which engine and solver, which options); Summary gives each arrangement's
targets, reward, money and score; Outcomes each indicator in its own units
and precision; Allocation and Money where every pound goes, and Totals
shows the two tie out, per stream and pot and per year, with a visible
check; Shadow prices and Freedoms say what more money or a freedom would
do; Diagnosis why a plan cannot be made; Checks every rule, PASS or FAIL.

Nothing is solved here: the plans and the negotiator's figures
(`analysis.negotiation.negotiation_figures`) come in, so writing a workbook
never changes what was planned. The figures are the JSON results' own
(`plan_record`), read by key, so the two cannot disagree.
"""

from __future__ import annotations

import hashlib
import platform
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from laa.models.scenario import Scenario
from laa.models.workbook.writer import book_bytes, new_book
from laa.pooling.plans.evaluate import Evaluation
from laa.pooling.plans.plan import Plan
from laa.pooling.solving.solvers import SolveOptions
from laa.pooling.units import years_text
from laa.scenarios.analysis.breaches import status_words
from laa.scenarios.analysis.effects import Effect, indicator_decimals
from laa.scenarios.analysis.explain import PriceEffect
from laa.scenarios.analysis.negotiation import NegotiationFigures
from laa.scenarios.outputs.results import gbp, plan_record
from laa.scenarios.outputs.robust_sheet import add_robust_sheets
from laa.scenarios.outputs.sheets import (
    COUNT,
    DOES_NOT_TIE,
    FAIL,
    MONEY,
    PASS,
    SCORE,
    SHARE,
    TIES,
    YEAR,
    Col,
    Shown,
    add_table,
    decimals_format,
)
from openpyxl import Workbook

if TYPE_CHECKING:
    from laa.scenarios.analysis.partners import PartnersResult

__all__ = [
    "COUNT",
    "MONEY",
    "SCORE",
    "SHARE",
    "YEAR",
    "Col",
    "RunInfo",
    "Shown",
    "add_table",
    "results_workbook",
]

MONEY_KEYS = ("available", "overhead", "setup", "lapsed", "spent")  # the Summary's, in the document's terms
MONEY_HEADERS = {"available": "money in", "overhead": "overhead", "setup": "set-up", "lapsed": "lapsed",
                 "spent": "spent"}
ARRANGEMENTS_NOTE = (
    "silo: each funder alone; aligned: one joint plan; pooled: every pot's members pool; optimal: the "
    "engine chooses what to pool; historic: as spent."
)
STATUS_NOTE = (
    "optimal (or evaluated, for historic) when the plan has figures, with how many rules and limits it "
    "breaks ('optimal, breaks 2 rules'; see Checks); infeasible, error, time_limit or unreliable (the "
    "file's money spans more than the solver can see at once) when it has none (see "
    "Diagnosis)."
)
BROKEN_NOTE = (
    "Rules, statutory minimums, budgets and eligibility limits the plan breaks (silo and historic may); "
    "see Checks."
)
SCORE_NOTE = "Each outcome's weight times the share of its target gap closed, counted up to its stretch."
MONEY_NOTES = {
    "available": "Every stream's amounts over the agreement.",
    "overhead": "Money lost to separate administration and reporting (streams' and pots' admin rates).",
    "setup": "Pots' set-up costs, charged in the first year a pot is used.",
    "lapsed": "Money left unspent that could not be carried forward.",
    "spent": "Money spent on outcomes.",
}


@dataclass(frozen=True)
class RunInfo:
    """Where the figures came from, for the About sheet: a result handed on must say how it was made."""

    source: str  # the scenario file as the user named it
    sha256: str | None  # of its bytes
    generated: datetime
    options: dict[str, str] = field(default_factory=dict)  # what the user chose: arrangements, solver, ...
    historic: str | None = None
    historic_sha256: str | None = None

    @classmethod
    def of(
        cls,
        source: str,
        options: SolveOptions | None = None,
        chosen: dict[str, str] | None = None,
        historic: str | None = None,
    ) -> RunInfo:
        """The About sheet's facts for this run: the source file (and its hash), the options chosen,
        and any historic file."""
        settings = dict(chosen or {})
        if options is not None:
            settings["solver"] = options.solver.value
            settings["time limit"] = "none" if options.time_limit is None else f"{options.time_limit:g} s"
        return cls(
            source,
            _sha256(source),
            datetime.now().astimezone(),
            settings,
            historic,
            _sha256(historic) if historic else None,
        )


def _sha256(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def results_workbook(
    scenario: Scenario,
    plans: list[Plan],
    figures: NegotiationFigures | None = None,
    info: RunInfo | None = None,
    partners: PartnersResult | None = None,
) -> bytes:
    """The plans' sheets; with `partners` (`laa partners --format xlsx`), the partners' sheets too."""
    figures = figures or NegotiationFigures()
    records = [plan_record(plan) for plan in plans]  # the JSON results' figures, so the two agree
    book = new_book()
    _about(book, scenario, info)
    _summary(book, scenario, records)
    _outcomes(book, scenario, records)
    _allocation(book, scenario, records)
    _money(book, scenario, plans)
    _totals(book, scenario, plans, records)
    _prices(book, scenario, plans, figures)
    _freedoms(book, scenario, figures)
    _diagnosis(book, scenario, plans)
    _checks(book, scenario, plans, records)
    add_robust_sheets(book, scenario, plans)  # only when some plan was chosen against draws
    if partners is not None:
        from laa.scenarios.outputs.partners_sheet import add_partners_sheets  # built on add_table here

        add_partners_sheets(book, partners)
    return book_bytes(book)


# --- sheets ---

# where an id of each kind of finding, check or price is named in the scenario, most likely first
KIND_SECTIONS = {
    "rule": ("rules",),
    "statutory": ("outcomes",),
    "curve": ("outcomes",),
    "stream": ("streams",),
    "pot": ("pots",),
    "budget": ("streams", "pots"),
    "eligibility": ("streams", "pots", "outcomes"),
    "pooling": ("pots", "streams"),
}
SECTIONS = ("streams", "pots", "rules", "outcomes", "funders", "blocks")


def _name(scenario: Scenario, kind: str | None, ident: str | None) -> str | None:
    """The name the file gives an item a sheet lists by id (its id when it has none); None for no item."""
    if ident is None:
        return None
    for section in KIND_SECTIONS.get(kind or "", SECTIONS):
        if ident in scenario.lookup.by_id[section]:
            return scenario.label(section, ident)
    return ident


def _about(book: Workbook, scenario: Scenario, info: RunInfo | None) -> None:
    rows: list[list[object]] = [["scenario", scenario.name], ["years", years_text(scenario.years)]]
    if info is not None:
        rows += [
            ["source file", info.source],
            ["source file sha256", info.sha256 or "(could not be read)"],
            ["generated", info.generated.isoformat(timespec="seconds")],
        ]
        if info.historic:
            rows += [["historic file", info.historic], ["historic file sha256", info.historic_sha256]]
        rows += [[f"option: {k}", v] for k, v in info.options.items()]
    rows += [
        ["engine", f"laa-pooling {version('laa-pooling')}"],
        ["solvers", f"HiGHS through highspy {version('highspy')}; CBC through PuLP {version('pulp')}"],
        ["python", platform.python_version()],
        [
            "solver dust",
            "a spend under the solver's tolerance in its own money (1e-7 of the unit the solver worked "
            "in and of its source's own money) is left out of a plan where that changes no check; every "
            "plan is scored and checked on exactly the amounts shown",
        ],
        ["money", "pounds, rounded to whole pounds; scores to three decimal places"],
        ["indicators", "each outcome to the precision of its own figures (baseline, targets, evidence)"],
    ]
    columns = [
        Col("about", note="What the workbook holds and where its figures came from."),
        Col("value"),
    ]
    add_table(book, "About", columns, rows, "Where these results came from, and how to read them.")


def _summary(book: Workbook, scenario: Scenario, records: list[dict[str, Any]]) -> None:
    outcomes = len(scenario.outcomes)
    stretches = sum(o.stretch is not None for o in scenario.outcomes)
    columns = [
        Col("arrangement", note=ARRANGEMENTS_NOTE),
        Col("status", note=STATUS_NOTE),
        Col("targets met", COUNT, f"Outcomes meeting their target, of {outcomes}."),
        Col("outcomes", COUNT, "Outcomes in the agreement."),
        Col("stretch met", COUNT, f"Outcomes meeting their stretch target, of {stretches} with one."),
        Col("stretch targets", COUNT, "Outcomes with a stretch target."),
        Col("reward", MONEY, "Performance Reward Grant earned on the stretch targets (MODEL.md, Reward)."),
        *(Col(MONEY_HEADERS[k], MONEY, MONEY_NOTES[k]) for k in MONEY_KEYS),
        Col("rules and limits broken", COUNT, BROKEN_NOTE),
        Col("score", SCORE, SCORE_NOTE),
        Col("message", note="Why a plan has no figures."),
    ]
    rows = []
    for record in records:
        money = record["money"] or {}
        broken = len(record["violations"]) if record["money"] is not None else None
        rows.append(
            [
                record["arrangement"],
                status_words(record["status"], broken),
                record["targets_met"],
                outcomes,
                record["stretch_met"],
                stretches,
                record["reward"],
                *(money.get(key) for key in MONEY_KEYS),
                broken,
                record["score"],
                record["message"] or None,
            ]
        )
    add_table(book, "Summary", columns, rows, f"{scenario.name}: each arrangement's results.")


def _outcomes(book: Workbook, scenario: Scenario, records: list[dict[str, Any]]) -> None:
    columns = [
        Col("arrangement"),
        Col("outcome", note="The outcome's id in the scenario."),
        Col("name"),
        Col("block"),
        Col("unit", note="The indicator's unit, as the scenario gives it."),
        Col("direction", note="higher or lower: which way is better."),
        Col("baseline", note="The indicator before the agreement."),
        Col("target"),
        Col("stretch", note="The stretch target, where there is one."),
        Col("spend", MONEY, "Spend on the outcome over the agreement, from streams and pots."),
        Col("improvement", note="How far the spend moves the indicator, in its unit, the better way."),
        Col("projected", note="The indicator after the agreement: the baseline moved by the improvement."),
        Col("target met", note="Yes when the projected indicator reaches the target."),
        Col("stretch met", note="Yes when it reaches the stretch target; blank when there is none."),
        Col("reward", MONEY, "Reward earned on the stretch target."),
        Col("score", SCORE),
    ]
    rows = []
    for record in records:
        for o in record["outcomes"]:
            spec = scenario.outcome(o["id"])
            fmt = decimals_format(indicator_decimals(spec))

            def shown(value: float | None, fmt: str = fmt) -> Shown:
                return Shown(value, fmt)

            rows.append(
                [
                    record["arrangement"],
                    o["id"],
                    spec.name or None,
                    spec.block,
                    spec.unit or None,
                    spec.direction.value,
                    shown(spec.baseline),
                    shown(spec.target),
                    shown(spec.stretch),
                    o["spend"],
                    shown(o["improvement"]),
                    shown(o["projected"]),
                    o["target_met"],
                    o["stretch_met"] if spec.stretch is not None else None,
                    o["reward"],
                    o["score"],
                ]
            )
    add_table(book, "Outcomes", columns, rows, "Each outcome under each arrangement, in its own units.")


def _allocation(book: Workbook, scenario: Scenario, records: list[dict[str, Any]]) -> None:
    columns = [
        Col("arrangement"),
        Col("kind", note="stream: a stream's own money; pot: pooled money."),
        Col("source", note="The stream's or pot's id."),
        Col("source name"),
        Col("funder", note="The stream's funder (pooled money belongs to the pot)."),
        Col("outcome"),
        Col("outcome name"),
        Col("block"),
        Col("year", YEAR),
        Col("amount", MONEY, "Spend of the source on the outcome in the year (the plan's every line: "
                             "see About, solver dust)."),
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
    add_table(book, "Allocation", columns, rows, "Where every pound is spent: source, outcome and year.")


def _numbers(plan: Plan) -> Evaluation | None:
    return plan.evaluation if plan.has_numbers else None


def _money(book: Workbook, scenario: Scenario, plans: list[Plan]) -> None:
    columns = [
        Col("arrangement"),
        Col("kind", note="stream or pot."),
        Col("source", note="The stream's or pot's id."),
        Col("source name"),
        Col("year", YEAR),
        Col("money in", MONEY, "A stream's amount not paid into its pot, or the money paid into a pot."),
        Col("overhead", MONEY, "Lost to administration at the source's admin rate."),
        Col("set-up", MONEY, "A pot's set-up cost, in the first year it is used."),
        Col("carried in", MONEY, "Carried forward from the year before."),
        Col("spent", MONEY, "Spent on outcomes in the year (the Allocation's rows for it add up to this)."),
        Col("carried out", MONEY, "Carried forward into the next year."),
        Col("lapsed", MONEY, "Unspent and not carried: lost."),
    ]
    rows = []
    for plan in plans:
        ev = _numbers(plan)
        for s in ev.sources if ev else []:
            figures = (s.gross, s.overhead, s.setup, s.carried_in, s.spent, s.carried_out, s.lapsed)
            named = [plan.arrangement.value, s.kind, s.id, _name(scenario, s.kind, s.id), s.year]
            rows.append([*named, *(gbp(v) for v in figures)])
    add_table(book, "Money", columns, rows, "Each stream's and pot's money, year by year.")


def _totals(book: Workbook, scenario: Scenario, plans: list[Plan], records: list[dict[str, Any]]) -> None:
    """Allocation against Money: per source and year, per source, per year and in all, with a check."""
    columns = [
        Col("arrangement"),
        Col("source", note="A stream's or pot's id, or 'all' for every source."),
        Col("source name", note="The stream's or pot's name, or 'every source'."),
        Col("year", note="A year, or 'all years'."),
        Col("allocated", MONEY, "The Allocation sheet's amounts for this source and year, added up."),
        Col("spent", MONEY, "The Money sheet's spend for this source and year, added up."),
        Col("difference", MONEY, "Allocated less spent."),
        Col(
            "check",
            note="ties out when the difference is within the rounding to whole pounds; DOES NOT TIE OUT "
            "otherwise.",
        ),
    ]
    rows: list[list[object]] = []
    for plan, record in zip(plans, records, strict=True):
        ev = _numbers(plan)
        if ev is None:
            continue
        allocated: dict[tuple[str, int], float] = defaultdict(float)
        counts: dict[tuple[str, int], int] = defaultdict(int)
        for r in record["allocation"]:
            allocated[(r["source"], r["year"])] += round(r["amount"])
            counts[(r["source"], r["year"])] += 1
        spent = {(s.id, s.year): float(round(gbp(s.spent))) for s in ev.sources}
        keys = sorted(set(allocated) | set(spent), key=lambda k: (k[0], k[1]))
        groups: list[tuple[str, str, list[tuple[str, int]]]] = [(s, str(t), [(s, t)]) for s, t in keys]
        for source in dict.fromkeys(s for s, _ in keys):
            groups.append((source, "all years", [k for k in keys if k[0] == source]))
        for year in scenario.years:
            groups.append(("all", str(year), [k for k in keys if k[1] == year]))
        groups.append(("all", "all years", keys))
        for source, when, members in groups:
            given = sum(allocated.get(k, 0.0) for k in members)
            used = sum(spent.get(k, 0.0) for k in members)
            tolerance = 0.5 * (sum(counts.get(k, 0) for k in members) + len(members))
            check = TIES if abs(given - used) <= tolerance else DOES_NOT_TIE
            name = "every source" if source == "all" else _name(scenario, None, source)
            rows.append([plan.arrangement.value, source, name, when, given, used, given - used, check])
    note = "The Allocation sheet against the Money sheet: they must tie out."
    add_table(book, "Totals", columns, rows, note)


def _effect_cells(effect: Effect | None, scenario: Scenario) -> list[object]:
    if effect is None:
        return [None, None, None, None]
    moves = effect.moves_text(scenario, 5)
    return [effect.score_change, effect.targets_met_change, effect.reward_change, moves]


EFFECT_COLUMNS = [
    Col("score change", SCORE, "The score gained when the plan is made again with it, not at the margin."),
    Col("targets met change", note="Targets met after, less before."),
    Col("reward change", MONEY, "Reward earned (+) or put at risk (-)."),
    Col("what moves", note="The indicators that move, from what to what, in their units."),
]


def _prices(book: Workbook, scenario: Scenario, plans: list[Plan], figures: NegotiationFigures) -> None:
    columns = [
        Col("arrangement"),
        Col("kind", note="stream: £1m more of its money in the year; rule or statutory: £1m of slack."),
        Col("id", note="The stream's, rule's or (statutory) outcome's id."),
        Col("name", note="Its name in the scenario."),
        Col("funder"),
        Col("pot", note="The pot a rule binds inside, if it survives pooling."),
        Col("years"),
        Col("score per £1m", SCORE, "The shadow price: score per £1m, at the margin."),
        Col("score per 0.01 of its ratio", SCORE, "Share and match rules: score per 0.01 of their ratio."),
        *EFFECT_COLUMNS,
    ]
    rows = []
    for plan in plans:
        name = plan.arrangement.value
        effects: dict[tuple[str, str, int | None, str | None], PriceEffect] = {
            (f.price.kind, f.price.id, f.price.year, f.price.pot): f
            for f in figures.money.get(name, []) + figures.rules.get(name, [])
        }
        for p in plan.shadow_prices:
            found = effects.get((p.kind, p.id, p.year, p.pot))
            rows.append(
                [
                    name,
                    p.kind,
                    p.id,
                    _name(scenario, p.kind, p.id),
                    p.funder,
                    p.pot,
                    years_text((p.year,) if p.year is not None else p.years) or None,
                    p.per_million,
                    p.per_point,
                    *_effect_cells(found.effect if found else None, scenario),
                ]
            )
    note = "What £1m more of a stream, or of slack in a rule, is worth, and what it does."
    add_table(book, "Shadow prices", columns, rows, note)


def _freedoms(book: Workbook, scenario: Scenario, figures: NegotiationFigures) -> None:
    columns = [
        Col("arrangement"),
        Col("rank"),
        Col("kind", note="eligibility: let a stream pay for an outcome; rule: drop a rule."),
        Col("stream"),
        Col("outcome"),
        Col("rule"),
        Col("ask", note="The freedom, in the scenario's words."),
        Col("score per £1m", SCORE, "Its marginal value."),
        Col("score change", SCORE, f"The exact gain, re-solved with it granted (the top {figures.top})."),
        Col("targets met change", note="Targets met with it granted, less without."),
        Col("reward change", MONEY, "Reward earned (+) or put at risk (-) by granting it."),
        Col("what moves", note="The indicators it moves, from what to what."),
    ]
    rows: list[list[object]] = []
    for arrangement, found in figures.asks.items():
        if isinstance(found, str):
            rows.append([arrangement, None, None, None, None, None, found, None, None, None, None, None])
            continue
        for rank, a in enumerate(found, start=1):
            moves = "; ".join(m.words(scenario) for m in a.outcomes[:5]) or None
            rows.append([arrangement, rank, a.kind, a.stream, a.outcome, a.rule, a.ask, a.per_million, a.gain,
                         a.targets_met_change, a.reward_change, moves])
    add_table(book, "Freedoms", columns, rows, "The freedoms worth asking a department for, best first.")


def _diagnosis(book: Workbook, scenario: Scenario, plans: list[Plan]) -> None:
    columns = [
        Col("arrangement"),
        Col("part", note="Which part of the diagnosis: checks before solving, what cannot hold together, "
                         "eligibility, or the smallest change that makes a plan possible."),
        Col("kind"),
        Col("id"),
        Col("name", note="The item's name in the scenario."),
        Col("pot"),
        Col("years"),
        Col("amount", MONEY, "The money the finding is about."),
        Col("finding", note="In the scenario's own names and amounts."),
    ]
    rows: list[list[object]] = []
    for plan in plans:
        d = plan.diagnosis
        if d is None:
            continue
        if d.note:
            rows.append([plan.arrangement.value, "note", None, None, None, None, None, None, d.note])
        parts = {
            "checks before solving": d.checks,
            "cannot all hold together": d.subset,
            "eligibility": d.eligibility,
            "smallest relaxation": d.relaxation,
        }
        for part, findings in parts.items():
            for f in findings:
                amount = None if f.amount is None else gbp(f.amount)
                when = years_text(f.years) or None
                name = _name(scenario, f.kind, f.id)
                rows.append([plan.arrangement.value, part, f.kind, f.id, name, f.pot, when, amount, f.text])
    nothing = "Every arrangement was planned: there is nothing to diagnose."
    add_table(book, "Diagnosis", columns, rows, "Why an arrangement cannot be planned.", empty=nothing)


def _checks(book: Workbook, scenario: Scenario, plans: list[Plan], records: list[dict[str, Any]]) -> None:
    """Every rule and statutory minimum, required against achieved, and every other limit broken."""
    columns = [
        Col("arrangement"),
        Col("kind", note="rule, statutory (an outcome's minimum spend), budget or eligibility."),
        Col("id", note="The rule's, outcome's (statutory) or stream's id."),
        Col("name", note="Its name in the scenario."),
        Col("rule kind"),
        Col("pot", note="The pot a rule that survives pooling is checked inside."),
        Col("years"),
        Col("bound", note="at least or at most."),
        Col("required", MONEY),
        Col("achieved", MONEY),
        Col("result", note="PASS or FAIL; blank when the arrangement has no plan to check."),
        Col("binding", note="Yes when the plan is held exactly at the bound."),
        Col("note"),
    ]
    rows: list[list[object]] = []
    for plan, record in zip(plans, records, strict=True):
        name = plan.arrangement.value
        ev = _numbers(plan)
        if ev is None:
            note = f"{plan.status.value}: not planned, so nothing to check"
            rows += [[name, "rule", r.id, _name(scenario, "rule", r.id), r.kind.value, *[None] * 7, note]
                     for r in scenario.rules]
            continue
        for c in ev.checks:
            kind = scenario.rule(c.id).kind.value if c.kind == "rule" else "min_spend"
            bound = "at least" if c.bound == "min" else "at most"
            when = years_text(c.years) or None
            rows.append([name, c.kind, c.id, _name(scenario, c.kind, c.id), kind, c.pot, when, bound,
                         gbp(c.required), gbp(c.achieved), PASS if c.holds else FAIL, c.binding, None])
        for v in record["violations"]:
            if v["kind"] in ("budget", "eligibility"):
                when = years_text((v["year"],)) if v["year"] is not None else None
                rows.append([name, v["kind"], v["id"], _name(scenario, v["kind"], v["id"]), None, None, when,
                             "at most", v["required"], v["achieved"], FAIL, None, v["message"]])
    add_table(book, "Checks", columns, rows, "Every rule and statutory minimum, per year or period.")
