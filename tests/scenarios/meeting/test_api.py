"""The meeting server's JSON API: the same plans as an edited file, located problems, and no strangers.

`POST /api/plan` is checked against planning a copy of the example edited
by hand (the YAML data changed here, without the variants code), so a
change that `apply_changes` read wrongly would show up as a different score.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml
from laa.models.load import parse_scenario
from laa.models.scenario import Arrangement
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.meeting.app import meeting_app
from laa.scenarios.meeting.guard import Audience
from laa.scenarios.meeting.session import Meeting
from starlette.testclient import TestClient

from tests.paths import EXAMPLE
from tests.scenarios.meeting.conftest import ORIGIN, PORT, TOKEN, client_of

Data = dict[str, Any]


def _item(data: Data, section: str, ident: str) -> Data:
    return next(i for i in data[section] if i["id"] == ident)


def out_of_pot(data: Data) -> None:
    _item(data, "pots", "laa-pot")["members"].remove("nrf")


def rule_dropped(data: Data) -> None:
    data["rules"] = [r for r in data["rules"] if r["id"] != "sp-housing-support"]


def granted(data: Data) -> None:
    _item(data, "streams", "pct_ph")["eligible"].append("SSC")


def scaled(data: Data) -> None:
    stream = _item(data, "streams", "sscf")
    amounts = stream["amounts"]
    stream["amounts"] = (
        {y: a * 0.8 for y, a in amounts.items()} if isinstance(amounts, dict) else amounts * 0.8
    )


def relaxed_and_reweighted(data: Data) -> None:
    _item(data, "rules", "nrf-deprived-areas")["min_share"] = 0.3
    _item(data, "outcomes", "neet")["weight"] = 3
    _item(data, "streams", "pct_ic")["max_pool_share"] = 0.5


EDITS: list[tuple[list[Data], list[Callable[[Data], None]]]] = [
    ([{"stream": "nrf", "pooled_share": 0}], [out_of_pot]),
    ([{"rule": "sp-housing-support", "drop": True}], [rule_dropped]),
    ([{"stream": "pct_ph", "grant": ["SSC"]}], [granted]),
    ([{"stream": "sscf", "scale": 0.8}], [scaled]),
    (
        [
            {"rule": "nrf-deprived-areas", "value": 0.3},
            {"outcome": "neet", "weight": 3},
            {"stream": "pct_ic", "pooled_share": 0.5},
            {"stream": "nrf", "pooled_share": 0},
        ],
        [relaxed_and_reweighted, out_of_pot],
    ),
]


@pytest.mark.parametrize(("changes", "edits"), EDITS, ids=["pool", "drop", "grant", "scale", "several"])
def test_plan_equals_planning_an_edited_copy_of_the_file(shared_client: TestClient, changes, edits):
    data = yaml.safe_load(EXAMPLE.read_text())
    data.pop("variants", None)  # the file's own variants name what these edits take away
    for edit in edits:
        edit(data)
    edited = parse_scenario(data, "edited.yaml")
    arrangements = [Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL]
    expected = plan_all(edited, arrangements)
    answer = shared_client.post(
        "/api/plan", json={"changes": changes, "arrangements": [a.value for a in arrangements]}
    )
    assert answer.status_code == 200, answer.text
    document = answer.json()
    assert document["format_version"] == 1 and document["changes"] == changes
    for record, plan in zip(document["arrangements"], expected, strict=True):
        assert record["arrangement"] == plan.arrangement.value
        assert record["status"] == plan.status.value
        assert record["score"] == pytest.approx(plan.score, abs=1e-6)
        assert record["targets_met"] == plan.evaluation.targets_met


def test_plan_with_no_changes_is_the_base_under_the_files_arrangements(shared_client: TestClient):
    document = shared_client.post("/api/plan", json={}).json()
    expected = plan_all(parse_scenario(yaml.safe_load(EXAMPLE.read_text()), "x.yaml"))
    assert [r["arrangement"] for r in document["arrangements"]] == [p.arrangement.value for p in expected]
    assert [r["score"] for r in document["arrangements"]] == pytest.approx([p.score for p in expected])


BAD = [
    ({"changes": [{"stream": "nrf", "scale": 1.1}, {"rule": "sp-housing", "drop": True}]}, "changes[1].rule",
     "unknown rule 'sp-housing'"),
    ({"changes": [{"stream": "nrf", "pooled_share": 1.5}]}, "changes[0].pooled_share", ""),
    ({"changes": [{"stream": "nrf", "poled_share": 0}]}, "changes[0].poled_share", "unknown field"),
    ({"changes": [{"rule": "sp-housing-support", "drop": True},
                  {"rule": "sp-housing-support", "value": 0.5}]}, "changes[1].rule", ""),
    ({"changes": {"stream": "nrf"}}, "changes", "a list of changes"),
    ({"changes": [], "arrangements": ["silo", "best"]}, "arrangements[1]", "unknown arrangement 'best'"),
    ({"changes": [], "variant": "x"}, "body.variant", "unknown field"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "where", "says"), BAD)
def test_bad_changes_get_located_problems_as_a_file_would(shared_client: TestClient, body, where, says):
    answer = shared_client.post("/api/plan", json=body)
    assert answer.status_code == 400, answer.text
    problems = answer.json()["problems"]
    assert where in [p["where"] for p in problems], problems
    assert says in " ".join(p["message"] for p in problems)


def test_every_problem_of_the_changes_is_reported_at_once_as_a_files_are(shared_client: TestClient):
    """An unknown stream in one change and a share above 1 in another: both said (issue 23), in
    the changes' order, as `laa validate` says both for a file's variant."""
    changes = [{"stream": "nope", "scale": 1.1}, {"stream": "nrf", "pooled_share": 1.5}]
    answer = shared_client.post("/api/plan", json={"changes": changes})
    assert answer.status_code == 400, answer.text
    problems = answer.json()["problems"]
    assert [p["where"] for p in problems] == ["changes[0].stream", "changes[1].pooled_share"]
    assert "unknown stream 'nope'" in problems[0]["message"]
    assert answer.json()["error"] == "2 problems with the changes"


def test_a_body_that_is_not_json_is_refused_and_the_server_keeps_serving(shared_client: TestClient):
    for raw in (b"{not json", b"[1, 2]", b'{"changes": [NaN]}', b"\xff\xfe"):
        answer = shared_client.post("/api/plan", content=raw, headers={"Content-Type": "application/json"})
        assert answer.status_code == 400, (raw, answer.text)
        assert answer.json()["problems"][0]["where"] == "body"
    big = b'{"changes": [' + b" " * (1024 * 1024) + b"]}"
    too_big = shared_client.post("/api/plan", content=big, headers={"Content-Type": "application/json"})
    assert too_big.status_code == 413
    assert shared_client.get("/api/health").json()["status"] == "ready"
    assert shared_client.post("/api/plan", json={"arrangements": ["aligned"]}).status_code == 200


def test_requests_from_other_origins_are_refused(client: TestClient):
    change = {"change": {"rule": "sp-housing-support", "drop": True}}
    refused = [
        client.post("/api/plan", json={}, headers={"Origin": "http://evil.example"}),
        client.post("/api/session/change", json=change, headers={"Origin": "http://evil.example"}),
        client.post("/api/session/change", json=change, headers={"Origin": "null"}),
        client.post("/api/session/change", json=change, headers={"Sec-Fetch-Site": "cross-site"}),
        client.post("/api/session/change", json=change, headers={"X-LAA-Token": "guessed"}),
        client.post("/api/session/change", json=change, headers={"X-LAA-Token": ""}),
        client.post("/api/session/save", json={"id": "x"}, headers={"X-LAA-Token": ""}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    form = client.post("/api/session/change", content=b"change=x",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert form.status_code == 415
    # a page on a re-pointed domain (DNS rebinding) reaches 127.0.0.1 with its own Host: not even a read
    for host in ("evil.example:8765", f"localhost.evil.example:{PORT}", "127.0.0.1:9999", "127.0.0.1"):
        assert client.get("/api/session", headers={"Host": host}).status_code == 400
    assert client.get("/api/session").json()["changes"] == []  # nothing above changed the meeting


def test_programs_without_a_browser_may_plan_but_not_change_the_meeting(meeting):
    app_client = TestClient(meeting_app(meeting, Audience("127.0.0.1", PORT, TOKEN)), base_url=ORIGIN)
    assert app_client.post("/api/plan", json={"arrangements": ["aligned"]}).status_code == 200
    assert app_client.post("/api/session/clear", json={}).status_code == 403


def test_the_session_keeps_the_list_replaces_a_control_set_twice_and_undoes(client: TestClient):
    first = client.post("/api/session/change", json={"change": {"stream": "sscf", "scale": 0.9}}).json()
    assert [c["change"] for c in first["changes"]] == [{"stream": "sscf", "scale": 0.9}]
    client.post("/api/session/change", json={"change": {"rule": "sp-housing-support", "drop": True}})
    again = client.post("/api/session/change", json={"change": {"stream": "sscf", "scale": 0.8}}).json()
    assert [c["change"] for c in again["changes"]] == [
        {"stream": "sscf", "scale": 0.8},
        {"rule": "sp-housing-support", "drop": True},
    ]
    assert again["changes"][0]["text"].endswith("every year's amount x0.8 (-20%)")
    planned = client.post("/api/plan", json={"changes": [c["change"] for c in again["changes"]]}).json()
    shown = {r["arrangement"]: r["now"]["score"] for r in again["rows"]}
    assert shown == {r["arrangement"]: pytest.approx(r["score"]) for r in planned["arrangements"]}
    bad = client.post("/api/session/change", json={"change": {"rule": "nope", "drop": True}})
    assert bad.status_code == 400 and bad.json()["problems"][0]["where"] == "changes[2].rule"
    undone = client.post("/api/session/undo", json={}).json()
    assert [c["change"] for c in undone["changes"]] == [
        {"stream": "sscf", "scale": 0.9},
        {"rule": "sp-housing-support", "drop": True},
    ]
    removed = client.post("/api/session/remove", json={"index": 0}).json()
    assert [c["change"] for c in removed["changes"]] == [{"rule": "sp-housing-support", "drop": True}]
    assert client.post("/api/session/remove", json={"index": 5}).status_code == 400
    assert client.post("/api/session/remove", json={"index": "0"}).status_code == 400
    cleared = client.post("/api/session/clear", json={}).json()
    assert cleared["changes"] == []
    assert all(r["now"]["score"] == r["base"]["score"] for r in cleared["rows"])
    assert client.get("/api/session").json()["changes"] == []


def test_showing_fewer_arrangements_plans_only_those(client: TestClient):
    shown = client.post("/api/session/show", json={"arrangements": ["pooled"], "focus": "pooled"}).json()
    assert shown["arrangements"] == ["pooled"] and shown["focus"] == "pooled"
    assert [r["arrangement"] for r in shown["rows"]] == ["pooled"]
    bad = client.post("/api/session/show", json={"arrangements": ["pooled"], "focus": "silo"})
    assert bad.status_code == 400 and bad.json()["problems"][0]["where"] == "body.focus"


def test_the_page_is_the_shell_with_a_strict_policy_and_its_files_are_served_locally(client: TestClient):
    page = client.get("/")
    policy = page.headers["content-security-policy"]
    for directive in ("default-src 'none'", "script-src 'self';", "connect-src 'self'", "frame-ancestors"):
        assert directive in policy
    assert "unsafe-eval" not in policy and "http" not in policy
    assert page.headers["x-frame-options"] == "DENY"
    html = page.text
    assert f'content="{TOKEN}"' in html and "<script>" not in html
    for source in ("/static/plotly-", "/static/meeting-"):
        start = html.index(source)
        path = html[start : html.index('"', start)]
        asset = client.get(path)
        assert asset.status_code == 200 and len(asset.content) > 1000
        assert "immutable" in asset.headers["cache-control"]
    assert client.get("/static/plotly-0000.js").status_code == 404


def test_scenario_text_reaches_the_shell_escaped(tmp_path):
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    data = yaml.safe_load(EXAMPLE.read_text())
    data["name"] = hostile
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(data))
    with client_of(Meeting.open(path, parse_scenario(data, "hostile.yaml"), [Arrangement.ALIGNED])) as c:
        html = c.get("/").text
        assert hostile not in html and "<img" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in html
        assert c.get("/api/scenario").json()["name"] == hostile  # data, set as text by the page


def test_each_partner_sees_its_own_view_now_and_at_base(client: TestClient):
    change = {"stream": "nrf", "pooled_share": 0}
    view = client.post("/api/session/change", json={"change": change}).json()
    now = client.post("/api/plan", json={"changes": [change]}).json()["arrangements"]
    base = client.post("/api/plan", json={}).json()["arrangements"]
    data = yaml.safe_load(EXAMPLE.read_text())
    blocks = {o["id"]: o["block"] for o in data["outcomes"]}
    rows = {r["funder"]: r for r in view["partners"]}
    assert list(rows) == [f["id"] for f in data["funders"]]  # every funder here has streams
    for funder, row in rows.items():
        named = {i for s in data["streams"] if s["funder"] == funder for i in s["eligible"]}
        own = {o for o, b in blocks.items() if o in named or b in named}  # its streams' reach, by hand
        assert row["outcomes"] == len(own)
        alone = _over(next(r for r in now if r["arrangement"] == "silo"), own)
        for at_base, planned in zip(base, now, strict=True):
            shown = row["arrangements"][planned["arrangement"]]
            assert shown["now"] == pytest.approx(_over(planned, own))
            assert shown["base"] == pytest.approx(_over(at_base, own))
            assert shown["better_off"] == (shown["now"] >= alone - 1e-7)
    clg = rows["clg"]["account"]  # NRF out of the pot: its funder pays the NRF's amounts in no more
    nrf = data["streams"][0]
    assert nrf["id"] == "nrf" and view["focus"] in ("pooled", "optimal")
    paid_less = clg["base"]["paid_into_pots"] - clg["now"]["paid_into_pots"]
    assert paid_less == pytest.approx(sum(nrf["amounts"].values()))


def _over(record: dict[str, Any], outcomes: set[str]) -> float:
    """A plan's score counted over these outcomes only."""
    return sum(o["score"] for o in record["outcomes"] if o["id"] in outcomes)


