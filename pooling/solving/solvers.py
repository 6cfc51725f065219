"""Solving a `Program` with HiGHS (through highspy) or CBC (through PuLP), and reading it back.

What each solver can do is in one registry (`CAPABILITIES`), so callers ask
`options.supports(Feature.INFEASIBLE_SUBSET)` instead of testing its name.
The status is read before anything else, every time: a time limit is not
an optimum (PuLP's own HiGHS wrapper reports it as one), and nothing is
read from a solver that did not finish.

Duals are normalised here and nowhere else: `shadow[i]` is the score gained
per unit (GBP 1m) that row i's bound moves up, `reduced[j]` the score gained
per unit column j's bound moves up. HiGHS is given the negated score to
minimise, so both of its duals flip sign; CBC through PuLP on a
maximisation already reports the score's own derivative.
"""

from __future__ import annotations

import contextlib
import os
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Protocol, cast

import highspy
import numpy as np
import pulp
from laa.models.errors import SolverUnavailableError
from laa.pooling.program.labelled import INF, Program
from laa.pooling.solving.polish import polish
from laa.pooling.solving.priorities import DEFAULT_PRIORITIES, Priority


class SolverName(StrEnum):
    """The solvers the engine can use: HiGHS by default, CBC (shipped with pulp) as the fallback."""
    HIGHS = "highs"
    CBC = "cbc"

    @property
    def label(self) -> str:
        """The solver's name as its makers write it."""
        return {"highs": "HiGHS", "cbc": "CBC"}[self.value]


class Feature(StrEnum):
    """Something a caller may need from a solver beyond an optimum."""

    DUALS = "duals"  # shadow prices and reduced costs of a linear program
    INFEASIBLE_SUBSET = "infeasible_subset"  # an irreducible set of rows and bounds that cannot all hold
    RESOLVE_IN_PLACE = "resolve_in_place"  # a kept model changed and re-solved from its last basis
    INTEGER = "integer"  # integer columns (the pooling choice)
    INTERIOR_POINT = "interior_point"  # an interior point method with crossover to a vertex


@dataclass(frozen=True)
class SolverCapabilities:
    """What one solver can do, so callers ask `supports(feature)` instead of testing its name."""

    name: SolverName
    duals: bool
    infeasible_subset: bool
    resolve_in_place: bool
    integer: bool
    interior_point: bool

    def supports(self, feature: Feature) -> bool:
        """Whether this solver can give `feature`; callers ask before relying on duals or a subset."""
        return bool(getattr(self, feature.value))


CAPABILITIES = {
    SolverName.HIGHS: SolverCapabilities(
        SolverName.HIGHS,
        duals=True,
        infeasible_subset=True,
        resolve_in_place=True,
        integer=True,
        interior_point=True,
    ),
    # through PuLP's command-line CBC: each solve is a fresh process reading a written model
    SolverName.CBC: SolverCapabilities(
        SolverName.CBC,
        duals=True,
        infeasible_subset=False,
        resolve_in_place=False,
        integer=True,
        interior_point=False,
    ),
}


def capabilities(solver: SolverName) -> SolverCapabilities:
    """What `solver` can do."""
    return CAPABILITIES[solver]


# a solve given no time left still gets this long (seconds), so it stops with `time_limit`, not an error
MIN_TIME_LIMIT = 1e-3


class Status(StrEnum):
    """How a solve ended; only `optimal` gives a plan a finance lead may act on."""
    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    TIME_LIMIT = "time_limit"
    ERROR = "error"


