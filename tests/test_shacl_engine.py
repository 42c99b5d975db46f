"""The Oxigraph SHACL engine (govgraph.validation.engine) gives exactly pyshacl's results.

Compared as sets of (focus, path, value, shape, constraint component, severity, message, source
shape — a property shape itself, not its parent): on the
bundled data, on every broken graph and corrected twin of tests/test_shapes.py, on a generated
graph broken in several ways, and at given focus nodes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from govgraph.rdf.loading import load_graph
from govgraph.rdf.namespaces import GG, GGSH, ORG
from govgraph.validation.engine import CompiledShapes, UnsupportedShapes
from govgraph.validation.validate import validate
from test_shapes import BASE, CASES, case_id

Key = tuple[str, str | None, str | None, str, str | None, str, str, str | None]


def keys(report) -> set[Key]:
    return {(r.focus_node, r.path, r.value, r.shape, r.component, r.severity, r.message,
             r.source_shape)
            for r in report.results}


def assert_same(data: Graph, shapes: Graph, **options) -> set[Key]:
    fast = validate(data, shapes, engine="oxigraph", **options)
    reference = validate(data, shapes, engine="pyshacl", **options)
    assert keys(fast) == keys(reference)
    assert fast.conforms == reference.conforms
    return keys(fast)


@pytest.mark.slow
def test_bundled_data_same_as_pyshacl(settings, shapes_graph):
    data = load_graph(settings)
    found = assert_same(data, shapes_graph)
    assert len(found) == 26  # the bundled data: 26 warnings (Health Board: no line), no violations
    assert {k[5] for k in found} == {"Warning"}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_broken_and_fixed_fixtures_same_as_pyshacl(case, make_graph, shapes_graph):
    broken = assert_same(make_graph(BASE, case.broken), shapes_graph)
    assert {k[3] for k in broken} == {str(GGSH[case.shape])}
    assert assert_same(make_graph(BASE, case.fixed), shapes_graph) == set()


@pytest.mark.slow
def test_focus_nodes_same_as_pyshacl(make_graph, shapes_graph):
    graph = make_graph(BASE, *(case.broken for case in CASES))
    everything = assert_same(graph, shapes_graph)
    assert len({k[3] for k in everything}) >= 12
    focus = sorted({URIRef(k[0]) for k in everything if not k[0].startswith("_:")})[::2]
    scoped = assert_same(graph, shapes_graph, focus_nodes=focus)
    assert scoped == {k for k in everything if URIRef(k[0]) in focus}


@pytest.mark.slow
def test_ontology_widens_targets_in_both(make_graph, shapes_graph):
    ontology = make_graph("gg:JointCommittee rdfs:subClassOf gg:Body .")
    data = make_graph(BASE, "lt:body/joint a gg:JointCommittee ; org:reportsTo lt:body/ssog .")
    found = assert_same(data, shapes_graph, ontology_graph=ontology)
    assert {k[3] for k in found} == {str(GGSH.BodyNameShape)}


def generated(size: int) -> Graph:
    root = Path(__file__).resolve().parents[1]
    text = subprocess.run([sys.executable, str(root / "bench" / "generate.py"), str(size)],
                          check=True, capture_output=True, text=True).stdout
    graph = Graph().parse(data=text, format="nt")
    for name in ("govgraph.ttl", "vocab.ttl"):
        graph.parse(root / "ontology" / name, format="turtle")
    return graph


def break_generated(graph: Graph) -> None:
    """Violate many shapes at once: remove names, sources, dates; add bad dates, cycles..."""
    bodies = sorted(set(graph.subjects(ORG.reportsTo, None)))
    memberships = sorted(graph.subjects(RDF.type, ORG.Membership))
    meetings = sorted(graph.subjects(RDF.type, GG.Meeting))
    lines = sorted(graph.subjects(RDF.type, GG.ReportingLine))
    graph.remove((bodies[0], URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), None))
    graph.add((bodies[1], URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
               Literal("Second name", lang="en")))
    graph.remove((bodies[2], ORG.reportsTo, None))
    graph.add((bodies[3], ORG.reportsTo, bodies[4]))
    graph.add((bodies[4], ORG.reportsTo, bodies[3]))
    graph.remove((memberships[0], ORG.role, None))
    graph.remove((memberships[1], ORG.memberDuring, None))
    graph.remove((memberships[2], URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), None))
    graph.set((meetings[0], URIRef("http://purl.org/dc/terms/date"),
               Literal("1900-01-01", datatype=XSD.date)))
    graph.add((meetings[1], URIRef("http://purl.org/dc/terms/date"),
               Literal("2010-02-31", datatype=XSD.date)))
    graph.add((meetings[2], GG.ofBody, Literal("not an IRI")))
    graph.set((lines[0], GG.lineKind, GG.sideways))
    instant = BNode()
    graph.add((instant, URIRef("http://www.w3.org/2006/time#inXSDDate"), Literal("soon")))
    attendees = sorted(graph.subject_objects(GG.attendee))[:1]
    for attendance, person in attendees:
        meeting = graph.value(attendance, GG.atMeeting)
        extra = URIRef(f"{attendance}-apologies")
        graph.add((extra, RDF.type, GG.Attendance))
        graph.add((extra, GG.atMeeting, meeting))
        graph.add((extra, GG.attendee, person))
        graph.add((extra, GG.attendanceStatus,
                   URIRef("https://w3id.org/govgraph/def/attendance/apologies")))


@pytest.mark.slow
def test_generated_broken_graph_same_as_pyshacl(shapes_graph):
    graph = generated(10000)
    clean = assert_same(graph, shapes_graph)
    break_generated(graph)
    broken = assert_same(graph, shapes_graph)
    assert len({k[3] for k in broken - clean}) >= 8, sorted({k[3] for k in broken - clean})
    assert len({k[4] for k in broken - clean}) >= 5


def test_unsupported_feature_is_refused_not_ignored(shapes_graph):
    shapes = Graph()
    for triple in shapes_graph:
        shapes.add(triple)
    prop = BNode()
    shapes.add((GGSH.MeetingShape, SH.property, prop))
    shapes.add((prop, SH.path, GG.ofBody))
    shapes.add((prop, SH.datatype, XSD.int))  # Oxigraph stores xsd:int literals as xsd:integer
    with pytest.raises(UnsupportedShapes, match="MeetingShape.*datatype.*#int"):
        CompiledShapes.compile(shapes)
