"""No request can kill, starve or mislead the server: limits enforced before any parser runs,
SERVICE refused (no outbound connection), proposals parsed in linear time with the triple limit
counted while parsing, bounded WHERE parts in checks, and the security headers of every page.
Every HTTP test talks to a real server on 127.0.0.1 (`serve_app`)."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures.workflow import DRAFTER, FIXTURE
from govgraph.changes.checker import ChangeChecker
from govgraph.changes.request import ChangeRequest
from govgraph.config import Settings
from govgraph.errors import (
    ChangeTooLarge,
    ParseError,
    QueryError,
    QueryTimeout,
    ResultTooLarge,
)
from govgraph.store import open_store
from govgraph.web import create_app

ROOT = Path(__file__).resolve().parents[1]
TOKENS = {"drafter-token-456": "drafter"}
DEEP = 2500


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    return send(urllib.request.Request(url, headers=headers or {}))


def post(url: str, body: bytes, media: str, headers: dict[str, str] | None = None
         ) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": media, **(headers or {})})
    return send(request)


def send(request: urllib.request.Request) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


class ConnectionRecorder:
    """A local socket that counts the connections made to it (and answers none)."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.socket.getsockname()[1]}/sparql"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.socket.close()


@pytest.fixture()
def recorder() -> Iterator[ConnectionRecorder]:
    listener = ConnectionRecorder()
    yield listener
    listener.close()


def settings_for(tmp_path: Path, **overrides) -> Settings:
    return Settings(project_root=ROOT, data_files=[FIXTURE], store="memory", tokens=TOKENS,
                    state_dir=tmp_path / "state", **overrides)


@pytest.fixture()
def server(tmp_path: Path, serve_app) -> Iterator[str]:
    with serve_app(create_app(settings_for(tmp_path, max_request_bytes=300_000))) as url:
        yield url


def deep_braces(depth: int = DEEP) -> str:
    return "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth


def deep_filter(depth: int = DEEP) -> str:
    return "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * depth + "true" + ")" * depth + ") }"


def alive(url: str) -> bool:
    status, _, body = get(url + "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"))
    return status == 200 and json.loads(body)["boolean"] is True


# --- Nesting depth, length, body size, JSON depth ----------------------------------------------


@pytest.mark.parametrize("query", [deep_braces(), deep_filter()], ids=["braces", "parentheses"])
def test_a_deeply_nested_query_is_refused_through_every_door(server, query):
    quoted = urllib.parse.quote(query)
    answers = [
        get(f"{server}/sparql?query={quoted}"),
        post(f"{server}/sparql", query.encode(), "application/sparql-query"),
        get(f"{server}/sparql-editor?query={quoted}"),
    ]
    for status, _, body in answers:
        assert status == 400
        assert "GOVGRAPH_MAX_QUERY_DEPTH" in body
    assert alive(server)


def test_a_deeply_nested_update_in_a_change_check_is_refused(server):
    update = ("DELETE { ?s ?p ?o } INSERT { ?s ?p ?o } WHERE " + "{" * DEEP + " ?s ?p ?o "
              + "}" * DEEP)
    status, _, body = post(f"{server}/api/changes/validate", update.encode(),
                           "application/sparql-update")
    assert status == 400
    assert "GOVGRAPH_MAX_QUERY_DEPTH" in body
    broken = "INSERT DATA { " + "(" * DEEP  # rdflib refuses it; Oxigraph is not asked to parse it
    status, _, body = post(f"{server}/api/changes/validate", broken.encode(),
                           "application/sparql-update")
    assert status == 400
    assert alive(server)


def test_nesting_within_the_limit_is_answered(server):
    status, _, body = get(f"{server}/sparql?query=" + urllib.parse.quote(deep_braces(20)))
    assert status == 200
    assert json.loads(body)["results"]["bindings"]


