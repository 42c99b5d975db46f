"""SHACL validation inside Oxigraph: each constraint of the shapes compiled to one SPARQL query.

Every shape's targets and every one of its constraints become a single query that finds the
violations at all focus nodes at once (or at a given set of them), and the rows are turned into
the results pyshacl would report (focus node, path, value, shape, constraint component,
severity, message with `{?var}` substitution). The subset of SHACL our shapes use is supported:
class / subjects-of / objects-of / node targets; property shapes with an IRI path and
sh:minCount, sh:maxCount, sh:datatype, sh:nodeKind, sh:in; SPARQL-based constraints
(sh:select). Anything else raises UnsupportedShapes, so that the caller can fall back to pyshacl:
a constraint is never silently skipped.

SPARQL constraints pre-bind `$this`: the target query is joined with the constraint as
`LATERAL { … }`, which Oxigraph evaluates once per focus node with `?this` substituted
everywhere in it (in nested groups and `FILTER NOT EXISTS` too), as pyshacl's initBindings do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from govgraph.errors import GovgraphError
from govgraph.store import from_oxigraph, to_oxigraph

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


class UnsupportedShapes(GovgraphError):
    """The shapes use a SHACL feature this engine does not evaluate (use pyshacl instead)."""


# What the engine understands; any other sh: term in the shapes graph is refused.
_SUPPORTED_PREDICATES = {
    SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.property,
    SH.sparql, SH.severity, SH.message, SH.path, SH.minCount, SH.maxCount, SH.datatype,
    SH.nodeKind, SH["in"], SH.prefixes, SH.select, SH.declare, SH.prefix, SH.namespace,
    SH.name, SH.description, SH.order, SH.group,
}
_SUPPORTED_TYPES = {SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint, SH.PrefixDeclaration}
_NODE_KINDS = {
    SH.IRI: "isIRI(?value)",
    SH.BlankNode: "isBlank(?value)",
    SH.Literal: "isLiteral(?value)",
    SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))",
    SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
    SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
}
# Datatypes whose lexical forms Oxigraph can check by casting (pyshacl rejects ill-typed ones).
_CASTABLE = {XSD.date, XSD.dateTime, XSD.time, XSD.integer, XSD.decimal, XSD.double, XSD.float,
             XSD.boolean}


@dataclass(frozen=True)
class Check:
    """One constraint of one shape, as a query template over the focus nodes."""

    shape: URIRef  # the named shape reported (a property shape reports its parent)
    source_shape: Node
    component: URIRef
    severity: URIRef
    messages: tuple[Literal, ...]
    template: str  # `{focus}` stands where the focus nodes are bound, if they are given
    path: URIRef | None = None
    substitutes: bool = False  # SPARQL-based: `{?var}` in messages is filled in


@dataclass(frozen=True)
class Finding:
    """One raw result, in rdflib terms, as pyshacl's report has it."""

    focus: Node
    path: URIRef | None
    value: Node | None
    shape: URIRef
    component: URIRef
    severity: URIRef
    messages: tuple[Literal, ...]


