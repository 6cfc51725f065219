"""`python -m benchmarks.programs`: the engine's program beside the independent floor's, per shape.

For each shape (benchmarks/generate.py) at one size, aligned and pooled: the
columns and rows of the program the engine builds and of the floor's
(benchmarks/independent.py), and HiGHS's simplex iterations and time on each,
both with HiGHS's default options, alternating. It says whether a gap between
the engine and the floor lies in the program HiGHS is given or outside the
solve; the scores are checked equal to 1e-6 first.
"""

from __future__ import annotations

import argparse
import time

from laa.models.load import parse_scenario
from laa.pooling.program.build import build
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.solving.solvers import highs_lp

from benchmarks.generate import generate, shapes_named
from benchmarks.independent import independent_floor, new_highs


def engine_run(scenario, pooled: bool) -> tuple[int, int, int, float, float]:
    """The engine's program under HiGHS's defaults: columns, rows, iterations, seconds, score."""
    choice = PoolingChoice.pooled(scenario) if pooled else PoolingChoice.aligned()
    program = build(ModelSpec(scenario, choice)).program
    h = new_highs()
    h.passModel(highs_lp(program))
    started = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - started
    info = h.getInfo()
    score = -info.objective_function_value
    return program.num_cols, program.num_rows, info.simplex_iteration_count, seconds, score


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.programs", description=__doc__)
    parser.add_argument("--size", default="L")
    parser.add_argument("--shapes", default="all")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    shapes = shapes_named(args.shapes)
    print("| shape | arrangement | columns engine / floor | rows engine / floor | iterations engine / floor "
          "| HiGHS s engine / floor |")
    print("|---|---|---|---|---|---|")
    for shape in shapes:
        scenario = parse_scenario(generate(args.size, args.seed, shape), "generated.yaml")
        for arrangement in ("aligned", "pooled"):
            cols, rows, iterations, seconds, score = engine_run(scenario, arrangement == "pooled")
            floor = independent_floor(scenario, arrangement)
            if floor.score is None or abs(floor.score - score) > 1e-6 * max(1.0, abs(score)):
                raise SystemExit(f"{shape} {arrangement}: the floor's score {floor.score} != {score}")
            print(
                f"| {shape} {args.size} | {arrangement} | {cols:,} / {floor.columns:,} "
                f"| {rows:,} / {floor.rows:,} | {iterations:,} / {floor.iterations:,} "
                f"| {seconds:.3f} / {floor.seconds:.3f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
