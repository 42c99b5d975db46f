"""Real clients against a live server on 127.0.0.1: SPARQLWrapper, rdflib's SPARQLStore,
govgraph's own SparqlStore, and plain HTTP while a runaway query is timing out."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, Unauthorized

from fixtures.example import (
    APPROVER_TOKEN,
    BODY,
    MEETING,
    PERSON,
    RUNAWAY_TRIPLES,
    UNENDING_QUERY,
    example_app,
    example_store,
    synthetic_store,
)
from fixtures.server import served
from govgraph.queries.library import QueryLibrary, run_saved_query
from govgraph.store.remote import SparqlStore

PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
EXECUTIVE_LABEL = f"SELECT ?l WHERE {{ <{BODY}example-executive> <{PREF}> ?l }}"


@pytest.fixture(scope="module")
def server():
    with served(example_app()) as running:
        yield running


def wrapper(server, query: str, return_format: str) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery(query)
    client.setReturnFormat(return_format)
    return client


def test_sparqlwrapper_select_in_json_xml_csv(server):
    data = wrapper(server, EXECUTIVE_LABEL, JSON).queryAndConvert()
    assert data["results"]["bindings"][0]["l"]["value"] == "Example Executive"
    document = wrapper(server, EXECUTIVE_LABEL, XML).queryAndConvert()
    assert document.getElementsByTagName("literal")[0].firstChild.data == "Example Executive"
    text = wrapper(server, EXECUTIVE_LABEL, CSV).queryAndConvert()
    assert text.decode().split("\r\n")[:2] == ["l", "Example Executive"]


def test_sparqlwrapper_ask_construct_and_post(server):
    assert wrapper(server, "ASK { ?s ?p ?o }", JSON).queryAndConvert()["boolean"] is True
    construct = wrapper(
        server, f"CONSTRUCT {{ ?b <{PREF}> ?l }} WHERE {{ ?b <{PREF}> ?l }}", TURTLE
    ).queryAndConvert()
    graph = Graph().parse(data=construct, format="turtle")
    assert (
        URIRef(BODY + "example-board"),
        URIRef(PREF),
        Literal("Example Together Board", lang="en"),
    ) in graph
    posted = wrapper(server, EXECUTIVE_LABEL, JSON)
    posted.setMethod("POST")
    assert posted.queryAndConvert()["results"]["bindings"][0]["l"]["value"] == "Example Executive"


def test_sparqlwrapper_sees_a_malformed_query_as_bad_formed(server):
    with pytest.raises(QueryBadFormed) as caught:
        wrapper(server, "SELECT * WHERE { ?s ?p", JSON).query()
    assert "malformed SPARQL" in str(caught.value)


def test_rdflib_sparqlstore(server):
    graph = Graph(store=SPARQLStore(f"{server}/sparql"))
    rows = list(
        graph.query(
            f"SELECT ?b ?l WHERE {{ ?b a <https://w3id.org/govgraph/def#TaskAndFinishGroup> ; "
            f"<{PREF}> ?l }}"
        )
    )
    assert rows == [
        (
            URIRef(BODY + "example-alcohol-group"),
            Literal("Example Alcohol Task and Finish Group", lang="en"),
        )
    ]
    labels = set(graph.objects(URIRef(BODY + "example-executive"), URIRef(PREF)))
    assert labels == {Literal("Example Executive", lang="en")}
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True


def test_saved_queries_over_http_with_urllib(server):
    url = f"{server}/api/queries/reports-to?" + urllib.parse.urlencode(
        {"body": BODY + "example-alcohol-group"}
    )
    with urllib.request.urlopen(url, timeout=10) as response:
        data = json.load(response)
    assert [b["depth"]["value"] for b in data["results"]["bindings"]] == ["1", "2", "3"]
    bad = f"{server}/api/queries/members?body=nonsense"
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(bad, timeout=10)
    assert caught.value.code == 400
    assert json.load(caught.value)["parameter"] == "body"


SAMPLE_PARAMETERS = {
    "reports-to": {"body": BODY + "example-alcohol-group"},
    "reporting-into": {"body": BODY + "example-board", "date": "2007-01-01"},
    "members": {"body": BODY + "example-executive", "date": "2009-09-02"},
    "memberships-of": {"person": PERSON + "jane-doe"},
    "attendance": {"meeting": MEETING + "example-executive-2009-09-02"},
    "decisions": {"text": "commissioning"},
    "person-attendance": {"person": PERSON + "alan-brown"},
    "memberships-as-at": {"date": "2007-08-01"},
    "structure-as-at": {"date": "2009-09-02"},
    "structure-differences": {"from": "2006-01-01", "to": "2009-09-02"},
    "sources": {"resource": BODY + "example-executive"},
    "terms-of-reference": {"body": BODY + "example-executive"},
    "search": {"text": "example"},
    "meeting-minutes": {"meeting": MEETING + "example-executive-2006-06-13"},
    "body-profile": {"body": BODY + "example-health-board"},
}


def comparable(result):
    def term(value):
        return ("bnode",) if value.__class__.__name__ == "BNode" else (str(value), value.n3())

    return result.variables, [{k: term(v) for k, v in row.items()} for row in result.rows]


def test_a_remote_store_gives_the_embedded_answers(server):
    """govgraph's SparqlStore, pointed at the live endpoint, answers every saved query alike."""
    embedded = example_store()
    remote = SparqlStore(f"{server}/sparql", timeout=10)
    library = QueryLibrary(example_app().extensions["govgraph"].settings.queries_dir)
    for query in library.all():
        params = SAMPLE_PARAMETERS.get(query.name, {})
        if any(p.required and p.name not in params for p in query.parameters):
            pytest.fail(f"no sample parameters for {query.name}")
        assert comparable(run_saved_query(remote, query, params)) == comparable(
            run_saved_query(embedded, query, params)
        ), query.name


