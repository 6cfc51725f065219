"""Each change in the meeting's list said as the table would say it, in the scenario's own names.

The list is what the minutes record, so a change reads "Keep Police
(Northbridge Police) out of its pot", not `{stream: police, pooled_share: 0}`.
These are plain strings; the page sets them as text, never as markup.
"""

from __future__ import annotations

from typing import Any

from laa.models.scenario import Scenario
from laa.pooling.units import money_text


def change_text(scenario: Scenario, change: dict[str, Any]) -> str:
    """One change in words, against the base scenario (the values it replaces are the base's)."""
    if "rule" in change:
        return _rule_text(scenario, change)
    if "pin" in change:
        return _pin_text(scenario, change["pin"])
    if "stream" in change:
        return _stream_text(scenario, change)
    return _outcome_text(scenario, change)


def _names(scenario: Scenario, ids: list[str]) -> str:
    named = [
        scenario.label("blocks", i) if i in scenario.block_ids else f"'{scenario.label('outcomes', i)}'"
        for i in ids
    ]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def _share(value: float) -> str:
    return f"{value:.0%}" if abs(value * 100 - round(value * 100)) < 1e-9 else f"{value:.2%}"


def _rule_value(kind: str, value: float) -> str:
    if kind.endswith("share"):
        return _share(value)
    if kind == "match":
        return f"{value:g} to 1"
    return money_text(value)


def _rule_text(scenario: Scenario, change: dict[str, Any]) -> str:
    rule_id = change["rule"]
    known = scenario.lookup.by_id["rules"].get(rule_id)
    if change.get("drop"):
        return f"Drop rule {rule_id}"
    if known is None:
        return f"Rule {rule_id}: value {change['value']:g}"
    kind = known.kind.value  # type: ignore[attr-defined]
    was = _rule_value(kind, known.value)  # type: ignore[attr-defined]
    return f"Rule {rule_id}: {kind} {_rule_value(kind, change['value'])} (was {was})"


def _stream_text(scenario: Scenario, change: dict[str, Any]) -> str:
    sid = change["stream"]
    name = scenario.label("streams", sid)
    pot = scenario.pot_of(sid) if sid in scenario.lookup.by_id["streams"] else None
    if "grant" in change:
        return f"Let {name} pay for {_names(scenario, change['grant'])}"
    if "scale" in change:
        factor = change["scale"]
        return f"{name}: every year's amount x{factor:.4g} ({factor - 1:+.0%})"
    if "amounts" in change:
        parts = [f"{year}: {money_text(amount)}" for year, amount in sorted(change["amounts"].items())]
        return f"{name}: amounts in " + ", ".join(parts)
    share = change["pooled_share"]
    if share == 0:
        return f"Keep {name} out of its pot"
    where = scenario.label("pots", pot) if pot else "its pot"
    return f"{name} pays {_share(share)} into {where} when pooled"


def _outcome_text(scenario: Scenario, change: dict[str, Any]) -> str:
    name = f"'{scenario.label('outcomes', change['outcome'])}'"
    parts = []
    for key, value in change.items():
        if key == "outcome":
            continue
        if key == "spend_at_least":
            parts.append(f"at least {money_text(value)} spent over the period")
        elif key == "spend_at_most":
            parts.append(f"at most {money_text(value)} spent over the period")
        elif key == "min_spend":
            each = (
                ", ".join(f"{y}: {money_text(v)}" for y, v in sorted(value.items()))
                if isinstance(value, dict)
                else f"{money_text(value)} each year"
            )
            parts.append(f"statutory minimum {each}")
        elif key == "stretch" and value is None:
            parts.append("no stretch target")
        else:
            parts.append(f"{key} {value:g}")
    return f"{name}: " + ", ".join(parts)


def _pin_text(scenario: Scenario, pin: dict[str, Any]) -> str:
    name = scenario.label("streams", pin["stream"])
    if "at" in pin:
        bound = f"held at {money_text(pin['at'])}"
    else:
        bounds = []
        if "at_least" in pin:
            bounds.append(f"at least {money_text(pin['at_least'])}")
        if "at_most" in pin:
            bounds.append(f"at most {money_text(pin['at_most'])}")
        bound = " and ".join(bounds)
    return f"{name}'s spend on {_names(scenario, pin['outcomes'])} {bound} over the period"
