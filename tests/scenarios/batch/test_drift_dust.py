"""laa drift reports spend moves by the same rule as every output: a move under the area's solver dust
(a millionth of its money, at least £1) is tolerance, not a change of plan."""

from __future__ import annotations

from dataclasses import dataclass

from laa.scenarios.batch.drift import _scenario_drift
from laa.scenarios.batch.ledger import CaseRow, Run

# an area of £300m over the agreement: its dust is £300
AREA = {
    "years": [2026, 2027, 2028],
    "streams": [
        {"id": "a", "amounts": 60_000_000},
        {"id": "b", "amounts": {2026: 40e6, 2027: 40e6, 2028: 40e6}},
    ],
}


@dataclass
class Ledger:
    def input(self, sha: str) -> dict:
        return AREA


def _case(run: int, spend: dict[str, float]) -> CaseRow:
    return CaseRow(run, "area.yaml", "aligned", "same", "h", "optimal", 1.0, 3, "", 0.1, 0.1, None, None,
                   spend, "")


def _run(i: int) -> Run:
    return Run(i, "", "", "", {}, "", {}, "", 0)


def test_a_move_under_the_dust_is_not_drift_and_one_over_it_is():
    before = {"aligned": _case(1, {"o1": 1_000_000.0, "o2": 500_000.0})}
    small = {"aligned": _case(2, {"o1": 1_000_003.0, "o2": 500_000.0})}  # £3: the solver's tolerance
    large = {"aligned": _case(2, {"o1": 1_000_500.0, "o2": 500_000.0})}  # £500: a change of plan
    assert _scenario_drift(Ledger(), _run(1), _run(2), "area.yaml", before, small, 1e-6, None) is None
    found = _scenario_drift(Ledger(), _run(1), _run(2), "area.yaml", before, large, 1e-6, None)
    assert found is not None and [s.outcome for s in found.cases[0].spend] == ["o1"]
    # --money still sets the line explicitly: £1 shows the £3 move
    shown = _scenario_drift(Ledger(), _run(1), _run(2), "area.yaml", before, small, 1e-6, 1.0)
    assert shown is not None and [s.outcome for s in shown.cases[0].spend] == ["o1"]
