"""Why a plan is infeasible, in the scenario's own names and amounts.

Three views, cheapest first:

1. Necessary checks that need no solver: a statutory minimum larger than
   all the money that may reach its outcome, a ring-fence larger than its
   streams, a rule none of whose streams may fund its outcomes, a rule that
   survives pooling into a pot whose scope holds none of its outcomes.
2. An irreducible infeasible subset from HiGHS: rows and bounds that
   cannot hold together, mapped back through the rows' labels. An
   eligibility limit is no row (ineligible spend simply has no column), so
   when the subset holds an outcome's minimum or a rule we also say which
   streams may fund those outcomes and which may not.
3. The smallest relaxation: the program re-solved with every rule,
   statutory minimum and budget allowed to give, at a cost of one per GBP
   1m, minimising the total; its non-zero slacks say what to move and by
   how much.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import highspy
from laa.models.scenario import Arrangement, RuleKind, Scenario
from laa.pooling.build import Builder, build
from laa.pooling.program import RowLabel
from laa.pooling.solvers import SolveOptions, SolverName, highs_lp, new_highs, solve
from laa.pooling.spec import ModelSpec, PoolingChoice
from laa.pooling.units import pounds, years_text

# HiGHS: build the subset from the LP, then shrink it until irreducible
IIS_STRATEGY = int(highspy.IisStrategy.kIisStrategyFromLp) | int(highspy.IisStrategy.kIisStrategyIrreducible)
SLACK_NOISE = 1e-7  # GBP millions: a tenth of a pound


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
    arrangement: str
    checks: list[Finding] = field(default_factory=list)
    subset: list[Finding] = field(default_factory=list)
    eligibility: list[Finding] = field(default_factory=list)
    relaxation: list[Finding] = field(default_factory=list)
    note: str = ""

    @property
    def names(self) -> set[str]:
        """Every rule, stream, pot and outcome id the diagnosis names."""
        return {f.id for f in self.checks + self.subset + self.relaxation}

    def to_dict(self) -> dict[str, Any]:
        return {
            "arrangement": self.arrangement,
            "checks": [f.to_dict() for f in self.checks],
            "colliding": [f.to_dict() for f in self.subset],
            "eligibility": [f.to_dict() for f in self.eligibility],
            "smallest_relaxation": [f.to_dict() for f in self.relaxation],
            "note": self.note,
        }

    def to_text(self) -> str:
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


def _spec_for(scenario: Scenario, arrangement: Arrangement) -> tuple[ModelSpec, list[str] | None, str]:
    """The program whose infeasibility explains the arrangement's."""
    if arrangement is Arrangement.POOLED:
        return ModelSpec(scenario, PoolingChoice.pooled(scenario)), None, ""
    if arrangement is Arrangement.SILO:
        from laa.pooling.silo import funder_spec

        for funder in scenario.funders:
            spec, streams = funder_spec(scenario, funder.id)
            if streams and not solve(build(spec, streams).program).ok:
                name = scenario.label("funders", funder.id)
                return spec, streams, f"{name} cannot plan its own streams alone under its own rules."
        return ModelSpec(scenario, PoolingChoice.aligned()), None, ""
    note = ""
    if arrangement is Arrangement.OPTIMAL:
        note = "No choice of streams to pool is feasible; shown here with no stream pooled."
    return ModelSpec(scenario, PoolingChoice.aligned()), None, note


def colliding_subset(b: Builder) -> list[Finding]:
    h = new_highs(SolveOptions())
    h.passModel(highs_lp(b.program))
    h.setOptionValue("iis_strategy", IIS_STRATEGY)
    h.run()
    status, iis = h.getIis()
    if status == highspy.HighsStatus.kError or not iis.valid_:
        return []
    found: dict[tuple[str, str, tuple[int, ...]], Finding] = {}
    for row in iis.row_index_:
        finding = _describe_row(b, b.program.row_labels[row])
        if finding is not None:
            found.setdefault((finding.kind, finding.id, finding.years), finding)
    for col in iis.col_index_:
        finding = _describe_column(b, b.program.col_keys[col])
        if finding is not None:
            found.setdefault((finding.kind, finding.id, finding.years), finding)
    return list(found.values())


