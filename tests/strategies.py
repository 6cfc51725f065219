"""Hypothesis strategies for valid scenarios: the one place every property test draws from.

Scenarios are small (2-5 streams, 2-6 outcomes, 1-3 years) so a property
runs many of them quickly, but they hold every feature of MODEL.md: block
eligibility, overhead, carry-forward, pots with set-up costs and scopes,
rules of every kind, per year and per period, and statutory minimums.
Money is scarce, as in a real area, so rules and curves bind.
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
) -> dict[str, Any]:
    """A valid scenario as plain data. `single_funder_rules`: no rule spans funders (no match
    rules, no rules over several funders' streams, no statutory minimums)."""
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
    rules = []
    for r in range(draw(st.integers(0, 3))):
        members = draw(st.lists(st.sampled_from(stream_ids), min_size=1, max_size=2, unique=True))
        if single_funder_rules and len({funder_of[m] for m in members}) > 1:
            members = members[:1]
        kinds = ["min_share", "max_share", "min_amount", "max_amount"]
        if not single_funder_rules:
            kinds.append("match")
        kind = draw(st.sampled_from(kinds))
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
                st.lists(st.sampled_from(outcome_ids + used_blocks), min_size=1, max_size=3, unique=True)
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
