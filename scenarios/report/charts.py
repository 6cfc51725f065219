"""The report's charts: plotly figures as page fragments, without plotly.js (the page inlines it once).

Plotly draws labels through its own small HTML dialect (`<b>`, `<br>`,
`<a href>`), so scenario text goes in with `<`, `>` and `&` as entities:
plotly shows them literally and no name can become markup. The figure
JSON plotly writes into the page escapes `<`, `>` and `/`, so a label
holding `</script>` cannot end the data block it sits in. A chart is a
<div> and its figure as inert JSON; `report_page`'s one drawing script
plots them all, so the page runs no script of its own per chart.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import plotly.io as pio
from laa.pooling.units import millions
from laa.scenarios.analysis.sweep import SweepStep
from laa.scenarios.report.flows import BLOCK, FUNDER, LOSS, OTHER, OUTCOME, SOURCE, Flows
from laa.scenarios.report.progress import OutcomeProgress

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif"
INK, MUTED, GRID = "#1f2933", "#61707d", "#e4e8ec"
ARRANGEMENT_COLOURS = {
    "silo": "#9aa5b1",
    "aligned": "#3e7cb1",
    "pooled": "#2a9d8f",
    "optimal": "#264653",
    "historic": "#b08968",
}
MONEY_LOST = (("overhead", "Overhead", "#e9c46a"), ("setup", "Pot set-up", "#f4a261"),
              ("lapsed", "Lapsed", "#e76f51"))  # fmt: skip
FUNDER_PALETTE = (
    "#3e7cb1",
    "#2a9d8f",
    "#8e6bbf",
    "#d08c3c",
    "#5b8e3e",
    "#c2577a",
    "#4f9fb8",
    "#9c7a3c",
    "#6c7fd1",
    "#b5543f",
    "#3f8f6f",
    "#8a8f3a",
)
BLOCK_PALETTE = ("#e9a23b", "#4f9fb8", "#c2577a", "#5b8e3e", "#8e6bbf", "#b5543f", "#3f8f6f", "#6c7fd1")
OTHER_COLOUR, LOSS_COLOUR, SOURCE_COLOUR, OUTCOME_COLOUR = "#b8c2cc", "#e76f51", "#8aa4bd", "#7b8794"
# equal scores draw equal lines: the later arrangements dashed, so one never hides another
DASHES = {"pooled": "dash", "optimal": "dot"}
LABEL_CHARS = 46
# the flow chart: a label fits beside its node when the node is at least a line tall, and in the
# space between two columns when it is at most this many characters. Labels sit to the right of
# their nodes, the last column's to the left, so blocks and outcomes share the last gap (about 380
# px at the page's width, 7 px a character): their limits add up to less than it
SANKEY_FONT, SANKEY_PAD, SANKEY_MARGIN = 12, 8, 20
SANKEY_LINE = SANKEY_FONT + 2
SANKEY_LABEL_CHARS = {FUNDER: 30, SOURCE: 30, BLOCK: 20, OUTCOME: 28}


def chart_text(text: str) -> str:
    """Scenario text as plotly shows it literally: its HTML dialect's special characters as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """The label cut to `limit` characters with "…" so chart labels stay readable."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fragment(fig: go.Figure, div_id: str) -> str:
    """The figure as a <div> and its JSON in a data block (never run) that the page's drawing script reads."""
    figure = pio.to_json(fig, validate=False)  # plotly escapes <, > and / in it: nothing ends the block
    return (
        f'<div style="height:{fig.layout.height}px; width:100%;">'
        f'<div id="{div_id}" class="plotly-graph-div" style="height:100%; width:100%;"></div>'
        f'<script type="application/json" data-chart="{div_id}">{figure}</script></div>'
    )


def styled(fig: go.Figure, height: int, **extra: object) -> go.Figure:
    """The report's look on a chart: its font and ink, a white template, tight margins; `extra` wins."""
    layout: dict[str, object] = {
        "template": "plotly_white",
        "height": height,
        "font": {"family": FONT, "size": 13, "color": INK},
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "hoverlabel": {"font": {"family": FONT}},
    }
    fig.update_layout(**(layout | extra))
    return fig


