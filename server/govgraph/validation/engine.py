"""SHACL validation inside Oxigraph: each constraint of the shapes compiled to SPARQL.

Every shape's targets and every one of its constraints become a query that finds the
violations at all focus nodes at once (or at a given set of them), and the rows are turned into
the results the SHACL spec asks for (focus node, path, value, source shape, constraint
component, severity, message with `{?var}` substitution). The compiler
(govgraph.validation.compiler) covers SHACL Core and SPARQL-based constraints; anything else
raises UnsupportedShapes, so that the caller can hand the shapes to pyshacl, and shapes SHACL
says must be rejected raise InvalidShapes: a constraint is never silently skipped.

SPARQL constraints pre-bind `$this`: the target query is joined with the constraint as
`LATERAL { … }`, which Oxigraph evaluates once per focus node with `?this` substituted
everywhere in it (in nested groups and `FILTER NOT EXISTS` too), as pyshacl's initBindings do.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from govgraph.rdf.convert import from_oxigraph, to_oxigraph
from govgraph.validation.compiler import (
    FUNCTIONS,
    PREAMBLE,
    Check,
    Compiler,
    InvalidShapes,
    Rule,
    UnsupportedShapes,
    iri,
    target_classes,
    target_shapes,
    term_text,
)

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
Row = dict[str, Node]

__all__ = ["Check", "CompiledShapes", "Finding", "InvalidShapes", "UnsupportedShapes"]


@dataclass(frozen=True)
class Finding:
    """One raw result, in rdflib terms, as a SHACL report has it."""

    focus: Node
    path: Node | None  # an IRI, or the shapes graph's node of a complex path
    value: Node | None
    shape: Node  # the shape with targets (a property shape's parent)
    component: URIRef
    severity: URIRef
    messages: tuple[Literal, ...]
    source_shape: Node | None = None


@dataclass
class CompiledShapes:
    """The shapes graph compiled to queries; `run` evaluates them on an Oxigraph store."""

    checks: list[Check] = field(default_factory=list)

    @classmethod
    def compile(cls, shapes: Graph) -> CompiledShapes:
        """Compile `shapes`; raises UnsupportedShapes naming the first feature not handled,
        InvalidShapes naming the first shape SHACL says must be rejected."""
        compiler = Compiler(shapes)
        compiled = cls()
        for shape in sorted(target_shapes(shapes), key=str):
            targets = _targets(shapes, shape)
            compiled.checks.extend(compiler.shape_checks(shape, targets, shape))
        return compiled

    def run(self, store: ox.Store, focus_nodes: Iterable[Node] | None = None, *,
            by_shape: Mapping[Node, Iterable[Node]] | None = None) -> list[Finding]:
        """Every result of every check, on all targets, only at `focus_nodes` (IRIs), or
        only at the focus nodes `by_shape` gives for each check's shape (none: skipped)."""
        if by_shape is not None:
            focus_of = {shape: _values(nodes) for shape, nodes in by_shape.items()}
            checks = [c for c in self.checks if focus_of.get(c.shape)]
        elif focus_nodes is None:
            focus_of, checks = {}, self.checks
        else:
            values = _values(focus_nodes)
            if not values:
                return []
            focus_of = {c.shape: values for c in self.checks}
            checks = self.checks
        if not checks:
            return []
        evaluation = _Evaluation(store, _subclass_lists(store, checks))
        findings: dict[tuple[object, ...], Finding] = {}
        for check in checks:
            for row in evaluation.rows(check, focus_of.get(check.shape, "")):
                finding = _finding(check, row)
                key = (finding.focus, finding.path, finding.value, finding.source_shape,
                       finding.component, finding.severity, finding.messages)
                findings.setdefault(key, finding)
        return list(findings.values())


class _Evaluation:
    """One run's queries, with each nested shape's failing nodes worked out once."""

    def __init__(self, store: ox.Store, types: dict[str, str]) -> None:
        self.store = store
        self.types = types
        self._failing: dict[tuple[int, str], set[Node]] = {}

    def rows(self, check: Check, focus: str) -> list[Row]:
        """The violations of `check` as rows of rdflib terms, its focus and type placeholders filled
        in, decided by its Rule when it has one."""
        query = check.template.replace("{focus}", focus)
        for placeholder, members in self.types.items():
            query = query.replace(placeholder, members)
        solutions = self.store.query(query, custom_functions=FUNCTIONS)
        names = [v.value for v in solutions.variables]
        rows = [{name: to_rdflib(row[name]) for name in names if row[name] is not None}
                for row in solutions]
        return rows if check.rule is None else self._decide(check.rule, rows, focus)

    def failing(self, checks: tuple[Check, ...], focus: str) -> set[Node]:
        """The focus nodes at which a nested shape (its `checks`) has any result."""
        key = (id(checks), focus)
        if key not in self._failing:
            self._failing[key] = {row["this"] for check in checks
                                  for row in self.rows(check, focus)}
        return self._failing[key]

    def _decide(self, rule: Rule, rows: list[Row], focus: str) -> list[Row]:
        failing = [self.failing(members, focus) for members in rule.members]
        if rule.kind in ("qualifiedMin", "qualifiedMax"):
            others = [self.failing(members, focus) for members in rule.siblings]
            counts: Counter[Node] = Counter()
            for row in rows:
                value = row.get("value")
                conforms = value is not None and value not in failing[0] and all(
                    value in other for other in others)
                counts[row["this"]] += 1 if conforms else 0
            too_few = rule.kind == "qualifiedMin"
            return [{"this": node} for node, n in counts.items()
                    if (n < rule.count if too_few else n > rule.count)]
        verdicts = {
            "node": lambda fails: fails[0],
            "not": lambda fails: not fails[0],
            "and": any,
            "or": all,
            "xone": lambda fails: sum(not f for f in fails) != 1,
        }
        decide = verdicts[rule.kind]
        return [row for row in rows
                if decide([row["value"] in nodes for nodes in failing])]


