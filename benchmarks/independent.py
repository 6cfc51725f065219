"""The floor: HiGHS alone on an independent formulation of the same plan (issue 15).

The engine is measured against what HiGHS takes to solve the aligned or
pooled plan when the program is written by someone else: straight from the
scenario's data, with numpy, in GBP millions, handed to highspy with
HiGHS's default options. Nothing here comes from `laa.pooling` (not even
the eligibility expansion), so when both reach the same score the engine's
program is right as well as fast, and the runner refuses a row where they
differ by more than 1e-6 relative before any timing counts.

It is written lean, as MODEL.md allows once the pooling is fixed:
- the pooled money `y = phi * B` is data, so a carry's cap `c * (B - y)`
  is a column bound, not a row, and a stream-year with no money to spend
  (nothing left after pooling, nothing carried in) has no columns at all;
- the capped score `min(d_o, cap_o)` is the response curve cut where its
  improvement reaches the cap: the segments below it carry the outcome's
  weight per unit of gap in the objective, those past it (merged into one
  column) only let money be spent, so no progress column or row is needed;
- one row per stream-year and pot-year for money, one per outcome for its
  curve, one per rule and period (and per pot a surviving share rule
  binds in), one per statutory minimum and year.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import highspy
import numpy as np
from laa.models.scenario import Rule, RuleKind, Scenario

MILLION = 1e6
INF = highspy.kHighsInf


@dataclass(frozen=True)
class FloorRun:
    """HiGHS's run on the independent program: its status, the plan's score, its time alone, the
    program's size and the simplex iterations it took (to compare with the engine's program)."""

    status: str
    score: float | None
    seconds: float
    columns: int
    rows: int
    iterations: int


@dataclass
class _Program:
    """Columns and rows as arrays, the matrix as (row, column, value) triplets until it is packed."""

    cost: list[np.ndarray] = field(default_factory=list)
    col_lower: list[np.ndarray] = field(default_factory=list)
    col_upper: list[np.ndarray] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    entries: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)  # per row: columns, values
    num_cols: int = 0

    def columns(
        self, count: int, upper: np.ndarray | float = INF, cost: np.ndarray | float = 0.0
    ) -> np.ndarray:
        first = self.num_cols
        self.num_cols += count
        self.cost.append(np.broadcast_to(np.asarray(cost, dtype=np.float64), (count,)))
        self.col_lower.append(np.zeros(count))
        self.col_upper.append(np.broadcast_to(np.asarray(upper, dtype=np.float64), (count,)))
        return np.arange(first, first + count, dtype=np.int64)

    def row(
        self, cols: np.ndarray, vals: np.ndarray | float, lower: float = -INF, upper: float = INF
    ) -> None:
        """`lower <= sum vals * cols <= upper`; a row with no columns is kept only to hold an
        impossible bound (so HiGHS reports the plan infeasible, as the engine would)."""
        cols = np.asarray(cols, dtype=np.int64)
        if cols.size == 0 and lower <= 1e-12 and upper >= -1e-12:
            return
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        self.entries.append((cols, np.broadcast_to(np.asarray(vals, dtype=np.float64), cols.shape)))

    def lp(self) -> highspy.HighsLp:
        """Packed column-wise (duplicate entries of one row and column summed)."""
        counts = np.array([c.size for c, _ in self.entries], dtype=np.int64)
        rows = np.repeat(np.arange(len(self.entries), dtype=np.int64), counts)
        cols = np.concatenate([c for c, _ in self.entries]) if self.entries else np.zeros(0, np.int64)
        vals = np.concatenate([v for _, v in self.entries]) if self.entries else np.zeros(0)
        order = np.lexsort((rows, cols))
        rows, cols, vals = rows[order], cols[order], vals[order]
        if rows.size:
            new = np.ones(rows.size, dtype=bool)
            new[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
            starts = np.flatnonzero(new)
            vals = np.add.reduceat(vals, starts)
            rows, cols = rows[starts], cols[starts]
        lp = highspy.HighsLp()
        lp.num_col_ = self.num_cols
        lp.num_row_ = len(self.entries)
        lp.col_cost_ = np.concatenate(self.cost) if self.cost else np.zeros(0)
        lp.col_lower_ = np.concatenate(self.col_lower) if self.col_lower else np.zeros(0)
        lp.col_upper_ = np.concatenate(self.col_upper) if self.col_upper else np.zeros(0)
        lp.row_lower_ = np.asarray(self.row_lower, dtype=np.float64)
        lp.row_upper_ = np.asarray(self.row_upper, dtype=np.float64)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(np.bincount(cols, minlength=self.num_cols))])
        lp.a_matrix_.index_ = rows.astype(np.int32)
        lp.a_matrix_.value_ = vals
        lp.a_matrix_.num_col_ = self.num_cols
        lp.a_matrix_.num_row_ = len(self.entries)
        return lp


def independent_floor(scenario: Scenario, arrangement: str) -> FloorRun:
    """Build the aligned or pooled plan's program independently and time HiGHS's run on it alone."""
    if arrangement not in ("aligned", "pooled"):
        raise ValueError(f"the independent floor plans aligned or pooled, not {arrangement}")
    lp = independent_program(scenario, pooled=arrangement == "pooled")
    h = new_highs()
    h.passModel(lp)
    started = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - started
    status = h.modelStatusToString(h.getModelStatus())
    optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    score = -h.getInfo().objective_function_value if optimal else None
    iterations = h.getInfo().simplex_iteration_count
    return FloorRun(status, score, seconds, lp.num_col_, lp.num_row_, iterations)


def new_highs() -> highspy.Highs:
    """HiGHS with its default options, quiet (no banner, no log)."""
    with _quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def independent_program(scenario: Scenario, pooled: bool) -> highspy.HighsLp:
    """MODEL.md's program for the aligned (no pots) or pooled (every member at its largest share)
    arrangement, as HiGHS minimises it: the negated score."""
    data = _Data(scenario, pooled)
    program = _Program()
    xcol = _spend_columns(program, data)
    qcol = _pot_columns(program, data)
    _money_rows(program, data, xcol, qcol)
    _curves(program, data, xcol, qcol)
    for rule in scenario.rules:
        _rule_rows(program, data, rule, xcol, qcol)
    _statutory_rows(program, data, xcol, qcol)
    return program.lp()


class _Data:
    """The scenario's numbers as arrays (GBP millions), indexed stream x year, pot x year, outcome."""

    def __init__(self, scenario: Scenario, pooled: bool) -> None:
        self.scenario = scenario
        self.years = list(scenario.years)
        self.outcome_ids = [o.id for o in scenario.outcomes]
        self.outcome_at = {o: i for i, o in enumerate(self.outcome_ids)}
        self.blocks: dict[str, list[int]] = {b.id: [] for b in scenario.blocks}
        for i, o in enumerate(scenario.outcomes):
            self.blocks.setdefault(o.block, []).append(i)
        self.stream_ids = [s.id for s in scenario.streams]
        self.stream_at = {s: i for i, s in enumerate(self.stream_ids)}
        streams = scenario.streams
        self.amount = np.array([[s.amount_in(t) / MILLION for t in self.years] for s in streams]).reshape(
            len(streams), len(self.years)
        )
        self.admin = np.array([s.admin_rate for s in streams])
        self.carry = np.array([s.carry_forward for s in streams])
        self.funder = [s.funder for s in streams]
        self.eligible = [self.outcomes_named(s.eligible) for s in streams]
        self.pots = list(scenario.pots) if pooled else []
        self.share = np.zeros(len(streams))  # phi: the share of each stream paid into its pot
        self.pot_of = np.full(len(streams), -1)
        for p, pot in enumerate(self.pots):
            for m in pot.members:
                s = self.stream_at[m]
                if self.pot_of[s] < 0:
                    self.pot_of[s] = p
                    stream = streams[s]
                    self.share[s] = stream.max_pool_share if stream.poolable else 0.0
        self.paid_in = self.share[:, None] * self.amount  # y[s, t]
        self.unpooled = self.amount - self.paid_in  # B - y
        self.scope = []
        for pot in self.pots:
            named = pot.scope
            if named is None:
                named = [i for m in pot.members for i in self.eligible_ids(m)]
            self.scope.append(self.outcomes_named(named))

    def eligible_ids(self, stream_id: str) -> list[str]:
        return list(self.scenario.stream(stream_id).eligible)

    def outcomes_named(self, ids: list[str] | None) -> np.ndarray:
        """Outcome indices named by outcome and block ids (None: every outcome), in file order."""
        if ids is None:
            return np.arange(len(self.outcome_ids))
        found = set()
        for i in ids:
            found.update(self.blocks[i] if i in self.blocks else [self.outcome_at[i]])
        return np.array(sorted(found), dtype=np.int64)

    def streams_named(self, ids: list[str] | None) -> np.ndarray:
        if ids is None:
            return np.arange(len(self.stream_ids))
        return np.array(sorted(self.stream_at[s] for s in set(ids)), dtype=np.int64)

    def periods(self, rule: Rule) -> list[np.ndarray]:
        wanted = set(self.years if rule.years is None else rule.years)
        years = np.array([i for i, t in enumerate(self.years) if t in wanted], dtype=np.int64)
        if years.size == 0:
            return []
        return [years] if rule.per == "period" else [years[i : i + 1] for i in range(years.size)]


