"""`python -m benchmarks.sensitivity`: sensitivity draws re-solved in place against rebuilt each draw.

Both paths produce the same per-draw results (score and outcome results of
every arrangement); the runner checks they agree, then prints the time per
draw and the ratio. One process, so the ratio is the re-solve's alone.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from laa.models.load import load_scenario
from laa.scenarios.analysis.draws import draw, drawn_scenario
from laa.scenarios.analysis.sensitivity import SOLVABLE, reusable, solve_draws

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sensitivity", description=__doc__)
    parser.add_argument("--draws", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    scenario = load_scenario(ROOT / "examples" / "northbridge.yaml")
    arrangements = list(SOLVABLE)
    draws = draw(scenario, args.draws, args.seed)

    started = time.perf_counter()
    in_place = solve_draws(scenario, arrangements, draws, None)
    reused = time.perf_counter() - started

    started = time.perf_counter()
    rebuilt = np.full((len(arrangements), args.draws), np.nan)
    per_arrangement = dict.fromkeys(arrangements, 0.0)
    for i in range(args.draws):
        varied = drawn_scenario(scenario, draws.effects[i], draws.amounts[i])
        for a, arrangement in enumerate(arrangements):
            t = time.perf_counter()
            result = reusable(varied, arrangement, None).summary(varied)  # built anew for this draw
            per_arrangement[arrangement] += time.perf_counter() - t
            rebuilt[a, i] = np.nan if result.score is None else result.score
    rebuilding = time.perf_counter() - started

    worst = float(np.nanmax(np.abs(in_place.scores - rebuilt)))
    if worst > 1e-6:
        raise SystemExit(f"in place and rebuilt disagree by {worst}")
    result = {
        "draws": args.draws,
        "arrangements": [a.value for a in arrangements],
        "in_place_seconds": reused,
        "rebuild_seconds": rebuilding,
        "ms_per_draw_in_place": 1000 * reused / args.draws,
        "ms_per_draw_rebuilt": 1000 * rebuilding / args.draws,
        "ratio": rebuilding / reused,
        "rebuilt_ms_per_draw_by_arrangement": {
            a.value: 1000 * v / args.draws for a, v in per_arrangement.items()
        },
    }
    print(
        f"{args.draws} draws of the example, {len(arrangements)} arrangements: in place {reused:.2f}s "
        f"({result['ms_per_draw_in_place']:.1f} ms a draw), rebuilt {rebuilding:.2f}s "
        f"({result['ms_per_draw_rebuilt']:.1f} ms a draw): {result['ratio']:.1f}x"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