def _finding(check: Check, row: Row) -> Finding:
    focus = row["this"]
    path: Node | None = check.path
    if isinstance(row.get("path"), URIRef):
        path = row["path"]
    value = row.get("value")
    if value is None and check.substitutes and check.path is None:
        value = focus  # a SPARQL constraint of a node shape: the value is the focus node
    messages = check.messages
    if check.substitutes:
        messages = tuple(Literal(_fill(str(m), row)) for m in messages)
    return Finding(focus=focus, path=path, value=value, shape=check.shape,
                   component=check.component, severity=check.severity, messages=messages,
                   source_shape=check.source_shape)


def _values(nodes: Iterable[Node]) -> str:
    """A VALUES clause binding ?this to the IRIs among `nodes` ("" if there are none)."""
    iris = sorted({str(n) for n in nodes if isinstance(n, URIRef)})
    if not iris:
        return ""
    return "VALUES ?this { " + " ".join(str(ox.NamedNode(i)) for i in iris) + " }"


_TYPES = re.compile(r"\{types:([^}]*)\}")


def _subclass_lists(store: ox.Store, checks: list[Check]) -> dict[str, str]:
    """For each `{types:<a> <b>}` placeholder: <a>, <b> and their subclasses, comma-separated
    (rdfs:subClassOf* in the store, as pyshacl follows it in the data graph)."""
    placeholders = {m.group(0): m.group(1).split() for c in checks for nested in c.nested()
                    for m in _TYPES.finditer(nested.template)}
    classes = sorted({name for names in placeholders.values() for name in names})
    if not classes:
        return {}
    below: dict[str, set[str]] = {name: {name} for name in classes}
    query = (PREAMBLE + "SELECT ?sub ?class WHERE { VALUES ?class { " + " ".join(classes)
             + " } ?sub rdfs:subClassOf* ?class . FILTER (isIRI(?sub)) }")
    for row in store.query(query):
        below[str(row["class"])].add(str(row["sub"]))
    return {placeholder: ", ".join(sorted(set().union(*(below[n] for n in names))))
            for placeholder, names in placeholders.items()}


def _fill(message: str, bound: Row) -> str:
    """pyshacl's message substitution: `{?name}` / `{$name}` replaced by the bound values."""
    for name, term in bound.items():
        message = re.sub(f"{{[?$]{name}}}", lambda _, t=term: str(t), message)
    return message


# --- Targets ------------------------------------------------------------------------------------


def _targets(shapes: Graph, shape: Node) -> str:
    """The shape's targets as a group binding ?this (each focus node once)."""
    branches = []
    classes = sorted(target_classes(shapes, shape), key=str)
    if classes:
        names = " ".join(iri(c, "sh:targetClass") for c in classes)
        # `{types:…}` becomes the classes and all their subclasses in the data, found at run
        # time: Oxigraph then looks the focus nodes' types up instead of scanning all types
        branches.append(f"{{focus}} ?this a ?__type . FILTER (?__type IN ({{types:{names}}}))")
    for predicate in sorted(shapes.objects(shape, SH.targetSubjectsOf), key=str):
        branches.append(f"{{focus}} ?this {iri(predicate, 'sh:targetSubjectsOf')} ?__o .")
    for predicate in sorted(shapes.objects(shape, SH.targetObjectsOf), key=str):
        branches.append(f"{{focus}} ?__s {iri(predicate, 'sh:targetObjectsOf')} ?this .")
    nodes = sorted(shapes.objects(shape, SH.targetNode), key=str)
    if nodes:
        values = " ".join(term_text(n) for n in nodes)
        branches.append(f"{{focus}} VALUES ?this {{ {values} }}")
    union = " UNION ".join(f"{{ {b} }}" for b in branches)
    return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"


# --- Terms and stores ---------------------------------------------------------------------------


def to_rdflib(term: OxTerm) -> Node:
    """A pyoxigraph term as an rdflib term, literals normalised as rdflib parses them."""
    return from_oxigraph(term, normalize=None)


def quad(triple: tuple[Node, Node, Node]) -> ox.Quad:
    """A triple as a quad in Oxigraph's default graph."""
    s, p, o = triple
    return ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), ox.DefaultGraph())


def oxigraph_copy(*graphs: Graph) -> ox.Store:
    """An in-memory Oxigraph store holding the triples of `graphs`."""
    store = ox.Store()
    for graph in graphs:
        store.extend(quad(triple) for triple in graph)
    return store
