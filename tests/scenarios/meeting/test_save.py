"""'Save as variant': the variants block rewritten and nothing else; never a write outside the folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from laa.models.errors import InputError, ScenarioError
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement
from laa.models.variants import variant_scenario
from laa.scenarios.analysis.arrangements import plan_arrangement
from laa.scenarios.meeting.save import put_variant_yaml, save_variant
from laa.scenarios.outputs.convert import converted
from starlette.testclient import TestClient

from tests.paths import EXAMPLE

CHANGES = [{"stream": "nrf", "pooled_share": 0.0}, {"rule": "sp-housing-support", "drop": True}]
VARIANT = {"id": "nrf-stays-out", "name": "NRF stays out; no housing ring-fence", "changes": CHANGES}


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_the_variant_goes_into_the_file_and_every_other_byte_stays(tmp_path: Path):
    path = tmp_path / "area.yaml"
    original = EXAMPLE.read_text()
    path.write_text(original)
    save_variant(path, load_scenario(path), VARIANT, None)
    written = path.read_text()
    assert written.startswith(original.rstrip("\n"))  # the variant goes after everything there was
    before, after = yaml.safe_load(original), yaml.safe_load(written)
    assert after.pop("variants") == [*before.pop("variants", []), VARIANT]
    assert after == before
    scenario = load_scenario(path)
    planned = plan_arrangement(variant_scenario(scenario, "nrf-stays-out"), Arrangement.POOLED)
    edited = yaml.safe_load(original)
    edited.pop("variants", None)
    next(p for p in edited["pots"] if p["id"] == "laa-pot")["members"].remove("nrf")
    edited["rules"] = [r for r in edited["rules"] if r["id"] != "sp-housing-support"]
    by_hand = tmp_path / "by-hand.yaml"
    by_hand.write_text(yaml.safe_dump(edited))
    assert planned.score == pytest.approx(plan_arrangement(load_scenario(by_hand), Arrangement.POOLED).score)


TEXT = """\
# the area, as its finance lead keeps it
name: Tiny   # a comment on the name
years: [2026]
variants:
  # first thoughts
  - id: a
    changes:
      - {rule: r1, drop: true}   # why: see the minutes
  # the one we liked
  - id: b
    name: keep me
    changes: [{stream: s1, scale: 1.1}]

