"""The partners' view on scenarios worked by hand, and its invariants on the example area.

Two funders (partners/two_funders.yaml): one outcome, every pound scores
1/1000; A brings £100 at 10% overhead, B £100 at 20%; their pot has no
overhead and costs £15 to set up.

    aligned (no one pools):  A spends 90, B 80           -> 170 -> 0.170
    only A pools:            pot 100 - 15 = 85, B 80     -> 165 -> 0.165
    only B pools:            A 90, pot 100 - 15 = 85     -> 175 -> 0.175
    both pool (pooled):      pot 200 - 15 = 185          -> 185 -> 0.185
    A coalition chooses whether to set the pot up (MODEL.md since 2026-12-07), so
    vP(A) = max(0.170, 0.165) = 0.170, vP(B) = 0.175, vP(A, B) = 0.185:
    phi_A = 1/2 (0.170 - 0.170) + 1/2 (0.185 - 0.175) = 0.005
    phi_B = 1/2 (0.175 - 0.170) + 1/2 (0.185 - 0.170) = 0.010   (sum 0.015 = pooled - aligned)

Alone each funder sees the one outcome and spends everything on it, as
aligned does: silo = aligned = 0.170, and no one gains from aligning.

Three funders (partners/three_funders.yaml): o1 is worth 1 point for its
first £100, o2 0.5 and o3 0.25 for theirs. A may fund o1 and o2, B o1 and
o3, C only o1; each has £100.

    silo: each prefers o1 and pours £100 into it:            o1 = 1            -> 1.00
    aligned: C fills o1, A goes to o2, B to o3:              1 + 0.5 + 0.25    -> 1.75
    A and B plan as one, C alone: C fills o1; the pair's own best is B on o1,
      A on o2 (1.5 against 1.25 the other way):             o1 = 1, o2 = 0.5  -> 1.50
    A and C as one, B alone: B on o1; C on o1, A on o2:      1 + 0.5           -> 1.50
    B and C as one, A alone: A on o1; C on o1, B on o3:      1 + 0.25          -> 1.25
    phi_A = 1/6 (1.5 - 1) + 1/6 (1.5 - 1) + 1/3 (1.75 - 1.25) = 1/3
    phi_B = 1/6 (1.5 - 1) + 1/6 (1.25 - 1) + 1/3 (1.75 - 1.5) = 5/24
    phi_C = 1/6 (1.5 - 1) + 1/6 (1.25 - 1) + 1/3 (1.75 - 1.5) = 5/24   (sum 0.75 = aligned - silo)

No pots: nobody gains from pooling. Silo holds each funder's own view at
its optimum less the solver's tolerance (1e-7), so figures agree to 1e-6.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from laa.cli.main import laa
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement
from laa.scenarios.analysis.effects import percent
from laa.scenarios.analysis.partners import PartnersResult, partners
from laa.scenarios.analysis.partners_table import _share_cells
from laa.scenarios.analysis.shapley import Method, Shares

from tests.paths import EXAMPLE

HERE = Path(__file__).parent / "partners"
EXAMPLES = EXAMPLE.parent
TOL = 1e-6


JOINT = (Arrangement.ALIGNED, Arrangement.POOLED)


@cache
def result_of(path: Path, arrangements: tuple[Arrangement, ...] = JOINT) -> PartnersResult:
    return partners(load_scenario(path), arrangements)


def test_two_funders_share_the_gain_of_pooling_as_worked_by_hand() -> None:
    result = result_of(HERE / "two_funders.yaml")
    assert result.plans[Arrangement.ALIGNED].score == pytest.approx(0.170, abs=TOL)
    assert result.plans[Arrangement.POOLED].score == pytest.approx(0.185, abs=TOL)
    assert result.pooling.method is Method.EXACT
    assert result.pooling.total == pytest.approx(0.015, abs=TOL)
    assert result.pooling.shares["a"] == pytest.approx(0.005, abs=TOL)
    assert result.pooling.shares["b"] == pytest.approx(0.010, abs=TOL)
    assert result.aligning.total == pytest.approx(0.0, abs=TOL)
    assert result.aligning.shares == pytest.approx({"a": 0.0, "b": 0.0}, abs=TOL)


def test_two_funders_accounts_badge_the_pot_back_by_what_each_paid_in() -> None:
    """Each paid £100 of the pot's £200: each bears half its £15 set-up and gets half its £185 spend."""
    result = result_of(HERE / "two_funders.yaml")
    books = {a.funder: a for a in result.accounts[Arrangement.POOLED]}
    for f in ("a", "b"):
        assert books[f].paid_into_pots == 100.0
        assert books[f].setup == 7.5
        assert books[f].spent == 92.5
        assert books[f].overhead == 0.0
        assert books[f].score_bought == pytest.approx(0.0925, abs=TOL)
    aligned = {a.funder: a for a in result.accounts[Arrangement.ALIGNED]}
    assert (aligned["a"].overhead, aligned["a"].spent) == (10.0, 90.0)
    assert (aligned["b"].overhead, aligned["b"].spent) == (20.0, 80.0)


