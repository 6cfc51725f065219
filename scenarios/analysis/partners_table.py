"""`laa partners` as a negotiation meeting reads it: pounds, yes or no, and room to move.

One table per question a partner brings, in the order it asks them: what
do I put in and what does it buy, am I better off than planning alone,
how much of the gain is owed to me, what would a fairer plan give me, and
how far can my money move by block while the area's score stays within
1% (`--epsilon`) of the best score.
"""

from __future__ import annotations

from laa.models.scenario import Arrangement
from laa.pooling.units import money_text, solver_dust
from laa.scenarios.analysis.effects import percent, plural
from laa.scenarios.analysis.partners import PartnersResult
from laa.scenarios.analysis.shapley import Method, Shares
from laa.scenarios.analysis.table import grid, short

BOUGHT_SHOWN = 3  # outcomes named in "what its money bought"
OUTCOME_CHARS = 80  # an outcome's name in "spent most on": the table stays within a wide terminal


def partners_text(result: PartnersResult) -> str:
    """The partners' view for the terminal: scores, each partner's account, own-view scores, how the
    gains divide, the fair plans and the ranges each partner's money could move in."""
    sc = result.scenario
    parts = [f"{sc.name}: the partners' view", _scores(result)]
    for a in result.arrangements:
        if a in result.accounts:
            parts.append(_accounts(result, a))
    parts += [_own_view(result), _gains(result)]
    for a in result.arrangements:
        parts.append(_fair(result, a))
    for a in result.arrangements:
        parts.append(_ranges(result, a))
    return "\n\n".join(parts) + "\n"


SHOWN = 0.0005  # scores are shown to three places: anything smaller reads as zero, never -0.000


def _score(value: float | None) -> str:
    return "-" if value is None else f"{_clean(value):.3f}"


def _signed(value: float | None) -> str:
    return "-" if value is None else f"{_clean(value):+.3f}"


def _clean(value: float) -> float:
    return 0.0 if abs(value) < SHOWN else value


def _scores(result: PartnersResult) -> str:
    plans = result.plans
    words = []
    for a, plan in plans.items():
        words.append(f"{a.value} {_score(plan.score) if plan.score is not None else plan.status.value}")
    return (
        "Scores: " + ", ".join(words) + ".\n"
        "A partner's own view is what its streams may fund, or the interests the file gives it; its gain is "
        "its own-view score over silo.\n"
        "The fair plan and the room to negotiate are among each arrangement's plans whose score is "
        f"{within(result.epsilon)}."
    )


def _accounts(result: PartnersResult, arrangement: Arrangement) -> str:
    sc = result.scenario
    dust = solver_dust(sc)
    rows = []
    for account in result.accounts[arrangement]:
        rows.append(
            [
                sc.label("funders", account.funder),
                money_text(account.amounts, dust),
                money_text(account.paid_into_pots, dust),
                money_text(account.overhead, dust),
                money_text(account.setup, dust),
                money_text(account.lapsed, dust),
                money_text(account.spent, dust),
                f"{account.score_bought:.3f}",
            ]
        )
    head = (
        f"What each partner puts in and what its money buys: the {arrangement.value} plan "
        "(a pot's money badged back to its partners by what each paid in)"
    )
    headers = ["partner", "money in", "into pots", "overhead", "set-up", "lapsed", "spent", "score bought"]
    bought = grid(["partner", "spent most on", "spent"], _bought(result, arrangement, dust), right={2})
    return head + "\n\n" + grid(headers, rows, right={1, 2, 3, 4, 5, 6, 7}) + "\n\n" + bought


def _bought(result: PartnersResult, arrangement: Arrangement, dust: float) -> list[list[str]]:
    """Rows of what each partner's money bought most, outcomes by name (the partner named once)."""
    sc = result.scenario
    rows = []
    for account in result.accounts[arrangement]:
        partner = sc.label("funders", account.funder)
        spend = sorted((s for s in account.spend if s.total >= dust), key=lambda s: (-s.total, s.outcome))
        cells = [[short(sc.label("outcomes", s.outcome), OUTCOME_CHARS), money_text(s.total, dust)]
                 for s in spend[:BOUGHT_SHOWN]]  # fmt: skip
        more = len(spend) - BOUGHT_SHOWN
        if more > 0:
            cells.append([f"and {plural(more, 'more outcome')}", ""])
        for i, (outcome, amount) in enumerate(cells or [["nothing", ""]]):
            rows.append([partner if i == 0 else "", outcome, amount])
    return rows


def _yes_no(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "NO")


