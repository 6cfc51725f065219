"""`laa drift`: what changed between two runs, scenario by scenario, and the input changes behind it.

Results are compared case by case (same file path, same arrangement): a
status change, a score change beyond a threshold, and every outcome whose
planned spend moved by more than a sum of money. They are read from the
ledger, not from the results documents, so a run's numbers survive its
output folder being cleared or reused.

The explanation is the scenario itself: the ledger keeps each file's parsed
content by hash, so the two versions are compared section by section,
item by id (streams, rules, outcomes, pots, funders, blocks): added,
removed, and which fields of an item changed. When the input did not
change, a change in the engine or solver versions, or in the options, is
named instead.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from laa.models.errors import InputError
from laa.models.scenario import Scenario
from laa.pooling.units import solver_dust
from laa.scenarios.batch.ledger import CaseRow, Ledger, Run
from laa.scenarios.batch.run import display_name
from laa.scenarios.batch.variant_cases import split_case
from laa.scenarios.formats import Document, format_version
from pydantic import ValidationError

ITEM_SECTIONS = ("funders", "blocks", "outcomes", "streams", "rules", "pots", "variants")


@dataclass(frozen=True)
class InputChange:
    """One scenario item added, removed or changed between the two runs, with the fields that changed."""

    section: str
    id: str | None  # None for a top-level field such as `years`
    change: str  # added | removed | changed
    fields: list[str] = field(default_factory=list)  # "admin_rate 0.02 -> 0.03", or "amounts"
    name: str | None = None  # the item's name in the file, where it has one

    def text(self) -> str:
        """The change in words, e.g. `streams Neighbourhood Renewal Fund (nrf) changed: admin_rate 0.02 ->
        0.03`: the item by its name, and its id to find it in the file."""
        what = self.section if self.id is None else f"{self.section} {named(self.id, self.name)}"
        return f"{what} {self.change}" + (f": {'; '.join(self.fields)}" if self.fields else "")


@dataclass(frozen=True)
class SpendChange:
    """Planned spend on one outcome in pounds in run a and run b; None where that run has none on it."""

    outcome: str
    before: float | None
    after: float | None
    name: str | None = None  # the outcome's name in the file, where it has one


@dataclass(frozen=True)
class CaseDrift:
    """How one case's status, score and outcome spend moved between run a and run b."""

    arrangement: str
    status_a: str | None
    status_b: str | None
    score_a: float | None
    score_b: float | None
    spend: list[SpendChange]
    variant: str | None = None  # the variant the case plans (laa batch --variants); None: the file as written


@dataclass(frozen=True)
class ScenarioDrift:
    """One scenario file that changed between the runs (or is in only one of them), with the input
    changes behind it."""

    path: str
    presence: str  # both | only_a | only_b
    inputs: list[InputChange]
    explanation: str
    cases: list[CaseDrift]


@dataclass(frozen=True)
class Drift:
    """What `laa drift` found between two runs: the scenarios that changed beyond the thresholds and
    how many did not."""

    run_a: Run
    run_b: Run
    threshold: float
    money: float | None  # None: each scenario's solver dust
    changed: list[ScenarioDrift]
    unchanged: int

    def to_dict(self) -> dict[str, Any]:
        """The drift as its versioned JSON document."""
        return {
            "format_version": format_version(Document.DRIFT),
            "run_a": self.run_a.id,
            "run_b": self.run_b.id,
            "threshold": self.threshold,
            "money": self.money,
            "unchanged": self.unchanged,
            "scenarios": [asdict(s) for s in self.changed],
        }


def choose_runs(ledger: Ledger, run_a: int | None, run_b: int | None) -> tuple[Run, Run]:
    """The two runs named, or the last two finished ones (interrupted runs only if there are not two).

    One run named is compared with the latest other run. Always older
    first, so "before -> after" reads forward in time whichever order the
    runs were named in.
    """
    runs = ledger.runs()
    by_id = {r.id: r for r in runs}
    for given in (run_a, run_b):
        if given is not None and given not in by_id:
            raise InputError(f"no run {given} in {ledger.path} (see `laa history`)")
    if run_a is not None and run_b is not None:
        first, second = sorted((run_a, run_b))
        return by_id[first], by_id[second]
    finished = [r for r in runs if r.ended_at is not None]
    pool = finished if len(finished) >= 2 else runs
    if run_a is not None:
        others = [r for r in pool if r.id != run_a]
        if not others:
            raise InputError(f"run {run_a} is the only run: nothing to compare it with")
        older, newer = sorted((by_id[run_a], others[-1]), key=lambda r: r.id)
        return older, newer
    if len(pool) < 2:
        raise InputError(f"{ledger.path} holds {len(runs)} run(s): drift needs two")
    return pool[-2], pool[-1]


