"""The partners' view in the results workbook: what `laa partners` says, as sheets a finance lead filters.

- Partners: one row per arrangement and partner: money in, paid into
  pots, overhead, set-up, lapsed, spent, score bought, own-view score and
  whether it is better off than in silo, its shares of the gains, and its
  gain in the arrangement's optimum and in its fair plan.
- Partner spend: the statement of spend by source: every partner's spend
  on every outcome, directly and through pots (badged by what it paid in).
- Partner ranges: how far each partner's money on each block can move
  among plans within epsilon of the optimum.

The figures are the partners document's (`partners_document`), so the
workbook and the JSON cannot disagree.
"""

from __future__ import annotations

from typing import Any

from laa.scenarios.analysis.partners import PartnersResult, partners_document
from laa.scenarios.outputs.results_workbook import MONEY, SCORE, Col, add_table
from openpyxl import Workbook


def add_partners_sheets(book: Workbook, result: PartnersResult) -> None:
    doc = partners_document(result)
    _partners(book, result, doc)
    _spend(book, result, doc)
    _ranges(book, result, doc)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _partners(book: Workbook, result: PartnersResult, doc: dict[str, Any]) -> None:
    sc = result.scenario
    columns = [
        Col("arrangement"),
        Col("partner"),
        Col("partner id"),
        Col("money in", MONEY),
        Col("paid into pots", MONEY),
        Col("overhead", MONEY),
        Col("set-up", MONEY),
        Col("lapsed", MONEY),
        Col("spent", MONEY),
        Col("score bought", SCORE),
        Col("own-view score", SCORE),
        Col("better off than silo"),
        Col("share of gain of aligning", SCORE),
        Col("share of gain of pooling", SCORE),
        Col("gain over silo in optimum", SCORE),
        Col("gain over silo in fair plan", SCORE),
    ]
    aligning, pooling = doc["gain_of_aligning"]["shares"], doc["gain_of_pooling"]["shares"]
    rows = []
    for arrangement, accounts in doc["accounts"].items():
        fair = doc["fair"].get(arrangement, {})
        for a in accounts:
            f = a["funder"]
            own = doc["own_view"][f]
            rows.append(
                [
                    arrangement,
                    sc.label("funders", f),
                    f,
                    a["amounts"],
                    a["paid_into_pots"],
                    a["overhead"],
                    a["setup"],
                    a["lapsed"],
                    a["spent"],
                    a["score_bought"],
                    own.get(arrangement),
                    _yes_no(own["better_off"].get(arrangement)),
                    aligning.get(f),
                    pooling.get(f),
                    fair.get("optimum_gains", {}).get(f),
                    fair.get("gains", {}).get(f),
                ]
            )
    add_table(book, "Partners", columns, rows)


def _spend(book: Workbook, result: PartnersResult, doc: dict[str, Any]) -> None:
    sc = result.scenario
    columns = [
        Col("arrangement"),
        Col("partner"),
        Col("outcome"),
        Col("outcome id"),
        Col("block"),
        Col("direct", MONEY),
        Col("through pots", MONEY),
        Col("total", MONEY),
    ]
    rows = [
        [
            arrangement,
            sc.label("funders", a["funder"]),
            sc.label("outcomes", s["outcome"]),
            s["outcome"],
            sc.outcome(s["outcome"]).block,
            s["direct"],
            s["through_pots"],
            round(s["direct"] + s["through_pots"], 2),
        ]
        for arrangement, accounts in doc["accounts"].items()
        for a in accounts
        for s in a["spend"]
    ]
    add_table(book, "Partner spend", columns, rows)


def _ranges(book: Workbook, result: PartnersResult, doc: dict[str, Any]) -> None:
    sc = result.scenario
    columns = [
        Col("arrangement"),
        Col("partner"),
        Col("block"),
        Col("in plan", MONEY),
        Col("least", MONEY),
        Col("most", MONEY),
        Col("can concede", MONEY),
        Col("can add", MONEY),
        Col("note"),
    ]
    rows = []
    for arrangement, ranges in doc["ranges"].items():
        for r in ranges:
            least, most, here = r["least"], r["most"], r["in_optimum"]
            rows.append(
                [
                    arrangement,
                    sc.label("funders", r["funder"]),
                    sc.label("blocks", r["block"]),
                    here,
                    least,
                    most,
                    None if least is None else max(round(here - least, 2), 0.0),
                    None if most is None else max(round(most - here, 2), 0.0),
                    r["message"],
                ]
            )
    add_table(book, "Partner ranges", columns, rows)
