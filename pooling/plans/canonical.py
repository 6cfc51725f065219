"""One plan per scenario: the best plan chosen among equals by a stated rule.

An optimum is a face, not a point: most of a plan's columns can move
without changing the score, and which point a solver lands on depends on
the order of the file's lines and on the solver's path. Everything read off
a plan (targets met, reward, accounts, lines) would move with that
accident. So a plan is chosen in stages, each holding what the ones before
it reached:

1. the priorities in order (default: best score, then most targets met,
   then most reward). Score is held to `SCORE_TOLERANCE` of its best, the
   count of targets exactly, reward to `REWARD_TOLERANCE` of its best.
   Targets and reward are small mixed-integer programs over the optimal
   face: one binary per outcome that can meet its target, one per stretch
   target with a reward. Among equal counts, the set of targets met is the
   one a fixed weight per outcome (from a hash of its id, never its place
   in the file) prefers, so the choice does not follow the file's order;
   the optimal arrangement's pooling among equally good ones likewise.
2. the reference: with every choice above fixed, the one plan that moves
   the least money from a reference allocation (the scenario's `historic`
   spend when it has one, "least change from today"; otherwise nothing, so
   the plan commits no money that buys nothing and what is left lapses or
   is carried where allowed). Each pound on a line counts once, times a
   weight between 1 and 1.5 fixed by the line's ids; with weights in
   general position a linear program has exactly one optimal vertex, so the
   plan is a function of the scenario alone, whatever the solver's path.

A strictly convex objective (least squares) was the first choice for stage
2; HiGHS 1.16's quadratic solver failed ("Solve error") after 7.7 s on the
generated M area (a 5,433-column program whose linear optimum takes
0.15 s), so the rule is linear.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
from laa.pooling.program.labelled import INF, Program
from laa.pooling.program.vocabulary import (
    Departure,
    Excess,
    PoolShare,
    PotCarry,
    RewardEarned,
    RewardOn,
    RowFamily,
    RowLabel,
    Spend,
    StreamCarry,
    TargetMet,
)
from laa.pooling.solving.polish import polish
from laa.pooling.solving.priorities import Priority
from laa.pooling.solving.solvers import Solution, SolveOptions, solve

if TYPE_CHECKING:
    from laa.pooling.program.builder import Builder

# how far below its best the score may go while later stages choose (relative, at least absolute):
# the reference stage spends it (less money, a hair less score), so it is kept near the doubles'
# precision, and the stages keep their rows to STAGE_FEASIBILITY to honour it
SCORE_TOLERANCE = 1e-11
STAGE_FEASIBILITY = 1e-9
# reward is held to this share of its best (the stages keep their rows to STAGE_FEASIBILITY)
REWARD_TOLERANCE = 1e-9
# a target counts as met in the program when its capped progress reaches the gap to this share
MET_SHARE = 1.0 - 1e-8
REWARD_FROM = 0.6  # MODEL.md, Reward: nothing is paid below 60% of the enhancement
# the weights that break ties among equal counts add up to less than one target
TIE_BREAK_TOTAL = 0.5
# a line's weight in the reference stage lies in [1, 1 + LINE_WEIGHT_SPREAD)
LINE_WEIGHT_SPREAD = 0.5
# a reduced cost or dual (score per solver unit) beyond this is not zero: a solver's dual
# feasibility tolerance is 1e-7, so nothing smaller is trusted to mark a column off the face
FACE_DUAL = 1e-7
# carry, excess and continuous pooled shares weigh this little: they follow the lines
FOLLOWER_WEIGHT = 1e-3


@dataclass(frozen=True)
class Stage:
    """One stage of the choice: what it held, the value it reached, by which solver, and whether it
    finished (a stage stopped at its time limit keeps what the stages before it chose)."""

    priority: str  # a Priority, or "reference"
    value: float | None
    solver: str
    finished: bool
    seconds: float


@dataclass(frozen=True)
class Choice:
    """How a plan was chosen among equally good ones: the record a results document carries."""

    priorities: tuple[Priority, ...]
    reference: str  # "historic" or "none"
    stages: tuple[Stage, ...] = ()
    score_tolerance: float = SCORE_TOLERANCE
    reward_tolerance: float = REWARD_TOLERANCE

    @property
    def complete(self) -> bool:
        """Whether every stage finished, so the plan is the one the rule picks."""
        return all(s.finished for s in self.stages)

    def as_dict(self) -> dict[str, object]:
        """The record in the results document (`choice`); the stages' times are in the plan's
        `seconds` (`choose`), so the record is the same from run to run."""
        return {
            "priorities": [p.value for p in self.priorities],
            "reference": self.reference,
            "score_tolerance": self.score_tolerance,
            "reward_tolerance": self.reward_tolerance,
            "complete": self.complete,
            "stages": [
                {
                    "priority": s.priority,
                    "value": s.value,
                    "solver": s.solver,
                    "finished": s.finished,
                }
                for s in self.stages
            ],
        }


def unit_hash(*parts: object) -> float:
    """A number in [0, 1) fixed by ids alone (never by a place in a file or a process's hash seed)."""
    digest = hashlib.blake2b("\x1f".join(str(p) for p in parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _id_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def line_hashes(kind: str, source: str, year: int, outcomes: Sequence[str]) -> np.ndarray:
    """One number in [0, 1) per line of a source's year, fixed by its ids alone.

    Each line's number must be its own: weights that add up from parts (a source's plus an
    outcome's) cancel around every cycle of moves (A from o1 to o2, B from o2 to o1), so such
    swaps would tie. The ids' hashes are mixed by SplitMix64's finaliser, which no cycle undoes.
    """
    with np.errstate(over="ignore"):
        x = np.array([_id_hash(o) for o in outcomes], dtype=np.uint64)
        x ^= np.uint64(_id_hash(f"{kind}\x1f{source}\x1f{year}"))
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(31)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(29)
    return (x >> np.uint64(11)).astype(np.float64) / float(2**53)


@dataclass
class _Staged:
    """The builder's program with the columns and rows the stages need, and what they stand for."""

    program: Program
    original_cols: int
    score: dict[int, float]  # column -> score per unit
    targets: dict[str, int] = field(default_factory=dict)  # outcome -> TargetMet column
    rewards: dict[str, int] = field(default_factory=dict)  # outcome -> RewardEarned column (GBP m)
    reward_on: dict[str, int] = field(default_factory=dict)  # outcome -> RewardOn binary


def choose(
    b: Builder,
    best: Solution,
    options: SolveOptions,
    began: float | None = None,
) -> tuple[Solution, Choice]:
    """The plan the rule picks on `b`'s program, whose best score `best` reached, for
    `options.priorities`.

    On the optimal arrangement's mixed-integer program the pooling is chosen too (its binaries
    fixed for the reference stage, whose linear program then sets any continuous share exactly).
    `best`'s duals are kept: the shadow prices are the best-score program's.
    """
    began = time.perf_counter() if began is None else began
    assert best.values is not None
    priorities = tuple(options.priorities)
    reference = "historic" if b.scenario.historic else "none"
    staged = _stage(b, priorities)
    program = staged.program
    values = np.concatenate([_values(best), np.zeros(program.num_cols - len(_values(best)))])
    if priorities[0] is Priority.SCORE:
        _keep_to_face(staged, best)
    choosing = [k for k, p in enumerate(priorities) if _chooses_among_sets(staged, p)]
    last_discrete = choosing[-1] if choosing else None
    stages: list[Stage] = []
    holds: list[tuple[RowLabel, dict[int, float], float]] = []
    for k, priority in enumerate(priorities):
        if priority is Priority.SCORE and k == 0:
            stages.append(Stage(priority.value, best.objective, options.solver.value, True, best.seconds))
            holds.append(_hold_score(staged, float(best.objective or 0.0)))
            continue
        objective = _objective(staged, priority, last_discrete=k == last_discrete, b=b)
        if not objective:
            stages.append(Stage(priority.value, 0.0, options.solver.value, True, 0.0))
            continue
        if _settled(staged, priority):  # every binary fixed on the face: nothing to choose
            value = _value(staged, priority, _completed(staged, values))
            stages.append(Stage(priority.value, value, options.solver.value, True, 0.0))
            holds.append(_hold(staged, priority, value))
            continue
        sub = _with(program, objective, holds)
        solved = solve(sub, _stage_options(options.remaining(began), sub), start=_completed(staged, values))
        if not solved.ok:
            stages.append(Stage(priority.value, None, options.solver.value, False, solved.seconds))
            return _finish(best, _values(best), staged, priorities, reference, stages, b)
        values = _values(solved)[: program.num_cols]
        value = _value(staged, priority, values)
        stages.append(Stage(priority.value, value, options.solver.value, True, solved.seconds))
        holds.append(_hold(staged, priority, value))
    if program.is_mip and last_discrete is None:
        # no stage chose among sets, yet the pooling is a choice: pick it by the same weights
        pooling = _tie_breaks(staged, b, {})
        if pooling:
            sub = _with(program, pooling, holds)
            solved = solve(sub, _stage_options(options.remaining(began), sub))
            stages.append(Stage("pooling", None, options.solver.value, solved.ok, solved.seconds))
            if not solved.ok:
                return _finish(best, _values(best), staged, priorities, reference, stages, b)
            values = _values(solved)[: program.num_cols]
    fixed = _fixed_choices(program, values)
    objective = _reference_objective(b, fixed)
    sub = _with(fixed, objective, holds, minimise=True)
    solved = solve(sub, _stage_options(options.remaining(began), sub))
    stages.append(Stage("reference", None, options.solver.value, solved.ok, solved.seconds))
    # a mixed-integer stage's values keep rows only to its tolerance: without the reference's exact
    # vertex, the plan is the best-score one
    chosen = _values(solved) if solved.ok else _values(best)
    if solved.ok:
        # the vertex was found on the stage's program (CBC's to 8 digits), whose holds and
        # tolerances the plan's own program lacks: put it back together on the plan's program,
        # whose every row it must keep to 1e-9 of its money, pennies of a partial pooling included
        chosen = polish(b.program, chosen[: staged.original_cols])
    return _finish(best, chosen, staged, priorities, reference, stages, b)


def _values(solution: Solution) -> np.ndarray:
    """An optimal solution's values (a stage reads them only from a solve that finished)."""
    assert solution.values is not None
    return solution.values


def _finish(
    best: Solution,
    values: np.ndarray,
    staged: _Staged,
    priorities: tuple[Priority, ...],
    reference: str,
    stages: list[Stage],
    b: Builder,
) -> tuple[Solution, Choice]:
    cost = np.asarray(b.program.col_cost, dtype=np.float64)
    original = values[: staged.original_cols].copy()
    chosen = replace(best, values=original, objective=float(np.dot(cost, original)))
    return chosen, Choice(priorities, reference, tuple(stages))


def _settled(staged: _Staged, priority: Priority) -> bool:
    """Whether the face leaves a stage nothing to choose: its binaries all fixed, and (for reward)
    each outcome's progress fixed, so what it earns is known."""
    program = staged.program
    if priority is Priority.TARGETS:
        columns = list(staged.targets.values())
    elif priority is Priority.REWARD:
        columns = list(staged.reward_on.values())
    else:
        return False
    fixed = all(program.col_lower[j] == program.col_upper[j] for j in columns)
    return fixed and (priority is Priority.TARGETS or not staged.rewards or _rewards_fixed(staged))


def _rewards_fixed(staged: _Staged) -> bool:
    program = staged.program
    for o in staged.rewards:
        row = program.row_index[RowLabel(RowFamily.REWARD_FROM, outcome=o)]
        cols, _ = program.row_terms(row)
        if any(program.col_lower[c] != program.col_upper[c] for c in cols.tolist()):
            return False
    return True


def _completed(staged: _Staged, values: np.ndarray) -> np.ndarray:
    """`values` with the stage columns set as the plan they hold has them: a feasible start for a
    stage's search (each target met or not, each reward switched on and earned, as its progress says)."""
    program = staged.program
    done = values.copy()
    for o, z in staged.targets.items():
        row = program.row_index[RowLabel(RowFamily.TARGET_MET, outcome=o)]
        cols, coefs = program.row_terms(row)
        progress = float(np.dot(coefs[cols != z], done[cols[cols != z]]))
        met = progress >= -float(coefs[cols == z][0]) - 1e-12
        done[z] = 1.0 if met and program.col_upper[z] >= 1.0 else max(program.col_lower[z], 0.0)
    for o, on in staged.reward_on.items():
        row = program.row_index[RowLabel(RowFamily.REWARD_FROM, outcome=o)]
        cols, coefs = program.row_terms(row)
        progress = float(np.dot(coefs[cols != on], done[cols[cols != on]]))
        switched = progress >= -float(coefs[cols == on][0]) - 1e-12 and program.col_upper[on] >= 1.0
        done[on] = 1.0 if switched else max(program.col_lower[on], 0.0)
        earned = staged.rewards[o]
        limit = program.col_upper[earned] * done[on]
        slope = program.row_index.get(RowLabel(RowFamily.REWARD_SLOPE, outcome=o))
        if slope is not None:
            cols, coefs = program.row_terms(slope)
            others = cols != earned
            limit = min(limit, -float(np.dot(coefs[others], done[cols[others]])))
        done[earned] = max(limit, 0.0)
    return done


def _keep_to_face(staged: _Staged, best: Solution) -> None:
    """Fix what every plan of the best score shares, so the stages search the optimal face only.

    Complementary slackness: a column whose reduced cost is not zero sits at its bound in every
    optimal plan, and a row whose dual is not zero is tight in every one (any optimal duals will
    do). Fixing them changes no plan the stages may choose; it leaves the mixed-integer stages
    (and presolve) a far smaller program. A target or reward whose progress is then fixed needs
    no choosing: its binary is fixed too.
    """
    if best.reduced is None or best.shadow is None or best.values is None:
        return  # a mixed-integer program gives no duals: the stages search it whole
    program = staged.program
    n = staged.original_cols
    reduced, values = best.reduced, best.values
    for j in np.flatnonzero(np.abs(reduced) > FACE_DUAL).tolist():
        lower, upper = program.col_lower[j], program.col_upper[j]
        at = lower if abs(values[j] - lower) <= abs(values[j] - upper) else upper
        program.col_lower[j] = program.col_upper[j] = at
    for i in np.flatnonzero(np.abs(best.shadow) > FACE_DUAL).tolist():
        if best.shadow[i] < 0 and program.row_lower[i] > -INF:
            program.row_upper[i] = program.row_lower[i]  # a minimum that costs score: met exactly
        elif best.shadow[i] > 0 and program.row_upper[i] < INF:
            program.row_lower[i] = program.row_upper[i]  # a limit worth score: used to the full
    fixed = np.zeros(program.num_cols, dtype=bool)
    fixed[:n] = np.asarray(program.col_lower[:n]) == np.asarray(program.col_upper[:n])
    for outcome, z in list(staged.targets.items()) + list(staged.reward_on.items()):
        row = program.row_index[_switch_row(staged, outcome, z)]
        cols, coefs = program.row_terms(row)
        terms = [(c, v) for c, v in zip(cols.tolist(), coefs.tolist(), strict=True) if c != z]
        if all(fixed[c] for c, _ in terms):
            progress = sum(v * program.col_lower[c] for c, v in terms)
            threshold = -float(coefs[cols.tolist().index(z)])
            program.col_lower[z] = program.col_upper[z] = 1.0 if progress >= threshold else 0.0


def _switch_row(staged: _Staged, outcome: str, column: int) -> RowLabel:
    """The row that switches a target's or a reward's binary on."""
    family = RowFamily.TARGET_MET if staged.targets.get(outcome) == column else RowFamily.REWARD_FROM
    return RowLabel(family, outcome=outcome)


def _chooses_among_sets(staged: _Staged, priority: Priority) -> bool:
    """Whether a stage chooses among sets (of targets met, of rewards earned): the last that does
    carries the weights that make its choice one set."""
    if priority is Priority.TARGETS:
        return bool(staged.targets)
    return priority is Priority.REWARD and bool(staged.rewards)


def _stage_options(options: SolveOptions, program: Program) -> SolveOptions:
    """A stage's options: the plan's solver and time left, a gap fine enough to see the
    tie-breaking weights (they differ by less than HiGHS's default absolute gap of 1e-6), and for a
    mixed-integer stage presolve, which removes what the face fixed. The reference stage's linear
    program is not presolved: its vertex is the plan, and a presolved one comes back through
    postsolve a hair off the rows a plan must keep to 1e-9 of its money."""
    return replace(
        options,
        mip_gap=0.0,
        mip_abs_gap=1e-10,
        interior_point=False,
        presolve=True if program.is_mip else None,
        feasibility=STAGE_FEASIBILITY,
    )


def copy_program(program: Program) -> Program:
    """A program to add to without touching the builder's (which reads the plan back)."""
    return Program(
        col_lower=list(program.col_lower),
        col_upper=list(program.col_upper),
        col_cost=list(program.col_cost),
        col_integer=list(program.col_integer),
        runs=list(program.runs),
        row_labels=list(program.row_labels),
        row_lower=list(program.row_lower),
        row_upper=list(program.row_upper),
        _keys=list(program._keys),
        _index=dict(program._index),
        _run_at=dict(program._run_at),
        _run_starts=list(program._run_starts),
        _row_cols=list(program._row_cols),
        _row_vals=list(program._row_vals),
        row_index=dict(program.row_index),
    )


def _outcome_score(b: Builder, outcome: str) -> dict[int, float]:
    return dict(b.score_terms.get(outcome, []))


def _stage(b: Builder, priorities: tuple[Priority, ...]) -> _Staged:
    """The columns and rows of MODEL.md's targets and reward (see the module's docstring)."""
    program = copy_program(b.program)
    cost = np.asarray(b.program.col_cost, dtype=np.float64)
    score = {int(j): float(cost[j]) for j in np.flatnonzero(cost)}
    staged = _Staged(program, b.program.num_cols, score)
    for outcome in b.scenario.outcomes:
        terms = _outcome_score(b, outcome.id)
        if not terms:
            continue  # no money can reach it
        w = outcome.weight
        if Priority.TARGETS in priorities:
            z = program.column(TargetMet(outcome.id), upper=1.0, integer=True)
            staged.targets[outcome.id] = z
            # capped progress w*min(d,cap)/gap reaches w when the target is met
            program.row(
                RowLabel(RowFamily.TARGET_MET, outcome=outcome.id),
                [*terms.items(), (z, -w * MET_SHARE)],
                lower=0.0,
                upper=INF,
            )
        if Priority.REWARD in priorities and outcome.stretch is not None and outcome.reward > 0:
            _add_reward(staged, outcome.id, terms, w, outcome.gap, outcome.cap, outcome.reward / 1e6)
    return staged


def _add_reward(
    staged: _Staged, o: str, terms: dict[int, float], w: float, gap: float, cap: float, reward_m: float
) -> None:
    """MODEL.md's reward: `R * min(f, 1)` once `f >= 0.6`, f the share of the enhancement achieved.

    With `s` the outcome's capped score `w*min(d,cap)/gap` and `on` a binary: earned <= R*on;
    earned <= K*(s/w - on) with K = R*gap/(cap-gap) (the reward's slope, shifted so that `on = 0`
    allows nothing more than zero); and `s >= w*(1 + 0.6*(cap-gap)/gap) * on`.
    """
    program = staged.program
    on = program.column(RewardOn(o), upper=1.0, integer=True)
    earned = program.column(RewardEarned(o), upper=reward_m)
    program.row(RowLabel(RowFamily.REWARD, outcome=o), [(earned, 1.0), (on, -reward_m)], upper=0.0)
    enhancement = cap - gap
    if enhancement > 1e-12 * gap:
        k = reward_m * gap / enhancement
        program.row(
            RowLabel(RowFamily.REWARD_SLOPE, outcome=o),
            [(earned, 1.0), *((c, -k * v / w) for c, v in terms.items()), (on, k)],
            upper=0.0,
        )
        threshold = w * (1.0 + REWARD_FROM * enhancement / gap)
    else:
        threshold = w * MET_SHARE  # a stretch equal to the target: paid in full once met
    program.row(
        RowLabel(RowFamily.REWARD_FROM, outcome=o),
        [*terms.items(), (on, -threshold)],
        lower=0.0,
        upper=INF,
    )
    staged.rewards[o] = earned
    staged.reward_on[o] = on


def _objective(staged: _Staged, priority: Priority, last_discrete: bool, b: Builder) -> dict[int, float]:
    """What a stage maximises; the last stage that chooses among sets adds the tie-breaking weights."""
    if priority is Priority.SCORE:
        return dict(staged.score)
    if priority is Priority.TARGETS:
        if not staged.targets:
            return {}
        objective = {z: 1.0 for z in staged.targets.values()}
    else:
        if not staged.rewards:
            return {}
        objective = dict.fromkeys(staged.rewards.values(), 1.0)
    if last_discrete:
        objective.update(_tie_breaks(staged, b, objective))
    return objective


def _tie_breaks(staged: _Staged, b: Builder, objective: dict[int, float]) -> dict[int, float]:
    """Weights that pick one set among equal counts by the outcomes' and streams' ids: each binary's
    weight is a hash of its ids, scaled so that all of them add up to less than one target (or one
    solver unit of reward); pooling a stream weighs against, so a stream is pooled only when that
    buys something."""
    binaries: list[tuple[int, float]] = [(z, unit_hash("target", o)) for o, z in staged.targets.items()]
    binaries += [(on, unit_hash("reward", o)) for o, on in staged.reward_on.items()]
    program = staged.program
    pooling = [
        (j, unit_hash("pool", key.stream))
        for key, j in program.keys_of(PoolShare)
        if program.col_integer[j]
    ]
    count = len(binaries) + len(pooling)
    if not count:
        return {}
    scale = TIE_BREAK_TOTAL / (count + 1)
    weights = {j: objective.get(j, 0.0) + scale * (0.5 + 0.5 * h) for j, h in binaries}
    weights.update({j: -scale * (0.5 + 0.5 * h) for j, h in pooling})
    return weights


def _value(staged: _Staged, priority: Priority, values: np.ndarray) -> float:
    """A stage's reached value, as MODEL.md counts it (score, targets met, reward in pounds)."""
    if priority is Priority.SCORE:
        return float(sum(v * values[j] for j, v in staged.score.items()))
    if priority is Priority.TARGETS:
        return float(round(sum(values[z] for z in staged.targets.values())))
    return float(sum(values[r] for r in staged.rewards.values())) * 1e6


def _hold_score(staged: _Staged, best: float) -> tuple[RowLabel, dict[int, float], float]:
    return RowLabel(RowFamily.HOLD_SCORE), staged.score, best - SCORE_TOLERANCE * max(1.0, abs(best))


def _hold(staged: _Staged, priority: Priority, value: float) -> tuple[RowLabel, dict[int, float], float]:
    """The row that keeps a stage's value while later stages choose."""
    if priority is Priority.SCORE:
        return _hold_score(staged, value)
    if priority is Priority.TARGETS:
        return RowLabel(RowFamily.HOLD_TARGETS), {z: 1.0 for z in staged.targets.values()}, value - 0.5
    reward_m = value / 1e6
    return (
        RowLabel(RowFamily.HOLD_REWARD),
        dict.fromkeys(staged.rewards.values(), 1.0),
        reward_m - REWARD_TOLERANCE * max(1.0, abs(reward_m)),
    )


def _with(
    program: Program,
    objective: dict[int, float],
    holds: Iterable[tuple[RowLabel, dict[int, float], float]],
    minimise: bool = False,
) -> Program:
    """`program` with `objective` (maximised, or minimised) and every hold as a row."""
    sub = copy_program(program)
    sign = -1.0 if minimise else 1.0
    sub.col_cost = [0.0] * sub.num_cols
    for j, v in objective.items():
        sub.col_cost[j] = sign * v
    for label, terms, lower in holds:
        sub.row(label, list(terms.items()), lower=lower, upper=INF)
    return sub


def _fixed_choices(program: Program, values: np.ndarray) -> Program:
    """The program with every binary fixed where the stages left it: a linear program."""
    fixed = copy_program(program)
    for j in np.flatnonzero(np.asarray(program.col_integer)).tolist():
        v = float(round(values[j]))
        fixed.col_lower[j] = fixed.col_upper[j] = v
        fixed.col_integer[j] = False
    return fixed


def _reference_objective(b: Builder, program: Program) -> dict[int, float]:
    """Money moved from the reference, each line weighted in [1, 1.5) by its ids; carry, excess and
    continuous pooled shares follow at a thousandth. With a historic reference, a line's departure
    either way is a pair of columns (`Departure`)."""
    objective: dict[int, float] = {}
    historic: dict[tuple[str, str, int], float] = {}
    for h in b.scenario.historic or []:
        historic[(h.stream, h.outcome, h.year)] = historic.get((h.stream, h.outcome, h.year), 0.0) + h.amount
    for run in program.runs:
        weights = line_weights(run.kind.__name__, run.source, run.year, run.outcomes)
        for offset, o in enumerate(run.outcomes):
            j = run.columns.start + offset
            weight = float(weights[offset])
            was = historic.get((run.source, o, run.year), 0.0) if run.kind is Spend else 0.0
            if was > 0:
                up = program.column(Departure(run.source, o, run.year, True))
                down = program.column(Departure(run.source, o, run.year, False))
                program.row(
                    RowLabel(RowFamily.DEPARTURE, stream=run.source, outcome=o, years=(run.year,)),
                    [(j, 1.0), (up, -1.0), (down, 1.0)],
                    lower=was / b.unit,
                    upper=was / b.unit,
                )
                objective[up] = objective[down] = weight
            else:
                objective[j] = weight
    objective.update(follower_weights(program))
    return objective


def line_weights(kind: str, source: str, year: int, outcomes: Sequence[str]) -> np.ndarray:
    """The weight of each pound on a source's lines of a year in the reference stage, in [1, 1.5)."""
    return 1.0 + LINE_WEIGHT_SPREAD * line_hashes(kind, source, year, outcomes)


def follower_weights(program: Program) -> dict[int, float]:
    """Carry, excess and continuous pooled shares at a thousandth of a line's weight: they follow
    the lines, and their own weights (by ids) settle them when the lines leave them free."""
    weights: dict[int, float] = {}
    for kind in (StreamCarry, PotCarry, Excess, PoolShare):
        for key, j in program.keys_of(kind):
            if not program.col_integer[j] and program.col_lower[j] != program.col_upper[j]:
                weights[j] = FOLLOWER_WEIGHT * (1.0 + unit_hash(kind.__name__, *_fields(key)))
    return weights


def least_money(program: Program) -> dict[int, float]:
    """The reference stage's objective with no reference: each line and follower by its weight
    (for plans chosen outside this module's stages, such as the fair plan)."""
    objective: dict[int, float] = {}
    for run in program.runs:
        weights = line_weights(run.kind.__name__, run.source, run.year, run.outcomes)
        objective.update(zip(run.columns, weights.tolist(), strict=True))
    objective.update(follower_weights(program))
    return objective


def _fields(key: object) -> tuple[object, ...]:
    return tuple(getattr(key, f) for f in getattr(key, "__slots__", ()))

