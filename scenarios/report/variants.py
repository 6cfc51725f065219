"""The report's Variants section (`laa report --variants`): the meeting's what-ifs against the base.

Two tables, as `laa compare --variants` gives them: the score of every
variant under every arrangement with its change from the base, then, under
the arrangement the page draws (or the best), what each variant does to
targets met, reward and money. Variant ids and names are scenario text,
escaped by `page.table` like every other cell.
"""

from __future__ import annotations

from laa.models.scenario import Scenario
from laa.pooling.units import money_text, solver_dust
from laa.scenarios.analysis.variants import BASE, Row, VariantPlans, signed_score, variant_rows
from laa.scenarios.report.page import Section, paragraph, table

SECTION_ID = "variants"


def variants_section(scenario: Scenario, planned: list[VariantPlans], focus: str | None) -> Section:
    """The section for the base and its variants; `focus` is the arrangement of the money table."""
    rows = variant_rows(planned)
    arrangements = list(dict.fromkeys(r.arrangement for r in rows))
    focus = focus if focus in arrangements else arrangements[-1] if arrangements else None
    count = len(planned) - 1
    lead = paragraph(
        f"{count} variant{'s' if count != 1 else ''} of the scenario, each the base with the changes "
        "listed in the file, planned under the same arrangements. Each figure's change is from the "
        "base under the same arrangement."
    )
    scores = _scores_table(planned, rows, arrangements)
    body = lead + scores
    if focus is not None:
        body += paragraph(f"Under the {focus} arrangement:", "note") + _money_table(scenario, rows, focus)
    return Section(SECTION_ID, "Variants", "What each variant changes", body)


def _scores_table(planned: list[VariantPlans], rows: list[Row], arrangements: list[str]) -> str:
    by_key = {(r.variant, r.arrangement): r for r in rows}
    headers = ["variant", "name"]
    for a in arrangements:
        headers += [a, "change"]
    cells = []
    for vp in planned:
        line = [vp.variant or BASE, vp.name if vp.variant else "the scenario as written"]
        for a in arrangements:
            r = by_key[(vp.variant, a)]
            line += [_score(r), "-" if r.change is None else signed_score(r.change.score)]
        cells.append(line)
    return table(headers, cells, numeric=set(range(2, len(headers))))


def _money_table(scenario: Scenario, rows: list[Row], focus: str) -> str:
    dust, outcomes = solver_dust(scenario), len(scenario.outcomes)
    headers = ["variant", "targets met", "change", "reward", "change", "spent", "change",
               "overhead, set-up, lapsed", "change"]  # fmt: skip
    cells = []
    for r in (r for r in rows if r.arrangement == focus):
        f, d = r.figures, r.change
        cells.append(
            [
                r.variant or BASE,
                "-" if f.targets_met is None else f"{f.targets_met}/{outcomes}",
                "-" if d is None or d.targets_met is None else f"{d.targets_met:+d}",
                money_text(f.reward, dust),
                "-" if d is None else money_text(d.reward, dust, signed=True),
                money_text(None if f.money is None else f.money["spent"], dust),
                "-" if d is None or d.money is None else money_text(d.money["spent"], dust, signed=True),
                money_text(_lost(f.money), dust),
                "-" if d is None else money_text(_lost(d.money), dust, signed=True),
            ]
        )
    return table(headers, cells, numeric=set(range(1, len(headers))))


def _score(r: Row) -> str:
    return r.status if r.figures.score is None else f"{r.figures.score:.3f}"


def _lost(money: dict[str, float] | None) -> float | None:
    return None if money is None else money["overhead"] + money["setup"] + money["lapsed"]
