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


INSERT = "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"
ASK_INSERTED = {"query": "ASK { <http://e/a> <http://e/b> <http://e/c> }"}
BOARD = "https://w3id.org/govgraph/id/body/example-board"
APPROVER = {"Authorization": f"Bearer {APPROVER_TOKEN}"}


def test_updates_are_refused_without_an_authorised_token(tmp_path):
    client = example_app(state_dir=tmp_path).test_client()
    form = {"update": INSERT, "approved-by": BOARD}
    assert client.post("/sparql", data=form).status_code == 401
    drafter = {"Authorization": f"Bearer {DRAFTER_TOKEN}"}
    assert client.post("/sparql", data=form, headers=drafter).status_code == 403
    unknown = {"Authorization": "Bearer not-a-token"}
    assert client.post("/sparql", data=form, headers=unknown).status_code == 401
    assert client.get("/sparql", query_string=ASK_INSERTED).get_json()["boolean"] is False


def test_no_configured_tokens_means_no_updates(tmp_path):
    client = example_app(state_dir=tmp_path, tokens={}).test_client()
    response = client.post("/sparql", data={"update": INSERT}, headers=APPROVER)
    assert response.status_code == 403
    assert "no authorised roles" in response.get_data(as_text=True)


def test_an_approvers_update_is_applied_as_an_approved_change(tmp_path):
    client = example_app(state_dir=tmp_path).test_client()
    missing = client.post(
        "/sparql", data=INSERT, content_type="application/sparql-update", headers=APPROVER
    )
    assert missing.status_code == 400 and "approvedBy" in missing.get_data(as_text=True)
    assert client.get("/sparql", query_string=ASK_INSERTED).get_json()["boolean"] is False
    applied = client.post(
        f"/sparql?approved-by={BOARD}&date=2010-01-05",
        data=INSERT,
        content_type="application/sparql-update",
        headers=APPROVER,
    )
    assert applied.status_code == 204
    assert client.get("/sparql", query_string=ASK_INSERTED).get_json()["boolean"] is True
    history = client.get("/api/changes/history").get_json()
    assert len(history) == 1
    proposals = {p["status"] for p in client.get("/api/changes").get_json()}
    assert proposals == {"approved", "withdrawn"}  # the refused first try, then the applied one


def test_an_update_that_would_make_the_structure_unsound_is_refused(tmp_path):
    client = example_app(state_dir=tmp_path).test_client()
    cycle = f"""PREFIX org: <http://www.w3.org/ns/org#>
        INSERT DATA {{ <{BOARD}> org:reportsTo <{BOARD}> }}"""
    response = client.post(
        "/sparql", data={"update": cycle, "approved-by": BOARD}, headers=APPROVER
    )
    assert response.status_code == 409
    ask = {"query": f"ASK {{ <{BOARD}> <http://www.w3.org/ns/org#reportsTo> ?x }}"}
    assert client.get("/sparql", query_string=ask).get_json()["boolean"] is False


def test_a_malformed_update_names_the_problem(tmp_path):
    client = example_app(state_dir=tmp_path).test_client()
    malformed = client.post(
        "/sparql",
        data={"update": "INSERT DATA { <http://e/a> }", "approved-by": BOARD},
        headers=APPROVER,
    )
    assert malformed.status_code == 400
    assert "line 1" in malformed.get_data(as_text=True)


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