def _spend_columns(program: _Program, d: _Data) -> np.ndarray:
    """`x[s,o,t]` for eligible pairs in every year the stream has money to spend (or carried in);
    `xcol[s, t, o]` is its column, -1 where there is none."""
    xcol = np.full((len(d.stream_ids), len(d.years), len(d.outcome_ids)), -1, dtype=np.int64)
    for s, outcomes in enumerate(d.eligible):
        carried_in = False
        for t in range(len(d.years)):
            if d.unpooled[s, t] > 0 or carried_in:
                xcol[s, t, outcomes] = program.columns(outcomes.size)
            carried_in = d.carry[s] * d.unpooled[s, t] > 0
    return xcol


def _pot_columns(program: _Program, d: _Data) -> np.ndarray:
    qcol = np.full((len(d.pots), len(d.years), len(d.outcome_ids)), -1, dtype=np.int64)
    for p, scope in enumerate(d.scope):
        for t in range(len(d.years)):
            qcol[p, t, scope] = program.columns(scope.size)
    return qcol


def _money_rows(program: _Program, d: _Data, xcol: np.ndarray, qcol: np.ndarray) -> None:
    """Spend plus carry out <= the year's money after overhead (and set-up) plus carry in; each
    carry's cap, a share of the year's own money, is its column's bound."""
    last = len(d.years) - 1
    for s in range(len(d.stream_ids)):
        before = None
        for t in range(len(d.years)):
            spend = xcol[s, t][xcol[s, t] >= 0]
            cap = d.carry[s] * d.unpooled[s, t]
            carry = program.columns(1, upper=cap)[0] if t < last and cap > 0 else None
            cols, vals = _money_terms(spend, carry, before)
            if cols.size:
                program.row(cols, vals, upper=(1 - d.admin[s]) * d.unpooled[s, t])
            before = carry
    for p, pot in enumerate(d.pots):
        before = None
        money = d.paid_in[d.pot_of == p].sum(axis=0)
        for t in range(len(d.years)):
            spend = qcol[p, t][qcol[p, t] >= 0]
            cap = pot.carry_forward * money[t]
            carry = program.columns(1, upper=cap)[0] if t < last and cap > 0 else None
            cols, vals = _money_terms(spend, carry, before)
            setup = pot.setup_cost / MILLION if t == 0 else 0.0
            program.row(cols, vals, upper=(1 - pot.admin_rate) * money[t] - setup)
            before = carry


