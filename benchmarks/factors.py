"""`python -m benchmarks.factors`: what makes one formulation of the same plan slower for HiGHS.

The engine's program used to take HiGHS's simplex about 2.4 times as long as
an independent formulation of the same plan (issue 15). Starting from the
engine's lean program, this puts back one habit of the old formulation at
a time and times HiGHS's run on each, in the same process, against the lean
program and the independent floor (`benchmarks.independent`):

- `budget rows`: a column per stream-year fixed to its amount by a row (its
  dual priced the money), the amount reaching every money, carry and share
  rule row through it instead of through their bounds;
- `carry rows`: each carry's cap as a row instead of its column's bound;
- `progress rows`: the capped score as a progress column and row per
  outcome (`min(d, cap)` by a row) instead of the curve cut at its cap;
- `old program`: all three together, as the engine built it before;
- `no-money columns` (pooled): spend columns, and a money row, for
  stream-years whose money is all pooled;
- `GBP millions`: money in millions whatever the scenario's scale;
- `no empty columns`: without the columns of no width the curves keep so a
  change of effects never changes the program's shape (presolve removes them);
- `floor's order`: spend columns first, the rest after (the floor's order);
- `column-wise`: the matrix handed over by columns instead of rows;
- HiGHS options: presolve off; primal simplex.

Each variant must reach the lean program's score (to 1e-6) before its time
counts. Medians of --repeat runs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import highspy
import numpy as np
from laa.models.load import parse_scenario
from laa.models.scenario import Scenario
from laa.pooling.program.build import build
from laa.pooling.program.builder import Builder
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.program.vocabulary import PotCarry, RowFamily, RowLabel, StreamCarry
from laa.pooling.solving.solvers import SolveOptions, new_highs

from benchmarks.generate import SHAPES, generate
from benchmarks.independent import independent_program

INF = highspy.kHighsInf


@dataclass
class Lp:
    """A linear program as arrays (HiGHS minimises `cost`), the matrix as triplets."""

    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    colwise: bool = False
    options: tuple[tuple[str, object], ...] = ()

    @staticmethod
    def of(b: Builder) -> Lp:
        p = b.program
        lower, upper, cost, _ = p.column_arrays()
        row_lower, row_upper = p.row_bounds()
        starts, index, value = p.csr()
        rows = np.repeat(np.arange(p.num_rows), np.diff(starts))
        bounds = _h(lower), _h(upper), _h(row_lower), _h(row_upper)
        return Lp(-cost, *bounds, rows, index.astype(np.int64), value)

    def add_cols(self, cost: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        first = len(self.cost)
        self.cost = np.concatenate([self.cost, cost])
        self.lower = np.concatenate([self.lower, lower])
        self.upper = np.concatenate([self.upper, upper])
        return np.arange(first, first + len(cost))

    def add_rows(self, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        first = len(self.row_lower)
        self.row_lower = np.concatenate([self.row_lower, lower])
        self.row_upper = np.concatenate([self.row_upper, upper])
        return np.arange(first, first + len(lower))

    def add_entries(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray) -> None:
        self.rows = np.concatenate([self.rows, rows])
        self.cols = np.concatenate([self.cols, cols])
        self.vals = np.concatenate([self.vals, vals])

    def highs(self) -> highspy.HighsLp:
        lp = highspy.HighsLp()
        n, m = len(self.cost), len(self.row_lower)
        lp.num_col_, lp.num_row_ = n, m
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = self.cost, self.lower, self.upper
        lp.row_lower_, lp.row_upper_ = self.row_lower, self.row_upper
        major, minor, count = (self.cols, self.rows, n) if self.colwise else (self.rows, self.cols, m)
        order = np.lexsort((minor, major))
        form = highspy.MatrixFormat
        lp.a_matrix_.format_ = form.kColwise if self.colwise else form.kRowwise
        starts = np.concatenate([[0], np.cumsum(np.bincount(major, minlength=count))])
        lp.a_matrix_.start_ = starts.astype(np.int32)
        lp.a_matrix_.index_ = minor[order].astype(np.int32)
        lp.a_matrix_.value_ = self.vals[order]
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, m
        return lp


def _h(values: np.ndarray) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64).copy()
    array[array == float("inf")] = INF
    array[array == -float("inf")] = -INF
    return array


# --- the old formulation's habits, put back one at a time ---


def budget_rows(lp: Lp, b: Builder) -> Lp:
    """A column per stream-year fixed to its amount by a row; the rows its amount bounded hold it."""
    terms = b.amount_terms
    places = sorted({p for _, p, _ in terms.rows})
    amounts = np.array(b.scenario.numbers[1], dtype=np.float64) / b.unit
    budget = lp.add_cols(np.zeros(len(places)), np.zeros(len(places)), np.full(len(places), INF))
    col_of = dict(zip(places, budget.tolist(), strict=True))
    fixed = lp.add_rows(amounts[places], amounts[places])
    lp.add_entries(fixed, budget, np.ones(len(places)))
    merged: dict[tuple[int, int], float] = {}  # a row may hold a year's amount twice (B - y)
    for row, place, coef in terms.rows:
        merged[(row, place)] = merged.get((row, place), 0.0) + coef
    for (row, place), coef in merged.items():
        moved = coef * b.unit * amounts[place]
        if lp.row_upper[row] < INF:
            lp.row_upper[row] -= moved
        if lp.row_lower[row] > -INF:
            lp.row_lower[row] -= moved
        lp.add_entries(np.array([row]), np.array([col_of[place]]), np.array([-coef * b.unit]))
    return lp


def carry_rows(lp: Lp, b: Builder) -> Lp:
    """Each carry's cap as a row `k <= cap` instead of its column's bound."""
    carries = [j for key, j in b.program.keyed_columns() if isinstance(key, StreamCarry | PotCarry)]
    carries = [j for j in carries if lp.upper[j] < INF]
    if carries:
        cols = np.array(carries)
        rows = lp.add_rows(np.full(len(cols), -INF), lp.upper[cols].copy())
        lp.add_entries(rows, cols, np.ones(len(cols)))
        lp.upper[cols] = INF
    return lp


def progress_rows(lp: Lp, b: Builder) -> Lp:
    """The capped score by a progress column and row per outcome, every segment at its full width."""
    for curve in b.curves:
        if not curve.in_objective:
            continue
        outcome = b.scenario.outcome(curve.outcome)
        weight = outcome.weight / outcome.gap
        widths = {k: seg.spend / b.unit for k, seg in enumerate(outcome.response) if seg.spend is not None}
        cols = np.array(curve.segments, dtype=np.int64)
        slopes = np.array(curve.worth) / weight  # indicator units per solver unit of money
        for col, k in zip(curve.segments, _scored(outcome), strict=True):
            lp.cost[col] = 0.0
            lp.upper[col] = widths[k]
        if curve.excess is not None:
            tail = any(seg.spend is None for seg in outcome.response)
            unscored = sum(w for k, w in widths.items() if k not in _scored(outcome))
            lp.upper[curve.excess] = INF if tail else unscored
        progress = lp.add_cols(np.array([-weight]), np.zeros(1), np.array([outcome.cap]))
        row = lp.add_rows(np.array([-INF]), np.zeros(1))
        entries = np.concatenate([progress, cols]), np.concatenate([[1.0], -slopes])
        lp.add_entries(np.repeat(row, len(cols) + 1), *entries)
    return lp


def _scored(outcome) -> list[int]:
    return [k for k, seg in enumerate(outcome.response) if seg.spend is not None and seg.slope > 0]


def no_money_columns(lp: Lp, b: Builder) -> Lp:
    """Spend columns and a money row for every stream-year left with no money (all of it pooled)."""
    program = b.program
    response = {
        o.id: program.row_index[RowLabel(RowFamily.RESPONSE, outcome=o.id)] for o in b.scenario.outcomes
    }
    for s in b.streams:
        outcomes = b.outcomes_of_stream[s]
        for t in b.years:
            if (s, t) in b.x_by_stream_year or not outcomes:
                continue
            cols = lp.add_cols(np.zeros(len(outcomes)), np.zeros(len(outcomes)), np.full(len(outcomes), INF))
            row = lp.add_rows(np.array([-INF]), np.zeros(1))
            lp.add_entries(np.repeat(row, len(cols)), cols, np.ones(len(cols)))
            lp.add_entries(np.array([response[o] for o in outcomes]), cols, -np.ones(len(cols)))
    return lp


def no_empty_columns(lp: Lp, b: Builder) -> Lp:
    """Without the columns of no width (curve segments past the cap, an excess with nothing left)."""
    keep = np.flatnonzero(~((lp.lower == 0) & (lp.upper == 0)))
    where = np.full(len(lp.cost), -1)
    where[keep] = np.arange(len(keep))
    inside = where[lp.cols] >= 0
    lp.rows, lp.cols, lp.vals = lp.rows[inside], where[lp.cols[inside]], lp.vals[inside]
    lp.cost, lp.lower, lp.upper = lp.cost[keep], lp.lower[keep], lp.upper[keep]
    return lp


def floor_order(lp: Lp, b: Builder) -> Lp:
    """Spend columns first (streams', then pots'), every other column after, as the floor orders them."""
    spend = np.concatenate([np.arange(r.columns.start, r.columns.stop) for r in b.program.runs])
    rest = np.setdiff1d(np.arange(len(lp.cost)), spend)
    order = np.concatenate([spend, rest])
    where = np.empty_like(order)
    where[order] = np.arange(len(order))
    lp.cost, lp.lower, lp.upper = lp.cost[order], lp.lower[order], lp.upper[order]
    lp.cols = where[lp.cols]
    return lp


def colwise(lp: Lp, b: Builder) -> Lp:
    lp.colwise = True
    return lp


def presolve_off(lp: Lp, b: Builder) -> Lp:
    lp.options += (("presolve", "off"),)
    return lp


def primal(lp: Lp, b: Builder) -> Lp:
    lp.options += (("simplex_strategy", 4),)
    return lp


Change = Callable[[Lp, Builder], Lp]
VARIANTS: dict[str, list[Change]] = {
    "lean": [],
    "budget rows": [budget_rows],
    "carry rows": [carry_rows],
    "progress rows": [progress_rows],
    "old program": [budget_rows, carry_rows, progress_rows],
    "no-money columns": [no_money_columns],
    "no empty columns": [no_empty_columns],
    "floor's order": [floor_order],
    "column-wise": [colwise],
    "presolve off": [presolve_off],
    "primal simplex": [primal],
}


def run(lp: highspy.HighsLp, options: tuple[tuple[str, object], ...] = ()) -> tuple[float, float, int]:
    h = new_highs(SolveOptions())
    for name, value in options:
        h.setOptionValue(name, value)
    h.passModel(lp)
    started = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - started
    info = h.getInfo()
    return seconds, -info.objective_function_value, int(info.simplex_iteration_count)


def measure(scenario: Scenario, arrangement: str, repeat: int) -> list[tuple[str, int, int, float, int]]:
    """(variant, columns, rows, median seconds, simplex iterations) for every variant and the floor."""
    choice = PoolingChoice.aligned() if arrangement == "aligned" else PoolingChoice.pooled(scenario)
    spec = ModelSpec(scenario, choice)
    b = build(spec)
    found = []
    score = None
    variants: dict[str, Callable[[], Lp]] = {
        name: (lambda changes=changes: _apply(Lp.of(b), b, changes)) for name, changes in VARIANTS.items()
    }
    if arrangement != "pooled":
        del variants["no-money columns"]
    millions = build(replace(spec, unit=1e6))
    variants["GBP millions"] = lambda: Lp.of(millions)
    for name, make in variants.items():
        lp = make()
        times, iterations = [], 0
        for _ in range(repeat):
            seconds, objective, iterations = run(lp.highs(), lp.options)
            times.append(seconds)
        if score is None:
            score = objective
        elif abs(objective - score) > 1e-6 * max(1.0, abs(score)):
            raise SystemExit(f"{name}: score {objective} differs from the lean program's {score}")
        found.append((name, len(lp.cost), len(lp.row_lower), statistics.median(times), iterations))
    floor = independent_program(scenario, pooled=arrangement == "pooled")
    times = []
    for _ in range(repeat):
        seconds, objective, iterations = run(floor)
        times.append(seconds)
    if score is not None and abs(objective - score) > 1e-6 * max(1.0, abs(score)):
        raise SystemExit(f"the floor's score {objective} differs from the lean program's {score}")
    found.append(("independent floor", floor.num_col_, floor.num_row_, statistics.median(times), iterations))
    return found


def _apply(lp: Lp, b: Builder, changes: list[Change]) -> Lp:
    for change in changes:
        lp = change(lp, b)
    return lp


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.factors", description=__doc__)
    parser.add_argument("--shapes", default="standard,many-outcomes")
    parser.add_argument("--sizes", default="L")
    parser.add_argument("--arrangements", default="aligned,pooled")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print("| shape | size | arrangement | variant | columns | rows | HiGHS s | / lean | simplex iterations |")
    print("|---|---|---|---|---|---|---|---|---|")
    for shape in args.shapes.split(","):
        if shape not in SHAPES:
            parser.error(f"unknown shape {shape}; choose from {list(SHAPES)}")
        for size in args.sizes.split(","):
            scenario = parse_scenario(generate(size, args.seed, shape), "generated.yaml")
            for arrangement in args.arrangements.split(","):
                rows = measure(scenario, arrangement, args.repeat)
                lean = rows[0][3]
                for name, n, m, seconds, iterations in rows:
                    print(
                        f"| {shape} | {size} | {arrangement} | {name} | {n:,} | {m:,} | {seconds:.3f} "
                        f"| {seconds / lean:.2f} | {iterations:,} |",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
