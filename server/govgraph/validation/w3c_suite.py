"""The W3C SHACL test suite: its manifests read, and an engine's report compared with each.

A manifest (mf:Manifest) includes others (mf:include) and lists entries (mf:entries) of type
sht:Validate: a data graph and a shapes graph (often the test file itself), and the expected
result, an sh:ValidationReport or sht:Failure (the shapes must be rejected). Reports are compared
as the suite means: `sh:conforms` and the results as a set of (focus node, path, value, source
shape, constraint component, severity), messages and details aside. Blank nodes keep their
identity when the graphs come from the test file itself; from another file they match any blank
node.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from govgraph.rdf.convert import to_oxigraph
from govgraph.validation.compiler import InvalidShapes, path_text
from govgraph.validation.engine import Finding

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

ResultKey = tuple[str, str | None, str | None, str, str, str]


@dataclass(frozen=True)
class SuiteTest:
    """One sht:Validate entry."""

    name: str  # the test's path in the suite, e.g. core/node/datatype-001
    label: str
    data: Graph
    shapes: Graph
    failure: bool  # SHACL requires the shapes to be rejected
    conforms: bool
    results: frozenset[ResultKey]


@contextmanager
def literals_as_written() -> Iterator[None]:
    """rdflib keeps literals' lexical forms while this lasts (it normalises them by default,
    which would turn the suite's ill-typed "none"^^xsd:boolean into "false"). Load and run
    the tests inside it."""
    before = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = before


def load_suite(root: Path, *, approved_only: bool = True) -> list[SuiteTest]:
    """Every test reachable from `root`/manifest.ttl, in manifest order."""
    with literals_as_written():
        return list(_tests(root / "manifest.ttl", root, approved_only, set()))


def _tests(manifest: Path, root: Path, approved_only: bool, seen: set[Path]) -> Iterator[SuiteTest]:
    if manifest in seen:
        return
    seen.add(manifest)
    graph = _parse(manifest)
    here = URIRef(manifest.as_uri())
    for included in graph.objects(here, MF.include):
        yield from _tests(Path(str(included).removeprefix("file://")), root, approved_only, seen)
    for entries in graph.objects(here, MF.entries):
        for entry in Collection(graph, entries):
            if (entry, RDF.type, SHT.Validate) not in graph:
                continue
            if approved_only and (entry, MF.status, SHT.approved) not in graph:
                continue
            yield _test(graph, entry, manifest, root)


def _parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=path.as_uri())


def _test(graph: Graph, entry: Node, manifest: Path, root: Path) -> SuiteTest:
    action = graph.value(entry, MF.action)
    loaded: dict[Node, Graph] = {URIRef(manifest.as_uri()): graph}

    def graph_of(name: Node | None) -> Graph:
        if name not in loaded:
            loaded[name] = _parse(Path(str(name).removeprefix("file://")))
        return loaded[name]

    data = graph_of(graph.value(action, SHT.dataGraph))
    shapes = graph_of(graph.value(action, SHT.shapesGraph))
    result = graph.value(entry, MF.result)
    exact = data is graph and shapes is graph
    name = str(entry).removeprefix(root.as_uri() + "/")
    label = str(graph.value(entry, URIRef("http://www.w3.org/2000/01/rdf-schema#label")) or "")
    if result == SHT.Failure:
        return SuiteTest(name, label, data, shapes, True, False, frozenset())
    conforms = graph.value(result, SH.conforms)
    results = frozenset(
        result_key(graph, graph.value(node, SH.focusNode), graph.value(node, SH.resultPath),
                   graph.value(node, SH.value), graph.value(node, SH.sourceShape),
                   graph.value(node, SH.sourceConstraintComponent),
                   graph.value(node, SH.resultSeverity), exact)
        for node in graph.objects(result, SH.result))
    return SuiteTest(name, label, data, shapes, False, bool(conforms.toPython())
                     if isinstance(conforms, Literal) else False, results)


def result_key(paths: Graph, focus: Node | None, path: Node | None, value: Node | None,
               shape: Node | None, component: Node | None, severity: Node | None,
               exact: bool) -> ResultKey:
    """One result as comparable text; `paths` holds the structure of a complex `path`."""
    def text(term: Node | None) -> str | None:
        if term is None:
            return None
        if isinstance(term, BNode):
            return f"_:{term}" if exact else "_:"
        if isinstance(term, Literal):
            return _as_stored(term)
        return term.n3()

    path_shown = None
    if path is not None:
        try:
            path_shown = path_text(paths, path)
        except InvalidShapes:
            path_shown = text(path)
    return (text(focus) or "", path_shown, text(value), text(shape) or "",
            str(component), str(severity))


@lru_cache(maxsize=4096)
def _as_stored(literal: Literal) -> str:
    """The literal as Oxigraph stores it: numbers and booleans in canonical form ("4.0" is
    "4"), so the engine's report and the suite's compare by value, as the same stored term."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), to_oxigraph(literal)))
    return str(next(iter(store)).object)


def finding_key(finding: Finding, shapes: Graph, exact: bool) -> ResultKey:
    """An engine's finding as comparable text, like a result of the expected report."""
    return result_key(shapes, finding.focus, finding.path, finding.value, finding.source_shape,
                      finding.component, finding.severity, exact)


def report_keys(report: Graph, shapes: Graph, exact: bool) -> tuple[bool, frozenset[ResultKey]]:
    """conforms and the results of an sh:ValidationReport graph (pyshacl's)."""
    top = next(iter(report.subjects(RDF.type, SH.ValidationReport)))
    conforms = report.value(top, SH.conforms)
    paths = _union(report, shapes)
    keys = frozenset(
        result_key(paths, report.value(node, SH.focusNode),
                   report.value(node, SH.resultPath), report.value(node, SH.value),
                   report.value(node, SH.sourceShape),
                   report.value(node, SH.sourceConstraintComponent),
                   report.value(node, SH.resultSeverity), exact)
        for node in report.objects(top, SH.result))
    return bool(conforms is not None and conforms.toPython()), keys


def _union(*graphs: Graph) -> Graph:
    union = Graph()
    for graph in graphs:
        for triple in graph:
            union.add(triple)
    return union