def _money_terms(spend: np.ndarray, carry: int | None, before: int | None) -> tuple[np.ndarray, np.ndarray]:
    cols = [spend]
    vals = [np.ones(spend.size)]
    for col, val in ((carry, 1.0), (before, -1.0)):
        if col is not None:
            cols.append(np.array([col]))
            vals.append(np.array([val]))
    return np.concatenate(cols), np.concatenate(vals)


def _curves(program: _Program, d: _Data, xcol: np.ndarray, qcol: np.ndarray) -> None:
    """Per outcome: segments summing to its spend over the period, scored up to the cap."""
    spend_of = [[] for _ in d.outcome_ids]
    for cols in (xcol, qcol):
        found = np.argwhere(cols >= 0)
        if found.size:
            outcome = found[:, 2]
            order = np.argsort(outcome, kind="stable")
            flat = cols[found[:, 0], found[:, 1], found[:, 2]][order]
            bounds = np.searchsorted(outcome[order], np.arange(len(d.outcome_ids) + 1))
            for o in range(len(d.outcome_ids)):
                spend_of[o].append(flat[bounds[o] : bounds[o + 1]])
    for o, outcome in enumerate(d.scenario.outcomes):
        worth = outcome.weight / abs(outcome.target - outcome.baseline)
        cap = abs((outcome.stretch if outcome.stretch is not None else outcome.target) - outcome.baseline)
        widths, costs = [], []
        reached, unscored = 0.0, 0.0
        for seg in outcome.response:
            width = INF if seg.spend is None else seg.spend / MILLION
            if seg.spend is None or seg.effect <= 0 or reached >= cap:
                unscored += width
                continue
            slope = seg.effect / width  # indicator units per GBP 1m
            scored = min(seg.effect, cap - reached)
            part = width if scored >= seg.effect else scored / slope
            widths.append(part)
            costs.append(-worth * slope)
            unscored += width - part
            reached += scored
        if unscored > 0:
            widths.append(min(unscored, INF))
            costs.append(0.0)
        segments = program.columns(len(widths), upper=np.array(widths), cost=np.array(costs))
        spend = np.concatenate(spend_of[o]) if spend_of[o] else np.zeros(0, np.int64)
        program.row(
            np.concatenate([segments, spend]),
            np.concatenate([np.ones(segments.size), -np.ones(spend.size)]),
            lower=0.0,
            upper=0.0,
        )


