"""Where a plan's money goes, as the four-column flow a Sankey draws: funder, stream or pot, block, outcome.

Every pound a funder brings is followed: into its stream (the part kept
back) or its pot (the part pooled), then either onto a block's outcomes or
into overhead and set-up, or lapsed. The flows balance at every node (to
within the solver's dust, `units.solver_dust`, which is not drawn), so a
reader can trust the widths. An agreement with hundreds of streams and
outcomes would draw an unreadable tangle, so each column keeps its largest
nodes and draws the rest together as one "other" node.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from laa.pooling.plans.plan import Plan
from laa.pooling.units import solver_dust

FUNDER, SOURCE, BLOCK, OUTCOME = range(4)
LOSS = "loss"
OTHER = "other"
# nodes kept per column (the last of them is "other" when a column is trimmed)
COLUMN_LIMITS = {FUNDER: 12, SOURCE: 16, BLOCK: 8, OUTCOME: 20}
OTHER_NAMES = {
    FUNDER: "Other funders",
    SOURCE: "Other streams",
    BLOCK: "Other blocks",
    OUTCOME: "Other outcomes",
}
OVERHEAD_NAME = "Overhead and set-up"
LAPSED_NAME = "Lapsed"
# the most boxes a Sankey draws: a plan that fits is drawn whole, one that does not is folded to
# its columns' limits, and the two losses are never folded
MAX_NODES = sum(COLUMN_LIMITS.values()) + len((OVERHEAD_NAME, LAPSED_NAME))

Key = tuple[
    int, str, str
]  # (column, kind, id): kind is funder | stream | pot | block | outcome | loss | other


@dataclass(frozen=True)
class Node:
    """A funder, stream, pot or outcome in the money-flow chart, with the pounds through it over the
    period; small items are grouped into one "other" node."""

    column: int
    kind: str
    id: str
    name: str
    amount: float  # GBP through the node over the period

    @property
    def members(self) -> int:
        """How many items an "other" node stands for (1 for a named node)."""
        return int(self.id) if self.kind == OTHER else 1


@dataclass(frozen=True)
class Link:
    """Pounds moving from one node to another over the period."""

    source: int  # index into Flows.nodes
    target: int
    amount: float  # GBP over the period


@dataclass(frozen=True)
class Flows:
    """The chosen plan's money from funders to outcomes, ready to draw."""

    nodes: list[Node]
    links: list[Link]

    @property
    def total(self) -> float:
        """The pounds the funders bring into the chart over the period."""
        return sum(n.amount for n in self.nodes if n.column == FUNDER)

    @property
    def grouped(self) -> list[Node]:
        """The "other" nodes, each standing for several small items."""
        return [n for n in self.nodes if n.kind == OTHER]


def money_flows(plan: Plan) -> Flows:
    """The plan's money from funders to outcomes over the whole period; empty for a plan without numbers."""
    if not plan.has_numbers or plan.evaluation is None or plan.spending is None:
        return Flows([], [])
    raw = _raw_flows(plan)
    keep = _kept(raw)
    merged: dict[tuple[Key, Key], float] = defaultdict(float)
    for (a, b), v in raw.items():
        merged[(keep.get(a, a), keep.get(b, b))] += v
    return _indexed(plan, merged)


def _raw_flows(plan: Plan) -> dict[tuple[Key, Key], float]:
    sc, ev, alloc = plan.scenario, plan.evaluation, plan.spending
    assert ev is not None and alloc is not None
    flows: dict[tuple[Key, Key], float] = defaultdict(float)
    overhead: Key = (BLOCK, LOSS, OVERHEAD_NAME)
    lapsed: Key = (BLOCK, LOSS, LAPSED_NAME)
    for s in ev.sources:
        source: Key = (SOURCE, s.kind, s.id)
        if s.kind == "stream":
            flows[((FUNDER, "funder", sc.funder_of(s.id)), source)] += s.gross
        flows[(source, overhead)] += s.overhead + s.setup
        flows[(source, lapsed)] += s.lapsed
    for pot in sc.pots:
        if pot.id not in alloc.pots_used:
            continue
        for m in pot.members:
            paid_in = sum(sc.stream(m).amount_in(t) for t in sc.years) * alloc.shares.get(m, 0.0)
            flows[((FUNDER, "funder", sc.funder_of(m)), (SOURCE, "pot", pot.id))] += paid_in
    spends = [(("stream", s), o, v) for (s, o, _), v in alloc.stream_spend.items()]
    spends += [(("pot", p), o, v) for (p, o, _), v in alloc.pot_spend.items()]
    for (kind, ident), o, v in spends:
        block: Key = (BLOCK, "block", sc.outcome(o).block)
        flows[((SOURCE, kind, ident), block)] += v
        flows[(block, (OUTCOME, "outcome", o))] += v
    dust = solver_dust(sc)  # a link under it is the solver's tolerance, not money anyone moved
    return {k: v for k, v in flows.items() if v >= dust}


def _throughput(raw: dict[tuple[Key, Key], float]) -> dict[Key, float]:
    into: dict[Key, float] = defaultdict(float)
    out: dict[Key, float] = defaultdict(float)
    for (a, b), v in raw.items():
        out[a] += v
        into[b] += v
    return {k: max(into.get(k, 0.0), out.get(k, 0.0)) for k in set(into) | set(out)}


def _kept(raw: dict[tuple[Key, Key], float]) -> dict[Key, Key]:
    """Which nodes fold into their column's "other" node: none when everything fits in `MAX_NODES`."""
    through = _throughput(raw)
    if len(through) <= MAX_NODES:
        return {}
    fold: dict[Key, Key] = {}
    for column, limit in COLUMN_LIMITS.items():
        ranked = sorted(
            (k for k in through if k[0] == column and k[1] != LOSS), key=lambda k: (-through[k], k)
        )
        if len(ranked) <= limit:
            continue
        folded = ranked[limit - 1 :]
        other: Key = (column, OTHER, str(len(folded)))
        fold.update({k: other for k in folded})
    return fold


def _indexed(plan: Plan, merged: dict[tuple[Key, Key], float]) -> Flows:
    through = _throughput(merged)
    order = sorted(through, key=lambda k: (k[0], k[1] in (OTHER, LOSS), -through[k], k))
    index = {k: i for i, k in enumerate(order)}
    nodes = [Node(k[0], k[1], k[2], _name(plan, k), through[k]) for k in order]
    links = [Link(index[a], index[b], v) for (a, b), v in sorted(merged.items(), key=lambda kv: -kv[1])]
    return Flows(nodes, links)


def _name(plan: Plan, key: Key) -> str:
    sc = plan.scenario
    column, kind, ident = key
    if kind == OTHER:
        return f"{OTHER_NAMES[column]} ({ident})"
    if kind == LOSS:
        return ident
    if kind == "pot":
        return f"Pot: {sc.label('pots', ident)}"
    if kind == "block":
        return sc.label("blocks", ident)
    section = {"funder": "funders", "stream": "streams", "outcome": "outcomes"}[kind]
    return sc.label(section, ident)
