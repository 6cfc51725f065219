"""A nightly operator sees a plan that breaks rules: in the progress lines and in summary.csv/json.

Issue 23, item 4: the example's silo plan breaks one rule (the Supporting People ring-fence spans
two funders, so no funder alone plans for it), and the batch showed it as plain `optimal`.
"""

from __future__ import annotations

import csv
import io
import json

from laa.scenarios.batch.summary import breaches_in, document_text

from tests.paths import EXAMPLE
from tests.scenarios.batch.helpers import laa


def test_the_progress_lines_and_the_summary_count_what_a_plan_breaks(tmp_path):
    done = laa("batch", str(EXAMPLE), "-a", "silo", "-a", "aligned", "--jobs", "1",
               "--ledger", "l.sqlite", "--out", "out", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = {line.split()[2]: line for line in done.stderr.splitlines() if line.startswith("[")}
    assert " silo optimal, breaks 2 rules " in lines["silo"]  # the canonical silo plan (docs/plans.md)
    assert " aligned optimal " in lines["aligned"] and "breaks" not in lines["aligned"]
    table = list(csv.DictReader(io.StringIO((tmp_path / "out" / "summary.csv").read_text())))
    assert {r["arrangement"]: (r["status"], r["breaches"]) for r in table} == {
        "silo": ("optimal", "2"),
        "aligned": ("optimal", "0"),
    }
    cases = json.loads((tmp_path / "out" / "summary.json").read_text())["cases"]
    assert {c["arrangement"]: c["breaches"] for c in cases} == {"silo": 2, "aligned": 0}


def test_a_resumed_case_s_breaches_are_read_from_its_document(tmp_path):
    record = {"arrangement": "silo", "status": "optimal", "money": {"spent": 1.0}, "violations": [{}, {}]}
    path = tmp_path / "silo.json"
    path.write_text(document_text("area", [json.dumps(record, indent=1)]))
    assert breaches_in(str(path)) == 2
    failed = {"arrangement": "silo", "status": "infeasible", "money": None, "violations": []}
    path.write_text(document_text("area", [json.dumps(failed, indent=1)]))
    assert breaches_in(str(path)) is None
    assert breaches_in(None) is None
    assert breaches_in(str(tmp_path / "gone.json")) is None
