"""govgraph's data in a named graph of the embedded store, so that a store shared with other
data works: the other data is never in an answer, never touched by a write, and does not make
the store look loaded; a client's FROM / FROM NAMED / GRAPH mean what SPARQL says; a folder
from before the named graph is moved into it (or refused when it cannot be)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from fixtures.example import BODY, FIXTURE_FILES, example_app, example_settings
from govgraph.config import Settings
from govgraph.errors import GovgraphError, QueryError
from govgraph.queries.library import QueryLibrary
from govgraph.queries.running import run_saved_query
from govgraph.rdf.namespaces import ORG, SKOS
from govgraph.sparql.binding import names_dataset
from govgraph.store import open_store
from govgraph.store.common import DEFAULT_STORE_GRAPH, META_GRAPH, VERSION_PROPERTY
from govgraph.store.embedded import EmbeddedStore
from govgraph.workflow.workflow import Workflow
from test_proposals import BOARD, NEW_GROUP, make_settings
from test_remote_store import CASES, SSOG, _key, _order_keys, _rows

OTHER_GRAPH = "http://example.org/someone-elses-graph"
OTHER_BODY = "http://example.org/other/body"
# Someone else's data, written to tempt govgraph's queries: a body under the SSOG, another
# name for the SSOG, a word the search looks for.
OTHER_DATA = f"""
<{OTHER_BODY}> a <http://www.w3.org/ns/org#Organization> ;
    <http://www.w3.org/2004/02/skos/core#prefLabel> "Other data's commissioning body"@en ;
    <http://www.w3.org/ns/org#reportsTo> <{SSOG}> .
