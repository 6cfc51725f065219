"""`python -m benchmarks.startup`: how long `laa` takes to start, in fresh processes (issue 15).

Times `laa --help`, `laa validate` on the example and on generated XL files
(the standard shape and the largest, many-outcomes), each as a new process
the way a user or a batch script runs it, and Python doing nothing as the
floor every command stands on. Medians of --repeat runs, after one warm-up
run each so the file cache is not what is measured.

Goals: `laa --help` under 0.3 s; `laa validate` on an XL file under 1 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks.generate import generate

ROOT = Path(__file__).resolve().parents[1]
LAA = str(Path(sys.executable).parent / "laa")


def seconds(command: list[str], repeat: int) -> list[float]:
    """Wall-clock seconds of `command` as a fresh process, `repeat` times after one warm-up."""
    subprocess.run(command, capture_output=True, cwd=ROOT, check=True)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, cwd=ROOT, check=True)
        times.append(time.perf_counter() - started)
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="laa-startup-") as folder:
        files = {}
        for shape in ("standard", "many-outcomes"):
            path = Path(folder) / f"{shape}-XL.yaml"
            path.write_text(yaml.safe_dump(generate("XL", 0, shape), sort_keys=False))
            files[shape] = path
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "laa --help": [LAA, "--help"],
            "laa validate examples/northbridge.yaml": [LAA, "validate", "examples/northbridge.yaml"],
        }
        for shape, path in files.items():
            size_mb = path.stat().st_size / 1e6
            commands[f"laa validate {shape} XL ({size_mb:.1f} MB)"] = [LAA, "validate", str(path)]
        results = {}
        for name, command in commands.items():
            times = seconds(command, args.repeat)
            results[name] = {"median": statistics.median(times), "min": min(times), "max": max(times)}
            print(
                f"{name:<48} median {results[name]['median']:.3f}s "
                f"(min {results[name]['min']:.3f}, max {results[name]['max']:.3f}, {args.repeat} runs)",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps({"repeat": args.repeat, "commands": results}, indent=1))
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