@dataclass(frozen=True)
class SolveOptions:
    """Which solver to use and how long it may take; `time_limit` is seconds, None means no limit,
    and `threads` None leaves the choice to the solver."""
    solver: SolverName = SolverName.HIGHS
    time_limit: float | None = None
    # the optimal arrangement is checked against an exact optimum to 1e-5: stay well below
    mip_gap: float = 1e-8
    # None leaves HiGHS's (1e-6) and CBC's defaults; choosing among equals sets it finer (canonical.py)
    mip_abs_gap: float | None = None
    threads: int | None = None
    # dual simplex (HiGHS's default) suits the plans; the interior point method suits the silo's
    # second program (silo.py)
    interior_point: bool = False
    # primal (and mixed-integer) feasibility tolerance; None leaves the solver's (1e-7, 1e-6)
    feasibility: float | None = None
    # True: HiGHS presolves whatever the program (choosing among equals fixes much of it);
    # None: the rule in set_lp_options / set_pooling_mip_options
    presolve: bool | None = None
    # what a plan is chosen for among equally good ones, in order (pooling/canonical.py); none: the
    # best score alone, wherever the solver's path left it (what benchmarks/canonical.py measures
    # the choice against; no command offers it, since that plan moves when a file is sorted)
    priorities: tuple[Priority, ...] = DEFAULT_PRIORITIES

    @property
    def capabilities(self) -> SolverCapabilities:
        """What the chosen solver can do."""
        return CAPABILITIES[self.solver]

    def supports(self, feature: Feature) -> bool:
        """Whether the chosen solver can give `feature` (duals, an infeasible subset, interior point)."""
        return self.capabilities.supports(feature)

    def remaining(self, started: float) -> SolveOptions:
        """These options with the time limit that is left since `started` (a `time.perf_counter()`).

        A plan that needs several solves (the optimal arrangement's MIP and its priced re-solve,
        the silo's funders and area, a diagnosis) shares one time limit among them; a solve that
        starts with none left is given a moment, and stops at once with `time_limit`.
        """
        if self.time_limit is None:
            return self
        left = self.time_limit - (time.perf_counter() - started)
        return replace(self, time_limit=max(left, MIN_TIME_LIMIT))


