"""Terms between rdflib and Oxigraph, both ways, in one place."""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from govgraph.errors import (
    QueryError,
)


@lru_cache(maxsize=65536)
def from_oxigraph(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, *,
                  normalize: bool | None = False) -> Node:
    """The rdflib term for an Oxigraph term (cached: building rdflib literals is slow).

    Typed literals keep their lexical form unless `normalize` is None (rdflib's default, as
    when rdflib parses a file)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype), normalize=normalize)
    # An RDF 1.2 triple term: rdflib has no such term, so show it as N-Triples text.
    return Literal(str(term))


def rdflib_triple(triple: ox.Triple | ox.Quad) -> tuple[Node, Node, Node]:
    """An Oxigraph triple or quad as an rdflib triple (the graph name dropped)."""
    return (from_oxigraph(triple.subject), from_oxigraph(triple.predicate),
            from_oxigraph(triple.object))


@lru_cache(maxsize=1 << 16)  # a change names the same terms in many triples, again and again
def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term (blank nodes keep their ids)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and term.datatype != RDF.langString:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise QueryError(f"cannot store {term!r}")
