"""What choosing one plan among equals costs (issue 20): the engine's plan with the canonical
stages against the best score alone, the same scenario, the same process, ratios not seconds.

    PYTHONPATH=. .venv/bin/python -m benchmarks.canonical --sizes M,L --shapes all --repeat 1

For each size, shape and arrangement: the seconds from a validated scenario to a checked plan
(`plan_arrangement`) with the default priorities and with none (the best score alone), their
ratio, and the stages' own seconds. The goal: at most 1.5 times at L, median of the shapes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from laa.models.load import parse_scenario
from laa.models.scenario import Arrangement
from laa.pooling.solving.solvers import SolveOptions
from laa.scenarios.analysis.arrangements import plan_arrangement

from benchmarks.generate import SHAPES, generate, shapes_named

ARRANGEMENTS = (Arrangement.ALIGNED, Arrangement.POOLED)


def timed(scenario, arrangement: Arrangement, options: SolveOptions, repeat: int) -> tuple[float, object]:
    best, plan = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        plan = plan_arrangement(scenario, arrangement, options)
        best = min(best, time.perf_counter() - started)
    return best, plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="M,L")
    parser.add_argument("--shapes", default="standard")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    shapes = list(SHAPES) if args.shapes == "all" else shapes_named(args.shapes)
    rows = []
    for size in args.sizes.split(","):
        for shape in shapes:
            scenario = parse_scenario(generate(size, args.seed, shape), f"{shape}-{size}.yaml")
            for arrangement in ARRANGEMENTS:
                plain, plain_plan = timed(scenario, arrangement, SolveOptions(priorities=()), args.repeat)
                chosen, plan = timed(scenario, arrangement, SolveOptions(), args.repeat)
                stages = {s.priority: round(s.seconds, 3) for s in plan.choice.stages} if plan.choice else {}
                row = {
                    "size": size,
                    "shape": shape,
                    "arrangement": arrangement.value,
                    "best_score_alone_s": round(plain, 3),
                    "canonical_s": round(chosen, 3),
                    "ratio": round(chosen / plain, 2),
                    "score_gap": abs((plan.score or 0.0) - (plain_plan.score or 0.0)),
                    "stages_s": stages,
                    "complete": plan.choice.complete if plan.choice else None,
                }
                rows.append(row)
                print(json.dumps(row), flush=True)
    for size in args.sizes.split(","):
        ratios = [r["ratio"] for r in rows if r["size"] == size]
        median, worst = statistics.median(ratios), max(ratios)
        print(f"{size}: median ratio {median:.2f}, worst {worst:.2f} over {len(ratios)} programs")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
