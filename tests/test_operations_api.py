"""Structure operations over a real server: each operation compiles, is checked, is approved,
and then answers the saved queries as a user would expect; bad operations are 400s naming the
operation (index) and the field.

Data: the bundled Leicestershire Together graph, in memory, with a fresh state folder per
server.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from fixtures.workflow import APPROVER, DRAFTER, LT
from govgraph.config import Settings
from govgraph.web import create_app

ROOT = Path(__file__).resolve().parents[1]
TOKENS = {"drafter-token-456": "drafter", "approver-token-789": "approver"}
CSPB = LT + "body/community-safety-programme-board"
SSOG = LT + "body/ssog"
ANDY = LT + "person/andy-robinson"
BOARD = LT + "body/leicestershire-together-board"
DATFG = LT + "body/domestic-abuse-task-and-finish-group"

ESTABLISH = {
    "description": "Set up a Domestic Abuse Task and Finish Group",
    "operations": [
        {"op": "establish-body", "key": "datfg", "label": "Domestic Abuse Task and Finish Group",
         "kind": "TaskAndFinishGroup", "reportsTo": CSPB, "from": "2026-04-01"},
        {"op": "appoint", "body": "datfg", "person": ANDY, "role": "chair",
         "from": "2026-04-01"},
        {"op": "appoint", "body": "datfg", "person": {"name": "Alex New"}, "role": "member",
         "from": "2026-04-01"},
    ]}


@pytest.fixture()
def server(tmp_path: Path, monkeypatch, serve_app) -> Iterator[str]:
    monkeypatch.setenv("GOVGRAPH_STATE_DIR", str(tmp_path / "state"))
    settings = Settings(project_root=ROOT, store="memory", tokens=TOKENS,
                        state_dir=tmp_path / "state")
    with serve_app(create_app(settings)) as url:
        yield url


def call(url: str, body: object = None, headers: dict | None = None, *,
         content_type: str = "application/json") -> tuple[int, dict]:
    if body is None:
        data = None
    elif isinstance(body, str):
        data = body.encode()
    else:
        data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET",
                                     headers={"Content-Type": content_type, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def query(url: str, name: str, **parameters: str) -> list[dict[str, str]]:
    status, data = call(f"{url}/api/queries/{name}?{urllib.parse.urlencode(parameters)}")
    assert status == 200, data
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def approve(url: str, proposal: dict, approved_by: str = BOARD, on: str = "2026-03-20"
            ) -> dict:
    status, created = call(f"{url}/api/changes", proposal, DRAFTER)
    assert status == 201, created
    assert created["check"]["conforms"], created["check"]["summary"]
    proposal_id = created["proposal"]["id"]
    status, approved = call(f"{url}/api/changes/{proposal_id}/approve",
                            {"approvedBy": approved_by, "date": on}, APPROVER)
    assert status == 200, approved
    return approved


def test_establishing_a_body_is_checked_with_its_compiled_turtle(server):
    status, report = call(f"{server}/api/changes/validate", ESTABLISH)
    assert status == 200, report
    assert report["conforms"] is True
    assert [b["label"] for b in report["impact"]["bodiesCreated"]] == [
        "Domestic Abuse Task and Finish Group"]
    assert f"<{DATFG}>" in report["compiled"]["add"]
    assert "Alex New" in report["compiled"]["add"]
    assert report["compiled"]["remove"].strip() == "" or "@prefix" in report["compiled"]["remove"]


def test_the_same_proposal_in_yaml_is_read_alike(server):
    status, from_yaml = call(f"{server}/api/changes/validate", yaml.safe_dump(ESTABLISH),
                             content_type="application/yaml")
    status_json, from_json = call(f"{server}/api/changes/validate", ESTABLISH)
    assert status == status_json == 200
    assert from_yaml["changes"]["addedTriples"] == from_json["changes"]["addedTriples"]


def test_an_approved_new_body_answers_the_saved_queries(server):
    approve(server, ESTABLISH)
    bodies = {row["body"]: row for row in query(server, "bodies")}
    assert bodies[DATFG]["label"] == "Domestic Abuse Task and Finish Group"
    members = {row["name"]: row for row in query(server, "members", body=DATFG,
                                                  date="2026-05-01")}
    assert set(members) == {"Andy Robinson", "Alex New"}
    assert members["Alex New"]["member"] == LT + "person/alex-new"
    assert members["Andy Robinson"]["start"] == "2026-04-01"
    chain = [row["ancestor"] for row in query(server, "reports-to", body=DATFG)]
    assert chain[0] == CSPB
    lines = {(r["body"], r["parent"]) for r in query(server, "reporting-lines",
                                                      date="2026-05-01")}
    assert (DATFG, CSPB) in lines
    changes = [row for row in query(server, "structure-changes", **{"from": "2026-01-01"})
               if row.get("body") == DATFG]
    assert {row["kind"] for row in changes} == {"established", "membership-changed"}
    assert {row.get("decision") for row in changes} == {BOARD}


def test_an_unknown_operation_is_a_400_naming_it(server):
    body = {"operations": [ESTABLISH["operations"][0], {"op": "dissolve-body", "body": SSOG}]}
    status, error = call(f"{server}/api/changes/validate", body)
    assert status == 400
    assert (error["operation"], error["field"]) == (1, "op")
    assert "dissolve-body" in error["error"]


def test_a_drafter_cannot_approve(server):
    status, created = call(f"{server}/api/changes", ESTABLISH, DRAFTER)
    assert status == 201
    proposal_id = created["proposal"]["id"]
    status, _ = call(f"{server}/api/changes/{proposal_id}/approve",
                     {"approvedBy": BOARD, "date": "2026-03-20"}, DRAFTER)
    assert status == 403
