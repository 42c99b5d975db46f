"""The terms of a change, and terms and triples as short text for people.

Skolem IRIs for blank nodes, IRIs minted for new ones, and the model's own vocabulary (which a
change may use but not describe).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from govgraph.rdf.loading import label_of
from govgraph.rdf.namespaces import (
    ATT,
    CK,
    DCT,
    DEFAULT_BASE,
    DK,
    FOAF,
    GG,
    GGSH,
    LK,
    ORG,
    OWL,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    ROLE,
    SCHEMA,
    SH,
    SKOS,
    TIME,
    XSD,
)

Triple = tuple[Node, Node, Node]

SKOLEM_BASE = "https://w3id.org/govgraph/.well-known/genid/"

#: Namespaces whose terms are the model itself: a change may use them, never describe them.
VOCABULARY_NAMESPACES = tuple(
    str(ns) for ns in (GG, ROLE, ATT, DK, CK, LK, GGSH, ORG, FOAF, SKOS, TIME, PROV, DCT, SCHEMA,
                       RDF, RDFS, OWL, XSD, SH)
)


def is_skolem(term: Node) -> bool:
    """Whether `term` is an IRI standing for a blank node (under SKOLEM_BASE)."""
    return isinstance(term, URIRef) and str(term).startswith(SKOLEM_BASE)


def deskolemise(term: Node) -> Node:
    """The blank node a skolem IRI stands for; other terms unchanged."""
    return BNode(str(term)[len(SKOLEM_BASE):]) if is_skolem(term) else term


_BLANK_SUBJECT = re.compile(rb"^_:(\S+) ", re.MULTILINE)
_BLANK_OBJECT = re.compile(rb" _:(\S+) \.$", re.MULTILINE)


def skolemised_ntriples(ntriples: bytes) -> bytes:
    """`ntriples` with every blank node replaced by its skolem IRI (done on the text: in
    N-Triples a blank node can only start a line or end it before the final dot, never inside
    a literal)."""
    base = SKOLEM_BASE.encode()
    text = _BLANK_SUBJECT.sub(lambda m: b"<" + base + m.group(1) + b"> ", ntriples)
    return _BLANK_OBJECT.sub(lambda m: b" <" + base + m.group(1) + b"> .", text)


def skolemised_store(ntriples: bytes) -> ox.Store:
    """An in-memory Oxigraph store holding `ntriples`, blank nodes skolemised."""
    store = ox.Store()
    store.bulk_load(input=skolemised_ntriples(ntriples), format=ox.RdfFormat.N_TRIPLES)
    return store


def minted(base_iri: str = DEFAULT_BASE) -> URIRef:
    """A new permanent IRI for a blank node a proposal writes."""
    return URIRef(f"{base_iri}genid/{uuid.uuid4().hex}")


def is_minted(term: Node, base_iri: str = DEFAULT_BASE) -> bool:
    """Whether `term` is an IRI minted for a new node (under BASE/genid/)."""
    return isinstance(term, URIRef) and str(term).startswith(f"{base_iri}genid/")


def is_vocabulary_term(term: Node) -> bool:
    """Whether `term` belongs to the model itself (VOCABULARY_NAMESPACES), which a change may use
    but not describe."""
    return isinstance(term, URIRef) and str(term).startswith(VOCABULARY_NAMESPACES)


def term_text(term: Node, base_iri: str = DEFAULT_BASE) -> str:
    """A term as short Turtle: prefixed names where a project prefix fits."""
    if isinstance(term, URIRef):
        value = str(term)
        if is_skolem(term):
            return f"_:{value[len(SKOLEM_BASE):]}"
        if value.startswith(base_iri):
            return f"lt:{value[len(base_iri):]}"
        for prefix, namespace in PREFIXES.items():
            if prefix != "lt" and value.startswith(str(namespace)):
                local = value[len(str(namespace)):]
                if local and all(c.isalnum() or c in "-_." for c in local):
                    return f"{prefix}:{local}"
        return f"<{value}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return term.n3() if isinstance(term, Literal) else str(term)


def triple_text(triple: Triple, base_iri: str = DEFAULT_BASE) -> str:
    """A triple as one line of short text, as `term_text` writes each term."""
    return " ".join(term_text(t, base_iri) for t in triple) + " ."


def diff_triple_lines(triples: Iterable[Triple]) -> list[str]:
    """Triples as sorted N-Triples lines (how a diff is stored and compared; skolem IRIs stay
    IRIs)."""
    return sorted(" ".join(t.n3() for t in triple) + " ." for triple in triples)


def describe(graph: Graph, node: Node, base_iri: str = DEFAULT_BASE, depth: int = 3) -> str:
    """A label for a node: its own label, or for an unlabelled node the labelled thing it hangs
    from ("Membership … › memberDuring"), or its short IRI."""
    label = label_of(graph, node)
    if label != str(node) and not label.startswith("_:"):
        return label
    if depth > 0 and (is_skolem(node) or is_minted(node, base_iri) or isinstance(node, BNode)):
        for parent, predicate in sorted(graph.subject_predicates(node)):
            if predicate == RDF.type:
                continue
            local = term_text(predicate, base_iri).split(":", 1)[-1]
            return f"{describe(graph, parent, base_iri, depth - 1)} › {local}"
    return term_text(node, base_iri)
