"""The report's sections, each from the gathered `Report`: what a negotiator reads, top to bottom.

Every string that came from the scenario reaches the page through
`report_page` (escaped) or `report_charts` (as plotly's literal text);
nothing here writes scenario text into HTML by hand.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from laa.models.scenario import Arrangement
from laa.pooling.plans.plan import Plan
from laa.pooling.units import millions, money_text, solver_dust, years_text
from laa.scenarios.analysis.breaches import breach_groups, breach_kinds, groups_text
from laa.scenarios.analysis.effects import plural
from laa.scenarios.analysis.freedoms import FREEDOM_ARRANGEMENTS
from laa.scenarios.analysis.table import (
    arrangement_grids,
    arrangement_rows,
    score_places,
    signed,
    stake_text,
)
from laa.scenarios.report.charts import (
    fragment,
    money_chart,
    progress_chart,
    sankey_chart,
    score_chart,
    sweep_chart,
)
from laa.scenarios.report.flows import MAX_NODES, money_flows
from laa.scenarios.report.page import Section, bullets, card, document, esc, paragraph, table
from laa.scenarios.report.partners import partners_section
from laa.scenarios.report.progress import most_different, outcome_progress
from laa.scenarios.report.robust import robust_section
from laa.scenarios.report.variants import variants_section
from laa.scenarios.report.words import freedom_sentence, price_sentences

if TYPE_CHECKING:
    from laa.scenarios.report.build import Report

PROGRESS_ROWS = 25  # outcomes drawn in the progress chart; every outcome is in the table below it
FREEDOMS_SHOWN = 8
BREACH_GROUPS_SHOWN = 10  # groups of breaches in the table; every breach is in the list below it


def score_text(score: float | None) -> str:
    """A score as the page prints it everywhere."""
    return "-" if score is None else f"{score:.3f}"


def _millions(value: float) -> str:
    return f"£{millions(value):,.1f}m"


def report_html(report: Report) -> str:
    """The whole page, section by section, for `laa report` to write."""
    sc = report.scenario
    years = years_text(sc.years)
    meta = (
        f"Years {years} · {plural(len(sc.outcomes), 'outcome')} · {plural(len(sc.streams), 'stream')} from "
        f"{plural(len(sc.funders), 'funder')} · {plural(len(sc.pots), 'pot')} · generated "
        f"{report.generated:%d %B %Y %H:%M} by laa-pooling {report.engine}"
    )
    sections = [_comparison(report)]
    if any(_blocked(p) for p in report.plans):
        sections.append(_infeasible(report))
    sections += [_progress(report), _flows(report), _prices(report)]
    if report.sweep is not None:
        sections.append(_sweep(report))
    if report.variants is not None:
        drawn = report.chosen.arrangement.value if report.chosen is not None else None
        sections.append(variants_section(report.scenario, report.variants, drawn))
    if report.partners is not None:
        sections.append(partners_section(report.partners))
    robust = robust_section(report.scenario, report.plans)  # laa report --robust
    if robust is not None:
        sections.append(robust)
    footer = (
        "Score: each outcome adds its weight times the share of its target gap closed, counted up to its "
        "stretch target. Reward is the Performance Reward Grant earned, reported apart from the score. "
        f"Figures are over {years}. This page needs no network: its charts are drawn by plotly.js inlined "
        "in the file."
    )
    return document(sc.name, meta, _cards(report), sections, footer)


def _cards(report: Report) -> str:
    best = report.best
    if best is None or best.evaluation is None:
        return (
            '<div class="cards">' + card("Best arrangement", "none", "no arrangement has a plan") + "</div>"
        )
    row = next(r for r in arrangement_rows(report.plans) if r.arrangement == best.arrangement.value)
    stretches = sum(o.stretch is not None for o in report.scenario.outcomes)
    money = best.evaluation.money
    cards = [
        card("Best arrangement", best.arrangement.value, f"score {score_text(best.score)}"),
        card(
            "Targets met",
            f"{row.targets_met}/{len(report.scenario.outcomes)}",
            f"and {row.stretch_met} of {stretches} stretch targets",
        ),
    ]
    if row.gain_over_silo is not None and best.arrangement is not Arrangement.SILO:
        cards.append(card("Gain over silo", signed(row.gain_over_silo), "score, from the same money"))
    lost = money.overhead + money.setup + money.lapsed
    cards.append(
        card("Money", _millions(money.available), f"{_millions(lost)} lost to overhead, set-up, lapsing")
    )
    return '<div class="cards">' + "".join(cards) + "</div>"


def _marks(arrangement: str, chosen: str | None, broken: set[str]) -> str:
    marks = ["flows shown"] if arrangement == chosen else []
    marks += ["breaks a rule"] if arrangement in broken else []
    return f" ({', '.join(marks)})" if marks else ""


def _comparison(report: Report) -> Section:
    rows = arrangement_rows(report.plans)
    # the flows drawn: a chosen plan without numbers has none, so no row claims them
    chosen = report.chosen.arrangement.value if report.chosen and report.chosen.has_numbers else None
    broken = {p.arrangement.value for p in report.plans if p.has_numbers and _blocked(p)}
    classes = ["chosen" if r.arrangement == chosen else "" for r in rows]
    (head, achieved), (cost_head, costs) = arrangement_grids(report.scenario, report.plans)
    for r, cells in zip(rows, achieved, strict=True):
        cells[0] += _marks(r.arrangement, chosen, broken)
    grids = table(head, achieved, numeric=set(range(2, len(head))), row_classes=classes) + table(
        cost_head, costs, numeric=set(range(1, len(cost_head))), row_classes=classes
    )
    statuses = {p.arrangement.value: p.status.value for p in report.plans if not p.has_numbers}
    scores = fragment(
        score_chart([(r.arrangement, r.score) for r in rows], chosen, statuses), "chart-scores"
    )
    money = [
        (p.arrangement.value, p.evaluation.money.__dict__ if p.has_numbers and p.evaluation else None)
        for p in report.plans
    ]
    lost = fragment(money_chart(money, statuses), "chart-money")
    charts = (
        f'<div class="grid2"><div class="chart"><h3>Score</h3>{scores}</div>'
        f'<div class="chart"><h3>Money that never reaches an outcome</h3>{lost}</div></div>'
    )
    lead = paragraph(
        f"{stake_text(report.scenario)}. The same money and the same targets under each way of working "
        "together. Silo: each funder plans alone; aligned: one joint plan, every stream keeping its rules; "
        "pooled: every pot's members pool what they may; optimal: the engine chooses what to pool."
    )
    return Section("arrangements", "Arrangements", "Arrangements side by side", lead + grids + charts)


def _blocked(plan: Plan) -> bool:
    """A plan to explain: none was found, or the one found breaks a rule (a silo plan may)."""
    return not plan.has_numbers or bool(plan.evaluation and plan.evaluation.violations)


def _infeasible(report: Report) -> Section:
    parts = [paragraph("What stands in the way of these arrangements, in the scenario's own terms:")]
    for plan in report.plans:
        if not plan.has_numbers:
            parts.append(_explanation(plan))
        elif plan.evaluation is not None and plan.evaluation.violations:
            parts.append(_breaches(report, plan))
    return Section("infeasible", "Problems", "Infeasible plans and broken rules", "".join(parts))


def _breaches(report: Report, plan: Plan) -> str:
    """A plan's breaches grouped by what they break, the largest gap first; the full list collapsible."""
    assert plan.evaluation is not None
    sc = report.scenario
    broken = plan.evaluation.violations
    groups = breach_groups(sc, broken)
    head = f"<h3>{esc(plan.arrangement.value)}: planned, but not every rule holds</h3>"
    said = f"It breaks {breach_kinds(broken)}, on {groups_text(groups)}; the largest gaps first."
    lead = paragraph(said, "")
    dust = solver_dust(sc)
    rows = [
        [g.what, str(g.count), years_text(g.years) or "-", money_text(g.gap, dust), g.worst.message]
        for g in groups[:BREACH_GROUPS_SHOWN]
    ]
    grouped = table(["what is broken", "times", "years", "gap in all", "the worst"], rows, numeric={1, 3})
    if len(groups) > BREACH_GROUPS_SHOWN:
        grouped += paragraph(f"... and {len(groups) - BREACH_GROUPS_SHOWN} more, in the full list below.", "")
    full = (
        f'<details class="breaches"><summary>All {len(broken)} breaches</summary>'
        + bullets(v.message for v in broken)
        + "</details>"
    )
    return '<div class="box">' + head + lead + grouped + full + "</div>"