def score_chart(
    scores: Sequence[tuple[str, float | None]], chosen: str | None, statuses: dict[str, str] | None = None
) -> go.Figure:
    """Score per arrangement; a plan without a score is named on the axis, its bar its status (infeasible)."""
    names = [a for a, _ in scores]
    values = [s for _, s in scores]
    statuses = statuses or {}
    fig = go.Figure(
        go.Bar(
            x=names,
            y=[0 if v is None else v for v in values],
            text=[f"{statuses.get(a, 'no plan')}: no plan" if v is None else f"{v:.3f}" for a, v in scores],
            textposition="outside",
            cliponaxis=False,
            marker={
                "color": [ARRANGEMENT_COLOURS.get(a, MUTED) for a in names],
                "line": {"color": [INK if a == chosen else "rgba(0,0,0,0)" for a in names], "width": 2},
            },
            hovertemplate="%{x}: score %{y:.3f}<extra></extra>",
        )
    )
    top = max((v for v in values if v is not None), default=1.0)
    return styled(
        fig,
        300,
        yaxis={"title": "score", "range": [0, top * 1.18 or 1], "gridcolor": GRID},
        margin={"l": 60, "r": 10, "t": 20, "b": 40},
        showlegend=False,
    )


def money_chart(
    money: Sequence[tuple[str, dict[str, float] | None]], statuses: dict[str, str] | None = None
) -> go.Figure:
    """The money each arrangement loses before it reaches an outcome: overhead, set-up, lapsed (GBP m).

    An arrangement with no plan keeps its row, labelled with its status, so no chart hides it.
    """
    names = [a for a, _ in money]
    statuses = statuses or {}
    fig = go.Figure()
    for key, label, colour in MONEY_LOST:
        fig.add_trace(
            go.Bar(
                y=names,
                x=[0 if parts is None else millions(parts[key]) for _, parts in money],
                name=label,
                orientation="h",
                marker={"color": colour},
                hovertemplate=f"%{{y}}: £%{{x:,.2f}}m {label.lower()}<extra></extra>",
            )
        )
    for name, parts in money:
        if parts is None:
            said = f"{statuses.get(name, 'no plan')}: no plan"
            fig.add_annotation(x=0, y=name, text=said, showarrow=False, xanchor="left", font={"color": MUTED})
    return styled(
        fig,
        300,
        barmode="stack",
        xaxis={"title": "£ millions over the period", "gridcolor": GRID, "rangemode": "tozero"},
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "y": -0.3, "traceorder": "normal"},
        margin={"l": 80, "r": 10, "t": 20, "b": 40},
    )


def progress_chart(
    rows: Sequence[OutcomeProgress], arrangements: Sequence[str], statuses: dict[str, str] | None = None
) -> go.Figure:
    """Outcomes by arrangement, coloured by progress to target; ✓ marks a target met, ★ a stretch met.

    An arrangement with no plan keeps its column, every cell saying why (infeasible).
    """
    statuses = statuses or {}
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    for r in rows:
        z_row: list[float | None] = []
        text_row: list[str] = []
        hover_row: list[str] = []
        for a in arrangements:
            cell = r.cells.get(a)
            if cell is None:
                z_row.append(None)
                text_row.append(statuses.get(a, "no plan"))
                hover_row.append(f"{chart_text(r.name)}<br>{a}: {statuses.get(a, 'no plan')}, no plan")
                continue
            z_row.append(max(min(cell.progress, 1.3), -0.3))
            text_row.append(f"{cell.progress:.0%}{cell.mark}")
            stretch = "" if r.stretch is None else f", stretch {r.stretch:,.4g}"
            hover_row.append(
                f"{chart_text(r.name)}<br>{a}: {cell.projected:,.4g} {chart_text(r.unit)} "
                f"({cell.progress:.0%} of the way)<br>baseline {r.baseline:,.4g}, "
                f"target {r.target:,.4g}{stretch}"
            )
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(arrangements),
            y=list(range(len(rows))),
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            zmin=-0.3,
            zmax=1.3,
            colorscale=[
                [0, "#e76f51"],
                [0.1875, "#f4d6c6"],
                [0.5, "#f7e7a6"],
                [0.8125, "#b7e0c2"],
                [1, "#2a9d8f"],
            ],
            xgap=2,
            ygap=2,
            colorbar={
                "title": {"text": "to target"},
                "tickvals": [0, 0.5, 1],
                "ticktext": ["baseline", "halfway", "target"],
                "thickness": 12,
            },
        )
    )
    return styled(
        fig,
        80 + 28 * len(rows),
        xaxis={"side": "top", "tickfont": {"size": 13}},
        yaxis={
            "tickvals": list(range(len(rows))),
            "ticktext": [chart_text(short(r.name)) for r in rows],
            "autorange": "reversed",
            "automargin": True,
        },
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )


