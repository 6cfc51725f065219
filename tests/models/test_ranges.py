"""Every number has a stated range, and a file outside it is refused at the number, with the range.

Issue 13's reproductions: `weight: 1e308` planned as an optimal score of 1e308, widths and gaps of
1e-300 that HiGHS refused, two historic rows of 1e308 that summed to inf, a stream-year of £1e13
in check1, empty lists that validated but could not be planned, ids holding a carriage return.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from laa.models.errors import ScenarioError
from laa.models.load import parse_scenario
from laa.models.ranges import GAP_PER_MILLION, MONEY, RANGES, Range

from tests.paths import CHECKS, EXAMPLE, ROOT

LAA = Path(sys.executable).parent / "laa"
BASE = yaml.safe_load(EXAMPLE.read_text())
CHECK1 = yaml.safe_load((CHECKS / "check1.yaml").read_text())


def refused(doc: dict) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc, "area.yaml")
    return [str(p) for p in caught.value.problems]


def item(doc: dict, section: str, ident: str) -> dict:
    return next(i for i in doc[section] if i.get("id") == ident)


def changed(edit) -> dict:
    doc = copy.deepcopy(BASE)
    edit(doc)
    return doc


CASES = {
    "weight 1e308": (
        lambda d: item(d, "outcomes", "neet").__setitem__("weight", 1.0e308),
        "area.yaml: outcomes[neet].weight: a weight must be 0.001 to 1000; found 1e+308",
    ),
    "width 1e-300": (
        lambda d: item(d, "outcomes", "neet")["response"][0].__setitem__("spend", 1.0e-300),
        "area.yaml: outcomes[neet].response.0.spend: a response segment's spend must be "
        "£1 to £1,000,000,000,000; found 1e-300",
    ),
    "gap 1e-300": (
        lambda d: item(d, "outcomes", "neet").update(baseline=0.0, target=-1e-300, stretch=None),
        "area.yaml: outcomes[neet]: target and baseline are 1e-300 apart; the gap between target and "
        "baseline must be 1e-06 to 2e+09",
    ),
    "gap 1e-7": (
        lambda d: item(d, "outcomes", "neet").update(baseline=1.0, target=1.0 - 1e-7, stretch=None),
        "area.yaml: outcomes[neet]: target and baseline are 1e-07 apart; the gap between target and "
        "baseline must be 1e-06 to 2e+09",
    ),
    "amount 1e13": (
        lambda d: item(d, "streams", "nrf")["amounts"].__setitem__(2027, 1e13),
        "area.yaml: streams[nrf].amounts.2027: money must be 0, or £1 to £1,000,000,000,000; found 1e+13",
    ),
    "amount of 50p": (
        lambda d: item(d, "streams", "nrf")["amounts"].__setitem__(2027, 0.5),
        "area.yaml: streams[nrf].amounts.2027: money must be 0, or £1 to £1,000,000,000,000; found 0.5",
    ),
    "baseline 1e10": (
        lambda d: item(d, "outcomes", "neet").__setitem__("baseline", 1e10),
        "area.yaml: outcomes[neet].baseline: an indicator value must be -1e+09 to 1e+09; found 1e+10",
    ),
    "effect 1e12": (
        lambda d: item(d, "outcomes", "neet")["response"][0].__setitem__("effect", 1e12),
        "area.yaml: outcomes[neet].response.0.effect: an effect must be 0 to 1e+09; found 1e+12",
    ),
    "match 1e6": (
        lambda d: d["rules"].append({"id": "m", "streams": ["nrf"], "outcomes": ["neet"], "match": 1e6}),
        "area.yaml: rules[m].match: a match ratio must be 0 to 100; found 1e+06",
    ),
    "year 30000": (
        lambda d: d.__setitem__("years", [2026, 2027, 30000]),
        "area.yaml: years.2: a year must be 1900 to 2200; found 30000",
    ),
    "stretch 1000 gaps out": (
        lambda d: item(d, "outcomes", "neet").update(baseline=9.5, target=7.5, stretch=-1990.5),
        "area.yaml: outcomes[neet]: the stretch is 1000 times as far from the baseline as the target",
    ),
    "a segment closing the gap for pennies": (
        lambda d: item(d, "outcomes", "neet").__setitem__("response", [{"spend": 1.0, "effect": 1e6}]),
        "area.yaml: outcomes[neet]: segment 1 closes 5e+11 of the gap per £1m",
    ),
    "a segment that would cost £1e15 to close the gap": (
        lambda d: item(d, "outcomes", "neet").__setitem__("response", [{"spend": 1e12, "effect": 1e-3}]),
        "area.yaml: outcomes[neet]: segment 1 closes 5e-10 of the gap per £1m",
    ),
    "min_spend 1e13": (
        lambda d: item(d, "outcomes", "neet").__setitem__("min_spend", 1e13),
        "area.yaml: outcomes[neet].min_spend: money must be 0, or £1 to £1,000,000,000,000; found 1e+13",
    ),
    "setup cost 1e13": (
        lambda d: d["pots"][0].__setitem__("setup_cost", 1e13),
        "setup_cost: money must be 0, or £1 to £1,000,000,000,000; found 1e+13",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_number_out_of_range_is_refused_at_its_field_with_the_range(case):
    edit, expected = CASES[case]
    found = refused(changed(edit))
    assert any(expected in p for p in found), found


# (baseline, target, stretch) of neet (lower is better), each exactly at an edge as typed, which the
# binary floats put past it: 10 / 0.09999999999999987 = 100.00000000000013 (issue 21)
TYPED_EDGES = [(1.2, 1.1, -8.8), (12.7, 12.5, -7.3), (0.3, 0.2, -9.7), (9.500001, 9.5, None)]


def neet_at(baseline: float, target: float, stretch: float | None) -> dict:
    """The example with neet's targets set (and without the variants, one of which moves its stretch)."""
    doc = copy.deepcopy(BASE)
    item(doc, "outcomes", "neet").update(baseline=baseline, target=target, stretch=stretch)
    doc.pop("variants")
    return doc


