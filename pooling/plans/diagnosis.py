"""Why a plan is infeasible, in the scenario's own names and amounts.

Three views, cheapest first:

1. Necessary checks that need no solver: a statutory minimum larger than
   all the money that may reach its outcome, a ring-fence larger than its
   streams, a rule none of whose streams may fund its outcomes, a rule that
   survives pooling into a pot whose scope holds none of its outcomes.
2. The smallest relaxation, the first answer: the program re-solved with
   every rule, statutory minimum and budget allowed to give, at a cost of
   one per GBP 1m, minimising the total; its non-zero slacks say what to
   move and by how much. It is one linear program that is always feasible,
   far cheaper than the proof of infeasibility itself on large areas (the
   standard shape at XL made infeasible: 5-7 s against a 39 s proof).
3. An irreducible infeasible subset from HiGHS: rows and bounds that
   cannot hold together, mapped back through the rows' labels. An
   eligibility limit is no row (ineligible spend simply has no column), so
   when the subset holds an outcome's minimum or a rule we also say which
   streams may fund those outcomes and which may not. HiGHS narrows the
   subset by solving it again without each member in turn, which at XL
   takes several times the proof (168 s there) and grows faster than the
   area; a nightly batch must know the diagnosis ends, so the subset has a
   budget (`SUBSET_BUDGET`) and is left out, saying so, when it runs over.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import highspy
import numpy as np
from laa.models.scenario import Arrangement, RuleKind, Scenario
from laa.pooling.plans.planners import funder_spec
from laa.pooling.program.build import build
from laa.pooling.program.builder import Builder
from laa.pooling.program.labelled import INF
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.program.vocabulary import (
    ColumnKey,
    Excess,
    PoolShare,
    PotCarry,
    RowFamily,
    RowLabel,
    Segment,
    Slack,
    StreamCarry,
)
from laa.pooling.solving.solvers import (
    Feature,
    Solution,
    SolveOptions,
    SolverName,
    Status,
    highs_lp,
    new_highs,
    read_highs,
    set_lp_options,
    solve,
)
from laa.pooling.units import years_text

# HiGHS: build the subset from the LP, then shrink it until irreducible
IIS_STRATEGY = int(highspy.IisStrategy.kIisStrategyFromLp) | int(highspy.IisStrategy.kIisStrategyIrreducible)
# The colliding subset may take this many times what HiGHS took to prove the program infeasible (timed
# as it proves it again, here), and never less than `SUBSET_LEAST_SECONDS`: with the first answer's
# time and the proof, the diagnosis stays within about six proofs, whatever the area.
SUBSET_BUDGET = 4.0
SUBSET_LEAST_SECONDS = 1.0  # a small area's subset takes milliseconds: it is never cut short
SLACK_NOISE = 1e-7  # solver units of money (a tenth of a pound in GBP millions)
SPARSER_TRIES = 3  # re-solves spent making the smallest relaxation sparser
SPARSER_SHARE = 0.05  # only a part under this share of the total is tried without


@dataclass(frozen=True)
class Finding:
    """One named item: a failed check, a member of the colliding subset, or a relaxation."""

    kind: str  # statutory | rule | budget | pot | curve | eligibility | pooling | stream
    id: str
    years: tuple[int, ...]
    text: str
    amount: float | None = None  # GBP: what is short, or how far to relax
    pot: str | None = None  # a rule's row inside a pot (it survives pooling)

    def to_dict(self) -> dict[str, Any]:
        """The finding for the results document (amounts rounded to the penny)."""
        return {
            "kind": self.kind,
            "id": self.id,
            "years": list(self.years),
            "pot": self.pot,
            "text": self.text,
            "amount": None if self.amount is None else round(self.amount, 2),
        }


@dataclass
class Diagnosis:
    """Why an arrangement has no plan: the checks that failed, the smallest set of constraints that
    cannot hold together, the eligibility gaps and what relaxing would make it feasible."""
    arrangement: str
    checks: list[Finding] = field(default_factory=list)
    subset: list[Finding] = field(default_factory=list)
    eligibility: list[Finding] = field(default_factory=list)
    relaxation: list[Finding] = field(default_factory=list)
    note: str = ""
    complete: bool = True  # False: a step was cut short or failed (the note says why)
    # what each step took ("checks", "relaxation", "subset"), for the benchmarks; not in the results document
    seconds: dict[str, float] = field(default_factory=dict)

    @staticmethod
    def failed(arrangement: Arrangement, reason: str, checks: list[Finding] | None = None) -> Diagnosis:
        """A diagnosis that could not be completed, saying why (the plan keeps its own status)."""
        note = f"The diagnosis could not be completed: {reason}."
        return Diagnosis(arrangement.value, checks or [], note=note, complete=False)

    @property
    def names(self) -> set[str]:
        """Every rule, stream, pot and outcome id the diagnosis names."""
        return {f.id for f in self.checks + self.subset + self.relaxation}

    def to_dict(self) -> dict[str, Any]:
        """The diagnosis for the results document."""
        return {
            "arrangement": self.arrangement,
            "checks": [f.to_dict() for f in self.checks],
            "colliding": [f.to_dict() for f in self.subset],
            "eligibility": [f.to_dict() for f in self.eligibility],
            "smallest_relaxation": [f.to_dict() for f in self.relaxation],
            "note": self.note,
        }

    def to_text(self) -> str:
        """The diagnosis in words for the terminal: checks, what collides, and what would have to give."""
        lines = [f"Why {self.arrangement} is infeasible:"]
        if self.note:
            lines.append(f"  {self.note}")
        if self.checks:
            lines.append("  Checks before solving:")
            lines += [f"    - {f.text}" for f in self.checks]
        if self.subset:
            lines.append("  These cannot all hold together:")
            lines += [f"    - {f.text}" for f in self.subset]
        if self.eligibility:
            lines += [f"    - {f.text}" for f in self.eligibility]
        if self.relaxation:
            lines.append("  Smallest change that makes it feasible:")
            lines += [f"    - {f.text}" for f in self.relaxation]
        return "\n".join(lines)


def _money(value: float) -> str:
    return f"£{value:,.0f}"


# --- 1. necessary checks ---


def necessary_checks(scenario: Scenario, arrangement: Arrangement) -> list[Finding]:
    """Impossibilities visible without a solver (each is certain, never a guess)."""
    pooling = arrangement in (Arrangement.POOLED, Arrangement.OPTIMAL)
    found: list[Finding] = []
    reach = _money_that_can_reach(scenario, pooling)
    for outcome in scenario.outcomes:
        width = outcome.total_width
        for t in scenario.years:
            minimum = outcome.min_spend_in(t)
            if minimum <= 0:
                continue
            can = reach(outcome.id, t)
            if minimum > can * (1 + 1e-9) + 0.01:
                found.append(
                    Finding(
                        "statutory",
                        outcome.id,
                        (t,),
                        f"the statutory minimum for '{scenario.label('outcomes', outcome.id)}' in {t} is "
                        f"{_money(minimum)}, but the money that may fund it that year is at most "
                        f"{_money(can)}",
                        minimum - can,
                    )
                )
            if width is not None and minimum > width + 0.01:
                found.append(
                    Finding(
                        "curve",
                        outcome.id,
                        (t,),
                        f"the statutory minimum for '{scenario.label('outcomes', outcome.id)}' in {t} is "
                        f"{_money(minimum)}, more than its response curve can absorb ({_money(width)})",
                        minimum - width,
                    )
                )
    for stream in scenario.streams:
        if not scenario.eligible(stream.id):
            found.append(
                Finding(
                    "stream",
                    stream.id,
                    (),
                    f"{scenario.label('streams', stream.id)} may fund no outcome: its money can only lapse",
                )
            )
    for rule in scenario.rules:
        found += _rule_checks(scenario, rule.id, pooling)
    return found


def _money_that_can_reach(scenario: Scenario, pooling: bool):
    """Upper bound on what can be spent on an outcome in a year: every stream that may reach it,
    its whole amount that year plus every earlier year's carry-forward allowance."""

    def can(outcome: str, year: int) -> float:
        total = 0.0
        for stream in scenario.streams:
            pot = scenario.pot_of(stream.id)
            direct = outcome in scenario.eligible(stream.id)
            via_pot = (
                pooling and pot is not None and stream.pool_share_limit > 0 and outcome in scenario.scope(pot)
            )
            if not (direct or via_pot):
                continue
            total += stream.amount_in(year)
            for earlier in scenario.years:
                if earlier < year:
                    carry = max(
                        stream.carry_forward, scenario.pot(pot).carry_forward if via_pot and pot else 0.0
                    )
                    total += carry * stream.amount_in(earlier)
        return total

    return can


