"""Serving: a quick start (the change checker is built lazily), HTTP caching by graph version
(ETag, 304, answers kept in memory until a change is approved) and read-only worker processes.

Real servers on 127.0.0.1: waitress in a thread, `govgraph serve` in a child process.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

from fixtures.workflow import APPROVER, DRAFTER, FIXTURE, LT, NEW_GROUP
from govgraph.cli import build_parser
from govgraph.config import Settings
from govgraph.errors import GovgraphError, InputError, ParseError, ReadOnly
from govgraph.store import open_store
from govgraph.store.embedded import EmbeddedStore
from govgraph.web import create_app
from govgraph.web.cache import VersionedCache

ROOT = Path(__file__).resolve().parents[1]
TOKENS = {"drafter-token-456": "drafter", "approver-token-789": "approver"}
BODIES = "/api/queries/bodies"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, headers: dict | None = None, body: dict | None = None
          ) -> tuple[int, Message, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def wait_for(url: str, process: subprocess.Popen | None = None, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            output = process.stderr.read() if process.stderr else ""
            raise AssertionError(f"the server exited: {output}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer")


@pytest.fixture()
def server(tmp_path: Path, serve_app) -> Iterator[str]:
    settings = Settings(project_root=ROOT, data_files=[FIXTURE], store="memory", tokens=TOKENS,
                        state_dir=tmp_path / "state")
    with serve_app(create_app(settings)) as url:
        yield url


# --- ETag, 304 and the answer cache -------------------------------------------------------------


def test_a_saved_query_answer_is_cached_and_revalidated_by_etag(server):
    status, first, body = fetch(server + BODIES)
    assert status == 200 and first["X-Cache"] == "miss"
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('-json"')
    status, second, again = fetch(server + BODIES)
    assert status == 200 and second["X-Cache"] == "hit" and again == body
    assert second["ETag"] == etag
    status, headers, empty = fetch(server + BODIES, {"If-None-Match": etag})
    assert status == 304 and empty == b"" and headers["ETag"] == etag
    status, csv, _ = fetch(server + BODIES + "?format=csv", {"If-None-Match": etag})
    assert status == 200 and csv["ETag"] != etag  # another representation, another tag


def test_an_approved_change_moves_the_etag_and_empties_the_cache(server):
    _, before, old_body = fetch(server + BODIES)
    fetch(server + BODIES)  # now cached
    assert b"Task Group" not in old_body
    status, _, created = fetch(server + "/api/changes", DRAFTER, NEW_GROUP)
    assert status == 201
    proposal = json.loads(created)["proposal"]["id"]
    status, _, _ = fetch(f"{server}/api/changes/{proposal}/approve", APPROVER,
                         {"approvedBy": LT + "body/board", "date": "2010-01-05"})
    assert status == 200
    status, after, new_body = fetch(server + BODIES, {"If-None-Match": before["ETag"]})
    assert status == 200  # the old tag no longer matches
    assert after["ETag"] != before["ETag"] and after["X-Cache"] == "miss"
    assert b"Task Group" in new_body  # not the stale cached answer


def test_no_etag_or_cache_when_the_store_version_is_not_reliable(tmp_path):
    class Unversioned(EmbeddedStore):
        stable_version = False  # e.g. a remote SPARQL store others may write to

    store = Unversioned()
    store.load_files([*(Settings(project_root=ROOT).ontology_files or []), FIXTURE])
    client = create_app(Settings(project_root=ROOT, state_dir=tmp_path), store=store
                        ).test_client()
    for _ in range(2):
        response = client.get(BODIES)
        assert response.status_code == 200
        assert "ETag" not in response.headers and "X-Cache" not in response.headers


def test_a_cached_answer_is_served_without_running_the_query_again(tmp_path, monkeypatch):
    from govgraph.web import api

    runs = []
    real = api.run_saved_query
    monkeypatch.setattr(api, "run_saved_query", lambda *a, **k: runs.append(1) or real(*a, **k))
    settings = Settings(project_root=ROOT, data_files=[FIXTURE], store="memory",
                        state_dir=tmp_path)
    client = create_app(settings).test_client()
    first = client.get(BODIES, headers={"Accept": "text/csv"})
    second = client.get(BODIES, headers={"Accept": "text/csv"})
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    assert second.data == first.data and second.mimetype == "text/csv" and len(runs) == 1
    assert client.get(BODIES).mimetype != "text/csv" and len(runs) == 2  # another Accept
    revalidated = client.get(BODIES, headers={"Accept": "text/csv",
                                              "If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304 and revalidated.data == b"" and len(runs) == 2
    assert revalidated.headers["ETag"] == first.headers["ETag"]
    missing = client.get("/api/queries/members")  # errors are never cached
    assert missing.status_code == 400 and client.get("/api/queries/members").status_code == 400
    assert "X-Cache" not in missing.headers and len(runs) == 4


def test_the_cache_can_be_turned_off(tmp_path):
    settings = Settings(project_root=ROOT, data_files=[FIXTURE], store="memory",
                        state_dir=tmp_path, response_cache=0)
    client = create_app(settings).test_client()
    assert [client.get(BODIES).headers["X-Cache"] for _ in range(2)] == ["miss", "miss"]
    with pytest.raises(InputError):
        Settings(project_root=ROOT, response_cache=-1)


def test_the_versioned_cache_forgets_old_versions_and_stays_bounded():
    cache: VersionedCache[str] = VersionedCache(max_entries=2, max_bytes=1000)
    assert cache.get("v1", "a") is None
    cache.put("v1", "a", "A", 1)
    cache.put("v1", "b", "B", 1)
    assert cache.get("v1", "a") == "A"
    cache.put("v1", "c", "C", 1)  # evicts the least recently used: b
    assert cache.get("v1", "b") is None and len(cache) == 2
    cache.put("v1", "huge", "H", 900)  # more than a quarter of the budget: not kept
    assert cache.get("v1", "huge") is None
    assert cache.get("v2", "a") is None and len(cache) == 0  # a new version empties it
    cache.put("v1", "a", "stale", 1)  # computed on the old graph: refused
    assert cache.get("v2", "a") is None


def test_the_embedded_store_version_moves_with_every_write():
    store = EmbeddedStore()
    first = store.version()
    assert store.version() == first
    store.update("INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }")
    second = store.version()
    assert second != first
    with pytest.raises(GovgraphError):
        store.update("INSERT DATA { this is not sparql }")
    assert store.version() == second


# --- govgraph serve: answers at once, checks on demand ---------------------------------------


@pytest.mark.slow
def test_serve_answers_queries_and_checks_changes(tmp_path):
    """`govgraph serve` as a user starts it: a query is answered, then a change is checked
    (the checker is built on first use, not before the first answer)."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "server"), "GOVGRAPH_ROOT": str(ROOT),
           "GOVGRAPH_STATE_DIR": str(tmp_path / "state")}
    env.pop("GOVGRAPH_PREVALIDATE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "govgraph.cli", "serve", "--port", str(port), "--store", "memory"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/sparql?query=ASK%7B%7D", process)
        status, _, body = fetch(base + "/sparql?query=ASK%7B%7D",
                                {"Accept": "application/sparql-results+json"})
        assert status == 200 and json.loads(body)["boolean"] is True
        change = {"add": "<https://w3id.org/govgraph/id/body/ssog> "
                         "<http://www.w3.org/2004/02/skos/core#altLabel> \"Serving test\"@en ."}
        status, _, body = fetch(base + "/api/changes/validate", body=change)
        assert status == 200 and json.loads(body)["conforms"] is True
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_prevalidation_is_opt_in_and_documented(capsys):
    serve = build_parser().parse_args(["serve"])
    assert serve.prevalidate is False and serve.workers == 1
    assert build_parser().parse_args(["serve", "--prevalidate"]).prevalidate is True
    assert Settings.from_env({"GOVGRAPH_PREVALIDATE": "1"}).prevalidate is True
    assert Settings.from_env({}).prevalidate is False
    with pytest.raises(InputError, match="GOVGRAPH_PREVALIDATE"):
        Settings.from_env({"GOVGRAPH_PREVALIDATE": "sometimes"})
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--help"])
    assert "--prevalidate" in capsys.readouterr().out