@dataclass
class CompiledShapes:
    """The shapes graph compiled to queries; `run` evaluates them on an Oxigraph store."""

    checks: list[Check] = field(default_factory=list)

    @classmethod
    def compile(cls, shapes: Graph) -> CompiledShapes:
        """Compile `shapes`; raises UnsupportedShapes naming the first feature not handled."""
        _refuse_unsupported(shapes)
        compiled = cls()
        for shape in sorted(_node_shapes(shapes), key=str):
            targets = _targets(shapes, shape)
            if targets is None:
                continue
            named = shape
            if not isinstance(named, URIRef):
                raise UnsupportedShapes(f"a node shape without a name ({shape}) is not supported")
            severity = shapes.value(shape, SH.severity) or SH.Violation
            if shapes.value(shape, SH.path) is not None:
                raise UnsupportedShapes(f"{shape}: a property shape with targets")
            if list(shapes.objects(shape, SH.message)):
                raise UnsupportedShapes(f"{shape}: sh:message on a node shape")
            for constraint in sorted(shapes.objects(shape, SH.sparql), key=str):
                compiled.checks.append(
                    _sparql_check(shapes, named, constraint, targets, severity))
            for prop in sorted(shapes.objects(shape, SH.property), key=str):
                compiled.checks.extend(_property_checks(shapes, named, prop, targets))
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
        findings: dict[tuple[object, ...], Finding] = {}
        types = _subclass_lists(store, checks)
        for check in checks:
            query = check.template.replace("{focus}", focus_of.get(check.shape, ""))
            for placeholder, members in types.items():
                query = query.replace(placeholder, members)
            for finding in self._findings(store, check, query):
                key = (finding.focus, finding.path, finding.value, finding.shape,
                       finding.component, finding.severity, finding.messages)
                findings.setdefault(key, finding)
        return list(findings.values())

    @staticmethod
    def _findings(store: ox.Store, check: Check, query: str) -> Iterator[Finding]:
        solutions = store.query(query)
        names = [v.value for v in solutions.variables]
        for row in solutions:
            bound = {name: to_rdflib(row[name]) for name in names if row[name] is not None}
            focus = bound["this"]
            path = bound.get("path") if check.substitutes else check.path
            value = bound.get("value", focus if check.substitutes else None)
            messages = check.messages
            if check.substitutes:
                messages = tuple(Literal(_fill(str(m), bound)) for m in messages)
            yield Finding(focus=focus, path=path if isinstance(path, URIRef) else None,
                          value=value, shape=check.shape, component=check.component,
                          severity=check.severity, messages=messages)


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
    placeholders = {m.group(0): m.group(1).split() for c in checks
                    for m in _TYPES.finditer(c.template)}
    classes = sorted({name for names in placeholders.values() for name in names})
    if not classes:
        return {}
    below: dict[str, set[str]] = {name: {name} for name in classes}
    query = (_PREAMBLE + "SELECT ?sub ?class WHERE { VALUES ?class { " + " ".join(classes)
             + " } ?sub rdfs:subClassOf* ?class . FILTER (isIRI(?sub)) }")
    for row in store.query(query):
        below[str(row["class"])].add(str(row["sub"]))
    return {placeholder: ", ".join(sorted(set().union(*(below[n] for n in names))))
            for placeholder, names in placeholders.items()}


def _fill(message: str, bound: dict[str, Node]) -> str:
    """pyshacl's message substitution: `{?name}` / `{$name}` replaced by the bound values."""
    for name, term in bound.items():
        message = re.sub(f"{{[?$]{name}}}", str(term), message)
    return message


# --- Compiling ----------------------------------------------------------------------------------


def _refuse_unsupported(shapes: Graph) -> None:
    for s, p, o in shapes:
        if str(p).startswith(str(SH)) and p not in _SUPPORTED_PREDICATES:
            raise UnsupportedShapes(f"{s}: {p} is not supported by the Oxigraph engine")
        if p == RDF.type and str(o).startswith(str(SH)) and o not in _SUPPORTED_TYPES:
            raise UnsupportedShapes(f"{s}: type {o} is not supported by the Oxigraph engine")
    for shape in _node_shapes(shapes):
        if {(shape, RDF.type, RDFS.Class), (shape, RDF.type, OWL.Class)} & set(
                shapes.triples((shape, RDF.type, None))):
            raise UnsupportedShapes(f"{shape}: implicit class targets are not supported")


def _node_shapes(shapes: Graph) -> set[Node]:
    found = set(shapes.subjects(RDF.type, SH.NodeShape))
    for predicate in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode,
                      SH.sparql):
        found.update(shapes.subjects(predicate, None))
    found.update(s for s in shapes.subjects(SH.property, None))
    return found


def _iri(term: Node | None, what: str) -> str:
    if not isinstance(term, URIRef):
        raise UnsupportedShapes(f"{what} must be an IRI, not {term!r}")
    return str(ox.NamedNode(str(term)))


