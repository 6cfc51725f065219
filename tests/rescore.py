"""An evaluator outside the engine: MODEL.md's score and rules, from a scenario document and the lines
a plan publishes, with nothing from `laa.pooling`.

The engine re-scores every plan with its own evaluator (`laa.pooling.plans.evaluate`); a bug shared by the
two would pass. This one is written again from MODEL.md alone, on plain data: the scenario as its
document (`Scenario.model_dump()`), the published lines as the results document writes them
(source, kind, outcome, year, amount) and the pooled shares. `breaches` lists every budget,
eligibility limit, rule and statutory minimum broken by more than `slack(money, lines)`: a relative
`RELATIVE` of the money involved plus `per_line` for each published line that counts (the penny a
document rounds each line to, or nothing for the plan's own figures).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

RELATIVE = 1e-9  # what the engine promises of a solved plan: every limit kept to a billionth of its money


@dataclass(frozen=True)
class Line:
    """One published spend: a stream's own money (`kind` stream) or a pot's, on an outcome in a year."""

    source: str
    kind: str
    outcome: str
    year: int
    amount: float


def lines_of(records: Iterable[dict[str, Any]]) -> list[Line]:
    """The results document's `allocation` records as lines."""
    return [Line(r["source"], r["kind"], r["outcome"], int(r["year"]), float(r["amount"])) for r in records]


class Area:
    """The scenario document's figures, read the way MODEL.md states them."""

    def __init__(self, doc: dict[str, Any]):
        self.years: list[int] = [int(t) for t in doc["years"]]
        self.outcomes = {o["id"]: o for o in doc["outcomes"]}
        self.streams = {s["id"]: s for s in doc["streams"]}
        self.pots = {p["id"]: p for p in doc.get("pots") or []}
        self.rules = list(doc.get("rules") or [])
        self.blocks: dict[str, set[str]] = defaultdict(set)
        for o in doc["outcomes"]:
            self.blocks[o["block"]].add(o["id"])

    def expand(self, ids: list[str] | None) -> set[str]:
        """Outcome ids named by outcome and block ids (None: every outcome)."""
        if ids is None:
            return set(self.outcomes)
        found: set[str] = set()
        for i in ids:
            found |= self.blocks.get(i, {i})
        return found

    def amount(self, stream: str, year: int) -> float:
        amounts = self.streams[stream]["amounts"]
        if isinstance(amounts, dict):
            return float({int(t): v for t, v in amounts.items()}.get(year, 0.0))
        return float(amounts)

    def minimum(self, outcome: str, year: int) -> float:
        m = self.outcomes[outcome].get("min_spend") or 0.0
        if isinstance(m, dict):
            return float({int(t): v for t, v in m.items()}.get(year, 0.0))
        return float(m)

    def scope(self, pot: str) -> set[str]:
        given = self.pots[pot].get("scope")
        if given is not None:
            return self.expand(given)
        return set().union(*(self.expand(self.streams[m]["eligible"]) for m in self.pots[pot]["members"]))

    def pot_of(self, stream: str) -> str | None:
        return next((p for p, pot in self.pots.items() if stream in pot["members"]), None)


def score(doc: dict[str, Any], lines: list[Line]) -> float:
    """MODEL.md's objective: each outcome's weight times its capped improvement over its gap."""
    area = Area(doc)
    spend: dict[str, float] = defaultdict(float)
    for line in lines:
        spend[line.outcome] += line.amount
    total = 0.0
    for oid, o in area.outcomes.items():
        left, moved = max(spend[oid], 0.0), 0.0
        for seg in o["response"]:
            if left <= 0 or seg["spend"] is None:
                break
            used = min(left, seg["spend"])
            moved += seg["effect"] * used / seg["spend"]
            left -= used
        gap = abs(o["target"] - o["baseline"])
        cap = abs(o["stretch"] - o["baseline"]) if o.get("stretch") is not None else gap
        total += o.get("weight", 1.0) * min(moved, cap) / gap
    return total


