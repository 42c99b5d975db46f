"""Linked data over real HTTP: `/id/…` IRIs negotiate to HTML or to a data document in each
RDF format, which parses back to exactly what the graph says; the ontology under `/def/…`."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from govgraph.config import Settings
from govgraph.publishing.ontology_docs import ontology_graph, term_data
from govgraph.publishing.rdf import RDF_FORMATS, describe
from govgraph.web import create_app

LT = "https://w3id.org/govgraph/id/"
RESOURCES = ["body/ssog", "person/andy-robinson", "meeting/ssog-2006-06-13"]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, accept: str | None = None):
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        return _opener.open(request, timeout=30)
    except urllib.error.HTTPError as answer:  # 303 and 404 come back as errors here
        return answer


@pytest.fixture(scope="module")
def app():
    return create_app(Settings.from_env(store="memory"))


@pytest.fixture(scope="module")
def server(app, serve_app) -> Iterator[str]:
    with serve_app(app) as url:
        yield url


@pytest.mark.slow
@pytest.mark.parametrize("path", RESOURCES)
@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.suffix)
def test_each_format_is_negotiated_and_parses_back_to_the_graph(server, app, path, fmt):
    answer = fetch(f"{server}/id/{path}", fmt.media_type)
    assert answer.status == 303
    assert answer.headers["Vary"] == "Accept"
    location = answer.headers["Location"]
    assert location.endswith(f"/doc/{path}.{fmt.suffix}")
    document = fetch(server + location if location.startswith("/") else location)
    assert document.status == 200
    assert document.headers["Content-Type"].startswith(fmt.media_type)
    links = document.headers["Link"]
    assert all(f'type="{other.media_type}"' in links for other in RDF_FORMATS)
    received = Graph().parse(data=document.read(), format=fmt.rdflib_name)
    expected = describe(app.extensions["govgraph"].store, LT + path)
    assert len(expected) > 5
    assert isomorphic(received, expected)
    assert (URIRef(LT + path), None, None) in received


@pytest.mark.parametrize("path", RESOURCES)
def test_a_browser_is_sent_to_the_page_which_links_its_data(server, path):
    answer = fetch(f"{server}/id/{path}", "text/html,application/xhtml+xml,*/*;q=0.8")
    assert answer.status == 303
    assert answer.headers["Location"].endswith(f"/{path}")
    page = fetch(f"{server}/{path}", "text/html")
    html = page.read().decode()
    assert f'<link rel="alternate" type="text/turtle" href="/doc/{path}.ttl"' in html
    assert "Accept" in page.headers["Vary"]
    assert f"</doc/{path}.jsonld>" in page.headers["Link"]


@pytest.mark.parametrize(("path", "schema_type"), list(zip(
    RESOURCES, ["Organization", "Person", "Event"], strict=True)))
def test_pages_carry_schema_org(server, path, schema_type):
    html = fetch(f"{server}/{path}").read().decode()
    opening = '<script type="application/ld+json">'
    start = html.index(opening) + len(opening)
    item = json.loads(html[start:html.index("</script>", start)])
    assert item["@type"] == schema_type
    assert item["@id"] == LT + path
    assert item["url"].endswith(f"/{path}")


def test_compact_json_ld_uses_the_published_context(server):
    context = json.loads(fetch(f"{server}/ns/context.jsonld").read())["@context"]
    assert context["gg"] == "https://w3id.org/govgraph/def#"
    assert context["label"] == {"@id": "skos:prefLabel"}
    document = json.loads(fetch(f"{server}/doc/body/ssog.jsonld").read())
    assert document["@context"] == context
    ssog = next(node for node in document["@graph"] if node["@id"] == LT + "body/ssog")
    assert ssog["label"]["@value"] == "Leicestershire Together Executive"
    assert ssog["reportsTo"] == {"@id": LT + "body/leicestershire-together-board"}


def test_an_unknown_resource_is_not_found(server):
    assert fetch(f"{server}/doc/body/no-such-body.ttl").status == 404


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.suffix)
def test_a_term_dereferences_to_its_definition(server, app, fmt):
    term = "https://w3id.org/govgraph/def/role/chair"
    answer = fetch(f"{server}/def/role/chair", fmt.media_type)
    assert answer.status == 200
    received = Graph().parse(data=answer.read(), format=fmt.rdflib_name)
    ontology = ontology_graph(tuple(app.extensions["govgraph"].settings.ontology_files))
    assert isomorphic(received, term_data(ontology, term))
    assert (URIRef(term), None, None) in received


def test_the_ontology_is_documented_from_its_labels(server):
    answer = fetch(f"{server}/def/role/chair", "text/html")
    assert answer.status == 303 and answer.headers["Location"].endswith("/def/role#chair")
    html = fetch(f"{server}/def").read().decode()
    assert 'id="Meeting"' in html and "A meeting of a body (gg:ofBody)" in html
    assert "name variant" in html
    whole = Graph().parse(data=fetch(f"{server}/def.ttl").read(), format="turtle")
    assert len(whole) > 500