def test_brackets_in_strings_iris_and_comments_do_not_count(server):
    query = ('SELECT ?x WHERE { BIND("' + "{" * 500 + '" AS ?x) } # ' + "(" * 500)
    status, _, body = get(f"{server}/sparql?query=" + urllib.parse.quote(query))
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["x"]["value"] == "{" * 500


def test_a_query_longer_than_the_limit_is_refused_naming_it(tmp_path, serve_app):
    app = create_app(settings_for(tmp_path, max_query_chars=1000))
    with serve_app(app) as url:
        query = "ASK { ?s ?p ?o }" + " " * 2000
        status, _, body = post(f"{url}/sparql", query.encode(), "application/sparql-query")
        assert status == 400
        assert "GOVGRAPH_MAX_QUERY_CHARS" in body


def test_a_body_over_the_request_limit_is_413_naming_it(server):
    query = b"ASK { ?s ?p ?o }" + b" " * 400_000
    status, _, body = post(f"{server}/sparql", query, "application/sparql-query")
    assert status == 413
    assert "GOVGRAPH_MAX_REQUEST_BYTES" in body
    assert alive(server)


def test_json_nested_100000_deep_is_a_400(server):
    body = ("[" * 100_000 + "]" * 100_000).encode()
    status, _, text = post(f"{server}/api/changes/validate", body, "application/json")
    assert status == 400
    assert "GOVGRAPH_MAX_JSON_DEPTH" in text


# --- SERVICE and other outbound requests -------------------------------------------------------


def test_service_is_refused_and_nothing_is_fetched(server, recorder):
    query = f"SELECT * WHERE {{ SERVICE <{recorder.url}> {{ ?s ?p ?o }} }}"
    for status, _, body in (
        get(f"{server}/sparql?query=" + urllib.parse.quote(query)),
        get(f"{server}/sparql-editor?query=" + urllib.parse.quote(query.lower())),
        post(f"{server}/sparql", f"SELECT * {{ SERVICE SILENT <{recorder.url}> {{}} }}"
             .encode(), "application/sparql-query"),
    ):
        assert status == 400
        assert "SERVICE" in body and "GOVGRAPH_SERVICE_ALLOWLIST" in body
    update = (f"DELETE {{ ?s ?p ?o }} INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{recorder.url}> "
              "{ ?s ?p ?o } }")
    status, _, body = post(f"{server}/api/changes/validate", update.encode(),
                           "application/sparql-update")
    assert status == 400
    assert "SERVICE" in body
    assert recorder.connections == 0


def test_from_load_and_file_iris_fetch_nothing(server, recorder):
    queries = [
        f"SELECT * FROM <{recorder.url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{recorder.url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    ]
    for query in queries:
        status, _, _ = get(f"{server}/sparql?query=" + urllib.parse.quote(query))
        assert status in (200, 400)
    status, _, _ = post(f"{server}/api/changes/validate", f"LOAD <{recorder.url}>".encode(),
                        "application/sparql-update")
    assert status == 400
    assert recorder.connections == 0


def test_an_allowed_service_endpoint_is_contacted(tmp_path, serve_app, recorder):
    app = create_app(settings_for(tmp_path, service_allowlist=frozenset({recorder.url}),
                                  query_timeout=3.0))
    with serve_app(app) as url:
        query = f"SELECT * WHERE {{ SERVICE <{recorder.url}> {{ ?s ?p ?o }} }}"
        status, _, _ = get(f"{url}/sparql?query=" + urllib.parse.quote(query))
        assert status != 200  # the recorder answers nothing
        other = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }"
        status, _, body = get(f"{url}/sparql?query=" + urllib.parse.quote(other))
        assert status == 400 and recorder.url in body
    assert recorder.connections >= 1


def test_service_as_a_name_is_not_mistaken_for_the_keyword(server):
    query = ("PREFIX service: <http://example.org/> "
             "SELECT ?service WHERE { ?service ?p service:x } LIMIT 1")
    status, _, _ = get(f"{server}/sparql?query=" + urllib.parse.quote(query))
    assert status == 200