def _node_colours(flows: Flows) -> list[str]:
    """Funders and blocks each in their own colour; streams, pots and outcomes neutral; losses red."""
    palettes = {FUNDER: FUNDER_PALETTE, BLOCK: BLOCK_PALETTE}
    seen = {FUNDER: 0, BLOCK: 0}
    colours = []
    for node in flows.nodes:
        if node.kind == OTHER:
            colours.append(OTHER_COLOUR)
        elif node.kind == LOSS:
            colours.append(LOSS_COLOUR)
        elif node.column in palettes:
            palette = palettes[node.column]
            colours.append(palette[seen[node.column] % len(palette)])
            seen[node.column] += 1
        else:
            colours.append(SOURCE_COLOUR if node.column == SOURCE else OUTCOME_COLOUR)
    return colours


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def sankey_chart(flows: Flows) -> go.Figure:
    """Funders to streams and pots to blocks to outcomes; link widths are pounds over the period."""
    colours = _node_colours(flows)
    # a link wears the colour of its funder, or of the block (or loss) it feeds or leaves
    link_colours = [
        _rgba(colours[link.target if flows.nodes[link.target].column == BLOCK else link.source], 0.4)
        for link in flows.links
    ]
    tallest = max((sum(n.column == c for n in flows.nodes) for c in range(4)), default=0)
    height = max(560, 30 * tallest + 60)
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=",.0f",
            node={
                "label": sankey_labels(flows, height),
                "customdata": [f"{chart_text(n.name)}<br>£{n.amount:,.0f}" for n in flows.nodes],
                "hovertemplate": "%{customdata}<extra></extra>",
                "color": colours,
                "pad": SANKEY_PAD,
                "thickness": 14,
                "line": {"width": 0},
            },
            link={
                "source": [link.source for link in flows.links],
                "target": [link.target for link in flows.links],
                "value": [link.amount for link in flows.links],
                "color": link_colours,
                # full names: a node too thin for its label has a blank one
                "customdata": [_link_names(flows, link.source, link.target) for link in flows.links],
                "hovertemplate": "%{customdata}<br>£%{value:,.0f}<extra></extra>",
            },
        )
    )
    return styled(fig, height, font={"family": FONT, "size": SANKEY_FONT, "color": INK})


def _link_names(flows: Flows, source: int, target: int) -> str:
    return f"{chart_text(flows.nodes[source].name)} → {chart_text(flows.nodes[target].name)}"


def sankey_labels(flows: Flows, height: int) -> list[str]:
    """Each node's label, shortened to fit between its column and the next; blank where the node is
    drawn too thin to hold a line of text, so no two labels overlap (every full name is in the hover).

    Plotly scales every column by one factor, the one that fits the fullest column (its money plus
    the padding between its boxes) into the chart's height; a node is as many pixels tall as its
    money times that factor.
    """
    usable = height - SANKEY_MARGIN
    columns: dict[int, list[float]] = {}
    for n in flows.nodes:
        columns.setdefault(n.column, []).append(n.amount)
    scales = [(usable - SANKEY_PAD * (len(a) - 1)) / sum(a) for a in columns.values() if sum(a) > 0]
    scale = min(scales, default=0.0)
    return [
        chart_text(short(n.name, SANKEY_LABEL_CHARS[n.column])) if n.amount * scale >= SANKEY_LINE else ""
        for n in flows.nodes
    ]


def sweep_chart(steps: Sequence[SweepStep], decimals: int) -> go.Figure:
    """Score against the change (in %, to `decimals` places), one line per arrangement; a step with no
    plan is a gap."""
    fig = go.Figure()
    lowest = min((s.score for s in steps if s.score is not None), default=0.0)
    for name in dict.fromkeys(s.arrangement for s in steps):
        mine = sorted((s for s in steps if s.arrangement == name), key=lambda s: s.change)
        colour = ARRANGEMENT_COLOURS.get(name, MUTED)
        fig.add_trace(
            go.Scatter(
                x=[s.change * 100 for s in mine],
                y=[s.score for s in mine],
                mode="lines+markers",
                name=name,
                line={"color": colour, "width": 2.5, "dash": DASHES.get(name)},
                hovertemplate=f"{name}: score %{{y:.3f}} at %{{x:+.{decimals}f}}%<extra></extra>",
            )
        )
        failed = [s for s in mine if s.score is None]
        if failed:  # a step with no plan is a gap in the line, and marked with its status on the axis
            fig.add_trace(
                go.Scatter(
                    x=[s.change * 100 for s in failed],
                    y=[lowest] * len(failed),
                    mode="markers+text",
                    marker={"symbol": "x", "size": 10, "color": colour},
                    text=[s.status for s in failed],
                    textposition="bottom center",
                    name=f"{name}: no plan",
                    hovertemplate=f"{name}: %{{text}} at %{{x:+.{decimals}f}}%<extra></extra>",
                )
            )
    return styled(
        fig,
        360,
        xaxis={"title": "change", "ticksuffix": "%", "gridcolor": GRID, "zeroline": True},
        yaxis={"title": "score", "gridcolor": GRID},
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 60, "r": 10, "t": 20, "b": 40},
    )
