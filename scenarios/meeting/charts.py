"""The one chart the report has no need of: each arrangement's score before and after the changes.

Drawn in the report's colours and type, so the meeting page and the report
read alike; the other charts on the page are the report's own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from laa.scenarios.report.charts import ARRANGEMENT_COLOURS, FONT, GRID, INK, MUTED

BASE_COLOUR = "#cbd2d9"


def figure_data(fig: go.Figure) -> dict[str, Any]:
    """A figure as the plain JSON the page hands to Plotly.react (plotly escapes <, > and / in it)."""
    return json.loads(pio.to_json(fig, validate=False))


def score_change_chart(scores: Sequence[tuple[str, float | None, float | None]]) -> go.Figure:
    """(arrangement, base score, score now): the base in grey, now in the arrangement's colour."""
    names = [a for a, _, _ in scores]
    base = [b for _, b, _ in scores]
    now = [n for _, _, n in scores]
    fig = go.Figure(
        [
            go.Bar(
                x=names,
                y=base,
                name="base",
                marker={"color": BASE_COLOUR},
                hovertemplate="%{x}, base: score %{y:.3f}<extra></extra>",
            ),
            go.Bar(
                x=names,
                y=now,
                name="with the changes",
                marker={"color": [ARRANGEMENT_COLOURS.get(a, MUTED) for a in names]},
                text=["no plan" if v is None else f"{v:.3f}" for v in now],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{x}, with the changes: score %{y:.3f}<extra></extra>",
            ),
        ]
    )
    top = max((v for v in [*base, *now] if v is not None), default=1.0)
    fig.update_layout(
        template="plotly_white",
        height=300,
        barmode="group",
        font={"family": FONT, "size": 13, "color": INK},
        hoverlabel={"font": {"family": FONT}},
        yaxis={"title": "score", "range": [0, top * 1.18 or 1], "gridcolor": GRID},
        legend={"orientation": "h", "y": -0.18},
        margin={"l": 60, "r": 10, "t": 20, "b": 40},
    )
    return fig
