"""`python -m benchmarks`: the engine against its baselines, in one process, as ratios.

Per shape (benchmarks/generate.py), size and arrangement it times the engine
from a scenario file to its results document, in process, exactly as
`laa run FILE -a X --format json --out OUT` does it, against the
independent floor (benchmarks/independent.py: HiGHS alone, default options,
on a formulation built straight from the scenario; aligned and pooled),
after checking that both reach the same score to 1e-6. With the baselines
(the default) it also times validation, model build, solve, result
extraction and the whole path from a scenario document to a results
document; the straightforward PuLP formulation (build and solve, aligned
and pooled) and the engine's own program handed straight to highspy
(HiGHS's run alone). It then re-solves the example area with changed
response effects, in place and by rebuilding, and measures each shape and
size's peak memory in a fresh process. Medians of --repeat runs; the
engine and the independent floor alternate, so a busy machine slows both.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
import numpy as np
import yaml
from laa.cli.main import laa
from laa.models.load import load_scenario, parse_scenario
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.extract import chosen_pooling
from laa.pooling.plans.resolve import ReusableModel, SpendIndex, summarise
from laa.pooling.plans.warm import WarmPlanner
from laa.pooling.program.build import build
from laa.pooling.program.spec import ModelSpec, PoolingChoice, PoolingMode
from laa.pooling.solving.solvers import SolveOptions, highs_lp, new_highs, set_pooling_mip_options, solve
from laa.scenarios.analysis.arrangements import plan_arrangement
from laa.scenarios.analysis.draws import draw, drawn_scenario
from laa.scenarios.outputs.results import results_document, to_json

from benchmarks.baseline_pulp import run_baseline
from benchmarks.generate import SHAPES, STANDARD, generate
from benchmarks.independent import independent_floor

ROOT = Path(__file__).resolve().parents[1]
ARRANGEMENTS = (Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL)


def spec_for(scenario, arrangement: Arrangement) -> ModelSpec:
    return ModelSpec(scenario, PoolingChoice.for_arrangement(scenario, arrangement))


def floor_seconds(scenario, arrangement: Arrangement) -> tuple[float, float, float, int, int, int]:
    """HiGHS's runs alone on the programs the arrangement needs (their assembly is not timed).

    Returns the time of every run, the time of the first (for optimal: the MIP alone), the score, and
    the first program's columns, rows and simplex iterations (to set beside the independent floor's).
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
    size = (builder.program.num_cols, builder.program.num_rows, h.getInfo().simplex_iteration_count)
    if not builder.program.is_mip:
        return first, first, score, *size
    shares, used = chosen_pooling(builder, np.asarray(h.getSolution().col_value))
    fixed = build(replace(builder.spec, choice=PoolingChoice(PoolingMode.FIXED, shares, used)))
    h2 = new_highs(SolveOptions())
    h2.passModel(highs_lp(fixed.program))
    started = time.perf_counter()
    h2.run()
    return first + time.perf_counter() - started, first, score, *size


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


def file_to_document(path: Path, arrangement: Arrangement, out: Path) -> tuple[float, dict[str, Any]]:
    """`laa run FILE -a X --format json --out OUT`, in process: its seconds and the plan's record."""
    args = ["run", str(path), "-a", arrangement.value, "--format", "json", "--out", str(out)]
    started = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()):  # "wrote OUT"
        try:
            laa.main(args, prog_name="laa", standalone_mode=False)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    seconds = time.perf_counter() - started
    record = json.loads(out.read_text())["arrangements"][0]
    if code != 0 and record["status"] == "optimal":
        raise SystemExit(f"laa run exited {code} on {path} ({arrangement.value})")
    return seconds, record


