"""RDF for clients: the formats content negotiation offers, and one resource described.

Also the published JSON-LD `@context`, mapping the project's terms to short keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from govgraph.rdf.namespaces import GG, PREFIXES, bind_prefixes
from govgraph.store import Store


@dataclass(frozen=True)
class RdfFormat:
    """One RDF syntax: its media type, file suffix and rdflib serializer name."""

    media_type: str
    suffix: str
    rdflib_name: str
    title: str


RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("text/turtle", "ttl", "turtle", "Turtle"),
    RdfFormat("application/n-triples", "nt", "nt", "N-Triples"),
    RdfFormat("application/ld+json", "jsonld", "json-ld", "JSON-LD"),
    RdfFormat("application/rdf+xml", "rdf", "xml", "RDF/XML"),
)
BY_SUFFIX = {f.suffix: f for f in RDF_FORMATS}
BY_MEDIA_TYPE = {f.media_type: f for f in RDF_FORMATS}
HTML = "text/html"
CONTEXT_PATH = "/ns/context.jsonld"
MAX_DESCRIPTION_TRIPLES = 20_000

_DESCRIBE = "CONSTRUCT { ?_s ?p ?o } WHERE { ?_s ?p ?o }"


def describe(store: Store, iri: str, timeout: float | None = None) -> Graph:
    """What the graph says about `iri`: every triple it is the subject of, with the blank
    nodes they lead to (their own triples, recursively), so the answer stands on its own."""
    graph = bind_prefixes(Graph())
    pending: list[URIRef | BNode] = [URIRef(iri)]
    seen: set[str] = set()
    whole: Graph | None = None
    while pending:
        node = pending.pop()
        if isinstance(node, BNode):
            # blank nodes cannot be named in a query: read them from a copy of the graph
            whole = whole if whole is not None else store.graph()
            triples = list(whole.triples((node, None, None)))
        else:
            result = store.query(_DESCRIBE, {"_s": node}, timeout)
            triples = list(result.graph or [])
        for triple in triples:
            graph.add(triple)
            obj = triple[2]
            if isinstance(obj, BNode) and str(obj) not in seen:
                seen.add(str(obj))
                pending.append(obj)
        if len(graph) > MAX_DESCRIPTION_TRIPLES:
            break
    return graph


def serialize(graph: Graph, fmt: RdfFormat) -> bytes:
    """`graph` in `fmt`; JSON-LD is compacted with the published context, given inline so
    the answer is readable without fetching anything."""
    if fmt.suffix == "jsonld":
        context = jsonld_context()["@context"]
        return graph.serialize(format="json-ld", context=context, auto_compact=True,
                               indent=2, encoding="utf-8")
    return graph.serialize(format=fmt.rdflib_name, encoding="utf-8")


@lru_cache(maxsize=1)
def _ontology_terms(paths: tuple[Path, ...]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def default_ontology_files() -> tuple[Path, ...]:
    """The bundled ontology and vocabularies (the project's own terms come from these)."""
    root = Path(__file__).resolve().parents[3] / "ontology"
    return (root / "govgraph.ttl", root / "vocab.ttl")


@lru_cache(maxsize=1)
def jsonld_context() -> dict[str, object]:
    """The JSON-LD context: the usual prefixes, and every `gg:` class and property by its
    local name. Object properties are not coerced to `@id`: rdflib's writer would then
    flatten blank nodes to bare identifiers and drop their triples."""
    context: dict[str, object] = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    ontology = _ontology_terms(default_ontology_files())
    for term in sorted(set(ontology.subjects(RDF.type, None))):
        if not isinstance(term, URIRef) or not str(term).startswith(str(GG)):
            continue
        local = str(term)[len(str(GG)):]
        if not local or local in context:
            continue
        if (term, RDF.type, OWL.DatatypeProperty) in ontology:
            ranges = list(ontology.objects(term, RDFS.range))
            entry: dict[str, str] = {"@id": f"gg:{local}"}
            if len(ranges) == 1 and str(ranges[0]).startswith(str(XSD)):
                entry["@type"] = str(ranges[0])
            context[local] = entry
        else:
            context[local] = f"gg:{local}"
    context.update({
        "label": {"@id": "skos:prefLabel"},
        "altLabel": {"@id": "skos:altLabel"},
        "name": {"@id": "foaf:name"},
        "reportsTo": {"@id": "org:reportsTo"},
        "memberOf": {"@id": "org:memberOf"},
        "derivedFrom": {"@id": "prov:wasDerivedFrom"},
    })
    return {"@context": context}