def _targets(shapes: Graph, shape: Node) -> str | None:
    """The shape's targets as a group binding ?this (DISTINCT), or None when it has none."""
    branches = []
    classes = sorted(shapes.objects(shape, SH.targetClass), key=str)
    if classes:
        names = " ".join(_iri(c, "sh:targetClass") for c in classes)
        # `{types:…}` becomes the classes and all their subclasses in the data, found at run
        # time: Oxigraph then looks the focus nodes' types up instead of scanning all types
        branches.append(f"{{focus}} ?this a ?__type . FILTER (?__type IN ({{types:{names}}}))")
    for predicate in sorted(shapes.objects(shape, SH.targetSubjectsOf), key=str):
        branches.append(f"{{focus}} ?this {_iri(predicate, 'sh:targetSubjectsOf')} ?__o .")
    for predicate in sorted(shapes.objects(shape, SH.targetObjectsOf), key=str):
        branches.append(f"{{focus}} ?__s {_iri(predicate, 'sh:targetObjectsOf')} ?this .")
    nodes = sorted(shapes.objects(shape, SH.targetNode), key=str)
    if nodes:
        values = " ".join(_term_text(n) for n in nodes)
        branches.append(f"{{focus}} VALUES ?this {{ {values} }}")
    if not branches:
        return None
    union = " UNION ".join(f"{{ {b} }}" for b in branches)
    return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"


_PREAMBLE = ("PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
             "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")


def _term_text(term: Node) -> str:
    if isinstance(term, URIRef):
        return str(ox.NamedNode(str(term)))
    if isinstance(term, Literal):
        return str(to_oxigraph(term))
    raise UnsupportedShapes(f"a blank node ({term}) cannot be a target or an sh:in value")


def _messages(shapes: Graph, node: Node) -> tuple[Literal, ...]:
    return tuple(sorted((m for m in shapes.objects(node, SH.message) if isinstance(m, Literal)),
                        key=lambda m: (str(m), m.language or "")))


def _prefixes(shapes: Graph, constraint: Node) -> str:
    lines = []
    for source in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(source, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is None or namespace is None:
                raise UnsupportedShapes(f"{source}: a prefix declaration needs both parts")
            lines.append(f"PREFIX {prefix}: {ox.NamedNode(str(namespace))}")
    return "\n".join(sorted(set(lines)))


def _sparql_check(shapes: Graph, shape: URIRef, constraint: Node, targets: str,
                  severity: Node) -> Check:
    select = shapes.value(constraint, SH.select)
    if select is None:
        raise UnsupportedShapes(f"{shape}: a SPARQL constraint without sh:select")
    text = str(select)
    if re.search(r"^\s*(PREFIX|BASE)\b", text, re.IGNORECASE):
        raise UnsupportedShapes(f"{shape}: PREFIX or BASE inside sh:select (use sh:prefixes)")
    if re.search(r"\$(value|PATH|currentShape|shapesGraph)\b", text):
        raise UnsupportedShapes(f"{shape}: pre-bound variables other than $this")
    head = re.match(r"\s*SELECT\s+(.*?)\s*(WHERE\b|\{)", text, re.IGNORECASE | re.DOTALL)
    if head is None or not re.search(r"[?$]this\b|\*", head.group(1)):
        raise UnsupportedShapes(f"{shape}: the SPARQL constraint must select $this")
    body = _lateral_optionals(re.sub(r"\$this\b", "?this", text))
    query = (f"{_PREAMBLE}{_prefixes(shapes, constraint)}\n"
             f"SELECT * WHERE {{ {targets} LATERAL {{ {body} }} }}")
    _syntax_check(shape, query)
    return Check(shape=shape, source_shape=constraint, component=SH.SPARQLConstraintComponent,
                 severity=URIRef(str(severity)), messages=_messages(shapes, constraint),
                 template=query, substitutes=True)


_TOKEN = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>'
                    r'|#[^\n]*|\bOPTIONAL\b|[{}]', re.IGNORECASE)


def _lateral_optionals(text: str) -> str:
    """Each `OPTIONAL { … }` as `LATERAL { OPTIONAL { … } }`.

    Oxigraph joins an OPTIONAL group by evaluating it on its own (all of its matches in the
    graph) for every focus node; under LATERAL it is evaluated with the row's values
    substituted, as rdflib (and so pyshacl) evaluates it. Strings, IRIs and comments are
    skipped; the equality tests compare the results with pyshacl's."""
    out: list[str] = []
    closers: list[bool] = []  # per open brace: does its group end an OPTIONAL we rewrote?
    pending = False
    position = 0
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        out.append(text[position:match.start()])
        position = match.end()
        if token.upper() == "OPTIONAL":
            out.append("LATERAL { OPTIONAL")
            pending = True
        elif token == "{":
            closers.append(pending)
            pending = False
            out.append(token)
        elif token == "}":
            out.append("} }" if closers and closers.pop() else "}")
        else:
            out.append(token)
    out.append(text[position:])
    if closers or pending:
        raise UnsupportedShapes("unbalanced braces in a SPARQL constraint")
    return "".join(out)