def _same(a: float, b: float) -> bool:
    """Equal scores to 1e-6 (both NaN: both infeasible)."""
    if a != a or b != b:
        return a != a and b != b
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def bench_case(
    shape: str,
    size: str,
    repeat: int,
    seed: int,
    arrangements: list[Arrangement],
    baselines: bool,
    pulp: bool,
) -> list[dict[str, Any]]:
    doc = generate(size, seed, shape)
    scenario = parse_scenario(doc, "generated.yaml")
    rows = []
    with tempfile.TemporaryDirectory(prefix="laa-bench-") as folder:
        path = Path(folder) / f"{shape}-{size}-{seed}.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
        for arrangement in arrangements:
            row: dict[str, Any] = {"shape": shape, "size": size, "arrangement": arrangement.value}
            row["repeat"] = repeat
            row.update(file_and_floor(scenario, path, Path(folder) / "out.json", arrangement, repeat))
            if baselines:
                name = f"{shape} {size}"
                row.update(_baselines(scenario, doc, arrangement, repeat, pulp, row["score"], name))
            rows.append(row)
            print(_line(row), flush=True)
    return rows


def file_and_floor(
    scenario, path: Path, out: Path, arrangement: Arrangement, repeat: int
) -> dict[str, Any]:
    """The engine from file to document against the independent floor, alternating, after checking
    that both reach the same score (a floor that solves another problem measures nothing)."""
    independent = arrangement in (Arrangement.ALIGNED, Arrangement.POOLED)
    files, floors, records = [], [], []
    for _ in range(repeat):
        seconds, record = file_to_document(path, arrangement, out)
        files.append(seconds)
        records.append(record)
        if independent:
            floors.append(independent_floor(scenario, arrangement.value))
    record = records[0]
    score = float("nan") if record["score"] is None else float(record["score"])
    row: dict[str, Any] = {"status": record["status"], "score": score, "file_to_document": median(files)}
    for part in ("build", "solve", "resolve", "extract"):
        row[f"file_{part}"] = median([r["seconds"].get(part, 0.0) for r in records])
    if independent:
        theirs = floors[0].score if floors[0].score is not None else float("nan")
        if not _same(theirs, score):
            raise SystemExit(
                f"{path.name} {arrangement.value}: the independent floor's score {theirs} "
                f"!= the engine's {score}"
            )
        row["independent_floor"] = median([f.seconds for f in floors])
        row["file_over_independent"] = row["file_to_document"] / row["independent_floor"]
        row["independent_columns"], row["independent_rows"] = floors[0].columns, floors[0].rows
        row["independent_iterations"] = floors[0].iterations
    return row


def _baselines(
    scenario, doc: dict[str, Any], arrangement: Arrangement, repeat: int, pulp: bool, score: float, name: str
) -> dict[str, Any]:
    """From a document to a document, step by step, against the engine's own program in HiGHS alone
    and (aligned and pooled, with `pulp`) the straightforward PuLP formulation."""
    runs = [engine_run(doc, arrangement) for _ in range(repeat)]
    floors = [floor_seconds(scenario, arrangement) for _ in range(repeat)]
    row: dict[str, Any] = {}
    for key in ("validate", "build", "solve", "extract", "total"):
        row[key] = median([r[key] for r in runs])
    row["floor_solve"] = median([f[0] for f in floors])
    row["total_over_floor"] = row["total"] / row["floor_solve"]
    row["first_solve"] = median([f[1] for f in floors])
    row["engine_columns"], row["engine_rows"], row["engine_iterations"] = floors[0][3:]
    if score == score and not _same(floors[0][2], score):
        raise SystemExit(f"{name} {arrangement.value}: the floor's score {floors[0][2]} != {score}")
    if pulp and arrangement is not Arrangement.OPTIMAL:
        baselines = [run_baseline(scenario, arrangement is Arrangement.POOLED) for _ in range(repeat)]
        row["pulp_build"] = median([b.build_seconds for b in baselines])
        row["pulp_solve"] = median([b.solve_seconds for b in baselines])
        row["pulp_build_over_engine_build"] = row["pulp_build"] / row["build"]
        theirs = float("nan") if baselines[0].score is None else baselines[0].score
        if not _same(theirs, score):
            raise SystemExit(f"{name} {arrangement.value}: PuLP baseline {theirs} != {score}")
    return row


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