def drift(
    ledger: Ledger, run_a: int | None, run_b: int | None, threshold: float, money: float | None = None
) -> Drift:
    """What changed between two runs; `money` is the smallest spend move reported (GBP), or None for
    each scenario's own solver dust (`laa.pooling.units.solver_dust`, the solver's tolerance in the unit
    of money it plans the area in): a move smaller than it is not a change in the plan."""
    a, b = choose_runs(ledger, run_a, run_b)
    cases_a, cases_b = _by_path(ledger.cases(a.id)), _by_path(ledger.cases(b.id))
    changed, unchanged = [], 0
    for path in sorted(set(cases_a) | set(cases_b)):
        found = _scenario_drift(ledger, a, b, path, cases_a.get(path), cases_b.get(path), threshold, money)
        if found is None:
            unchanged += 1
        else:
            changed.append(found)
    return Drift(a, b, threshold, money, changed, unchanged)


def _by_path(cases: list[CaseRow]) -> dict[str, dict[str, CaseRow]]:
    grouped: dict[str, dict[str, CaseRow]] = {}
    for c in cases:
        grouped.setdefault(c.path, {})[c.arrangement] = c
    return grouped


def _scenario_drift(
    ledger: Ledger,
    a: Run,
    b: Run,
    path: str,
    before: dict[str, CaseRow] | None,
    after: dict[str, CaseRow] | None,
    threshold: float,
    money: float | None,
) -> ScenarioDrift | None:
    if money is None:
        money = _dust(ledger, after or before)
    if before is None or after is None:
        presence = "only_b" if before is None else "only_a"
        return ScenarioDrift(path, presence, [], f"in run {b.id if before is None else a.id} only", [])
    sha_a, sha_b = _sha(before), _sha(after)
    doc_a, doc_b = ledger.input(sha_a), ledger.input(sha_b)
    outcomes = {**item_names(doc_a, "outcomes"), **item_names(doc_b, "outcomes")}
    cases = []
    for arrangement in [*before, *(x for x in after if x not in before)]:
        found = _case_drift(
            arrangement, before.get(arrangement), after.get(arrangement), threshold, money, outcomes
        )
        if found is not None:
            cases.append(found)
    inputs: list[InputChange] = []
    if sha_a != sha_b:
        if doc_a is None or doc_b is None:
            side = a.id if doc_a is None else b.id
            explanation = (
                f"the file changed; in run {side} it could not be read, so no field-by-field comparison"
            )
        else:
            inputs = input_changes(doc_a, doc_b)
            explanation = "the scenario file changed" if inputs else "the file changed, but not its content"
    else:
        explanation = _other_reason(a, b) if cases else ""
    if not cases and not inputs:
        return None
    return ScenarioDrift(path, "both", inputs, explanation, cases)


def _dust(ledger: Ledger, cases: dict[str, CaseRow] | None) -> float:
    """The scenario's solver dust, from its content as the ledger keeps it (£1 if it cannot be read)."""
    doc = ledger.input(_sha(cases)) if cases else None
    try:
        return max(solver_dust(Scenario.model_validate(doc)), 1.0)
    except ValidationError:
        return 1.0


def _sha(cases: dict[str, CaseRow]) -> str:
    return next(iter(cases.values())).file_sha256


def _other_reason(a: Run, b: Run) -> str:
    engines = [k for k in sorted(set(a.engine) | set(b.engine)) if a.engine.get(k) != b.engine.get(k)]
    if engines:
        return "same input; versions differ: " + ", ".join(
            f"{k} {a.engine.get(k)} -> {b.engine.get(k)}" for k in engines
        )
    options = [k for k in ("timeout", "solver", "arrangements") if a.options.get(k) != b.options.get(k)]
    if options:
        return "same input; options differ: " + ", ".join(
            f"{k} {a.options.get(k)} -> {b.options.get(k)}" for k in options
        )
    return "same input, engine and options: the solver found a different plan of (near) equal score"


def _case_drift(
    arrangement: str,
    before: CaseRow | None,
    after: CaseRow | None,
    threshold: float,
    money: float,
    names: dict[str, str] | None = None,
) -> CaseDrift | None:
    status_a = before.status if before else None
    status_b = after.status if after else None
    score_a = before.score if before else None
    score_b = after.score if after else None
    spend_a = (before.outcome_spend if before else None) or {}
    spend_b = (after.outcome_spend if after else None) or {}
    names = names or {}
    spend = [
        SpendChange(o, spend_a.get(o), spend_b.get(o), names.get(o))
        for o in [*spend_a, *(x for x in spend_b if x not in spend_a)]
        if abs((spend_a.get(o) or 0.0) - (spend_b.get(o) or 0.0)) > money
    ]
    score_moved = (score_a is None) != (score_b is None) or (
        score_a is not None and score_b is not None and abs(score_b - score_a) > threshold
    )
    if status_a == status_b and not score_moved and not spend:
        return None
    variant, plain = split_case(arrangement)
    return CaseDrift(plain, status_a, status_b, score_a, score_b, spend, variant)


