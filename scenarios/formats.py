"""The documents other programs read, and the format version each is at.

A document's shape is a contract (SCENARIO.md): fields may be added, none renamed or dropped
without bumping its version here. One table, so a bump is one edit that a reviewer sees.
"""

from __future__ import annotations

from enum import StrEnum


class Document(StrEnum):
    """Every JSON document a command writes."""

    RESULTS = "results"  # laa run --format json, every batch record
    PARTNERS = "partners"  # laa partners --format json
    COMPARISON = "comparison"  # laa compare --format json
    VARIANTS = "variants"  # laa compare --variants --format json
    SENSITIVITY = "sensitivity"  # laa sensitivity --format json
    SWEEP = "sweep"  # laa sweep --format json
    DRIFT = "drift"  # laa drift --format json
    BATCH_SUMMARY = "batch_summary"  # a batch's summary.json


FORMAT_VERSIONS: dict[Document, int] = {document: 1 for document in Document}


def format_version(document: Document) -> int:
    """The version a document of this kind is written at."""
    return FORMAT_VERSIONS[document]