def test_three_funders_share_the_gain_of_aligning_as_worked_by_hand() -> None:
    result = result_of(HERE / "three_funders.yaml")
    assert result.plans[Arrangement.SILO].score == pytest.approx(1.0, abs=TOL)
    assert result.plans[Arrangement.ALIGNED].score == pytest.approx(1.75, abs=TOL)
    assert result.aligning.shares["a"] == pytest.approx(1 / 3, abs=TOL)
    assert result.aligning.shares["b"] == pytest.approx(5 / 24, abs=TOL)
    assert result.aligning.shares["c"] == pytest.approx(5 / 24, abs=TOL)
    assert result.pooling.total == 0.0
    assert result.pooling.shares == {"a": 0.0, "b": 0.0, "c": 0.0}


def test_three_funders_own_views_and_who_is_better_off() -> None:
    """Silo fills o1 only, which every view holds (1 each); aligned adds o2 to A's view and o3 to B's."""
    result = result_of(HERE / "three_funders.yaml")
    assert result.views == {"a": ["o1", "o2"], "b": ["o1", "o3"], "c": ["o1"]}
    expected = {"a": 1.5, "b": 1.25, "c": 1.0}
    for f, score in expected.items():
        assert result.own_view[f][Arrangement.SILO] == pytest.approx(1.0, abs=TOL)
        assert result.own_view[f][Arrangement.ALIGNED] == pytest.approx(score, abs=TOL)
        assert result.better_off(f, Arrangement.ALIGNED) is True
    # C can never do better than silo: its view is o1, full in both; the fairest plan cannot raise it
    fair = result.fair[Arrangement.ALIGNED]
    assert fair.min_gain == pytest.approx(0.0, abs=TOL)
    assert fair.score == pytest.approx(1.75, abs=TOL)


# --- invariants on the example area (10 funders, two pots) ---


@cache
def example() -> PartnersResult:
    return result_of(EXAMPLE, (Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL))


def test_accounts_add_up_to_the_area_to_the_penny() -> None:
    result = example()
    for arrangement, books in result.accounts.items():
        plan = result.plans[arrangement]
        assert plan.evaluation is not None and plan.spending is not None
        money = plan.evaluation.money
        for figure in ("amounts", "overhead", "setup", "lapsed", "spent"):
            area = {"amounts": money.available}.get(figure, getattr(money, figure, None))
            summed = round(sum(getattr(a, figure) for a in books), 2)
            assert summed == round(area, 2), (arrangement, figure)
        paid = sum(
            share * sum(plan.scenario.stream(s).amount_in(t) for t in plan.scenario.years)
            for s, share in plan.spending.shares.items()
        )
        assert round(sum(a.paid_into_pots for a in books), 2) == round(paid, 2)
        for o in plan.evaluation.outcomes:
            summed = round(sum(s.total for a in books for s in a.spend if s.outcome == o.id), 2)
            assert summed == pytest.approx(round(o.spend, 2), abs=0.011), (arrangement, o.id)
        assert sum(a.score_bought for a in books) == pytest.approx(plan.score, abs=1e-9)
        for a in books:  # and each funder's own: its money in is spent, lost to overhead or set-up, or lapses
            assert a.amounts == pytest.approx(a.overhead + a.setup + a.lapsed + a.spent, abs=0.05)


