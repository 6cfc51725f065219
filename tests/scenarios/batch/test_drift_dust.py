"""laa drift reports spend moves by the same rule as every output: a move under the area's solver dust
(the solver's tolerance in the unit of money it plans the area in, at least £1) is not a change of plan."""

from __future__ import annotations

from dataclasses import dataclass

from laa.scenarios.batch.drift import _scenario_drift
from laa.scenarios.batch.ledger import CaseRow, Run

# an area whose curves are drawn in £1bn segments: planned in units of £1bn, its solver dust is £100
AREA = {
    "name": "area",
    "years": [2026, 2027, 2028],
    "funders": [{"id": "f"}],
    "outcomes": [
        {"id": o, "block": "CYP", "direction": "higher", "baseline": 0, "target": 1,
         "response": [{"spend": 1e9, "effect": 1}]}
        for o in ("o1", "o2")
    ],
    "streams": [
        {"id": "a", "funder": "f", "amounts": 60_000_000, "eligible": ["CYP"]},
        {"id": "b", "funder": "f", "amounts": {2026: 40e6, 2027: 40e6, 2028: 40e6}, "eligible": ["CYP"]},
    ],
}  # fmt: skip


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
    small = {"aligned": _case(2, {"o1": 1_000_003.0, "o2": 500_000.0})}  # £3: within the solver's tolerance
    large = {"aligned": _case(2, {"o1": 1_000_500.0, "o2": 500_000.0})}  # £500: a change of plan
    assert _scenario_drift(Ledger(), _run(1), _run(2), "area.yaml", before, small, 1e-6, None) is None
    found = _scenario_drift(Ledger(), _run(1), _run(2), "area.yaml", before, large, 1e-6, None)
    assert found is not None and [s.outcome for s in found.cases[0].spend] == ["o1"]
    # --money still sets the line explicitly: £1 shows the £3 move
    shown = _scenario_drift(Ledger(), _run(1), _run(2), "area.yaml", before, small, 1e-6, 1.0)
    assert shown is not None and [s.outcome for s in shown.cases[0].spend] == ["o1"]