def _rule_rows(program: _Program, d: _Data, rule: Rule, xcol: np.ndarray, qcol: np.ndarray) -> None:
    """MODEL.md's rules on the streams' own spend; those surviving pooling in the pots as well."""
    streams = d.streams_named(rule.streams)
    if streams.size == 0:
        return
    outcomes = d.outcomes_named(rule.outcomes)
    kind = rule.kind
    value = float(getattr(rule, kind.value))
    minimum = kind in (RuleKind.MIN_SHARE, RuleKind.MIN_AMOUNT, RuleKind.MATCH)
    holding = [p for p in range(len(d.pots)) if np.any(d.share[streams[d.pot_of[streams] == p]] > 0)]
    for years in d.periods(rule):
        own = _present(xcol[np.ix_(streams, years, outcomes)])
        if kind in (RuleKind.MIN_SHARE, RuleKind.MAX_SHARE):
            unpooled = d.unpooled[np.ix_(streams, years)].sum()
            _bounded(program, own, np.ones(own.size), value * unpooled, minimum)
            if rule.survives_pooling:
                for p in holding:
                    members = streams[d.pot_of[streams] == p]
                    spent = _present(qcol[np.ix_([p], years, outcomes)])
                    paid = value * d.paid_in[np.ix_(members, years)].sum()
                    _bounded(program, spent, np.ones(spent.size), paid, minimum)
        elif kind in (RuleKind.MIN_AMOUNT, RuleKind.MAX_AMOUNT):
            cols = [own]
            if rule.survives_pooling:
                cols += [_present(qcol[np.ix_([p], years, outcomes)]) for p in holding]
            counted = np.concatenate(cols)
            _bounded(program, counted, np.ones(counted.size), value / MILLION, minimum)
        else:  # match: other funders' streams and every pot, against the rule's streams
            funders = {d.funder[s] for s in streams}
            others = np.array([s for s, f in enumerate(d.funder) if f not in funders], dtype=np.int64)
            matching = [_present(xcol[np.ix_(others, years, outcomes)])]
            matching += [_present(qcol[np.ix_([p], years, outcomes)]) for p in range(len(d.pots))]
            theirs = np.concatenate(matching)
            cols = np.concatenate([theirs, own])
            vals = np.concatenate([np.ones(theirs.size), -value * np.ones(own.size)])
            _bounded(program, cols, vals, 0.0, True)


def _statutory_rows(program: _Program, d: _Data, xcol: np.ndarray, qcol: np.ndarray) -> None:
    """An outcome's statutory minimum: every stream's and pot's spend on it, each year."""
    for o, outcome in enumerate(d.scenario.outcomes):
        for t, year in enumerate(d.years):
            minimum = outcome.min_spend_in(year) / MILLION
            if minimum > 0:
                cols = np.concatenate([_present(xcol[:, t, o]), _present(qcol[:, t, o])])
                program.row(cols, np.ones(cols.size), lower=minimum)


def _present(cols: np.ndarray) -> np.ndarray:
    flat = cols.ravel()
    return flat[flat >= 0]


def _bounded(program: _Program, cols: np.ndarray, vals: np.ndarray, rhs: float, minimum: bool) -> None:
    if minimum:
        program.row(cols, vals, lower=rhs)
    else:
        program.row(cols, vals, upper=rhs)


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Constructing `highspy.Highs` prints a banner on file descriptor 1."""
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
