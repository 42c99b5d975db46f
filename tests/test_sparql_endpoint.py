"""`/sparql` against the SPARQL 1.1 Protocol (query side), with Flask's test client."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, Namespace, URIRef

from fixtures.example import (
    APPROVER_TOKEN,
    BODY,
    DRAFTER_TOKEN,
    RUNAWAY_QUERY,
    RUNAWAY_TRIPLES,
    example_app,
    example_store,
    synthetic_store,
)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
PREF = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
SELECT_BODIES = (
    f"SELECT ?b ?l WHERE {{ ?b a <https://w3id.org/govgraph/def#ExecutiveGroup> ; {PREF} ?l }} "
    "ORDER BY ?l"
)
CONSTRUCT_EXECUTIVE = (
    f"CONSTRUCT {{ <{BODY}example-executive> {PREF} ?l }} "
    f"WHERE {{ <{BODY}example-executive> {PREF} ?l }}"
)
RESULTS = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def client():
    return example_app().test_client()


def labels_from_json(response) -> list[str]:
    return [b["l"]["value"] for b in response.get_json()["results"]["bindings"]]


# --- the three ways to send a query -----------------------------------------------------------


def test_get_with_query_answers_sparql_json_by_default(client):
    response = client.get("/sparql", query_string={"query": SELECT_BODIES})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    data = response.get_json()
    assert data["head"]["vars"] == ["b", "l"]
    assert labels_from_json(response) == ["Example Executive", "Example Steering Group"]
    assert data["results"]["bindings"][0]["l"] == {
        "type": "literal",
        "value": "Example Executive",
        "xml:lang": "en",
    }


def test_post_form_and_post_sparql_query(client):
    form = client.post("/sparql", data={"query": SELECT_BODIES})
    direct = client.post(
        "/sparql",
        data=SELECT_BODIES.encode(),
        content_type="application/sparql-query; charset=utf-8",
    )
    assert form.status_code == direct.status_code == 200
    assert (
        labels_from_json(form)
        == labels_from_json(direct)
        == ["Example Executive", "Example Steering Group"]
    )


# --- results by Accept ------------------------------------------------------------------------


def test_select_as_xml_csv_tsv(client):
    xml = client.get(
        "/sparql",
        query_string={"query": SELECT_BODIES},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert xml.mimetype == "application/sparql-results+xml"
    root = ET.fromstring(xml.data)
    assert [v.get("name") for v in root.iter(f"{RESULTS}variable")] == ["b", "l"]
    literal = root.find(f".//{RESULTS}literal")
    assert literal.text == "Example Executive"
    assert literal.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"

    text = client.get(
        "/sparql", query_string={"query": SELECT_BODIES}, headers={"Accept": "text/csv"}
    )
    assert text.mimetype == "text/csv"
    assert text.get_data(as_text=True).split("\r\n")[:2] == [
        "b,l",
        f"{BODY}example-executive,Example Executive",
    ]

    tsv = client.get(
        "/sparql",
        query_string={"query": SELECT_BODIES},
        headers={"Accept": "text/tab-separated-values"},
    )
    assert tsv.get_data(as_text=True).splitlines()[:2] == [
        "?b\t?l",
        f'<{BODY}example-executive>\t"Example Executive"@en',
    ]


def test_format_parameter_wins_over_accept(client):
    response = client.get(
        "/sparql",
        query_string={"query": SELECT_BODIES, "format": "csv"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.mimetype == "text/csv"


def test_browsers_get_json_and_unacceptable_types_get_406(client):
    browser = client.get(
        "/sparql",
        query_string={"query": SELECT_BODIES},
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert browser.mimetype == "application/sparql-results+json"
    refused = client.get(
        "/sparql", query_string={"query": SELECT_BODIES}, headers={"Accept": "image/png"}
    )
    assert refused.status_code == 406
    assert "application/sparql-results+json" in refused.get_data(as_text=True)


def test_ask_in_every_results_format(client):
    ask = "ASK { ?s ?p ?o }"
    assert client.get("/sparql", query_string={"query": ask}).get_json() == {
        "head": {},
        "boolean": True,
    }
    xml = client.get(
        "/sparql", query_string={"query": ask}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert ET.fromstring(xml.data).find(f"{RESULTS}boolean").text == "true"
    csv_text = client.get("/sparql", query_string={"query": ask, "format": "csv"})
    assert csv_text.get_data(as_text=True) == "_askResult\r\ntrue\r\n"


@pytest.mark.parametrize(
    ("accept", "mimetype", "rdflib_format"),
    [
        (None, "text/turtle", "turtle"),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/ld+json", "application/ld+json", "json-ld"),
    ],
)
def test_construct_in_every_graph_format(client, accept, mimetype, rdflib_format):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": CONSTRUCT_EXECUTIVE}, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == mimetype
    graph = Graph().parse(data=response.get_data(as_text=True), format=rdflib_format)
    assert [str(o) for o in graph.objects(URIRef(BODY + "example-executive"))] == [
        "Example Executive"
    ]


def test_describe(client):
    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{BODY}example-board>"})
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    assert (URIRef(BODY + "example-board"), None, None) in graph


# --- escaping in every format -----------------------------------------------------------------


def test_awkward_values_survive_every_format(client):
    awkward = 'a, "quoted"\tvalue\nwith <markup> & more'
    query = f"SELECT ?v WHERE {{ BIND({json.dumps(awkward)} AS ?v) }}"
    as_json = client.get("/sparql", query_string={"query": query}).get_json()
    assert as_json["results"]["bindings"][0]["v"]["value"] == awkward
    as_csv = client.get("/sparql", query_string={"query": query, "format": "csv"})
    assert list(csv.reader(io.StringIO(as_csv.get_data(as_text=True)))) == [["v"], [awkward]]
    as_tsv = client.get("/sparql", query_string={"query": query, "format": "tsv"})
    assert as_tsv.get_data(as_text=True) == (
        '?v\n"a, \\"quoted\\"\\tvalue\\nwith <markup> & more"\n'
    )
    as_xml = client.get("/sparql", query_string={"query": query, "format": "xml"})
    assert ET.fromstring(as_xml.data).find(f".//{RESULTS}literal").text == awkward


# --- errors the protocol asks for -------------------------------------------------------------


def test_malformed_query_is_400_with_the_parsers_message(client):
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE {\n ?s ?p }"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert text.startswith("malformed SPARQL: line 2")


@pytest.mark.parametrize(
    ("method", "kwargs", "status"),
    [
        ("post", {"data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400),
        ("get", {"query_string": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        ("get", {"query_string": {"update": "CLEAR ALL"}}, 400),
        ("post", {"data": {"default-graph-uri": "http://e/g"}}, 400),
        ("post", {"data": b""}, 415),
        ("post", {"data": "ASK {}", "content_type": "text/plain"}, 415),
        ("post", {"data": "ASK {}", "content_type": "application/json"}, 415),
        ("post", {"data": b"\xff\xfe", "content_type": "application/sparql-query"}, 400),
    ],
)
def test_protocol_errors(client, method, kwargs, status):
    response = getattr(client, method)("/sparql", **kwargs)
    assert response.status_code == status
    assert response.get_data(as_text=True).strip()


def test_dataset_parameters(client):
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    empty = client.get(
        "/sparql", query_string={"query": query, "default-graph-uri": "http://e/no-such-graph"}
    )
    assert empty.get_json()["results"]["bindings"] == []
    named = client.get(
        "/sparql",
        query_string={
            "query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": "http://e/g",
        },
    )
    assert named.get_json()["results"]["bindings"] == []
    bad = client.get("/sparql", query_string={"query": query, "default-graph-uri": "no iri"})
    assert bad.status_code == 400


# --- updates ----------------------------------------------------------------------------------


def test_updates_are_refused_without_an_authorised_token():
    app = example_app()
    client = app.test_client()
    insert = "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"
    ask = {"query": "ASK { <http://e/a> <http://e/b> <http://e/c> }"}
    assert client.post("/sparql", data={"update": insert}).status_code == 403
    drafter = client.post(
        "/sparql", data={"update": insert}, headers={"Authorization": f"Bearer {DRAFTER_TOKEN}"}
    )
    assert drafter.status_code == 403
    wrong = client.post(
        "/sparql",
        data=insert,
        content_type="application/sparql-update",
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert wrong.status_code == 403
    assert client.get("/sparql", query_string=ask).get_json()["boolean"] is False
    approver = client.post(
        "/sparql",
        data=insert,
        content_type="application/sparql-update",
        headers={"Authorization": f"Bearer {APPROVER_TOKEN}"},
    )
    assert approver.status_code == 204
    assert client.get("/sparql", query_string=ask).get_json()["boolean"] is True
    malformed = client.post(
        "/sparql",
        data={"update": "INSERT DATA { <http://e/a> }"},
        headers={"Authorization": f"Bearer {APPROVER_TOKEN}"},
    )
    assert malformed.status_code == 400


# --- service description, CORS, limits --------------------------------------------------------


def test_service_description(client):
    response = client.get("/sparql")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    service = graph.value(predicate=SD.endpoint, object=URIRef("http://localhost/sparql"))
    assert service is not None
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = {str(f).rsplit("/", 1)[-1] for f in graph.objects(service, SD.resultFormat)}
    assert {
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "JSON-LD",
    } <= formats


def test_cors(client):
    response = client.get(
        "/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://example.org"}
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


def test_over_the_row_limit_is_a_clear_4xx():
    client = example_app(example_store(result_limit=10), result_limit=10).test_client()
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 422
    assert "more than 10 rows" in response.get_data(as_text=True)


def test_over_the_time_limit_is_503():
    store = synthetic_store(RUNAWAY_TRIPLES, timeout=0.3)
    client = example_app(store, query_timeout=0.3).test_client()
    response = client.get("/sparql", query_string={"query": RUNAWAY_QUERY})
    assert response.status_code == 503
    assert "0.3 seconds" in response.get_data(as_text=True)
