"""Hypothesis strategies for valid scenarios: the one place every property test draws from.

Scenarios are small (2-5 streams, 2-6 outcomes, 1-3 years) so a property
runs many of them quickly, but they hold every feature of MODEL.md: block
eligibility, overhead, carry-forward, pots with set-up costs and scopes,
rules of every kind, per year and per period, and statutory minimums.
Money is scarce, as in a real area, so rules and curves bind. Most are
feasible, so the properties that need a plan have one to check: a statutory
minimum only where the streams that may fund the outcome bring twice it every
year; a rule asking for spend (`min_share`, `min_amount`) only on outcomes its
streams may fund; a cap or a match never on an outcome with a minimum, and a
match only where another funder may pay. Rules can still collide with each
other and with pots, so some infeasible scenarios are drawn: of 200 drawn as
the `ci` profile draws them, none is infeasible for aligned and 11 for pooled
(the properties count the cases they check: `tests/exercised.py`).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from laa.models.load import parse_scenario
from laa.models.scenario import Scenario

BLOCKS = ["CYP", "SSC", "HCOP", "EDE"]


@st.composite
def curves(draw: st.DrawFn) -> list[dict[str, Any]]:
    segments = []
    slope = draw(st.floats(0.5, 5.0))  # indicator units per GBP 1m
    for _ in range(draw(st.integers(1, 3))):
        width = draw(st.integers(2, 30)) * 100_000
        segments.append({"spend": float(width), "effect": round(slope * width / 1e6, 6)})
        slope *= draw(st.floats(0.3, 0.95))  # strictly diminishing, whatever the rounding
    if draw(st.booleans()):
        segments.append({"spend": None, "effect": 0})
    return segments


@st.composite
def scenario_documents(
    draw: st.DrawFn,
    single_funder_rules: bool = False,
    with_pots: bool | None = None,
    least_rules: int = 0,
) -> dict[str, Any]:
    """A valid scenario as plain data. `single_funder_rules`: no rule spans funders (no match
    rules, no rules over several funders' streams, no statutory minimums); `least_rules`: at least
    that many rules (a property about rules needs one to exercise)."""
    years = list(range(2026, 2026 + draw(st.integers(1, 3))))
    n_funders = draw(st.integers(1, 3))
    funders = [{"id": f"f{i}", "name": f"Funder {i}"} for i in range(n_funders)]
    outcomes = []
    for j in range(draw(st.integers(2, 6))):
        direction = draw(st.sampled_from(["higher", "lower"]))
        baseline = float(draw(st.integers(20, 80)))
        gap = float(draw(st.integers(1, 10)))
        sign = 1 if direction == "higher" else -1
        outcome: dict[str, Any] = {
            "id": f"o{j}",
            "name": f"Outcome {j}",
            "block": draw(st.sampled_from(BLOCKS)),
            "direction": direction,
            "baseline": baseline,
            "target": baseline + sign * gap,
            "weight": draw(st.sampled_from([0.5, 1.0, 1.5, 2.0])),
            "response": draw(curves()),
        }
        if draw(st.booleans()):
            outcome["stretch"] = baseline + sign * (gap + draw(st.integers(0, 4)))
            outcome["reward"] = float(draw(st.integers(0, 5)) * 100_000)
        if not single_funder_rules and draw(st.integers(0, 4)) == 0:
            outcome["min_spend"] = float(draw(st.integers(1, 3)) * 20_000)
        outcomes.append(outcome)
    outcome_ids = [o["id"] for o in outcomes]
    used_blocks = sorted({o["block"] for o in outcomes})
    streams = []
    for k in range(draw(st.integers(2, 5))):
        eligible = draw(
            st.lists(st.sampled_from(outcome_ids + used_blocks), min_size=1, max_size=4, unique=True)
        )
        per_year = draw(st.booleans())
        amount = float(draw(st.integers(1, 20)) * 50_000)
        amounts: Any = {t: float(draw(st.integers(0, 20)) * 50_000) for t in years} if per_year else amount
        streams.append(
            {
                "id": f"s{k}",
                "name": f"Stream {k}",
                "funder": f"f{draw(st.integers(0, n_funders - 1))}",
                "amounts": amounts,
                "eligible": eligible,
                "admin_rate": draw(st.sampled_from([0.0, 0.02, 0.05])),
                "carry_forward": draw(st.sampled_from([0.0, 0.1, 0.5])),
                "poolable": draw(st.sampled_from([True, True, False])),
                "max_pool_share": draw(st.sampled_from([0.5, 1.0])),
            }
        )
    stream_ids = [s["id"] for s in streams]
    funder_of = {s["id"]: s["funder"] for s in streams}
    block_of = {o["id"]: o["block"] for o in outcomes}
    fundable = {s["id"]: {o for o in outcome_ids if o in s["eligible"] or block_of[o] in s["eligible"]}
                for s in streams}  # fmt: skip

    def money_for(outcome_id: str, year: int) -> float:
        """What the streams that may fund the outcome bring in the year."""
        total = 0.0
        for s in streams:
            if outcome_id in fundable[s["id"]]:
                total += s["amounts"][year] if isinstance(s["amounts"], dict) else s["amounts"]
        return total

    for outcome in outcomes:
        # a minimum nobody may pay for in some year is infeasible by construction: none is set
        minimum = outcome.get("min_spend", 0.0)
        if minimum and min(money_for(outcome["id"], t) for t in years) < 2 * minimum:
            del outcome["min_spend"]
    # a rule that holds spend back (a cap, a match) names no outcome with a minimum: a cap below the
    # minimum, or a match no other funder can meet, would be infeasible by construction
    held = {o["id"] for o in outcomes if o.get("min_spend")}
    held_blocks = {block_of[o] for o in held}
    free_ids = [o for o in outcome_ids if o not in held] + [b for b in used_blocks if b not in held_blocks]
    rules = []
    for r in range(draw(st.integers(least_rules, max(3, least_rules)))):
        members = draw(st.lists(st.sampled_from(stream_ids), min_size=1, max_size=2, unique=True))
        if single_funder_rules and len({funder_of[m] for m in members}) > 1:
            members = members[:1]
        kinds = ["min_share", "max_share", "min_amount", "max_amount"]
        if not single_funder_rules:
            kinds.append("match")
        kind = draw(st.sampled_from(kinds))
        reach = sorted(set().union(*(fundable[m] for m in members)))
        theirs = {funder_of[m] for m in members}
        others = {o for sid, got in fundable.items() if funder_of[sid] not in theirs for o in got}
        matched = sorted(others - held)
        if kind in ("min_share", "min_amount") and not reach:
            kind = "max_share"  # spend asked for where none may go: infeasible by construction
        if kind == "match" and not matched:
            kind = "max_share"  # a match no other funder can meet is a ban: beside a minimum, infeasible
        if kind in ("max_share", "max_amount") and not free_ids and reach:
            kind = "min_share"  # every outcome has a minimum: ask for spend rather than cap it
        choices = {"min_share": reach, "min_amount": reach, "match": matched}.get(kind) or free_ids
        value: float
        if kind == "min_share":
            value = draw(st.sampled_from([0.1, 0.2, 0.3]))
        elif kind == "max_share":
            value = draw(st.sampled_from([0.3, 0.5, 0.8]))
        elif kind == "min_amount":
            value = float(draw(st.integers(1, 4)) * 10_000)
        elif kind == "max_amount":
            value = float(draw(st.integers(1, 10)) * 50_000)
        else:
            value = draw(st.sampled_from([0.1, 0.5]))
        rule: dict[str, Any] = {
            "id": f"r{r}",
            "streams": members,
            "outcomes": draw(
                st.lists(
                    st.sampled_from(choices or outcome_ids + used_blocks),
                    min_size=1,
                    max_size=3,
                    unique=True,
                )
            ),
            kind: value,
            "per": draw(st.sampled_from(["year", "period"])),
            "survives_pooling": draw(st.booleans()),
        }
        rules.append(rule)
    pots = []
    want_pots = draw(st.booleans()) if with_pots is None else with_pots
    if want_pots:
        members = draw(
            st.lists(st.sampled_from(stream_ids), min_size=1, max_size=len(stream_ids), unique=True)
        )
        pot: dict[str, Any] = {
            "id": "pot",
            "name": "Pooled fund",
            "members": members,
            "admin_rate": draw(st.sampled_from([0.0, 0.01])),
            "setup_cost": float(draw(st.sampled_from([0, 0, 10_000, 50_000]))),
            "carry_forward": draw(st.sampled_from([0.0, 0.5, 1.0])),
        }
        if draw(st.booleans()):
            pot["scope"] = draw(
                st.lists(st.sampled_from(outcome_ids + used_blocks), min_size=1, max_size=4, unique=True)
            )
        pots.append(pot)
    return {
        "name": "generated",
        "years": years,
        "funders": funders,
        "outcomes": outcomes,
        "streams": streams,
        "rules": rules,
        "pots": pots,
    }


def scenarios(**kwargs: Any) -> st.SearchStrategy[Scenario]:
    return scenario_documents(**kwargs).map(lambda doc: parse_scenario(doc, "generated.yaml"))
