"""govgraph on real remote SPARQL 1.1 servers: Oxigraph's own server (`oxigraph serve`) and
OpenLink Virtuoso 7 (tests/fixtures/stores.py starts each on 127.0.0.1 with a throwaway
database, and skips only when its program is absent).

What is checked: govgraph loads the bundled graph into the server; every saved query gives the
same answer through a SparqlStore as through the embedded store (in order where the query has
ORDER BY); the web app runs on a SparqlStore; a proposal approved through the workflow is
written to the server and seen by a fresh client; `govgraph serve --store sparql` serves it.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from fixtures.crash import pause_at
from fixtures.stores import (
    VIRTUOSO_MAX_ROWS,
    VIRTUOSO_PASSWORD,
    VIRTUOSO_USER,
    OxigraphServer,
    VirtuosoServer,
    free_port,
    start,
    start_oxigraph,
    start_virtuoso,
    stop,
    wait_for,
)
from govgraph.changes.request import ChangeRequest
from govgraph.config import Settings
from govgraph.errors import QueryError, StoreConflict, StoreError
from govgraph.queries.library import QueryLibrary
from govgraph.queries.running import run_saved_query
from govgraph.sparql.results import QueryResult
from govgraph.store import open_store
from govgraph.store.embedded import EmbeddedStore
from govgraph.store.remote import SparqlStore, in_graph
from govgraph.web import create_app

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/govgraph/id/"
BODY = ID + "body/"
PERSON = ID + "person/"
MEETING = ID + "meeting/"
SSOG = BODY + "ssog"
SSOG_2009 = MEETING + "ssog-2009-09-02"
LT = BODY + "leicestershire-together"

# Every saved query, with the parameters of tests/test_contract_queries.py (and like ones for
# the queries that file does not cover). A query missing here fails test_every_query_is_covered.
CASES: list[tuple[str, dict[str, str]]] = [
    ("bodies", {}),
    ("bodies", {"partnership": LT}),
    ("reporting-lines", {}),
    ("reporting-lines", {"date": "2006-06-13"}),
    ("reporting-lines", {"partnership": LT, "date": "2006-06-13"}),
    ("reports-to", {"body": BODY + "alcohol-task-and-finish-group"}),
    ("reports-to", {"body": BODY + "imag"}),
    ("reporting-into", {"body": SSOG}),
    ("members", {"body": SSOG, "date": "2006-06-13"}),
    ("members", {"body": SSOG}),
    ("memberships-of", {"person": PERSON + "catherine-griffiths"}),
    ("meetings", {"body": SSOG}),
    ("meetings", {}),
    ("attendance", {"meeting": SSOG_2009}),
    ("substitutes", {"meeting": SSOG_2009}),
    ("decisions", {"body": SSOG, "text": "commissioning"}),
    ("decisions", {"body": SSOG, "from": "2006-06-13", "to": "2006-06-13"}),
    ("actions", {"assignee": PERSON + "andy-robinson"}),
    ("actions", {"body": SSOG}),
    ("structure-changes", {"from": "2009-09-02", "to": "2009-09-02"}),
    ("structure-changes", {}),
    ("structure-changes", {"partnership": LT}),
    ("actions-awaiting-report", {}),
    ("bodies-without-meetings", {}),
    ("body-profile", {"body": SSOG}),
    ("decisions-changing-bodies", {}),
    ("meeting-minutes", {"meeting": SSOG_2009}),
    ("memberships-as-at", {"date": "2006-06-13"}),
    ("name-variants", {}),
    ("people", {}),
    ("person-attendance", {"person": PERSON + "catherine-griffiths"}),
    ("attendance-statistics", {}),
    ("attendance-statistics", {"body": SSOG}),
    ("attendance-statistics", {"person": PERSON + "catherine-griffiths"}),
    ("proposed-memberships", {}),
    ("search", {"text": "commissioning"}),
    ("sources", {"resource": SSOG}),
    ("structure-as-at", {"date": "2007-01-01"}),
    ("structure-differences", {"from": "2006-06-13", "to": "2009-09-02"}),
    ("terms-of-reference", {"body": SSOG}),
    ("theme-partnership-links", {}),
]

pytestmark = pytest.mark.remote

CASE_IDS = [f"{n}-{'-'.join(p) or 'all'}" for n, p in CASES]


ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
SEPARATOR = re.compile(r"[;,] ")


# --- The server ----------------------------------------------------------------------------


def _until_done(server: OxigraphServer | VirtuosoServer) -> Iterator:
    try:
        yield server
    finally:
        stop(server.process)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A server holding the bundled graph, loaded through govgraph (read-only tests)."""
    yield from _until_done(start_oxigraph(tmp_path_factory.mktemp("oxigraph")))


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    yield from _until_done(start_virtuoso(tmp_path_factory.mktemp("virtuoso")))


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request: pytest.FixtureRequest) -> OxigraphServer | VirtuosoServer:
    """Each real server in turn, holding the bundled graph loaded through govgraph."""
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def remote(server: OxigraphServer | VirtuosoServer) -> SparqlStore:
    store = open_store(server.settings())  # finds govgraph's graph empty and loads the bundle
    assert isinstance(store, SparqlStore)
    return store