def test_a_change_that_makes_a_plan_impossible_is_shown_as_infeasible_not_refused(client: TestClient):
    impossible = {"pin": {"stream": "police_cs", "outcomes": ["SSC"], "at_least": 900_000_000}}
    view = client.post("/api/session/change", json={"change": impossible}).json()
    for row in view["rows"]:
        if row["arrangement"] != "silo":  # silo plans each funder alone and reports the rules it breaks
            assert row["now"]["status"] == "infeasible" and row["now"]["score"] is None
            assert row["base"]["status"] == "optimal"
    assert view["figures"]["scores"]["data"]
    assert client.post("/api/session/undo", json={}).json()["changes"] == []


def test_slow_arrangements_wait_to_be_caught_up_and_never_show_old_numbers(client: TestClient, meeting):
    meeting.quick_seconds = 0  # only the quickest arrangement is planned before the answer
    change = {"stream": "sscf", "scale": 0.5}
    first = client.post("/api/session/change", json={"change": change}).json()
    planned = [r for r in first["rows"] if r["now"]["status"] != "planning"]
    assert len(planned) == 1 and sorted(first["pending"]) == sorted(
        r["arrangement"] for r in first["rows"] if r["now"]["status"] == "planning"
    )
    assert all(r["now"]["score"] is None for r in first["rows"] if r["arrangement"] in first["pending"])
    planned_alone = client.post("/api/plan", json={"changes": [change]}).json()["arrangements"]
    expected = {r["arrangement"]: r["score"] for r in planned_alone}
    view = first
    for left in range(len(first["pending"]) - 1, -1, -1):
        view = client.post("/api/session/catch-up", json={}).json()
        assert len(view["pending"]) == left
    assert {r["arrangement"]: r["now"]["score"] for r in view["rows"]} == pytest.approx(expected)
    assert client.post("/api/session/catch-up", json={}).json()["pending"] == []  # nothing left: no change