def _describe_row(b: Builder, label: RowLabel) -> Finding | None:
    sc = b.scenario
    years = label.years
    when = years_text(years)
    family = label.family
    if family in ("budget", "stream_money") and label.stream:
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
    if family == "stream_carry" and label.stream:
        stream = sc.stream(label.stream)
        return Finding(
            "budget",
            stream.id,
            years,
            f"{sc.label('streams', stream.id)} may carry only {stream.carry_forward:.0%} "
            f"of a year's money into the next ({when})",
        )
    if family in ("pot_money", "pot_carry") and label.pot:
        pot = sc.pot(label.pot)
        return Finding(
            "pot",
            pot.id,
            years,
            f"the money of pot {pot.id} in {when} (overhead {pot.admin_rate:.0%}, set-up "
            f"cost {_money(pot.setup_cost)})",
        )
    if family in ("rule", "rule_pot") and label.rule:
        rule = sc.rule(label.rule)
        streams = ", ".join(sc.label("streams", s) for s in sc.rule_streams(rule))
        outcomes = ", ".join(rule.outcomes or ["every outcome"])
        inside = ""
        if family == "rule_pot" and label.pot:
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
    if family == "statutory" and label.outcome:
        o = sc.outcome(label.outcome)
        return Finding(
            "statutory",
            o.id,
            years,
            f"the statutory minimum of {_money(o.min_spend_in(years[0]))} for "
            f"'{sc.label('outcomes', o.id)}' in {when}",
        )
    if family == "response" and label.outcome:
        return _curve_finding(b, label.outcome)
    if family == "pool_use":
        return Finding(
            "pooling",
            label.stream or "",
            (),
            f"{label.stream} may be pooled only if pot {label.pot} is set up",
        )
    return None


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


def _describe_column(b: Builder, key: Any) -> Finding | None:
    if not isinstance(key, tuple):
        return None
    if key[0] == "u":
        return _curve_finding(b, key[2])
    if key[0] == "pool":
        stream = b.scenario.stream(key[1])
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


def smallest_relaxation(spec: ModelSpec, streams: list[str] | None) -> list[Finding]:
    elastic = replace(spec, elastic=True)
    b = build(elastic, streams)
    solution = solve(b.program, SolveOptions(solver=SolverName.HIGHS))
    if not solution.ok or solution.values is None:
        return []
    found = []
    sc = spec.scenario
    for key, col in b.program.keys_like("slack"):
        amount = float(solution.values[col])
        if amount <= SLACK_NOISE:
            continue
        gbp = pounds(amount)
        if key[1] == "budget":
            _, _, s, t = key
            found.append(
                Finding("budget", s, (t,), f"add {_money(gbp)} to {sc.label('streams', s)} in {t}", gbp)
            )
            continue
        _, family, rule_id, pot, outcome, years = key
        when = years_text(years)
        if family == "statutory":
            found.append(
                Finding(
                    "statutory",
                    outcome,
                    years,
                    f"lower the statutory minimum for '{sc.label('outcomes', outcome)}' in {when} "
                    f"by {_money(gbp)}",
                    gbp,
                )
            )
        else:
            rule = sc.rule(rule_id)
            inside = f" inside pot {pot}" if pot else ""
            verb = "lower" if rule.kind.is_minimum else "raise"
            what = "the required spend" if rule.kind.is_minimum else "the cap"
            found.append(
                Finding(
                    "rule",
                    rule_id,
                    years,
                    f"{verb} {what} of rule {rule_id}{inside} in {when} by {_money(gbp)}",
                    gbp,
                    pot=pot,
                )
            )
    return found


def diagnose(scenario: Scenario, arrangement: Arrangement) -> Diagnosis:
    spec, streams, note = _spec_for(scenario, arrangement)
    diagnosis = Diagnosis(arrangement.value, necessary_checks(scenario, arrangement), note=note)
    b = build(spec, streams)
    diagnosis.subset = colliding_subset(b)
    diagnosis.eligibility = eligibility_notes(scenario, diagnosis.subset)
    diagnosis.relaxation = smallest_relaxation(spec, streams)
    return diagnosis
