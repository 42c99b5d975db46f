"""Which focus nodes a change can reach: the scope of a change check.

A shape's result at a focus node depends only on the triples that match its patterns. For each
shape, `ShapeReach` reads what it traverses from its focus node (property paths, `sh:class`,
closed shapes, and its SPARQL constraints' patterns) and, given the triples a change adds and
removes, finds the focus nodes whose results those triples can reach. Only those need
validating; results elsewhere stay as they were.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import count

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from govgraph.rdf.namespaces import PREFIXES, RDF, RDFS, SH
from govgraph.validation.compiler import target_classes, target_shapes
from govgraph.validation.scope.patterns import (
    ALIAS,
    FOCUS,
    Const,
    Edge,
    Neighbours,
    Triple,
    Var,
    parsed_constraint,
)
from govgraph.validation.scope.skeleton import Seed, Unsupported, seeds


@dataclass
class _Pattern:
    """What one shape traverses from its focus node FOCUS."""

    shape: Node
    edges: list[Edge] = field(default_factory=list)
    global_predicates: set[URIRef | None] = field(default_factory=set)
    anything_global: bool = False
    by_predicate: dict[URIRef | None, list[Edge]] = field(default_factory=dict)
    incident: dict[Var | Const, list[tuple[Edge, bool]]] = field(default_factory=dict)
    seeds: dict[URIRef | None, list[Seed]] = field(default_factory=dict)  # of SPARQL constraints


class ShapeReach:
    """Which focus nodes a change can affect, worked out from what each shape traverses.

    A shape's result at a focus node F depends only on triples matching its patterns, and a
    match is a homomorphic image of the pattern graph with its focus variable at F. So from each
    changed triple we walk the data along the edges of the shape's paths (never straight back
    along the edge just taken, since a simple path is enough) until the focus variable is
    reached; the data nodes reached there are the only focus nodes whose results can differ.
    Constants are not join points; parts of a pattern not connected to the focus make a shape
    "global" for their predicates: changing one re-checks all the shape's targets. SPARQL
    constraints are read into seeds instead, matched join by join (skeleton.py); one they cannot
    read makes its shape global. The property test in tests/test_changes.py checks the result
    against full validation.
    """

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self._fresh = count()
        self.prefixes = self._declared_prefixes()
        self.patterns: list[_Pattern] = []
        self.targets: dict[Node, dict[str, frozenset[Node]]] = {}
        for shape in sorted(target_shapes(shapes)):
            pattern = _Pattern(shape)
            self._constraints(shape, FOCUS, pattern, set())
            self._finish(pattern)
            self.patterns.append(pattern)
            self.targets[shape] = {
                "class": frozenset(target_classes(shapes, shape)),
                "subjectsOf": frozenset(shapes.objects(shape, SH.targetSubjectsOf)),
                "objectsOf": frozenset(shapes.objects(shape, SH.targetObjectsOf)),
                "node": frozenset(shapes.objects(shape, SH.targetNode)),
            }

    # building the patterns

    def _declared_prefixes(self) -> dict[str, str]:
        prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        for declaration in self.shapes.objects(None, SH.declare):
            prefix = self.shapes.value(declaration, SH.prefix)
            namespace = self.shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                prefixes[str(prefix)] = str(namespace)
        return prefixes

    def _var(self) -> Var:
        return Var(f"?_{next(self._fresh)}")

    @staticmethod
    def _node(term: Node | Var) -> Var | Const:
        return term if isinstance(term, Var) else Const(term)

    def _edge(self, pattern: _Pattern, start: object, predicate: URIRef | None, end: object,
              star: bool = False) -> None:
        pattern.edges.append(Edge(self._node(start), predicate, self._node(end), star))

    def _constraints(self, shape: Node, focus: Var, pattern: _Pattern,
                     seen: set[tuple[Node, str]]) -> None:
        if (shape, focus) in seen:
            return
        seen = seen | {(shape, str(focus))}
        g = self.shapes
        for prop in g.objects(shape, SH.property):
            path = g.value(prop, SH.path)
            if path is None:
                pattern.anything_global = True
                continue
            value = self._var()
            self._path(path, focus, value, pattern)
            self._constraints(prop, value, pattern, seen)
            for comparison in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
                for other in g.objects(prop, comparison):
                    self._edge(pattern, focus, other if isinstance(other, URIRef) else None,
                               self._var())
        for cls in g.objects(shape, SH["class"]):
            kind = self._var()
            self._edge(pattern, focus, RDF.type, kind)
            self._edge(pattern, kind, RDFS.subClassOf, cls, star=True)
        nested = [*g.objects(shape, SH.node), *g.objects(shape, SH["not"]),
                  *g.objects(shape, SH.qualifiedValueShape)]
        for logical in (SH["and"], SH["or"], SH.xone):
            for members in g.objects(shape, logical):
                nested.extend(Collection(g, members))
        for other_shape in nested:
            self._constraints(other_shape, focus, pattern, seen)
        if (shape, SH.closed, Literal(True)) in g:
            self._edge(pattern, focus, None, self._var())
        for constraint in g.objects(shape, SH.sparql):
            if g.value(shape, SH.path) is not None:
                pattern.anything_global = True  # $PATH substitution is not analysed
                continue
            self._sparql(constraint, focus, pattern)

    def _path(self, path: Node, start: Var, end: Var, pattern: _Pattern) -> None:
        g = self.shapes
        if isinstance(path, URIRef):
            self._edge(pattern, start, path, end)
            return
        if g.value(path, RDF.first) is not None:
            steps = list(Collection(g, path))
            nodes = [start, *[self._var() for _ in steps[:-1]], end]
            for step, here, there in zip(steps, nodes, nodes[1:], strict=False):
                self._path(step, here, there, pattern)
            return
        inverse = g.value(path, SH.inversePath)
        if inverse is not None:
            self._path(inverse, end, start, pattern)
            return
        alternatives = g.value(path, SH.alternativePath)
        if alternatives is not None:
            for alternative in Collection(g, alternatives):
                self._path(alternative, start, end, pattern)
            return
        for repeat in (SH.zeroOrMorePath, SH.oneOrMorePath):
            inner = g.value(path, repeat)
            if inner is not None:
                self._edge(pattern, start, inner if isinstance(inner, URIRef) else None, end,
                           star=True)
                return
        optional = g.value(path, SH.zeroOrOnePath)
        if optional is not None:
            self._edge(pattern, start, ALIAS, end)
            self._path(optional, start, end, pattern)
            return
        pattern.anything_global = True

    def _sparql(self, constraint: Node, focus: Var, pattern: _Pattern) -> None:
        """A SPARQL constraint read into seeds (skeleton.py). One they cannot read (an ASK, a
        sub-query, VALUES, one on a nested shape) makes the shape global: safe, if slower."""
        select = self.shapes.value(constraint, SH.select)
        header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.prefixes.items())
        query = None if select is None else parsed_constraint(header + str(select))
        try:
            if query is None or focus is not FOCUS:
                raise Unsupported("not a SELECT about the shape's own focus node")
            for seed in seeds(query.algebra):
                pattern.seeds.setdefault(seed.edge.predicate, []).append(seed)
        except Unsupported:
            pattern.anything_global = True

    @staticmethod
    def _finish(pattern: _Pattern) -> None:
        """Index the edges; predicates of parts not connected to the focus become global."""
        neighbours: dict[object, set[object]] = defaultdict(set)
        for edge in pattern.edges:
            neighbours[edge.subject].add(edge.object)
            neighbours[edge.object].add(edge.subject)
        connected: set[object] = {FOCUS}
        frontier: list[object] = [FOCUS]
        while frontier:
            here = frontier.pop()
            if isinstance(here, Const):
                continue
            for there in neighbours[here] - connected:
                connected.add(there)
                frontier.append(there)
        for edge in pattern.edges:
            if edge.subject not in connected and edge.object not in connected:
                pattern.global_predicates.add(edge.predicate)
                continue
            pattern.by_predicate.setdefault(edge.predicate, []).append(edge)
            pattern.incident.setdefault(edge.subject, []).append((edge, True))
            pattern.incident.setdefault(edge.object, []).append((edge, False))

    # using them

    def focus_by_shape(self, graph: Graph, changed: Iterable[Triple],
                       removed: Iterable[Triple] = ()) -> dict[Node, set[URIRef]]:
        """For each shape, the focus nodes at which `changed` can affect its results: those
        the walk reaches, and those whose being a target of the shape may change."""
        changed = list(changed)
        view = Neighbours(graph, removed)
        by_predicate: dict[Node, list[Triple]] = defaultdict(list)
        for triple in changed:
            by_predicate[triple[1]].append(triple)
        predicates: set[URIRef | None] = set(by_predicate)  # type: ignore[arg-type]
        found: dict[Node, set[URIRef]] = {}
        for pattern in self.patterns:
            if (pattern.anything_global or pattern.global_predicates & (predicates | {None})
                    or RDFS.subClassOf in predicates):
                nodes = self._targets(pattern.shape, graph, view)
            else:
                nodes = self._walk(pattern, changed, view) | self._retargeted(
                    pattern.shape, by_predicate, view)
                if not self._match_seeds(pattern, by_predicate, view, nodes):
                    nodes = self._targets(pattern.shape, graph, view)
            found[pattern.shape] = {node for node in nodes if isinstance(node, URIRef)}
        return found

    @staticmethod
    def _match_seeds(pattern: _Pattern, by_predicate: dict[Node, list[Triple]],
                     view: Neighbours, found: set[Node]) -> bool:
        """Add the focus nodes the seeds of the shape's SPARQL constraints reach to `found`;
        False if a seed that is not joined to the focus matches (any target may change)."""
        for predicate, group in pattern.seeds.items():
            triples = ([t for ts in by_predicate.values() for t in ts] if predicate is None
                       else by_predicate.get(predicate, ()))
            for triple in triples:
                for seed in group:
                    if not seed.to_focus:
                        return False
                    seed.match(triple, view, found)
        return True

    def _retargeted(self, shape: Node, by_predicate: dict[Node, list[Triple]],
                    view: Neighbours) -> set[Node]:
        """The nodes of the changed triples (by predicate) that may have become, or stopped
        being, targets of `shape` (a change to rdfs:subClassOf is taken care of by the caller)."""
        spec = self.targets[shape]
        nodes: set[Node] = set()
        typed = by_predicate.get(RDF.type)
        if typed and spec["class"]:
            classes = {sub for cls in spec["class"]
                       for sub in view.closure(cls, RDFS.subClassOf, forward=False)}
            nodes.update(s for s, _, o in typed if o in classes)
        for predicate in spec["subjectsOf"]:
            nodes.update(s for s, _, _ in by_predicate.get(predicate, ()))
        for predicate in spec["objectsOf"]:
            nodes.update(o for _, _, o in by_predicate.get(predicate, ()))
        if spec["node"]:
            nodes.update(n for triples in by_predicate.values() for s, _, o in triples
                         for n in (s, o) if n in spec["node"])
        return nodes

    def _targets(self, shape: Node, graph: Graph, view: Neighbours) -> set[Node]:
        spec = self.targets[shape]
        nodes: set[Node] = set(spec["node"])
        for cls in spec["class"]:
            for sub in graph.transitive_subjects(RDFS.subClassOf, cls):
                nodes.update(view.into(sub, RDF.type))
        for predicate in spec["subjectsOf"]:
            nodes.update(s for s, _ in view.pairs(predicate))
        for predicate in spec["objectsOf"]:
            nodes.update(o for _, o in view.pairs(predicate))
        return nodes

    @staticmethod
    def _walk(pattern: _Pattern, changed: list[Triple], view: Neighbours) -> set[Node]:
        seen: set[tuple[Node, int, int]] = set()
        frontier: list[tuple[Node, Var | Const, Edge]] = []
        reached: set[Node] = set()

        def visit(data_node: Node, pattern_node: Var | Const, via: Edge) -> None:
            if isinstance(pattern_node, Const) and data_node != pattern_node.term:
                return
            key = (data_node, id(pattern_node), id(via))
            if key in seen:
                return
            seen.add(key)
            if pattern_node is FOCUS:
                reached.add(data_node)  # a simple path ends here: no need to go further
            else:
                frontier.append((data_node, pattern_node, via))

        for s, p, o in changed:
            for edge in pattern.by_predicate.get(p, []) + pattern.by_predicate.get(None, []):
                if edge.star:
                    for node in view.closure(s, edge.predicate, forward=False):
                        visit(node, edge.subject, edge)
                    for node in view.closure(o, edge.predicate, forward=True):
                        visit(node, edge.object, edge)
                else:
                    visit(s, edge.subject, edge)
                    visit(o, edge.object, edge)
        while frontier:
            data_node, pattern_node, via = frontier.pop()
            for edge, outgoing in pattern.incident.get(pattern_node, []):
                if edge is via:
                    continue
                target = edge.object if outgoing else edge.subject
                if edge.predicate == ALIAS:
                    nodes: Iterable[Node] = (data_node,)
                elif edge.star:
                    nodes = view.closure(data_node, edge.predicate, outgoing)
                elif outgoing:
                    nodes = view.out(data_node, edge.predicate)
                else:
                    nodes = view.into(data_node, edge.predicate)
                for node in nodes:
                    visit(node, target, edge)
        return reached
