"""`python -m benchmarks.variants`: `laa compare --variants` on the example and its 10 variants (issue 16).

Each command runs as a fresh process, as a negotiator runs it, alternating
with its baseline in the same run: `laa compare` on the base alone (the
same four arrangements, once). The ratio says what the variants cost over
that one comparison; the base and ten variants are eleven comparisons, so a
ratio under 11 means the per-command start is shared. Wall-clock and CPU
seconds (user + system of the child) are both reported: on a machine shared
with other work the wall clock includes waiting for a core, the CPU time
does not.

Goal: `laa compare examples/northbridge.yaml --variants` under 3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAA = str(Path(sys.executable).parent / "laa")
EXAMPLE = "examples/northbridge.yaml"
COMMANDS = {
    "laa compare (the base alone)": [LAA, "compare", EXAMPLE],
    "laa compare --variants (base and 10 variants)": [LAA, "compare", EXAMPLE, "--variants"],
}


def timed(command: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of `command` as a fresh process."""
    before = os.times()
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, cwd=ROOT, check=True)
    wall = time.perf_counter() - started
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.variants", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    for command in COMMANDS.values():  # warm-up: the file cache and the interpreter's bytecode
        subprocess.run(command, capture_output=True, cwd=ROOT, check=True)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeat):  # alternating, so a busy spell on the machine falls on both
        for name, command in COMMANDS.items():
            runs[name].append(timed(command))
    result = {
        name: {
            "wall_median": statistics.median(w for w, _ in found),
            "cpu_median": statistics.median(c for _, c in found),
            "wall": [round(w, 3) for w, _ in found],
        }
        for name, found in runs.items()
    }
    base, variants = (result[name] for name in COMMANDS)
    ratio = variants["wall_median"] / base["wall_median"]
    for name, r in result.items():
        wall, cpu = r["wall_median"], r["cpu_median"]
        print(f"{name:48} wall {wall:.2f} s (median of {args.repeat}), CPU {cpu:.2f} s")
    print(f"variants / base, wall: {ratio:.1f}x (11 comparisons in one command); goal: under 3 s")
    if args.json is not None:
        args.json.write_text(json.dumps({"results": result, "ratio": ratio}, indent=1) + "\n")


if __name__ == "__main__":
    main()
