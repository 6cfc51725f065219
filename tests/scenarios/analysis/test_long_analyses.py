"""Long analyses say how far they have got (issue 23): sensitivity counts its draws, a robust plan
and the robust frontier their drawing, planning and judging; and sensitivity's default keeps work too
small to pay for worker processes in this one."""

from __future__ import annotations

import pytest
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement
from laa.scenarios.analysis import sensitivity as sensitivity_module
from laa.scenarios.analysis.robust import plan_robustly
from laa.scenarios.analysis.robust_frontier import robust_frontier
from laa.scenarios.analysis.sensitivity import WORKERS_WORTH_SECONDS, sensitivity, workers_worth

from tests.paths import CHECKS, EXAMPLE

ALL = [Arrangement.SILO, Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL]


class Heard:
    """Every (what, done, total) an analysis says, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int | None]] = []

    def __call__(self, what: str, done: int, total: int | None) -> None:
        self.calls.append((what, done, total))

    def stages(self) -> list[str]:
        return list(dict.fromkeys(what for what, _, _ in self.calls))

    def counts(self, what: str) -> list[int]:
        return [done for w, done, _ in self.calls if w == what]


def uncertain_check3():
    return load_scenario(CHECKS / "check3.yaml").model_copy(
        update={"effect_uncertainty": 0.25, "amount_uncertainty": 0.1}
    )


@pytest.mark.parametrize("jobs", [1, None, 2], ids=["one", "default", "two"])
def test_sensitivity_counts_every_draw_once(jobs) -> None:
    heard = Heard()
    sensitivity(uncertain_check3(), draws=12, seed=7, arrangements=ALL, jobs=jobs, advance=heard)
    assert heard.stages() == ["12 draws of 4 arrangements"]
    counts = heard.counts("12 draws of 4 arrangements")
    assert counts[0] == 0 and counts[-1] == 12 and counts == sorted(counts)
    assert {total for _, _, total in heard.calls} == {12}


def test_workers_are_started_only_for_work_worth_them() -> None:
    assert workers_worth(WORKERS_WORTH_SECONDS / 2, cores=2) == 1
    assert workers_worth(WORKERS_WORTH_SECONDS * 2, cores=2) == 2
    assert workers_worth(WORKERS_WORTH_SECONDS * 100, cores=1) == 1


def test_the_default_solves_a_small_sensitivity_in_this_process(monkeypatch) -> None:
    """20 draws of the example take well under a second: starting workers would cost more."""

    def no_workers(*args, **kwargs):
        raise AssertionError("worker processes were started for a small sensitivity")

    monkeypatch.setattr(sensitivity_module, "ProcessPoolExecutor", no_workers)
    monkeypatch.setattr(sensitivity_module, "CORES", 2)
    result = sensitivity(load_scenario(EXAMPLE), draws=20, seed=1, arrangements=ALL)
    assert [s.solved for s in result.summaries] == [1.0] * 4


def test_the_default_hands_what_is_left_after_timing_to_workers_in_order(monkeypatch) -> None:
    """With workers always worth it, the draws timed here and those the workers solve make the same
    report as one process solving them all."""
    scenario = uncertain_check3()
    alone = sensitivity(scenario, draws=12, seed=7, arrangements=ALL, jobs=1)
    monkeypatch.setattr(sensitivity_module, "WORKERS_WORTH_SECONDS", -1.0)
    monkeypatch.setattr(sensitivity_module, "PROBE_SECONDS", 0.0)  # one draw here, eleven in workers
    monkeypatch.setattr(sensitivity_module, "CORES", 2)
    shared = sensitivity(scenario, draws=12, seed=7, arrangements=ALL)
    for a, b in zip(alone.summaries, shared.summaries, strict=True):
        assert (a.mean, a.p5, a.p95, a.p_best) == pytest.approx((b.mean, b.p5, b.p95, b.p_best), abs=1e-9)


def test_a_robust_plan_says_what_it_draws_plans_and_judges() -> None:
    heard = Heard()
    scenario = load_scenario(EXAMPLE)
    plan_robustly(scenario, [Arrangement.ALIGNED], "cvar:0.25", 6, 1, fresh_draws=10, advance=heard)
    assert heard.stages() == [
        "drawing the evidence",
        "aligned: planning for the central estimate",
        "aligned: planning against 6 draws",
        "aligned: judging on 6 draws",
        "aligned: judging on 10 fresh draws",
    ]
    assert heard.counts("drawing the evidence") == list(range(17))  # 6 planned and 10 fresh, from 0
    assert heard.counts("aligned: judging on 10 fresh draws")[-1] == 10


def test_the_robust_frontier_says_what_it_draws_plans_and_judges() -> None:
    heard = Heard()
    scenario = load_scenario(EXAMPLE)
    robust_frontier(scenario, Arrangement.ALIGNED, 6, 1, alphas=(1.0, 0.5), fresh_draws=10, advance=heard)
    stages = heard.stages()
    assert stages[:3] == [
        "drawing the evidence",
        "aligned: planning for the central estimate",
        "aligned: planning 2 levels against 6 draws",
    ]
    assert {"aligned: judging on 6 draws", "aligned: judging on 10 fresh draws"} <= set(stages)