def _explanation(plan: Plan) -> str:
    head = f"<h3>{esc(plan.arrangement.value)}: {esc(plan.status.value)}</h3>"
    body = [paragraph(plan.message, "")] if plan.message else []
    d = plan.diagnosis
    if d is not None:
        if d.note:
            body.append(paragraph(d.note, ""))
        for title, findings in (
            ("Checks before solving", d.checks),
            ("These cannot all hold together", d.subset + d.eligibility),
            ("Smallest change that makes it feasible", d.relaxation),
        ):
            if findings:
                body.append(f"<h3>{esc(title)}</h3>" + bullets(f.text for f in findings))
    return '<div class="box">' + head + "".join(body) + "</div>"


def _progress(report: Report) -> Section:
    rows = outcome_progress(report.scenario, report.plans)
    arrangements = [p.arrangement.value for p in report.plans if p.has_numbers]
    if not arrangements:
        return Section(
            "progress", "Progress", "Progress to target", paragraph("No arrangement has a plan to show.")
        )
    picked = most_different(report.scenario, report.plans, rows, PROGRESS_ROWS)
    shown = picked.rows
    how = (
        "Each cell is the share of the gap from baseline to target that the plan closes: ✓ target met, "
        "★ stretch met. Every outcome is in the table below."
    )
    ranked = "ranked, as laa compare ranks them, by how far apart their scores are, most first"
    if len(shown) < len(rows) and picked.differing > len(shown):
        lead = (
            f"The {len(shown)} outcomes the arrangements differ on most, of the {picked.differing} "
            f"(of {len(rows)}) on which they differ at all, {ranked}. {how}"
        )
    elif len(shown) < len(rows) and picked.differing:
        lead = f"The {len(shown)} of {len(rows)} outcomes on which the arrangements differ, {ranked}. {how}"
    elif len(shown) < len(rows):
        lead = f"The first {len(shown)} of {len(rows)} outcomes: the arrangements agree on every one. {how}"
    else:
        lead = (
            "Each cell is the share of the gap from baseline to target that the plan closes "
            "(100% is the target; beyond it, progress towards the stretch): ✓ target met, ★ stretch met."
        )
    # every arrangement has its column; one with no plan says why in its cells
    statuses = {p.arrangement.value: p.status.value for p in report.plans if not p.has_numbers}
    drawn = progress_chart(shown, [p.arrangement.value for p in report.plans], statuses)
    chart = f'<div class="chart">{fragment(drawn, "chart-progress")}</div>'
    cells = []
    for r in rows:
        values = [f"{r.cells[a].projected:,.4g}{r.cells[a].mark}" for a in arrangements]
        stretch = "-" if r.stretch is None else f"{r.stretch:,.4g}"
        unit = f" {r.unit}" if r.unit else ""
        cells.append([r.name, r.block, f"{r.baseline:,.4g}{unit}", f"{r.target:,.4g}", stretch, *values])
    numeric = set(range(2, 5 + len(arrangements)))
    detail = (
        f"<details><summary>All {len(rows)} outcomes: projected indicator values</summary>"
        + table(["outcome", "block", "baseline", "target", "stretch", *arrangements], cells, numeric)
        + "</details>"
    )
    return Section("progress", "Progress", "Progress to target and stretch", paragraph(lead) + chart + detail)


