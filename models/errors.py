"""The project's exceptions, in one place.

Solver failures are not exceptions: they are a status on a plan, so that a
comparison or a nightly batch carries on past an infeasible case. Exceptions
are for input nobody can plan (`ScenarioError`) and for misuse of the API.
"""

from __future__ import annotations

from dataclasses import dataclass

from laa.models.visible import printable


class LaaError(Exception):
    """Base of every error the engine raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file, located so a user can fix it in one pass.

    `section` is the file's section (``streams``), `item` the id of the entry
    (or its position when it has no usable id), `field` the field inside it.
    `index` is the entry's position in its section: two entries may share an
    id, and a workbook locates each problem at its own row by the position.
    """

    file: str
    section: str | None
    item: str | None
    field: str | None
    message: str
    index: int | None = None

    @property
    def where(self) -> str:
        """Where the problem is, as `section[item].field` (as much of it as is known; empty when none)."""
        place = self.section or ""
        if self.item is not None:
            place += f"[{self.item}]"
        if self.field:
            place += f".{self.field}" if place else self.field
        return place

    def __str__(self) -> str:
        where = self.where
        return f"{self.file}: {where}: {self.message}" if where else f"{self.file}: {self.message}"


def item_label(section: str, entry: object, index: int) -> str:
    """How a problem names an item: its id, or its position (`#2`) when the id is unusable.

    A historic entry has no id, so it is always named by position; a TRUE in the
    id column is no id either.
    """
    ident = entry.get("id") if isinstance(entry, dict) else None
    if section == "historic" or isinstance(ident, bool) or not isinstance(ident, str | int):
        return f"#{index + 1}"
    # an id holding an invisible character is shown escaped: a carriage return must not rewrite the line
    return printable(str(ident), lines=False)


class ScenarioError(LaaError):
    """A scenario file that cannot be planned; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the scenario"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


class InputError(LaaError):
    """A command's argument that cannot be used (an unknown id, a malformed range)."""


class OutputError(LaaError):
    """A result that could not be written (a full disk): the message names the path; the old file stays."""


class SolverUnavailableError(LaaError):
    """The requested solver is not installed or cannot run here."""