@pytest.fixture(scope="module")
def embedded() -> EmbeddedStore:
    store = open_store(Settings(project_root=ROOT, store="memory"))
    assert isinstance(store, EmbeddedStore)
    return store


@pytest.fixture(scope="module")
def library() -> QueryLibrary:
    return QueryLibrary(ROOT / "queries")


# --- Comparing answers ------------------------------------------------------------------------


def _term(value: Node) -> Node | tuple[str, ...] | str:
    """A term as compared: blank node labels differ between stores, and GROUP_CONCAT joins
    its parts in the order the store meets them, which depends on how the data was loaded."""
    if isinstance(value, BNode):
        return "_:blank"
    if isinstance(value, Literal) and SEPARATOR.search(value):
        return (value.datatype or "", value.language or "", *sorted(SEPARATOR.split(str(value))))
    return value


def _rows(result: QueryResult) -> list[tuple[tuple[str, Node | str], ...]]:
    return [tuple(sorted((k, _term(v)) for k, v in row.items())) for row in result.rows]


def _order_keys(text: str, result: QueryResult) -> list[str]:
    """The ORDER BY variables whose values fix the order both stores must agree on.

    Rows that tie on the ORDER BY keys may come in any order, so only the sequence of the key
    values is compared: the projected variables of the ORDER BY clause, up to the first that is
    not projected or holds a blank node (whose order is the store's own).
    """
    clause = ORDER_BY.split(text)[-1] if ORDER_BY.search(text) else ""
    keys: list[str] = []
    for name in dict.fromkeys(re.findall(r"[?$]([A-Za-z0-9_]+)", clause)):
        if name not in result.variables or any(
            isinstance(row.get(name), BNode) for row in result.rows
        ):
            break
        keys.append(name)
    return keys


def _key(row: dict[str, Node], keys: list[str]) -> tuple[str | None, ...]:
    """The row's ORDER BY values; literals in lower case (queries sort names by LCASE)."""
    return tuple(
        (str(row[k]).lower() if isinstance(row[k], Literal) else str(row[k])) if k in row else None
        for k in keys
    )


# --- Tests ------------------------------------------------------------------------------------


def test_every_query_is_covered(library: QueryLibrary):
    assert sorted(library.names()) == sorted({name for name, _ in CASES})


def test_the_bundled_graph_is_loaded_through_govgraph(remote, embedded):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    remote_count = int(remote.query(count).rows[0]["n"])
    assert remote_count > 1000
    assert remote_count == int(embedded.query(count).rows[0]["n"])
    assert remote.query(f"ASK {{ <{SSOG}> ?p ?o }}").boolean is True
    assert remote.version() != "0"  # the load recorded a version on the server


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_saved_query_answers_equal_the_embedded_store(name, params, remote, embedded, library):
    _assert_same_answers(library.get(name), params, remote, embedded)