# the rest of the file
funders: []
"""


def test_an_item_of_the_same_id_is_replaced_in_place_and_the_comments_around_it_stay():
    updated = put_variant_yaml(TEXT, {"id": "a", "changes": [{"stream": "s1", "scale": 0.9}]})
    data = yaml.safe_load(updated)
    assert data["variants"] == [
        {"id": "a", "changes": [{"stream": "s1", "scale": 0.9}]},
        {"id": "b", "name": "keep me", "changes": [{"stream": "s1", "scale": 1.1}]},
    ]
    for kept in ("# first thoughts", "# the one we liked", "name: keep me", "# the rest of the file",
                 "# a comment on the name", "funders: []"):  # fmt: skip
        assert kept in updated
    assert "why: see the minutes" not in updated  # the replaced item's own comment goes with it
    assert updated.splitlines()[5] == "  - id: a"  # written at the list's own indent


def test_a_new_id_is_appended_after_the_last_item_before_the_comments_that_follow():
    updated = put_variant_yaml(TEXT, {"id": "c", "name": "new", "changes": []})
    assert [v["id"] for v in yaml.safe_load(updated)["variants"]] == ["a", "b", "c"]
    assert updated.index("- id: c") < updated.index("# the rest of the file")
    assert updated.replace('  - id: c\n    name: new\n    changes: []\n', "") == TEXT


def test_empty_or_flow_variants_blocks_are_written_out():
    for text in ("name: x\nvariants: []\nyears: [1]\n", "name: x\nvariants:\nyears: [1]\n",
                 "name: x\nvariants: [{id: a, changes: []}]\nyears: [1]\n"):  # fmt: skip
        data = yaml.safe_load(put_variant_yaml(text, {"id": "n", "changes": []}))
        assert data["variants"][-1] == {"id": "n", "changes": []} and data["years"] == [1]


def test_json_files_keep_their_data(tmp_path: Path):
    path = tmp_path / "area.json"
    data = json.loads(json.dumps(yaml.safe_load(EXAMPLE.read_text())))  # years as JSON's text keys
    path.write_text(json.dumps(data))
    save_variant(path, load_scenario(path), VARIANT, None)
    written = json.loads(path.read_text())
    assert written.pop("variants") == [*data.pop("variants", []), VARIANT]
    assert written == data
    amounts = {**VARIANT, "changes": [{"stream": "nrf", "amounts": {2027: 0.0}}]}
    save_variant(path, load_scenario(path), amounts, None)
    saved = json.loads(path.read_text())["variants"][-1]
    assert saved["changes"] == [{"stream": "nrf", "amounts": {"2027": 0.0}}]


@pytest.mark.parametrize(
    "name", ["../escape.yaml", "/tmp/escape.yaml", "sub/escape.yaml", "..", ".hidden.yaml", "x.json", "x.sh"]
)
def test_a_new_file_is_a_plain_name_beside_the_scenario_and_nothing_else(tmp_path: Path, name: str):
    folder = tmp_path / "meeting"
    folder.mkdir()
    path = folder / "area.yaml"
    path.write_text(EXAMPLE.read_text())
    before, around = folder_state(folder), folder_state(tmp_path)
    with pytest.raises(InputError):
        save_variant(path, load_scenario(path), VARIANT, name)
    assert folder_state(folder) == before and folder_state(tmp_path) == around
    assert not Path("/tmp/escape.yaml").exists()


def test_links_and_existing_files_are_never_written_through(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "meeting"
    folder.mkdir()
    path = folder / "area.yaml"
    path.write_text(EXAMPLE.read_text())
    (folder / "taken.yaml").write_text("kept")
    os.symlink(outside / "target.yaml", folder / "link.yaml")
    for name in ("taken.yaml", "link.yaml"):
        with pytest.raises(InputError):
            save_variant(path, load_scenario(path), VARIANT, name)
    assert (folder / "taken.yaml").read_text() == "kept" and list(outside.iterdir()) == []
    linked = folder / "linked.yaml"
    os.symlink(path, linked)
    with pytest.raises(InputError, match="is a link"):
        save_variant(linked, load_scenario(linked), VARIANT, None)


def test_a_new_file_gets_the_whole_scenario_with_the_variant(tmp_path: Path):
    path = tmp_path / "area.yaml"
    path.write_text(EXAMPLE.read_text())
    written = save_variant(path, load_scenario(path), VARIANT, "area-after-meeting.yaml")
    assert written == tmp_path / "area-after-meeting.yaml"
    assert path.read_text() == EXAMPLE.read_text()
    assert written.read_text().startswith(EXAMPLE.read_text().rstrip("\n"))
    assert load_scenario(written).variants[-1].id == "nrf-stays-out"


def test_a_file_edited_since_the_meeting_began_is_not_overwritten(tmp_path: Path):
    path = tmp_path / "area.yaml"
    path.write_text(EXAMPLE.read_text())
    base = load_scenario(path)
    edited = EXAMPLE.read_text().replace("weight: 1.5", "weight: 2.5", 1)
    path.write_text(edited)
    with pytest.raises(InputError, match="changed since the meeting began"):
        save_variant(path, base, VARIANT, None)
    assert path.read_text() == edited


def test_saving_through_the_server_writes_only_the_scenario_folder(client: TestClient, meeting, tmp_path):
    around = folder_state(tmp_path.parent)
    for change in CHANGES:
        assert client.post("/api/session/change", json={"change": change}).status_code == 200
    for name in ("../up.yaml", "/tmp/up.yaml", "a/b.yaml"):
        refused = client.post("/api/session/save", json={"id": "v", "new_file": name})
        assert refused.status_code == 400 and refused.json()["problems"][0]["message"]
    bad_id = client.post("/api/session/save", json={"id": ""})
    assert bad_id.status_code == 400 and "variants" in bad_id.json()["problems"][0]["where"]
    saved = client.post("/api/session/save", json={"id": "nrf-stays-out", "name": "NRF out"})
    assert saved.status_code == 200 and saved.json()["saved"] == "northbridge.yaml"
    assert folder_state(tmp_path.parent) == around
    assert sorted(folder_state(tmp_path)) == ["northbridge.yaml"]
    written = load_scenario(meeting.path).variants[-1]
    assert [c.model_dump(exclude_unset=True) for c in written.changes] == meeting.changes == CHANGES
    again = client.post("/api/session/save", json={"id": "nrf-stays-out", "name": "NRF out, again"})
    assert again.status_code == 200
    names = [v.name for v in load_scenario(meeting.path).variants if v.id == "nrf-stays-out"]
    assert names == ["NRF out, again"]


def test_a_workbook_is_never_rewritten_and_the_variant_goes_to_a_new_file_beside_it(tmp_path: Path):
    path = tmp_path / "area.xlsx"
    path.write_bytes(converted(load_scenario(EXAMPLE), path.name))
    before = path.read_bytes()
    base = load_scenario(path)
    with pytest.raises(InputError, match="is a workbook"):
        save_variant(path, base, VARIANT, None)
    for name in ("after.xlsx", "after.yaml"):
        written = save_variant(path, base, VARIANT, name)
        saved = load_scenario(written)
        assert [v.id for v in saved.variants] == [*(v.id for v in base.variants or []), "nrf-stays-out"]
        assert saved.model_dump(exclude={"variants"}) == base.model_dump(exclude={"variants"})
    assert path.read_bytes() == before
    with pytest.raises(ScenarioError, match="unknown rule"):
        save_variant(path, base, {"id": "bad", "changes": [{"rule": "nope", "drop": True}]}, "bad.yaml")
    assert not (tmp_path / "bad.yaml").exists()
    with pytest.raises(InputError, match=r"name it \.xlsx, \.yaml or \.json"):
        save_variant(path, base, VARIANT, "after.txt")