@dataclass
class Solution:
    """What a solve gave back, in solver order and solver units (GBP millions): `values`, `shadow`
    and `reduced` are None unless the solve was optimal and the solver reports them."""
    status: Status
    message: str = ""
    objective: float | None = None
    values: np.ndarray | None = None
    shadow: np.ndarray | None = None
    reduced: np.ndarray | None = None
    seconds: float = 0.0
    highs: highspy.Highs | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """True only when the solve reached a proven optimum; anything else has no plan to read."""
        return self.status is Status.OPTIMAL


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1: constructing `highspy.Highs` prints a banner there."""
    try:
        saved = os.dup(1)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)
            try:
                yield
            finally:
                os.dup2(saved, 1)
    finally:
        os.close(saved)


class Solver(Protocol):
    """How a plan's programs are solved: afresh (`cold`), or in a model kept for `role` (warm.py).

    `role` names the program's part in its plan ("plan", "priced", a silo funder's, "area"), so a
    kept model is found again when the changed scenario's plan asks for the same part.
    """

    def __call__(self, program: Program, options: SolveOptions, role: str) -> Solution: ...


def cold(program: Program, options: SolveOptions, role: str = "") -> Solution:
    """Solve `program` from nothing (the `role` matters only to a kept model)."""
    return solve(program, options)


def solve(program: Program, options: SolveOptions | None = None, start: np.ndarray | None = None) -> Solution:
    """Solve `program` with the chosen solver (HiGHS unless told otherwise), timing the solve.

    `start`, a feasible point, is given to HiGHS's mixed-integer search as its first incumbent.
    """
    options = options or SolveOptions()
    started = time.perf_counter()
    if options.solver is SolverName.HIGHS:
        solution = _solve_highs(program, options, start)
    elif options.solver is SolverName.CBC:
        solution = _solve_cbc(program, options)
    else:  # pragma: no cover - the enum is closed
        raise SolverUnavailableError(f"unknown solver {options.solver}")
    solution.seconds = time.perf_counter() - started
    return solution


# --- HiGHS ---


DUAL_SIMPLEX = 1  # HiGHS's simplex_strategy values
PRIMAL_SIMPLEX = 4


def set_lp_options(h: highspy.Highs, program: Program) -> None:
    """Options for a linear program solved from scratch: HiGHS's own dual simplex, without presolve.

    The engine builds its programs lean (a row only where a bound cannot say it, no column for money
    a stream-year does not have), so presolve finds little to remove (1-7% of the columns, the
    curves' pieces of no width among them) and costs more than the simplex it saves: on the random
    family (benchmarks.family, chosen on seed 1 and checked on seed 2, benchmarks/README.md) HiGHS
    without presolve took a median 0.57 and 0.7 of the floor's time (HiGHS's defaults on the
    independent formulation), with presolve 1.0. No option depends on the program's size: a rule
    fitted to some areas (primal simplex from 1,300 rows) was up to 22 times slower on others.
    """
    h.setOptionValue("presolve", "off")


def new_highs(options: SolveOptions) -> highspy.Highs:
    """A silent HiGHS set up from `options`: its banner kept off stdout (so `--format json` stays pure
    JSON), a fixed random seed so reruns agree, and the tight MIP gap the optimum is checked to."""
    with quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", options.mip_gap)
    if options.mip_abs_gap is not None:
        h.setOptionValue("mip_abs_gap", options.mip_abs_gap)
    if options.feasibility is not None:
        h.setOptionValue("primal_feasibility_tolerance", options.feasibility)
        h.setOptionValue("mip_feasibility_tolerance", options.feasibility)
    h.setOptionValue("random_seed", 0)
    if options.time_limit is not None:
        h.setOptionValue("time_limit", float(options.time_limit))
    if options.threads is not None:
        h.setOptionValue("threads", int(options.threads))
    if options.interior_point and options.supports(Feature.INTERIOR_POINT):
        h.setOptionValue("solver", "ipm")
    return h


def highs_lp(program: Program, relax: bool = False) -> highspy.HighsLp:
    """The program as HiGHS's own model; `relax` drops integrality (the MIP's linear relaxation)."""
    lp = highspy.HighsLp()
    lp.num_col_ = program.num_cols
    lp.num_row_ = program.num_rows
    lp.col_cost_ = -np.asarray(program.col_cost, dtype=np.float64)
    lp.col_lower_ = finite(program.col_lower)
    lp.col_upper_ = finite(program.col_upper)
    lp.row_lower_ = finite(program.row_lower)
    lp.row_upper_ = finite(program.row_upper)
    starts, index, value = program.csr()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = starts
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    lp.a_matrix_.num_col_ = program.num_cols
    lp.a_matrix_.num_row_ = program.num_rows
    if program.is_mip and not relax:
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
            for i in program.col_integer
        ]
    return lp


class _ChangesRowsBounds(Protocol):
    def changeRowsBounds(
        self, num_set_entries: int, indices: np.ndarray, lower: np.ndarray, upper: np.ndarray
    ) -> object: ...


def change_rows_bounds(h: highspy.Highs, rows: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
    """HiGHS's `changeRowsBounds` (many rows in one call), which highspy's type stubs leave out."""
    cast(_ChangesRowsBounds, h).changeRowsBounds(len(rows), rows, lower, upper)


def finite(bounds: Sequence[float] | np.ndarray) -> np.ndarray:
    """Bounds as HiGHS writes infinity, in a new array (the caller's is never changed)."""
    array = np.array(bounds, dtype=np.float64)
    array[array == INF] = highspy.kHighsInf
    array[array == -INF] = -highspy.kHighsInf
    return array


def _solve_highs(program: Program, options: SolveOptions, start: np.ndarray | None = None) -> Solution:
    h = new_highs(options)
    handed = None if program.is_mip else Handed.of(program)
    status = h.passModel(highs_lp(program) if handed is None else handed.lp)
    if status == highspy.HighsStatus.kError:
        return Solution(Status.ERROR, "HiGHS refused the model", highs=h)
    if start is not None and program.is_mip:
        h.setSolution(len(start), np.arange(len(start), dtype=np.int32), np.asarray(start, dtype=np.float64))
    if program.is_mip:
        set_pooling_mip_options(h)
    elif not options.interior_point:
        set_lp_options(h, program)
    if options.presolve:
        h.setOptionValue("presolve", "on")
    h.run()
    solution = read_highs(h, program.is_mip)
    return solution if handed is None else handed.restore(solution)


# a row left with no column is dropped when its bounds hold at nothing to within this (solver units)
EMPTY_ROW_SLACK = 1e-9


@dataclass(frozen=True)
class Handed:
    """What HiGHS is given for a linear program solved from scratch: the program less its fixed
    columns and the rows they leave empty, and how to read HiGHS's answer back as the program's.

    A fixed column is a number, not a choice: the curves' pieces of no width (kept so a change of
    effects moves bounds, never the program's shape), a freedom being priced, silo's held faces. In
    HiGHS's simplex they still cost time at every iteration and change its path: on the random
    family, without them (and without the empty rows of share rules on years with no money) HiGHS
    takes the independent formulation's very iterations, where with them it took up to 8% more
    and 5% more per iteration (benchmarks/README.md). Removing them is what presolve's cheapest
    step would do, without the rest of presolve's cost. A fixed column's value is its bound, its
    reduced cost its cost less its coefficients priced at the rows' duals; a dropped row's dual is
    nothing (no column is in it).
    """

    lp: highspy.HighsLp
    cols: np.ndarray  # HiGHS's column k is the program's column cols[k]
    rows: np.ndarray  # and its row k the program's row rows[k]
    value: np.ndarray  # every column's value where it is fixed (0 elsewhere)
    fixed: np.ndarray  # which columns are fixed (bool)
    cost: np.ndarray  # the program's costs (score per unit)
    constant: float  # the fixed columns' share of the score
    matrix: tuple[np.ndarray, np.ndarray, np.ndarray]  # the fixed columns' entries: row, column, value
    num_rows: int

    @staticmethod
    def of(program: Program) -> Handed:
        lower, upper, cost, _ = program.column_arrays()
        fixed = lower == upper
        value = np.where(fixed, lower, 0.0)
        starts, index, coef = program.csr()
        row_of = np.repeat(np.arange(program.num_rows), np.diff(starts))
        held = fixed[index]
        shift = np.bincount(row_of[held], weights=coef[held] * value[index[held]], minlength=program.num_rows)
        row_lower, row_upper = program.row_bounds()
        row_lower, row_upper = row_lower - shift, row_upper - shift
        left = np.bincount(row_of[~held], minlength=program.num_rows)
        holds = (row_lower <= EMPTY_ROW_SLACK) & (row_upper >= -EMPTY_ROW_SLACK)
        rows = np.flatnonzero((left > 0) | ~holds)  # an empty row that cannot hold stays, for HiGHS to refuse
        cols = np.flatnonzero(~fixed)
        new_col = np.cumsum(~fixed) - 1
        kept_row = np.zeros(program.num_rows, dtype=bool)
        kept_row[rows] = True
        entry = ~held & kept_row[row_of]
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(cols), len(rows)
        lp.col_cost_ = -cost[cols]
        lp.col_lower_ = finite(lower[cols])
        lp.col_upper_ = finite(upper[cols])
        lp.row_lower_ = finite(row_lower[rows])
        lp.row_upper_ = finite(row_upper[rows])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(left[rows])]).astype(np.int32)
        lp.a_matrix_.index_ = new_col[index[entry]].astype(np.int32)
        lp.a_matrix_.value_ = coef[entry]
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = len(cols), len(rows)
        constant = float(np.dot(cost[fixed], value[fixed]))
        matrix = (row_of[held], index[held], coef[held])
        return Handed(lp, cols, rows, value, fixed, cost, constant, matrix, program.num_rows)

    def restore(self, solution: Solution) -> Solution:
        """HiGHS's answer on the handed program, as the whole program's (values, duals, score)."""
        if solution.values is None:
            return solution
        values = self.value.copy()
        values[self.cols] = solution.values
        objective = None if solution.objective is None else solution.objective + self.constant
        shadow = reduced = None
        if solution.shadow is not None and solution.reduced is not None:
            shadow = np.zeros(self.num_rows)
            shadow[self.rows] = solution.shadow
            reduced = self.cost.copy()
            reduced[self.cols] = solution.reduced
            row, col, coef = self.matrix
            priced = np.bincount(col, weights=coef * shadow[row], minlength=len(self.fixed))
            reduced[self.fixed] -= priced[self.fixed]
        return replace(solution, objective=objective, values=values, shadow=shadow, reduced=reduced)