# Texts that many kinds of record hold, and characters outside ASCII: snippets and labels are
# cut from texts with dashes and pound signs, which engines that count bytes would garble.
@pytest.mark.parametrize("text", ["board", "group", "£", "–", "first contact"])
def test_search_answers_equal_the_embedded_store_for_any_text(text, remote, embedded, library):
    _assert_same_answers(library.get("search"), {"text": text}, remote, embedded)


def _assert_same_answers(query, params, remote, embedded) -> None:
    here = run_saved_query(embedded, query, params)
    there = run_saved_query(remote, query, params)
    assert there.kind == here.kind
    assert there.variables == here.variables
    assert Counter(_rows(there)) == Counter(_rows(here))
    keys = _order_keys(query.text, here)
    assert [_key(row, keys) for row in there.rows] == [_key(row, keys) for row in here.rows]


def test_booleans_come_back_as_the_embedded_store_gives_them(remote, embedded):
    """Stored and computed booleans are the same terms on every store (Virtuoso's JSON writes
    them 1 and 0, read back as the canonical true and false)."""
    query = ("SELECT ?body ?top ?given WHERE { ?body <https://w3id.org/govgraph/def#isTopLevel>"
             " ?top BIND(xsd:boolean(?top = true) AS ?given) }")
    query = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" + query
    there, here = remote.query(query), embedded.query(query)
    assert {str(row["top"]) for row in here.rows} == {"true", "false"}
    assert Counter(_rows(there)) == Counter(_rows(here))


def test_the_contract_answers_hold_on_the_remote_store(remote, library):
    """Spot checks from the source documents, asked of the server alone."""
    members = run_saved_query(remote, library.get("members"), {"body": SSOG, "date": "2006-06-13"})
    certain = [r for r in members.rows if str(r["certainty"]) == "certain"]
    assert len(certain) == 14  # 000 minute 3(ii): thirteen members and an observer
    chain = run_saved_query(remote, library.get("reports-to"), {"body": BODY + "imag"})
    assert [str(r["ancestor"]) for r in chain.rows] == [
        SSOG,
        BODY + "leicestershire-together-board",
    ]


# Well-formed SPARQL 1.1 that Virtuoso 7.2.5 cannot run: a zero-or-one path from a VALUES
# variable ("transitive start not given"); the saved queries avoid it.
VIRTUOSO_CANNOT_RUN = """#+ summary: A body and the bodies that report to it
SELECT ?body WHERE { ?_from_iri ^<http://www.w3.org/ns/org#reportsTo>? ?body }
"""


def test_a_store_failure_is_a_502_with_the_stores_message(virtuoso, tmp_path: Path):
    """A query the store cannot run is the store's failure, not the client's: 502 with the
    store's own message, and (from the query API) the query it was sent."""
    (tmp_path / "below.rq").write_text(VIRTUOSO_CANNOT_RUN, encoding="utf-8")
    client = create_app(virtuoso.settings(queries_dir=tmp_path)).test_client()
    response = client.get("/api/queries/below", query_string={"from": SSOG})
    assert response.status_code == 502
    body = response.get_json()
    assert "Virtuoso" in body["error"] and "transitive start not given" in body["error"]
    assert "reportsTo" in body["query"] and f"<{SSOG}>" in body["query"]
    query = VIRTUOSO_CANNOT_RUN.split("\n", 1)[1].replace(
        "{", f"{{ VALUES ?_from_iri {{ <{SSOG}> }}", 1)
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 502
    assert "transitive start not given" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["SELEC ?s WHERE { ?s ?p ?o }",
                                   "SELECT ?s WHERE { ?s ?p ?o ",
                                   "SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"],
                         ids=["misspelt", "unclosed", "ungrouped"])