def _flows(report: Report) -> Section:
    plan = report.chosen
    title = "Where every pound goes"
    if plan is None:
        return Section(
            "flows",
            "Money flows",
            title,
            paragraph("No arrangement has a feasible plan, so there are no flows."),
        )
    if not plan.has_numbers:
        text = f"The {plan.arrangement.value} arrangement is {plan.status.value}: it has no flows to draw."
        return Section("flows", "Money flows", title, paragraph(text))
    flows = money_flows(plan)
    years = years_text(report.scenario.years)
    lead = (
        f"The {plan.arrangement.value} plan: {_millions(flows.total)} over {years}, "
        "from each funder through its streams and pots to the blocks and their outcomes, and what is lost "
        "to overhead, set-up or lapsing. Hover for amounts."
    )
    grouped = flows.grouped
    if grouped:
        lead += (
            f" To stay readable (at most {MAX_NODES} boxes), the smallest items of a column are drawn "
            "together: " + "; ".join(n.name for n in grouped) + "."
        )
    chart = f'<div class="chart">{fragment(sankey_chart(flows), "chart-flows")}</div>'
    return Section("flows", "Money flows", f"{title}: {plan.arrangement.value} plan", paragraph(lead) + chart)


def _prices(report: Report) -> Section:
    title = "What would help most"
    plan = report.priced
    if plan is None:
        return Section("prices", "What would help", title, paragraph(_nothing_priced(report)))
    money, rules = price_sentences(plan, effects=report.price_effects)
    parts = [
        paragraph(
            f"Shadow prices of the {plan.arrangement.value} plan: the score gained per £1m more of a stream, "
            "or per £1m of slack in a rule that binds. They hold for small changes; the freedoms are "
            "re-solved for their exact gain."
        ),
        "<h3>More money</h3>",
        bullets(money) if money else paragraph("No stream's money is short: more would buy nothing.", ""),
        "<h3>Rules that cost score</h3>",
        bullets(rules) if rules else paragraph("No rule binds at a cost.", ""),
        "<h3>Freedoms worth asking for</h3>",
    ]
    if report.asks:
        parts.append(bullets(freedom_sentence(a, report.scenario) for a in report.asks[:FREEDOMS_SHOWN]))
    else:
        parts.append(paragraph(report.freedoms_note or "No freedom would raise the score.", ""))
    return Section("prices", "What would help", title, "".join(parts))