def set_pooling_mip_options(h: highspy.Highs) -> None:
    """Options for the pooling MIP: a few dozen binaries over a large linear program, no presolve and
    no feasibility-jump heuristic.

    The linear part is built lean, as for the plans (`set_lp_options`), and the binaries are few,
    so presolve has little to remove; the search ends at or near the root node, where the heuristic
    only costs time. Measured on the random family's optimal arrangement (benchmarks.mip_options,
    chosen on seed 1 and checked on seed 2, benchmarks/README.md): a median 0.65 and 0.60 of HiGHS's
    defaults at the engine's gap, never above 0.98.
    """
    h.setOptionValue("presolve", "off")
    h.setOptionValue("mip_heuristic_run_feasibility_jump", False)


def read_highs(h: highspy.Highs, is_mip: bool) -> Solution:
    """Status first; values and duals only from a finished solve."""
    model_status = h.getModelStatus()
    ms = highspy.HighsModelStatus
    if model_status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
        return Solution(Status.INFEASIBLE, "no plan satisfies every rule and budget", highs=h)
    if model_status == ms.kTimeLimit:
        return Solution(Status.TIME_LIMIT, "the solver's time limit was reached", highs=h)
    if model_status == ms.kModelEmpty:
        return _empty(h)
    if model_status != ms.kOptimal:
        return Solution(Status.ERROR, f"HiGHS stopped: {h.modelStatusToString(model_status)}", highs=h)
    solution = h.getSolution()
    values = np.asarray(solution.col_value, dtype=np.float64)
    shadow = reduced = None
    if not is_mip and solution.dual_valid:
        shadow = -np.asarray(solution.row_dual, dtype=np.float64)
        reduced = -np.asarray(solution.col_dual, dtype=np.float64)
    objective = -h.getInfo().objective_function_value
    return Solution(Status.OPTIMAL, "", objective, values, shadow, reduced, highs=h)


