"""A seeded random family of areas that no solver option can be fitted to (issue 22).

The named shapes (`benchmarks.generate`) are seven points; options chosen on
them were a guess about every other area. Here each draw takes its own
numbers from wide ranges: streams 10-400, outcomes 10-1,000, years 2-8,
pots 0-10, how many outcomes a stream may fund, rules per stream, money
from a fifth to three times what the curves absorb, partial pooling on or
off. Draw `i` of seed `s` at a size class is always the same area; a new
seed is a new family, so a rule chosen on one seed is checked on another.

A size class fixes only the spend columns the draw aims at (streams x
outcomes it may fund x years): `L` 20,000-60,000 (the standard L has
36,520 columns), `XL` 100,000-400,000 (standard XL 148,192, many-outcomes
XL 382k). Streams and years are drawn first, then the outcomes and the
density that reach the target within the ranges.

Every draw is meant to have a plan (a benchmark of the solve, not of the
diagnosis): a floor (`min_share`, `min_amount`, a statutory minimum) falls
only on outcomes whose curve has no end or is wide enough, the floors on a
stream ask for at most about four fifths of its money, and the rules of
one stream name disjoint outcomes (a cap never undoes a fence).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from benchmarks.generate import expand, ordinal, survive_only_in_scope

BLOCKS = ["CYP", "SSC", "HCOP", "EDE"]
SIZE_CLASSES = {"L": (20_000, 60_000), "XL": (100_000, 400_000)}
STREAMS = (10, 400)
OUTCOMES = (10, 1000)
YEARS = (2, 8)
POTS = (0, 10)
MONEY = (0.2, 3.0)  # total money over the period / what the curves absorb
RULES_PER_STREAM = (0.0, 3.0)
DENSITY_FLOOR = 0.005  # a stream funds at least this share of the outcomes (and at least one)
FLOORS_SHARE = 0.5  # the share of a stream's year a stream's fences may ask for, in all
KINDS = ["min_share", "min_share", "max_share", "max_amount", "match", "min_amount"]  # fences twice as often
STATUTORY_SHARE = 0.15  # of a stream's money, the most statutory minimums lean on


@dataclass(frozen=True)
class Draw:
    """The numbers one draw of the family was made from (reported beside its timings)."""

    size: str
    seed: int
    index: int
    streams: int
    outcomes: int
    years: int
    pots: int
    density: float  # mean share of the outcomes a stream may fund
    by_block: float  # share of streams eligible by whole blocks rather than by named outcomes
    rules_per_stream: float
    money: float  # money over the period / what the curves absorb
    partial_pooling: bool
    unbounded: float  # share of outcomes whose curve ends in a flat unbounded tail
    statutory: float  # share of outcomes with a statutory minimum

    @property
    def name(self) -> str:
        return f"{self.size}#{self.index}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def draw(size: str, seed: int, index: int, **fixed: Any) -> Draw:
    """Draw `index` of seed `seed`'s family at a size class; `fixed` pins any of the numbers
    (streams, outcomes, years, money, ...) and the rest are drawn around them."""
    if size not in SIZE_CLASSES:
        raise ValueError(f"unknown size class {size}; choose from {list(SIZE_CLASSES)}")
    rng = np.random.default_rng([seed, list(SIZE_CLASSES).index(size), index, 22])
    low, high = SIZE_CLASSES[size]
    for _ in range(1000):
        target = _log_uniform(rng, low, high)
        streams = fixed.get("streams") or round(_log_uniform(rng, *STREAMS))
        years = fixed.get("years") or int(rng.integers(YEARS[0], YEARS[1] + 1))
        per_stream = target / (streams * years)  # outcomes a stream may fund, on average
        outcomes = fixed.get("outcomes")
        if outcomes is None:
            least, most = max(OUTCOMES[0], per_stream), min(OUTCOMES[1], per_stream / DENSITY_FLOOR)
            if least > most:
                continue
            outcomes = round(_log_uniform(rng, least, most))
        density = fixed.get("density") or min(1.0, per_stream / outcomes)
        break
    else:  # pragma: no cover - the ranges always hold a draw
        raise RuntimeError(f"no draw fits {size} with {fixed}")
    return Draw(
        size=size,
        seed=seed,
        index=index,
        streams=streams,
        outcomes=outcomes,
        years=years,
        pots=fixed.get("pots", int(rng.integers(POTS[0], POTS[1] + 1))),
        density=round(density, 4),
        by_block=round(float(rng.uniform(0.0, 0.8)), 2),
        rules_per_stream=round(fixed.get("rules_per_stream", float(rng.uniform(*RULES_PER_STREAM))), 2),
        money=round(fixed.get("money", _log_uniform(rng, *MONEY)), 3),
        partial_pooling=fixed.get("partial_pooling", bool(rng.random() < 0.5)),
        unbounded=round(float(rng.uniform(0.2, 0.9)), 2),
        statutory=round(float(rng.uniform(0.0, 0.25)), 2),
    )


def family(size: str, seed: int, count: int) -> list[Draw]:
    """The first `count` draws of seed `seed`'s family at a size class."""
    return [draw(size, seed, i) for i in range(count)]