# --- Proposals: linear parsing, the triple limit while parsing, bounded WHERE ------------------


@pytest.fixture(scope="module")
def checker() -> ChangeChecker:
    settings = Settings(project_root=ROOT, data_files=[FIXTURE], store="memory",
                        max_change_triples=5000, result_limit=50, query_timeout=1.0)
    return ChangeChecker.from_settings(settings, open_store(settings))


def test_a_large_insert_data_is_read_whole(checker):
    triples = "\n".join(f'<body/b{i}> skos:altLabel "Name {i} {{ }}"@en .' for i in range(4999))
    diff = checker.diff(ChangeRequest(update=f"INSERT DATA {{\n{triples}\n}}"))
    assert len(diff.added) == 4999


def test_the_triple_limit_is_counted_while_parsing(checker):
    triples = "\n".join(f'<body/b{i}> skos:altLabel "N{i}"@en .' for i in range(5001))
    with pytest.raises(ChangeTooLarge, match="5,000"):
        checker.diff(ChangeRequest(update=f"INSERT DATA {{\n{triples}\n}}"))
    with pytest.raises(ChangeTooLarge, match="5,000"):
        checker.diff(ChangeRequest(add=triples))


def test_data_blocks_read_like_sparql(checker):
    """Prefixes declared in the update, comments, a last triple without '.', blank nodes and
    several operations: the same diff as the same data written as Turtle."""
    update = """PREFIX ex: <https://w3id.org/govgraph/id/body/>
# a comment with { braces
INSERT DATA { ex:new skos:prefLabel "New { group"@en ; skos:altLabel "N" .
  ex:new org:hasSite [ skos:note "a # not a comment" ] . # trailing
  ex:new skos:note '''two
lines''' } ;
DELETE DATA { <body/theme-board> skos:prefLabel "Theme Board"@en }"""
    diff = checker.diff(ChangeRequest(update=update))
    added = {(str(s).rsplit("/", 1)[-1], str(p).rsplit("#", 1)[-1], str(o)) for s, p, o in
             diff.added}
    assert ("new", "prefLabel", "New { group") in added
    assert ("new", "note", "two\nlines") in added
    assert any(p == "note" and o == "a # not a comment" for _, p, o in added)
    assert len(diff.added) == 5
    assert {str(o) for _, _, o in diff.removed} == {"Theme Board"}


def test_a_malformed_data_block_names_its_line(checker):
    update = "INSERT DATA {\n<body/x> skos:prefLabel \"x\" .\n<body/x> skos:prefLabel }"
    with pytest.raises(ParseError) as caught:
        checker.diff(ChangeRequest(update=update))
    assert caught.value.line == 3


@pytest.mark.slow
def test_a_where_part_over_the_row_or_time_limit_is_stopped(checker):
    rows = "INSERT { ?a skos:note \"x\" } WHERE { ?a ?p ?o . OPTIONAL { ?a ?q ?c } }"
    with pytest.raises(ResultTooLarge, match="GOVGRAPH_RESULT_LIMIT"):
        checker.diff(ChangeRequest(update=rows))
    product = "INSERT { ?a skos:note \"x\" } WHERE { ?a ?p ?o . ?b ?q ?c . ?d ?r ?e }"
    with pytest.raises((ResultTooLarge, QueryTimeout)):
        checker.diff(ChangeRequest(update=product))


def test_a_service_in_a_proposal_is_refused(checker):
    with pytest.raises(QueryError, match="SERVICE"):
        checker.diff(ChangeRequest(update="DELETE { ?s ?p ?o } WHERE { SERVICE <http://x/> "
                                          "{ ?s ?p ?o } }"))


