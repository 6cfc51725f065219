"""Seeded synthetic scenarios in named shapes and sizes, shaped like real agreements.

The `standard` shape follows the reference area: most streams fund one or
two blocks' outcomes, some (like NRF or a council's own budget) every
block, and programmes name a few outcomes, so XL has about 150k columns.
Money is scarce against the curves, a quarter of streams carry a
ring-fence, a few have caps and match rules, two pots hold about a third of
the streams, and some outcomes have statutory minimums.

The other shapes stress what the standard one does not (issue 15): many
outcomes for few streams, many small streams for few outcomes, eligibility
by whole blocks, dense rules, many pots, long horizons. Each shape has its
own sizes S, M, L and XL; where a shape changes the ratio of streams to
outcomes or the number of years, stream amounts are scaled so money stays
as scarce against the curves as in the standard shape, since an area with
far more money than its curves can use is a different (easier) problem.

The same (shape, size, seed) always gives the same scenario, and the
standard shape gives exactly what this generator gave before shapes existed
(tests and batches name its scenarios by size and seed).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

BLOCKS = ["CYP", "SSC", "HCOP", "EDE"]
STANDARD = "standard"


@dataclass(frozen=True)
class Size:
    name: str
    streams: int
    outcomes: int
    years: int


def _sizes(*rows: tuple[str, int, int, int]) -> dict[str, Size]:
    return {name: Size(name, s, o, t) for name, s, o, t in rows}


SIZES = _sizes(("S", 10, 20, 3), ("M", 50, 80, 3), ("L", 100, 150, 5), ("XL", 200, 300, 5))


@dataclass(frozen=True)
class Shape:
    """How a family of scenarios is drawn. Every knob at its default draws the standard shape."""

    name: str
    description: str
    sizes: dict[str, Size] = field(default_factory=lambda: SIZES)
    # "mixed": most streams fund whole blocks, some programmes name outcomes; "blocks": all whole blocks
    eligibility: Literal["mixed", "blocks"] = "mixed"
    dense_rules: bool = False
    # None: the two standard pots; otherwise about one pot per this many poolable streams
    streams_per_pot: int | None = None
    # scale stream amounts so money stays as scarce against the curves as in the standard XL
    balance_money: bool = False

    def money_scale(self, size: Size) -> float:
        if not self.balance_money:
            return 1.0
        standard = SIZES["XL"]
        per_stream = (size.outcomes / size.streams) / (standard.outcomes / standard.streams)
        return per_stream * standard.years / size.years


SHAPES = {
    s.name: s
    for s in (
        Shape(STANDARD, "the reference area's shape: mixed eligibility, sparse rules, two pots"),
        Shape(
            "many-outcomes",
            "few streams, each funding hundreds of outcomes",
            _sizes(("S", 4, 40, 3), ("M", 15, 150, 3), ("L", 50, 400, 5), ("XL", 150, 900, 5)),
            balance_money=True,
        ),
        Shape(
            "many-streams",
            "many small streams over few outcomes",
            _sizes(("S", 30, 8, 3), ("M", 120, 24, 3), ("L", 400, 60, 5), ("XL", 1000, 100, 5)),
            balance_money=True,
        ),
        Shape("block-wide", "every stream eligible for one to four whole blocks", eligibility="blocks"),
        Shape(
            "dense-rules",
            "three to five rules a stream, funder-wide rules, statutory minimums on a quarter",
            dense_rules=True,
        ),
        Shape("many-pots", "a pot for about every six poolable streams, variously scoped", streams_per_pot=6),
        Shape(
            "long-horizon",
            "ten to fifteen years: long carry-forward chains",
            _sizes(("S", 10, 20, 10), ("M", 40, 60, 10), ("L", 80, 120, 12), ("XL", 120, 200, 15)),
            balance_money=True,
        ),
    )
}


def shapes_named(text: str) -> list[str]:
    """The shapes a command line names: comma-separated, or `all`; an unknown one is refused."""
    names = [s.strip() for s in text.split(",") if s.strip()]
    names = list(SHAPES) if names == ["all"] else names
    if unknown := [s for s in names if s not in SHAPES]:
        raise SystemExit(f"unknown shapes {unknown}; choose from {list(SHAPES)}")
    return names


def generate(size: str | Size, seed: int = 0, shape: str = STANDARD) -> dict[str, Any]:
    """A valid scenario document (the plain data a YAML file holds) of `shape` at `size`."""
    kind = SHAPES[shape]
    spec = kind.sizes[size] if isinstance(size, str) else size
    key = [seed, spec.streams, spec.outcomes, spec.years]
    if shape != STANDARD:
        key.append(zlib.crc32(shape.encode()))
    rng = np.random.default_rng(key)
    years = list(range(2026, 2026 + spec.years))
    n_funders = max(2, spec.streams // 5)
    funders = [{"id": f"f{i}", "name": f"Funder {i}"} for i in range(n_funders)]
    outcomes, block_of = _outcomes(rng, spec)
    streams = _streams(rng, spec, kind, years, n_funders, block_of)
    if kind.dense_rules:
        rules = _dense_rules(rng, streams, years, block_of)
        _statutory(rng, outcomes, years)
    else:
        rules = _rules(rng, streams, block_of, exact=shape == STANDARD)
    if kind.streams_per_pot is None:
        pots = _two_pots(rng, streams, years)
    else:
        pots = _many_pots(rng, streams, years, kind.streams_per_pot)
    survive_only_in_scope(rules, streams, pots, block_of)
    label = spec.name if shape == STANDARD else f"{shape} {spec.name}"
    return {
        "name": f"generated {label} seed {seed}",
        "years": years,
        "funders": funders,
        "outcomes": outcomes,
        "streams": streams,
        "rules": rules,
        "pots": pots,
    }


def _outcomes(rng: np.random.Generator, spec: Size) -> tuple[list[dict[str, Any]], dict[str, str]]:
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
    return outcomes, block_of


def _streams(
    rng: np.random.Generator,
    spec: Size,
    kind: Shape,
    years: list[int],
    n_funders: int,
    block_of: dict[str, str],
) -> list[dict[str, Any]]:
    ids = list(block_of)
    by_block = {b: [o for o in ids if block_of[o] == b] for b in BLOCKS}
    scale = kind.money_scale(spec)
    streams = []
    for k in range(spec.streams):
        home = BLOCKS[k % 4]
        if kind.eligibility == "blocks":
            others = [b for b in BLOCKS if b != home]
            eligible = [home, *rng.choice(others, size=int(rng.integers(0, 4)), replace=False).tolist()]
        elif rng.random() < 0.7:  # block-wide: some fund every block (like NRF or a council's budget)
            if rng.random() < 0.4:
                eligible = list(BLOCKS)
            else:
                eligible = [home] + ([BLOCKS[(k + 1) % 4]] if rng.random() < 0.7 else [])
        else:  # a programme naming its outcomes
            n = max(2, int(len(by_block[home]) * rng.uniform(0.2, 0.6)))
            own = rng.choice(by_block[home], size=min(n, len(by_block[home])), replace=False).tolist()
            other = rng.choice(ids, size=min(int(rng.integers(0, 4)), len(ids)), replace=False).tolist()
            eligible = sorted(set(own) | set(other), key=ids.index)
        base = float(rng.integers(1, 12)) * 25_000 * scale
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
    return streams


def _rules(
    rng: np.random.Generator, streams: list[dict[str, Any]], block_of: dict[str, str], exact: bool
) -> list[dict[str, Any]]:
    """A quarter of streams fenced, a tenth capped, a twentieth matched: two outcomes each.

    `exact` keeps the standard shape's targets (a block-only stream's first two outcomes of its first
    block); other shapes draw them from everything the stream may fund, so that streams funding the
    same blocks do not all fence the same two outcomes.
    """
    by_block = {b: [o for o in block_of if block_of[o] == b] for b in BLOCKS}
    rules = []
    for k, stream in enumerate(streams):
        draw = rng.random()
        if exact:
            named = [o for o in stream["eligible"] if o in block_of]
            targets = named[:2] if named else by_block[stream["eligible"][0]][:2]
        else:
            reach = expand(stream["eligible"], by_block)
            targets = sorted(rng.choice(reach, size=min(2, len(reach)), replace=False).tolist(), key=ordinal)
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
    return rules


def _dense_rules(
    rng: np.random.Generator, streams: list[dict[str, Any]], years: list[int], block_of: dict[str, str]
) -> list[dict[str, Any]]:
    """Every stream fenced, capped and matched on separate outcomes; funder-wide rules besides.

    Fences (minimums) and caps of one stream name disjoint outcomes and a match rule a third set,
    so a stream can always meet them all; minimum amounts fall only on streams no pot takes, and
    stay well inside what the stream has after overhead. Funder-wide rules are a cap on a block
    and a floor on spending at all (against money lapsing), both within what fences leave.
    """
    by_block = {b: [o for o in block_of if block_of[o] == b] for b in BLOCKS}
    rules: list[dict[str, Any]] = []
    for k, stream in enumerate(streams):
        reach = rng.permutation(expand(stream["eligible"], by_block)).tolist()
        fenced, capped, matched = reach[:2], reach[2:6], reach[6:9]
        sid = stream["id"]
        total = sum(stream["amounts"].values())
        fence: dict[str, Any] = {
            "id": f"r{k}-fence",
            "streams": [sid],
            "outcomes": sorted(fenced, key=ordinal),
            "min_share": float(rng.choice([0.05, 0.1, 0.15])),
            "per": "period" if rng.random() < 0.3 else "year",
            "survives_pooling": bool(rng.random() < 0.3),
        }
        if rng.random() < 0.3:
            fence["years"] = years[-2:]
        rules.append(fence)
        if capped:
            if rng.random() < 0.6:
                cap = {"max_share": float(rng.choice([0.3, 0.5]))}
            else:
                cap = {"max_amount": float(round(0.25 * total, -3))}
            capped_ids = sorted(capped, key=ordinal)
            rules.append({"id": f"r{k}-cap", "streams": [sid], "outcomes": capped_ids, **cap})
        if matched:
            rules.append(
                {
                    "id": f"r{k}-match",
                    "streams": [sid],
                    "outcomes": sorted(matched, key=ordinal),
                    "match": float(rng.choice([0.1, 0.25])),
                    "per": "period" if rng.random() < 0.7 else "year",
                }
            )
        if not stream["poolable"] and rng.random() < 0.5:
            rules.append(
                {
                    "id": f"r{k}-amount",
                    "streams": [sid],
                    "outcomes": sorted(fenced, key=ordinal),
                    "min_amount": float(round(0.05 * (1 - stream["admin_rate"]) * total, -3)),
                    "per": "period",
                }
            )
    by_funder: dict[str, list[str]] = {}
    for stream in streams:
        by_funder.setdefault(stream["funder"], []).append(stream["id"])
    for f, own in by_funder.items():
        rules.append(
            {
                "id": f"{f}-block-cap",
                "streams": own,
                "outcomes": [str(rng.choice(BLOCKS))],
                "max_share": float(rng.choice([0.6, 0.8])),
            }
        )
        rules.append({"id": f"{f}-spend", "streams": own, "min_share": 0.5, "per": "period"})
    return rules


def _statutory(rng: np.random.Generator, outcomes: list[dict[str, Any]], years: list[int]) -> None:
    """A statutory minimum on about a quarter of outcomes, some of them year by year."""
    for outcome in outcomes:
        if rng.random() < 0.25:
            if rng.random() < 0.5:
                outcome["min_spend"] = float(rng.integers(1, 5)) * 10_000
            else:
                outcome["min_spend"] = {t: float(rng.integers(0, 5)) * 10_000 for t in years}


def _two_pots(
    rng: np.random.Generator, streams: list[dict[str, Any]], years: list[int]
) -> list[dict[str, Any]]:
    """Two pots holding about a third of the poolable streams: one unscoped, one for HCOP and SSC."""
    members = [s["id"] for s in streams if s["poolable"]]
    rng.shuffle(members)
    third = max(1, len(members) // 6)
    by_id = {s["id"]: s for s in streams}
    a, b = sorted(members[:third], key=ordinal), sorted(members[third : 2 * third], key=ordinal)
    return [
        {
            "id": "pot-a",
            "name": "Pooled fund A",
            "members": a,
            "admin_rate": 0.01,
            "setup_cost": _setup(by_id, a, years, 0.04),
            "carry_forward": 1.0,
        },
        {
            "id": "pot-b",
            "name": "Pooled fund B",
            "members": b,
            "scope": ["HCOP", "SSC"],
            "admin_rate": 0.015,
            "setup_cost": _setup(by_id, b, years, 0.08),
            "carry_forward": 0.5,
        },
    ]


def _many_pots(
    rng: np.random.Generator, streams: list[dict[str, Any]], years: list[int], per_pot: int
) -> list[dict[str, Any]]:
    """Nine in ten poolable streams spread over pots of three to nine, each scoped one of three ways."""
    members = [s["id"] for s in streams if s["poolable"]]
    rng.shuffle(members)
    members = members[: max(1, int(len(members) * 0.9))]
    by_id = {s["id"]: s for s in streams}
    pots = []
    start = 0
    while start < len(members):
        size = int(rng.integers(max(1, per_pot - 3), per_pot + 4))
        held = sorted(members[start : start + size], key=ordinal)
        start += size
        pot: dict[str, Any] = {
            "id": f"pot-{len(pots)}",
            "name": f"Pooled fund {len(pots)}",
            "members": held,
            "admin_rate": float(rng.choice([0.005, 0.01, 0.02])),
            "setup_cost": _setup(by_id, held, years, float(rng.choice([0.0, 0.02, 0.05, 0.08]))),
            "carry_forward": float(rng.choice([0.0, 0.5, 1.0])),
        }
        scoped = rng.random()
        if scoped < 0.33:  # one block: the first member's home block
            pot["scope"] = [BLOCKS[ordinal(held[0]) % 4]]
        elif scoped < 0.66:
            pot["scope"] = sorted(rng.choice(BLOCKS, size=2, replace=False).tolist(), key=BLOCKS.index)
        pots.append(pot)
    return pots


def _setup(by_id: dict[str, dict[str, Any]], held: list[str], years: list[int], share: float) -> float:
    """A set-up cost a pot can pay: a share of its members' first-year money."""
    first = sum(by_id[m]["amounts"][years[0]] * by_id[m]["max_pool_share"] for m in held)
    return float(round(share * first, -3))


