"""`python -m benchmarks.simplex`: HiGHS's options on the engine's program, as ratios to the floor.

For each case (a draw of the random family, `benchmarks.family`, or a named
shape, `benchmarks.generate`), aligned and pooled: HiGHS's time on the
independent floor's program with its default options, and on the engine's
own program under each setting, as ratios to the floor. The runs alternate
within a row and every score is checked equal to the floor's to 1e-6 first.

This is the measurement an option of `laa.pooling.solvers.set_lp_options`
must pass (issue 22): chosen on one seed's family, checked on another's.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import highspy
from laa.models.load import parse_scenario
from laa.models.scenario import Scenario
from laa.pooling.program.build import build
from laa.pooling.program.labelled import Program
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.solving.solvers import PRIMAL_SIMPLEX, highs_lp, set_lp_options

from benchmarks.family import area, family
from benchmarks.generate import generate, shapes_named
from benchmarks.independent import independent_program, new_highs

Setting = Callable[[highspy.Highs, Program], None]


def _options(**values: Any) -> Setting:
    def apply(h: highspy.Highs, program: Program) -> None:
        for name, value in values.items():
            h.setOptionValue(name, value)

    return apply


SETTINGS: dict[str, Setting] = {
    "defaults": _options(),  # HiGHS's: dual simplex after presolve
    "engine": set_lp_options,  # what the engine sets today
    "no-presolve": _options(presolve="off"),
    "primal": _options(simplex_strategy=PRIMAL_SIMPLEX),
    "primal-no-presolve": _options(simplex_strategy=PRIMAL_SIMPLEX, presolve="off"),
    "pami": _options(simplex_strategy=3, parallel="on"),  # HiGHS's parallel dual simplex
    "hipo": _options(solver="hipo"),  # HiGHS's new interior point method, with crossover
}


def seconds(lp: highspy.HighsLp, program: Program | None, setting: Setting | None) -> tuple[float, float]:
    """HiGHS's run on `lp` under `setting` (None: its default options): seconds and the score."""
    h = new_highs()
    h.passModel(lp)
    if setting is not None and program is not None:
        setting(h, program)
    started = time.perf_counter()
    h.run()
    taken = time.perf_counter() - started
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return taken, float("nan")
    return taken, -h.getInfo().objective_function_value


def measure(scenario: Scenario, pooled: bool, names: list[str], repeat: int, same: bool) -> dict[str, Any]:
    """The floor under HiGHS's defaults, and the engine's program (with `same`, the floor's too) under
    each setting, alternating, medians of `repeat`; every score checked against the floor's first."""
    choice = PoolingChoice.pooled(scenario) if pooled else PoolingChoice.aligned()
    program = build(ModelSpec(scenario, choice)).program
    floor_lp = independent_program(scenario, pooled=pooled)
    floors: list[float] = []
    taken: dict[str, list[float]] = {n: [] for n in names}
    theirs: dict[str, list[float]] = {n: [] for n in names}
    score = float("nan")
    for _ in range(repeat):
        seconds_, score = seconds(floor_lp, None, None)
        floors.append(seconds_)
        for setting in names:
            programs = [(highs_lp(program), taken)] + ([(floor_lp, theirs)] if same else [])
            for lp, into in programs:
                spent, found = seconds(lp, program, SETTINGS[setting])
                if not _same(found, score):
                    raise SystemExit(f"{setting}: score {found} != the floor's {score}")
                into[setting].append(spent)
    floor = statistics.median(floors)
    row: dict[str, Any] = {"rows": program.num_rows, "floor": floor}
    row["ratios"] = {n: statistics.median(taken[n]) / floor for n in names}
    if same:
        row["same"] = {n: statistics.median(taken[n]) / statistics.median(theirs[n]) for n in names}
    return row


def _same(a: float, b: float) -> bool:
    """Equal scores to 1e-6 (both NaN: both infeasible, which times the proof)."""
    if a != a or b != b:
        return a != a and b != b
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def spread(ratios: list[float]) -> str:
    """Median, 90th percentile (nearest rank) and worst."""
    ordered = sorted(ratios)
    p90 = ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]
    return f"median {statistics.median(ordered):.2f}, 90th percentile {p90:.2f}, worst {ordered[-1]:.2f}"


def cases(args: argparse.Namespace) -> Iterator[tuple[str, Scenario]]:
    """The named shapes at --sizes, or the first --count draws of --family's seed at --size."""
    if args.family is not None:
        for d in family(args.size, args.family, args.count):
            if args.only and d.index not in args.only:
                continue
            yield f"{d.name} ({d.streams}x{d.outcomes}x{d.years})", parse_scenario(area(d), "drawn.yaml")
        return
    for size in args.sizes.split(","):
        for shape in shapes_named(args.shapes):
            yield f"{shape} {size}", parse_scenario(generate(size, args.seed, shape), "generated.yaml")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.simplex", description=__doc__)
    parser.add_argument("--sizes", default="L,XL", help="named shapes' sizes")
    parser.add_argument("--shapes", default="all")
    parser.add_argument("--seed", type=int, default=0, help="named shapes' seed")
    parser.add_argument("--family", type=int, default=None, help="the random family's seed (not the shapes)")
    parser.add_argument("--size", default="L", help="the family's size class: L or XL")
    parser.add_argument("--count", type=int, default=20, help="draws of the family")
    parser.add_argument("--only", type=lambda t: {int(i) for i in t.split(",")}, default=None)
    parser.add_argument("--settings", default=",".join(SETTINGS), help="comma-separated")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, alternating; medians")
    parser.add_argument("--same", action="store_true", help="also the floor's program under each setting")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.settings.split(",") if n.strip()]
    if unknown := [n for n in names if n not in SETTINGS]:
        parser.error(f"unknown settings {unknown}; choose from {list(SETTINGS)}")
    header = [f"{n} / floor" for n in names]
    if args.same:
        header += [f"{n}: engine / floor's program under it" for n in names]
    print("| case | arrangement | rows | floor s | " + " | ".join(header) + " |")
    print("|---" * (len(header) + 4) + "|")
    rows: list[dict[str, Any]] = []
    for name, scenario in cases(args):
        for arrangement in ("aligned", "pooled"):
            row = measure(scenario, arrangement == "pooled", names, args.repeat, args.same)
            row.update(case=name, arrangement=arrangement)
            rows.append(row)
            cells = [f"{row['ratios'][n]:.2f}" for n in names]
            cells += [f"{row['same'][n]:.2f}" for n in names] if args.same else []
            head = f"| {name} | {arrangement} | {row['rows']:,} | {row['floor']:.3f} | "
            print(head + " | ".join(cells) + " |", flush=True)
    print()
    for setting in names:
        text = f"{setting} / floor: {spread([r['ratios'][setting] for r in rows])}"
        if args.same:
            text += f"; engine / floor's program under it: {spread([r['same'][setting] for r in rows])}"
        print(text)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