@pytest.mark.slow
def test_sparqlwrapper_updates_with_an_approvers_token(tmp_path):
    board = "https://w3id.org/govgraph/id/body/example-board"
    insert = "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"
    with served(example_app(state_dir=tmp_path)) as running:
        endpoint = f"{running}/sparql"
        refused = SPARQLWrapper(endpoint)
        refused.setMethod(POST)
        refused.setQuery(insert)
        with pytest.raises(Unauthorized):
            refused.query()
        client = SPARQLWrapper(endpoint, updateEndpoint=f"{endpoint}?approved-by={board}")
        client.setMethod(POST)
        client.addCustomHttpHeader("Authorization", f"Bearer {APPROVER_TOKEN}")
        client.setQuery(insert)
        client.query()
        reader = SparqlStore(endpoint)
        assert reader.query("ASK { <http://e/a> <http://e/b> <http://e/c> }").boolean is True


@pytest.mark.slow
def test_a_runaway_query_times_out_while_others_are_served():
    # a worker process stops the runaway at the limit
    store = synthetic_store(RUNAWAY_TRIPLES, timeout=1.0, query_processes=2)
    app = example_app(store, query_timeout=1.0)
    runaway = urllib.parse.urlencode({"query": UNENDING_QUERY})
    quick = urllib.parse.urlencode({"query": "ASK { <http://example.org/s1> ?p ?o }"})
    outcome: dict[str, object] = {}
    with served(app) as running:

        def slow_request() -> None:
            started = time.monotonic()
            try:
                urllib.request.urlopen(f"{running}/sparql?{runaway}", timeout=20)
            except urllib.error.HTTPError as error:
                outcome["status"] = error.code
                outcome["message"] = error.read().decode()
            outcome["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=slow_request)
        thread.start()
        time.sleep(0.2)
        with urllib.request.urlopen(f"{running}/sparql?{quick}", timeout=5) as response:
            assert json.load(response)["boolean"] is True
        assert thread.is_alive()  # the runaway was still running while we were answered
        thread.join(timeout=20)
    assert outcome["status"] == 503
    assert "did not finish within 1 seconds" in str(outcome["message"])
