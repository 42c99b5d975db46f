"""The ontology and its vocabularies as documentation and as data under `/def/…`.

Every class, property and concept with the labels and comments the ontology itself gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from govgraph.rdf.namespaces import bind_prefixes, prefixed

DEF_BASE = "https://w3id.org/govgraph/def"


@dataclass(frozen=True)
class TermDoc:
    """One term as the documentation shows it."""

    iri: str
    anchor: str
    label: str
    comment: str
    facts: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass
class VocabularyDoc:
    """The documentation of the ontology (or of one concept scheme), by section."""

    iri: str
    title: str
    description: str
    sections: list[tuple[str, list[TermDoc]]] = field(default_factory=list)


@lru_cache(maxsize=4)
def ontology_graph(paths: tuple[Path, ...]) -> Graph:
    """The ontology and vocabulary files, parsed once."""
    graph = bind_prefixes(Graph())
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def iri_for_path(path: str) -> str:
    """The term IRI a `/def/PATH` request names (`/def` itself is the ontology)."""
    return DEF_BASE + ("/" + path if path else "")


def _text(graph: Graph, node: URIRef, *props: URIRef) -> str:
    for prop in props:
        values = sorted(graph.objects(node, prop), key=lambda v: getattr(v, "language", "") != "en")
        if values:
            return str(values[0])
    return ""


def _short(graph: Graph, node: object) -> str:
    return prefixed(str(node)) if isinstance(node, URIRef) else str(node)


def _anchor(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _term(graph: Graph, node: URIRef) -> TermDoc:
    facts = []
    for title, prop in (("Subclass of", RDFS.subClassOf), ("Domain", RDFS.domain),
                        ("Range", RDFS.range), ("Sub-property of", RDFS.subPropertyOf),
                        ("Broader", SKOS.broader), ("Notation", SKOS.notation)):
        values = tuple(sorted(_short(graph, v) for v in graph.objects(node, prop)
                              if not isinstance(v, BNode)))
        if values:
            facts.append((title, values))
    return TermDoc(str(node), _anchor(str(node)),
                   _text(graph, node, RDFS.label, SKOS.prefLabel) or _anchor(str(node)),
                   _text(graph, node, RDFS.comment, SKOS.definition, SKOS.scopeNote),
                   tuple(facts))


def _typed(graph: Graph, rdf_type: URIRef, prefix: str) -> list[TermDoc]:
    return sorted((_term(graph, s) for s in set(graph.subjects(RDF.type, rdf_type))
                   if isinstance(s, URIRef) and str(s).startswith(prefix)),
                  key=lambda t: t.label.lower())


def document(graph: Graph, iri: str) -> VocabularyDoc | None:
    """The documentation for the ontology (`DEF_BASE`) or one concept scheme under it."""
    if iri == DEF_BASE:
        own = DEF_BASE + "#"
        doc = VocabularyDoc(iri, _text(graph, URIRef(iri), URIRef("http://purl.org/dc/terms/title"))
                            or "govgraph ontology",
                            _text(graph, URIRef(iri), URIRef("http://purl.org/dc/terms/description")))
        doc.sections = [(title, _typed(graph, kind, own)) for title, kind in (
            ("Classes", OWL.Class), ("Object properties", OWL.ObjectProperty),
            ("Data properties", OWL.DatatypeProperty))]
        schemes = [_term(graph, s) for s in sorted(set(graph.subjects(RDF.type,
                                                                     SKOS.ConceptScheme)))
                   if isinstance(s, URIRef) and str(s).startswith(DEF_BASE + "/")]
        doc.sections.append(("Vocabularies", schemes))
        return doc
    scheme = _scheme_for(graph, iri)
    if scheme is None:
        return None
    concepts = sorted((_term(graph, c) for c in set(graph.subjects(SKOS.inScheme, scheme))
                       if isinstance(c, URIRef)), key=lambda t: t.label.lower())
    return VocabularyDoc(str(scheme), _text(graph, scheme, SKOS.prefLabel, RDFS.label),
                         _text(graph, scheme, SKOS.definition, RDFS.comment, SKOS.scopeNote),
                         [("Concepts", concepts)])


def _scheme_for(graph: Graph, iri: str) -> URIRef | None:
    """The concept scheme a `/def/NAME` path documents (its IRI is NAME/scheme or NAME)."""
    for candidate in (URIRef(iri), URIRef(iri + "/scheme"), URIRef(iri.rstrip("/") + "/")):
        if (candidate, RDF.type, SKOS.ConceptScheme) in graph:
            return candidate
    return None


def term_data(graph: Graph, iri: str) -> Graph:
    """The triples about `iri` in the ontology: the whole ontology for `DEF_BASE`, a scheme with
    its concepts, or one term (with the blank nodes its statements lead to)."""
    out = bind_prefixes(Graph())
    subjects: list[URIRef] = []
    if iri == DEF_BASE:
        for triple in graph:
            out.add(triple)
        return out
    scheme = _scheme_for(graph, iri)
    if scheme is not None:
        subjects = [scheme, *graph.subjects(SKOS.inScheme, scheme)]
    else:
        subjects = [URIRef(iri)]
    pending: list = list(subjects)
    seen: set = set()
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in graph.triples((node, None, None)):
            out.add(triple)
            if isinstance(triple[2], BNode):
                pending.append(triple[2])
    return out


def page_for_term(graph: Graph, iri: str) -> str | None:
    """Where a single term is documented: `/def#Local` or `/def/SCHEME#local`."""
    node = URIRef(iri)
    if iri.startswith(DEF_BASE + "#"):
        return "/def#" + _anchor(iri)
    schemes: Sequence[object] = list(graph.objects(node, SKOS.inScheme))
    if schemes and isinstance(schemes[0], URIRef):
        path = str(schemes[0])[len(DEF_BASE):].removesuffix("/scheme").rstrip("/")
        return "/def" + path + "#" + _anchor(iri)
    return None