def _log_uniform(rng: np.random.Generator, low: float, high: float) -> float:
    return float(math.exp(rng.uniform(math.log(low), math.log(high))))


def area(d: Draw) -> dict[str, Any]:
    """The scenario document (the plain data a YAML file holds) of draw `d`."""
    rng = np.random.default_rng([d.seed, list(SIZE_CLASSES).index(d.size), d.index, 2022])
    years = list(range(2026, 2026 + d.years))
    outcomes, unbounded = _outcomes(rng, d)
    block_of = {o["id"]: o["block"] for o in outcomes}
    absorb = sum(seg["spend"] for o in outcomes for seg in o["response"] if seg["spend"] is not None)
    streams = _streams(rng, d, years, block_of, absorb)
    pots = _pots(rng, d, streams, years)
    pooled = {m: p for p in pots for m in p["members"]}
    rules = _rules(rng, d, streams, block_of, unbounded, pooled, years)
    survive_only_in_scope(rules, streams, pots, block_of)
    limited = {o for r in rules if "min_share" not in r and "min_amount" not in r for o in r["outcomes"]}
    _statutory(rng, d, [o for o in outcomes if o["id"] not in limited], streams, block_of, unbounded, pooled)
    n_funders = max(2, d.streams // 5)
    return {
        "name": f"random family seed {d.seed} {d.name}",
        "years": years,
        "funders": [{"id": f"f{i}", "name": f"Funder {i}"} for i in range(n_funders)],
        "outcomes": outcomes,
        "streams": streams,
        "rules": rules,
        "pots": pots,
        "partial_pooling": d.partial_pooling,
    }


def _outcomes(rng: np.random.Generator, d: Draw) -> tuple[list[dict[str, Any]], set[str]]:
    """Curves of one to five segments, each £50k to £3m wide, slopes falling; some end unbounded."""
    outcomes, unbounded = [], set()
    for j in range(d.outcomes):
        direction = "higher" if rng.random() < 0.5 else "lower"
        baseline = round(float(rng.uniform(10, 90)), 2)
        gap = round(float(rng.uniform(0.5, 10)), 2)
        sign = 1 if direction == "higher" else -1
        slope = float(rng.uniform(0.2, 1.5)) * gap  # indicator units per GBP 1m
        segments = []
        for _ in range(int(rng.integers(1, 6))):
            width = round(_log_uniform(rng, 50_000, 3_000_000), -3)
            segments.append({"spend": width, "effect": round(slope * width / 1e6, 6)})
            slope *= float(rng.uniform(0.3, 0.9))
        if rng.random() < d.unbounded:
            segments.append({"spend": None, "effect": 0})
            unbounded.add(f"o{j}")
        outcome: dict[str, Any] = {
            "id": f"o{j}",
            "name": f"Outcome {j}",
            "block": BLOCKS[j % 4],
            "direction": direction,
            "baseline": baseline,
            "target": round(baseline + sign * gap, 2),
            "weight": float(rng.choice([0.5, 1.0, 1.0, 1.5, 2.0, 3.0])),
            "response": segments,
        }
        if rng.random() < 0.3:
            outcome["stretch"] = round(baseline + sign * gap * float(rng.uniform(1.1, 1.6)), 2)
            outcome["reward"] = float(rng.choice([100_000, 250_000, 500_000]))
        outcomes.append(outcome)
    return outcomes, unbounded


def _streams(
    rng: np.random.Generator, d: Draw, years: list[int], block_of: dict[str, str], absorb: float
) -> list[dict[str, Any]]:
    """Streams of very different sizes (a council's budget beside small grants), eligible by whole
    blocks or by named outcomes, their money over the period summing to `d.money` times `absorb`."""
    ids = list(block_of)
    by_block = {b: [o for o in ids if block_of[o] == b] for b in BLOCKS}
    n_funders = max(2, d.streams // 5)
    weights = rng.lognormal(0.0, 1.0, d.streams)
    streams = []
    for k in range(d.streams):
        home = BLOCKS[k % 4]
        share = min(1.0, max(DENSITY_FLOOR, d.density * float(rng.uniform(0.5, 1.5))))
        if rng.random() < d.by_block and share >= 0.2:
            n = min(4, max(1, round(share * 4)))
            others = [b for b in BLOCKS if b != home]
            eligible = [home, *rng.choice(others, size=n - 1, replace=False).tolist()]
        else:  # a programme naming its outcomes: mostly its home block, some elsewhere
            n = max(1, min(len(ids), round(share * len(ids))))
            own = by_block[home]
            near = min(len(own), round(n * 0.7))
            named = set(rng.choice(own, size=near, replace=False).tolist()) if near else set()
            rest = [o for o in ids if o not in named]
            named |= set(rng.choice(rest, size=min(len(rest), n - len(named)), replace=False).tolist())
            eligible = sorted(named, key=ordinal)
        active = years
        if rng.random() < 0.1 and len(years) > 2:  # a stream that starts late or ends early
            start = int(rng.integers(0, len(years) - 1))
            active = years[start : start + int(rng.integers(1, len(years) - start + 1))]
        streams.append(
            {
                "id": f"s{k}",
                "name": f"Stream {k}",
                "funder": f"f{k % n_funders}",
                "amounts": {t: (float(rng.uniform(0.85, 1.15)) if t in active else 0.0) for t in years},
                "eligible": eligible,
                "admin_rate": float(rng.choice([0.0, 0.01, 0.02, 0.03, 0.05])),
                "carry_forward": float(rng.choice([0.0, 0.05, 0.1, 0.25, 0.5])),
                "poolable": bool(rng.random() < 0.8),
                "max_pool_share": float(rng.choice([0.5, 1.0, 1.0])),
            }
        )
    total = sum(w * sum(s["amounts"].values()) for w, s in zip(weights, streams, strict=True))
    scale = d.money * absorb / total
    for w, stream in zip(weights, streams, strict=True):
        stream["amounts"] = {t: float(round(w * scale * a)) for t, a in stream["amounts"].items()}
    return streams


def _pots(
    rng: np.random.Generator, d: Draw, streams: list[dict[str, Any]], years: list[int]
) -> list[dict[str, Any]]:
    """Up to `d.pots` pots sharing a fifth to nine tenths of the poolable streams, scoped one of
    three ways (one block, two blocks, or their members' eligibility)."""
    members = [s["id"] for s in streams if s["poolable"]]
    rng.shuffle(members)
    members = members[: int(len(members) * float(rng.uniform(0.2, 0.9)))]
    count = min(d.pots, len(members) // 2)
    if count == 0:
        return []
    cuts = []
    if count > 1:
        cuts = np.sort(rng.choice(np.arange(2, len(members) - 1), size=count - 1, replace=False))
    groups = [g for g in np.split(np.array(members), cuts) if len(g)]
    by_id = {s["id"]: s for s in streams}
    pots = []
    for i, group in enumerate(groups):
        held = sorted(group.tolist(), key=ordinal)
        first = sum(by_id[m]["amounts"][years[0]] * by_id[m]["max_pool_share"] for m in held)
        pot: dict[str, Any] = {
            "id": f"pot-{i}",
            "name": f"Pooled fund {i}",
            "members": held,
            "admin_rate": float(rng.choice([0.0, 0.005, 0.01, 0.02])),
            "setup_cost": float(round(float(rng.choice([0.0, 0.02, 0.05, 0.08])) * first, -2)),
            "carry_forward": float(rng.choice([0.0, 0.5, 1.0])),
        }
        scoped = rng.random()
        if scoped < 0.33:
            pot["scope"] = [BLOCKS[ordinal(held[0]) % 4]]
        elif scoped < 0.66:
            pot["scope"] = sorted(rng.choice(BLOCKS, size=2, replace=False).tolist(), key=BLOCKS.index)
        pots.append(pot)
    return pots


def _rules(
    rng: np.random.Generator,
    d: Draw,
    streams: list[dict[str, Any]],
    block_of: dict[str, str],
    unbounded: set[str],
    pooled: dict[str, dict[str, Any]],
    years: list[int],
) -> list[dict[str, Any]]:
    """About `d.rules_per_stream` rules a stream, of every kind; floors only where they can hold."""
    by_block = {b: [o for o in block_of if block_of[o] == b] for b in BLOCKS}
    rules: list[dict[str, Any]] = []
    for stream in streams:
        sid = stream["id"]
        reach = rng.permutation(expand(stream["eligible"], by_block)).tolist()
        floors_left = FLOORS_SHARE
        named_before: set[str] = set()  # a stream's rules name disjoint outcomes, so none undoes another
        for n in range(int(rng.poisson(d.rules_per_stream))):
            kind = str(rng.choice(KINDS))
            rule: dict[str, Any] = {"id": f"r-{sid}-{n}", "streams": [sid]}
            if kind in ("min_share", "min_amount"):
                open_ended = [o for o in reach if o in unbounded and o not in named_before]
                if not open_ended or floors_left < 0.05:
                    continue
                named = open_ended[: int(rng.integers(1, 4))]
                if kind == "min_share":
                    share = round(float(rng.uniform(0.05, min(0.3, floors_left))), 2)
                    floors_left -= share
                    rule |= {"outcomes": sorted(named, key=ordinal), "min_share": share}
                    rule["per"] = "period" if rng.random() < 0.4 else "year"
                    rule["survives_pooling"] = bool(rng.random() < 0.3)
                else:
                    if sid in pooled:  # all its money may be pooled: nothing of its own to spend
                        continue
                    total = sum(stream["amounts"].values()) * (1 - stream["admin_rate"])
                    amount = float(round(0.1 * total, -2))
                    if amount <= 0:
                        continue
                    floors_left -= 0.1
                    rule |= {"outcomes": sorted(named, key=ordinal), "min_amount": amount, "per": "period"}
            else:
                free = [o for o in reach if o not in named_before]
                if not free:
                    continue
                named = free[-int(rng.integers(1, min(6, len(free)) + 1)) :]
                rule["outcomes"] = sorted(named, key=ordinal)
                if kind == "max_share":
                    rule["max_share"] = float(rng.choice([0.2, 0.3, 0.5]))
                elif kind == "max_amount":
                    total = sum(stream["amounts"].values())
                    rule["max_amount"] = float(round(0.2 * total, -2))
                else:
                    rule["match"] = float(rng.choice([0.1, 0.25, 0.5]))
                    rule["per"] = "period" if rng.random() < 0.7 else "year"
            if rng.random() < 0.15 and len(years) > 2 and kind != "min_amount":
                rule["years"] = years[-2:]
            named_before.update(rule["outcomes"])
            rules.append(rule)
    return rules


def _statutory(
    rng: np.random.Generator,
    d: Draw,
    outcomes: list[dict[str, Any]],
    streams: list[dict[str, Any]],
    block_of: dict[str, str],
    unbounded: set[str],
    pooled: dict[str, dict[str, Any]],
) -> None:
    """Statutory minimums on a share of `outcomes` (those no cap or match names), each a small part
    of the money its own streams keep (unpooled, after overhead) in their leanest year, so that all
    of them together ask a stream for at most `STATUTORY_SHARE` of it, within what the curve absorbs."""
    by_block = {b: [o for o in block_of if block_of[o] == b] for b in BLOCKS}
    chosen = [o for o in outcomes if rng.random() < d.statutory]
    reach = {s["id"]: set(expand(s["eligible"], by_block)) for s in streams}
    leanest = {}
    for s in streams:
        kept = 1.0 - (s["max_pool_share"] if s["id"] in pooled else 0.0)
        leanest[s["id"]] = kept * (1 - s["admin_rate"]) * min(s["amounts"].values())
    load = {s["id"]: sum(1 for o in chosen if o["id"] in reach[s["id"]]) for s in streams}
    for outcome in chosen:
        o = outcome["id"]
        can = sum(leanest[s] / load[s] for s in reach if o in reach[s] and load[s])
        width = sum(seg["spend"] for seg in outcome["response"] if seg["spend"] is not None)
        most = STATUTORY_SHARE * can
        if o not in unbounded:
            most = min(most, 0.5 * width / d.years)
        minimum = float(round(most * float(rng.uniform(0.3, 1.0)), -2))
        if minimum > 0:
            outcome["min_spend"] = minimum
