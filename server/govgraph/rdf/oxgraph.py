"""An rdflib Graph whose triples live in an in-memory Oxigraph store.

The change checker works on its own copy of the whole graph, read with rdflib's API and validated
by the shapes compiled to SPARQL. Oxigraph holds that copy in far less time and memory than
rdflib's memory store, and it is the same store the shapes run in, so a change is made once, not
twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

from govgraph.rdf.convert import from_oxigraph, to_oxigraph

Triple = tuple[Node, Node, Node]
_DEFAULT = ox.DefaultGraph()


#: the Oxigraph terms of the terms lookups name (the same predicates, classes and nodes are
#: asked for again and again: a dictionary lookup costs a tenth of converting); bounded
_PATTERN_TERMS: dict[Node, Any] = {}
PATTERN_TERMS_KEPT = 4096


def pattern_term(term: Node) -> Any:
    """`to_oxigraph(term)`, kept for the next lookup naming it."""
    found = _PATTERN_TERMS.get(term)
    if found is None:
        if len(_PATTERN_TERMS) >= PATTERN_TERMS_KEPT:
            _PATTERN_TERMS.clear()
        found = _PATTERN_TERMS[term] = to_oxigraph(term)
    return found


class OxigraphTriples(Memory):
    """rdflib's store interface over a pyoxigraph Store: triples are added to its default
    graph and read from all its graphs (a lookup naming the default graph is several times
    slower, and the checker's copy has no other); prefix bindings are kept as rdflib's
    memory store keeps them."""

    context_aware = False

    def __init__(self, store: ox.Store | None = None) -> None:
        super().__init__()
        self.oxigraph = store if store is not None else ox.Store()

    def add(self, triple: Triple, context: Any = None, quoted: bool = False) -> None:
        """Add to Oxigraph's default graph; rdflib's context and quoting are ignored."""
        self.oxigraph.add(ox.Quad(*(to_oxigraph(t) for t in triple), _DEFAULT))

    def addN(self, quads: Any) -> None:  # noqa: N802 — rdflib's name
        """Add each quad's triple, its graph ignored: the copy has only one."""
        for s, p, o, _ in quads:
            self.add((s, p, o))

    def remove(self, triple: Any, context: Any = None) -> None:
        """Remove a triple, or every triple a pattern with None matches; a triple RDF cannot hold is
        simply absent."""
        if None in triple:
            for found, _ in list(self.triples(triple)):
                self.remove(found)
        elif not isinstance(triple[0], Literal) and isinstance(triple[1], URIRef):
            self.oxigraph.remove(ox.Quad(*(to_oxigraph(t) for t in triple), _DEFAULT))

    def triples(self, triple_pattern: Any, context: Any = None
                ) -> Iterator[tuple[Triple, Iterator[Any]]]:
        """The triples matching the pattern, in rdflib's (triple, contexts) form; nothing for a
        pattern no RDF triple can match."""
        s, p, o = triple_pattern
        if isinstance(s, Literal) or (p is not None and not isinstance(p, URIRef)):
            return  # no such triple in RDF (rdflib may ask, e.g. following a path)
        quads = self.oxigraph.quads_for_pattern(
            None if s is None else pattern_term(s), None if p is None else pattern_term(p),
            None if o is None else pattern_term(o))
        for q in quads:
            # the terms asked for are given back as they are: cheaper than converting them
            yield ((from_oxigraph(q.subject) if s is None else s,
                    from_oxigraph(q.predicate) if p is None else p,
                    from_oxigraph(q.object) if o is None else o), iter(()))

    def objects_of(self, subject: Node, predicate: Node | None) -> list[Node]:
        """The objects of `subject`'s `predicate` (any, for None) triples, without rdflib's
        Graph in between (the change checker's walk asks thousands of these)."""
        if isinstance(subject, Literal):
            return []
        quads = self.oxigraph.quads_for_pattern(
            pattern_term(subject), None if predicate is None else pattern_term(predicate), None)
        return [from_oxigraph(q.object) for q in quads]

    def subjects_of(self, predicate: Node | None, obj: Node) -> list[Node]:
        """The subjects of `predicate` (any, for None) triples into `obj`."""
        quads = self.oxigraph.quads_for_pattern(
            None, None if predicate is None else pattern_term(predicate), pattern_term(obj))
        return [from_oxigraph(q.subject) for q in quads]

    def __len__(self, context: Any = None) -> int:
        """How many triples there are (across all graphs)."""
        return len(self.oxigraph)

    def contexts(self, triple: Any = None) -> Iterator[Any]:
        """None: the store is not context-aware."""
        return iter(())


def oxigraph_graph(store: ox.Store | None = None) -> Graph:
    """An rdflib Graph over `store` (a new in-memory store if none is given)."""
    return Graph(store=OxigraphTriples(store))


def quads(triples: Iterable[Triple], terms: dict[Node, Any] | None = None) -> list[ox.Quad]:
    """Triples as quads of the default graph, for Oxigraph's bulk calls (a whole structure is
    changed in one call, not triple by triple through rdflib's Graph). `terms` keeps each
    term converted, for a caller converting many triples that share terms."""
    if terms is None:
        return [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), _DEFAULT)
                for s, p, o in triples]

    def term(value: Node) -> Any:
        found = terms.get(value)
        if found is None:
            found = terms[value] = to_oxigraph(value)
        return found

    return [ox.Quad(term(s), term(p), term(o), _DEFAULT) for s, p, o in triples]


def value(graph: Graph, subject: Node | None, predicate: URIRef) -> Node | None:
    """`graph.value(subject, predicate)`, the first object, read straight from Oxigraph when
    `graph` is over it: without rdflib's Graph in between, a whole structure's memberships
    are read several times faster."""
    store = graph.store
    if subject is None or isinstance(subject, Literal) or not isinstance(store, OxigraphTriples):
        return graph.value(subject, predicate)
    for quad in store.oxigraph.quads_for_pattern(pattern_term(subject), pattern_term(predicate),
                                                 None):
        return from_oxigraph(quad.object)
    return None


def oxigraph_of(graph: Graph) -> ox.Store | None:
    """The Oxigraph store under `graph`, if it is one made by `oxigraph_graph`."""
    store = graph.store
    return store.oxigraph if isinstance(store, OxigraphTriples) else None


def ntriples(graph: Graph) -> bytes:
    """`graph` as N-Triples (dumped by Oxigraph when it holds the triples)."""
    store = oxigraph_of(graph)
    if store is not None:
        return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=_DEFAULT)
    return graph.serialize(format="nt", encoding="utf-8")