def _rule_checks(scenario: Scenario, rule_id: str, pooling: bool) -> list[Finding]:
    rule = scenario.rule(rule_id)
    streams = scenario.rule_streams(rule)
    outcomes = set(scenario.expand(rule.outcomes))
    found: list[Finding] = []
    if not rule.kind.is_minimum or rule.value <= 0:
        return found
    names = ", ".join(scenario.label("streams", s) for s in streams)
    have = "it has" if len(streams) == 1 else "they have"
    fundable = [s for s in streams if outcomes & set(scenario.eligible(s))]
    if not fundable and rule.kind is not RuleKind.MATCH and not (pooling and rule.survives_pooling):
        found.append(
            Finding(
                "rule", rule.id, (), f"rule {rule.id} asks {names} to spend on outcomes none of them may fund"
            )
        )
    if rule.kind is RuleKind.MIN_AMOUNT:
        for years in scenario.rule_periods(rule):
            most = sum(scenario.stream(s).amount_in(t) for s in streams for t in years)
            if rule.value > most + 0.01:
                found.append(
                    Finding(
                        "rule",
                        rule.id,
                        years,
                        f"rule {rule.id} asks {names} for {_money(rule.value)} in {years_text(years)}, "
                        f"but {have} {_money(most)} in all",
                        rule.value - most,
                    )
                )
            widths = [scenario.outcome(o).total_width for o in outcomes]
            if None not in widths and rule.value > sum(w for w in widths if w is not None) + 0.01:
                absorb = sum(w for w in widths if w is not None)
                found.append(
                    Finding(
                        "curve",
                        rule.id,
                        years,
                        f"rule {rule.id} asks for {_money(rule.value)} on outcomes whose response curves "
                        f"can absorb {_money(absorb)} over the whole period",
                        rule.value - absorb,
                    )
                )
    if rule.kind is RuleKind.MIN_SHARE:
        for stream_id in streams:
            stream = scenario.stream(stream_id)
            if rule.value > 1 - stream.admin_rate + stream.carry_forward + 1e-12 and rule.per == "year":
                found.append(
                    Finding(
                        "rule",
                        rule.id,
                        (),
                        f"rule {rule.id} asks {scenario.label('streams', stream_id)} to spend "
                        f"{rule.value:.0%} of "
                        f"its money each year, but {stream.admin_rate:.0%} goes on overhead",
                    )
                )
    if pooling and rule.survives_pooling and rule.kind is RuleKind.MIN_SHARE:
        for stream_id in streams:
            pot = scenario.pot_of(stream_id)
            if pot is None or scenario.stream(stream_id).pool_share_limit <= 0:
                continue
            if not outcomes & set(scenario.scope(pot)):
                scope = ", ".join(scenario.pot(pot).scope or []) or "its members' eligibility"
                found.append(
                    Finding(
                        "pot",
                        rule.id,
                        (),
                        f"rule {rule.id} survives pooling, but pot {pot}'s scope ({scope}) holds none of its "
                        f"outcomes, so {scenario.label('streams', stream_id)}'s pooled money "
                        "cannot honour it",
                        pot=pot,
                    )
                )
    return found