def item_names(doc: dict[str, Any] | None, section: str) -> dict[str, str]:
    """Each item's name by its id in one section of a parsed scenario (those with a name)."""
    items = (doc or {}).get(section) or []
    return {str(i.get("id")): str(i["name"]) for i in items if isinstance(i, dict) and i.get("name")}


def named(ident: str, name: str | None) -> str:
    """'Neighbourhood Renewal Fund (nrf)': an item by its name, with its id to find it in the file; the
    id alone when it has no name of its own."""
    return ident if not name or name == ident else f"{name} ({ident})"


def input_changes(before: dict[str, Any], after: dict[str, Any]) -> list[InputChange]:
    """What differs between two parsed scenarios: items by id in each section, then top-level fields."""
    changes: list[InputChange] = []
    for section in ITEM_SECTIONS:
        old = {str(item.get("id")): item for item in before.get(section) or []}
        new = {str(item.get("id")): item for item in after.get(section) or []}
        names = {**item_names(before, section), **item_names(after, section)}
        changes += [InputChange(section, i, "removed", name=names.get(i)) for i in old if i not in new]
        changes += [InputChange(section, i, "added", name=names.get(i)) for i in new if i not in old]
        for i in old:
            if i in new and old[i] != new[i]:
                changes.append(InputChange(section, i, "changed", _fields(old[i], new[i]), names.get(i)))
    for key in sorted(set(before) | set(after)):
        if key not in ITEM_SECTIONS and before.get(key) != after.get(key):
            changes.append(
                InputChange(key, None, "changed", _fields({key: before.get(key)}, {key: after.get(key)}))
            )
    return changes


def _fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out = []
    for key in sorted(set(old) | set(new)):
        x, y = old.get(key), new.get(key)
        if x == y:
            continue
        if isinstance(x, dict | list) or isinstance(y, dict | list):
            out.append(f"{key} {_short(x)} -> {_short(y)}")
        else:
            out.append(f"{key} {x!r} -> {y!r}")
    return out


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def drift_text(report: Drift, cwd: Path) -> str:
    """The drift for the terminal: each changed scenario, named relative to `cwd`, with its cases and
    the input changes that explain them."""
    a, b = report.run_a, report.run_b
    lines = [
        f"drift from run {a.id} ({a.started_at}) to run {b.id} ({b.started_at}): "
        f"{len(report.changed)} scenario(s) changed, {report.unchanged} unchanged "
        f"(score beyond {report.threshold:g}, spend beyond {_money_limit(report.money)})",
    ]
    for s in report.changed:
        lines += ["", display_name(s.path, cwd)]
        if s.presence != "both":
            lines.append(f"  {s.explanation}")
            continue
        if s.explanation:
            lines.append(f"  why: {s.explanation}")
        lines += [f"    {c.text()}" for c in s.inputs]
        for c in s.cases:
            status = c.status_b if c.status_a == c.status_b else f"{c.status_a} -> {c.status_b}"
            case = c.arrangement if c.variant is None else f"variant {c.variant}, {c.arrangement}"
            lines.append(f"  {case}: {status}; {score_text(c.score_a, c.score_b, report.threshold)}")
            for sp in c.spend[:10]:
                lines.append(f"    {sp.name or sp.outcome}: {_gbp(sp.before)} -> {_gbp(sp.after)}")
            if len(c.spend) > 10:
                lines.append(f"    ... and {len(c.spend) - 10} more outcomes (see --format json)")
    return "\n".join(lines) + "\n"


def _money_limit(money: float | None) -> str:
    if money is None:
        return "each area's solver dust: the solver's tolerance in its unit of money, at least £1"
    return f"£{money:,.2f}"


SCORE_PLACES = 3  # as every other table shows a score
MOST_PLACES = 9


def score_text(before: float | None, after: float | None, threshold: float) -> str:
    """'score 5.490 -> 5.612 (+0.122)', or 'score 5.490 (unchanged)' when it moved no more than the
    threshold; a move beyond it too small for three places gets the places that show it."""
    if before is None or after is None:
        return f"score {_num(before)} -> {_num(after)}"
    if abs(after - before) <= threshold:
        return f"score {_num(after)} (unchanged)"
    places = next((p for p in range(SCORE_PLACES, MOST_PLACES) if f"{before:.{p}f}" != f"{after:.{p}f}"),
                  MOST_PLACES)  # fmt: skip
    return f"score {before:.{places}f} -> {after:.{places}f} ({after - before:+.{places}f})"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.{SCORE_PLACES}f}"


def _gbp(value: float | None) -> str:
    return "-" if value is None else f"£{value:,.0f}"
