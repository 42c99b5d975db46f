"""govgraph on a real remote SPARQL 1.1 server: Oxigraph's own server (`oxigraph serve`).

The `oxigraph` command comes from the `oxigraph` PyPI package (installed with the test
extra); these tests only skip when it is absent. Each server runs on 127.0.0.1 on a free port
with its data in a temporary folder, and is stopped when its tests end.

What is checked: govgraph loads the bundled graph into the server; every saved query gives the
same answer through a SparqlStore as through the embedded store (in order where the query has
ORDER BY); the web app runs on a SparqlStore; a proposal approved through the workflow is
written to the server and seen by a fresh client; `govgraph serve --store sparql` serves it.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from govgraph.changes import ChangeRequest
from govgraph.config import Settings
from govgraph.queries import QueryLibrary, run_saved_query
from govgraph.store import EmbeddedStore, QueryResult, SparqlStore, open_store
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

ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
SEPARATOR = re.compile(r"[;,] ")


# --- The server ----------------------------------------------------------------------------


def oxigraph_command() -> str | None:
    """The `oxigraph` executable: on PATH, or beside this Python (an unactivated venv)."""
    found = shutil.which("oxigraph")
    if found:
        return found
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 30.0) -> None:
    """Poll `url` until it answers 200; fail with the process's output if it dies or hangs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            pytest.fail(f"the server exited with {process.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(f"{url} did not answer within {seconds:g} seconds")


def start(command: list[str], log: Path, **options: object) -> subprocess.Popen[bytes]:
    """Start a server process, its output going to `log` (a pipe nobody reads could fill)."""
    with log.open("wb") as output:
        return subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, **options)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class OxigraphServer:
    url: str
    process: subprocess.Popen[bytes]

    @property
    def query_endpoint(self) -> str:
        return f"{self.url}/query"

    @property
    def update_endpoint(self) -> str:
        return f"{self.url}/update"

    def settings(self) -> Settings:
        return Settings(
            project_root=ROOT,
            store="sparql",
            query_endpoint=self.query_endpoint,
            update_endpoint=self.update_endpoint,
            query_timeout=30.0,
        )


def start_oxigraph(location: Path) -> OxigraphServer:
    command = oxigraph_command()
    if command is None:
        pytest.skip("the `oxigraph` command (PyPI package `oxigraph`) is not installed")
    port = free_port()
    log = location.parent / f"{location.name}.log"
    process = start(
        [command, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"], log
    )
    server = OxigraphServer(f"http://127.0.0.1:{port}", process)
    try:
        wait_for(f"{server.query_endpoint}?query={urllib.parse.quote('ASK {}')}", process, log)
    except BaseException:
        stop(process)
        raise
    return server


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A server holding the bundled graph, loaded through govgraph (read-only tests)."""
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    try:
        yield server
    finally:
        stop(server.process)


@pytest.fixture(scope="module")
def remote(oxigraph: OxigraphServer) -> SparqlStore:
    store = open_store(oxigraph.settings())  # finds the server empty and loads the bundle
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


@pytest.mark.parametrize(
    ("name", "params"), CASES, ids=[f"{n}-{'-'.join(p) or 'all'}" for n, p in CASES]
)
def test_saved_query_answers_equal_the_embedded_store(name, params, remote, embedded, library):
    query = library.get(name)
    here = run_saved_query(embedded, query, params)
    there = run_saved_query(remote, query, params)
    assert there.kind == here.kind
    assert there.variables == here.variables
    assert Counter(_rows(there)) == Counter(_rows(here))
    keys = _order_keys(query.text, here)
    assert [_key(row, keys) for row in there.rows] == [_key(row, keys) for row in here.rows]


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


def test_the_web_app_runs_on_the_remote_store(oxigraph, remote, embedded, library):
    app = create_app(
        oxigraph.settings(), store=SparqlStore(oxigraph.query_endpoint, oxigraph.update_endpoint)
    )
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
    from govgraph.proposals import APPROVED, Workflow

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

        fresh = SparqlStore(server.query_endpoint)  # nothing shared with the workflow's client
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
def test_govgraph_serve_on_the_remote_store(configured_by, oxigraph, remote, tmp_path: Path):
    port = free_port()
    env = {**os.environ, "GOVGRAPH_ROOT": str(ROOT), "GOVGRAPH_STATE_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "govgraph.cli", "serve", "--port", str(port)]
    if configured_by == "options":
        command += [
            "--store",
            "sparql",
            "--query-endpoint",
            oxigraph.query_endpoint,
            "--update-endpoint",
            oxigraph.update_endpoint,
        ]
    else:
        env.update(
            GOVGRAPH_STORE="sparql",
            GOVGRAPH_QUERY_ENDPOINT=oxigraph.query_endpoint,
            GOVGRAPH_UPDATE_ENDPOINT=oxigraph.update_endpoint,
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
