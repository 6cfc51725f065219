"""Solvers asked, not assumed: capabilities, fallbacks said plainly, one time limit per plan."""

import pytest
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement
from laa.pooling.plans.diagnosis import diagnose
from laa.pooling.plans.resolve import RebuiltModel, ReusableModel
from laa.pooling.plans.silo import SiloModel
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.solving import solvers
from laa.pooling.solving.solvers import Feature, SolveOptions, SolverName, capabilities
from laa.scenarios.analysis.arrangements import aligned, silo

from tests.paths import CHECKS, EXAMPLE

CBC = SolveOptions(solver=SolverName.CBC)


def test_capabilities_are_asked_by_feature():
    highs, cbc = capabilities(SolverName.HIGHS), capabilities(SolverName.CBC)
    assert all(highs.supports(f) for f in Feature)
    assert cbc.supports(Feature.DUALS) and cbc.supports(Feature.INTEGER)
    assert not cbc.supports(Feature.INFEASIBLE_SUBSET)
    assert not cbc.supports(Feature.RESOLVE_IN_PLACE)
    assert CBC.supports(Feature.DUALS) and not CBC.supports(Feature.INFEASIBLE_SUBSET)


def test_cbc_diagnosis_says_highs_found_the_subset():
    scenario = load_scenario(CHECKS / "check4.yaml")
    by_highs = diagnose(scenario, Arrangement.POOLED)
    by_cbc = diagnose(scenario, Arrangement.POOLED, CBC)
    assert by_highs.note == "" and by_highs.complete
    assert "CBC gives no infeasible subset, so HiGHS found the colliding one" in by_cbc.note
    assert [f.text for f in by_cbc.subset] == [f.text for f in by_highs.subset]
    # the smallest relaxation is CBC's own, and the same
    assert [f.amount for f in by_cbc.relaxation] == pytest.approx([f.amount for f in by_highs.relaxation])


def test_a_diagnosis_cut_short_by_the_time_limit_says_so(monkeypatch):
    monkeypatch.setattr(solvers, "MIN_TIME_LIMIT", 0.0)  # no time left means none at all
    scenario = load_scenario(CHECKS / "check4.yaml")
    d = diagnose(scenario, Arrangement.POOLED, SolveOptions(time_limit=0.0))
    assert not d.complete
    assert "could not be completed: the time limit was reached" in d.note
    assert d.relaxation == []
    assert d.checks  # the checks need no solver


def test_remaining_shares_one_time_limit():
    import time

    started = time.perf_counter() - 2.0
    assert SolveOptions(time_limit=5.0).remaining(started).time_limit == pytest.approx(3.0, abs=0.1)
    assert SolveOptions(time_limit=1.0).remaining(started).time_limit == solvers.MIN_TIME_LIMIT
    assert SolveOptions().remaining(started).time_limit is None


def test_without_resolving_in_place_models_are_rebuilt_and_agree():
    scenario = load_scenario(EXAMPLE)
    spec = ModelSpec(scenario, PoolingChoice.aligned())
    kept = ReusableModel.for_spec(spec, Arrangement.ALIGNED)
    rebuilt = ReusableModel.for_spec(spec, Arrangement.ALIGNED, CBC)
    assert isinstance(kept, ReusableModel) and kept.note == ""
    assert isinstance(rebuilt, RebuiltModel)
    assert "CBC cannot re-solve a kept model in place" in rebuilt.note
    assert rebuilt.summary(scenario).score == pytest.approx(aligned(scenario).score, abs=1e-6)
    with pytest.raises(Exception, match="cannot re-solve"):
        ReusableModel(kept.builder, Arrangement.ALIGNED, CBC)


def test_silo_model_without_resolving_in_place_plans_afresh():
    scenario = load_scenario(CHECKS / "check3.yaml")
    model = SiloModel(scenario, CBC)
    assert "CBC" in model.note
    assert model.summary(scenario).score == pytest.approx(silo(scenario, CBC).score, abs=1e-9)


@pytest.mark.parametrize("presolve", ["off", "on"])
def test_with_or_without_presolve_the_checks_known_scores_hold(monkeypatch, presolve):
    """The engine solves its programs without presolve (`set_lp_options`); forced either way, every
    shared check scenario still reaches the independent implementation's scores."""
    import json

    from laa.scenarios.analysis.arrangements import plan_arrangement

    monkeypatch.setattr(solvers, "set_lp_options", lambda h, program: h.setOptionValue("presolve", presolve))
    expected = json.loads((CHECKS / "expected.json").read_text())
    for name, by_arrangement in sorted(expected.items()):
        scenario = load_scenario(CHECKS / name)
        for arrangement in (Arrangement.SILO, Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL):
            want = by_arrangement[arrangement.value]
            plan = plan_arrangement(scenario, arrangement)
            assert plan.status.value == want["status"], (name, arrangement, plan.message)
            if want.get("score") is not None:
                assert plan.score == pytest.approx(want["score"], abs=1e-6), (name, arrangement)