def changes(scenario: Scenario) -> dict[str, Scenario]:
    """One small change of each kind a meeting makes: a stream's amount, a rule's value, a stream
    out of its pot and one into a pot, an eligibility granted."""
    base = scenario.model_dump(mode="python", exclude_unset=True)
    found = {}

    def edit(name: str, change: Callable[[dict[str, Any]], bool]) -> None:
        doc = json.loads(json.dumps(base, default=str))
        doc["years"] = base["years"]
        for stream, theirs in zip(doc["streams"], base["streams"], strict=True):
            stream["amounts"] = theirs["amounts"]  # keep the years as numbers
        if change(doc):
            found[name] = Scenario.model_validate(doc)

    def amount(doc: dict[str, Any]) -> bool:
        stream = doc["streams"][0]
        stream["amounts"] = {t: a * 1.2 for t, a in stream["amounts"].items()}
        return True

    def rule(doc: dict[str, Any]) -> bool:
        for r in doc.get("rules", []):
            for kind in ("min_share", "max_share", "min_amount", "max_amount", "match"):
                if r.get(kind):
                    r[kind] = r[kind] * 0.8
                    return True
        return False

    def pot_out(doc: dict[str, Any]) -> bool:
        pot = next((p for p in doc.get("pots", []) if len(p["members"]) > 1), None)
        if pot is None:
            return False
        pot["members"] = pot["members"][1:]
        return True

    def pot_in(doc: dict[str, Any]) -> bool:
        pooled = {m for p in doc.get("pots", []) for m in p["members"]}
        stream = next((s for s in doc["streams"] if s["id"] not in pooled), None)
        if stream is None or not doc.get("pots"):
            return False
        doc["pots"][0]["members"].append(stream["id"])
        return True

    def eligibility(doc: dict[str, Any]) -> bool:
        ids = [o["id"] for o in doc["outcomes"]]
        blocks = {o["id"]: o.get("block") for o in doc["outcomes"]}
        for stream in doc["streams"]:
            named = set(stream["eligible"])
            outside = [o for o in ids if o not in named and blocks[o] not in named]
            if outside:
                stream["eligible"] = [*stream["eligible"], outside[-1]]
                return True
        return False

    for name, change in (
        ("amount", amount),
        ("rule", rule),
        ("pot out", pot_out),
        ("pot in", pot_in),
        ("eligibility", eligibility),
    ):
        edit(name, change)
    return found


def bench_warm(size: str, seed: int, arrangements: list[Arrangement], repeat: int) -> list[dict[str, Any]]:
    """Warm re-plans (laa.pooling.plans.warm) of one small change of each kind, from the base plan's kept
    model, against planning the same file from scratch (`laa run` in process, file to document).
    The first change's warm plan is checked against its cold plan to 1e-9 before anything counts."""
    doc = generate(size, seed)
    scenario = parse_scenario(doc, "generated.yaml")
    changed = changes(scenario)
    rows = []
    with tempfile.TemporaryDirectory(prefix="laa-bench-") as folder:
        path = Path(folder) / f"{size}-{seed}.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
        for arrangement in arrangements:
            cold = [file_to_document(path, arrangement, Path(folder) / "out.json")[0] for _ in range(repeat)]
            planner = WarmPlanner(scenario, arrangement)
            warm: dict[str, list[float]] = {name: [] for name in changed}
            for _ in range(repeat):
                for name, variant in changed.items():
                    started = time.perf_counter()
                    planner.plan(variant)
                    warm[name].append(time.perf_counter() - started)
                    if (reason := planner.last_rebuild_reason) is not None:
                        raise SystemExit(f"{size} {arrangement.value} {name}: rebuilt ({reason})")
                    planner.plan(scenario)  # back to the base, so each change is one change
            first = next(iter(changed))
            again = planner.plan(changed[first]).score
            fresh = plan_arrangement(changed[first], arrangement).score
            if again is None or fresh is None or abs(again - fresh) > 1e-9 * max(1.0, abs(fresh)):
                raise SystemExit(f"{size} {arrangement.value}: warm plan {again} != cold plan {fresh}")
            row: dict[str, Any] = {"size": size, "arrangement": arrangement.value, "repeat": repeat}
            row["from_file"] = median(cold)
            row.update({f"warm {name}": median(times) for name, times in warm.items()})
            row["warm"] = median([t for times in warm.values() for t in times])
            row["warm_slowest"] = max(median(times) for times in warm.values())
            row["from_file_over_warm"] = row["from_file"] / row["warm"]
            rows.append(row)
            print(
                f"warm {size} {arrangement.value}: median {row['warm']:.3f}s, slowest change "
                f"{row['warm_slowest']:.3f}s; from the file {row['from_file']:.3f}s "
                f"({row['from_file_over_warm']:.1f}x)",
                flush=True,
            )
    return rows