def test_a_clients_malformed_query_is_a_400_found_before_the_store(server, remote, query):
    """The client's own malformed query, at /sparql on a remote store, is a 400 naming where
    it is wrong, found by govgraph's parser: not a 502 relaying the store's refusal."""
    client = create_app(server.settings(), store=remote).test_client()
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert text.startswith("malformed SPARQL: line 1, column")
    assert "Virtuoso" not in text


def test_a_store_that_refuses_the_load_leaves_nothing_half_loaded(virtuoso):
    """Without credentials Virtuoso refuses writes: govgraph says so and does not start."""
    settings = virtuoso.settings(store_user=None, store_password=None,
                                 store_graph="https://w3id.org/govgraph/id/refused-graph")
    with pytest.raises(StoreError, match="did not take govgraph's graph") as refused:
        open_store(settings)
    assert "401" in refused.value.message or "Unauthorized" in refused.value.message
    probe = SparqlStore(virtuoso.query_endpoint, graph=settings.store_graph)
    assert probe.is_empty()


@pytest.mark.parametrize("graph_store", [False, True], ids=["insert-data", "graph-store"])
def test_whole_graph_reads_are_complete_beyond_the_stores_cap(virtuoso, embedded, graph_store):
    """Virtuoso silently cuts every answer at its ResultSetMaxRows (set to 5,000 here, below
    the bundle's size), a Graph Store Protocol GET included: the copy is checked against the
    store's count, pages below the cap, and matches the embedded store; pages above the cap
    are an error, not a copy."""
    settings = virtuoso.settings(graph_store=graph_store,
                                 store_graph=f"https://w3id.org/govgraph/id/copy-{graph_store}")
    store = open_store(settings)
    assert isinstance(store, SparqlStore)
    store.read_page = 1000
    copy = store.graph()
    assert len(copy) > VIRTUOSO_MAX_ROWS
    assert len(copy) == store.count() == len(embedded.graph())
    store.read_page = VIRTUOSO_MAX_ROWS + 1000  # each page now cut by the store
    with pytest.raises(StoreError, match="capped"):
        store.graph()


