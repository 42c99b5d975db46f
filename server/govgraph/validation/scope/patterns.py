"""The terms the change checker's reach analysis is written in, and its view of the data.

A shape's patterns are graphs of `Edge`s between `Var`s and `Const`s, read from the focus node
`FOCUS`; `Neighbours` reads the data they are matched against: the graph after a change plus the
triples the change removed (so the graph before it is covered too).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from govgraph.rdf.oxgraph import OxigraphTriples
from govgraph.rdf.terms import Triple


def compvalue_field(value: CompValue, name: str) -> Any:
    """A field of a parsed SPARQL node, or None (CompValue.get returns the key when absent)."""
    return value[name] if name in value else None  # noqa: SIM401 (see docstring)


class Var(str):
    """A pattern variable."""


@dataclass(eq=False)
class Const:
    """One occurrence of an IRI or literal in a pattern (never a join point between parts)."""

    term: Node


FOCUS = Var("?this")
ALIAS = URIRef("urn:govgraph:alias")  # the "predicate" of sh:zeroOrOnePath's zero (same node)


@dataclass(eq=False)
class Edge:
    """One step a shape's pattern takes: subject node, predicate (None = any), object node."""

    subject: Var | Const
    predicate: URIRef | None
    object: Var | Const
    star: bool = False  # predicate* (also stands for predicate+)
    path: Any = None  # a whole SPARQL property path (predicate None), followed as one step


@lru_cache(maxsize=256)
def parsed_constraint(text: str) -> Any:
    """A SPARQL constraint parsed once per process (rdflib's parser is slow), or None."""
    try:
        return prepareQuery(text)
    except Exception:  # noqa: BLE001 — the caller treats an unreadable constraint as global
        return None


class Neighbours:
    """Edges of a graph plus some extra triples (the removed ones), by subject and object."""

    def __init__(self, graph: Graph, extra: Iterable[Triple]) -> None:
        self.graph = graph
        self.extra: list[Triple] = list(extra)
        self.extra_out: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        self.extra_in: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        for s, p, o in self.extra:
            self.extra_out[s].append((p, o))
            self.extra_in[o].append((p, s))
        self._closures: dict[tuple[Node, Node | None, bool], set[Node]] = {}
        self._steps: dict[tuple[Node, Node | None, bool], list[Node]] = {}
        self._sets: dict[tuple[Node, Node | None, bool], set[Node]] = {}
        self.memo: dict[Any, Any] = {}  # for whoever reads the view (property path steps)
        store = graph.store  # the checker's working copy is read straight from Oxigraph
        self._oxigraph = store if isinstance(store, OxigraphTriples) else None

    def out(self, node: Node, predicate: Node | None) -> list[Node]:
        """The objects of `node`'s `predicate` edges (any, for None); remembered."""
        key = (node, predicate, True)
        if key not in self._steps:
            if self._oxigraph is not None:
                found = self._oxigraph.objects_of(node, predicate)
            elif isinstance(node, Literal):
                found = []
            else:
                found = list(self.graph.objects(node, predicate))
            found.extend(o for p, o in self.extra_out.get(node, ()) if predicate in (None, p))
            self._steps[key] = found
        return self._steps[key]

    def into(self, node: Node, predicate: Node | None) -> list[Node]:
        """The subjects of `predicate` edges (any, for None) into `node`; remembered."""
        key = (node, predicate, False)
        if key not in self._steps:
            if self._oxigraph is not None:
                found = self._oxigraph.subjects_of(predicate, node)
            else:
                found = list(self.graph.subjects(predicate, node))
            found.extend(s for p, s in self.extra_in.get(node, ()) if predicate in (None, p))
            self._steps[key] = found
        return self._steps[key]

    def pairs(self, predicate: Node) -> Iterator[tuple[Node, Node]]:
        """Every (subject, object) of `predicate`, in the graph and in the removed triples."""
        yield from self.graph.subject_objects(predicate)
        yield from ((s, o) for s, p, o in self.extra if p == predicate)

    def step_set(self, node: Node, predicate: Node | None, forward: bool) -> set[Node]:
        """`out` (forward) or `into` as a set, for membership tests; remembered."""
        key = (node, predicate, forward)
        found = self._sets.get(key)
        if found is None:
            found = self._sets[key] = set(self.out(node, predicate) if forward
                                          else self.into(node, predicate))
        return found

    def closure(self, start: Node, predicate: Node | None, forward: bool) -> set[Node]:
        """`start` and every node reachable from it by predicate* (forward or backward); the
        set is remembered, and must not be changed."""
        key = (start, predicate, forward)
        if key in self._closures:
            return self._closures[key]
        seen = {start}
        frontier = [start]
        step = self.out if forward else self.into
        while frontier:
            here = frontier.pop()
            for there in step(here, predicate):
                if there not in seen:
                    seen.add(there)
                    frontier.append(there)
        self._closures[key] = seen
        return seen