def _empty(h: highspy.Highs) -> Solution:
    """A program with no columns (no stream has money in any year): HiGHS does not solve it, but
    its answer is plain: nothing is spent, which is a plan if every row allows zero (a statutory
    minimum above zero does not)."""
    lp = h.getLp()
    lower, upper = np.asarray(lp.row_lower_, dtype=np.float64), np.asarray(lp.row_upper_, dtype=np.float64)
    if np.any(lower > 0.0) or np.any(upper < 0.0):
        return Solution(Status.INFEASIBLE, "no plan satisfies every rule and budget", highs=h)
    nothing = np.zeros(0, dtype=np.float64)
    return Solution(Status.OPTIMAL, "", float(lp.offset_), nothing, np.zeros(lp.num_row_), nothing, highs=h)


# --- CBC ---


def _solve_cbc(program: Program, options: SolveOptions) -> Solution:
    with warnings.catch_warnings():
        # PuLP 3 bundles CBC and warns that PuLP 4 will not; the version is pinned in pyproject.toml
        warnings.simplefilter("ignore", DeprecationWarning)
        cbc = pulp.PULP_CBC_CMD(
            msg=False,
            gapRel=options.mip_gap if program.is_mip else None,
            gapAbs=options.mip_abs_gap if program.is_mip else None,
            timeLimit=options.time_limit,
            threads=options.threads,
        )
    if not cbc.available():
        raise SolverUnavailableError("CBC is not available: PuLP's bundled CBC binary did not run")
    problem, variables, constraints = program.to_pulp()
    problem.solve(cbc)
    status, sol_status = problem.status, problem.sol_status
    if status == pulp.LpStatusInfeasible or sol_status == pulp.LpSolutionInfeasible:
        return Solution(Status.INFEASIBLE, "no plan satisfies every rule and budget")
    if status == pulp.LpStatusOptimal and sol_status == pulp.LpSolutionIntegerFeasible:
        return Solution(Status.TIME_LIMIT, "the solver's time limit was reached")
    if status != pulp.LpStatusOptimal:
        return Solution(Status.ERROR, f"CBC stopped: {pulp.LpStatus.get(status, status)}")
    # CBC's solution file has 8 significant digits: put the vertex back together from them
    values = polish(program, np.array([v.varValue or 0.0 for v in variables], dtype=np.float64))
    shadow = reduced = None
    if not program.is_mip:
        shadow = np.array([c.pi or 0.0 for c in constraints], dtype=np.float64)
        reduced = np.array([v.dj or 0.0 for v in variables], dtype=np.float64)
    objective = float(np.dot(program.col_cost, values))
    return Solution(Status.OPTIMAL, "", objective, values, shadow, reduced)