<{SSOG}> <http://www.w3.org/2004/02/skos/core#altLabel> "Other data's name for the SSOG"@en .
"""
ASK_OTHER = f"ASK {{ <{OTHER_BODY}> ?p ?o }}"
EXECUTIVE = f"<{BODY}example-executive> ?p ?o"  # a pattern only govgraph's graph matches
ASK_EXECUTIVE = f"ASK {{ {EXECUTIVE} }}"


def seed_other_data(path: Path) -> None:
    """A store folder that already holds other data: in a named graph and the default graph."""
    store = ox.Store(str(path))
    store.load(OTHER_DATA.encode(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(OTHER_GRAPH))
    store.load(OTHER_DATA.encode(), ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    store.flush()
    del store


def quads_in(path: Path, graph: ox.NamedNode | ox.DefaultGraph) -> set[ox.Quad]:
    """What a store folder holds in `graph`, as another program opening it would see."""
    store = ox.Store.read_only(str(path))
    try:
        return set(store.quads_for_pattern(None, None, None, graph))
    finally:
        del store


def fixture_graph() -> Graph:
    graph = Graph()
    for path in FIXTURE_FILES:
        graph.parse(path, format="turtle")
    return graph


# --- a store shared with other data --------------------------------------------------------


@pytest.fixture(scope="module")
def shared_and_plain(tmp_path_factory) -> tuple[EmbeddedStore, EmbeddedStore]:
    """The bundled graph in a folder that already held other data, and alone in memory."""
    path = tmp_path_factory.mktemp("shared") / "store"
    path.mkdir()
    seed_other_data(path)
    shared = open_store(Settings(store="oxigraph", store_path=path))
    plain = open_store(Settings(store="memory"))
    yield shared, plain
    shared.close()


@pytest.mark.slow
def test_other_graphs_do_not_make_the_store_look_loaded(shared_and_plain):
    shared, plain = shared_and_plain
    assert shared.query(f"ASK {{ <{SSOG}> ?p ?o }}").boolean is True  # the bundle was loaded
    assert shared.ntriples().count(b"\n") == plain.ntriples().count(b"\n")
    assert isomorphic(shared.graph(), plain.graph())  # dumps and exports: the same content


@pytest.mark.parametrize(("name", "params"), CASES, ids=[f"{n}-{'-'.join(p) or 'all'}"
                                                         for n, p in CASES])
def test_saved_queries_answer_as_on_a_store_of_govgraphs_data_alone(shared_and_plain, name,
                                                                    params):
    shared, plain = shared_and_plain
    query = QueryLibrary(Settings().queries_dir).get(name)
    here, there = run_saved_query(plain, query, params), run_saved_query(shared, query, params)
    assert there.variables == here.variables
    assert Counter(_rows(there)) == Counter(_rows(here))
    keys = _order_keys(query.text, here)
    assert [_key(row, keys) for row in there.rows] == [_key(row, keys) for row in here.rows]
    assert "Other data" not in repr(there.rows)


def test_pages_and_the_endpoint_do_not_show_other_data(tmp_path):
    path = tmp_path / "store"
    path.mkdir()
    seed_other_data(path)
    store = EmbeddedStore(path)
    try:
        assert store.is_empty()
        store.load_files(FIXTURE_FILES)
        client = example_app(store).test_client()
        page = client.get("/bodies")
        assert page.status_code == 200
        assert "Example Executive" in page.get_data(as_text=True)
        assert "Other data" not in page.get_data(as_text=True)
        answer = client.get("/sparql", query_string={"query": ASK_OTHER})
        assert answer.get_json()["boolean"] is False
        named = client.get("/sparql", query_string={
            "query": f"ASK {{ GRAPH <{OTHER_GRAPH}> {{ <{OTHER_BODY}> ?p ?o }} }}"})
        assert named.get_json()["boolean"] is True  # asked for by name, as SPARQL says
    finally:
        store.close()


def test_approvals_and_restarts_leave_other_data_alone(tmp_path):
    path = tmp_path / "store"
    path.mkdir()
    seed_other_data(path)
    before = (quads_in(path, ox.NamedNode(OTHER_GRAPH)), quads_in(path, ox.DefaultGraph()))
    settings = make_settings(path)
    workflow = Workflow.open(settings, open_store(settings), directory=tmp_path / "state")
    proposal, report = workflow.propose(NEW_GROUP, author="d")
    assert report.conforms
    workflow.approve(proposal.id, "a", BOARD, "2010-01-01")
    added = (URIRef("https://w3id.org/govgraph/id/body/task-group"), ORG.reportsTo,
             URIRef("https://w3id.org/govgraph/id/body/theme-board"))
    assert added in workflow.store.graph()
    assert workflow.store.query(ASK_OTHER).boolean is False
    workflow.store.close()
    after = (quads_in(path, ox.NamedNode(OTHER_GRAPH)), quads_in(path, ox.DefaultGraph()))
    assert after == before
    written = quads_in(path, ox.NamedNode(DEFAULT_STORE_GRAPH))
    assert ox.Quad(*(ox.NamedNode(str(t)) for t in added),
                   ox.NamedNode(DEFAULT_STORE_GRAPH)) in written

    again = open_store(settings)  # a restart: nothing reloaded, nothing replayed twice
    Workflow.open(settings, again, directory=tmp_path / "state")
    assert added in again.graph()
    assert again.query(ASK_OTHER).boolean is False
    again.close()


# --- the dataset of a query ----------------------------------------------------------------


@pytest.fixture(scope="module", params=[False, True], ids=["thread", "worker-process"])
def mixed(request, tmp_path_factory):
    """The fixture graph beside other data; queries asked in a thread or a worker process."""
    path = tmp_path_factory.mktemp("mixed") / "store"
    path.mkdir()
    seed_other_data(path)
    store = EmbeddedStore(path, query_processes=1 if request.param else 0)
    store.load_files(FIXTURE_FILES)

    def ask(text: str, **dataset):
        return store.query(text, isolated=request.param, **dataset)

    yield ask
    store.close()


def subjects(result) -> set[str]:
    return {str(row["s"]) for row in result.rows}


def test_without_a_dataset_a_query_sees_govgraphs_graph(mixed):
    assert mixed(ASK_EXECUTIVE).boolean is True
    assert mixed(ASK_OTHER).boolean is False


def test_from_names_the_default_graph(mixed):
    other = mixed(f"SELECT DISTINCT ?s FROM <{OTHER_GRAPH}> WHERE {{ ?s ?p ?o }}")
    assert subjects(other) == {OTHER_BODY, SSOG}
    ours = mixed(f"ASK FROM <{DEFAULT_STORE_GRAPH}> {{ {EXECUTIVE} }}")
    assert ours.boolean is True


def test_from_named_and_graph(mixed):
    named = mixed(f"SELECT DISTINCT ?g FROM NAMED <{OTHER_GRAPH}> "
                  "WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert [str(row["g"]) for row in named.rows] == [OTHER_GRAPH]
    # with only FROM NAMED, the default graph is empty (SPARQL 1.1 Query §13.2)
    assert mixed(f"ASK FROM NAMED <{OTHER_GRAPH}> {{ ?s ?p ?o }}").boolean is False
    by_name = mixed(f"ASK {{ GRAPH <{DEFAULT_STORE_GRAPH}> {{ {EXECUTIVE} }} }}")
    assert by_name.boolean is True


def test_the_protocols_dataset_overrides(mixed):
    other = mixed("SELECT DISTINCT ?s WHERE { ?s ?p ?o }", default_graph_uris=[OTHER_GRAPH])
    assert subjects(other) == {OTHER_BODY, SSOG}


@pytest.mark.parametrize(("text", "names"), [
    ("SELECT * FROM <http://e/g> WHERE { ?s ?p ?o }", True),
    ("select * from named <http://e/g> where { graph ?g { ?s ?p ?o } }", True),
    ("PREFIX e: <http://e/> SELECT * FROM e:g { ?s ?p ?o }", True),
    ("SELECT * WHERE { ?s ?p 'FROM' } # FROM <http://e/g>", False),
    ("PREFIX from: <http://e/> SELECT * WHERE { ?s from:p ?o }", False),
    ("PREFIX e: <http://e/> SELECT (e:from(?o) AS ?x) WHERE { ?s ?p ?o }", False),
    ("SELECT * WHERE { ?s <http://e/FROM> ?o }", False),
])
def test_a_dataset_clause_is_told_from_the_word_elsewhere(text, names):
    assert names_dataset(text) is names


# --- writes into the graph ---------------------------------------------------------------


def test_writes_go_into_govgraphs_graph_and_blank_nodes_stay_blank(tmp_path):
    path = tmp_path / "store"
    store = open_store(example_settings(store="oxigraph", store_path=path))
    store.update("INSERT DATA { <http://e/s> <http://e/p> _:kept }")
    assert any(isinstance(o, BNode) for o in store.graph().objects(URIRef("http://e/s")))
    store.close()
    del store
    assert quads_in(path, ox.DefaultGraph()) == set()
    ours = quads_in(path, ox.NamedNode(DEFAULT_STORE_GRAPH))
    assert len(ours) == len(fixture_graph()) + 1
    assert any(q.subject == ox.NamedNode("http://e/s") and isinstance(q.object, ox.BlankNode)
               for q in ours)


@pytest.mark.parametrize("update", [
    f"INSERT DATA {{ GRAPH <{OTHER_GRAPH}> {{ <http://e/s> <http://e/p> <http://e/o> }} }}",
    "DELETE WHERE { ?s ?p ?o }",
    "DROP DEFAULT",
    "INSERT { ?s <http://e/p> 1 } WHERE { ?s ?p ?o }",
])
def test_updates_that_could_touch_other_graphs_are_refused(update):
    store = EmbeddedStore()
    store.load_files(FIXTURE_FILES)
    version = store.version()
    with pytest.raises(QueryError, match="INSERT DATA or DELETE DATA|names a graph"):
        store.update(update)
    assert store.version() == version
    assert len(store.graph()) == len(fixture_graph())


def test_a_configured_graph_iri_is_used_and_checked(tmp_path):
    graph = "https://example.org/governance/graph"
    path = tmp_path / "store"
    store = open_store(example_settings(store="oxigraph", store_path=path, store_graph=graph))
    assert store.query(ASK_EXECUTIVE).boolean is True
    store.close()
    del store
    assert len(quads_in(path, ox.NamedNode(graph))) == len(fixture_graph())
    with pytest.raises(GovgraphError, match=f"in graph <{graph}>.*GOVGRAPH_STORE_GRAPH"):
        EmbeddedStore(path)  # the default graph IRI: the data is elsewhere, not absent
    with pytest.raises(GovgraphError, match="graph IRI 'not an iri'"):
        EmbeddedStore(graph="not an iri")


# --- a folder from before the named graph --------------------------------------------------


def earlier_layout(path: Path) -> None:
    """A folder as an earlier govgraph left it: the data in the default graph, a version."""
    store = ox.Store(str(path))
    for file in FIXTURE_FILES:
        store.load(path=str(file), format=ox.RdfFormat.TURTLE, base_iri=file.as_uri())
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"),
                      ox.BlankNode("label-the-change-log-names")))
    store.add(ox.Quad(ox.NamedNode(META_GRAPH), ox.NamedNode(VERSION_PROPERTY),
                      ox.Literal("earlier"), ox.NamedNode(META_GRAPH)))
    store.flush()
    del store


def test_a_folder_from_before_the_named_graph_is_moved_into_it(tmp_path):
    path = tmp_path / "store"
    earlier_layout(path)
    before = quads_in(path, ox.DefaultGraph())
    store = open_store(example_settings(store="oxigraph", store_path=path))
    assert store.query(ASK_EXECUTIVE).boolean is True
    assert (URIRef("http://e/s"), URIRef("http://e/p"),
            BNode("label-the-change-log-names")) in store.graph()  # blank-node labels kept
    assert (URIRef(f"{BODY}example-executive"), SKOS.prefLabel,
            Literal("Example Executive", lang="en")) in store.graph()
    store.close()
    del store
    assert quads_in(path, ox.DefaultGraph()) == set()
    moved = quads_in(path, ox.NamedNode(DEFAULT_STORE_GRAPH))
    assert {(q.subject, q.predicate, q.object) for q in moved} == {
        (q.subject, q.predicate, q.object) for q in before}


def test_a_folder_from_before_the_named_graph_is_refused_read_only(tmp_path):
    path = tmp_path / "store"
    earlier_layout(path)
    with pytest.raises(GovgraphError, match="earlier govgraph.*open it once for writing"):
        open_store(example_settings(store="oxigraph", store_path=path, read_only=True))
    assert len(quads_in(path, ox.DefaultGraph())) == len(fixture_graph()) + 1  # untouched
