"""`python -m benchmarks`: the engine against its baselines, in one process, as ratios.

Per size and arrangement it times validation, model build, solve, result
extraction and the whole path from a scenario document to a results
document; in the same run, the straightforward PuLP formulation (build and
solve, aligned and pooled) and the floor (the same program handed straight
to highspy, timing HiGHS's run alone). It then re-solves the example area
with changed response effects, in place and by rebuilding, and measures
each size's peak memory in a fresh process. Medians of --repeat runs.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from laa.models.load import load_scenario, parse_scenario
from laa.models.scenario import Arrangement
from laa.pooling.build import build
from laa.pooling.extract import chosen_pooling
from laa.pooling.resolve import ReusableModel, SpendIndex, summarise
from laa.pooling.solvers import SolveOptions, highs_lp, new_highs, set_pooling_mip_options, solve
from laa.pooling.spec import ModelSpec, PoolingChoice, PoolingMode
from laa.scenarios.analysis.arrangements import plan_arrangement
from laa.scenarios.analysis.draws import draw, drawn_scenario
from laa.scenarios.outputs.results import results_document, to_json

from benchmarks.baseline_pulp import run_baseline
from benchmarks.generate import SIZES, generate

ROOT = Path(__file__).resolve().parents[1]
ARRANGEMENTS = (Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL)


def spec_for(scenario, arrangement: Arrangement) -> ModelSpec:
    if arrangement is Arrangement.ALIGNED:
        return ModelSpec(scenario, PoolingChoice.aligned())
    if arrangement is Arrangement.POOLED:
        return ModelSpec(scenario, PoolingChoice.pooled(scenario))
    return ModelSpec(scenario, PoolingChoice.chosen_by_solver(scenario.partial_pooling))


def floor_seconds(scenario, arrangement: Arrangement) -> tuple[float, float, float]:
    """HiGHS's runs alone on the programs the arrangement needs (their assembly is not timed).

    Returns the time of every run, the time of the first (for optimal: the MIP alone), and the score.
    For optimal the engine also re-solves the linear program with the chosen pooling fixed, to price
    it (issue 3), so that run is part of the floor too.
    """
    builder = build(spec_for(scenario, arrangement))
    h = new_highs(SolveOptions())
    h.passModel(highs_lp(builder.program))
    if builder.program.is_mip:
        set_pooling_mip_options(h)  # the same HiGHS options as the engine's: the floor times HiGHS alone
    started = time.perf_counter()
    h.run()
    first = time.perf_counter() - started
    score = -h.getInfo().objective_function_value
    if not builder.program.is_mip:
        return first, first, score
    shares, used = chosen_pooling(builder, np.asarray(h.getSolution().col_value))
    fixed = build(replace(builder.spec, choice=PoolingChoice(PoolingMode.FIXED, shares, used)))
    h2 = new_highs(SolveOptions())
    h2.passModel(highs_lp(fixed.program))
    started = time.perf_counter()
    h2.run()
    return first + time.perf_counter() - started, first, score


def engine_run(doc: dict[str, Any], arrangement: Arrangement) -> dict[str, float]:
    started = time.perf_counter()
    scenario = parse_scenario(doc, "generated.yaml")
    validated = time.perf_counter()
    plan = plan_arrangement(scenario, arrangement)
    planned = time.perf_counter()
    to_json(results_document(scenario, [plan]))
    done = time.perf_counter()
    return {
        "validate": validated - started,
        "build": plan.seconds.get("build", 0.0),
        "solve": plan.seconds.get("solve", 0.0) + plan.seconds.get("resolve", 0.0),
        "extract": plan.seconds.get("extract", 0.0) + (done - planned),
        "total": done - started,
        "score": plan.score if plan.score is not None else float("nan"),
    }


def _same(a: float, b: float) -> bool:
    """Equal scores to 1e-6 (both NaN: both infeasible)."""
    if a != a or b != b:
        return a != a and b != b
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def bench_size(size: str, repeat: int, seed: int) -> list[dict[str, Any]]:
    doc = generate(size, seed)
    scenario = parse_scenario(doc, "generated.yaml")
    rows = []
    for arrangement in ARRANGEMENTS:
        runs = [engine_run(doc, arrangement) for _ in range(repeat)]
        floors = [floor_seconds(scenario, arrangement) for _ in range(repeat)]
        row: dict[str, Any] = {"size": size, "arrangement": arrangement.value, "repeat": repeat}
        for key in ("validate", "build", "solve", "extract", "total"):
            row[key] = median([r[key] for r in runs])
        row["score"] = runs[0]["score"]
        row["floor_solve"] = median([f[0] for f in floors])
        row["total_over_floor"] = row["total"] / row["floor_solve"]
        row["first_solve"] = median([f[1] for f in floors])
        if row["score"] == row["score"] and not _same(floors[0][2], row["score"]):
            raise SystemExit(
                f"{size} {arrangement.value}: the floor's score {floors[0][1]} != {row['score']}"
            )
        if arrangement is not Arrangement.OPTIMAL:
            baselines = [run_baseline(scenario, arrangement is Arrangement.POOLED) for _ in range(repeat)]
            row["pulp_build"] = median([b.build_seconds for b in baselines])
            row["pulp_solve"] = median([b.solve_seconds for b in baselines])
            row["pulp_build_over_engine_build"] = row["pulp_build"] / row["build"]
            theirs = float("nan") if baselines[0].score is None else baselines[0].score
            if not _same(theirs, row["score"]):
                raise SystemExit(f"{size} {arrangement.value}: PuLP baseline {theirs} != {row['score']}")
        rows.append(row)
        print(_line(row), flush=True)
    return rows


def bench_resolve(count: int, seed: int) -> dict[str, Any]:
    """The example area re-solved `count` times with changed response effects: in place vs rebuilt."""
    scenario = load_scenario(ROOT / "examples" / "northbridge.yaml")
    draws = draw(scenario, count, seed)
    varied = [drawn_scenario(scenario, draws.effects[i], draws.amounts[i] * 0 + 1) for i in range(count)]
    result: dict[str, Any] = {"count": count}
    for arrangement in (Arrangement.ALIGNED, Arrangement.POOLED):
        model = ReusableModel.for_spec(spec_for(scenario, arrangement), arrangement)
        started = time.perf_counter()
        in_place = [model.summary(v).score for v in varied]
        reused = time.perf_counter() - started
        started = time.perf_counter()
        rebuilt = []
        for v in varied:
            b = build(spec_for(v, arrangement))
            rebuilt.append(summarise(v, SpendIndex.of(b), solve(b.program)).score)
        rebuilding = time.perf_counter() - started
        worst = max(abs(a - b) for a, b in zip(in_place, rebuilt, strict=True))
        if worst > 1e-7:
            raise SystemExit(f"re-solving in place disagrees with rebuilding by {worst}")
        result[arrangement.value] = {
            "in_place_seconds": reused,
            "rebuild_seconds": rebuilding,
            "ratio": rebuilding / reused,
            "ms_per_resolve": 1000 * reused / count,
        }
    return result


def peak_memory_mb(size: str, seed: int) -> float:
    """Peak resident memory of a fresh process planning the size under every joint arrangement."""
    code = (
        "import resource, sys\n"
        "from benchmarks.generate import generate\n"
        "from laa.models.load import parse_scenario\n"
        "from laa.models.scenario import Arrangement\n"
        "from laa.scenarios.analysis.arrangements import plan_arrangement\n"
        "from laa.scenarios.outputs.results import results_document, to_json\n"
        f"s = parse_scenario(generate({size!r}, {seed}))\n"
        "joint = (Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL)\n"
        "plans = [plan_arrangement(s, a) for a in joint]\n"
        "to_json(results_document(s, plans))\n"
        # VmHWM, not ru_maxrss: a child's ru_maxrss starts from its parent's size at fork
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return int(done.stdout.strip().splitlines()[-1]) / 1024


def _line(row: dict[str, Any]) -> str:
    pulp = ""
    if "pulp_build" in row:
        pulp = f"  pulp build {row['pulp_build']:.3f}s ({row['pulp_build_over_engine_build']:.1f}x engine's)"
    return (
        f"{row['size']:>2} {row['arrangement']:<8} validate {row['validate']:.3f}s build {row['build']:.3f}s "
        f"solve {row['solve']:.3f}s extract {row['extract']:.3f}s total {row['total']:.3f}s | "
        f"floor {row['floor_solve']:.3f}s  total/floor {row['total_over_floor']:.2f}{pulp}"
    )


def table(rows: list[dict[str, Any]], memory: dict[str, float]) -> str:
    head = (
        "| size | arrangement | validate s | build s | solve s | extract s | total s | HiGHS alone s "
        "| total / HiGHS | PuLP build s | PuLP build / engine build | peak MB |"
    )
    lines = [head, "|" + "---|" * 12]
    nan = float("nan")
    for r in rows:
        lines.append(
            f"| {r['size']} | {r['arrangement']} | {r['validate']:.3f} | {r['build']:.3f} | {r['solve']:.3f} "
            f"| {r['extract']:.3f} | {r['total']:.3f} | {r['floor_solve']:.3f} | {r['total_over_floor']:.2f} "
            f"| {r.get('pulp_build', nan):.3f} | {r.get('pulp_build_over_engine_build', nan):.1f} "
            f"| {memory.get(r['size'], float('nan')):.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--sizes", default="S,M,L,XL")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resolves", type=int, default=200)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown sizes {unknown}; choose from {list(SIZES)}")
    rows = [row for size in sizes for row in bench_size(size, args.repeat, args.seed)]
    memory = {} if args.no_memory else {size: peak_memory_mb(size, args.seed) for size in sizes}
    resolve = bench_resolve(args.resolves, args.seed)
    print()
    print(table(rows, memory))
    print()
    for name in ("aligned", "pooled"):
        r = resolve[name]
        print(
            f"re-solve {args.resolves} effect draws of the example ({name}): "
            f"in place {r['in_place_seconds']:.3f}s "
            f"({r['ms_per_resolve']:.2f} ms each), rebuilt {r['rebuild_seconds']:.3f}s: {r['ratio']:.1f}x"
        )
    if args.json:
        payload = {
            "machine": {
                "python": platform.python_version(),
                "cpus": _cpus(),
                "platform": platform.platform(),
            },
            "rows": rows,
            "peak_memory_mb": memory,
            "resolve": resolve,
        }
        args.json.write_text(json.dumps(payload, indent=1))
        print(f"wrote {args.json}")
    print(f"(this process's peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