def _own_view(result: PartnersResult) -> str:
    sc = result.scenario
    shown = list(result.plans)
    compared = [a for a in shown if a is not Arrangement.SILO]
    rows = []
    for f in result.funders:
        own = result.own_view[f]
        rows.append(
            [sc.label("funders", f), str(len(result.views[f]))]
            + [_score(own[a]) for a in shown]
            + [_yes_no(result.better_off(f, a)) for a in compared]
        )
    headers = ["partner", "outcomes"] + [a.value for a in shown] + [f"better off {a.value}" for a in compared]
    head = "Better off than planning alone? Each partner's own-view score under each arrangement"
    return head + "\n\n" + grid(headers, rows)


def _share_cells(shares: Shares, funder: str) -> list[str]:
    value = shares.shares.get(funder)
    if value is None:
        return ["-", "-"]
    text = _signed(value)
    if shares.standard_error is not None:
        text += f" ±{shares.standard_error[funder]:.3f}"
    part = percent(value / shares.total) if shares.total and abs(shares.total) >= SHOWN else "-"
    return [text, part]


def within(epsilon: float) -> str:
    """'within 1% of the best score': how far below the optimum the fair plan and the ranges may go."""
    return f"within {epsilon * 100:g}% of the best score"


def _gains(result: PartnersResult) -> str:
    sc = result.scenario
    aligning, pooling = result.aligning, result.pooling
    rows = [
        [sc.label("funders", f), *_share_cells(aligning, f), *_share_cells(pooling, f)]
        for f in result.funders
    ]
    headers = [
        "partner",
        f"of aligning ({_signed(aligning.total)})",
        "share",
        f"of pooling ({_signed(pooling.total)})",
        "share",
    ]
    notes = []
    for name, shares in (("aligning", aligning), ("pooling", pooling)):
        if shares.undefined_because:
            notes.append(f"The gain of {name} cannot be divided: {shares.undefined_because}.")
        elif shares.method is Method.SAMPLED:
            notes.append(
                f"The gain of {name} is divided by an estimate from {shares.orders} random orders of the "
                f"partners (seed {shares.seed}; ± one standard error); the estimate adds up to the gain."
            )
        else:
            notes.append(f"The gain of {name} is divided exactly over {shares.plans} coalition plans.")
    head = "Who is owed the gains: each partner's Shapley share"
    return head + "\n\n" + grid(headers, rows) + "\n\n" + "\n".join(notes)


def _fair(result: PartnersResult, arrangement: Arrangement) -> str:
    sc = result.scenario
    fair = result.fair[arrangement]
    head = f"A fairer {arrangement.value} plan"
    if fair.score is None:
        return f"{head}: not found ({fair.status.value}: {fair.message})"
    lost = max((fair.optimum or 0.0) - fair.score, 0.0)
    head += (
        f": score {_score(fair.score)} against the optimum's {_score(fair.optimum)} ({_score(lost)} less); "
        f"the smallest partner gain rises from {_signed(fair.optimum_min_gain)} to {_signed(fair.min_gain)}"
    )
    rows = [
        [sc.label("funders", f), _signed(fair.optimum_gains.get(f)), _signed(fair.gains.get(f))]
        for f in result.funders
    ]
    return head + "\n\n" + grid(["partner", "gain in optimum", "gain in fair plan"], rows)


def _ranges(result: PartnersResult, arrangement: Arrangement) -> str:
    sc = result.scenario
    dust = solver_dust(sc)
    rows = []
    for r in result.ranges[arrangement]:
        if r.least is None or r.most is None:
            if r.message:
                rows.append([sc.label("funders", r.funder), sc.label("blocks", r.block)] + ["-"] * 5)
            continue
        if r.most < dust and r.in_optimum < dust:
            continue  # none of its money can go there
        rows.append(
            [
                sc.label("funders", r.funder),
                sc.label("blocks", r.block),
                money_text(r.in_optimum, dust),
                money_text(r.least, dust),
                money_text(r.most, dust),
                money_text(max(r.in_optimum - r.least, 0.0), dust),
                money_text(max(r.most - r.in_optimum, 0.0), dust),
            ]
        )
    head = (
        f"Room to negotiate in the {arrangement.value} plan: each partner's money by block (direct and "
        f"through pots), least to most, while the area's score stays {within(result.epsilon)}"
    )
    if not result.ranges[arrangement]:
        fair = result.fair[arrangement]
        return f"{head}\n\n(not worked out: {fair.message})"
    headers = ["partner", "block", "in plan", "least", "most", "can concede", "can add"]
    return head + "\n\n" + grid(headers, rows, right={2, 3, 4, 5, 6})
