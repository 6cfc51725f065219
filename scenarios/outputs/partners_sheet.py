"""The partners' view in the results workbook: what `laa partners` says, as sheets a finance lead filters.

- Partners: one row per arrangement and partner: money in, paid into
  pots, overhead, set-up, lapsed, spent, score bought, own-view score and
  whether it is better off than in silo, its shares of the gains, and its
  gain in the arrangement's optimum and in its fair plan.
- Partner spend: the statement of spend by source: every partner's spend
  on every outcome, directly and through pots (badged by what it paid in).
- Partner ranges: how far each partner's money on each block can move
  while the area's score stays within 1% (`--epsilon`) of the best score.

The figures are the partners document's (`partners_document`), so the
workbook and the JSON cannot disagree; money is shown to the penny, as the
accounts add up to the area's totals in pence.
"""

from __future__ import annotations

from typing import Any

from laa.scenarios.analysis.partners import PartnersResult, partners_document
from laa.scenarios.analysis.partners_table import within
from laa.scenarios.outputs.sheets import NO, SCORE, YES, Col, add_table
from openpyxl import Workbook

# a statement of spend by source is to the penny (the accounts add up to the area's totals in pence)
PENCE = "£#,##0.00;-£#,##0.00"


def add_partners_sheets(book: Workbook, result: PartnersResult) -> None:
    """Add the partners' view to a workbook: each partner's account, its spend and its ranges."""
    doc = partners_document(result)
    _partners(book, result, doc)
    _spend(book, result, doc)
    _ranges(book, result, doc)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else (YES if value else NO)


def _partners(book: Workbook, result: PartnersResult, doc: dict[str, Any]) -> None:
    sc = result.scenario
    columns = [
        Col("arrangement"),
        Col("partner"),
        Col("partner id"),
        Col("money in", PENCE, "Its streams' amounts over the agreement."),
        Col("paid into pots", PENCE, "What its streams paid into pots."),
        Col("overhead", PENCE, "Its streams' overhead and its share of the pots' (by what it paid in)."),
        Col("set-up", PENCE, "Its share of the pots' set-up costs (by what it paid in)."),
        Col("lapsed", PENCE, "Money left unspent: its streams' own and its share of the pots'."),
        Col("spent", PENCE, "Its spend on outcomes, directly and through pots (by what it paid in)."),
        Col("score bought", SCORE, "Each outcome's score shared in proportion to spend on it."),
        Col("own-view score", SCORE, "The area's score over the outcomes it answers for (its own view)."),
        Col("better off than silo", None, "Whether its own-view score is at least its silo one."),
        Col("share of gain of aligning", SCORE, "Its Shapley share of aligned - silo."),
        Col("share of gain of pooling", SCORE, "Its Shapley share of pooled - aligned."),
        Col("gain over silo in optimum", SCORE, "Own-view score in the arrangement's plan, less silo's."),
        Col("gain over silo in fair plan", SCORE, "Own-view score in the fair plan, less silo's."),
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
    note = (
        f"{result.scenario.name}: each partner's side of each plan; the gains' shares are Shapley values "
        "(the same in every row of a partner)."
    )
    add_table(book, "Partners", columns, rows, note)


def _spend(book: Workbook, result: PartnersResult, doc: dict[str, Any]) -> None:
    sc = result.scenario
    columns = [
        Col("arrangement"),
        Col("partner"),
        Col("outcome"),
        Col("outcome id"),
        Col("block"),
        Col("direct", PENCE, "Its streams' own spend on the outcome."),
        Col("through pots", PENCE, "The pots' spend on the outcome at its share of each pot."),
        Col("total", PENCE, "Direct and through pots."),
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
    note = "Spend by source of funding: every partner's spend on every outcome, pooled money badged back."
    add_table(book, "Partner spend", columns, rows, note)


def _ranges(book: Workbook, result: PartnersResult, doc: dict[str, Any]) -> None:
    sc = result.scenario
    columns = [
        Col("arrangement"),
        Col("partner"),
        Col("block"),
        Col("in plan", PENCE, "Its money on the block's outcomes in the arrangement's plan."),
        Col("least", PENCE, f"The least it can be among plans whose score is {within(result.epsilon)}."),
        Col("most", PENCE, "The most it can be among those plans."),
        Col("can concede", PENCE, "In plan less least."),
        Col("can add", PENCE, "Most less in plan."),
        Col("note", None, "Why a figure is missing, when one is."),
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
    note = (
        "Room to negotiate: how far each partner's money by block can move while the area's score stays "
        f"{within(result.epsilon)}."
    )
    add_table(book, "Partner ranges", columns, rows, note)
