"""`python -m benchmarks.random_family`: the engine on areas nobody chose, as ratios to the floor.

For each draw of the random family (`benchmarks.family`: a seed and a size
class give the draws; a new seed is a new family) and each arrangement, it
times the engine from the scenario file to its results document, in
process, exactly as `laa run FILE -a X --format json --out OUT` does it,
against the floor: HiGHS alone, with its default options, on the
independent formulation of the same plan (`benchmarks.independent`). The
two alternate, medians of --repeat, and both must reach the same score to
1e-6 before the row counts. With --programs it also sets the two programs
side by side under the same options, the engine's: the program HiGHS is
given by the engine against the independent one, simplex iterations and
CPU seconds (is the engine's program as easy as the independent one?).

The table reports each draw, then per size class and arrangement the
median, the 90th percentile (nearest rank) and the worst ratio. The JSON is
rewritten after every draw (to a temporary file, then renamed), so a run cut
short keeps what it measured.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click
import yaml
from laa.cli.main import laa
from laa.models.load import parse_scenario
from laa.models.scenario import Arrangement
from laa.pooling.program.build import build
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.solving.solvers import Handed, set_lp_options

from benchmarks.__main__ import file_and_floor
from benchmarks.family import SIZE_CLASSES, Draw, area, draw
from benchmarks.independent import independent_program, new_highs


def counts(text: str) -> dict[str, int]:
    """`L=40,XL=10` as {size class: draws}."""
    found = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        size, _, n = part.partition("=")
        if size not in SIZE_CLASSES or not n.isdigit():
            raise SystemExit(f"--draws wants SIZE=N,... with SIZE in {list(SIZE_CLASSES)}; got {part!r}")
        found[size] = int(n)
    return found


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value at least `share` of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def program_row(scenario, arrangement: Arrangement, repeat: int) -> dict[str, Any]:
    """The engine's program as HiGHS is given it (`solvers.Handed`) against the floor's, both under the
    engine's options (`solvers.set_lp_options`), alternating: simplex iterations and CPU seconds (HiGHS's
    simplex runs on one thread, so a shared machine's waits stay out of them)."""
    pooled = arrangement is Arrangement.POOLED
    choice = PoolingChoice.pooled(scenario) if pooled else PoolingChoice.aligned()
    program = build(ModelSpec(scenario, choice)).program
    lps = {"engine": Handed.of(program).lp, "floor": independent_program(scenario, pooled)}
    cpu: dict[str, list[float]] = {"engine": [], "floor": []}
    iterations = {}
    for _ in range(repeat):
        for name, lp in lps.items():
            h = new_highs()
            h.passModel(lp)
            set_lp_options(h, program)
            before = _cpu()
            h.run()
            cpu[name].append(_cpu() - before)
            iterations[name] = h.getInfo().simplex_iteration_count
    engine, floor = statistics.median(cpu["engine"]), statistics.median(cpu["floor"])
    return {
        "program_cpu": engine,
        "program_floor_cpu": floor,
        "program_over_floor": engine / floor if floor > 0 else float("nan"),
        "program_iterations": iterations["engine"],
        "program_floor_iterations": iterations["floor"],
    }


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def bench_draw(d: Draw, arrangements: list[Arrangement], repeat: int, programs: bool) -> list[dict[str, Any]]:
    doc = area(d)
    scenario = parse_scenario(doc, "drawn.yaml")
    rows = []
    with tempfile.TemporaryDirectory(prefix="laa-family-") as folder:
        path = Path(folder) / f"{d.size}-{d.seed}-{d.index}.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
        for arrangement in arrangements:
            row: dict[str, Any] = {"draw": d.to_dict(), "arrangement": arrangement.value, "repeat": repeat}
            row.update(file_and_floor(scenario, path, Path(folder) / "out.json", arrangement, repeat))
            row["load_average"] = os.getloadavg()[0]  # the machine is shared: what else was running
            if programs:
                row.update(program_row(scenario, arrangement, repeat))
            rows.append(row)
            print(line(row), flush=True)
    return rows


def line(row: dict[str, Any]) -> str:
    d = row["draw"]
    text = (
        f"{d['size']}#{d['index']} {d['streams']}x{d['outcomes']}x{d['years']} {row['arrangement']:<8} "
        f"{row['status']} file to document {row['file_to_document']:.3f}s | floor "
        f"{row['independent_floor']:.3f}s ({row['file_over_independent']:.2f}x)"
    )
    if "program_over_floor" in row:
        text += (
            f" | the programs under the engine's options: CPU {row['program_over_floor']:.2f}x the floor's, "
            f"iterations {row['program_iterations']} / {row['program_floor_iterations']}"
        )
    return text


