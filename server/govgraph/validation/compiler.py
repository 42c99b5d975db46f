"""Compiling SHACL shapes to SPARQL: one function per constraint component, in a table.

Each constraint of a shape becomes a `Check`: a query that finds its violations at all focus
nodes at once (rows binding ?this, and ?value / ?path where the result has them). A shape's
focus nodes are a group pattern binding ?this, so shapes nested through sh:property, sh:node,
sh:not, sh:and, sh:or, sh:xone and sh:qualifiedValueShape are compiled with their parent's
value nodes as their focus nodes; the checks of the logical components carry a `Rule` that
decides in Python, from which value nodes the nested shapes fail at, which rows are violations.
A constraint the table does not hold makes the whole shapes graph `UnsupportedShapes` (hand it
to pyshacl); one SHACL says must be rejected is `InvalidShapes`. Nothing is silently skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from govgraph.errors import GovgraphError, InputError
from govgraph.rdf.convert import to_oxigraph
from govgraph.validation.sparql_constraints import lateral_optionals, sparql_problem, substitute


class UnsupportedShapes(GovgraphError):
    """The shapes use a SHACL feature this engine does not evaluate (use pyshacl instead)."""


class InvalidShapes(InputError):
    """The shapes are ill-formed in a way SHACL requires a processor to reject."""


PREAMBLE = ("PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")


@dataclass(frozen=True)
class Rule:
    """How a logical component's rows (?this, ?value) are decided: `kind` says how the value
    nodes the `members` fail at (each a nested shape's checks) make a row a violation."""

    kind: str  # node, not, and, or, xone, qualifiedMin, qualifiedMax
    members: tuple[tuple[Check, ...], ...]
    count: int = 0
    siblings: tuple[tuple[Check, ...], ...] = ()  # sh:qualifiedValueShapesDisjoint


@dataclass(frozen=True)
class Check:
    """One constraint of one shape, as a query template over the focus nodes."""

    shape: Node  # the shape with targets whose results these are (reported as `shape`)
    source_shape: Node  # the shape that holds the constraint
    component: URIRef
    severity: URIRef
    messages: tuple[Literal, ...]
    template: str  # `{focus}` stands where the focus nodes are bound, if they are given
    path: Node | None = None  # the shapes graph's sh:path of a property shape
    substitutes: bool = False  # SPARQL-based: `{?var}` in messages is filled in
    rule: Rule | None = None

    def nested(self) -> Iterator[Check]:
        """This check and every check its rule depends on."""
        yield self
        if self.rule is not None:
            for group in (*self.rule.members, *self.rule.siblings):
                for member in group:
                    yield from member.nested()


@dataclass
class Site:
    """Where a shape's constraints are evaluated: its focus nodes and, through its path (if it
    is a property shape), its value nodes."""

    compiler: Compiler
    shape: Node
    owner: Node
    focus: str  # a group pattern binding ?this (each focus node once)
    path: Node | None
    severity: URIRef
    messages: tuple[Literal, ...]
    path_text: str = field(init=False, default="")

    def __post_init__(self) -> None:
        """Write the path as SPARQL once, for every constraint of the shape."""
        if self.path is not None:
            self.path_text = path_text(self.compiler.shapes, self.path)

    @property
    def graph(self) -> Graph:
        """The shapes graph the shape is read from."""
        return self.compiler.shapes

    @property
    def name(self) -> str:
        """The shape, as an error message names it (a blank node by its parent and path)."""
        return shape_name(self.shape, self.owner, self.graph)

    def value(self, predicate: URIRef) -> Node | None:
        """The shape's one value of `predicate` (None if it has none)."""
        return self.graph.value(self.shape, predicate)

    def values(self, variable: str = "?value") -> str:
        """Bind `variable` to each value node of ?this."""
        if self.path is None:
            return f"BIND (?this AS {variable})"
        return f"?this {self.path_text} {variable} ."

    def has_value(self, term: str) -> str:
        """An expression: is `term` (a variable or a constant) a value node of ?this?"""
        if self.path is None:
            return f"sameTerm(?this, {term})"
        return f"EXISTS {{ ?this {self.path_text} {term} }}"

    def value_focus(self) -> str:
        """A group pattern binding ?this to the value nodes: the focus of nested shapes."""
        if self.path is None:
            return self.focus
        return (f"{{ SELECT DISTINCT (?__v AS ?this) WHERE {{ {{ SELECT ?__v WHERE {{ "
                f"{self.focus} ?this {self.path_text} ?__v }} }} }} }}")

    def require_path(self, what: str) -> str:
        """The path as SPARQL; raises InvalidShapes if the shape has none, as `what` needs one."""
        if self.path is None:
            raise InvalidShapes(f"{self.name}: {what} belongs on a property shape (sh:path)")
        return self.path_text

    def check(self, component: URIRef, query: str, *, rule: Rule | None = None,
              substitutes: bool = False, messages: tuple[Literal, ...] | None = None) -> Check:
        """The Check for `component` at this site; the query is parsed now, so a malformed one fails
        at compile time naming the shape."""
        text = f"{PREAMBLE}{query}"
        syntax_check(self.name, text)
        return Check(shape=self.owner, source_shape=self.shape, component=component,
                     severity=self.severity,
                     messages=self.messages if messages is None else messages,
                     template=text, path=self.path, substitutes=substitutes, rule=rule)

    def filter(self, component: URIRef, test: str) -> Check:
        """Each value node for which `test` is false (or an error) is a violation."""
        return self.check(component, f"SELECT ?this ?value WHERE {{ {self.focus} "
                                     f"{self.values()} FILTER (!COALESCE({test}, false)) }}")

    def nested(self, component: URIRef, kind: str, shapes: list[Node], *,
               candidates: str | None = None, count: int = 0,
               siblings: list[Node] | None = None) -> Check:
        """A check whose violations depend on whether value nodes conform to `shapes`."""
        focus = self.value_focus()
        members = tuple(tuple(self.compiler.shape_checks(s, focus, self.owner)) for s in shapes)
        others = tuple(tuple(self.compiler.shape_checks(s, focus, self.owner))
                       for s in siblings or ())
        query = candidates or f"SELECT ?this ?value WHERE {{ {self.focus} {self.values()} }}"
        return self.check(component, query,
                          rule=Rule(kind, members, count=count, siblings=others))


# --- The components -----------------------------------------------------------------------------

Component = Callable[[Site, Node], list[Check]]

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
_XSD_UNCHECKED = {XSD.string, XSD.anyURI}
# Oxigraph stores literals of these as xsd:integer (or xsd:dateTime): their datatype is lost.
_REWRITTEN = {XSD[name] for name in (
    "long", "int", "short", "byte", "nonNegativeInteger", "nonPositiveInteger", "negativeInteger",
    "positiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    "dateTimeStamp")}
WELL_FORMED = ox.NamedNode("urn:govgraph:shacl:well-formed")


def _well_formed(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.Literal:
    """Is `term` a literal whose lexical form its datatype allows (rdflib's reading)?"""
    if not isinstance(term, ox.Literal):
        return ox.Literal(False)
    literal = Literal(term.value, datatype=URIRef(term.datatype.value))
    return ox.Literal(not literal.ill_typed)


# Functions the compiled queries call: pass them to every query (Store.query custom_functions).
FUNCTIONS = {WELL_FORMED: _well_formed}


def _class(site: Site, cls: Node) -> list[Check]:
    test = f"EXISTS {{ ?value rdf:type/rdfs:subClassOf* {iri(cls, 'sh:class')} }}"
    return [site.filter(SH.ClassConstraintComponent, test)]


def _datatype(site: Site, datatype: Node) -> list[Check]:
    """A well-formed literal of `datatype` (pyshacl's rule: ill-typed literals fail)."""
    dt = iri(datatype, "sh:datatype")
    if datatype in _REWRITTEN:
        raise UnsupportedShapes(f"{site.name}: sh:datatype {datatype}: Oxigraph stores such "
                                f"literals as xsd:integer or xsd:dateTime, so it cannot be checked")
    test = f"(isLiteral(?value) && sameTerm(DATATYPE(?value), {dt}))"
    if datatype in _CASTABLE:
        test = (f"(isLiteral(?value) && sameTerm(DATATYPE(?value), {dt}) "
                f"&& COALESCE(sameTerm({dt}(STR(?value)), ?value) "
                f"|| {dt}(STR(?value)) = ?value, false))")
    elif str(datatype).startswith(str(XSD)) and datatype not in _XSD_UNCHECKED:
        test = f"(isLiteral(?value) && sameTerm(DATATYPE(?value), {dt}) && {WELL_FORMED}(?value))"
    return [site.filter(SH.DatatypeConstraintComponent, test)]


def _node_kind(site: Site, kind: Node) -> list[Check]:
    if kind not in _NODE_KINDS:
        raise InvalidShapes(f"{site.name}: sh:nodeKind {kind} is not a node kind")
    return [site.filter(SH.NodeKindConstraintComponent, _NODE_KINDS[kind])]


def _min_count(site: Site, count: Node) -> list[Check]:
    path = site.require_path("sh:minCount")
    return [site.check(SH.MinCountConstraintComponent,
                       f"SELECT ?this WHERE {{ {site.focus} OPTIONAL {{ ?this {path} ?value }} }} "
                       f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {number(site, count)})")]


def _max_count(site: Site, count: Node) -> list[Check]:
    path = site.require_path("sh:maxCount")
    return [site.check(SH.MaxCountConstraintComponent,
                       f"SELECT ?this WHERE {{ {site.focus} ?this {path} ?value }} "
                       f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {number(site, count)})")]


def _range(component: URIRef, operator: str) -> Component:
    def compare(site: Site, bound: Node) -> list[Check]:
        return [site.filter(component, f"(?value {operator} {term_text(bound)})")]
    return compare


def _length(component: URIRef, operator: str) -> Component:
    def compare(site: Site, length: Node) -> list[Check]:
        test = f"(!isBlank(?value) && STRLEN(STR(?value)) {operator} {number(site, length)})"
        return [site.filter(component, test)]
    return compare


def _pattern(site: Site, pattern: Node) -> list[Check]:
    flags = site.value(SH.flags)
    arguments = term_text(Literal(str(pattern)))
    if flags is not None:
        arguments += f", {term_text(Literal(str(flags)))}"
    test = f"(!isBlank(?value) && REGEX(STR(?value), {arguments}))"
    return [site.filter(SH.PatternConstraintComponent, test)]


def _language_in(site: Site, languages: Node) -> list[Check]:
    tags = [term_text(Literal(str(tag))) for tag in members(site, languages)]
    matches = " || ".join(f"langMatches(LANG(?value), {tag})" for tag in tags) or "false"
    return [site.filter(SH.LanguageInConstraintComponent, f"(isLiteral(?value) && ({matches}))")]


def _unique_lang(site: Site, unique: Node) -> list[Check]:
    path = site.require_path("sh:uniqueLang")
    if not is_true(unique):
        return []
    return [site.check(SH.UniqueLangConstraintComponent,
                       f"SELECT DISTINCT ?this WHERE {{ {site.focus} ?this {path} ?__a . "
                       f"?this {path} ?__b . FILTER (!sameTerm(?__a, ?__b) && LANG(?__a) != \"\" "
                       f"&& LCASE(LANG(?__a)) = LCASE(LANG(?__b))) }}")]


def _equals(site: Site, other: Node) -> list[Check]:
    p = iri(other, "sh:equals")
    return [site.check(SH.EqualsConstraintComponent,
                       f"SELECT ?this ?value WHERE {{ {{ {site.focus} {site.values()} "
                       f"FILTER NOT EXISTS {{ ?this {p} ?value }} }}"
                       f" UNION {{ {site.focus} ?this {p} ?value "
                       f"FILTER (!{site.has_value('?value')}) }} }}")]


def _disjoint(site: Site, other: Node) -> list[Check]:
    p = iri(other, "sh:disjoint")
    return [site.check(SH.DisjointConstraintComponent,
                       f"SELECT ?this ?value WHERE {{ {site.focus} {site.values()} "
                       f"?this {p} ?value }}")]


def _less(component: URIRef, operator: str) -> Component:
    def compare(site: Site, other: Node) -> list[Check]:
        p = iri(other, "sh:lessThan")
        return [site.check(component,
                           f"SELECT ?this ?value WHERE {{ {site.focus} {site.values()} "
                           f"?this {p} ?__o FILTER (!COALESCE(?value {operator} ?__o, false)) }}")]
    return compare


def _has_value(site: Site, term: Node) -> list[Check]:
    return [site.check(SH.HasValueConstraintComponent,
                       f"SELECT ?this WHERE {{ {site.focus} "
                       f"FILTER (!{site.has_value(term_text(term))}) }}")]


def _in(site: Site, allowed: Node) -> list[Check]:
    tests = [f"sameTerm(?value, {term_text(term)})" for term in members(site, allowed)]
    return [site.filter(SH.InConstraintComponent, f"({' || '.join(tests) or 'false'})")]


def _closed(site: Site, closed: Node) -> list[Check]:
    if not is_true(closed):
        return []
    if site.path is not None:
        raise UnsupportedShapes(f"{site.name}: sh:closed on a property shape")
    allowed = {p for prop in site.graph.objects(site.shape, SH.property)
               for p in site.graph.objects(prop, SH.path) if isinstance(p, URIRef)}
    ignored = site.value(SH.ignoredProperties)
    if ignored is not None:
        allowed.update(p for p in members(site, ignored) if isinstance(p, URIRef))
    names = ", ".join(iri(p, "a property") for p in sorted(allowed))
    test = f"FILTER (?path NOT IN ({names}))" if names else ""
    query = f"SELECT ?this ?path ?value WHERE {{ {site.focus} ?this ?path ?value {test} }}"
    return [site.check(SH.ClosedConstraintComponent, query)]


def _node(site: Site, shape: Node) -> list[Check]:
    return [site.nested(SH.NodeConstraintComponent, "node", [shape])]


def _not(site: Site, shape: Node) -> list[Check]:
    return [site.nested(SH.NotConstraintComponent, "not", [shape])]


def _logical(component: URIRef, kind: str) -> Component:
    def combine(site: Site, shapes: Node) -> list[Check]:
        return [site.nested(component, kind, members(site, shapes))]
    return combine


def _property(site: Site, prop: Node) -> list[Check]:
    """A property shape's results are reported as they are (sourceShape the property shape)."""
    return site.compiler.shape_checks(prop, site.value_focus(), site.owner)


def _qualified(site: Site, shape: Node) -> list[Check]:
    path = site.require_path("sh:qualifiedValueShape")
    siblings: list[Node] = []
    if is_true(site.value(SH.qualifiedValueShapesDisjoint)):
        siblings = sorted({sibling for parent in site.graph.subjects(SH.property, site.shape)
                           for prop in site.graph.objects(parent, SH.property)
                           for sibling in site.graph.objects(prop, SH.qualifiedValueShape)
                           if sibling != shape}, key=str)
    candidates = (f"SELECT ?this ?value WHERE {{ {site.focus} "
                  f"OPTIONAL {{ ?this {path} ?value }} }}")
    checks = []
    for predicate, kind, component in (
            (SH.qualifiedMinCount, "qualifiedMin", SH.QualifiedMinCountConstraintComponent),
            (SH.qualifiedMaxCount, "qualifiedMax", SH.QualifiedMaxCountConstraintComponent)):
        count = site.value(predicate)
        if count is not None:
            checks.append(site.nested(component, kind, [shape], candidates=candidates,
                                      count=number(site, count), siblings=siblings))
    return checks


def _sparql(site: Site, constraint: Node) -> list[Check]:
    if is_true(site.graph.value(constraint, SH.deactivated)):
        return []
    select = site.graph.value(constraint, SH.select)
    if select is None:
        raise UnsupportedShapes(f"{site.name}: a SPARQL constraint without sh:select")
    text = str(select)
    if site.path is not None:
        text = substitute(text, "PATH", site.path_text)
    if isinstance(site.shape, URIRef):
        text = substitute(text, "currentShape", iri(site.shape, "the shape"))
    if any(f"{sign}{name}" in text for sign in "?$" for name in ("shapesGraph", "currentShape")):
        raise UnsupportedShapes(f"{site.name}: $shapesGraph / $currentShape in a SPARQL "
                                f"constraint are not supported by the Oxigraph engine")
    prefixes = declared_prefixes(site.graph, constraint)
    problem = sparql_problem(f"{PREAMBLE}{prefixes}\n{text}")
    if problem:
        raise InvalidShapes(f"{site.name}: SHACL forbids its SPARQL constraint: {problem}")
    try:
        body = lateral_optionals(substitute(text, "this", "?this"))
    except ValueError as exc:
        raise InvalidShapes(f"{site.name}: {exc}") from exc
    messages = messages_of(site.graph, constraint) or site.messages
    query = f"{prefixes}\nSELECT * WHERE {{ {site.focus} LATERAL {{ {body} }} }}"
    return [site.check(SH.SPARQLConstraintComponent, query, substitutes=True,
                       messages=messages)]


COMPONENTS: dict[URIRef, Component] = {
    SH["class"]: _class,
    SH.datatype: _datatype,
    SH.nodeKind: _node_kind,
    SH.minCount: _min_count,
    SH.maxCount: _max_count,
    SH.minInclusive: _range(SH.MinInclusiveConstraintComponent, ">="),
    SH.minExclusive: _range(SH.MinExclusiveConstraintComponent, ">"),
    SH.maxInclusive: _range(SH.MaxInclusiveConstraintComponent, "<="),
    SH.maxExclusive: _range(SH.MaxExclusiveConstraintComponent, "<"),
    SH.minLength: _length(SH.MinLengthConstraintComponent, ">="),
    SH.maxLength: _length(SH.MaxLengthConstraintComponent, "<="),
    SH.pattern: _pattern,
    SH.languageIn: _language_in,
    SH.uniqueLang: _unique_lang,
    SH.equals: _equals,
    SH.disjoint: _disjoint,
    SH.lessThan: _less(SH.LessThanConstraintComponent, "<"),
    SH.lessThanOrEquals: _less(SH.LessThanOrEqualsConstraintComponent, "<="),
    SH.hasValue: _has_value,
    SH["in"]: _in,
    SH.closed: _closed,
    SH.node: _node,
    SH["not"]: _not,
    SH["and"]: _logical(SH.AndConstraintComponent, "and"),
    SH["or"]: _logical(SH.OrConstraintComponent, "or"),
    SH.xone: _logical(SH.XoneConstraintComponent, "xone"),
    SH.property: _property,
    SH.qualifiedValueShape: _qualified,
    SH.sparql: _sparql,
}
# Parameters read by a component above, and what only describes or targets a shape.
_COMPANIONS = {SH.flags, SH.ignoredProperties, SH.qualifiedMinCount, SH.qualifiedMaxCount,
               SH.qualifiedValueShapesDisjoint}
_DESCRIPTIVE = {SH.path, SH.severity, SH.message, SH.deactivated, SH.name, SH.description,
                SH.order, SH.group, SH.defaultValue, SH.targetClass, SH.targetNode,
                SH.targetSubjectsOf, SH.targetObjectsOf, SH.prefixes, SH.select}
# Anywhere in the shapes graph, these change what validation means: refused outright.
_REFUSED = {SH.target, SH.rule, SH.parameter, SH.validator, SH.nodeValidator,
            SH.propertyValidator, SH.entailment}


# --- Compiling ----------------------------------------------------------------------------------


class Compiler:
    """Compiles shapes at given focus patterns, refusing recursion and unknown constraints."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self._active: list[Node] = []
        for predicate in sorted(_REFUSED):
            subject = next(iter(shapes.subjects(predicate, None)), None)
            if subject is not None:
                raise UnsupportedShapes(
                    f"{subject}: {predicate} is not supported by the Oxigraph engine")

    def shape_checks(self, shape: Node, focus: str, owner: Node) -> list[Check]:
        """Every check of `shape` with ?this bound by `focus`, reported under `owner`."""
        g = self.shapes
        if is_true(g.value(shape, SH.deactivated)):
            return []
        name = shape_name(shape, owner, g)
        if shape in self._active:
            raise UnsupportedShapes(f"{name}: recursive shapes are not supported")
        predicates = sorted(set(g.predicates(shape, None)), key=str)
        for predicate in predicates:
            if (str(predicate).startswith(str(SH)) and predicate not in COMPONENTS
                    and predicate not in _COMPANIONS and predicate not in _DESCRIPTIVE):
                raise UnsupportedShapes(
                    f"{name}: {predicate} is not supported by the Oxigraph engine")
        severity = g.value(shape, SH.severity) or SH.Violation
        site = Site(self, shape, owner, focus, g.value(shape, SH.path),
                    URIRef(str(severity)), messages_of(g, shape))
        self._active.append(shape)
        try:
            checks: list[Check] = []
            for predicate in predicates:
                component = COMPONENTS.get(predicate)
                if component is not None:
                    for parameter in sorted(g.objects(shape, predicate), key=str):
                        checks.extend(_with_message(check, shape, predicate, parameter)
                                      for check in component(site, parameter))
            return checks
        finally:
            self._active.pop()


_SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)
_CLASS_TYPES = (RDFS.Class, OWL.Class)


def target_classes(shapes: Graph, shape: Node) -> set[Node]:
    """The classes whose instances are the shape's targets: its sh:targetClass, and itself if
    it is a class too (an implicit class target)."""
    classes = set(shapes.objects(shape, SH.targetClass))
    types = set(shapes.objects(shape, RDF.type))
    if types & set(_SHAPE_TYPES) and types & set(_CLASS_TYPES):
        classes.add(shape)
    return classes


def target_shapes(shapes: Graph) -> set[Node]:
    """Every shape with a target."""
    found: set[Node] = set()
    for predicate in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode):
        found.update(shapes.subjects(predicate, None))
    for shape_type in _SHAPE_TYPES:
        found.update(shape for shape in shapes.subjects(RDF.type, shape_type)
                     if target_classes(shapes, shape))
    return found


def _with_message(check: Check, shape: Node, predicate: URIRef, parameter: Node) -> Check:
    """The check, with a message saying what was expected if its shape gives none."""
    if check.messages or check.source_shape != shape:
        return check
    shown = {URIRef: parameter.n3(), Literal: str(parameter)}.get(type(parameter), "(a shape)")
    name = str(predicate).removeprefix(str(SH))
    text = f"The value does not meet sh:{name} {shown}"
    return replace(check, messages=(Literal(text),))


def path_text(shapes: Graph, path: Node) -> str:
    """A SHACL property path as a SPARQL property path."""
    if isinstance(path, URIRef):
        return iri(path, "sh:path")
    if (path, RDF.first, None) in shapes:
        steps = list(Collection(shapes, path))
        if len(steps) < 2:
            raise InvalidShapes(f"a sequence path needs at least two steps ({path})")
        return "(" + " / ".join(path_text(shapes, step) for step in steps) + ")"
    single = [(SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"),
              (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")]
    for predicate, form in single:
        inner = shapes.value(path, predicate)
        if inner is not None:
            return form.format(path_text(shapes, inner))
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        options = list(Collection(shapes, alternatives))
        if len(options) < 2:
            raise InvalidShapes(f"an alternative path needs at least two options ({path})")
        return "(" + " | ".join(path_text(shapes, option) for option in options) + ")"
    raise InvalidShapes(f"{path!r} is not a SHACL property path")


def iri(term: Node | None, what: str) -> str:
    """An IRI as SPARQL text; raises InvalidShapes naming `what` for anything else."""
    if not isinstance(term, URIRef):
        raise InvalidShapes(f"{what} must be an IRI, not {term!r}")
    return str(ox.NamedNode(str(term)))


def term_text(term: Node) -> str:
    """An IRI or literal as SPARQL text (blank nodes cannot be named in a query)."""
    if isinstance(term, URIRef | Literal):
        return str(to_oxigraph(term))
    raise UnsupportedShapes(f"a blank node ({term}) cannot be a target or a constraint value")


def shape_name(shape: Node, owner: Node, shapes: Graph) -> str:
    """A shape as messages name it: its IRI, or a blank node by its owner and path."""
    if isinstance(shape, URIRef) or shape == owner:
        return str(shape)
    path = shapes.value(shape, SH.path)
    return f"{owner} (its shape {'on ' + str(path) if isinstance(path, URIRef) else shape})"


def is_true(term: Node | None) -> bool:
    """`term` is the literal true (SHACL: "1"^^xsd:boolean does not switch a constraint on)."""
    return isinstance(term, Literal) and term.datatype == XSD.boolean and str(term) == "true"


def number(site: Site, term: Node) -> int:
    """An integer constraint value; raises InvalidShapes for anything else."""
    if not (isinstance(term, Literal) and isinstance(term.toPython(), int)):
        raise InvalidShapes(f"{site.name}: {term!r} is not an integer")
    return int(term.toPython())


def members(site: Site, head: Node) -> list[Node]:
    """The members of an RDF list; raises InvalidShapes if `head` is not one."""
    if head != RDF.nil and (head, RDF.first, None) not in site.graph:
        raise InvalidShapes(f"{site.name}: {head!r} is not an RDF list")
    return list(Collection(site.graph, head))


def messages_of(shapes: Graph, node: Node) -> tuple[Literal, ...]:
    """The sh:message literals of a shape or constraint, in a stable order."""
    return tuple(sorted((m for m in shapes.objects(node, SH.message) if isinstance(m, Literal)),
                        key=lambda m: (str(m), m.language or "")))


def declared_prefixes(shapes: Graph, constraint: Node) -> str:
    """PREFIX lines for a SPARQL constraint's sh:prefixes (and what they owl:import); raises
    InvalidShapes for a half declaration."""
    lines = []
    sources = list(shapes.objects(constraint, SH.prefixes))
    for source in sources:  # and what they owl:import, as SHACL asks
        sources.extend(s for s in shapes.objects(source, OWL.imports) if s not in sources)
    for source in sources:
        for declaration in shapes.objects(source, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is None or namespace is None:
                raise InvalidShapes(f"{source}: a prefix declaration needs both parts")
            lines.append(f"PREFIX {prefix}: {ox.NamedNode(str(namespace))}")
    return "\n".join(sorted(set(lines)))


def syntax_check(shape: str, query: str) -> None:
    """Parse the compiled query once (placeholders filled with dummies) so that errors show at
    compile time, naming the shape."""
    dummy = re.sub(r"\{types:([^}]*)\}", lambda m: m.group(1).replace(" ", ", "),
                   query.replace("{focus}", ""))
    try:
        ox.Store().query(dummy, custom_functions=FUNCTIONS)
    except SyntaxError as exc:
        raise UnsupportedShapes(f"{shape}: its compiled query does not parse: {exc}") from exc