@pytest.mark.parametrize("options", [SolveOptions(), CBC], ids=["highs", "cbc"])
def test_an_area_with_no_money_plans_nothing_and_a_minimum_above_zero_cannot_hold(tmp_path, options):
    """No stream has money, so the program has no columns (HiGHS calls it empty rather than solve)."""
    from laa.scenarios.analysis.arrangements import plan_arrangement

    from tests.paths import ROOT

    text = (ROOT / "tests/scenarios/analysis/data/two_streams.yaml").read_text()
    text = text.replace("amounts: 1000000", "amounts: 0").replace("amounts: 400000", "amounts: 0")
    (tmp_path / "none.yaml").write_text(text)
    minimum_text = text.replace("    block: SSC\n", "    block: SSC\n    min_spend: 1\n")
    (tmp_path / "minimum.yaml").write_text(minimum_text)
    arrangements = (Arrangement.SILO, Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL)
    nothing = load_scenario(tmp_path / "none.yaml")
    for arrangement in arrangements:
        plan = plan_arrangement(nothing, arrangement, options)
        assert (plan.status.value, plan.score) == ("optimal", 0.0), (arrangement, plan.message)
    minimum = load_scenario(tmp_path / "minimum.yaml")
    assert plan_arrangement(minimum, Arrangement.ALIGNED, options).status.value == "infeasible"


def test_lp_options_depend_on_nothing_fitted_to_some_areas():
    """No threshold on rows or fixed columns (issue 22): a small program, a large one and one with
    half its columns held where they are get the same options, HiGHS's dual simplex without presolve."""
    from laa.models.load import parse_scenario
    from laa.pooling.program.build import build

    from benchmarks.generate import generate

    small = build(ModelSpec(load_scenario(EXAMPLE), PoolingChoice.aligned())).program
    many = parse_scenario(generate("L", 0, "many-streams"))
    large = build(ModelSpec(many, PoolingChoice.aligned())).program
    assert large.num_rows > 20 * small.num_rows
    held = build(ModelSpec(load_scenario(EXAMPLE), PoolingChoice.aligned())).program
    for c in range(0, held.num_cols, 2):  # half the columns held where they are, as silo's hold does
        held.col_upper[c] = held.col_lower[c]
    chosen = set()
    for program in (small, large, held):
        h = solvers.new_highs(SolveOptions())
        solvers.set_lp_options(h, program)
        chosen.add((h.getOptionValue("presolve")[1], h.getOptionValue("simplex_strategy")[1]))
    assert chosen == {("off", solvers.DUAL_SIMPLEX)}


def test_highs_is_given_no_fixed_column_and_the_answer_read_back_is_the_whole_programs():
    """A fixed column is a number, not a choice (a curve's piece of no width, a held face): HiGHS is
    given the program without such columns and without the rows they leave empty, and the answer is
    read back as the whole program's: the same score, each fixed column at its bound, every reduced
    cost the column's cost less its coefficients priced at the rows' duals (issue 22)."""
    import numpy as np
    from laa.pooling.program.build import build

    program = build(ModelSpec(load_scenario(EXAMPLE), PoolingChoice.aligned())).program
    whole = solvers.new_highs(SolveOptions())
    whole.passModel(solvers.highs_lp(program))
    whole.run()
    best = whole.getSolution().col_value
    for c in range(0, program.num_cols, 3):  # a third held where the optimum has them, some above 0
        program.col_lower[c] = program.col_upper[c] = best[c]
    lower, upper, cost, _ = program.column_arrays()
    fixed = lower == upper
    assert np.any(lower[fixed] > 0)
    solution = solvers.solve(program)
    assert solution.ok and solution.highs is not None
    assert solution.highs.getNumCol() == program.num_cols - np.count_nonzero(fixed)
    assert solution.objective == pytest.approx(-whole.getInfo().objective_function_value, abs=1e-9)
    assert solution.values is not None and solution.shadow is not None and solution.reduced is not None
    assert np.array_equal(solution.values[fixed], lower[fixed])
    starts, index, value = program.csr()
    rows = np.repeat(np.arange(program.num_rows), np.diff(starts))
    priced = np.bincount(index, weights=value * solution.shadow[rows], minlength=program.num_cols)
    assert solution.reduced == pytest.approx(cost - priced, abs=1e-9)
