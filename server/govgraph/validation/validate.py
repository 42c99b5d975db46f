"""SHACL validation: run the shapes (in Oxigraph, or with pyshacl) and report readable results.

`conforms` means "no violations": warnings (what is merely incomplete) are reported but do not
make a graph fail, so pyshacl runs with allow_warnings and the verdict is computed here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyshacl import validate as pyshacl_validate
from pyshacl.errors import ReportableRuntimeError
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from govgraph.config import Settings
from govgraph.errors import GovgraphError, InputError
from govgraph.rdf.loading import label_of, load_turtle, parse_file
from govgraph.rdf.oxgraph import oxigraph_graph
from govgraph.validation.compiler import path_text
from govgraph.validation.engine import (
    CompiledShapes,
    Finding,
    InvalidShapes,
    UnsupportedShapes,
    oxigraph_copy,
)

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass
class ValidationResult:
    """One thing wrong with the graph, said so a person can act on it."""

    severity: str
    focus_node: str
    focus_label: str
    path: str | None
    message: str
    shape: str
    value: str | None = None
    component: str | None = field(default=None, compare=False)  # not part of the JSON contract
    source_shape: str | None = field(default=None, compare=False)  # the shape that failed

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON shape for one result."""
        return {
            "severity": self.severity,
            "focusNode": self.focus_node,
            "focusLabel": self.focus_label,
            "path": self.path,
            "message": self.message,
            "shape": self.shape,
            "value": self.value,
            "sourceShape": self.source_shape,
        }


@dataclass
class ValidationReport:
    """The verdict (no violations) and every result, violations first."""

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)

    def count(self, severity: str) -> int:
        """How many results have this severity ("Violation", "Warning", "Info")."""
        return sum(1 for result in self.results if result.severity == severity)

    @property
    def failing_shapes(self) -> set[str]:
        """The shapes with at least one result, of any severity."""
        return {result.shape for result in self.results}

    def to_json(self) -> dict[str, Any]:
        """The verdict and every result, as `govgraph validate --format json` prints them."""
        return {"conforms": self.conforms, "results": [r.to_json() for r in self.results]}


class PreparedQueryGraph(Graph):
    """A graph that parses each distinct SPARQL text only once.

    pyshacl sends a SPARQL constraint's text again for every focus node, and parsing costs far
    more than evaluating; the parsed query is reused with the new bindings instead.
    """

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """Run a query text through its cached parse (unless it brings its own namespaces or
        base)."""
        if isinstance(query_object, str) and not kwargs.get("initNs") and not kwargs.get("base"):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=512)
def _prepared(text: str) -> Query:
    return prepareQuery(text)


def _remember_sparql_checks() -> None:
    """Make pyshacl check each SPARQL constraint's text once, not once per focus node.

    Its check (no MINUS, VALUES, SERVICE...) runs slow regular expressions over the text and
    depends on nothing else, so a verdict once reached is kept. Done on first use, not import.
    """
    check = SPARQLQueryHelper.check_invalid_sparql
    if getattr(check, "remembers_verdicts", False):
        return
    passed: set[tuple[str, bool, frozenset[str]]] = set()

    @wraps(check)
    def remembering_check(self, sparql_text, valuenode=None, extravars=None):  # type: ignore[no-untyped-def]
        key = (sparql_text, valuenode is not None, frozenset(extravars or ()))
        if key not in passed:
            check(self, sparql_text, valuenode=valuenode, extravars=extravars)
            passed.add(key)
        return True

    remembering_check.remembers_verdicts = True  # type: ignore[attr-defined]
    SPARQLQueryHelper.check_invalid_sparql = remembering_check  # type: ignore[method-assign]


def working_copy(data_graph: Graph, ontology_graph: Graph | None = None) -> PreparedQueryGraph:
    """The data (with the ontology mixed in) in a graph pyshacl may use in place."""
    graph = PreparedQueryGraph()
    for prefix, namespace in data_graph.namespaces():
        graph.bind(prefix, namespace, override=False)
    for triple in data_graph:
        graph.add(triple)
    for triple in ontology_graph if ontology_graph is not None else ():
        graph.add(triple)
    return graph


