"""The partners' view where users look beyond `laa partners`: the report's section and batch records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from laa.cli.main import laa
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement
from laa.scenarios.analysis.partners import partners
from laa.scenarios.report.partners import partners_section, ranges_chart, shares_chart

HERE = Path(__file__).parent / "partners"


def test_the_report_section_shows_shares_views_and_ranges() -> None:
    result = partners(load_scenario(HERE / "three_funders.yaml"))
    section = partners_section(result)
    assert section.id == "partners"
    for chart in ("chart-partner-shares", "chart-partner-views", "chart-partner-ranges"):
        assert chart in section.body
    assert "Funder A" in section.body and "+0.333" in section.body  # A's share of the gain of aligning
    bars = shares_chart(result).data
    assert [round(x, 6) for x in bars[0].x] == [round(1 / 3, 6), round(5 / 24, 6), round(5 / 24, 6)]
    ranges = ranges_chart(result, Arrangement.POOLED)
    assert ranges is not None
    least, marks = ranges.data
    for low, width, mark in zip(least.base, least.x, marks.x, strict=True):  # each mark on its bar
        assert low - 1e-9 <= mark <= low + width + 1e-9


def test_laa_report_with_partners_adds_the_section(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    args = ["report", str(HERE / "two_funders.yaml"), "--partners", "--freedoms", "0", "-o", str(out)]
    run = CliRunner().invoke(laa, args)
    assert run.exit_code == 0, run.output
    page = out.read_text()
    assert 'id="partners"' in page and "chart-partner-shares" in page
    plain = tmp_path / "plain.html"
    args = ["report", str(HERE / "two_funders.yaml"), "--freedoms", "0", "-o", str(plain)]
    run = CliRunner().invoke(laa, args)
    assert run.exit_code == 0 and "chart-partner-shares" not in plain.read_text()


def test_laa_batch_with_partners_records_every_funders_account(tmp_path: Path) -> None:
    scenario = HERE / "two_funders.yaml"
    out = tmp_path / "out"
    args = ["batch", str(scenario), "--partners", "-a", "pooled", "-j", "1"]
    run = CliRunner().invoke(laa, [*args, "--ledger", str(tmp_path / "ledger.db"), "-o", str(out)])
    assert run.exit_code == 0, run.output
    record = json.loads((out / "two_funders.json").read_text())["arrangements"][0]
    books = {a["funder"]: a for a in record["accounts"]}
    assert set(books) == {"a", "b"}
    assert books["a"]["setup"] == books["b"]["setup"] == 7.5  # the pot's £15 split by what each paid in
    assert sum(a["spent"] for a in books.values()) == pytest.approx(record["money"]["spent"], abs=0.005)
    plain = tmp_path / "plain"
    args = ["batch", str(scenario), "-a", "pooled", "-j", "1", "--ledger", str(tmp_path / "l2.db")]
    run = CliRunner().invoke(laa, [*args, "-o", str(plain)])
    assert run.exit_code == 0, run.output
    assert "accounts" not in json.loads((plain / "two_funders.json").read_text())["arrangements"][0]