# --- 2. the colliding subset ---


class Unfinished(Exception):
    """A step of the diagnosis could not be completed; the message says why, for the user."""


def _spec_for(
    scenario: Scenario, arrangement: Arrangement, options: SolveOptions
) -> tuple[ModelSpec, list[str] | None, str]:
    """The program whose infeasibility explains the arrangement's."""
    if arrangement is Arrangement.POOLED:
        return ModelSpec(scenario, PoolingChoice.pooled(scenario)), None, ""
    if arrangement is Arrangement.SILO:

        for funder in scenario.funders:
            spec, streams = funder_spec(scenario, funder.id)
            if not streams:
                continue
            solution = solve(build(spec, streams).program, options)
            name = scenario.label("funders", funder.id)
            if solution.status is Status.INFEASIBLE:
                return spec, streams, f"{name} cannot plan its own streams alone under its own rules."
            if not solution.ok:
                raise Unfinished(f"planning {name}'s own streams alone stopped: {solution.message}")
        return ModelSpec(scenario, PoolingChoice.aligned()), None, ""
    note = ""
    if arrangement is Arrangement.OPTIMAL:
        note = "No choice of streams to pool is feasible; shown here with no stream pooled."
    return ModelSpec(scenario, PoolingChoice.aligned()), None, note