# --- govgraph serve --workers N: read-only replicas ------------------------------------------


@pytest.mark.slow
def test_read_only_workers_serve_reads_and_refuse_every_write(tmp_path):
    store_path = tmp_path / "store"
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "server"), "GOVGRAPH_ROOT": str(ROOT),
           "GOVGRAPH_STATE_DIR": str(tmp_path / "state"), "GOVGRAPH_TOKENS": "t-approve:approver"}
    process = subprocess.Popen(
        [sys.executable, "-m", "govgraph.cli", "serve", "--port", str(port), "--workers", "2",
         "--store", "oxigraph", "--store-path", str(store_path)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + BODIES, process)
        status, headers, body = fetch(base + BODIES)
        assert status == 200 and "ETag" in headers
        assert json.loads(body)["results"]["bindings"]
        approver = {"Authorization": "Bearer t-approve"}
        status, _, body = fetch(base + "/api/changes", approver, {"add": "<a:b> <a:c> <a:d> ."})
        assert status == 403 and b"read-only" in body
        update = urllib.request.Request(
            base + "/sparql", data=b"INSERT DATA { <a:b> <a:c> <a:d> }",
            headers={"Content-Type": "application/sparql-update", **approver})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(update, timeout=30)
        assert refused.value.code == 403
        # no writer may open the folder under the workers
        settings = Settings(project_root=ROOT, store="oxigraph", store_path=store_path)
        with pytest.raises(GovgraphError, match="in use"):
            open_store(settings)
    finally:
        process.terminate()
        process.wait(timeout=30)
    writer = open_store(Settings(project_root=ROOT, store="oxigraph", store_path=store_path))
    writer.update("INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }")
    writer.close()


def test_workers_need_a_persisted_store(capsys):
    from govgraph.cli import main

    assert main(["serve", "--workers", "2", "--store", "memory"]) == 2
    assert "--workers needs a persisted store" in capsys.readouterr().err
    assert main(["serve", "--workers", "0"]) == 2


def test_a_read_only_store_refuses_writes(tmp_path):
    path = tmp_path / "store"
    writer = EmbeddedStore(path)
    writer.update("INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }")
    writer.close()
    reader = EmbeddedStore(path, read_only=True)
    assert reader.query("ASK { <http://e/s> <http://e/p> <http://e/o> }").boolean is True
    with pytest.raises(ReadOnly):
        reader.update("INSERT DATA { <http://e/s> <http://e/p> <http://e/x> }")
    with pytest.raises(GovgraphError, match="in use"):
        EmbeddedStore(path)  # a writer while a reader holds the folder
    reader.close()


# --- First load into a persisted folder -------------------------------------------------------


def triples(count: int, broken_at: int | None = None) -> bytes:
    lines = []
    for n in range(1, count + 1):
        lines.append(f'<http://e/s{n}> <http://e/p> "{n}" .' if n != broken_at
                     else "<http://e/x> oops")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.slow
def test_a_parse_error_in_a_first_load_leaves_no_store_behind(tmp_path):
    data = tmp_path / "broken.nt"
    data.write_bytes(triples(5000, broken_at=3777))
    settings = Settings(project_root=ROOT, data_files=[data], store="oxigraph",
                        store_path=tmp_path / "store")
    with pytest.raises(ParseError) as caught:
        open_store(settings)
    assert caught.value.line == 3777 and "broken.nt" in caught.value.message
    assert not (tmp_path / "store").exists()  # no half-loaded store is left behind
    assert not (tmp_path / ".store.loading").exists()


def test_the_first_load_is_staged_and_a_leftover_from_a_crash_is_ignored(tmp_path):
    leftover = tmp_path / ".store.loading"
    leftover.mkdir()
    (leftover / "junk").write_text("from a crashed load")
    settings = Settings(project_root=ROOT, data_files=[FIXTURE], store="oxigraph",
                        store_path=tmp_path / "store")
    store = open_store(settings)
    assert store.query("ASK { ?s ?p ?o }").boolean is True
    assert not leftover.exists() and (tmp_path / "store").is_dir()
    version = store.version()
    store.close()
    again = open_store(settings)
    assert again.version() == version  # opened, not loaded again
    again.close()
