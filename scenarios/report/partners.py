"""The report's Partners section: each partner's side of the plans, for the people who must sign.

It shows, from `laa partners`' figures: each partner's share of the gains
of aligning and of pooling (a chart), its own-view result under each
arrangement and whether it is better off than planning alone (a chart and
a table with its money), the fairer plan's gains beside the optimum's, and
the room each partner has by block as bars from the least to the most of
its money, marked where the optimum puts it.
"""

from __future__ import annotations

import plotly.graph_objects as go
from laa.models.scenario import Arrangement
from laa.pooling.units import millions, money_text, solver_dust
from laa.scenarios.analysis.partners import PartnersResult
from laa.scenarios.analysis.partners_table import within
from laa.scenarios.analysis.shapley import Method, Shares
from laa.scenarios.report.charts import (
    ARRANGEMENT_COLOURS,
    GRID,
    INK,
    MUTED,
    chart_text,
    fragment,
    short,
    styled,
)
from laa.scenarios.report.page import Section, bullets, paragraph, table

GAIN_COLOURS = {"aligning": ARRANGEMENT_COLOURS["aligned"], "pooling": ARRANGEMENT_COLOURS["pooled"]}
ROW_HEIGHT = 26  # pixels a bar of the horizontal charts takes


def _style(fig: go.Figure, height: int, **extra: object) -> go.Figure:
    """The report's look, with room beneath for a legend laid across."""
    legend = {"orientation": "h", "y": -0.12 if height > 300 else -0.25}
    return styled(fig, height, **({"margin": {"l": 10, "r": 10, "t": 10, "b": 40}, "legend": legend} | extra))


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:+.3f}"


def _names(result: PartnersResult) -> list[str]:
    return [chart_text(short(result.scenario.label("funders", f))) for f in result.funders]


def shares_chart(result: PartnersResult) -> go.Figure:
    """Each partner's share of the gain of aligning and of pooling (score points), ± a standard error."""
    fig = go.Figure()
    names, funders = _names(result), result.funders
    for key, shares in (("aligning", result.aligning), ("pooling", result.pooling)):
        if not shares.defined:
            continue
        errors = shares.standard_error
        fig.add_trace(
            go.Bar(
                y=names,
                x=[shares.shares.get(f) or 0.0 for f in result.funders],
                orientation="h",
                name=f"gain of {key} ({_score(shares.total)})",
                marker={"color": GAIN_COLOURS[key]},
                error_x=None if errors is None else {"type": "data", "array": [errors[f] for f in funders]},
                hovertemplate=f"%{{y}}: %{{x:+.3f}} of the gain of {key}<extra></extra>",
            )
        )
    return _style(
        fig,
        max(220, 2 * ROW_HEIGHT * len(names) + 90),
        barmode="group",
        xaxis={"title": "score points", "gridcolor": GRID, "zerolinecolor": MUTED},
        yaxis={"autorange": "reversed", "automargin": True},
    )