def colliding_subset(b: Builder, options: SolveOptions | None = None) -> list[Finding]:
    """An irreducible infeasible subset of `b`'s rows and bounds, named (empty if none was found)."""
    try:
        return _colliding_subset(b, options or SolveOptions())
    except Unfinished:
        return []


def _colliding_subset(b: Builder, options: SolveOptions) -> list[Finding]:
    # HiGHS finds the subset; a solver that cannot (CBC) leaves it to HiGHS, and the note says so
    h = new_highs(replace(options, solver=SolverName.HIGHS))
    h.passModel(highs_lp(b.program))
    set_lp_options(h, b.program)
    h.setOptionValue("iis_strategy", IIS_STRATEGY)
    started = time.perf_counter()
    h.run()
    proof = time.perf_counter() - started
    if h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit:
        raise Unfinished("the time limit was reached before the colliding subset was found")
    budget = subset_budget(proof, options.remaining(started))
    h.setOptionValue("iis_time_limit", budget)
    status, iis = h.getIis()
    if h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit:
        raise Unfinished(
            f"the colliding subset was not narrowed within {budget:.0f} s ({SUBSET_BUDGET:g} times the "
            f"{proof:.0f} s HiGHS takes to prove the plan infeasible); the smallest change that makes it "
            "feasible is given without it"
        )
    if status == highspy.HighsStatus.kError or not iis.valid_:
        return []
    found: dict[tuple[str, str, tuple[int, ...]], Finding] = {}
    for row in iis.row_index_:
        finding = _describe_row(b, b.program.row_labels[row])
        if finding is not None:
            found.setdefault((finding.kind, finding.id, finding.years), finding)
    for col in iis.col_index_:
        finding = _describe_column(b, b.program.key(col))
        if finding is not None:
            found.setdefault((finding.kind, finding.id, finding.years), finding)
    return list(found.values())


def subset_budget(proof: float, left: SolveOptions) -> float:
    """Seconds the colliding subset may take after a proof of infeasibility that took `proof`:
    `SUBSET_BUDGET` times it, at least `SUBSET_LEAST_SECONDS`, within the time limit `left`."""
    budget = max(SUBSET_BUDGET * proof, SUBSET_LEAST_SECONDS)
    return budget if left.time_limit is None else min(budget, left.time_limit)


