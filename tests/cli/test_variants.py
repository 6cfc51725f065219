"""`laa run --variant` and `laa compare --variants` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.paths import EXAMPLE

LAA = str(Path(sys.executable).parent / "laa")


def laa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LAA, *args], capture_output=True, text=True, timeout=120)


def test_run_a_variant_says_which_it_is():
    done = laa("run", str(EXAMPLE), "--variant", "skills-cut", "-a", "aligned", "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["variant"] == "skills-cut"
    base = json.loads(laa("run", str(EXAMPLE), "-a", "aligned", "--format", "json").stdout)
    assert base["variant"] is None
    cut, whole = document["arrangements"][0]["money"], base["arrangements"][0]["money"]
    # the LSC skills line is £6m a year: 10% of it over three years
    assert whole["available"] - cut["available"] == 1_800_000


def test_run_a_variant_as_a_table_names_it():
    done = laa("run", str(EXAMPLE), "--variant", "pct-half", "-a", "pooled")
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first == "Variant pct-half: The PCT pools only half of its intermediate care money"


def test_an_unknown_variant_is_refused_with_the_known_ones():
    done = laa("run", str(EXAMPLE), "--variant", "nope")
    assert done.returncode == 2
    assert "unknown variant 'nope'" in done.stderr and "pct-half" in done.stderr
    assert "Traceback" not in done.stderr


def test_compare_the_variants_as_json():
    done = laa("compare", str(EXAMPLE), "--variants", "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert [v["variant"] for v in document["variants"]][:2] == [None, "pct-half"]
    assert len(document["variants"]) == 11
    rows = {(r["variant"], r["arrangement"]): r for r in document["rows"]}
    base, cut = rows[(None, "aligned")], rows[("skills-cut", "aligned")]
    assert cut["change"]["score"] == cut["score"] - base["score"]
    assert cut["change"]["money"]["available"] == -1_800_000
    assert base["change"] is None
