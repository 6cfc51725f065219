"""`python -m benchmarks.simplex`: which simplex, with or without presolve, solves a plan from scratch.

For each shape (benchmarks/generate.py) at each size, aligned and pooled: HiGHS's time on the
independent floor's program with its default options (dual simplex after presolve), and on the
engine's own program under dual and primal simplex, each with and without presolve, as ratios
to the floor; then the engine's choice (`laa.pooling.solving.solvers.set_lp_options`: no presolve, primal
from `PRIMAL_FROM_ROWS` rows). The runs alternate within a row and every score is checked equal
to the floor's to 1e-6 first. This is the measurement behind `PRIMAL_FROM_ROWS`.
"""

from __future__ import annotations

import argparse
import time

import highspy
from laa.models.load import parse_scenario
from laa.pooling.program.build import build
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.solving.solvers import DUAL_SIMPLEX, PRIMAL_SIMPLEX, cold_simplex, highs_lp

from benchmarks.generate import generate, shapes_named
from benchmarks.independent import independent_program, new_highs

SETTINGS = {
    "dual": (DUAL_SIMPLEX, True),
    "dual, no presolve": (DUAL_SIMPLEX, False),
    "primal": (PRIMAL_SIMPLEX, True),
    "primal, no presolve": (PRIMAL_SIMPLEX, False),
}


def seconds(lp: highspy.HighsLp, simplex: int | None = None, presolve: bool = True) -> tuple[float, float]:
    """HiGHS's run on `lp` (None: its default options): seconds and the score."""
    h = new_highs()
    if simplex is not None:
        h.setOptionValue("simplex_strategy", simplex)
    if not presolve:
        h.setOptionValue("presolve", "off")
    h.passModel(lp)
    started = time.perf_counter()
    h.run()
    return time.perf_counter() - started, -h.getInfo().objective_function_value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.simplex", description=__doc__)
    parser.add_argument("--sizes", default="L,XL")
    parser.add_argument("--shapes", default="all")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    shapes = shapes_named(args.shapes)
    names = list(SETTINGS)
    print("| case | rows | floor s | " + " | ".join(names) + " | engine's choice |")
    print("|---" * (len(names) + 4) + "|")
    for size in args.sizes.split(","):
        for shape in shapes:
            scenario = parse_scenario(generate(size, args.seed, shape), "generated.yaml")
            for arrangement in ("aligned", "pooled"):
                pooled = arrangement == "pooled"
                choice = PoolingChoice.pooled(scenario) if pooled else PoolingChoice.aligned()
                program = build(ModelSpec(scenario, choice)).program
                floor, score = seconds(independent_program(scenario, pooled=pooled))
                ratios = []
                for name in names:
                    taken, found = seconds(highs_lp(program), *SETTINGS[name])
                    if abs(found - score) > 1e-6 * max(1.0, abs(score)):
                        raise SystemExit(f"{shape} {size} {arrangement} {name}: score {found} != {score}")
                    ratios.append(taken / floor)
                chosen = "primal" if cold_simplex(program.num_rows) == PRIMAL_SIMPLEX else "dual"
                print(
                    f"| {shape} {size} {arrangement} | {program.num_rows:,} | {floor:.3f} | "
                    + " | ".join(f"{r:.2f}" for r in ratios)
                    + f" | {chosen}, no presolve: {ratios[names.index(chosen + ', no presolve')]:.2f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
