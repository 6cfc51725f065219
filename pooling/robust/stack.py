"""The robust program: one plan held against many draws of the evidence, as one linear program.

The plan is the allocation in pounds at the central estimate: the figures the scenario file
gives, and the ones a finance lead signs off. A draw is the same area with each outcome's
effects and each stream's amounts scaled by that draw's factors (the scenario as the draw has
it). In a draw, a stream's spend on every outcome moves with its settlement (5% less money:
every line it funds 5% smaller, as a grant's lines are trimmed pro rata), and a pot's spend
moves with what its members paid into it over the period (`pot_factors`). So the plan is one
choice in every draw, and each draw judges it on the money that draw brings
(`allocation_in_draw`).

The program stacks:

- the central program (`build(spec)`, a fixed pooling choice) with its score dropped: it holds
  the plan to every budget, rule, statutory minimum and curve width at the central estimate;
- per draw, its own copy of every response curve (the draw's effects) on the plan's spend as the
  draw moves it: that draw's score, an outcome's progress held under each segment's line;
- per draw, the draw's own program (`build` of the drawn scenario, the same shape) with the
  plan's spend columns put back as the central ones times the draw's factors, keeping only the
  groups of rows that do not hold already: rows linked by a column that is not the plan's (a
  carry) form a group, and a group holds in a draw when it is the central group scaled by one
  factor (a stream's own money and carry, a share rule on one stream). What is left is what
  the draw's money moves otherwise: a pot's money (its members' settlements move apart and its
  set-up cost does not), a rule in pounds or over several streams, a statutory minimum. Their
  carry columns become the draw's own: what is left to carry is a consequence of the draw.

So a draw adds a small block rather than a copy of the whole program, and the program is read
only through the builder's index of spend columns and each row's family: the rest it compares
number by number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import highspy
import numpy as np
from laa.models.errors import LaaError
from laa.models.scenario import Outcome, Scenario
from laa.pooling.plans.evaluate import Allocation
from laa.pooling.program.build import build
from laa.pooling.program.builder import Builder
from laa.pooling.program.labelled import INF, Program
from laa.pooling.program.spec import ModelSpec, PoolingMode
from laa.pooling.solving.solvers import finite

# rows of the central curve: its copies per draw are built here, with the draw's effects
CURVE_FAMILIES = frozenset({"response", "progress"})
SAME = 1e-12  # two numbers of a draw's row and the central one's agree to this (relative)


def amount_factors(central: Scenario, drawn: Scenario) -> np.ndarray:
    """Each stream's factor in a draw (scenario order): one factor moves every year alike."""
    years = len(central.years)
    base = np.asarray(central.numbers[1], dtype=np.float64).reshape(-1, years)
    now = np.asarray(drawn.numbers[1], dtype=np.float64).reshape(-1, years)
    total = base.sum(axis=1)
    factor = np.divide(now.sum(axis=1), total, out=np.ones(len(total)), where=total > 0)
    uneven = np.abs(now - factor[:, np.newaxis] * base) > 1e-9 * np.maximum(np.abs(now), 1.0)
    if uneven.any():
        stream = central.streams[int(np.flatnonzero(uneven.any(axis=1))[0])].id
        raise LaaError(f"stream {stream}: a draw must scale every year's amount alike")
    return factor


def pot_factors(scenario: Scenario, shares: dict[str, float], amounts: np.ndarray) -> dict[str, np.ndarray]:
    """Per pot, per draw (`amounts[d]` from `amount_factors`): what its members paid in over the
    period, against the central estimate. A pot's spend on every outcome moves by this factor in
    a draw, the badging by contribution of MODEL.md's pooled-fund statement. A pot nobody pays
    into keeps factor 1."""
    index = {s.id: i for i, s in enumerate(scenario.streams)}
    found = {}
    for pot in scenario.pots:
        paid = np.array(
            [
                shares.get(m, 0.0) * sum(scenario.stream(m).amount_in(t) for t in scenario.years)
                for m in pot.members
            ]
        )
        total = float(paid.sum())
        if total <= 0:
            found[pot.id] = np.ones(amounts.shape[0])
            continue
        found[pot.id] = amounts[:, [index[m] for m in pot.members]] @ paid / total
    return found


