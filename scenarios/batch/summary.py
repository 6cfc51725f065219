"""What a batch writes besides the ledger: results documents and the run's summary.

A results document here is byte for byte what `laa run --format json`
prints for the same arrangements. Workers send each arrangement's record
already as JSON text, and the documents are spliced from those texts, so
the batch never parses and re-serialises a 100 kB record just to wrap it.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from laa.scenarios.batch.cases import WHOLE_FILE
from laa.scenarios.batch.ledger import CaseRow, Run
from laa.scenarios.formats import Document, format_version
from laa.scenarios.outputs.atomic import write_atomic
from laa.scenarios.outputs.csvout import to_csv
from laa.scenarios.outputs.results import FORMAT_VERSION

SUMMARY_COLUMNS = [
    "scenario",
    "arrangement",
    "status",
    "breaches",
    "score",
    "targets_met",
    "seconds",
    "solve_seconds",
    "message",
    "document",
]


def document_text(scenario: str, record_texts: list[str], variant: str | None = None) -> str:
    """The results document around records given as `json.dumps(record, indent=1)` texts; `variant`:
    the id of the scenario's variant they plan (None: the scenario as written)."""
    head = (
        f'{{\n "format_version": {FORMAT_VERSION},\n "scenario": {json.dumps(scenario)},\n'
        f' "variant": {json.dumps(variant)},\n "arrangements": ['
    )
    if not record_texts:
        return head + "]\n}\n"
    body = ",\n".join(textwrap.indent(text, "  ", lambda _: True) for text in record_texts)
    return f"{head}\n{body}\n ]\n}}\n"


def record_text_of(document: str) -> str:
    """The one record of a single-arrangement document, as text again (used when a run resumes)."""
    return json.dumps(json.loads(document)["arrangements"][0], indent=1, allow_nan=False)


def breaches_in(document: str | None) -> int | None:
    """How many rules and limits a case's plan breaks, from its results document; None when the case has
    no document, the document cannot be read, or its plan has no figures."""
    if document is None:
        return None
    try:
        record = json.loads(Path(document).read_text())["arrangements"][0]
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None
    return len(record["violations"]) if record.get("money") is not None else None


def summary_rows(
    cases: list[CaseRow], display: dict[str, str], breaches: dict[tuple[str, str], int | None] | None = None
) -> list[dict[str, Any]]:
    """One row per case for the batch summary, files named as the user sees them, seconds to the ms.

    `breaches`: the rules and limits each case's plan breaks, by (path, arrangement), so a silo plan
    that breaks a statutory minimum is not read as a plain `optimal`.
    """
    broken = breaches or {}
    return [
        {
            "scenario": display.get(c.path, c.path),
            "arrangement": c.arrangement,
            "status": c.status,
            "breaches": broken.get((c.path, c.arrangement)),
            "score": c.score,
            "targets_met": c.targets_met,
            "seconds": round(c.seconds, 3),
            "solve_seconds": None if c.solve_seconds is None else round(c.solve_seconds, 3),
            "message": c.message,
            "document": c.document,
        }
        for c in cases
    ]


def write_summary(
    out_dir: Path, run: Run, rows: list[dict[str, Any]], counts: dict[str, int], exit_code: int
) -> None:
    """summary.csv and summary.json, each written whole or not at all.

    In the CSV a file that never reached an arrangement has an empty arrangement
    cell: the JSON's `-` is a placeholder, not text for a spreadsheet to show.
    """
    table = [
        [None if k == "arrangement" and row[k] == WHOLE_FILE else row[k] for k in SUMMARY_COLUMNS]
        for row in rows
    ]
    write_atomic(out_dir / "summary.csv", to_csv(SUMMARY_COLUMNS, table), make_folders=True)
    document = {
        "format_version": format_version(Document.BATCH_SUMMARY),
        "run": run.id,
        "started_at": run.started_at,
        "options": run.options,
        "engine": run.engine,
        "counts": counts,
        "exit_code": exit_code,
        "cases": rows,
    }
    text = json.dumps(document, indent=1, allow_nan=False) + "\n"
    write_atomic(out_dir / "summary.json", text, make_folders=True)