def survive_only_in_scope(
    rules: list[dict[str, Any]],
    streams: list[dict[str, Any]],
    pots: list[dict[str, Any]],
    block_of: dict[str, str],
) -> None:
    """A surviving share rule binds inside its streams' pot, which can honour it only on outcomes in
    its scope: where some named outcome lies outside it, the rule does not survive."""
    by_block = {b: [o for o in block_of if block_of[o] == b] for b in BLOCKS}
    eligible = {s["id"]: s["eligible"] for s in streams}
    scope_of = {}
    for pot in pots:
        named = pot.get("scope") or [i for m in pot["members"] for i in eligible[m]]
        scope = set(expand(named, by_block))
        for m in pot["members"]:
            scope_of[m] = scope
    for rule in rules:
        if not rule.get("survives_pooling"):
            continue
        for s in rule["streams"]:
            if s in scope_of and not set(rule["outcomes"]) <= scope_of[s]:
                rule["survives_pooling"] = False


def expand(ids: list[str], by_block: dict[str, list[str]]) -> list[str]:
    """Outcome ids named by outcome and block ids, in outcome order."""
    wanted = {o for i in ids for o in by_block.get(i, [i])}
    return sorted(wanted, key=ordinal)


def ordinal(item_id: str) -> int:
    return int(item_id[1:])
