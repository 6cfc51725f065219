"""Checks that need the whole file: ids that exist, are unique, and fit together.

They read the raw document defensively, so they run even when some items
failed field validation, and a user sees every problem in one pass.
"""

from __future__ import annotations

import math
import reprlib
from collections import Counter
from itertools import pairwise
from typing import Any

from laa.models.errors import Problem, item_label
from laa.models.ranges import MONEY


def cross_check(data: dict[str, Any], source: str) -> list[Problem]:
    """The problems that need more than one item to see (unknown ids, a stream in two pots, ...),
    all of them located, so a finance lead can fix a file in one pass."""
    problems: list[Problem] = []

    def add(
        section: str | None, item: str | None, field: str | None, message: str, index: int | None = None
    ) -> None:
        problems.append(Problem(source, section, item, field, message, index))

    def items(section: str) -> list[tuple[int, str, dict[str, Any]]]:
        raw = data.get(section)
        if not isinstance(raw, list):
            return []
        return [
            (index, item_label(section, entry, index), entry)
            for index, entry in enumerate(raw)
            if isinstance(entry, dict)
        ]

    years_raw = data.get("years")
    years: list[int] = []
    if isinstance(years_raw, list):
        years = [y for y in years_raw if isinstance(y, int) and not isinstance(y, bool)]
        if len(years) == len(years_raw) and any(b <= a for a, b in pairwise(years)):
            found = reprlib.repr(years)
            add("years", None, None, f"years must be distinct and in increasing order; found {found}")
    year_set = set(years)

    for section in ("blocks", "funders", "outcomes", "streams", "rules", "pots", "variants"):
        listed = [(index, i) for index, i, _ in items(section) if not i.startswith("#")]
        counts = Counter(i for _, i in listed)
        seen: set[str] = set()
        for index, ident in listed:  # each id once, at its first repeat: the row a user looks at to fix it
            if ident in seen and counts[ident] > 1:
                n, counts[ident] = counts[ident], 0
                add(section, ident, "id", f"duplicate id: {n} items of {section} are called {ident!r}", index)
            seen.add(ident)

    # a section that is missing altogether is reported as missing; ids naming into it are not each unknown
    funders = {i for _, i, _ in items("funders")} if isinstance(data.get("funders"), list) else None
    outcomes = {i for _, i, _ in items("outcomes")}
    declared_blocks = {i for _, i, _ in items("blocks")}
    used_blocks = {str(e.get("block")) for _, _, e in items("outcomes") if isinstance(e.get("block"), str)}
    blocks = declared_blocks | used_blocks
    streams = {i for _, i, _ in items("streams")} if isinstance(data.get("streams"), list) else None
    nameable = outcomes | blocks if isinstance(data.get("outcomes"), list) else None
    clash = outcomes & blocks
    first_outcome = {i: index for index, i, _ in reversed(items("outcomes"))}
    for ident in sorted(clash):
        add("outcomes", ident, "id", f"{ident!r} is both an outcome id and a block id", first_outcome[ident])

    def check_ids(
        section: str, index: int, item: str, field: str, value: Any, known: set[str] | None, what: str
    ) -> None:
        if value is None or known is None:
            return
        if not isinstance(value, list):
            return  # field validation reports the type
        for ref in value:
            if isinstance(ref, str) and ref not in known:
                add(section, item, field, f"unknown {what} {ref!r}", index)

    def check_years(section: str, index: int, item: str, field: str, value: Any) -> None:
        if isinstance(value, dict):
            for key in value:
                year = _as_year(key)
                if year is None or (year_set and year not in year_set):
                    add(section, item, f"{field}.{key}", f"year {key} is not one of the years {years}", index)
            given = {_as_year(k) for k in value}
            if field == "amounts":
                for t in years:
                    if t not in given:
                        message = f"no amount for year {t}; give 0 for a year with no money"
                        add(section, item, f"{field}.{t}", message, index)

    if declared_blocks:
        for index, ident, entry in items("outcomes"):
            block = entry.get("block")
            if isinstance(block, str) and block not in declared_blocks:
                add(
                    "outcomes",
                    ident,
                    "block",
                    f"unknown block {block!r}; blocks are {sorted(declared_blocks)}",
                    index,
                )

    for index, ident, entry in items("outcomes"):
        check_years("outcomes", index, ident, "min_spend", entry.get("min_spend"))

    for index, ident, entry in items("funders"):
        check_ids("funders", index, ident, "interests", entry.get("interests"), nameable, "outcome or block")

    for index, ident, entry in items("streams"):
        funder = entry.get("funder")
        if isinstance(funder, str) and funders is not None and funder not in funders:
            add("streams", ident, "funder", f"unknown funder {funder!r}", index)
        check_ids("streams", index, ident, "eligible", entry.get("eligible"), nameable, "outcome or block")
        check_years("streams", index, ident, "amounts", entry.get("amounts"))

    for index, ident, entry in items("rules"):
        check_ids("rules", index, ident, "streams", entry.get("streams"), streams, "stream")
        check_ids("rules", index, ident, "outcomes", entry.get("outcomes"), nameable, "outcome or block")
        rule_years = entry.get("years")
        if isinstance(rule_years, list):
            for y in rule_years:
                if _as_year(y) not in year_set:
                    add("rules", ident, "years", f"year {y} is not one of the years {years}", index)

    pot_of: dict[str, str] = {}
    for index, ident, entry in items("pots"):
        check_ids("pots", index, ident, "members", entry.get("members"), streams, "stream")
        check_ids("pots", index, ident, "scope", entry.get("scope"), nameable, "outcome or block")
        members = entry.get("members")
        if isinstance(members, list):
            for m in members:
                if not isinstance(m, str):
                    continue
                if m in pot_of and pot_of[m] != ident:
                    add(
                        "pots",
                        ident,
                        "members",
                        f"stream {m!r} is already a member of pot {pot_of[m]!r}; "
                        "a stream belongs to one pot at most",
                        index,
                    )
                elif m in pot_of:
                    add("pots", ident, "members", f"stream {m!r} is listed twice", index)
                pot_of[m] = ident

    historic = data.get("historic")
    if isinstance(historic, list):
        for index, entry in enumerate(historic):
            if not isinstance(entry, dict):
                continue
            where = f"#{index + 1}"
            s, o, y = entry.get("stream"), entry.get("outcome"), entry.get("year")
            if isinstance(s, str) and streams is not None and s not in streams:
                add("historic", where, "stream", f"unknown stream {s!r}", index)
            if isinstance(o, str) and nameable is not None and o not in outcomes:
                add("historic", where, "outcome", f"unknown outcome {o!r}", index)
            if isinstance(y, int) and year_set and y not in year_set:
                add("historic", where, "year", f"year {y} is not one of the years {years}", index)
        for index, message in _historic_totals(historic):
            add("historic", f"#{index + 1}", "amount", message, index)

    for where, at, label, name, meaning in _empty_lists(data, items):
        add(where, label, name, f"an empty list is ambiguous here; {meaning}", at)
    return problems


