"""`python -m benchmarks.growth`: how time and memory grow with the area, against the floor's (issue 22).

Areas of the standard shape at 1 to 4 times XL: `k` times XL has sqrt(k)
times its streams and outcomes (so about k times its spend columns) over the
same five years. Each is planned once in a fresh process by the engine from
the file to its results document (`laa run FILE -a X --format json --out
OUT`) and once, in another fresh process, by the floor (HiGHS alone, default
options, on the independent formulation, `benchmarks.independent`); time and
peak memory (VmHWM) of each. Peak memory is the whole process's: Python, the
scenario, the program and HiGHS.

With --infeasible, the same areas made infeasible in a way no check before
solving sees: statutory minimums on every outcome of one block that
together ask for half as much again as the money of the streams that may
fund them, each alone within what may reach it. The engine plans it (the
proof of infeasibility, then the diagnosis, whose first answer, the smallest
relaxation, must come within 5 times the proof's time), against the floor's
proof alone.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from benchmarks.generate import BLOCKS, Size, generate

ROOT = Path(__file__).resolve().parents[1]
OVERCOMMIT = 1.5  # the infeasible areas' minimums ask for this many times their streams' money


def size(k: float) -> Size:
    """`k` times the standard XL: sqrt(k) times its streams and outcomes, so about k times its columns."""
    xl = Size("XL", 200, 300, 5)
    return Size(f"{k:g}xXL", round(xl.streams * math.sqrt(k)), round(xl.outcomes * math.sqrt(k)), xl.years)


def area(k: float, seed: int, infeasible: bool = False) -> dict[str, Any]:
    doc = generate(size(k), seed)
    if infeasible:
        overcommit(doc, BLOCKS[1])
    doc["name"] += " (infeasible)" if infeasible else ""
    return doc


def overcommit(doc: dict[str, Any], block: str) -> None:
    """Statutory minimums on every outcome of `block`, each year, summing to `OVERCOMMIT` times the
    money of the streams that may fund them: each stream's year is shared among the block's outcomes
    it may fund, so every minimum alone is less than the money that may reach it."""
    outcomes = [o for o in doc["outcomes"] if o["block"] == block]
    ids = {o["id"] for o in outcomes}
    reach: dict[str, list[str]] = {}
    for s in doc["streams"]:
        named = [o for o in outcomes if o["id"] in s["eligible"] or block in s["eligible"]]
        reach[s["id"]] = [o["id"] for o in named]
    minimum: dict[str, dict[int, float]] = {o: {t: 0.0 for t in doc["years"]} for o in ids}
    for s in doc["streams"]:
        mine = reach[s["id"]]
        for t in doc["years"]:
            for o in mine:
                minimum[o][t] += OVERCOMMIT * s["amounts"][t] / max(len(mine), 2)
    for o in outcomes:
        o["min_spend"] = {t: float(round(v, -2)) for t, v in minimum[o["id"]].items()}


ENGINE = """
import json, sys, time
import click
from laa.cli.main import laa
laa.get_command(click.Context(laa), "run")  # starting the command is benchmarks.startup's
path, arrangement, out = sys.argv[1:4]
started = time.perf_counter()
try:
    laa.main(["run", path, "-a", arrangement, "--format", "json", "--out", out], standalone_mode=False)
except SystemExit:
    pass
seconds = time.perf_counter() - started
record = json.load(open(out))["arrangements"][0]
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"seconds": seconds, "status": record["status"], "peak_kb": peak}))
"""

DIAGNOSED = """
import json, sys, time
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement
from laa.scenarios.analysis.arrangements import plan_arrangement
path, arrangement = sys.argv[1:3]
started = time.perf_counter()
scenario = load_scenario(path)
loaded = time.perf_counter()
plan = plan_arrangement(scenario, Arrangement(arrangement))
seconds = time.perf_counter() - started
d = plan.diagnosis
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({
    "seconds": seconds, "load": loaded - started, "status": plan.status.value,
    "proof": plan.seconds.get("solve"),
    "diagnosis": None if d is None else d.seconds, "complete": None if d is None else d.complete,
    "relaxations": None if d is None else len(d.relaxation), "subset": None if d is None else len(d.subset),
    "note": None if d is None else d.note, "peak_kb": peak,
}))
"""

FLOOR = """
import json, sys
from laa.models.load import load_scenario
from benchmarks.independent import independent_floor
path, arrangement = sys.argv[1:3]
run = independent_floor(load_scenario(path), arrangement)
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"seconds": run.seconds, "status": run.status, "columns": run.columns, "rows": run.rows,
                  "peak_kb": peak}))
"""


def fresh(code: str, *args: str) -> dict[str, Any]:
    """`code` run in a fresh Python process; its last line of output, as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"a fresh process failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.growth", description=__doc__)
    parser.add_argument("--ks", default="1,2,3,4", help="multiples of XL")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--arrangements", default="aligned")
    parser.add_argument("--infeasible", action="store_true", help="the infeasible areas instead")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="laa-growth-") as folder:
        for k in [float(k) for k in args.ks.split(",")]:
            path = Path(folder) / f"{k:g}xXL.yaml"
            path.write_text(yaml.safe_dump(area(k, args.seed, args.infeasible), sort_keys=False))
            for arrangement in args.arrangements.split(","):
                if args.infeasible:
                    engine = fresh(DIAGNOSED, str(path), arrangement)
                else:
                    engine = fresh(ENGINE, str(path), arrangement, str(Path(folder) / "out.json"))
                floor = fresh(FLOOR, str(path), arrangement)
                row = {"k": k, "arrangement": arrangement, "engine": engine, "floor": floor}
                rows.append(row)
                print(json.dumps(row), flush=True)
    print()
    print(table(rows, args.infeasible))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


def table(rows: list[dict[str, Any]], infeasible: bool) -> str:
    if infeasible:
        lines = [
            "| size | arrangement | columns / rows (floor's) | floor's proof s | engine's proof s "
            "| first answer s (x proof) | diagnosis s | named relaxations | colliding subset | peak MB "
            "engine / floor |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            e, f = r["engine"], r["floor"]
            d = e["diagnosis"] or {}
            first = d.get("checks", 0.0) + d.get("relaxation", float("nan"))  # the first answer
            peak = f"{e['peak_kb'] / 1024:.0f} / {f['peak_kb'] / 1024:.0f}"
            lines.append(
                f"| {r['k']:g} x XL | {r['arrangement']} | {f['columns']:,} / {f['rows']:,} "
                f"| {f['seconds']:.1f} | {e['proof']:.1f} | {first:.1f} ({first / e['proof']:.1f}) "
                f"| {sum(d.values()):.1f} | {e['relaxations']} | {e['subset']} | {peak} |"
            )
        return "\n".join(lines)
    lines = [
        "| size | arrangement | columns / rows (floor's) | file to document s | floor s | ratio "
        "| peak MB engine / floor |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        e, f = r["engine"], r["floor"]
        lines.append(
            f"| {r['k']:g} x XL | {r['arrangement']} | {f['columns']:,} / {f['rows']:,} | {e['seconds']:.1f} "
            f"| {f['seconds']:.1f} | {e['seconds'] / f['seconds']:.2f} "
            f"| {e['peak_kb'] / 1024:.0f} / {f['peak_kb'] / 1024:.0f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