def load_shapes(settings: Settings) -> Graph:
    """The SHACL shapes graph (ontology/shapes.ttl by default). Raises ParseError."""
    return load_turtle(settings.shapes_file or settings.project_root / "ontology" / "shapes.ttl")


def load_any_shapes(shapes_file: str | Path,
                    data_files: Iterable[str | Path]) -> tuple[Graph, Graph]:
    """Any shapes and data files, as they are (no ontology added, no IRIs moved), for running
    other shapes than the project's through either engine. Raises ParseError / InputError."""
    files = list(data_files)
    if not files:
        raise InputError("--shapes needs at least one data FILE to validate")
    data = Graph()
    for path in files:
        parse_file(path, data)
    return parse_file(shapes_file), data


ENGINES = ("oxigraph", "pyshacl")


def validate(
    data_graph: Graph,
    shapes_graph: Graph | None = None,
    ontology_graph: Graph | None = None,
    focus_nodes: Iterable[Node] | None = None,
    *,
    engine: str = "oxigraph",
) -> ValidationReport:
    """Validate `data_graph` against the shapes, optionally only at `focus_nodes`.

    `ontology_graph`, when given, is mixed into the data first (its class hierarchy widens
    the shapes' targets); no other inference is done. `engine` "oxigraph" compiles the shapes
    to SPARQL run in Oxigraph (govgraph.validation.engine), falling back to pyshacl for
    shapes it cannot compile; "pyshacl" is the reference implementation.
    """
    shapes = shapes_graph if shapes_graph is not None else load_shapes(Settings.from_env())
    if engine not in ENGINES:
        raise GovgraphError(f"unknown validation engine {engine!r} (use one of {ENGINES})")
    if engine == "oxigraph":
        compiled = compiled_shapes(shapes)
        if compiled is not None:
            graphs = (data_graph,) if ontology_graph is None else (data_graph, ontology_graph)
            return validate_store(oxigraph_copy(*graphs), shapes, focus_nodes, compiled=compiled)
    return validate_with_pyshacl(data_graph, shapes, ontology_graph, focus_nodes)


def compiled_shapes(shapes: Graph) -> CompiledShapes | None:
    """The shapes compiled for Oxigraph, or None (logged) if they use unsupported features."""
    key = id(shapes)
    cached = _COMPILED.get(key)
    if cached is not None and cached[0] is shapes and cached[1] == len(shapes):
        return cached[2]
    try:
        compiled: CompiledShapes | None = CompiledShapes.compile(shapes)
    except UnsupportedShapes as exc:
        logging.getLogger("govgraph").warning("validating with pyshacl: %s", exc.message)
        compiled = None
    _COMPILED[key] = (shapes, len(shapes), compiled)
    return compiled


_COMPILED: dict[int, tuple[Graph, int, CompiledShapes | None]] = {}


def validate_store(
    store: ox.Store,
    shapes_graph: Graph,
    focus_nodes: Iterable[Node] | None = None,
    *,
    compiled: CompiledShapes | None = None,
    by_shape: Mapping[Node, Iterable[Node]] | None = None,
) -> ValidationReport:
    """Validate the default graph of an Oxigraph store (data and ontology) in Oxigraph, in
    full, at `focus_nodes`, or at the focus nodes `by_shape` gives each shape.

    Raises UnsupportedShapes if the shapes cannot be compiled."""
    compiled = compiled or CompiledShapes.compile(shapes_graph)
    view = oxigraph_graph(store)
    labels: dict[Node, str] = {}
    results = []
    for finding in compiled.run(store, focus_nodes, by_shape=by_shape):
        if finding.focus not in labels:
            labels[finding.focus] = label_of(view, finding.focus)
        results.append(_as_result(finding, labels[finding.focus], shapes_graph))
    results.sort(key=_reading_order)
    return ValidationReport(
        conforms=not any(r.severity == "Violation" for r in results), results=results
    )