def _describe_row(b: Builder, label: RowLabel) -> Finding | None:
    sc = b.scenario
    years = label.years
    when = years_text(years)
    family = label.family
    if family in (RowFamily.BUDGET, RowFamily.STREAM_MONEY) and label.stream:
        stream = sc.stream(label.stream)
        amount = sum(stream.amount_in(t) for t in years)
        return Finding(
            "budget",
            stream.id,
            years,
            f"the money of {sc.label('streams', stream.id)} in {when}: {_money(amount)}, "
            f"{stream.admin_rate:.0%} of it lost to overhead",
            amount,
        )
    if family is RowFamily.STREAM_CARRY and label.stream:
        return _carry_finding(b, label.stream, years)
    if family in (RowFamily.POT_MONEY, RowFamily.POT_CARRY) and label.pot:
        pot = sc.pot(label.pot)
        return Finding(
            "pot",
            pot.id,
            years,
            f"the money of pot {pot.id} in {when} (overhead {pot.admin_rate:.0%}, set-up "
            f"cost {_money(pot.setup_cost)})",
        )
    if family in (RowFamily.RULE, RowFamily.RULE_POT) and label.rule:
        rule = sc.rule(label.rule)
        streams = ", ".join(sc.label("streams", s) for s in sc.rule_streams(rule))
        outcomes = ", ".join(rule.outcomes or ["every outcome"])
        inside = ""
        if family is RowFamily.RULE_POT and label.pot:
            scope = ", ".join(sc.pot(label.pot).scope or []) or "its members' eligibility"
            inside = f", which survives pooling and binds pot {label.pot} (scope: {scope})"
        value = (
            f"{rule.value:.0%}"
            if rule.kind.is_share
            else (_money(rule.value) if rule.kind.is_amount else f"{rule.value:g} times")
        )
        return Finding(
            "rule",
            rule.id,
            years,
            f"rule {rule.id}: {rule.kind.value} {value} of {streams} on {outcomes} in {when}{inside}",
            pot=label.pot,
        )
    if family is RowFamily.STATUTORY and label.outcome:
        o = sc.outcome(label.outcome)
        return Finding(
            "statutory",
            o.id,
            years,
            f"the statutory minimum of {_money(o.min_spend_in(years[0]))} for "
            f"'{sc.label('outcomes', o.id)}' in {when}",
        )
    if family is RowFamily.RESPONSE and label.outcome:
        return _curve_finding(b, label.outcome)
    if family is RowFamily.POOL_USE:
        return Finding(
            "pooling",
            label.stream or "",
            (),
            f"{label.stream} may be pooled only if pot {label.pot} is set up",
        )
    return None


def _carry_finding(b: Builder, stream_id: str, years: tuple[int, ...]) -> Finding:
    sc = b.scenario
    stream = sc.stream(stream_id)
    return Finding(
        "budget",
        stream.id,
        years,
        f"{sc.label('streams', stream.id)} may carry only {stream.carry_forward:.0%} "
        f"of a year's money into the next ({years_text(years)})",
    )


def _curve_finding(b: Builder, outcome_id: str) -> Finding:
    o = b.scenario.outcome(outcome_id)
    width = o.total_width
    limit = "no limit" if width is None else _money(width)
    return Finding(
        "curve",
        o.id,
        (),
        f"the response curve of '{b.scenario.label('outcomes', o.id)}' can absorb at most "
        f"{limit} over the period",
        width,
    )


def _describe_column(b: Builder, key: ColumnKey) -> Finding | None:
    """A column whose bound is in the colliding subset: a curve's width, a carry's cap, a pooled share."""
    if isinstance(key, Segment | Excess):
        return _curve_finding(b, key.outcome)
    if isinstance(key, StreamCarry):
        return _carry_finding(b, key.stream, (key.year,))
    if isinstance(key, PotCarry):
        return _describe_row(b, RowLabel(RowFamily.POT_CARRY, pot=key.pot, years=(key.year,)))
    if isinstance(key, PoolShare):
        stream = b.scenario.stream(key.stream)
        return Finding(
            "pooling",
            stream.id,
            (),
            f"at most {stream.pool_share_limit:.0%} of {b.scenario.label('streams', stream.id)} "
            "may be pooled",
        )
    return None  # spend and carry columns are only non-negative; nothing to name


