"""What the page's controls need to know of the base scenario: every thing a variant can change.

A stream's pot and largest share (to pool it or keep it out), its amounts
(to slide them), what it may already fund (to grant what it may not); a
rule's kind and value (to drop or relax it); an outcome's weight, targets
and statutory minimum; and the file's own variants, to start from one.
"""

from __future__ import annotations

from typing import Any

from laa.models.scenario import Arrangement, Scenario


def scenario_controls(scenario: Scenario) -> dict[str, Any]:
    """What the meeting page's controls need of the base scenario: its arrangements (historic only
    when the file gives historic spend), blocks, streams, rules, outcomes and variants."""
    sc = scenario
    arrangements = [a for a in Arrangement if a is not Arrangement.HISTORIC or sc.historic is not None]
    return {
        "name": sc.name,
        "years": list(sc.years),
        "arrangements": [a.value for a in arrangements],
        "blocks": [{"id": b, "name": sc.label("blocks", b)} for b in sc.lookup.blocks],
        "streams": [
            {
                "id": s.id,
                "name": sc.label("streams", s.id),
                "funder": sc.label("funders", s.funder),
                "pot": sc.pot_of(s.id),
                "pot_name": sc.label("pots", sc.pot_of(s.id) or "") if sc.pot_of(s.id) else None,
                "max_pool_share": s.pool_share_limit,
                "amounts": {str(t): s.amount_in(t) for t in sc.years},
                "eligible": sc.eligible(s.id),
            }
            for s in sc.streams
        ],
        "rules": [
            {
                "id": r.id,
                "kind": r.kind.value,
                "value": r.value,
                "streams": [sc.label("streams", s) for s in sc.rule_streams(r)],
                "survives_pooling": r.survives_pooling,
            }
            for r in sc.rules
        ],
        "outcomes": [
            {
                "id": o.id,
                "name": sc.label("outcomes", o.id),
                "block": o.block,
                "unit": o.unit,
                "direction": o.direction.value,
                "baseline": o.baseline,
                "target": o.target,
                "stretch": o.stretch,
                "weight": o.weight,
                "min_spend": o.min_spend if not isinstance(o.min_spend, dict) else None,
            }
            for o in sc.outcomes
        ],
        "variants": [{"id": v.id, "name": v.name or v.id} for v in sc.variants or []],
    }