def test_the_web_app_runs_on_the_remote_store(server, remote, embedded, library):
    app = create_app(server.settings(), store=remote)
    client = app.test_client()
    response = client.get(
        "/api/queries/members",
        query_string={"body": SSOG, "date": "2006-06-13"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    bindings = response.get_json()["results"]["bindings"]
    assert len([b for b in bindings if b["certainty"]["value"] == "certain"]) == 14
    expected = run_saved_query(
        embedded, library.get("members"), {"body": SSOG, "date": "2006-06-13"}
    )
    assert sorted(b["member"]["value"] for b in bindings) == sorted(
        str(r["member"]) for r in expected.rows
    )
    missing = client.get("/api/queries/members")
    assert missing.status_code == 400
    assert missing.get_json()["parameter"] == "body"


NEW_GROUP = ChangeRequest(
    add="""
<body/remote-test-group> a org:Organization , gg:TaskAndFinishGroup ;
    skos:prefLabel "Remote Test Task and Finish Group"@en ;
    org:reportsTo <body/ssog> .
<line/remote-test-group--ssog> a gg:ReportingLine ;
    gg:fromBody <body/remote-test-group> ; gg:toBody <body/ssog> ;
    gg:lineKind lk:hierarchical ;
    prov:wasDerivedFrom <doc/ssog-notes-2009-09-02> .
""",
    description="A task and finish group under SSOG, approved against the remote store",
)


def test_an_approved_change_is_written_to_the_remote_store(tmp_path: Path):
    from govgraph.workflow.proposals import APPROVED
    from govgraph.workflow.workflow import Workflow

    server = start_oxigraph(tmp_path / "oxigraph")
    try:
        settings = server.settings()
        store = open_store(settings)
        workflow = Workflow.open(settings, store, directory=tmp_path / "state")
        proposal, report = workflow.propose(NEW_GROUP, author="drafter")
        assert report.conforms, report.summary()
        approved = workflow.approve(
            proposal.id, "approver", SSOG_2009 + "/minute/273/decision/ii", "2009-09-03"
        )
        assert approved.status == APPROVED

        # nothing shared with the workflow's client
        fresh = SparqlStore(server.query_endpoint, graph=settings.store_graph)
        group = URIRef(BODY + "remote-test-group")
        assert (
            fresh.query(
                f"ASK {{ <{group}> <http://www.w3.org/ns/org#reportsTo> <{SSOG}> }}"
            ).boolean
            is True
        )
        into = run_saved_query(
            fresh, QueryLibrary(ROOT / "queries").get("reporting-into"), {"body": SSOG}
        )
        assert group in {r["descendant"] for r in into.rows}
        event = approved.approval["changeEvent"]
        assert (
            event
            and fresh.query(f"ASK {{ <{event}> a <http://www.w3.org/ns/org#ChangeEvent> }}").boolean
            is True
        )
        assert fresh.version() == store.version()
    finally:
        stop(server.process)


@pytest.mark.parametrize("configured_by", ["options", "environment"])
def test_govgraph_serve_on_the_remote_store(configured_by, server, remote, tmp_path: Path):
    port = free_port()
    env = {**os.environ, "GOVGRAPH_ROOT": str(ROOT), "GOVGRAPH_STATE_DIR": str(tmp_path)}
    if isinstance(server, VirtuosoServer):  # credentials from a file, never the command line
        secrets = tmp_path / "store-secrets"
        secrets.write_text(f"user = {VIRTUOSO_USER}\npassword = {VIRTUOSO_PASSWORD}\n"
                           "auth = digest\n", encoding="utf-8")
        env["GOVGRAPH_STORE_SECRETS_FILE"] = str(secrets)
    command = [sys.executable, "-m", "govgraph.cli", "serve", "--port", str(port)]
    if configured_by == "options":
        command += [
            "--store",
            "sparql",
            "--query-endpoint",
            server.query_endpoint,
            "--update-endpoint",
            server.update_endpoint,
        ]
    else:
        env.update(
            GOVGRAPH_STORE="sparql",
            GOVGRAPH_QUERY_ENDPOINT=server.query_endpoint,
            GOVGRAPH_UPDATE_ENDPOINT=server.update_endpoint,
        )
    log = tmp_path / "serve.log"
    process = start(command, log, env=env)
    try:
        url = f"http://127.0.0.1:{port}/api/queries/bodies"
        wait_for(url, process, log, seconds=60)
        request = urllib.request.Request(url, headers={"Accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=30) as response:
            lines = response.read().decode("utf-8").splitlines()
        assert lines[0].split(",")[:2] == ["body", "label"]
        assert any(line.startswith(SSOG + ",") for line in lines)
        assert len(lines) - 1 == len(
            run_saved_query(remote, QueryLibrary(ROOT / "queries").get("bodies"), {}).rows
        )
    finally:
        stop(process)


@pytest.mark.parametrize("update", [
    "DELETE WHERE { ?s ?p ?o }",
    "INSERT DATA { GRAPH <urn:other> { <urn:a> <urn:b> <urn:c> } }",
    "DROP ALL",
])
def test_only_data_updates_reach_govgraphs_graph(update):
    """A remote store may hold other data: an update that could touch it is refused."""
    with pytest.raises(QueryError):
        in_graph(update, "https://w3id.org/govgraph/id/graph")


def test_data_updates_are_written_into_govgraphs_graph():
    graph = "https://w3id.org/govgraph/id/graph"
    written = in_graph(f"INSERT DATA {{ _:b1 <urn:p> \"_:b2\" }} ;\n{_marker()}", graph)
    store = ox.Store()  # as a remote store takes it: the text as written
    store.update(written)
    rows = store.query(f"SELECT ?s ?o WHERE {{ GRAPH <{graph}> {{ ?s <urn:p> ?o }} }}")
    assert [(row["s"].value, row["o"].value) for row in rows] == [
        ("https://w3id.org/govgraph/.well-known/genid/b1", "_:b2")]  # the literal untouched
    assert store.query("ASK { GRAPH <urn:govgraph:meta> { ?s <urn:marker> 7 } }")


def _marker() -> str:
    return ("DELETE WHERE { GRAPH <urn:govgraph:meta> { <urn:govgraph:meta> <urn:marker> ?n } } ;"
            "\nINSERT DATA { GRAPH <urn:govgraph:meta> { <urn:govgraph:meta> <urn:marker> 7 } }")


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_a_write_is_confirmed_and_a_concurrent_writer_is_refused(kind, tmp_path: Path):
    """Two servers on one store: each write swaps the graph version kept in the store; a
    write from a server that has not seen the other's change is refused (409) and writes
    nothing, and the store keeps the other's change."""
    server = start_oxigraph(tmp_path / "ox") if kind == "oxigraph" else start_virtuoso(
        tmp_path / "virtuoso")
    try:
        settings = server.settings(data_files=[], ontology_files=[ROOT / "ontology" / "vocab.ttl"])
        first = open_store(settings)
        second = open_store(settings)
        assert isinstance(first, SparqlStore) and isinstance(second, SparqlStore)
        before = first.version()
        second.version()
        first.update("INSERT DATA { <urn:a> <urn:p> _:first }")
        assert first.version() != before
        with pytest.raises(StoreConflict, match="another writer"):
            second.update("INSERT DATA { <urn:b> <urn:p> <urn:second> }")
        check = SparqlStore(server.query_endpoint, graph=settings.store_graph)
        assert check.query("ASK { <urn:a> <urn:p> ?o }").boolean is True
        assert check.query("ASK { <urn:b> ?p ?o }").boolean is False
        second.version()  # it looks again, then its write lands
        second.update("DELETE DATA { <urn:a> <urn:p> _:first } ;\n"
                      "INSERT DATA { <urn:b> <urn:p> <urn:second> }")
        assert check.query("ASK { <urn:b> <urn:p> <urn:second> }").boolean is True
        assert check.query("ASK { <urn:a> ?p ?o }").boolean is False
    finally:
        stop(server.process)


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_an_approval_meeting_another_writer_stays_pending(kind, tmp_path: Path, monkeypatch):
    """Another server writes to the store after this one checked the approval and before it
    writes: the approval is refused (StoreConflict, 409), the proposal stays pending, the
    history gains no change set and the store keeps only the other's change; approved again,
    it is checked against the store as it now is and lands."""
    from govgraph.workflow.proposals import APPROVED, PENDING
    from govgraph.workflow.workflow import Workflow

    server = start_oxigraph(tmp_path / "ox") if kind == "oxigraph" else start_virtuoso(
        tmp_path / "virtuoso")
    try:
        settings = server.settings()
        store = open_store(settings)
        assert isinstance(store, SparqlStore)
        state = tmp_path / "state"
        workflow = Workflow.open(settings, store, directory=state)
        proposal, report = workflow.propose(NEW_GROUP, author="drafter")
        assert report.conforms, report.summary()
        decision = SSOG_2009 + "/minute/273/decision/ii"
        workflow.on_step = pause_at("checked", state, seconds=3)
        outcome: dict[str, object] = {}

        def approve() -> None:
            try:
                outcome["approved"] = workflow.approve(proposal.id, "approver", decision,
                                                       "2009-09-03")
            except Exception as exc:  # noqa: BLE001 — the outcome is what is asserted
                outcome["error"] = exc

        approving = threading.Thread(target=approve)
        approving.start()
        paused = state / "paused-at-checked"
        deadline = time.monotonic() + 60
        while not paused.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        other = open_store(settings)  # another app server on the same store
        other.update("INSERT DATA { <urn:other-writer> <urn:wrote> <urn:this> }")
        approving.join(timeout=120)
        workflow.on_step = None
        assert isinstance(outcome.get("error"), StoreConflict), outcome
        assert workflow.files.get(proposal.id).status == PENDING
        assert workflow.files.log.last() == 0
        group = f"<{BODY}remote-test-group>"
        assert store.query(f"ASK {{ {group} ?p ?o }}").boolean is False
        assert store.query("ASK { <urn:other-writer> ?p ?o }").boolean is True
        approved = workflow.approve(proposal.id, "approver", decision, "2009-09-03")
        assert approved.status == APPROVED
        assert store.query(f"ASK {{ {group} ?p ?o }}").boolean is True
        assert store.query("ASK { <urn:other-writer> ?p ?o }").boolean is True
    finally:
        stop(server.process)


APPROVE_IN_A_CHILD = """
import sys
from govgraph.config import Settings
from govgraph.workflow.workflow import Workflow
from govgraph.store import open_store
from fixtures.crash import install_from_env
settings = Settings.from_env()
workflow = Workflow.open(settings, open_store(settings), directory=sys.argv[1])
install_from_env(workflow)
workflow.approve(sys.argv[2], "approver", sys.argv[3], "2009-09-03")
"""


@pytest.mark.parametrize("step", ["checked", "committed", "store-updated"])
def test_an_app_killed_mid_approval_restarts_with_store_and_history_agreeing(
    step, tmp_path: Path
):
    """govgraph killed at each step of an approval on Virtuoso: after a restart (recovery
    re-checks the store's record of the last change set it holds) either the change is in the
    history, the store and the proposal is approved, or it is in none and still pending.

    Each step has a Virtuoso of its own: the shared one may still be busy with queries its
    earlier clients gave up on (Virtuoso runs them on to its own limit)."""
    virtuoso = start_virtuoso(tmp_path / "virtuoso")
    try:
        _killed_mid_approval(step, virtuoso, tmp_path)
    finally:
        stop(virtuoso.process)


def _killed_mid_approval(step: str, virtuoso: VirtuosoServer, tmp_path: Path) -> None:
    from govgraph.workflow.proposals import APPROVED, PENDING
    from govgraph.workflow.workflow import Workflow

    graph = f"https://w3id.org/govgraph/id/killed-at-{step}"
    settings = virtuoso.settings(store_graph=graph)
    state = tmp_path / "state"
    workflow = Workflow.open(settings, open_store(settings), directory=state)
    proposal, report = workflow.propose(NEW_GROUP, author="drafter")
    assert report.conforms, report.summary()
    secrets = tmp_path / "store-secrets"
    secrets.write_text(f"user = {VIRTUOSO_USER}\npassword = {VIRTUOSO_PASSWORD}\n"
                       "auth = digest\n", encoding="utf-8")
    env = {**os.environ, "GOVGRAPH_ROOT": str(ROOT), "GOVGRAPH_STORE": "sparql",
           "GOVGRAPH_QUERY_ENDPOINT": virtuoso.query_endpoint,
           "GOVGRAPH_UPDATE_ENDPOINT": virtuoso.update_endpoint,
           "GOVGRAPH_STORE_GRAPH": graph, "GOVGRAPH_STORE_SECRETS_FILE": str(secrets),
           "GOVGRAPH_TEST_PAUSE_AT": step, "GOVGRAPH_TEST_PAUSE_KILL": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "server"), str(ROOT / "tests")])}
    child = subprocess.run(
        [sys.executable, "-c", APPROVE_IN_A_CHILD, str(state), proposal.id,
         SSOG_2009 + "/minute/273/decision/ii"],
        env=env, capture_output=True, text=True, timeout=300)
    assert child.returncode == -signal.SIGKILL, child.stderr

    store = open_store(settings)
    restarted = Workflow.open(settings, store, directory=state)
    in_store = store.query(f"ASK {{ <{BODY}remote-test-group> ?p ?o }}").boolean
    status = restarted.files.get(proposal.id).status
    if restarted.files.log.last() == 1:
        assert (in_store, status) == (True, APPROVED)
    else:
        assert (in_store, status) == (False, PENDING)
    assert restarted.files.log.last() == (0 if step == "checked" else 1)