def eligibility_notes(scenario: Scenario, subset: list[Finding]) -> list[Finding]:
    """For each outcome a colliding minimum or rule needs money for: who may fund it, who may not."""
    outcomes: list[str] = []
    for f in subset:
        if f.kind == "statutory":
            outcomes.append(f.id)
        elif f.kind == "rule" and f.pot is None:  # inside a pot, its scope is what matters
            outcomes += scenario.expand(scenario.rule(f.id).outcomes)
    notes = []
    for o in dict.fromkeys(outcomes):
        may = [s.id for s in scenario.streams if o in scenario.eligible(s.id)]
        may_not = [s.id for s in scenario.streams if o not in scenario.eligible(s.id)]
        name = scenario.label("outcomes", o)
        text = f"'{name}' may be funded by {', '.join(may) or 'no stream'}"
        if may_not:
            text += f"; not by {', '.join(may_not)} (their eligibility does not include it)"
        notes.append(Finding("eligibility", o, (), text))
    return notes


# --- 3. the smallest relaxation ---


def smallest_relaxation(
    spec: ModelSpec, streams: list[str] | None, options: SolveOptions | None = None
) -> list[Finding]:
    """The rules, minimums and budgets to move, and by how much, for the least total relaxation.

    The least total is often reached many ways (a pound more under one rule's cap is a pound less
    another rule must give); of those, the fewest changes read best. So the smallest change found
    is made sparser while that costs nothing: its smallest part (under a twentieth of the total)
    is ruled out and the program re-solved, kept if the total did not grow, a few times at most.
    Each re-solve starts from the last one's basis where the solver keeps a model (`_Elastic`).
    """
    options = options or SolveOptions()
    b = build(replace(spec, elastic=True), streams)
    program = b.program
    slacks = [col for _, col in program.keys_of(Slack)]
    elastic = _Elastic(b, options)
    best = elastic.solve()
    if best is None or best.values is None:
        return []
    for _ in range(SPARSER_TRIES):
        values: np.ndarray | None = best.values
        assert values is not None
        used = sorted((float(values[c]), c) for c in slacks if values[c] > SLACK_NOISE)
        total = sum(v for v, _ in used)
        if len(used) < 2 or used[0][0] > SPARSER_SHARE * total:
            break
        col = used[0][1]
        elastic.rule_out(col, True)
        tried = elastic.solve()
        if tried is None or tried.values is None or _total(tried.values, slacks) > total * (1 + 1e-9):
            elastic.rule_out(col, False)
            break
        best = tried
    values = best.values
    assert values is not None
    sc = spec.scenario
    return [
        _relaxation(sc, key.row, float(values[col]) * b.unit)
        for key, col in program.keys_of(Slack)
        if values[col] > SLACK_NOISE
    ]


class _Elastic:
    """The elastic program, solved and re-solved with a slack ruled out or back in: in one HiGHS model
    kept between solves (a re-solve starts from the last basis, a fraction of a solve from nothing),
    or built afresh each time for a solver that cannot keep one (CBC). One time limit for all."""

    def __init__(self, b: Builder, options: SolveOptions) -> None:
        self.b, self.options, self.begun = b, options, time.perf_counter()
        self.highs: highspy.Highs | None = None
        if options.supports(Feature.RESOLVE_IN_PLACE):
            self.highs = new_highs(options)
            self.highs.passModel(highs_lp(b.program))
            set_lp_options(self.highs, b.program)

    def solve(self) -> Solution | None:
        """The least total relaxation under the slacks' present bounds (None: no optimum)."""
        options = self.options.remaining(self.begun)
        if self.highs is None:
            solution = solve(self.b.program, options)
        else:
            if options.time_limit is not None:
                self.highs.setOptionValue("time_limit", float(options.time_limit))
            self.highs.run()
            solution = read_highs(self.highs, False)
        if solution.status is Status.TIME_LIMIT:
            raise Unfinished("the time limit was reached before the smallest relaxation was found")
        return solution if solution.ok else None

    def rule_out(self, col: int, out: bool) -> None:
        """Slack `col` held at nothing (`out`) or free again."""
        upper = 0.0 if out else INF
        self.b.program.col_upper[col] = upper
        if self.highs is not None:
            self.highs.changeColBounds(col, 0.0, upper if out else highspy.kHighsInf)


