"""The VoID and DCAT description of the published graph, for catalogues and crawlers.

Title and licence from the settings, size, last change, SPARQL endpoint, example resources,
vocabularies, and each download.
"""

from __future__ import annotations

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from govgraph.config import Settings
from govgraph.publishing.dump import DUMP_FILES, last_change
from govgraph.publishing.site import wording
from govgraph.rdf.namespaces import GG, ORG

VOID = Namespace("http://rdfs.org/ns/void#")
EXAMPLE_CLASSES = (ORG.Organization, FOAF.Person, GG.Meeting)


def _namespace(iri: str) -> str:
    for mark in ("#", "/"):
        if mark in iri:
            return iri.rsplit(mark, 1)[0] + mark
    return iri


def describe_dataset(graph: Graph, history: Dataset, settings: Settings, root: str,
                     sizes: dict[str, int]) -> Graph:
    """The description, for a server whose address is `root` (no trailing slash)."""
    words = wording(settings)
    out = Graph()
    out.bind("void", VOID)
    out.bind("dcat", DCAT)
    out.bind("dct", DCTERMS)
    dataset = URIRef(f"{root}/data/#dataset")
    for kind in (VOID.Dataset, DCAT.Dataset):
        out.add((dataset, RDF.type, kind))
    out.add((dataset, DCTERMS.title, Literal(words.title, lang="en")))
    out.add((dataset, DCTERMS.description, Literal(words.description, lang="en")))
    if words.licence:
        licence = words.licence
        is_iri = licence.startswith(("http://", "https://"))
        out.add((dataset, DCTERMS.license, URIRef(licence) if is_iri else Literal(licence)))
    if words.contact:
        out.add((dataset, DCAT.contactPoint, Literal(words.contact)))
    changed = last_change(history)
    if changed:
        out.add((dataset, DCTERMS.modified, Literal(changed, datatype=XSD.dateTime)))
    out.add((dataset, VOID.triples, Literal(len(graph))))
    out.add((dataset, VOID.distinctSubjects, Literal(len(set(graph.subjects())))))
    out.add((dataset, VOID.uriSpace, Literal(settings.base_iri)))
    out.add((dataset, VOID.sparqlEndpoint, URIRef(f"{root}/sparql")))
    out.add((dataset, VOID.rootResource, URIRef(f"{root}/")))
    for cls in EXAMPLE_CLASSES:
        examples = sorted(str(s) for s in graph.subjects(RDF.type, cls)
                          if str(s).startswith(settings.base_iri))
        if examples:
            out.add((dataset, VOID.exampleResource, URIRef(examples[0])))
    for namespace in sorted({_namespace(str(p)) for p in graph.predicates()}
                            | {_namespace(str(o)) for o in graph.objects(None, RDF.type)}):
        out.add((dataset, VOID.vocabulary, URIRef(namespace)))
    for download in DUMP_FILES:
        url = URIRef(f"{root}/data/{download.name}")
        if download.name.startswith("govgraph."):
            out.add((dataset, VOID.dataDump, url))
        distribution = URIRef(f"{root}/data/#{download.name}")
        out.add((dataset, DCAT.distribution, distribution))
        out.add((distribution, RDF.type, DCAT.Distribution))
        out.add((distribution, DCTERMS.title, Literal(download.title, lang="en")))
        out.add((distribution, DCAT.downloadURL, url))
        out.add((distribution, DCAT.mediaType,
                 URIRef(f"https://www.iana.org/assignments/media-types/{download.media_type}")))
        if download.name in sizes:
            out.add((distribution, DCAT.byteSize, Literal(sizes[download.name],
                                                          datatype=XSD.nonNegativeInteger)))
    return out