def own_view_chart(result: PartnersResult) -> go.Figure:
    """Each partner's own-view score under each arrangement planned."""
    fig = go.Figure()
    names = _names(result)
    for a in result.plans:
        fig.add_trace(
            go.Bar(
                y=names,
                x=[result.own_view[f][a] or 0.0 for f in result.funders],
                orientation="h",
                name=a.value,
                marker={"color": ARRANGEMENT_COLOURS.get(a.value, MUTED)},
                hovertemplate=f"%{{y}}: own-view score %{{x:.3f}} ({a.value})<extra></extra>",
            )
        )
    return _style(
        fig,
        max(240, len(result.plans) * ROW_HEIGHT * len(names) // 2 + 90),
        barmode="group",
        xaxis={"title": "own-view score", "gridcolor": GRID},
        yaxis={"autorange": "reversed", "automargin": True},
    )


def ranges_chart(result: PartnersResult, arrangement: Arrangement) -> go.Figure | None:
    """Each partner's money by block: a bar from the least to the most, a mark at the optimum's."""
    sc = result.scenario
    dust = solver_dust(sc)
    rows = [
        r
        for r in result.ranges.get(arrangement, [])
        if r.least is not None and r.most is not None and (r.most >= dust or r.in_optimum >= dust)
    ]
    if not rows:
        return None
    labels = [
        chart_text(short(f"{sc.label('funders', r.funder)} · {sc.label('blocks', r.block)}", 60))
        for r in rows
    ]
    least = [millions(r.least or 0.0) for r in rows]
    width = [millions((r.most or 0.0) - (r.least or 0.0)) for r in rows]
    fig = go.Figure(
        [
            go.Bar(
                y=labels,
                x=width,
                base=least,
                orientation="h",
                name=f"least to most, {within(result.epsilon)}",
                marker={"color": ARRANGEMENT_COLOURS.get(arrangement.value, MUTED), "opacity": 0.45},
                customdata=[[lo, lo + w] for lo, w in zip(least, width, strict=True)],
                hovertemplate="%{y}: £%{customdata[0]:,.2f}m to £%{customdata[1]:,.2f}m<extra></extra>",
            ),
            go.Scatter(
                y=labels,
                x=[millions(r.in_optimum) for r in rows],
                mode="markers",
                name="in the optimum",
                marker={"color": INK, "symbol": "line-ns-open", "size": 16, "line": {"width": 3}},
                hovertemplate="%{y}: £%{x:,.2f}m in the optimum<extra></extra>",
            ),
        ]
    )
    return _style(
        fig,
        max(240, ROW_HEIGHT * len(rows) + 90),
        xaxis={"title": "£m over the agreement", "gridcolor": GRID, "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "automargin": True},
    )


def _shares_note(name: str, shares: Shares) -> str:
    if shares.undefined_because:
        return f"The gain of {name} cannot be divided: {shares.undefined_because}."
    if shares.method is Method.SAMPLED:
        return (
            f"The gain of {name} is divided by an estimate from {shares.orders} random orders of the "
            f"partners (seed {shares.seed}); the bars' whiskers are one standard error, and the estimate "
            "adds up to the gain."
        )
    return f"The gain of {name} is divided exactly, over all {shares.plans} coalitions' plans."


def partners_section(result: PartnersResult) -> Section:
    """The report's Partners section: each partner's share of the gains, its side of the plans, and
    whether it is better off than alone."""
    sc = result.scenario
    dust = solver_dust(sc)
    shown = result.arrangements[-1] if result.arrangements else Arrangement.POOLED
    lead = paragraph(
        "Each partner's side of the plans. A partner's share of a gain is its Shapley value: what it adds "
        "to every group of partners that could have formed before it, averaged over the orders in which "
        "they could join, so the shares add up to the gain. Its own view is what its streams may fund (or "
        "the interests the file gives it); it is better off when its own-view score is at least its silo one."
    )
    shares = fragment(shares_chart(result), "chart-partner-shares")
    own = fragment(own_view_chart(result), "chart-partner-views")
    charts = (
        f'<div class="grid2"><div class="chart"><h3>Shares of the gains</h3>{shares}</div>'
        f'<div class="chart"><h3>Own-view score under each arrangement</h3>{own}</div></div>'
    )
    notes = bullets([_shares_note("aligning", result.aligning), _shares_note("pooling", result.pooling)])
    compared = [a for a in result.plans if a is not Arrangement.SILO]
    fair = result.fair.get(shown)
    headers = ["partner", "money in", "into pots", "spent", "score bought"]
    headers += [f"better off {a.value}" for a in compared]
    headers += ["share of aligning", "share of pooling", f"gain ({shown.value})", "gain (fair plan)"]
    books = {x.funder: x for x in result.accounts.get(shown, [])}
    rows = []
    for f in result.funders:
        account = books.get(f)
        better = result.better_off
        rows.append(
            [
                sc.label("funders", f),
                money_text(account.amounts, dust) if account else "-",
                money_text(account.paid_into_pots, dust) if account else "-",
                money_text(account.spent, dust) if account else "-",
                f"{account.score_bought:.3f}" if account else "-",
                *["-" if better(f, a) is None else ("yes" if better(f, a) else "NO") for a in compared],
                _score(result.aligning.shares.get(f)),
                _score(result.pooling.shares.get(f)),
                _score(fair.optimum_gains.get(f)) if fair else "-",
                _score(fair.gains.get(f)) if fair and fair.gains else "-",
            ]
        )
    money = paragraph(
        f"Money and gains under the {shown.value} plan: a pot's money is badged back to the partners by what "
        "each paid into it; gains are own-view scores over silo, in the plan and in the fairer plan among "
        f"those whose score is {within(result.epsilon)}.",
        "",
    )
    grid = table(headers, rows, numeric=set(range(1, len(headers))))
    body = lead + charts + notes + money + grid
    if fair is not None and fair.score is not None:
        smallest = f"from {_score(fair.optimum_min_gain)} to {_score(fair.min_gain)}"
        body += paragraph(
            f"The fairer {shown.value} plan scores {fair.score:.3f} against {fair.optimum or 0.0:.3f} and "
            f"raises the smallest partner gain {smallest}.",
            "",
        )
    elif fair is not None:
        body += paragraph(f"No fairer {shown.value} plan: {fair.message}", "note")
    ranges = ranges_chart(result, shown)
    if ranges is not None:
        body += (
            f'<div class="chart"><h3>Room to negotiate under the {shown.value} plan: each partner\'s money '
            f"by block, least to most among plans whose score is {within(result.epsilon)}</h3>"
            f"{fragment(ranges, 'chart-partner-ranges')}</div>"
        )
    return Section("partners", "Partners", "What each partner puts in, gains and can concede", body)
