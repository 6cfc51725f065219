"""`python -m benchmarks.mip_options`: HiGHS's options on the optimal arrangement's program (issue 22).

The optimal arrangement's program is a MIP: a few dozen binaries (which pots
are set up, which streams are pooled whole) over the plan's linear program.
`laa.pooling.solvers.set_pooling_mip_options` runs it without presolve and
without the feasibility-jump heuristic, chosen on the standard shape alone.
For each draw of the random family (`benchmarks.family`) this times HiGHS on
that program under each setting, alternating, every one at the engine's gap
(1e-8) and checked to the same score (1e-6), as ratios to HiGHS's defaults:
an option is kept only where it holds on a seed it was not chosen on.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable

import highspy
from laa.models.load import parse_scenario
from laa.pooling.program.build import build
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.solving.solvers import SolveOptions, highs_lp, new_highs, set_pooling_mip_options

from benchmarks.family import area, family

SETTINGS: dict[str, Callable[[highspy.Highs], None]] = {
    "defaults": lambda h: None,
    "engine": set_pooling_mip_options,
    "no-presolve": lambda h: h.setOptionValue("presolve", "off"),
    "no-feasibility-jump": lambda h: h.setOptionValue("mip_heuristic_run_feasibility_jump", False),
}


def run(program, setting: Callable[[highspy.Highs], None]) -> tuple[float, float]:
    """Seconds of HiGHS's run on the program under `setting` at the engine's gap, and the score."""
    h = new_highs(SolveOptions())
    h.passModel(highs_lp(program))
    setting(h)
    started = time.perf_counter()
    h.run()
    taken = time.perf_counter() - started
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return taken, float("nan")
    return taken, -h.getInfo().objective_function_value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.mip_options", description=__doc__)
    parser.add_argument("--family", type=int, required=True, help="the random family's seed")
    parser.add_argument("--size", default="L")
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    names = list(SETTINGS)
    print("| draw | binaries | defaults s | " + " | ".join(f"{n} / defaults" for n in names[1:]) + " |")
    print("|---" * (len(names) + 2) + "|")
    ratios: dict[str, list[float]] = {n: [] for n in names[1:]}
    for d in family(args.size, args.family, args.count):
        scenario = parse_scenario(area(d), "drawn.yaml")
        choice = PoolingChoice.chosen_by_solver(scenario.partial_pooling)
        program = build(ModelSpec(scenario, choice)).program
        if not program.is_mip:
            continue
        taken: dict[str, list[float]] = {n: [] for n in names}
        score = float("nan")
        for _ in range(args.repeat):
            for name in names:
                seconds, found = run(program, SETTINGS[name])
                if name == "defaults":
                    score = found
                elif not (found == score or abs(found - score) <= 1e-6 * max(1.0, abs(score))):
                    raise SystemExit(f"{d.name} {name}: score {found} != {score}")
                taken[name].append(seconds)
        base = statistics.median(taken["defaults"])
        cells = []
        for name in names[1:]:
            ratio = statistics.median(taken[name]) / base
            ratios[name].append(ratio)
            cells.append(f"{ratio:.2f}")
        head = f"| {d.name} ({d.streams}x{d.outcomes}x{d.years}) | {sum(program.col_integer)} | {base:.3f} | "
        print(head + " | ".join(cells) + " |", flush=True)
    print()
    for name, found in ratios.items():
        ordered = sorted(found)
        p90 = ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]
        median = statistics.median(ordered)
        print(f"{name} / defaults: median {median:.2f}, 90th percentile {p90:.2f}, worst {ordered[-1]:.2f}")


if __name__ == "__main__":
    main()
