"""`python -m tests.fuzz --count 10000 --seed S [--jobs 2] [--timeout 60]`: a long fuzz run, its figures.

Prints each finding as it comes and a summary at the end (outcomes, seconds per document); writes every
result as JSON with `--json FILE`. `--only I` re-runs one document of the seed, to reproduce a finding;
`--save DIR` writes the documents of the findings there, to keep as regression files.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

from tests.fuzz.mutator import document
from tests.fuzz.runner import BAD, Result, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--start", type=int, default=0, help="first document index")
    parser.add_argument("--only", type=int, action="append", help="run just these document indexes")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a document may take: a hang")
    parser.add_argument("--solve-seconds", type=float, default=10.0, help="the solver's limit per plan")
    parser.add_argument("--json", type=Path, help="write every result here")
    parser.add_argument("--save", type=Path, help="write the documents of the findings to this folder")
    args = parser.parse_args(argv)
    indexes = args.only or list(range(args.start, args.start + args.count))
    started = time.perf_counter()

    def progress(result: Result, done: int, total: int) -> None:
        if result.outcome in BAD:
            print(f"[{done}/{total}] {result.outcome}: #{result.index} {result.name}: {result.detail[:500]}")
        elif done % 500 == 0:
            print(f"[{done}/{total}] {time.perf_counter() - started:.0f} s", flush=True)

    summary = run(args.seed, indexes, args.jobs, args.timeout, args.solve_seconds, progress)
    print(summary.text())
    print(f"wall clock {time.perf_counter() - started:.0f} s with {args.jobs} workers")
    if args.json:
        args.json.write_text(json.dumps([dataclasses.asdict(r) for r in summary.results], indent=1))
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for r in summary.bad():
            doc = document(args.seed, r.index)
            (args.save / f"seed{args.seed}-{doc.name}").write_bytes(doc.data)
    return 1 if summary.bad() else 0


if __name__ == "__main__":
    sys.exit(main())
