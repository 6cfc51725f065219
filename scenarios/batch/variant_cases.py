"""`laa batch --variants`: each variant of a file is a case of its own, per arrangement.

A case is named by one text in the ledger and the progress lines: the
arrangement (`aligned`) for the scenario as written, `variant/arrangement`
(`dclg-freedom/aligned`) for a variant. The arrangement is always the part
after the last `/`, so a variant id may hold any character. Each variant's
results go to documents of their own, as `laa run --variant` would write
them, named by a file-safe form of the variant id (`run_folder.variant_names`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by the batch's case module, which every `laa` command reads exit codes from
    from laa.models.scenario import Scenario

SEPARATOR = "/"


def case_key(variant: str | None, arrangement: str) -> str:
    """The key of a case: the arrangement alone for the file as written, else variant and arrangement."""
    return arrangement if variant is None else f"{variant}{SEPARATOR}{arrangement}"


def split_case(key: str) -> tuple[str | None, str]:
    """(variant, arrangement) of a case's key; the variant is None for the scenario as written."""
    variant, sep, arrangement = key.rpartition(SEPARATOR)
    return (variant, arrangement) if sep else (None, key)


def with_variant_cases(scenario: Scenario, keys: list[str]) -> list[str]:
    """The file's cases with a case for each of its variants under each arrangement of the base.

    Keys already there stay where they are (a resumed run's recorded list), so this may be
    applied to a list it made before.
    """
    base = [k for k in keys if split_case(k)[0] is None]
    wanted = [case_key(v.id, a) for v in scenario.variants or [] for a in base]
    return [*keys, *(k for k in wanted if k not in keys)]


def by_variant(keys: list[str]) -> dict[str | None, list[str]]:
    """The keys grouped by variant (None: the scenario as written), each group in the given order."""
    grouped: dict[str | None, list[str]] = {}
    for key in keys:
        grouped.setdefault(split_case(key)[0], []).append(key)
    return grouped
