"""The whole graph to take away, over real HTTP: each download loads into an empty store as
the same triples; VoID/DCAT describes them and moves on with every approval."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF

from fixtures.open_data import bundled_server as _open_data_server  # noqa: F401 (a fixture)
from fixtures.open_data import get
from fixtures.workflow import FIXTURE, NEW_GROUP
from govgraph.changes.request import ChangeRequest
from govgraph.cli import main
from govgraph.config import Settings
from govgraph.publishing.void import VOID
from govgraph.store import open_store
from govgraph.store.embedded import EmbeddedStore
from govgraph.web import context_of, create_app

ROOT = Path(__file__).resolve().parents[1]
DECISION = "https://w3id.org/govgraph/id/meeting/ssog-2006-06-13/minute/1/decision/i"



@pytest.mark.slow
def test_the_n_triples_dump_loads_into_an_empty_store_as_the_same_triples(bundled_server):
    url, store = bundled_server
    data, media_type = get(f"{url}/data/govgraph.nt.gz")
    assert media_type == "application/gzip"
    empty = EmbeddedStore()
    assert empty.is_empty()
    empty.load(Graph().parse(data=gzip.decompress(data), format="nt"))
    assert isomorphic(empty.graph(), store.graph())
    assert len(empty.graph()) > 5000


@pytest.mark.slow
@pytest.mark.parametrize(("name", "syntax"), [("govgraph.ttl", "turtle"),
                                              ("govgraph.jsonld", "json-ld")])
def test_turtle_and_json_ld_dumps_are_the_same_graph(bundled_server, name, syntax):
    url, store = bundled_server
    data, _ = get(f"{url}/data/{name}")
    assert isomorphic(Graph().parse(data=data, format=syntax), store.graph())


def _void(url: str) -> Graph:
    data, media_type = get(f"{url}/.well-known/void")
    assert media_type.startswith("text/turtle")
    return Graph().parse(data=data, format="turtle")


@pytest.mark.slow
def test_void_and_dcat_describe_the_downloads(bundled_server):
    url, store = bundled_server
    void = _void(url)
    dataset = URIRef(f"{url}/data/#dataset")
    assert (dataset, RDF.type, DCAT.Dataset) in void
    assert void.value(dataset, VOID.triples) == Literal(len(store.graph()))
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(f"{url}/sparql")
    assert (dataset, VOID.vocabulary, URIRef("http://www.w3.org/ns/org#")) in void
    assert (dataset, VOID.dataDump, URIRef(f"{url}/data/govgraph.nt.gz")) in void
    examples = set(void.objects(dataset, VOID.exampleResource))
    assert examples and all((e, None, None) in store.graph() for e in examples)
    for distribution in void.objects(dataset, DCAT.distribution):
        size = int(void.value(distribution, DCAT.byteSize))
        download = str(void.value(distribution, DCAT.downloadURL))
        assert len(get(download)[0]) == size
    html, media_type = get(f"{url}/data/", "text/html")
    assert media_type.startswith("text/html") and b"govgraph.nt.gz" in html


def test_an_approval_updates_the_downloads_and_their_description(serve_app, tmp_path):
    settings = Settings(project_root=ROOT, data_files=[FIXTURE], store="memory",
                        state_dir=tmp_path / "state")
    app = create_app(settings, open_store(settings))
    with serve_app(app) as url:
        before = _void(url)
        dataset = URIRef(f"{url}/data/#dataset")
        assert before.value(dataset, DCTERMS.modified) is None
        triples = int(before.value(dataset, VOID.triples))
        workflow = context_of(app).workflow
        proposal, _ = workflow.propose(ChangeRequest(add=NEW_GROUP["add"],
                                                     description=NEW_GROUP["description"]),
                                       author="drafter-1")
        workflow.approve(proposal.id, "approver-1", DECISION, "2010-01-05")
        after = _void(url)
        assert after.value(dataset, DCTERMS.modified) is not None
        assert int(after.value(dataset, VOID.triples)) > triples
        dump = Graph().parse(data=gzip.decompress(get(f"{url}/data/govgraph.nt.gz")[0]),
                             format="nt")
        group = URIRef("https://w3id.org/govgraph/id/body/task-group")
        assert (group, None, None) in dump
        history = Dataset().parse(data=get(f"{url}/data/changesets.nq")[0], format="nquads")
        activities = list(history.default_context.subjects(RDF.type, PROV.Activity))
        assert len(activities) == 1
        assert any((group, None, None) in g for g in history.graphs())


@pytest.mark.parametrize("path", ["/structure.pdf?date=2007-01-01", "/body/ssog/structure.pdf"])
def test_the_structure_picture_is_an_a4_pdf(bundled_server, path):
    url, _ = bundled_server
    data, media_type = get(url + path)
    assert media_type == "application/pdf"
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    width, height = sorted((float(box.width), float(box.height)))
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = reader.pages[0].extract_text()
    assert ("1 January 2007" in text) if "date=" in path else ("Executive" in text)


@pytest.mark.slow
def test_govgraph_export_writes_the_same_files(bundled_server, tmp_path, capsys):
    url, store = bundled_server
    assert main(["export", "open-data", str(tmp_path), "--site", url]) == 0
    folder = tmp_path / "open-data"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["govgraph.nt.gz", "govgraph.ttl", "govgraph.jsonld", "changesets.nq", "popolo.json",
         "void.ttl"])
    written = Graph().parse(data=gzip.decompress((folder / "govgraph.nt.gz").read_bytes()),
                            format="nt")
    served = Graph().parse(data=gzip.decompress(get(f"{url}/data/govgraph.nt.gz")[0]),
                           format="nt")
    assert isomorphic(written, served)
    assert json.loads((folder / "popolo.json").read_bytes()) == json.loads(
        get(f"{url}/data/popolo.json")[0])
    void = Graph().parse(folder / "void.ttl", format="turtle")
    assert void.value(URIRef(f"{url}/data/#dataset"), VOID.triples) == Literal(len(served))
    assert "govgraph.nt.gz" in capsys.readouterr().out
