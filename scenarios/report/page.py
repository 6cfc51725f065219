"""The report's HTML: one self-contained page, every piece of scenario text escaped.

The page must open in a meeting room with no network and must not run
anything a scenario file smuggles in. So plotly.js is inlined once, there
are no links to fetch (no CDN, no web fonts, no images but data: URLs), a
Content-Security-Policy forbids every fetch and runs only two scripts, named
by their SHA-256 (plotly.js and the one that draws the charts from their
inert JSON), so markup that slipped past escaping still could not run; and
every string from the scenario goes through `esc` (text and attributes
alike) before it reaches the HTML.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from plotly.offline import get_plotlyjs

CLOSE_SCRIPT = re.compile(r"</(script)", re.IGNORECASE)
DRAW_CHARTS = (
    "document.querySelectorAll('script[type=\"application/json\"][data-chart]').forEach(function (s) {"
    "var figure = JSON.parse(s.textContent);"
    "Plotly.newPlot(s.dataset.chart, figure.data, figure.layout, {displayModeBar: false, responsive: true});"
    "});"
)

STYLE = """
:root { --ink:#1f2933; --muted:#61707d; --line:#e4e8ec; --panel:#f7f9fa; --accent:#264653;
        --warn:#fff4e5; }
* { box-sizing: border-box; }
body { margin:0; color:var(--ink); background:#fff;
       font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,'DejaVu Sans',
       sans-serif; }
header.top { background:var(--accent); color:#fff; padding:22px 40px 18px; }
header.top h1 { margin:0 0 4px; font-size:26px; font-weight:650; overflow-wrap:anywhere; }
header.top .meta { color:#d7e3ea; font-size:13.5px; }
nav { position:sticky; top:0; z-index:5; background:#fff; border-bottom:1px solid var(--line);
      padding:8px 40px; font-size:13.5px; }
nav a { color:var(--accent); text-decoration:none; margin-right:18px; white-space:nowrap; }
main { max-width:1240px; margin:0 auto; padding:8px 40px 40px; }
section { margin:28px 0 8px; }
h2 { font-size:20px; margin:0 0 6px; padding-bottom:6px; border-bottom:2px solid var(--line); }
h3 { font-size:15.5px; margin:18px 0 6px; }
p.lead { color:var(--muted); margin:4px 0 12px; max-width:980px; }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(210px,1fr)); gap:12px;
         margin:18px 0 6px; }
.card { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:12px 16px; }
.card .label { color:var(--muted); font-size:12.5px; text-transform:uppercase; letter-spacing:.04em; }
.card .value { font-size:24px; font-weight:650; margin-top:2px; overflow-wrap:anywhere; }
.card .note { color:var(--muted); font-size:13px; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:20px; }
@media (max-width: 900px) {
  .grid2 { grid-template-columns:1fr; }
  main, nav, header.top { padding-left:16px; padding-right:16px; }
}
.chart { border:1px solid var(--line); border-radius:8px; padding:8px; background:#fff; }
.chart h3 { margin:4px 6px 2px; font-size:14px; color:var(--muted); font-weight:600; }
table { border-collapse:collapse; width:100%; font-size:13.5px; margin:6px 0 12px; }
th, td { padding:6px 9px; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
th { background:var(--panel); font-weight:600; color:#334e68; vertical-align:bottom; }
th.num { text-align:right; }
td.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
tr.chosen td { background:#eef6f5; }
td.name { overflow-wrap:break-word; }
.tag { display:inline-block; font-size:11.5px; padding:1px 7px; border-radius:10px; margin-left:6px;
       background:var(--accent); color:#fff; vertical-align:1px; }
.box { background:var(--warn); border:1px solid #f5c38b; border-radius:8px; padding:10px 16px;
       margin:10px 0; }
.box h3 { margin-top:6px; }
ul.words { margin:6px 0 12px; padding-left:22px; }
ul.words li { margin:4px 0; overflow-wrap:anywhere; }
details { margin:10px 0; }
summary { cursor:pointer; color:var(--accent); font-weight:600; }
footer { color:var(--muted); font-size:12.5px; border-top:1px solid var(--line); margin-top:36px;
         padding-top:10px; }
"""


def esc(text: object) -> str:
    """Any value as HTML text or attribute content: `<`, `>`, `&` and both quotes escaped."""
    return html.escape(str(text), quote=True)


@dataclass(frozen=True)
class Section:
    """One section of the report page: its anchor, its word in the navigation bar, its title, and a body
    of HTML built only from escaped parts, so scenario text can never inject markup."""

    id: str  # the page's own anchor, never scenario text
    nav: str  # a word or two for the navigation bar
    title: str  # plain text, escaped here
    body: str  # HTML built from escaped parts


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: set[int] | None = None,
    row_classes: Sequence[str] | None = None,
) -> str:
    """A table of plain-text cells (escaped here); `numeric` columns align right."""
    numeric = numeric or set()

    def cls(i: int, name: bool) -> str:
        if i in numeric:
            return ' class="num"'
        return ' class="name"' if name else ""

    head = "".join(f"<th{cls(i, False)}>{esc(h)}</th>" for i, h in enumerate(headers))
    body = []
    for r, row in enumerate(rows):
        row_cls = f' class="{esc(row_classes[r])}"' if row_classes and row_classes[r] else ""
        cells = "".join(f"<td{cls(i, True)}>{esc(c)}</td>" for i, c in enumerate(row))
        body.append(f"<tr{row_cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def bullets(items: Iterable[str]) -> str:
    """A bulleted list, every item escaped."""
    return '<ul class="words">' + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def paragraph(text: str, cls: str = "lead") -> str:
    """A paragraph of escaped text (`cls` picks its look; the lead paragraph by default)."""
    return f'<p class="{cls}">{esc(text)}</p>'


def card(label: str, value: str, note: str = "") -> str:
    """A headline figure with its label and an optional note, all escaped."""
    extra = f'<div class="note">{esc(note)}</div>' if note else ""
    head = f'<div class="label">{esc(label)}</div><div class="value">{esc(value)}</div>'
    return f'<div class="card">{head}{extra}</div>'


def inline_script(js: str) -> str:
    """JavaScript safe inside <script>: nothing in it may end the element or open an HTML comment."""
    return CLOSE_SCRIPT.sub(r"<\\/\1", js).replace("<!--", "<\\!--")


def _csp(*scripts: str) -> str:
    """The policy: no fetch of any kind, and no script run but these (by hash)."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts
    )
    return f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:"


def document(title: str, meta: str, cards: str, sections: Sequence[Section], footer: str) -> str:
    """The whole page: header, navigation, sections, plotly.js inlined once, and the charts drawn last."""
    plotly = inline_script(get_plotlyjs())
    nav = "".join(f'<a href="#{esc(s.id)}">{esc(s.nav)}</a>' for s in sections)
    body = "".join(f'<section id="{esc(s.id)}"><h2>{esc(s.title)}</h2>{s.body}</section>' for s in sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_csp(plotly, DRAW_CHARTS)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{STYLE}</style>"
        f"<script>{plotly}</script></head><body>"
        f'<header class="top"><h1>{esc(title)}</h1><div class="meta">{esc(meta)}</div></header>'
        f"<nav>{nav}</nav><main>{cards}{body}<footer>{esc(footer)}</footer></main>"
        f"<script>{DRAW_CHARTS}</script></body></html>\n"
    )