def allocation_in_draw(central: Scenario, allocation: Allocation, drawn: Scenario) -> Allocation:
    """The plan as a draw moves it: each stream's spend by its amount factor, each pot's by what
    its members paid in. The robust program holds exactly this allocation to the draw's rules."""
    amounts = amount_factors(central, drawn)
    index = {s.id: i for i, s in enumerate(central.streams)}
    moved = pot_factors(central, allocation.shares, amounts[np.newaxis])
    pots = {p: float(f[0]) for p, f in moved.items()}
    return Allocation(
        {k: v * float(amounts[index[k[0]]]) for k, v in allocation.stream_spend.items()},
        {k: v * pots.get(k[0], 1.0) for k, v in allocation.pot_spend.items()},
        allocation.shares,
        allocation.pots_used,
    )


@dataclass
class Matrix:
    """Columns and rows as plain arrays: the form HiGHS takes in one call."""

    lower: list[np.ndarray] = field(default_factory=list)
    upper: list[np.ndarray] = field(default_factory=list)
    cost: list[np.ndarray] = field(default_factory=list)
    integer: list[np.ndarray] = field(default_factory=list)
    row_cols: list[np.ndarray] = field(default_factory=list)
    row_vals: list[np.ndarray] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    num_cols: int = 0

    def copy(self) -> Matrix:
        """Another program with these columns and rows, to add to without touching this one."""
        return Matrix(
            list(self.lower),
            list(self.upper),
            list(self.cost),
            list(self.integer),
            list(self.row_cols),
            list(self.row_vals),
            list(self.row_lower),
            list(self.row_upper),
            self.num_cols,
        )

    def columns(
        self,
        n: int,
        lower: float | np.ndarray = 0.0,
        upper: float | np.ndarray = INF,
        cost: float = 0.0,
        integer: bool = False,
    ) -> np.ndarray:
        """Add `n` columns at once and return their indices (bounds may be one per column)."""
        start = self.num_cols
        self.lower.append(np.broadcast_to(np.asarray(lower, dtype=np.float64), (n,)).copy())
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=np.float64), (n,)).copy())
        self.cost.append(np.full(n, cost))
        self.integer.append(np.full(n, integer))
        self.num_cols += n
        return np.arange(start, start + n, dtype=np.int64)

    def column(self, lower: float = 0.0, upper: float = INF, cost: float = 0.0, integer: bool = False) -> int:
        """Add one column and return its index."""
        return int(self.columns(1, lower, upper, cost, integer)[0])

    def row(self, cols: np.ndarray, vals: np.ndarray, lower: float = -INF, upper: float = INF) -> int:
        """`lower <= vals . x[cols] <= upper`; the columns of one row are distinct."""
        self.row_cols.append(np.asarray(cols, dtype=np.int64))
        self.row_vals.append(np.asarray(vals, dtype=np.float64))
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        return len(self.row_cols) - 1

    @property
    def num_rows(self) -> int:
        """How many rows the program has so far."""
        return len(self.row_cols)

    @property
    def nonzeros(self) -> int:
        """How many coefficients the rows hold: the program's size as a solver feels it."""
        return int(sum(len(c) for c in self.row_cols))

    @property
    def binaries(self) -> int:
        """How many integer columns there are (they make the program a MIP, and slow)."""
        return int(sum(int(i.sum()) for i in self.integer))

    def costs(self) -> np.ndarray:
        """The score coefficient of every column, in column order (maximised)."""
        return np.concatenate(self.cost) if self.cost else np.zeros(0)

    def set_costs(self, cost: np.ndarray) -> None:
        """Replace every column's score coefficient at once (one per column, in order)."""
        self.cost = [np.asarray(cost, dtype=np.float64)]

    def highs_lp(self) -> highspy.HighsLp:
        """The program for HiGHS, which minimises: the costs are negated (the score is maximised)."""
        lp = highspy.HighsLp()
        lp.num_col_ = self.num_cols
        lp.num_row_ = self.num_rows
        lp.col_cost_ = -self.costs()
        lp.col_lower_ = finite(np.concatenate(self.lower))
        lp.col_upper_ = finite(np.concatenate(self.upper))
        lp.row_lower_ = finite(np.asarray(self.row_lower, dtype=np.float64))
        lp.row_upper_ = finite(np.asarray(self.row_upper, dtype=np.float64))
        lengths = np.fromiter((len(c) for c in self.row_cols), dtype=np.int64, count=self.num_rows)
        starts = np.zeros(self.num_rows + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = starts.astype(np.int32)
        lp.a_matrix_.index_ = np.concatenate(self.row_cols).astype(np.int32)
        lp.a_matrix_.value_ = np.concatenate(self.row_vals)
        lp.a_matrix_.num_col_ = self.num_cols
        lp.a_matrix_.num_row_ = self.num_rows
        integer = np.concatenate(self.integer)
        if integer.any():
            kinds = highspy.HighsVarType
            lp.integrality_ = [kinds.kInteger if i else kinds.kContinuous for i in integer.tolist()]
        return lp



Terms = tuple[np.ndarray, np.ndarray]  # columns and coefficients


@dataclass
class Stack:
    """The stacked program and, per draw, the terms the measures are written on."""

    matrix: Matrix
    builder: Builder  # the central program's: the plan is read from its columns, which come first
    draws: Sequence[Scenario]
    unit: float  # GBP per unit of money in the program
    base_cols: int
    # per draw, per outcome: the plan's spend on it as the draw moves it (None: nobody may fund it)
    spend: list[list[Terms | None]]
    central_spend: list[Terms | None]  # ... and at the central estimate
    score: list[Terms] = field(default_factory=list)  # per draw: its score, once `add_curves` has run
    central: Terms | None = None  # the score at the central estimate, once `add_curves` has run


@dataclass(frozen=True)
class _Group:
    """Central rows linked by columns that are not the plan's (carries): copied per draw together."""

    rows: np.ndarray
    own: np.ndarray  # its columns that are not the plan's
    entries: np.ndarray  # where its rows' coefficients sit in the programs' row-wise arrays
    source: np.ndarray  # per entry, the plan's source it is the spend of (-1: a column not the plan's)


@dataclass(frozen=True)
class _Rows:
    """A built program's rows and column bounds as arrays."""

    starts: np.ndarray
    index: np.ndarray
    value: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray

    @staticmethod
    def of(program: Program) -> _Rows:
        starts, index, value = program.csr()
        return _Rows(
            starts,
            index.astype(np.int64),
            value,
            np.asarray(program.row_lower, dtype=np.float64),
            np.asarray(program.row_upper, dtype=np.float64),
            np.asarray(program.col_lower, dtype=np.float64),
            np.asarray(program.col_upper, dtype=np.float64),
        )

    def row(self, i: int) -> Terms:
        lo, hi = self.starts[i], self.starts[i + 1]
        return self.index[lo:hi], self.value[lo:hi]


def stack(spec: ModelSpec, draws: Sequence[Scenario]) -> Stack:
    """The central program, plus the rows each draw's money moves (curves come with `add_curves`)."""
    if spec.choice.mode is not PoolingMode.FIXED or spec.elastic:
        raise LaaError("a robust plan is made for a fixed pooling choice and a program without slack")
    b = build(spec)
    program = b.program
    if program.is_mip:
        raise LaaError("a robust plan's central program must be linear")
    central = _Rows.of(program)
    matrix = Matrix()
    matrix.columns(program.num_cols, central.col_lower, central.col_upper)
    for i in range(program.num_rows):
        cols, vals = central.row(i)
        matrix.row(cols, vals, central.lower[i], central.upper[i])

    scenario = spec.scenario
    amounts = np.ones((len(draws), len(scenario.streams)))
    for d, drawn in enumerate(draws):
        amounts[d] = amount_factors(scenario, drawn)
    sources, source_factor = _sources(b, amounts)
    plan_source, outcome_of = _plan_columns(b, sources)
    groups = _groups(program, central, plan_source)
    aggregate = _aggregate(b, matrix, plan_source, outcome_of, source_factor)
    programs = _DrawPrograms(spec, b, central, draws, amounts, _relevant(program, groups))
    spend = []
    for d in range(len(draws)):
        spend.append(_spend(aggregate, source_factor[d]))
        own = programs.of(d)
        for group in groups:
            _copy_if_moved(matrix, group, central, own, source_factor[d])
    centre = _spend(aggregate, np.ones(len(sources)))
    return Stack(matrix, b, draws, b.unit, program.num_cols, spend, centre)


def add_curves(s: Stack) -> None:
    """Every draw's copy of every curve, and with them each draw's score; and the central score."""
    pairs = zip(s.draws, s.spend, strict=True)
    s.score = [_curves(d.outcomes, s.matrix, spend, s.unit) for d, spend in pairs]
    s.central = _curves(s.builder.scenario.outcomes, s.matrix, s.central_spend, s.unit)


def _draw_program(spec: ModelSpec, central: Builder, drawn: Scenario) -> _Rows:
    """The draw's own program, in the central program's money unit, checked to be the same shape."""
    b = build(replace(spec, scenario=drawn, unit=central.unit))
    program = b.program
    if program.row_labels != central.program.row_labels or program.num_cols != central.program.num_cols:
        raise LaaError("a draw's program differs in shape from the central one: it cannot share a plan")
    return _Rows.of(program)


class _DrawPrograms:
    """Each draw's program, built, or from one build per stream when the draws outnumber the streams.

    With the pooling fixed, a stream's amounts reach the program only through bounds, each a
    constant plus the amounts times fixed coefficients (pooling.amounts); the coefficients do not
    move. So a draw's bounds are the central ones plus, for each stream, (its factor - 1) times
    what doubling that stream moves them by: one build per stream instead of one per draw. The
    first draw is also built in full and compared; if the two differ, every draw is built.
    """

    def __init__(
        self,
        spec: ModelSpec,
        b: Builder,
        central: _Rows,
        draws: Sequence[Scenario],
        amounts: np.ndarray,
        relevant: np.ndarray,
    ):
        self.spec, self.builder, self.central, self.draws, self.amounts = spec, b, central, draws, amounts
        self.moves: np.ndarray | None = None  # per stream, what doubling it adds to each bound
        streams = b.scenario.streams
        if len(draws) <= len(streams) + 1:
            return
        bounds = _bounds(central)
        moving = relevant & np.isfinite(bounds)
        moves = np.zeros((len(streams), len(bounds)))
        for i in range(len(streams)):
            doubled = _draw_program(spec, b, _scaled(b.scenario, i, 2.0))
            if not _alike(doubled, central, relevant):
                return
            moves[i, moving] = _bounds(doubled)[moving] - bounds[moving]
        self.moves = moves
        first = _draw_program(spec, b, draws[0])
        made = _bounds(self.of(0))[relevant]
        if not (
            _alike(first, central, relevant)
            and np.allclose(made, _bounds(first)[relevant], rtol=1e-9, atol=1e-12)
        ):
            self.moves = None

    def of(self, d: int) -> _Rows:
        if self.moves is None:
            return _draw_program(self.spec, self.builder, self.draws[d])
        c = self.central
        bounds = _bounds(c) + (self.amounts[d] - 1.0) @ self.moves
        rows, cols = len(c.lower), len(c.col_lower)
        lower, upper = bounds[:rows], bounds[rows : 2 * rows]
        col_lower, col_upper = bounds[2 * rows : 2 * rows + cols], bounds[2 * rows + cols :]
        return _Rows(c.starts, c.index, c.value, lower, upper, col_lower, col_upper)


def _bounds(rows: _Rows) -> np.ndarray:
    """Every bound of a program in one array: rows' lower and upper, then columns'."""
    return np.concatenate([rows.lower, rows.upper, rows.col_lower, rows.col_upper])


def _alike(rows: _Rows, like: _Rows, relevant: np.ndarray) -> bool:
    """Whether two programs of one shape differ at most in their finite `relevant` bounds."""
    if not (np.array_equal(rows.index, like.index) and np.array_equal(rows.value, like.value)):
        return False
    mine, theirs = _bounds(rows), _bounds(like)
    infinite = relevant & ~np.isfinite(theirs)
    return bool(np.array_equal(mine[infinite], theirs[infinite]))


def _relevant(program: Program, groups: list[_Group]) -> np.ndarray:
    """The bounds a draw's row groups read (`_bounds`' order): their rows' and their own columns'.
    A curve's columns are cut where progress reaches the cap, so their bounds move with the
    effects; the draws' curves are built here anyway, and those bounds are not read."""
    rows, cols = program.num_rows, program.num_cols
    in_groups = np.zeros(rows, dtype=bool)
    own = np.zeros(cols, dtype=bool)
    for group in groups:
        in_groups[group.rows] = True
        own[group.own] = True
    return np.concatenate([in_groups, in_groups, own, own])


def _scaled(scenario: Scenario, index: int, factor: float) -> Scenario:
    """The scenario with one stream's amounts, every year, times `factor`."""
    stream = scenario.streams[index]
    value = stream.amounts
    moved = {t: v * factor for t, v in value.items()} if isinstance(value, dict) else value * factor
    streams = list(scenario.streams)
    streams[index] = stream.model_copy(update={"amounts": moved})
    return scenario.model_copy(update={"streams": streams})


def _sources(b: Builder, amounts: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The plan's sources of money (streams, then pots) and each one's factor in every draw."""
    scenario = b.scenario
    index = {s.id: i for i, s in enumerate(scenario.streams)}
    by_pot = pot_factors(scenario, dict(b.spec.choice.shares), amounts)
    columns = [amounts[:, index[s]] for s in b.streams] + [by_pot[p] for p in b.pots]
    matrix = np.stack(columns, axis=1) if columns else np.ones((amounts.shape[0], 0))
    return list(b.streams) + list(b.pots), matrix


def _plan_columns(b: Builder, sources: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """For every column: which source's spend it is (-1: not the plan's) and on which outcome."""
    program, scenario = b.program, b.scenario
    source_of = {s: i for i, s in enumerate(sources)}
    outcome_index = {o.id: j for j, o in enumerate(scenario.outcomes)}
    plan_source = np.full(program.num_cols, -1, dtype=np.int64)
    outcome_of = np.full(program.num_cols, -1, dtype=np.int64)
    for s in b.streams:
        outcomes = np.array([outcome_index[o] for o in b.outcomes_of_stream[s]], dtype=np.int64)
        for t in b.years:
            run = b.x_by_stream_year.get((s, t))
            if run is None:
                continue  # no money to spend that year
            cols = np.asarray(run, dtype=np.int64)
            if len(cols) != len(outcomes):
                raise LaaError(f"stream {s}: its spend columns in {t} do not match the outcomes it may fund")
            plan_source[cols] = source_of[s]
            outcome_of[cols] = outcomes
    for p in b.pots:
        for o in scenario.scope(p):
            spent = np.asarray(b.q_cols(p, [o], b.years), dtype=np.int64)
            plan_source[spent] = source_of[p]
            outcome_of[spent] = outcome_index[o]
    return plan_source, outcome_of


def _groups(program: Program, central: _Rows, plan_source: np.ndarray) -> list[_Group]:
    """The central rows other than curves, grouped by the columns not the plan's they share."""
    families = [str(label.family) for label in program.row_labels]
    kept = [i for i, f in enumerate(families) if f not in CURVE_FAMILIES]
    curve_cols: set[int] = set()
    for i, f in enumerate(families):
        if f in CURVE_FAMILIES:
            cols, _ = central.row(i)
            curve_cols.update(cols[plan_source[cols] < 0].tolist())
    parent = {i: i for i in kept}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_row_of: dict[int, int] = {}
    for i in kept:
        cols, _ = central.row(i)
        for c in cols[plan_source[cols] < 0].tolist():
            if c in curve_cols:
                raise LaaError(f"column {c} is in a response curve and in row {program.row_labels[i].name}")
            if c in first_row_of:
                parent[find(i)] = find(first_row_of[c])
            else:
                first_row_of[c] = i
    members: dict[int, list[int]] = {}
    for i in kept:
        members.setdefault(find(i), []).append(i)
    groups = []
    for rows in members.values():
        entries = np.concatenate([np.arange(central.starts[i], central.starts[i + 1]) for i in rows])
        cols = central.index[entries]
        own = np.unique(cols[plan_source[cols] < 0])
        groups.append(_Group(np.array(rows, dtype=np.int64), own, entries, plan_source[cols]))
    return groups


def _copy_if_moved(matrix: Matrix, group: _Group, central: _Rows, own: _Rows, factor: np.ndarray) -> None:
    """Copy the group's rows from the draw's program unless the central ones already hold them.

    With the plan's spend moved by the draw's factors, the draw's rows hold whenever they are the
    central rows times one factor `g` (bounds, and the bounds of their own columns, too): the
    central solution's own columns times `g` then meets them.
    """
    entries, plan = group.entries, group.source >= 0
    if not np.array_equal(own.index[entries], central.index[entries]):
        raise LaaError("a draw's program differs in shape from the central one: it cannot share a plan")
    moved = own.value[entries].copy()
    moved[plan] *= factor[group.source[plan]]
    base = central.value[entries]
    same_own = np.allclose(moved[~plan], base[~plan], rtol=SAME, atol=0.0)
    rows, cols, was = group.rows, group.own, central
    new = [moved[plan], own.lower[rows], own.upper[rows], own.col_lower[cols], own.col_upper[cols]]
    old = [base[plan], was.lower[rows], was.upper[rows], was.col_lower[cols], was.col_upper[cols]]
    if same_own and _one_factor(np.concatenate(new), np.concatenate(old)):
        return
    made = matrix.columns(len(group.own), own.col_lower[group.own], own.col_upper[group.own])
    copies = dict(zip(group.own.tolist(), made.tolist(), strict=True))
    start = 0
    for i in group.rows.tolist():
        cols, _ = own.row(i)
        mapped = np.array([copies.get(c, c) for c in cols.tolist()], dtype=np.int64)
        matrix.row(mapped, moved[start : start + len(cols)], own.lower[i], own.upper[i])
        start += len(cols)


def _one_factor(new: np.ndarray, old: np.ndarray) -> bool:
    """Whether `new = g * old` for one `g > 0` (infinite and zero entries matching exactly)."""
    exact = ~np.isfinite(old) | (old == 0.0)
    if not np.array_equal(new[exact], old[exact]):
        return False
    if not exact.all():
        ratio = new[~exact] / old[~exact]
        g = ratio[0]
        if g <= 0 or np.abs(ratio - g).max() > SAME * g:
            return False
    return True


@dataclass(frozen=True)
class _Aggregate:
    """Per outcome, the plan's spend on it over the period, one column per way it moves in a draw."""

    columns: list[np.ndarray]  # per outcome: aggregate columns
    # per outcome: each aggregate column's source (-1: the sources that never move)
    sources: list[list[int]]


def _aggregate(
    b: Builder, matrix: Matrix, plan_source: np.ndarray, outcome_of: np.ndarray, source_factor: np.ndarray
) -> _Aggregate:
    """`Z[o, source] = sum over years of the source's spend on o`, so a draw's curve row is short.

    Sources whose money never moves in these draws share one column per outcome.
    """
    fixed = np.all(source_factor == 1.0, axis=0)
    spend = np.flatnonzero(outcome_of >= 0)
    columns, owners = [], []
    for j in range(len(b.scenario.outcomes)):
        cols = spend[outcome_of[spend] == j]
        group = np.where(fixed[plan_source[cols]], -1, plan_source[cols])
        keys = sorted(set(group.tolist()))
        made = matrix.columns(len(keys), lower=0.0)
        for key, z in zip(keys, made.tolist(), strict=True):
            part = cols[group == key]
            matrix.row(np.concatenate([[z], part]), np.concatenate([[1.0], -np.ones(len(part))]), 0.0, 0.0)
        columns.append(made)
        owners.append(keys)
    return _Aggregate(columns, owners)


def _spend(aggregate: _Aggregate, factor: np.ndarray) -> list[Terms | None]:
    """Per outcome, the plan's spend on it as one draw moves it: its aggregate columns and factors."""
    found: list[Terms | None] = []
    for z, owners in zip(aggregate.columns, aggregate.sources, strict=True):
        if len(z) == 0:  # nobody may fund it
            found.append(None)
        else:
            found.append((z, np.array([1.0 if s < 0 else float(factor[s]) for s in owners])))
    return found


def _curves(outcomes: list[Outcome], matrix: Matrix, spend: list[Terms | None], unit: float) -> Terms:
    """One draw's copy of every curve (its effects), on the plan's spend as it moves it: its score.

    A concave curve is the least of its segments' lines, so an outcome's progress in the draw is
    one column held under each line (and under the cap and the curve's end): a maximiser pushes
    it up to the curve. Spend beyond the widths, which a larger settlement can bring, achieves
    nothing, as the evaluator has it. Measured on the example (200 draws, cvar:0.1): a third of
    the columns and half the solve time of segment columns filled in order.
    """
    score_cols: list[int] = []
    score_vals: list[float] = []
    for outcome, terms in zip(outcomes, spend, strict=True):
        if terms is None:  # nobody may fund it: it scores nothing in any draw
            continue
        z, moved = terms
        bounded = [seg for seg in outcome.response if seg.spend is not None and seg.effect > 0]
        top = min(outcome.cap, sum(seg.effect for seg in bounded))
        progress = matrix.column(upper=top)
        spent = reached = 0.0  # where this segment's line starts (solver units, indicator units)
        for seg in bounded:
            if reached >= top:
                break  # the lines beyond the cap never bind
            slope = seg.slope * unit
            cols = np.concatenate([[progress], z])
            matrix.row(cols, np.concatenate([[1.0], -slope * moved]), upper=reached - slope * spent)
            spent += (seg.spend or 0.0) / unit
            reached += seg.effect
        score_cols.append(progress)
        score_vals.append(outcome.weight / outcome.gap)
    return np.array(score_cols, dtype=np.int64), np.array(score_vals)
