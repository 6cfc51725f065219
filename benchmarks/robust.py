"""`python -m benchmarks.robust`: robust planning's goals (issue 17), measured.

1. The command a finance lead runs, `laa run examples/northbridge.yaml --robust cvar:0.1 --draws
   200 --seed S --format json`, timed end to end in a fresh process (wall clock), beside the
   plain `laa run examples/northbridge.yaml --format json` in the same run (the ratio is what a
   busy machine cannot fake), with its CPU seconds; and from its record, each robust plan's p5 on
   the fresh draws against the deterministic plan's. Goal: under 30 s, p5 at least the
   deterministic plan's. The same plans are then judged again on 4000 fresh draws (`--recheck`),
   since a p5 from 1000 draws moves by a few hundredths from one sample to the next.
2. The program's size and HiGHS's time per draw (cvar:0.1, aligned), at the generated S and M
   areas and at the example, for N = 25, 50, 100, ... draws, beside HiGHS on the deterministic
   program of the same area; the N doubles until the plan (building the stacked program, which
   builds each draw's, and solving it) takes over a minute, and the largest N under a minute
   is reported.

The generated areas carry the example's uncertainty (effects 0.2, amounts 0.05).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from laa.models.load import load_scenario, parse_scenario
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.program.build import build
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.robust.against_draws import Measure, plan_against_draws
from laa.pooling.solving.solvers import SolveOptions, solve
from laa.scenarios.analysis.robust import DrawSet, RobustPlan, RobustRun, robust_plans

from benchmarks.generate import generate

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "northbridge.yaml"
LAA = str(Path(sys.executable).parent / "laa")
MINUTE = 60.0


def command(args: list[str]) -> tuple[float, float, dict[str, Any]]:
    """Wall-clock and CPU seconds of `laa ARGS --format json` in a fresh process, and its document."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([LAA, *args, "--format", "json"], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"laa {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return seconds, cpu, json.loads(done.stdout)


def fresh_figures(fresh: dict[str, Any]) -> dict[str, float]:
    """The goal's figures from a plan's out-of-sample judgement: p5 and the measure, robust and
    deterministic."""
    return {
        "p5": fresh["robust"]["p5"],
        "deterministic_p5": fresh["deterministic"]["p5"],
        "cvar": fresh["robust"]["measure"],
        "deterministic_cvar": fresh["deterministic"]["measure"],
    }


def p5_met(row: dict[str, Any]) -> str:
    """The goal, said: the robust plan's fresh p5 at least the deterministic plan's."""
    return "met" if row["p5"] >= row["deterministic_p5"] else "NOT met"


def goal(seeds: list[int]) -> list[dict[str, Any]]:
    found = []
    for seed in seeds:
        plain, plain_cpu, _ = command(["run", str(EXAMPLE)])
        args = ["run", str(EXAMPLE), "--robust", "cvar:0.1", "--draws", "200", "--seed", str(seed)]
        robust, robust_cpu, document = command(args)
        for record in document["arrangements"]:
            r = record["robust"]
            if r is None:
                continue
            fresh = r["out_of_sample"]
            row = {
                "seed": seed,
                "arrangement": record["arrangement"],
                "seconds": robust,
                "plain_seconds": plain,
                "ratio": robust / plain,
                "cpu_seconds": robust_cpu,
                "plain_cpu_seconds": plain_cpu,
                **fresh_figures(fresh),
                "mean": fresh["robust"]["mean"],
                "deterministic_mean": fresh["deterministic"]["mean"],
                "central_cost": r["central"]["cost"],
            }
            found.append(row)
            met = p5_met(row)
            print(
                f"seed {seed} {row['arrangement']:8} laa run --robust cvar:0.1 --draws 200: {robust:5.1f} s "
                f"wall, {robust_cpu:5.1f} s CPU (plain laa run {plain:4.1f} s, {plain_cpu:4.1f} s CPU: "
                f"{row['ratio']:.1f}x wall); fresh p5 {row['p5']:.3f} vs "
                f"deterministic {row['deterministic_p5']:.3f} ({met}); "
                f"fresh cvar:0.1 {row['cvar']:.3f} vs {row['deterministic_cvar']:.3f}",
                flush=True,
            )
    return found


def recheck(seeds: list[int], fresh_draws: int) -> list[dict[str, Any]]:
    """The goal's plans again in this process, judged on `fresh_draws` fresh draws of the same seed:
    a p5 from 1000 draws moves by a few hundredths from one fresh sample to the next."""
    scenario = load_scenario(EXAMPLE)
    found = []
    for seed in seeds:
        run = RobustRun.make(scenario, Measure.parse("cvar:0.1"), 200, seed, fresh_draws=fresh_draws)
        for plan in robust_plans(run, [Arrangement.ALIGNED, Arrangement.POOLED]):
            assert isinstance(plan, RobustPlan) and plan.robust is not None, plan.message
            fresh = plan.robust.out_of_sample
            row = {
                "seed": seed,
                "arrangement": plan.arrangement.value,
                "fresh_draws": fresh_draws,
                **fresh_figures(fresh),
            }
            found.append(row)
            met = p5_met(row)
            print(
                f"seed {seed} {row['arrangement']:8} on {fresh_draws} fresh draws: p5 {row['p5']:.3f} vs "
                f"deterministic {row['deterministic_p5']:.3f} ({met}); cvar:0.1 {row['cvar']:.3f} vs "
                f"{row['deterministic_cvar']:.3f}",
                flush=True,
            )
    return found


def uncertain(doc: dict[str, Any]) -> Scenario:
    doc = dict(doc, effect_uncertainty=0.2, amount_uncertainty=0.05)
    return parse_scenario(doc)


def per_draw(name: str, scenario: Scenario, start: int) -> list[dict[str, Any]]:
    """cvar:0.1 plans against growing N until one takes over a minute (build and solve)."""
    spec = ModelSpec(scenario, PoolingChoice.aligned())
    central = build(spec).program
    deterministic = statistics.median(solve(central, SolveOptions()).seconds for _ in range(5))
    found = []
    n = start
    while True:
        draws = DrawSet.make(scenario, n, 1).scenarios
        solved = plan_against_draws(spec, Arrangement.ALIGNED, draws, Measure.parse("cvar:0.1"))
        size, seconds = solved.size, solved.seconds
        assert size is not None
        row = {
            "area": name,
            "draws": n,
            "columns": size.columns,
            "rows": size.rows,
            "nonzeros": size.nonzeros,
            "central_columns": central.num_cols,
            "central_rows": central.num_rows,
            "build_seconds": seconds["build"],
            "highs_seconds": seconds["solve"],
            "highs_ms_per_draw": 1000 * seconds["solve"] / n,
            "deterministic_highs_ms": 1000 * deterministic,
            "per_draw_vs_deterministic": seconds["solve"] / n / deterministic,
            "status": solved.status.value,
        }
        found.append(row)
        print(
            f"{name:8} N={n:5}: {size.columns:8,} cols {size.rows:8,} rows {size.nonzeros:10,} nnz; build "
            f"{row['build_seconds']:6.2f} s, HiGHS {row['highs_seconds']:7.2f} s = "
            f"{row['highs_ms_per_draw']:7.2f} ms a draw ({row['per_draw_vs_deterministic']:.1f}x the "
            f"deterministic solve's {row['deterministic_highs_ms']:.1f} ms); {row['status']}",
            flush=True,
        )
        if row["build_seconds"] + row["highs_seconds"] > MINUTE or row["status"] != "optimal":
            break
        n *= 2
    under = [r["draws"] for r in found if r["build_seconds"] + r["highs_seconds"] <= MINUTE]
    print(f"{name}: the largest N measured under a minute: {max(under) if under else 'none'}", flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.robust", description=__doc__)
    parser.add_argument("--seeds", default="0,1,2", help="seeds of the goal run (comma-separated)")
    parser.add_argument("--sizes", default="S,M,example", help="areas of the per-draw table")
    parser.add_argument("--start", type=int, default=25, help="the first N of the per-draw table")
    parser.add_argument("--recheck", type=int, default=4000, help="fresh draws of the goal's recheck")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",") if s]
    result: dict[str, Any] = {"goal": goal(seeds), "recheck": recheck(seeds, args.recheck)}
    result["per_draw"] = []
    for size in [s for s in args.sizes.split(",") if s]:
        scenario = load_scenario(EXAMPLE) if size == "example" else uncertain(generate(size))
        result["per_draw"] += per_draw(size, scenario, args.start)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
