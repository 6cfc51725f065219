"""`python -m benchmarks.partners`: `laa partners`, and its coalition plans in place against rebuilt.

For each scenario (the example area's 10 funders and a generated area of
12 funders) it times, in one process:

- `laa partners` whole (in process: the arrangements' plans, every
  funder's accounts, the exact Shapley shares of both gains, the fair plans
  and the ranges for aligned and pooled), and the share of it spent inside
  HiGHS (`Highs.run` of the kept programs, and the arrangements' solves);
- the coalition plans behind the shares as `laa partners` makes them
  (re-solved in place, Gray-code order), per plan;
- the same plans rebuilt from scratch, as the engine plans any
  arrangement: `plan_silo` with the coalition as one planner (every
  planner's program and the area's built and solved afresh, the plan read
  back and re-scored) and `optimise` with the coalition's pooling choice
  fixed. Every coalition at 10 funders; at 12, a seeded sample of
  `--sample` coalitions of each kind (a full rebuild would take tens of
  minutes on this machine), timed per plan.

Both paths must give every coalition the same score to 1e-6 before any
time is printed.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from laa.models.load import load_scenario, parse_scenario
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.partners.coalitions import AligningPlans, PoolingPlans
from laa.pooling.plans.optimise import optimise
from laa.pooling.plans.planners import silo_funders
from laa.pooling.plans.silo import plan_silo
from laa.pooling.program.spec import ModelSpec
from laa.scenarios.analysis.partners import partners

from benchmarks.generate import Size, generate

ROOT = Path(__file__).resolve().parents[1]
TWELVE = Size("P12", 60, 40, 3)  # 60 streams from 12 funders (the generator gives a funder 5 streams)


def twelve_funders(seed: int) -> Scenario:
    return parse_scenario(generate(TWELVE, seed), "generated-12-funders.yaml")


def gray(funders: list[str]) -> list[frozenset[str]]:
    masks = [k ^ (k >> 1) for k in range(1 << len(funders))]
    return [frozenset(f for i, f in enumerate(funders) if m >> i & 1) for m in masks]


def in_place(scenario: Scenario, coalitions: list[frozenset[str]]) -> dict[str, Any]:
    """Every coalition's plan of both kinds, re-solved in place (as the shares are computed)."""
    started, cpu = time.perf_counter(), time.process_time()
    aligning = AligningPlans(scenario)
    built_aligning = time.perf_counter() - started
    scores_a = {}
    for c in coalitions:
        if len(c) > 1:
            scores_a[c] = aligning.plan(c).score
    seconds_a, cpu_a = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    pooling = PoolingPlans(scenario)
    scores_p = {}
    seen: set[frozenset[str]] = set()
    for c in coalitions:
        paying = c & pooling.poolers
        if paying not in seen:  # as laa partners does: a funder with nothing to pool changes nothing
            seen.add(paying)
            scores_p[paying] = pooling.plan(paying).score
    seconds_p, cpu_p = time.perf_counter() - started, time.process_time() - cpu
    highs = sum(k.highs_seconds for k in aligning.kept) + pooling.kept.highs_seconds
    return {
        "aligning": scores_a,
        "pooling": scores_p,
        "aligning_seconds": seconds_a,
        "aligning_build_seconds": built_aligning,
        "pooling_seconds": seconds_p,
        "aligning_cpu": cpu_a,
        "pooling_cpu": cpu_p,
        "highs_seconds": highs,
    }


def rebuilt(
    scenario: Scenario, aligning: list[frozenset[str]], pooling: list[frozenset[str]]
) -> dict[str, Any]:
    funders = silo_funders(scenario)
    game = PoolingPlans(scenario)  # only for each coalition's pooling choice
    scores_a, scores_p = {}, {}
    started, cpu = time.perf_counter(), time.process_time()
    for c in aligning:
        planners = {"+".join(sorted(c)): c} | {f: frozenset({f}) for f in funders if f not in c}
        scores_a[c] = plan_silo(scenario, None, planners).score
    seconds_a, cpu_a = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    for c in pooling:
        scores_p[c] = optimise(ModelSpec(scenario, game.choice(c)), Arrangement.POOLED).score
    seconds_p, cpu_p = time.perf_counter() - started, time.process_time() - cpu
    return {
        "aligning": scores_a,
        "pooling": scores_p,
        "aligning_seconds": seconds_a,
        "pooling_seconds": seconds_p,
        "aligning_cpu": cpu_a,
        "pooling_cpu": cpu_p,
    }


