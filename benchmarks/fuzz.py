"""The fuzzing harness's long run, as figures for benchmarks/README.md.

    python -m benchmarks.fuzz --count 10000 --seed S [--jobs 2] [--json benchmarks/fuzz.json]

Runs `tests.fuzz` (a seeded mutator over the examples and test scenarios, each
document loaded, planned and written in a worker with a per-document time
limit) and prints a Markdown table: documents by outcome, the engine's
seconds per document (loading, planning, writing; the mutation itself not
counted), and every traceback, hang and absurd result. Use a seed no earlier
run used, so the documents are fresh.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import time
from collections import Counter
from pathlib import Path

from tests.fuzz.runner import BAD, OUTCOMES, Summary, run


def table(summary: Summary, wall: float, jobs: int) -> str:
    results = summary.results
    n = len(results)
    lines = [f"Seed {summary.seed}, {n:,} documents, {jobs} workers, {wall:,.0f} s wall clock.", ""]
    lines += ["| outcome | documents | median s | 99th percentile s | most s |", "|---|---:|---:|---:|---:|"]
    for outcome in OUTCOMES:
        seconds = sorted(r.seconds for r in results if r.outcome == outcome)
        if seconds:
            k = len(seconds)
            lines.append(
                f"| {outcome} | {k:,} | {seconds[k // 2]:.3f} | {seconds[min(k - 1, int(k * 0.99))]:.3f} "
                f"| {seconds[-1]:.3f} |"
            )
        else:
            lines.append(f"| {outcome} | 0 | | | |")
    every = sorted(r.seconds for r in results)
    if every:
        p99 = every[min(n - 1, int(n * 0.99))]
        lines.append(f"| all | {n:,} | {every[n // 2]:.3f} | {p99:.3f} | {every[-1]:.3f} |")
    statuses = ", ".join(f"{s} {c:,}" for s, c in sorted(summary.statuses().items()))
    lines += ["", f"Plans of the valid documents: {statuses or 'none'}."]
    reasons = Counter(_reason(e) for r in results for e in r.errors)
    lines += [f"- {count:,} error plans: {reason}" for reason, count in reasons.most_common(10)]
    bad = summary.bad()
    lines.append(f"Tracebacks, hangs, absurd results, unlocated refusals: {len(bad)}.")
    lines += [f"- {r.outcome}: document {r.index} ({r.name}): {r.detail[:200]}" for r in bad[:20]]
    return "\n".join(lines)


def _reason(error: str) -> str:
    """An error plan's reason without its figures, so the same reason is counted once."""
    reason = error.split(": ", 1)[-1]
    return re.sub(r"-?[0-9][0-9.,e+-]*", "#", reason)[:120]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fuzz", description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    started = time.perf_counter()

    def progress(result, done: int, total: int) -> None:  # type: ignore[no-untyped-def]
        if result.outcome in BAD:
            print(f"[{done}/{total}] {result.outcome}: #{result.index} {result.name}: {result.detail[:300]}")
        elif done % 1000 == 0:
            print(f"[{done}/{total}] {time.perf_counter() - started:,.0f} s", flush=True)

    summary = run(args.seed, list(range(args.count)), args.jobs, args.timeout, progress=progress)
    wall = time.perf_counter() - started
    print(table(summary, wall, args.jobs))
    if args.json:
        args.json.write_text(json.dumps([dataclasses.asdict(r) for r in summary.results]))


if __name__ == "__main__":
    main()
