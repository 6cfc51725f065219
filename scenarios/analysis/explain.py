"""Shadow prices in words: which money and which rules the plan is most short of."""

from __future__ import annotations

from laa.pooling.plan import Plan
from laa.pooling.units import years_text


def prices_text(plan: Plan, top: int = 8) -> str:
    sc = plan.scenario
    if not plan.shadow_prices:
        reason = (
            "silo plans are not priced"
            if plan.arrangement.value == "silo"
            else "no prices (not a solved linear program)"
        )
        return f"{plan.arrangement.value}: {reason}"
    streams: dict[str, tuple[float, int | None]] = {}
    for p in plan.shadow_prices:
        if p.kind == "stream" and p.per_million > streams.get(p.id, (-1.0, None))[0]:
            streams[p.id] = (p.per_million, p.year)
    ranked = sorted(streams.items(), key=lambda kv: -kv[1][0])
    lines = [f"{plan.arrangement.value}: what GBP 1m more would buy (score per GBP 1m)"]
    for s, (value, year) in ranked[:top]:
        lines.append(
            f"  {value:8.4f}  {sc.label('streams', s)} ({sc.label('funders', sc.funder_of(s))}), in {year}"
        )
    rules = sorted(
        (p for p in plan.shadow_prices if p.kind in ("rule", "statutory") and p.per_million > 1e-9),
        key=lambda p: -p.per_million,
    )
    if rules:
        lines.append(
            f"{plan.arrangement.value}: what the binding rules cost (score per GBP 1m of relaxation)"
        )
        for p in rules[:top]:
            when = years_text((p.year,) if p.year is not None else p.years)
            if p.kind == "statutory":
                lines.append(
                    f"  {p.per_million:8.4f}  statutory minimum for '{sc.label('outcomes', p.id)}', {when}"
                )
                continue
            who = f" ({sc.label('funders', p.funder)})" if p.funder else ""
            inside = f" inside pot {p.pot}" if p.pot else ""
            point = f"; {p.per_point:.4f} per 0.01 of its ratio" if p.per_point else ""
            lines.append(f"  {p.per_million:8.4f}  rule {p.id}{who}{inside}, {when}{point}")
    else:
        lines.append(f"{plan.arrangement.value}: no rule binds at a cost")
    return "\n".join(lines)