def _total(values: np.ndarray, slacks: list[int]) -> float:
    return float(sum(values[c] for c in slacks if values[c] > SLACK_NOISE))


def _relaxation(sc: Scenario, row: RowLabel, gbp: float) -> Finding:
    """What breaking an elastic row by `gbp` asks of the scenario, in its words."""
    when = years_text(row.years)
    if row.family is RowFamily.BUDGET:
        s, t = row.stream or "", row.years[0]
        return Finding("budget", s, (t,), f"add {_money(gbp)} to {sc.label('streams', s)} in {t}", gbp)
    if row.family is RowFamily.STATUTORY:
        outcome = row.outcome or ""
        return Finding(
            "statutory",
            outcome,
            row.years,
            f"lower the statutory minimum for '{sc.label('outcomes', outcome)}' in {when} by {_money(gbp)}",
            gbp,
        )
    rule = sc.rule(row.rule or "")
    inside = f" inside pot {row.pot}" if row.pot else ""
    verb = "lower" if rule.kind.is_minimum else "raise"
    what = "the required spend" if rule.kind.is_minimum else "the cap"
    return Finding(
        "rule",
        rule.id,
        row.years,
        f"{verb} {what} of rule {rule.id}{inside} in {when} by {_money(gbp)}",
        gbp,
        pot=row.pot,
    )


def diagnose(scenario: Scenario, arrangement: Arrangement, options: SolveOptions | None = None) -> Diagnosis:
    """Why the arrangement is infeasible: checks, the smallest relaxation, the colliding subset.

    The smallest relaxation comes first: it is the cheap answer that names what to change, and the
    exact subset after it may be cut short by its budget (`SUBSET_BUDGET`). Its solves use the
    chosen solver and share its time limit (counted from here); what the solver cannot give (CBC:
    an infeasible subset) comes from HiGHS, and the note says so. A step the time limit or the
    budget cuts short is left out, and the note says which.
    """
    options = options or SolveOptions()
    begun = time.perf_counter()
    diagnosis = Diagnosis(arrangement.value, necessary_checks(scenario, arrangement))
    diagnosis.seconds["checks"] = time.perf_counter() - begun
    notes: list[str] = []
    try:
        spec, streams, note = _spec_for(scenario, arrangement, options.remaining(begun))
        notes.append(note)
        started = time.perf_counter()
        diagnosis.relaxation = smallest_relaxation(spec, streams, options.remaining(begun))
        diagnosis.seconds["relaxation"] = time.perf_counter() - started
        started = time.perf_counter()
        if not options.supports(Feature.INFEASIBLE_SUBSET):
            notes.append(
                f"{options.solver.label} gives no infeasible subset, so HiGHS found the colliding one."
            )
        try:
            diagnosis.subset = _colliding_subset(build(spec, streams), options.remaining(begun))
        finally:
            diagnosis.seconds["subset"] = time.perf_counter() - started
        diagnosis.eligibility = eligibility_notes(scenario, diagnosis.subset)
    except Unfinished as stopped:
        diagnosis.complete = False
        notes.append(f"The diagnosis could not be completed: {stopped}.")
    diagnosis.note = " ".join(n for n in notes if n)
    return diagnosis


def diagnose_safely(scenario: Scenario, arrangement: Arrangement, options: SolveOptions) -> Diagnosis:
    """`diagnose`, but a diagnosis that fails says so instead of raising: the plan keeps its status."""
    try:
        return diagnose(scenario, arrangement, options)
    except Exception as exc:  # the plan's status and reason stand; the diagnosis says it failed
        return Diagnosis.failed(arrangement, f"{type(exc).__name__}: {exc}")