def test_a_malformed_proposal_is_refused_while_another_check_runs(checker):
    """Proposals are parsed before the checker's lock is taken: while a large proposal is
    being checked, a malformed one is refused at once rather than waiting for it."""
    notes = "\n".join(f'<body/ssog> skos:note "note {i}" .' for i in range(4000))
    large = threading.Thread(target=lambda: checker.check(ChangeRequest(add=notes)))
    large.start()
    time.sleep(0.05)
    with pytest.raises(ParseError):
        checker.diff(ChangeRequest(update="INSERT DATA { <body/x> skos:prefLabel }"))
    assert large.is_alive()  # refused while the large check was still running
    large.join(timeout=300)


# --- Headers -----------------------------------------------------------------------------------


def test_pages_and_api_send_the_security_headers(server):
    for path in ("/", "/sparql-editor", "/api/queries"):
        status, headers, _ = get(server + path)
        assert status == 200
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_proposal_errors_stay_json(server):
    status, _, body = post(f"{server}/api/changes", b"{}", "application/json", DRAFTER)
    assert status == 400 and "error" in json.loads(body)


# --- The README's settings table ----------------------------------------------------------------


def test_the_readme_settings_table_and_the_settings_agree():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(GOVGRAPH_[A-Z_]+)`", table))
    source = (ROOT / "server" / "govgraph" / "config.py").read_text(encoding="utf-8")
    read = set(re.findall(r"\"(GOVGRAPH_[A-Z_]+)", source))
    complete = {name for name in read if not name.endswith("_")}
    prefixes = read - complete
    assert complete <= documented, complete - documented
    assert all(name in complete or name.startswith(tuple(prefixes)) for name in documented)


# --- Clients -------------------------------------------------------------------------------------

CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"


@pytest.mark.parametrize(("name", "media"), [
    ("rdf+xml", "application/rdf+xml"), ("json-ld", "application/ld+json"),
    ("n3", "text/turtle"), ("turtle", "text/turtle"), ("json", "application/ld+json"),
    ("xml", "application/rdf+xml")])
def test_sparqlwrapper_format_names_are_understood_for_graphs(server, name, media):
    query = urllib.parse.urlencode({"query": CONSTRUCT, "format": name})
    status, headers, body = get(f"{server}/sparql?{query}")
    assert status == 200
    assert headers["Content-Type"].startswith(media)
    assert body.strip()


@pytest.mark.parametrize(("name", "media"), [
    ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
    ("csv", "text/csv"), ("tsv", "text/tab-separated-values")])
def test_sparqlwrapper_format_names_are_understood_for_tables(server, name, media):
    query = urllib.parse.urlencode({"query": "SELECT * { ?s ?p ?o } LIMIT 1", "format": name})
    status, headers, _ = get(f"{server}/sparql?{query}")
    assert status == 200
    assert headers["Content-Type"].startswith(media)


def test_sparqlwrapper_itself_gets_rdf_xml_and_n3(server):
    from rdflib import Graph
    from SPARQLWrapper import N3, RDFXML, SPARQLWrapper

    for wanted in (RDFXML, N3):
        client = SPARQLWrapper(f"{server}/sparql")
        client.setQuery(CONSTRUCT)
        client.setReturnFormat(wanted)
        answer = client.queryAndConvert()
        graph = answer if isinstance(answer, Graph) else Graph().parse(data=answer, format="n3")
        assert len(graph) == 3


def test_named_graph_uri_alone_leaves_the_default_graph_empty(server):
    select = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    everything = urllib.parse.urlencode({"query": select})
    named_only = urllib.parse.urlencode({"query": select, "named-graph-uri": "urn:x:none"})
    assert json.loads(get(f"{server}/sparql?{everything}")[2])["results"]["bindings"]
    status, _, body = get(f"{server}/sparql?{named_only}")
    assert status == 200
    assert json.loads(body)["results"]["bindings"] == []


def test_a_query_that_is_not_utf8_is_a_400(server):
    for status, _, body in (
        get(f"{server}/sparql?query=ASK%20%7B%7D%FF"),
        post(f"{server}/sparql", b"query=ASK%20%7B%7D%FF", "application/x-www-form-urlencoded"),
        post(f"{server}/sparql", b"ASK {}\xff", "application/sparql-query"),
    ):
        assert status == 400
        assert "UTF-8" in body


# --- Queries that can be stopped ----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("persisted", [True, False], ids=["persisted", "in-memory"])
def test_queries_over_time_are_stopped_and_free_their_worker(tmp_path, persisted):
    """With the thread design a third runaway was refused because two earlier ones still ran;
    worker processes are killed at the limit, so every runaway gets its own full time and an
    ordinary query is answered right after."""
    import pyoxigraph as ox

    from fixtures.example import RUNAWAY_TRIPLES, UNENDING_QUERY
    from govgraph.store.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path / "store" if persisted else None, timeout=1.0,
                          query_processes=2)
    try:
        store.restore(
            ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode("http://example.org/p"),
                    ox.Literal(str(i)))
            for i in range(RUNAWAY_TRIPLES))
        store.update("INSERT DATA { <http://example.org/new> <http://example.org/p> 1 }")
        for _ in range(4):
            with pytest.raises(QueryTimeout, match="was stopped"):
                store.query(UNENDING_QUERY, isolated=True)
        ask = "ASK { <http://example.org/new> ?p ?o }"
        assert store.query(ask, isolated=True).boolean is True
        store.update("INSERT DATA { <http://example.org/newer> <http://example.org/p> 2 }")
        ask = "ASK { <http://example.org/newer> ?p ?o }"
        assert store.query(ask, isolated=True).boolean is True
        construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"
        graph = store.query(construct, isolated=True).graph
        assert graph is not None and len(graph) == 3
        with pytest.raises(QueryError, match="line 1"):
            store.query("SELECT * WHERE { ?s ?p }", isolated=True)
    finally:
        store.close()


def test_a_method_not_allowed_names_the_allowed_ones(server):
    request = urllib.request.Request(f"{server}/api/queries", method="DELETE")
    status, headers, body = send(request)
    assert status == 405
    assert "GET" in headers["Allow"]
    assert "error" in json.loads(body)


@pytest.mark.parametrize("query", [
    "SELECT * { ?s ?p ?o .SERVICE <URL> {} }",
    "SELECT * { ?o.SERVICE <URL> {} }",
    "SELECT * { ?s ?p 'x'SERVICE <URL> {} }",
    "SELECT * { ?s ex:a\\#x SERVICE <URL> { } }",
    "SELECT * { ?s \\u0053ERVICE <URL> {} }",
], ids=["after-dot", "after-variable", "after-string", "escaped-hash", "codepoint-escape"])
def test_service_cannot_be_hidden_from_the_scanner(server, recorder, query):
    text = "PREFIX ex: <http://example.org/> " + query.replace("URL", recorder.url)
    status, _, _ = get(f"{server}/sparql?query=" + urllib.parse.quote(text))
    assert status == 400
    assert recorder.connections == 0


def test_brackets_inside_what_reads_as_an_iri_still_count(server):
    query = "SELECT * { ?s ?p ?o FILTER(?o <" + "(" * DEEP + "1" + ")" * DEEP + "> ?o) }"
    status, _, body = get(f"{server}/sparql?query=" + urllib.parse.quote(query))
    assert status == 400 and "GOVGRAPH_MAX_QUERY_DEPTH" in body
    assert alive(server)


def test_snapshots_of_a_killed_process_are_removed(tmp_path, monkeypatch):
    import tempfile

    from govgraph.store.embedded import SNAPSHOTS, EmbeddedStore

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess_pid_that_ended()
    orphan = tmp_path / f"{SNAPSHOTS}{dead}-abc"
    orphan.mkdir()
    store = EmbeddedStore(timeout=5.0, query_processes=1)
    try:
        assert store.query("ASK { ?s ?p ?o }", isolated=True).boolean is False
        assert not orphan.exists()
        assert len(list(tmp_path.glob(f"{SNAPSHOTS}*"))) == 1  # this store's own
    finally:
        store.close()


def subprocess_pid_that_ended() -> int:
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid
