"""The change API over HTTP: check, propose, list, withdraw, reject, approve, history, roles.

Uses Flask's test client, and a real server (waitress on 127.0.0.1, in a thread) to show the
roles are enforced on the wire too. Data: tests/fixtures/changes/structure.ttl.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from fixtures.workflow import APPROVER, DRAFTER, FIXTURE, LT, NEW_GROUP, READER, call
from govgraph.config import Settings
from govgraph.web import create_app

ROOT = Path(__file__).resolve().parents[1]
TOKENS = {"reader-token-123": "reader", "drafter-token-456": "drafter",
          "approver-token-789": "approver"}
APPROVAL = {"approvedBy": LT + "body/board", "date": "2010-01-05"}


def make_app(state: Path) -> Flask:
    settings = Settings(
        project_root=ROOT, data_files=[FIXTURE], store="memory", tokens=TOKENS, state_dir=state
    )
    return create_app(settings)


@pytest.fixture()
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path / "state")


@pytest.fixture()
def client(app: Flask):
    return app.test_client()


def propose(client, body=None, headers=DRAFTER) -> str:
    response = client.post("/api/changes", json=body or NEW_GROUP, headers=headers)
    assert response.status_code == 201, response.json
    return response.json["proposal"]["id"]


# --- Checking ----------------------------------------------------------------------------------


def test_anyone_may_check_a_change_given_as_json(client):
    response = client.post("/api/changes/validate", json=NEW_GROUP)
    assert response.status_code == 200
    data = response.json
    assert data["conforms"] is True
    assert [b["label"] for b in data["impact"]["bodiesCreated"]] == ["Task Group"]
    assert data["impact"]["reportingLinesAdded"][0]["toLabel"] == "Theme Board"
    assert "Bodies created: Task Group" in data["summary"]


def test_a_sparql_update_is_checked_and_violations_come_with_labels(client):
    response = client.post("/api/changes/validate",
                           data="INSERT DATA { <body/board> org:reportsTo <body/imag> }",
                           content_type="application/sparql-update")
    assert response.status_code == 200
    data = response.json
    assert data["conforms"] is False
    assert {r["focusLabel"] for r in data["introduced"]} >= {"Test Board", "Information Group"}
    assert all("valueLabel" in r for r in data["introduced"])
    assert all({"severity", "focusNode", "path", "message", "shape"} <= set(r)
               for r in data["results"])


def test_malformed_turtle_is_a_400_naming_the_line(client):
    response = client.post("/api/changes/validate",
                           json={"add": "<body/x> a gg:Board .\n<body/x> skos:prefLabel ."})
    assert response.status_code == 400
    assert "line 2" in response.json["error"]


def test_removing_a_triple_that_is_not_there_is_a_400_naming_it(client):
    response = client.post("/api/changes/validate",
                           json={"remove": "<body/imag> org:reportsTo <body/board> ."})
    assert response.status_code == 400
    assert "lt:body/imag org:reportsTo lt:body/board ." in response.json["error"]


def test_changing_the_model_is_refused(client):
    response = client.post("/api/changes/validate",
                           json={"add": 'gg:Board skos:prefLabel "Council"@en .'})
    assert response.status_code == 400
    assert "cannot be changed through a proposal" in response.json["error"]


def test_an_oversized_change_is_a_413_naming_the_limit(client):
    response = client.post("/api/changes/validate", data="#" * 2_000_001,
                           content_type="application/sparql-update")
    assert response.status_code == 413
    assert response.json["limit"] == 2_000_000


def test_an_unsupported_media_type_is_a_400(client):
    response = client.post("/api/changes/validate", data="x", content_type="text/plain")
    assert response.status_code == 400


# --- Roles ---------------------------------------------------------------------------------------


def test_proposing_needs_a_drafter_token(client):
    missing = client.post("/api/changes", json=NEW_GROUP)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = client.post("/api/changes", json=NEW_GROUP,
                        headers={"Authorization": "Bearer not-a-token"})
    assert wrong.status_code == 401
    reader = client.post("/api/changes", json=NEW_GROUP, headers=READER)
    assert reader.status_code == 403
    assert client.get("/api/changes").json == []


def test_only_an_approver_may_approve_or_reject(client):
    proposal = propose(client)
    for action in ("approve", "reject"):
        response = client.post(f"/api/changes/{proposal}/{action}", json=APPROVAL,
                               headers=DRAFTER)
        assert response.status_code == 403
        assert "approver role" in response.json["error"]
    assert client.get(f"/api/changes/{proposal}").json["status"] == "pending"


def test_no_tokens_configured_means_nobody_can_write(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVGRAPH_STATE_DIR", str(tmp_path / "state"))
    settings = Settings(project_root=ROOT, data_files=[FIXTURE], store="memory")
    app = create_app(settings)
    response = app.test_client().post("/api/changes", json=NEW_GROUP, headers=DRAFTER)
    assert response.status_code == 401


# --- The workflow --------------------------------------------------------------------------------


def test_a_proposal_is_stored_listed_and_shown(client):
    response = client.post("/api/changes", json=NEW_GROUP, headers=DRAFTER)
    assert response.status_code == 201
    proposal = response.json["proposal"]
    assert response.headers["Location"] == f"/api/changes/{proposal['id']}"
    assert proposal["status"] == "pending"
    assert proposal["author"].startswith("drafter-")
    assert proposal["description"] == NEW_GROUP["description"]
    assert response.json["check"]["conforms"] is True
    listed = client.get("/api/changes?status=pending").json
    assert [p["id"] for p in listed] == [proposal["id"]]
    shown = client.get(f"/api/changes/{proposal['id']}").json
    assert shown["request"]["add"] == NEW_GROUP["add"]
    assert client.get("/api/changes/20200101-000000-abcdef").status_code == 404
    assert client.get("/api/changes?status=lost").status_code == 400


def test_withdraw_then_withdraw_again_is_a_409(client):
    proposal = propose(client)
    first = client.post(f"/api/changes/{proposal}/withdraw", json={"reason": "duplicate"},
                        headers=DRAFTER)
    assert first.status_code == 200
    assert first.json["status"] == "withdrawn"
    again = client.post(f"/api/changes/{proposal}/withdraw", headers=DRAFTER)
    assert again.status_code == 409


def test_another_drafter_cannot_withdraw_a_proposal(tmp_path):
    other = {"Authorization": "Bearer another-drafter-000"}
    client = create_app(Settings(project_root=ROOT, data_files=[FIXTURE], store="memory",
                                 tokens={**TOKENS, "another-drafter-000": "drafter"},
                                 state_dir=tmp_path / "state")).test_client()
    proposal = propose(client)
    refused = client.post(f"/api/changes/{proposal}/withdraw", headers=other)
    assert refused.status_code == 403 and "author" in refused.json["error"]
    assert client.get(f"/api/changes/{proposal}").json["status"] == "pending"


def test_approval_applies_the_change_and_history_shows_it(client):
    proposal = propose(client)
    response = client.post(f"/api/changes/{proposal}/approve", json=APPROVAL, headers=APPROVER)
    assert response.status_code == 200, response.json
    assert response.json["status"] == "approved"
    assert response.json["approval"]["approvedBy"] == APPROVAL["approvedBy"]
    again = client.post("/api/changes/validate", json=NEW_GROUP).json
    assert again["changes"]["added"] == 0 and again["changes"]["alreadyPresent"] == 9
    [change_set] = client.get("/api/changes/history").json
    assert change_set["proposal"] == proposal
    assert change_set["date"] == "2010-01-05"
    revert = client.post("/api/changes/history/1/revert", headers=DRAFTER)
    assert revert.status_code == 201
    assert revert.json["check"]["changes"]["removed"] == 9


def test_approving_a_failing_change_is_a_409_with_reasons(client):
    proposal = propose(client, {"add": "<body/board> org:reportsTo <body/imag> ."})
    response = client.post(f"/api/changes/{proposal}/approve", json=APPROVAL, headers=APPROVER)
    assert response.status_code == 409
    assert any("back to itself" in reason for reason in response.json["reasons"])


def test_approving_needs_a_valid_date_and_approving_resource(client):
    proposal = propose(client)
    bad_date = client.post(f"/api/changes/{proposal}/approve",
                           json={**APPROVAL, "date": "yesterday"}, headers=APPROVER)
    assert bad_date.status_code == 400
    assert bad_date.json["parameter"] == "date"
    bad_body = client.post(f"/api/changes/{proposal}/approve",
                           json={**APPROVAL, "approvedBy": LT + "body/nowhere"}, headers=APPROVER)
    assert bad_body.status_code == 400
    assert bad_body.json["parameter"] == "approvedBy"


def test_every_write_is_logged(client, caplog):
    caplog.set_level(logging.INFO, logger="govgraph.changes")
    proposal = propose(client)
    client.post(f"/api/changes/{proposal}/reject", json={"reason": "no"}, headers=APPROVER)
    client.post("/api/changes", json=NEW_GROUP)
    messages = [r.getMessage() for r in caplog.records if r.name == "govgraph.changes"]
    assert any(f"proposal {proposal} created by drafter-" in m for m in messages)
    assert any(f"proposal {proposal} rejected by approver-" in m for m in messages)
    assert any("refused (401)" in m for m in messages)


# --- Over a real server -----------------------------------------------------------------------


@pytest.fixture()
def server(tmp_path: Path, monkeypatch, serve_app) -> Iterator[str]:
    monkeypatch.setenv("GOVGRAPH_STATE_DIR", str(tmp_path / "state"))
    app = make_app(tmp_path / "state")
    with serve_app(app) as url:
        yield url


def test_roles_are_enforced_by_a_real_server(server):
    assert call(f"{server}/api/changes", NEW_GROUP)[0] == 401
    assert call(f"{server}/api/changes", NEW_GROUP, READER)[0] == 403
    status, created = call(f"{server}/api/changes", NEW_GROUP, DRAFTER)
    assert status == 201
    proposal = created["proposal"]["id"]
    assert call(f"{server}/api/changes/{proposal}/approve", APPROVAL, DRAFTER)[0] == 403
    status, approved = call(f"{server}/api/changes/{proposal}/approve", APPROVAL, APPROVER)
    assert status == 200
    assert approved["status"] == "approved"
    status, listed = call(f"{server}/api/changes?status=approved")
    assert status == 200 and [p["id"] for p in listed] == [proposal]
