"""Scenario documents the report tests share: hostile names, infeasible plans, and the XL size."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.paths import ROOT

LAA = str(Path(sys.executable).parent / "laa")
TWO_STREAMS = ROOT / "tests" / "scenarios" / "analysis" / "data" / "two_streams.yaml"
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '"><img src=x onerror="window.__pwned=1">'


def two_streams() -> dict[str, Any]:
    """The hand-computed two-stream scenario: aligned 0.65, pooled 0.95 (see its file)."""
    return yaml.safe_load(TWO_STREAMS.read_text())


def hostile() -> dict[str, Any]:
    """Markup in every name a page shows, and in the ids that stand in for a missing name."""
    doc = two_streams()
    doc["name"] = f"Hostile area {SCRIPT}{IMG}"
    doc["blocks"] = [{"id": "CYP", "name": f"Block {SCRIPT}"}, {"id": "SSC", "name": f"Block {IMG}"}]
    doc["funders"][0]["name"] = f"Funder {SCRIPT}"
    doc["funders"][1] = {"id": IMG}  # no name: the page shows the id
    doc["streams"][1]["funder"] = IMG
    doc["streams"][0]["name"] = f"Stream {SCRIPT}{IMG}"
    doc["outcomes"][0]["name"] = f"Outcome {IMG}"
    doc["outcomes"][1]["name"] = f"Outcome {SCRIPT}"
    doc["outcomes"][1]["unit"] = "</script>"
    doc["rules"][0]["id"] = SCRIPT
    doc["pots"][0]["name"] = f"Pot {IMG}"
    return doc


def all_infeasible() -> dict[str, Any]:
    """Stream b asked for more than it has, pooled or not: no arrangement has a plan."""
    doc = two_streams()
    doc["rules"] = [
        {
            "id": "b-min",
            "streams": ["b"],
            "outcomes": ["o2"],
            "min_amount": 2_000_000,
            "survives_pooling": True,
        }
    ]
    return doc


def short_of_money() -> dict[str, Any]:
    """o2's minimum (GBP 1m) beyond stream b alone: aligned and silo fail, pooling rescues it."""
    doc = two_streams()
    doc["rules"] = []
    doc["outcomes"][1]["min_spend"] = 1_000_000
    return doc


def write(doc: dict[str, Any], path: Path) -> Path:
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    return path


def laa(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LAA, *map(str, args)], capture_output=True, text=True, timeout=timeout)