def _property_checks(shapes: Graph, shape: URIRef, prop: Node, targets: str) -> list[Check]:
    path = shapes.value(prop, SH.path)
    if not isinstance(path, URIRef):
        raise UnsupportedShapes(f"{shape}: only IRI paths are supported, not {path!r}")
    if list(shapes.objects(prop, SH.targetClass)) or list(shapes.objects(prop, SH.sparql)):
        raise UnsupportedShapes(f"{shape}: targets or SPARQL on a property shape")
    p = _iri(path, "sh:path")
    severity = URIRef(str(shapes.value(prop, SH.severity) or SH.Violation))
    messages = _messages(shapes, prop)
    checks: list[tuple[URIRef, str]] = []
    for count in shapes.objects(prop, SH.minCount):
        checks.append((SH.MinCountConstraintComponent,
                       f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {p} ?value }} }} "
                       f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {int(count)})"))
    for count in shapes.objects(prop, SH.maxCount):
        checks.append((SH.MaxCountConstraintComponent,
                       f"SELECT ?this WHERE {{ {targets} ?this {p} ?value }} "
                       f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {int(count)})"))
    for datatype in shapes.objects(prop, SH.datatype):
        checks.append((SH.DatatypeConstraintComponent,
                       _value_query(targets, p, _datatype_test(shape, datatype))))
    for kind in shapes.objects(prop, SH.nodeKind):
        if kind not in _NODE_KINDS:
            raise UnsupportedShapes(f"{shape}: sh:nodeKind {kind}")
        checks.append((SH.NodeKindConstraintComponent, _value_query(targets, p, _NODE_KINDS[kind])))
    for members in shapes.objects(prop, SH["in"]):
        allowed = [_term_text(term) for term in Collection(shapes, members)]
        test = " || ".join(f"sameTerm(?value, {term})" for term in allowed) or "false"
        checks.append((SH.InConstraintComponent, _value_query(targets, p, f"({test})")))
    compiled = []
    for component, query in checks:
        text = f"{_PREAMBLE}{query}"
        _syntax_check(shape, text)
        compiled.append(Check(shape=shape, source_shape=prop, component=component,
                              severity=severity, messages=messages, template=text, path=path))
    return compiled


def _value_query(targets: str, path: str, test: str) -> str:
    return f"SELECT ?this ?value WHERE {{ {targets} ?this {path} ?value FILTER (!{test}) }}"


def _datatype_test(shape: URIRef, datatype: Node) -> str:
    """True when ?value is a well-formed literal of `datatype` (pyshacl's rule)."""
    iri = _iri(datatype, "sh:datatype")
    if datatype in _CASTABLE:
        return (f"(isLiteral(?value) && sameTerm(DATATYPE(?value), {iri}) "
                f"&& COALESCE(sameTerm({iri}(STR(?value)), ?value) "
                f"|| {iri}(STR(?value)) = ?value, false))")
    if datatype in (XSD.string, RDF.langString, XSD.anyURI):
        return f"(isLiteral(?value) && sameTerm(DATATYPE(?value), {iri}))"
    raise UnsupportedShapes(f"{shape}: sh:datatype {datatype} is not supported")


def _syntax_check(shape: URIRef, query: str) -> None:
    try:
        ox.Store().query(_TYPES.sub(lambda m: m.group(1).replace(" ", ", "),
                                    query.replace("{focus}", "")))
    except SyntaxError as exc:
        raise UnsupportedShapes(f"{shape}: its compiled query does not parse: {exc}") from exc


# --- Terms and stores ---------------------------------------------------------------------------


def to_rdflib(term: OxTerm) -> Node:
    """A pyoxigraph term as an rdflib term, literals normalised as rdflib parses them."""
    return from_oxigraph(term, normalize=None)


def quad(triple: tuple[Node, Node, Node]) -> ox.Quad:
    s, p, o = triple
    return ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), ox.DefaultGraph())


def oxigraph_copy(*graphs: Graph) -> ox.Store:
    """An in-memory Oxigraph store holding the triples of `graphs`."""
    store = ox.Store()
    for graph in graphs:
        store.extend(quad(triple) for triple in graph)
    return store