def measure(name: str, scenario: Scenario, sample: int | None, seed: int) -> dict[str, Any]:
    funders = silo_funders(scenario)
    coalitions = gray(funders)

    started, cpu = time.perf_counter(), time.process_time()
    result = partners(scenario)
    whole, whole_cpu = time.perf_counter() - started, time.process_time() - cpu

    kept = in_place(scenario, coalitions)
    aligning = [c for c in kept["aligning"]]
    pooling = [c for c in kept["pooling"]]
    if sample is not None:
        rng = np.random.default_rng(seed)
        aligning = [aligning[i] for i in sorted(rng.choice(len(aligning), min(sample, len(aligning)), False))]
        pooling = [pooling[i] for i in sorted(rng.choice(len(pooling), min(sample, len(pooling)), False))]
    fresh = rebuilt(scenario, aligning, pooling)
    for kind in ("aligning", "pooling"):
        for c, score in fresh[kind].items():  # an infeasible plan must be infeasible both ways
            mine = kept[kind][c]
            if (score is None) != (mine is None) or abs((score or 0.0) - (mine or 0.0)) > 1e-6:
                raise SystemExit(f"{name}: {kind} plan of {sorted(c)}: in place {mine}, rebuilt {score}")

    plans_a, plans_p = len(kept["aligning"]), len(kept["pooling"])
    ms = {
        "aligning_in_place": 1000 * kept["aligning_seconds"] / plans_a,
        "aligning_rebuilt": 1000 * fresh["aligning_seconds"] / len(aligning),
        "pooling_in_place": 1000 * kept["pooling_seconds"] / plans_p,
        "pooling_rebuilt": 1000 * fresh["pooling_seconds"] / len(pooling),
    }
    in_place_total = kept["aligning_seconds"] + kept["pooling_seconds"]
    rebuilt_total = plans_a * ms["aligning_rebuilt"] / 1000 + plans_p * ms["pooling_rebuilt"] / 1000
    in_place_cpu = kept["aligning_cpu"] + kept["pooling_cpu"]
    rebuilt_cpu = (
        plans_a * fresh["aligning_cpu"] / len(aligning) + plans_p * fresh["pooling_cpu"] / len(pooling)
    )
    return {
        "scenario": name,
        "funders": len(funders),
        "coalition_plans": {"aligning": plans_a, "pooling": plans_p},
        "laa_partners_seconds": whole,
        "laa_partners_cpu_seconds": whole_cpu,
        "laa_partners_highs_seconds": result.seconds["highs"],
        "laa_partners_highs_share": result.seconds["highs"] / whole,
        "laa_partners_stages": result.seconds,
        "undefined": {
            "aligning": result.aligning.undefined_because,
            "pooling": result.pooling.undefined_because,
        },
        "coalitions_in_place_seconds": in_place_total,
        "coalitions_in_place_highs_share": kept["highs_seconds"] / in_place_total,
        "coalitions_rebuilt_seconds": rebuilt_total,
        "rebuilt_sampled": {"aligning": len(aligning), "pooling": len(pooling)},
        "ms_per_plan": ms,
        "ratio": rebuilt_total / in_place_total,
        "coalitions_in_place_cpu_seconds": in_place_cpu,
        "coalitions_rebuilt_cpu_seconds": rebuilt_cpu,
        "cpu_ratio": rebuilt_cpu / in_place_cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.partners", description=__doc__)
    parser.add_argument("--seed", type=int, default=0, help="the generated 12-funder area's seed")
    parser.add_argument("--sample", type=int, default=300, help="coalitions rebuilt at 12 funders, per kind")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    example = load_scenario(ROOT / "examples" / "northbridge.yaml")
    rows = [
        measure("northbridge (example)", example, None, args.seed),
        measure(f"generated, 12 funders (seed {args.seed})", twelve_funders(args.seed), args.sample, 0),
    ]
    print(
        "| scenario | funders | coalition plans (aligning + pooling) | laa partners s (CPU s) | in HiGHS | "
        "coalitions in place s | rebuilt s | rebuilt / in place (CPU) | "
        "ms a plan in place / rebuilt (aligning; pooling) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ms = r["ms_per_plan"]
        sampled = "" if r["rebuilt_sampled"]["aligning"] == r["coalition_plans"]["aligning"] else " (sampled)"
        print(
            f"| {r['scenario']} | {r['funders']} | {r['coalition_plans']['aligning']} + "
            f"{r['coalition_plans']['pooling']} | {r['laa_partners_seconds']:.1f} "
            f"({r['laa_partners_cpu_seconds']:.1f}) | "
            f"{r['laa_partners_highs_share']:.0%} | {r['coalitions_in_place_seconds']:.1f} | "
            f"{r['coalitions_rebuilt_seconds']:.1f}{sampled} | {r['ratio']:.1f}x ({r['cpu_ratio']:.1f}x) | "
            f"{ms['aligning_in_place']:.1f} / {ms['aligning_rebuilt']:.1f}; "
            f"{ms['pooling_in_place']:.1f} / {ms['pooling_rebuilt']:.1f} |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=str) + "\n")


if __name__ == "__main__":
    main()
