"""How a field's validation error reads to a finance lead: one wording for every way a scenario comes in.

Shared by the scenario file (`models.load`) and by changes sent on their own
(`models.variants`: a meeting page's changes), so the same mistake reads the
same wherever it was made.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def validation_message(err: Mapping[str, Any]) -> str:
    """A pydantic error (one of `ValidationError.errors()`) as a sentence saying what was expected."""
    kind = err.get("type", "")
    msg = str(err.get("msg", "invalid"))
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind == "extra_forbidden":
        return "unknown field (check its spelling against SCENARIO.md)"
    if kind == "missing":
        return "required field is missing"
    if kind == "finite_number":
        return "expected a finite number; found NaN or infinity"
    value = err.get("input")
    if kind.startswith(
        ("greater", "less", "float", "int", "bool", "string", "list", "dict", "enum", "union")
    ):
        shown = repr(value)
        if isinstance(value, float) and not math.isfinite(value):
            shown = str(value)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return f"{msg[0].lower()}{msg[1:]}; found {shown}"
    return msg