@pytest.mark.parametrize(("baseline", "target", "stretch"), TYPED_EDGES)
def test_a_number_exactly_at_its_edge_as_typed_is_taken_whatever_the_floats_say(baseline, target, stretch):
    neet = parse_scenario(neet_at(baseline, target, stretch), "area.yaml").outcome("neet")
    assert (neet.baseline, neet.target, neet.stretch) == (baseline, target, stretch)


@pytest.mark.parametrize(
    ("baseline", "target", "stretch", "says"),
    [(1.2, 1.1, -8.8000001, "the stretch is 100 times"), (9.5000009, 9.5, None, "are 9e-07 apart")],
)
def test_a_hair_past_the_edge_as_typed_is_still_refused(baseline, target, stretch, says):
    found = refused(neet_at(baseline, target, stretch))
    assert any(says in p for p in found), found


def test_check1_with_a_stream_year_of_1e13_is_refused_with_exit_2(tmp_path):
    """Issue 13, defect 9: planned as optimal 3.456 against pooled 6.655; now out of range."""
    doc = copy.deepcopy(CHECK1)
    doc["streams"][0]["amounts"][2026] = 1e13
    path = tmp_path / "check1-1e13.yaml"
    path.write_text(yaml.safe_dump(doc))
    done = subprocess.run([str(LAA), "run", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    expected = "check1-1e13.yaml: streams[s0].amounts.2026: money must be 0, or £1 to £1,000,000,000,000"
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("edit", "where", "fix"),
    [
        (lambda d: d["rules"][0].__setitem__("streams", []), "rules[{rule}].streams", "every stream"),
        (lambda d: d["rules"][0].__setitem__("outcomes", []), "rules[{rule}].outcomes", "every outcome"),
        (lambda d: d["rules"][0].__setitem__("years", []), "rules[{rule}].years", "every year"),
        (lambda d: d["pots"][0].__setitem__("scope", []), "pots[{pot}].scope", "its members may fund"),
        (lambda d: d.__setitem__("arrangements", []), "arrangements", "silo, aligned, pooled and optimal"),
    ],
)
def test_an_empty_list_where_leaving_the_field_out_means_every_is_refused_with_the_fix(edit, where, fix):
    doc = changed(edit)
    where = where.format(rule=doc["rules"][0]["id"], pot=doc["pots"][0]["id"])
    found = refused(doc)
    expected = f"area.yaml: {where}: an empty list is ambiguous here; leave the field out to mean"
    if where == "arrangements":
        expected = "area.yaml: arrangements: an empty list is ambiguous here; leave the field out to plan"
    assert any(p.startswith(expected) and fix in p for p in found), found


def test_duplicate_historic_rows_are_summed_and_their_total_must_be_money():
    doc = copy.deepcopy(BASE)
    row = {"stream": "nrf", "outcome": "neet", "year": 2026}
    doc["historic"] = [{**row, "amount": 100_000}, {**row, "amount": 50_000}]
    plan_input = parse_scenario(copy.deepcopy(doc), "area.yaml")
    from laa.scenarios.analysis.historic import evaluate_historic

    assert evaluate_historic(plan_input).spending.stream_spend[("nrf", "neet", 2026)] == 150_000
    doc["historic"] = [{**row, "amount": 6e11}, {**row, "amount": 6e11}]
    found = refused(doc)
    assert any(
        p.startswith("area.yaml: historic[#2].amount: rows #1, #2 (stream 'nrf', outcome 'neet', year 2026)")
        and "1.2e+12" in p
        for p in found
    ), found


def test_two_historic_rows_of_1e308_are_refused_each_at_its_row():
    """Issue 13, defect 2: they summed to inf and `laa run --format json` ended in a traceback."""
    doc = copy.deepcopy(BASE)
    row = {"stream": "nrf", "outcome": "neet", "year": 2026, "amount": 1.0e308}
    doc["historic"] = [dict(row), dict(row)]
    found = refused(doc)
    for n in (1, 2):
        assert any(p.startswith(f"area.yaml: historic[#{n}].amount: money must be") for p in found), found


CONTROL_IDS = ["s\r=2+5+cmd|' /C calc'!A0", "a\nb", "tab\there", "rtl\u202eoverride", "nul\x00"]


@pytest.mark.parametrize("ident", CONTROL_IDS)
def test_an_id_with_a_control_character_is_refused(ident):
    doc = copy.deepcopy(BASE)
    doc["streams"][0]["id"] = ident
    found = refused(doc)
    assert any("holds the control character" in p and "streams[" in p for p in found), found


def test_the_guide_states_every_range():
    """The file format's table is written from `models.ranges.RANGES`; they must not drift apart."""
    guide = (ROOT / "docs" / "file-format.md").read_text()
    section = guide.split("## The range of every number", 1)[1].split("\n## ", 1)[0]
    for r in RANGES:
        assert r.text() in section, f"docs/file-format.md's ranges do not give {r.what}: {r.text()}"


def test_a_range_reads_as_a_finance_lead_writes_it():
    assert MONEY.text() == "0, or £1 to £1,000,000,000,000"
    assert GAP_PER_MILLION.text() == "1e-06 to 1e+06"
    assert Range("x", 0, 1).holds(1) and not Range("x", 0, 1).holds(float("nan"))
    with pytest.raises(ValueError) as caught:
        MONEY.check(1e13)
    assert re.search(r"found 1e\+13", str(caught.value))