def bench_silo(size: str, seed: int, repeat: int) -> dict[str, Any]:
    """The silo plan against the aligned plan of the same standard scenario, alternating."""
    scenario = parse_scenario(generate(size, seed), "generated.yaml")
    silo, aligned = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        plan_arrangement(scenario, Arrangement.SILO)
        silo.append(time.perf_counter() - started)
        started = time.perf_counter()
        plan_arrangement(scenario, Arrangement.ALIGNED)
        aligned.append(time.perf_counter() - started)
    row = {"size": size, "silo": median(silo), "aligned": median(aligned)}
    row["silo_over_aligned"] = row["silo"] / row["aligned"]
    print(f"silo {size}: {row['silo']:.3f}s, aligned {row['aligned']:.3f}s: {row['silo_over_aligned']:.2f}x")
    return row


def peak_memory_mb(size: str, seed: int, shape: str = STANDARD) -> float:
    """Peak resident memory of a fresh process planning the size under every joint arrangement."""
    code = (
        "import resource, sys\n"
        "from benchmarks.generate import generate\n"
        "from laa.models.load import parse_scenario\n"
        "from laa.models.scenario import Arrangement\n"
        "from laa.scenarios.analysis.arrangements import plan_arrangement\n"
        "from laa.scenarios.outputs.results import results_document, to_json\n"
        f"s = parse_scenario(generate({size!r}, {seed}, {shape!r}))\n"
        "joint = (Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL)\n"
        "plans = [plan_arrangement(s, a) for a in joint]\n"
        "to_json(results_document(s, plans))\n"
        # VmHWM, not ru_maxrss: a child's ru_maxrss starts from its parent's size at fork
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return int(done.stdout.strip().splitlines()[-1]) / 1024


def _line(row: dict[str, Any]) -> str:
    text = (
        f"{row['shape']} {row['size']:>2} {row['arrangement']:<8} {row['status']} "
        f"file to document {row['file_to_document']:.3f}s"
    )
    if "independent_floor" in row:
        text += f" | independent floor {row['independent_floor']:.3f}s ({row['file_over_independent']:.2f}x)"
    if "total" in row:
        text += (
            f" | validate {row['validate']:.3f}s build {row['build']:.3f}s solve {row['solve']:.3f}s "
            f"extract {row['extract']:.3f}s total {row['total']:.3f}s | floor {row['floor_solve']:.3f}s "
            f"total/floor {row['total_over_floor']:.2f}"
        )
    if "pulp_build" in row:
        ratio = row["pulp_build_over_engine_build"]
        text += f" | pulp build {row['pulp_build']:.3f}s ({ratio:.1f}x engine's)"
    return text


def table(rows: list[dict[str, Any]], memory: dict[str, float]) -> str:
    """One table a shape: the engine from file to document against the floor, then the baselines."""
    sections = []
    for shape in dict.fromkeys(r["shape"] for r in rows):
        lines = [
            f"{shape}: {SHAPES[shape].description}",
            "",
            "| size | arrangement | file to document s | independent floor s | ratio | build s | solve s "
            "| extract s | HiGHS on engine's program s | columns engine / floor | rows engine / floor "
            "| simplex iterations engine / floor | peak MB |",
            "|" + "---|" * 13,
        ]
        for r in (r for r in rows if r["shape"] == shape):
            solve = r["file_solve"] + r["file_resolve"]
            peak = memory.get(f"{shape} {r['size']}")
            lines.append(
                f"| {r['size']} | {r['arrangement']} | {r['file_to_document']:.3f} "
                f"| {_cell(r, 'independent_floor', '.3f')} | {_cell(r, 'file_over_independent', '.2f')} "
                f"| {r['file_build']:.3f} | {solve:.3f} | {r['file_extract']:.3f} "
                f"| {_cell(r, 'floor_solve', '.3f')} | {_pair(r, 'columns')} | {_pair(r, 'rows')} "
                f"| {_pair(r, 'iterations')} | {'-' if peak is None else format(peak, '.0f')} |"
            )
        sections.append("\n".join(lines))
    return "\n\n".join(sections)


def _cell(row: dict[str, Any], key: str, spec: str) -> str:
    return "-" if key not in row else format(row[key], spec)


def _pair(row: dict[str, Any], what: str) -> str:
    """The engine's program against the independent floor's: columns, rows or simplex iterations."""
    return f"{_cell(row, f'engine_{what}', ',')} / {_cell(row, f'independent_{what}', ',')}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--shapes", default=STANDARD, help=f"comma-separated, or all: {', '.join(SHAPES)}")
    parser.add_argument("--sizes", default="S,M,L,XL")
    parser.add_argument("--arrangements", default="aligned,pooled,optimal")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resolves", type=int, default=200)
    parser.add_argument(
        "--no-baselines",
        action="store_true",
        help="only the engine from file to document and the independent floor (no step times, PuLP or "
        "engine-program floor)",
    )
    parser.add_argument("--no-pulp", action="store_true", help="leave out the PuLP baseline")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--memory", default="", help="sizes to measure peak memory at (default: --sizes)")
    parser.add_argument("--no-resolve", action="store_true", help="leave out the example's re-solves")
    parser.add_argument("--warm", default="", help="sizes to time warm re-plans at (standard shape): M,L,XL")
    parser.add_argument("--silo", default="", help="sizes to time silo against aligned at (standard shape)")
    parser.add_argument("--no-plans", action="store_true", help="only the warm, silo and re-solve sections")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    shapes = list(SHAPES) if shapes == ["all"] else shapes
    if unknown := [s for s in shapes if s not in SHAPES]:
        parser.error(f"unknown shapes {unknown}; choose from {list(SHAPES)}")
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    if unknown := [s for s in sizes if any(s not in SHAPES[shape].sizes for shape in shapes)]:
        parser.error(f"unknown sizes {unknown}; choose from S, M, L, XL")
    try:
        arrangements = [Arrangement(a.strip()) for a in args.arrangements.split(",") if a.strip()]
    except ValueError as exc:
        parser.error(str(exc))
    if unplanned := [a.value for a in arrangements if a not in ARRANGEMENTS]:
        parser.error(f"the benchmark plans aligned, pooled and optimal, not {unplanned}")
    # `laa run`'s module imported before anything is timed: starting a command is benchmarks.startup's
    laa.get_command(click.Context(laa), "run")
    rows = [
        row
        for shape in ([] if args.no_plans else shapes)
        for size in sizes
        for row in bench_case(
            shape, size, args.repeat, args.seed, arrangements, not args.no_baselines, not args.no_pulp
        )
    ]
    joint = [a for a in arrangements if a in (Arrangement.ALIGNED, Arrangement.POOLED)]
    warm = [r for size in _sizes(args.warm) for r in bench_warm(size, args.seed, joint, args.repeat)]
    silo = [bench_silo(size, args.seed, args.repeat) for size in _sizes(args.silo)]
    memory = {}
    if not args.no_memory:
        at = _sizes(args.memory) or sizes
        memory = {f"{s} {size}": peak_memory_mb(size, args.seed, s) for s in shapes for size in at}
    resolve = None if args.no_resolve else bench_resolve(args.resolves, args.seed)
    print()
    print(table(rows, memory))
    print()
    for name in ("aligned", "pooled") if resolve else ():
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
            "command": " ".join(sys.argv),
            "rows": rows,
            "peak_memory_mb": memory,
            "resolve": resolve,
            "warm": warm,
            "silo": silo,
        }
        args.json.write_text(json.dumps(payload, indent=1))
        print(f"wrote {args.json}")
    print(f"(this process's peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


def _sizes(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()]


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