def table(rows: list[dict[str, Any]]) -> str:
    programs = any("program_over_floor" in r for r in rows)
    head = (
        "| draw | streams x outcomes x years | pots | density | rules a stream | money / curves | partial "
        "| arrangement | status | file to document s | floor s | ratio | columns / rows (floor's) |"
    )
    if programs:
        head += " programs, engine's options: CPU engine / floor | iterations engine / floor |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        d = r["draw"]
        cells = [
            f"{d['size']}#{d['index']}",
            f"{d['streams']}x{d['outcomes']}x{d['years']}",
            str(d["pots"]),
            f"{d['density']:.3f}",
            f"{d['rules_per_stream']:.2f}",
            f"{d['money']:.2f}",
            "on" if d["partial_pooling"] else "off",
            r["arrangement"],
            r["status"],
            f"{r['file_to_document']:.3f}",
            f"{r['independent_floor']:.3f}",
            f"{r['file_over_independent']:.2f}",
            f"{r['independent_columns']:,} / {r['independent_rows']:,}",
        ]
        if programs and "program_over_floor" in r:
            cells.append(f"{r['program_over_floor']:.2f}")
            cells.append(f"{r['program_iterations']:,} / {r['program_floor_iterations']:,}")
        elif programs:
            cells += ["-", "-"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def summary(rows: list[dict[str, Any]]) -> str:
    """Per size class and arrangement: the median, 90th percentile and worst ratio to the floor."""
    lines = [
        "| size | arrangement | draws | median | 90th percentile | worst (draw) "
        "| programs under the engine's options, CPU engine / floor: median, worst |",
        "|---|---|---|---|---|---|---|",
    ]
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["draw"]["size"], r["arrangement"]), []).append(r)
    for (size, arrangement), found in groups.items():
        ratios = [r["file_over_independent"] for r in found]
        worst = max(found, key=lambda r: r["file_over_independent"])
        program = [r["program_over_floor"] for r in found if "program_over_floor" in r]
        cell = f"{statistics.median(program):.2f}, {max(program):.2f}" if program else "-"
        lines.append(
            f"| {size} | {arrangement} | {len(found)} | {statistics.median(ratios):.2f} "
            f"| {percentile(ratios, 0.9):.2f} | {worst['file_over_independent']:.2f} "
            f"({size}#{worst['draw']['index']}) | {cell} |"
        )
    lines += [
        "",
        "Where the time goes (medians, seconds): the floor, and the engine's file to document in parts "
        "(the solve; building the program; reading the plan back, re-scoring and pricing it; the rest: "
        "loading and validating the file, the results document and its write)",
        "",
        "| size | arrangement | floor | file to document | solve | build | read back | the rest |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (size, arrangement), found in groups.items():
        parts = [
            [r["independent_floor"] for r in found],
            [r["file_to_document"] for r in found],
            [r["file_solve"] + r["file_resolve"] for r in found],
            [r["file_build"] for r in found],
            [r["file_extract"] for r in found],
            [_rest(r) for r in found],
        ]
        lines.append(
            f"| {size} | {arrangement} | " + " | ".join(f"{statistics.median(p):.3f}" for p in parts) + " |"
        )
    return "\n".join(lines)


def _rest(row: dict[str, Any]) -> float:
    """File to document less the solve, the build and the read-back: loading, the document, the write."""
    timed = row["file_solve"] + row["file_resolve"] + row["file_build"] + row["file_extract"]
    return row["file_to_document"] - timed


def write(path: Path, payload: dict[str, Any]) -> None:
    """Whole or not at all: a temporary file beside `path`, then renamed over it."""
    with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=f".{path.name}.", delete=False) as f:
        json.dump(payload, f, indent=1)
    os.replace(f.name, path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.random_family", description=__doc__)
    parser.add_argument("--seed", type=int, default=None, help="the family: a new seed is a new family")
    parser.add_argument("--draws", default="L=40,XL=10", help="draws per size class, e.g. L=40,XL=10")
    parser.add_argument("--first", type=int, default=0, help="the first draw's index (to resume a run)")
    parser.add_argument("--arrangements", default="aligned,pooled")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--programs", action="store_true", help="also both programs under the engine's options"
    )
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--report", type=Path, nargs="+", default=None, help="print earlier runs' tables from their JSON"
    )
    args = parser.parse_args(argv)
    if args.report:
        rows = [row for path in args.report for row in json.loads(path.read_text())["rows"]]
        print(table(rows))
        print()
        print(summary(rows))
        return
    try:
        arrangements = [Arrangement(a.strip()) for a in args.arrangements.split(",") if a.strip()]
    except ValueError as exc:
        parser.error(str(exc))
    if other := [a.value for a in arrangements if a not in (Arrangement.ALIGNED, Arrangement.POOLED)]:
        parser.error(f"the floor plans aligned and pooled, not {other}")
    if args.seed is None:
        parser.error("--seed is required (a new seed is a new family)")
    laa.get_command(click.Context(laa), "run")  # imported before anything is timed (benchmarks.startup)
    started = time.time()
    rows: list[dict[str, Any]] = []
    payload: dict[str, Any] = {
        "command": " ".join(sys.argv),
        "machine": {"python": platform.python_version(), "cpus": len(os.sched_getaffinity(0))},
        "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started)),
        "rows": rows,
    }
    for size, n in counts(args.draws).items():
        for index in range(args.first, args.first + n):
            rows += bench_draw(draw(size, args.seed, index), arrangements, args.repeat, args.programs)
            payload["load_average"] = os.getloadavg()
            payload["seconds"] = time.time() - started
            if args.json:
                write(args.json, payload)
    print()
    print(table(rows))
    print()
    print(summary(rows))


if __name__ == "__main__":
    main()