def test_shares_add_up_to_the_gains_they_divide() -> None:
    result = example()
    silo, aligned, pooled = (result.plans[a].score or 0.0 for a in (Arrangement.SILO, *JOINT))
    assert result.aligning.method is Method.EXACT and result.pooling.method is Method.EXACT
    assert sum(result.aligning.shares.values()) == pytest.approx(aligned - silo, abs=1e-9)
    assert sum(result.pooling.shares.values()) == pytest.approx(pooled - aligned, abs=1e-9)
    # funders with nothing to pool (police, jobcentre plus, LSC, the voluntary sector) add nothing to it
    for f in ("police", "dwp", "lsc", "vcs"):
        assert result.pooling.shares[f] == 0.0


def test_fair_plans_are_within_epsilon_and_no_less_fair_than_the_optimum() -> None:
    result = example()
    for arrangement, fair in result.fair.items():
        assert fair.plan is not None and fair.plan.has_numbers, fair.message
        assert fair.score is not None and fair.optimum is not None
        assert fair.score >= (1 - result.epsilon) * fair.optimum - TOL
        assert fair.score <= fair.optimum + TOL
        assert fair.min_gain is not None and fair.optimum_min_gain is not None
        assert fair.min_gain >= fair.optimum_min_gain - TOL
        assert fair.min_gain == pytest.approx(min(fair.gains.values()), abs=TOL)
        assert fair.plan.evaluation is not None and fair.plan.evaluation.feasible, arrangement


def test_each_range_holds_the_optimums_own_figure() -> None:
    result = example()
    for arrangement, rows in result.ranges.items():
        assert rows, arrangement
        for r in rows:
            assert not r.message, r
            assert r.least is not None and r.most is not None
            assert r.least - 0.05 <= r.in_optimum <= r.most + 0.05, (arrangement, r)


def test_the_example_as_json_from_the_command_line() -> None:
    """The acceptance: `laa partners examples/northbridge.yaml --format json` divides both gains whole."""
    run = CliRunner().invoke(laa, ["partners", str(EXAMPLE), "--format", "json"])
    assert run.exit_code == 0, run.output
    doc = json.loads(run.output)
    scores = {a: p["score"] for a, p in doc["plans"].items()}
    aligning, pooling = doc["gain_of_aligning"], doc["gain_of_pooling"]
    assert sum(aligning["shares"].values()) == pytest.approx(scores["aligned"] - scores["silo"], abs=1e-9)
    assert sum(pooling["shares"].values()) == pytest.approx(scores["pooled"] - scores["aligned"], abs=1e-9)
    assert pooling["pots_set_up"] == ["laa-pot", "s75-pot"]  # both worth setting up: vP(all) is pooled
    assert aligning["total"] == pytest.approx(scores["aligned"] - scores["silo"], abs=1e-12)
    funders = {f.id for f in load_scenario(EXAMPLE).funders}
    for key in ("gain_of_aligning", "gain_of_pooling"):
        assert set(doc[key]["shares"]) == funders
    assert set(doc["own_view"]) == funders
    assert set(doc["accounts"]) == {"silo", "aligned", "pooled"}
    assert set(doc["fair"]) == set(doc["ranges"]) == {"aligned", "pooled"}
    assert doc["format_version"] == 1 and doc["epsilon"] == 0.01


# --- where users look: the command's table and workbook, the public API ---


def test_the_table_speaks_to_a_meeting(tmp_path: Path) -> None:
    run = CliRunner().invoke(laa, ["partners", str(HERE / "three_funders.yaml")])
    assert run.exit_code == 0, run.output
    text = run.output
    headings = ("puts in", "Better off than planning alone", "Shapley share", "fairer aligned", "Room to")
    for heading in headings:
        assert heading in text, heading
    assert "Funder A" in text and "£100" in text
    assert "+0.333" in text  # A's share of the gain of aligning


