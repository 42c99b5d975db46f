"""govgraph's named graph on a remote store. Writes through the change API are confirmed or
not done: a write the store refuses leaves the proposal pending with the store's own message
(502); a write meeting another server's is refused with 409 and writes nothing. A client's
FROM reaches the store's graphs as SPARQL says, as on the embedded store. On `oxigraph serve`
(tests/fixtures/stores.py), with the small structure of tests/fixtures/changes/structure.ttl."""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from fixtures.crash import pause_at
from fixtures.stores import OxigraphServer, start_oxigraph, stop
from fixtures.workflow import APPROVER, DRAFTER, FIXTURE, NEW_GROUP
from govgraph.config import Settings
from govgraph.store import open_store
from govgraph.store.remote import SparqlStore
from govgraph.web import context_of, create_app

pytestmark = pytest.mark.remote

BOARD = "https://w3id.org/govgraph/id/body/board"
APPROVAL = {"approvedBy": BOARD, "date": "2010-01-05"}
ASK_GROUP = "ASK { <https://w3id.org/govgraph/id/body/task-group> ?p ?o }"
TOKENS = {"drafter-token-456": "drafter", "approver-token-789": "approver"}


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[OxigraphServer]:
    started = start_oxigraph(tmp_path / "oxigraph")
    try:
        yield started
    finally:
        stop(started.process)


def loaded_settings(server: OxigraphServer, state: Path) -> Settings:
    """Settings for the structure fixture on the server, loaded there through govgraph."""
    settings = server.settings(data_files=[FIXTURE], tokens=TOKENS, state_dir=state)
    open_store(settings)  # finds govgraph's graph empty and loads it
    return settings


def propose(client) -> str:
    response = client.post("/api/changes", json=NEW_GROUP, headers=DRAFTER)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["proposal"]["id"]


def test_a_write_the_store_refuses_leaves_the_proposal_pending_with_its_message(server,
                                                                                tmp_path):
    settings = loaded_settings(server, tmp_path / "state")
    # the query URL as the update URL: the store answers every write with its refusal
    refusing = replace(settings, update_endpoint=server.query_endpoint)
    client = create_app(refusing).test_client()
    proposal = propose(client)

    response = client.post(f"/api/changes/{proposal}/approve", json=APPROVAL, headers=APPROVER)
    assert response.status_code == 502, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert "the SPARQL store refused" in error and "Content-Type" in error  # its own words

    shown = client.get(f"/api/changes/{proposal}").get_json()
    assert shown["status"] == "pending"
    assert shown["events"][-1]["action"] == "approval-failed"
    assert shown["events"][-1]["reason"] == error
    assert client.get("/api/changes/history").get_json() == []  # no change set kept
    fresh = SparqlStore(server.query_endpoint, graph=settings.store_graph)
    assert fresh.query(ASK_GROUP).boolean is False

    working = create_app(settings).test_client()  # the store takes writes again: it lands
    landed = working.post(f"/api/changes/{proposal}/approve", json=APPROVAL, headers=APPROVER)
    assert landed.status_code == 200, landed.get_data(as_text=True)
    assert fresh.query(ASK_GROUP).boolean is True
    assert len(working.get("/api/changes/history").get_json()) == 1


def test_an_approval_meeting_another_servers_write_is_a_409_and_writes_nothing(server,
                                                                              tmp_path):
    settings = loaded_settings(server, tmp_path / "state")
    app = create_app(settings)
    client = app.test_client()
    proposal = propose(client)
    workflow = context_of(app).workflow
    workflow.on_step = pause_at("checked", tmp_path / "state", seconds=3)
    answers: list = []
    approving = threading.Thread(target=lambda: answers.append(client.post(
        f"/api/changes/{proposal}/approve", json=APPROVAL, headers=APPROVER)))
    approving.start()
    paused = tmp_path / "state" / "paused-at-checked"
    deadline = time.monotonic() + 60
    while not paused.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert paused.exists(), "the approval never reached its check"
    other = open_store(settings)  # another app server on the same store writes meanwhile
    other.update("INSERT DATA { <urn:other-writer> <urn:wrote> <urn:this> }")
    approving.join(timeout=120)
    workflow.on_step = None

    [response] = answers
    assert response.status_code == 409, response.get_data(as_text=True)
    assert "another writer" in response.get_json()["error"]
    assert client.get(f"/api/changes/{proposal}").get_json()["status"] == "pending"
    assert client.get("/api/changes/history").get_json() == []
    fresh = SparqlStore(server.query_endpoint, graph=settings.store_graph)
    assert fresh.query(ASK_GROUP).boolean is False
    assert fresh.query("ASK { <urn:other-writer> ?p ?o }").boolean is True


def test_a_query_naming_its_dataset_is_answered_from_it(server, tmp_path):
    settings = loaded_settings(server, tmp_path / "state")
    store = open_store(settings)
    other = "http://example.org/someone-elses-graph"
    another_client = urllib.request.Request(  # someone else's data, beside govgraph's
        server.update_endpoint, method="POST",
        headers={"Content-Type": "application/sparql-update"},
        data=f"INSERT DATA {{ GRAPH <{other}> {{ <urn:other> <urn:p> 1 }} }}".encode())
    urllib.request.urlopen(another_client, timeout=30).close()
    assert store.query("ASK { <urn:other> ?p ?o }").boolean is False  # govgraph's graph
    assert store.query(f"ASK FROM <{other}> {{ <urn:other> ?p ?o }}").boolean is True
    assert store.query(f"ASK FROM <{settings.store_graph}> {{ <{BOARD}> ?p ?o }}").boolean
