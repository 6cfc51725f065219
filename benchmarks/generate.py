"""Seeded synthetic scenarios at named sizes, shaped like real agreements.

Shapes follow the reference area: most streams fund one or two blocks'
outcomes, some (like NRF or a council's own budget) every block, and
programmes name a few outcomes, so XL has about 150k columns. Money is
scarce against the curves, a quarter of streams carry a ring-fence, a few
have caps and match rules, two pots hold about a third of the streams, and
some outcomes have statutory minimums. The same (size, seed) always gives the same scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

BLOCKS = ["CYP", "SSC", "HCOP", "EDE"]


@dataclass(frozen=True)
class Size:
    name: str
    streams: int
    outcomes: int
    years: int


SIZES = {
    "S": Size("S", 10, 20, 3),
    "M": Size("M", 50, 80, 3),
    "L": Size("L", 100, 150, 5),
    "XL": Size("XL", 200, 300, 5),
}


def generate(size: str | Size, seed: int = 0) -> dict[str, Any]:
    """A valid scenario document (the plain data a YAML file holds)."""
    spec = SIZES[size] if isinstance(size, str) else size
    rng = np.random.default_rng([seed, spec.streams, spec.outcomes, spec.years])
    years = list(range(2026, 2026 + spec.years))
    n_funders = max(2, spec.streams // 5)
    funders = [{"id": f"f{i}", "name": f"Funder {i}"} for i in range(n_funders)]

    outcomes = []
    block_of = {}
    for j in range(spec.outcomes):
        block = BLOCKS[j % 4]
        block_of[f"o{j}"] = block
        direction = "higher" if rng.random() < 0.5 else "lower"
        baseline = round(float(rng.uniform(10, 90)), 2)
        gap = round(float(rng.uniform(1, 10)), 2)
        sign = 1 if direction == "higher" else -1
        segments, slope = [], float(rng.uniform(0.3, 1.2)) * gap  # indicator units per GBP 1m
        for _ in range(int(rng.integers(2, 5))):
            width = float(rng.integers(3, 20)) * 100_000
            segments.append({"spend": width, "effect": round(slope * width / 1e6, 6)})
            slope *= float(rng.uniform(0.3, 0.8))
        if rng.random() < 0.5:
            segments.append({"spend": None, "effect": 0})
        outcome: dict[str, Any] = {
            "id": f"o{j}",
            "name": f"Outcome {j}",
            "block": block,
            "direction": direction,
            "baseline": baseline,
            "target": round(baseline + sign * gap, 2),
            "weight": float(rng.choice([0.5, 1.0, 1.0, 1.5, 2.0])),
            "response": segments,
        }
        if rng.random() < 0.3:
            outcome["stretch"] = round(baseline + sign * gap * 1.3, 2)
            outcome["reward"] = float(rng.choice([100_000, 250_000, 500_000]))
        if rng.random() < 0.08:
            outcome["min_spend"] = float(rng.integers(2, 8)) * 10_000
        outcomes.append(outcome)

    ids = [o["id"] for o in outcomes]
    by_block = {b: [o for o in ids if block_of[o] == b] for b in BLOCKS}
    streams = []
    for k in range(spec.streams):
        home = BLOCKS[k % 4]
        draw = rng.random()
        if draw < 0.7:  # a block-wide stream: some fund every block (like NRF or a council's budget)
            if rng.random() < 0.4:
                eligible = list(BLOCKS)
            else:
                eligible = [home] + ([BLOCKS[(k + 1) % 4]] if rng.random() < 0.7 else [])
        else:  # a programme naming its outcomes
            n = max(2, int(len(by_block[home]) * rng.uniform(0.2, 0.6)))
            own = rng.choice(by_block[home], size=min(n, len(by_block[home])), replace=False).tolist()
            other = rng.choice(ids, size=int(rng.integers(0, 4)), replace=False).tolist()
            eligible = sorted(set(own) | set(other), key=ids.index)
        base = float(rng.integers(1, 12)) * 25_000
        streams.append(
            {
                "id": f"s{k}",
                "name": f"Stream {k}",
                "funder": f"f{k % n_funders}",
                "amounts": {t: round(base * float(rng.uniform(0.85, 1.15)), -3) for t in years},
                "eligible": eligible,
                "admin_rate": float(rng.choice([0.01, 0.02, 0.03, 0.05])),
                "carry_forward": float(rng.choice([0.0, 0.05, 0.1, 0.25])),
                "poolable": bool(rng.random() < 0.85),
                "max_pool_share": float(rng.choice([0.5, 1.0, 1.0])),
            }
        )

    rules = []
    for k, stream in enumerate(streams):
        draw = rng.random()
        named = [o for o in stream["eligible"] if o in block_of]
        targets = named[:2] if named else by_block[stream["eligible"][0]][:2]
        if draw < 0.25:
            rules.append(
                {
                    "id": f"r{k}-fence",
                    "streams": [stream["id"]],
                    "outcomes": targets,
                    "min_share": float(rng.choice([0.1, 0.2, 0.3])),
                    "per": "period" if rng.random() < 0.3 else "year",
                    # a pot can honour a surviving fence only on outcomes in its scope
                    "survives_pooling": bool(rng.random() < 0.2)
                    and all(block_of.get(o) in ("HCOP", "SSC") for o in targets),
                }
            )
        elif draw < 0.35:
            rules.append(
                {
                    "id": f"r{k}-cap",
                    "streams": [stream["id"]],
                    "outcomes": targets,
                    "max_share": float(rng.choice([0.3, 0.5])),
                }
            )
        elif draw < 0.40:
            rules.append(
                {
                    "id": f"r{k}-match",
                    "streams": [stream["id"]],
                    "outcomes": targets,
                    "match": float(rng.choice([0.1, 0.25])),
                    "per": "period",
                }
            )

    members = [s["id"] for s in streams if s["poolable"]]
    rng.shuffle(members)
    third = max(1, len(members) // 6)
    by_id = {s["id"]: s for s in streams}

    def setup(held: list[str], share: float) -> float:
        """A set-up cost a pot can pay: a share of its members' first-year money."""
        first = sum(by_id[m]["amounts"][years[0]] * by_id[m]["max_pool_share"] for m in held)
        return float(round(share * first, -3))

    a, b = sorted(members[:third], key=_num), sorted(members[third : 2 * third], key=_num)
    pots = [
        {
            "id": "pot-a",
            "name": "Pooled fund A",
            "members": a,
            "admin_rate": 0.01,
            "setup_cost": setup(a, 0.04),
            "carry_forward": 1.0,
        },
        {
            "id": "pot-b",
            "name": "Pooled fund B",
            "members": b,
            "scope": ["HCOP", "SSC"],
            "admin_rate": 0.015,
            "setup_cost": setup(b, 0.08),
            "carry_forward": 0.5,
        },
    ]
    return {
        "name": f"generated {spec.name} seed {seed}",
        "years": years,
        "funders": funders,
        "outcomes": outcomes,
        "streams": streams,
        "rules": rules,
        "pots": pots,
    }


def _num(stream_id: str) -> int:
    return int(stream_id[1:])
