"""The same scenario as YAML and as JSON loads to the same model; one number means every year."""

import json

import pytest
import yaml
from laa.models.load import load_scenario, parse_scenario

from tests.paths import CHECKS, EXAMPLE


@pytest.mark.parametrize("path", [EXAMPLE, *sorted(CHECKS.glob("*.yaml"))], ids=lambda p: p.name)
def test_yaml_and_json_load_the_same(tmp_path, path):
    as_json = tmp_path / (path.stem + ".json")
    as_json.write_text(json.dumps(yaml.safe_load(path.read_text())))
    assert load_scenario(as_json) == load_scenario(path)


def test_one_amount_means_every_year():
    doc = yaml.safe_load((CHECKS / "check1.yaml").read_text())
    doc["streams"][0]["amounts"] = 300000
    a = parse_scenario(doc)
    doc["streams"][0]["amounts"] = {2026: 300000, 2027: 300000}
    b = parse_scenario(doc)
    for t in a.years:
        assert a.stream("s0").amount_in(t) == b.stream("s0").amount_in(t) == 300000