# a list field whose absence means "every ...": an empty list would silently mean "none" to one reader
# and "every" to another, so it is refused with the fix
EVERY_WHEN_LEFT_OUT = {
    ("rules", "streams"): "leave the field out to mean every stream",
    ("rules", "outcomes"): "leave the field out to mean every outcome",
    ("rules", "years"): "leave the field out to mean every year",
    ("pots", "scope"): "leave the field out to mean everything its members may fund",
    ("funders", "interests"): "leave the field out to mean what its streams may fund",
}
ARRANGEMENTS_WHEN_LEFT_OUT = (
    "leave the field out to plan silo, aligned, pooled and optimal (and historic when the file has it)"
)


def _empty_lists(
    data: dict[str, Any], items: Any
) -> list[tuple[str, int | None, str | None, str | None, str]]:
    found: list[tuple[str, int | None, str | None, str | None, str]] = []
    for (section, field), meaning in EVERY_WHEN_LEFT_OUT.items():
        for index, ident, entry in items(section):
            if entry.get(field) == []:
                found.append((section, index, ident, field, meaning))
    if data.get("arrangements") == []:
        found.append(("arrangements", None, None, None, ARRANGEMENTS_WHEN_LEFT_OUT))
    return found


def _historic_totals(historic: list[Any]) -> list[tuple[int, str]]:
    """Rows of one stream, outcome and year are summed (a finance system lists each payment), so their
    total is money like any other and must be in money's range; reported at the group's last row.

    A group with a row out of range on its own is left to that row's problem.
    """
    groups: dict[tuple[Any, Any, Any], list[tuple[int, float]]] = {}
    for index, entry in enumerate(historic):
        amount = entry.get("amount") if isinstance(entry, dict) else None
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            continue
        key = (entry.get("stream"), entry.get("outcome"), entry.get("year"))
        if not all(isinstance(part, str | int) for part in key):
            continue  # field validation reports a stream, outcome or year that is not one
        groups.setdefault(key, []).append((index, float(amount)))
    found = []
    for (stream, outcome, year), rows in groups.items():
        if len(rows) < 2 or not all(MONEY.holds(a) for _, a in rows):
            continue
        total = math.fsum(a for _, a in rows)
        if not MONEY.holds(total):
            numbers = ", ".join(f"#{i + 1}" for i, _ in rows)
            found.append(
                (
                    rows[-1][0],
                    f"rows {numbers} (stream {stream!r}, outcome {outcome!r}, year {year}) are summed, "
                    f"to {total:g}; that total is money, which must be {MONEY.text()}",
                )
            )
    return found


def _as_year(key: Any) -> int | None:
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return key
    if isinstance(key, str) and key.strip().lstrip("-").isdigit():
        return int(key)
    return None