def _nothing_priced(report: Report) -> str:
    """Why there are no prices: the joint arrangements that were run found no plan, or none was run."""
    failed = [p.arrangement.value for p in report.plans if p.arrangement in FREEDOM_ARRANGEMENTS]
    if failed:
        who = failed[0] if len(failed) == 1 else ", ".join(failed[:-1]) + " and " + failed[-1]
        return f"No joint plan to price: {who} {'was' if len(failed) == 1 else 'were'} run and found no plan."
    joint = ", ".join(a.value for a in FREEDOM_ARRANGEMENTS)
    return f"No joint plan to price: prices come from a joint arrangement ({joint}) and none was run."


def _sweep(report: Report) -> Section:
    request = report.sweep
    assert request is not None
    what = request.what(report.scenario)
    lead = paragraph(
        f"Each arrangement re-planned with {what} changed by {request.label(request.low)} to "
        f"{request.label(request.high)}, "
        f"in {request.steps} steps. A gap is a step with no feasible plan."
    )
    names = list(dict.fromkeys(s.arrangement for s in report.sweep_steps))
    by_change: dict[float, dict[str, str]] = defaultdict(dict)
    places = score_places(s.score for s in report.sweep_steps)  # as laa sweep
    for s in report.sweep_steps:
        by_change[s.change][s.arrangement] = "-" if s.score is None else f"{s.score:.{places}f}"
    rows = [[request.label(c), *(cell.get(n, "-") for n in names)] for c, cell in sorted(by_change.items())]
    chart = fragment(sweep_chart(report.sweep_steps, request.decimals), "chart-sweep")
    chart = f'<div class="chart">{chart}</div>'
    detail = (
        "<details><summary>Scores at each step</summary>"
        + table(["change", *names], rows, set(range(1, len(names) + 1)))
        + "</details>"
    )
    return Section("sweep", "Sweep", f"Sweep: {what}", lead + chart + detail)
