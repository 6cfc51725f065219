"""The terminal view a finance lead reads: arrangements side by side, then outcome by outcome."""

from __future__ import annotations

from collections.abc import Sequence

from laa.models.scenario import Scenario
from laa.pooling.plan import Plan


def pounds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"£{value:,.0f}"


def grid(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int] | None = None) -> str:
    """Columns padded to their widest cell; `right` are right-aligned (numbers)."""
    right = right if right is not None else set(range(1, len(headers)))
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def comparison_table(plans: list[Plan]) -> str:
    if not plans:
        return "(no arrangements)"
    outcomes = len(plans[0].scenario.outcomes)
    stretches = sum(o.stretch is not None for o in plans[0].scenario.outcomes)
    rows = []
    for p in plans:
        ev = p.evaluation if p.has_numbers else None
        rows.append(
            [
                p.arrangement.value,
                p.status.value,
                f"{p.score:.3f}" if p.score is not None else "-",
                f"{ev.targets_met}/{outcomes}" if ev else "-",
                f"{ev.stretch_met}/{stretches}" if ev else "-",
                pounds(ev.reward) if ev else "-",
                pounds(ev.money.overhead) if ev else "-",
                pounds(ev.money.setup) if ev else "-",
                pounds(ev.money.lapsed) if ev else "-",
                str(len(p.pooled)) if ev else "-",
                str(len(ev.violations)) if ev else "-",
            ]
        )
    headers = [
        "arrangement",
        "status",
        "score",
        "targets",
        "stretch",
        "reward",
        "overhead",
        "set-up",
        "lapsed",
        "pooled",
        "breaches",
    ]
    return grid(headers, rows, right=set(range(2, len(headers))))


def outcomes_table(scenario: Scenario, plans: list[Plan]) -> str:
    solved = [p for p in plans if p.has_numbers and p.evaluation is not None]
    headers = ["outcome", "baseline", "target", "stretch"] + [p.arrangement.value for p in solved]
    rows = []
    for i, outcome in enumerate(scenario.outcomes):
        name = outcome.name or outcome.id
        cells = [
            name if len(name) <= 44 else name[:41] + "...",
            f"{outcome.baseline:g}",
            f"{outcome.target:g}",
            f"{outcome.stretch:g}" if outcome.stretch is not None else "",
        ]
        for p in solved:
            assert p.evaluation is not None
            result = p.evaluation.outcomes[i]
            mark = " S" if result.stretch_met else " T" if result.target_met else "  "
            cells.append(f"{result.projected:,.4g}{mark}")
        rows.append(cells)
    return grid(headers, rows, right=set(range(1, len(headers))))


def plans_report(scenario: Scenario, plans: list[Plan]) -> str:
    parts = [scenario.name, "", comparison_table(plans), ""]
    failed = [p for p in plans if not p.has_numbers]
    for p in failed:
        parts.append(f"{p.arrangement.value}: {p.status.value}. {p.message}")
        if p.diagnosis is not None:
            parts.append(p.diagnosis.to_text())
    if failed:
        parts.append("")
    if any(p.has_numbers for p in plans):
        parts += [
            "Projected indicator values (T: target met, S: stretch target met)",
            "",
            outcomes_table(scenario, plans),
            "",
        ]
    for p in plans:
        if p.has_numbers and p.evaluation is not None and p.evaluation.violations:
            shown = p.evaluation.violations[:5]
            parts.append(f"{p.arrangement.value} breaks {len(p.evaluation.violations)} rule(s) or limit(s):")
            parts += [f"  - {v.message}" for v in shown]
            if len(p.evaluation.violations) > len(shown):
                parts.append(
                    f"  ... and {len(p.evaluation.violations) - len(shown)} more (see --format json)"
                )
            parts.append("")
    return "\n".join(parts).rstrip() + "\n"