def breaches(
    doc: dict[str, Any],
    lines: list[Line],
    shares: dict[str, float],
    rules: set[str] | None = None,
    statutory: bool = True,
    per_line: float = 0.0,
) -> list[str]:
    """Every limit the lines break: budgets and eligibility always, the rules in `rules` (None: all),
    statutory minimums with `statutory`. `shares`: each stream's pooled share (a pot is set up when
    a member pays into it)."""
    area = Area(doc)
    used = {p for s, share in shares.items() if share > 0 and (p := area.pot_of(s)) is not None}
    found: list[str] = []

    def short(what: str, need: float, have: float, money: float, count: int) -> None:
        if need - have > RELATIVE * money + per_line * count:
            found.append(f"{what}: {need:.9g} needed, {have:.9g} there")

    by_source: dict[tuple[str, str, int], list[Line]] = defaultdict(list)
    for line in lines:
        by_source[(line.kind, line.source, line.year)].append(line)
        if line.kind == "stream":
            if line.outcome not in area.expand(area.streams[line.source]["eligible"]):
                found.append(f"stream {line.source} may not fund {line.outcome}")
        elif line.source not in used or line.outcome not in area.scope(line.source):
            found.append(f"pot {line.source} may not fund {line.outcome}")

    def money(kind: str, ident: str, gross: list[float], admin: float, carry: float, setup: float) -> None:
        carried = 0.0
        for t, g in zip(area.years, gross, strict=True):
            cost = setup if t == area.years[0] else 0.0
            have = (1 - admin) * g + carried - cost
            paid = by_source[(kind, ident, t)]
            spent = sum(line.amount for line in paid)
            short(f"{kind} {ident} in {t}", spent, have, g + carried, len(paid))
            carried = 0.0 if t == area.years[-1] else min(carry * g, max(have - spent, 0.0))

    for sid, s in area.streams.items():
        gross = [area.amount(sid, t) * (1 - shares.get(sid, 0.0)) for t in area.years]
        money("stream", sid, gross, s.get("admin_rate", 0.0), s.get("carry_forward", 0.0), 0.0)
    for pid in used:
        pot = area.pots[pid]
        gross = [sum(area.amount(m, t) * shares.get(m, 0.0) for m in pot["members"]) for t in area.years]
        money("pot", pid, gross, pot.get("admin_rate", 0.0), pot.get("carry_forward", 1.0),
              pot.get("setup_cost", 0.0))  # fmt: skip

    def spent(sources: set[tuple[str, str]], outcomes: set[str], years: set[int]) -> tuple[float, int]:
        """What the (kind, id) sources spend on the outcomes in the years, and how many lines that is."""
        chosen = [x for x in lines
                  if (x.kind, x.source) in sources and x.outcome in outcomes and x.year in years]  # fmt: skip
        return sum(x.amount for x in chosen), len(chosen)

    every_pot = {("pot", p) for p in used}

    for rule in area.rules:
        if rules is not None and rule["id"] not in rules:
            continue
        streams = set(rule["streams"]) if rule.get("streams") is not None else set(area.streams)
        own_sources = {("stream", s) for s in streams}
        outcomes = area.expand(rule.get("outcomes"))
        years = [int(t) for t in rule["years"]] if rule.get("years") else area.years
        periods = [set(years)] if rule.get("per") == "period" else [{t} for t in years]
        holding = {p for p in used if any(m in streams for m in area.pots[p]["members"] if shares.get(m))}
        for period in periods:
            own, count = spent(own_sources, outcomes, period)
            label = f"rule {rule['id']} in {sorted(period)}"
            for kind in ("min_share", "max_share"):
                if rule.get(kind) is None:
                    continue
                base = sum(area.amount(s, t) * (1 - shares.get(s, 0.0)) for s in streams for t in period)
                need = rule[kind] * base
                if kind == "min_share":
                    short(label, need, own, max(need, own), count)
                else:
                    short(label, own, need, max(need, own), count)
                if rule.get("survives_pooling"):
                    for p in holding:
                        members = [m for m in area.pots[p]["members"] if m in streams]
                        paid = sum(area.amount(m, t) * shares.get(m, 0.0) for m in members for t in period)
                        inside, n = spent({("pot", p)}, outcomes, period)
                        need = rule[kind] * paid
                        if kind == "min_share":
                            short(f"{label} in pot {p}", need, inside, max(need, inside), n)
                        else:
                            short(f"{label} in pot {p}", inside, need, max(need, inside), n)
            for kind in ("min_amount", "max_amount"):
                if rule.get(kind) is None:
                    continue
                total, n = own, count
                if rule.get("survives_pooling"):
                    more, m = spent({("pot", p) for p in holding}, outcomes, period)
                    total, n = total + more, n + m
                if kind == "min_amount":
                    short(label, rule[kind], total, max(rule[kind], total), n)
                else:
                    short(label, total, rule[kind], max(rule[kind], total), n)
            if rule.get("match") is not None:
                funders = {area.streams[s]["funder"] for s in streams}
                others = {s for s, x in area.streams.items() if x["funder"] not in funders}
                matching, n = spent({("stream", s) for s in others} | every_pot, outcomes, period)
                need = rule["match"] * own
                short(label, need, matching, max(need, matching), n + count)
    if statutory:
        for oid in area.outcomes:
            for t in area.years:
                need = area.minimum(oid, t)
                if need > 0:
                    have, n = spent({("stream", s) for s in area.streams} | every_pot, {oid}, {t})
                    short(f"statutory minimum of {oid} in {t}", need, have, max(need, have), n)
    return found