def _as_result(finding: Finding, label: str, shapes: Graph) -> ValidationResult:
    focus, value = finding.focus, finding.value
    return ValidationResult(
        severity=SEVERITIES.get(finding.severity, "Violation"),
        focus_node=f"_:{focus}" if isinstance(focus, BNode) else str(focus),
        focus_label=label,
        path=_path_shown(finding.path, shapes),
        message=_message_text(list(finding.messages)),
        shape=_node_text(finding.shape),
        value=str(value) if value is not None and value != focus else None,
        component=str(finding.component),
        source_shape=_node_text(finding.source_shape),
    )


def _path_shown(path: Node | None, graph: Graph) -> str | None:
    """An IRI path as it is; a complex one (its structure in `graph`) as a SPARQL path."""
    if path is None or isinstance(path, URIRef):
        return str(path) if path is not None else None
    try:
        return path_text(graph, path)
    except InvalidShapes:
        return None


def _node_text(node: Node | None) -> str:
    """An IRI as it is, a blank node as `_:id` (shapes may be blank nodes)."""
    if node is None:
        return ""
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _message_text(messages: list[Literal]) -> str:
    english = [m for m in messages if (m.language or "en").startswith("en")]
    return " ".join(sorted({str(m) for m in english or messages}))


def validate_with_pyshacl(
    data_graph: Graph,
    shapes: Graph,
    ontology_graph: Graph | None = None,
    focus_nodes: Iterable[Node] | None = None,
) -> ValidationReport:
    """The reference: pyshacl on a copy of the data (and ontology)."""
    options: dict[str, Any] = {}
    if focus_nodes is not None:
        options["focus_nodes"] = list(focus_nodes)
        if not options["focus_nodes"]:
            return ValidationReport(conforms=True)
    _remember_sparql_checks()
    target = working_copy(data_graph, ontology_graph)
    try:
        _, report_graph, _ = pyshacl_validate(
            target,
            shacl_graph=shapes,
            inference="none",
            inplace=True,
            allow_warnings=True,
            abort_on_first=False,
            **options,
        )
    except ReportableRuntimeError as exc:  # shapes pyshacl rejects (forbidden SPARQL, ...)
        raise InvalidShapes(f"pyshacl rejected the shapes: {exc.message}") from exc
    if not isinstance(report_graph, Graph):
        raise InvalidShapes(f"the shapes could not be run: {report_graph}")
    results = [
        _result(report_graph, shapes, target, node)
        for node in report_graph.subjects(RDF.type, SH.ValidationResult)
    ]
    results.sort(key=_reading_order)
    return ValidationReport(
        conforms=not any(r.severity == "Violation" for r in results), results=results
    )


def _reading_order(result: ValidationResult) -> tuple[int, str, str, str]:
    severity = SEVERITY_ORDER.get(result.severity, len(SEVERITY_ORDER))
    return severity, result.focus_label, result.shape, result.message


def _result(report: Graph, shapes: Graph, labels: Graph, node: Node) -> ValidationResult:
    focus = report.value(node, SH.focusNode)
    path = report.value(node, SH.resultPath)
    value = report.value(node, SH.value)
    severity = SEVERITIES.get(report.value(node, SH.resultSeverity), "Violation")
    messages = [m for m in report.objects(node, SH.resultMessage) if isinstance(m, Literal)]
    message = _message_text(messages)
    return ValidationResult(
        severity=severity,
        focus_node=f"_:{focus}" if isinstance(focus, BNode) else str(focus),
        focus_label=label_of(labels, focus),
        path=_path_shown(path, report),
        message=message,
        shape=_named_shape(shapes, report.value(node, SH.sourceShape)),
        value=str(value) if value is not None and value != focus else None,
        component=str(report.value(node, SH.sourceConstraintComponent)),
        source_shape=_node_text(report.value(node, SH.sourceShape)),
    )


def _named_shape(shapes: Graph, shape: Node | None) -> str:
    """The named node shape a result comes from (a property shape reports its parent)."""
    seen: set[Node] = set()
    while shape is not None and not isinstance(shape, URIRef) and shape not in seen:
        seen.add(shape)
        shape = shapes.value(None, SH.property, shape)
    return str(shape) if shape is not None else ""