def test_what_a_partner_bought_is_named_and_the_table_stays_narrow() -> None:
    """Issue 23: "spent most on" gave ids (`home_discharge £21,648,000`) in a table ~230 characters wide."""
    run = CliRunner().invoke(laa, ["partners", str(EXAMPLES / "better-care-fund.yaml")])
    assert run.exit_code == 0, run.output
    text = run.output
    assert "home_discharge" not in text and "care_home_admissions" not in text
    assert "NHS Integrated Care Board                Discharged to their usual place of residence" in text
    assert "and 2 more outcomes" in text
    accounts = text[text.index("What each partner puts in") : text.index("Better off than planning alone")]
    assert max(len(line) for line in accounts.splitlines()) <= 140
    assert "epsilon" not in text  # a negotiator reads "within 1% of the best score"
    assert "stays within 1% of the best score" in text


def test_a_share_that_rounds_to_nothing_reads_0_percent_never_minus_0() -> None:
    """Issue 23: `+0.000 -0%` for a partner whose share of the gain was a solver's -1e-5."""
    shares = Shares(0.7, Method.EXACT, {"a": -1e-5, "b": 0.7 + 1e-5})
    assert _share_cells(shares, "a") == ["+0.000", "0%"]
    assert _share_cells(shares, "b") == ["+0.700", "100%"]
    assert [percent(x) for x in (-0.004, 0.26, -0.5)] == ["0%", "26%", "-50%"]


def test_the_workbook_carries_the_partners_sheets(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "partners.xlsx"
    args = ["partners", str(HERE / "two_funders.yaml"), "--format", "xlsx", "--out", str(out)]
    run = CliRunner().invoke(laa, args)
    assert run.exit_code == 0, run.output
    book = load_workbook(out)
    assert {"Summary", "Partners", "Partner spend", "Partner ranges"} <= set(book.sheetnames)
    rows = list(book["Partners"].iter_rows(values_only=True))
    header = rows[0]
    pooled_b = next(r for r in rows[1:] if r[0] == "pooled" and r[2] == "b")
    assert pooled_b[header.index("set-up")] == 7.5
    assert pooled_b[header.index("share of gain of pooling")] == pytest.approx(0.010, abs=TOL)


def test_a_pot_not_worth_setting_up_is_named_by_what_is_set_up() -> None:
    run = CliRunner().invoke(laa, ["partners", str(HERE / "pot_setup.yaml"), "--format", "json"])
    assert run.exit_code == 0, run.output
    doc = json.loads(run.stdout)  # stderr warns that its amounts are all under £1,000
    assert doc["gain_of_pooling"]["undefined_because"] is None
    assert doc["gain_of_pooling"]["pots_set_up"] == []
    assert doc["gain_of_aligning"]["undefined_because"] is None


def test_bad_options_are_refused_before_any_solving(tmp_path: Path) -> None:
    runner = CliRunner()
    for args in (["--epsilon", "1"], ["--orders", "1"], ["-a", "silo"], ["--format", "xlsx"]):
        run = runner.invoke(laa, ["partners", str(HERE / "two_funders.yaml"), *args])
        assert run.exit_code == 2, (args, run.output)
    run = runner.invoke(laa, ["partners", str(tmp_path / "missing.yaml")])
    assert run.exit_code == 2 and "Traceback" not in run.output


def test_the_public_api() -> None:
    import laa as api

    result = api.partners(api.load(HERE / "three_funders.yaml"), ["aligned"])
    shares = result.shares_frame().set_index("funder")["share_of_aligning"]
    assert shares.to_dict() == pytest.approx({"a": 1 / 3, "b": 5 / 24, "c": 5 / 24}, abs=TOL)
    assert set(result.accounts_frame()["arrangement"]) == {"silo", "aligned", "pooled"}
    assert set(result.ranges_frame()["arrangement"]) == {"aligned"}
    assert result.document()["gain_of_aligning"]["method"] == "exact"
    with pytest.raises(api.InputError):
        api.partners(api.load(HERE / "three_funders.yaml"), ["silo"])
