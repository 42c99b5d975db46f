"""The change checker's working copy: an rdflib Graph over an in-memory Oxigraph store, filled
from N-Triples with its blank nodes skolemised; and proposals read by Oxigraph's Turtle parser.

The Graph must answer every lookup as rdflib's own memory store does, since the reach analysis,
the impact report and the DELETE … WHERE evaluation all read the working copy through it.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, XSD

from govgraph.changes.parse import parse_turtle
from govgraph.config import Settings
from govgraph.errors import ParseError
from govgraph.rdf.loading import load_files
from govgraph.rdf.namespaces import ORG
from govgraph.rdf.oxgraph import ntriples, oxigraph_graph, oxigraph_of
from govgraph.rdf.terms import SKOLEM_BASE, skolemised_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bundled() -> Graph:
    settings = Settings(project_root=ROOT)
    return load_files([*(settings.ontology_files or []), *settings.data_files],
                      settings.base_iri)


@pytest.fixture(scope="module")
def both(bundled: Graph) -> tuple[Graph, Graph]:
    copy = oxigraph_graph()
    for triple in bundled:
        copy.add(triple)
    return bundled, copy


def test_the_oxigraph_graph_holds_the_same_triples(both):
    memory, copy = both
    assert len(copy) == len(memory)
    assert set(copy) == set(memory)


def test_every_lookup_answers_as_rdflib_memory_does(both):
    memory, copy = both
    nodes = sorted({n for t in memory for n in (t[0], t[2])}, key=str)
    for node in random.Random(7).sample(nodes, 300):
        for pattern in ((node, None, None), (None, None, node), (node, RDF.type, None),
                        (None, ORG.member, node), (None, RDFS.label, node)):
            assert set(copy.triples(pattern)) == set(memory.triples(pattern)), pattern
        assert copy.value(node, RDFS.label) == memory.value(node, RDFS.label)
    path = ORG.reportsTo * "+"  # rdflib evaluates paths over the store's lookups
    bodies = set(memory.subjects(ORG.reportsTo, None))
    for body in bodies:
        assert set(copy.objects(body, path)) == set(memory.objects(body, path))


def test_literal_subjects_and_missing_triples_find_nothing(both):
    _, copy = both
    assert list(copy.triples((Literal("x"), None, None))) == []
    assert (URIRef("urn:nowhere"), RDF.type, ORG.Membership) not in copy


def test_add_and_remove_by_pattern():
    graph = oxigraph_graph()
    a, b = URIRef("urn:a"), URIRef("urn:b")
    graph.add((a, RDFS.label, Literal("A", lang="en")))
    graph.add((a, RDFS.label, Literal("1", datatype=XSD.integer)))
    graph.add((b, RDFS.label, Literal("B")))
    assert (a, RDFS.label, Literal("1", datatype=XSD.integer)) in graph
    graph.remove((a, None, None))
    assert set(graph) == {(b, RDFS.label, Literal("B"))}
    graph.remove((b, RDFS.label, Literal("B")))
    assert len(graph) == 0


def test_ntriples_dumps_what_the_graph_holds(both):
    memory, copy = both
    assert oxigraph_of(copy) is not None and oxigraph_of(memory) is None
    again = Graph().parse(data=ntriples(copy).decode("utf-8"), format="nt")

    def named(graph: Graph) -> set[tuple[object, ...]]:  # blank nodes get new labels
        return {t for t in graph if not any(isinstance(term, BNode) for term in t)}

    assert len(again) == len(memory)
    assert named(again) == named(memory)


def test_skolemised_store_names_every_blank_node_and_leaves_literals_alone():
    text = (b'_:b0 <urn:p> _:b1 .\n'
            b'<urn:s> <urn:p> _:b0 .\n'
            b'_:b1 <urn:p> "ends like a blank node _:b2 ." .\n'
            b'<urn:s> <urn:q> "_:b3" .\n')
    graph = oxigraph_graph(skolemised_store(text))
    b0, b1 = URIRef(SKOLEM_BASE + "b0"), URIRef(SKOLEM_BASE + "b1")
    assert set(graph) == {
        (b0, URIRef("urn:p"), b1),
        (URIRef("urn:s"), URIRef("urn:p"), b0),
        (b1, URIRef("urn:p"), Literal("ends like a blank node _:b2 .")),
        (URIRef("urn:s"), URIRef("urn:q"), Literal("_:b3")),
    }
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)


PROPOSAL = """
<body/new> a org:Organization , gg:TaskAndFinishGroup ;
    skos:prefLabel "New Group"@en , "Nouveau"@fr ;
    gg:activeDuring [ time:hasBeginning [ time:inXSDDate "2008-06-01"^^xsd:date ] ] ;
    gg:sequence "01"^^xsd:integer , 2 , 2.50 , true ;
    rdfs:comment \"\"\"two
lines\"\"\" .
"""


def test_oxigraph_reads_a_proposal_as_rdflib_does():
    base = "https://w3id.org/govgraph/id/"
    ours = parse_turtle(PROPOSAL, "the proposal", base)
    header = "".join(f"@prefix {p}: <{n}> .\n" for p, n in (
        ("org", ORG), ("gg", "https://w3id.org/govgraph/def#"),
        ("skos", "http://www.w3.org/2004/02/skos/core#"), ("time", "http://www.w3.org/2006/time#"),
        ("xsd", XSD), ("rdfs", RDFS)))
    rdflib_read = Graph().parse(data=header + PROPOSAL, format="turtle", publicID=base)
    assert len(ours) == len(rdflib_read) == 12
    assert isomorphic(ours, rdflib_read)


def test_a_triple_term_is_not_turtle_and_names_the_line():
    with pytest.raises(ParseError) as caught:
        parse_turtle('<body/a> <urn:p> "x" .\n<body/a> <urn:p> <<( <urn:a> <urn:b> <urn:c> )>> .',
                     "the proposal")
    assert caught.value.line == 2
